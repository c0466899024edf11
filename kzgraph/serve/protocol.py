"""The SPARQL 1.1 Protocol's request side, and content negotiation, as plain functions.

`parse_form` reads URL-encoded text strictly (a malformed ``%`` escape or bytes that are not
UTF-8 are a `ProtocolError`, never silently replaced); `sparql_request` turns a request's
method, content type, query string and body into the query text and its dataset;
`negotiate` picks a format of the format registry (``kzgraph.formats``) for an ``Accept``
header. No Starlette here: these are tested on their own.
"""

from __future__ import annotations

import re
import urllib.parse
from dataclasses import dataclass, field

from kzgraph import formats


class ProtocolError(Exception):
    """A request the protocol does not allow: ``status`` (4xx) and a one-line message."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}


# ---------------------------------------------------------------- URL-encoded text

_BAD_ESCAPE = re.compile(r"%(?![0-9A-Fa-f]{2})")


def parse_form(text: bytes | str, where: str = "query string") -> list[tuple[str, str]]:
    """Name/value pairs of URL-encoded text; a bad ``%`` escape or non-UTF-8 text is a 400."""
    if isinstance(text, bytes):
        try:
            text = text.decode("ascii")
        except UnicodeDecodeError:
            raise ProtocolError(400, f"the {where} holds raw non-ASCII bytes; percent-encode them (UTF-8)") from None
    m = _BAD_ESCAPE.search(text)
    if m:
        raise ProtocolError(
            400, f"bad percent-encoding in the {where} at character {m.start() + 1}: "
            "'%' must be followed by two hexadecimal digits"
        )
    try:
        return urllib.parse.parse_qsl(text, keep_blank_values=True, encoding="utf-8", errors="strict")
    except UnicodeDecodeError:
        raise ProtocolError(400, f"the {where} is not UTF-8 once percent-decoded") from None
    except ValueError as err:
        raise ProtocolError(400, f"malformed {where}: {err}") from None


# ---------------------------------------------------------------- SPARQL requests

FORM = "application/x-www-form-urlencoded"
SPARQL_QUERY = "application/sparql-query"
SPARQL_UPDATE = "application/sparql-update"


@dataclass
class SparqlRequest:
    """What a protocol request asks: the query (or an update, to refuse) and its dataset."""

    query: str | None = None
    update: str | None = None
    default_graphs: list[str] = field(default_factory=list)
    named_graphs: list[str] = field(default_factory=list)
    params: dict[str, list[str]] = field(default_factory=dict)


def media_type(content_type: str | None) -> tuple[str, dict[str, str]]:
    """The media type of a Content-Type header, lower-cased, and its parameters."""
    if not content_type:
        return "", {}
    head, *rest = content_type.split(";")
    params = {}
    for item in rest:
        name, sep, value = item.partition("=")
        if sep:
            params[name.strip().lower()] = value.strip().strip('"')
    return head.strip().lower(), params


def _check_charset(params: dict[str, str]) -> None:
    charset = params.get("charset", "utf-8").lower()
    if charset not in ("utf-8", "utf8", "us-ascii", "ascii"):
        raise ProtocolError(415, f"the body's charset is {charset}; send the query as UTF-8")


def sparql_request(method: str, content_type: str | None, query_string: bytes, body: bytes) -> SparqlRequest:
    """Read a protocol request (GET ?query=, POST form-encoded, POST application/sparql-query)."""
    pairs = parse_form(query_string, "query string")
    if method == "POST":
        media, params = media_type(content_type)
        if media == FORM:
            _check_charset(params)
            pairs += parse_form(body, "form body")
        elif media in (SPARQL_QUERY, SPARQL_UPDATE):
            _check_charset(params)
            try:
                text = body.decode("utf-8")
            except UnicodeDecodeError:
                raise ProtocolError(400, "the query in the body is not UTF-8") from None
            pairs.append(("query" if media == SPARQL_QUERY else "update", text))
        elif not media:
            raise ProtocolError(
                415, "a POST needs a Content-Type: application/x-www-form-urlencoded or application/sparql-query",
                {"Accept-Post": f"{FORM}, {SPARQL_QUERY}"},
            )
        else:
            raise ProtocolError(
                415, f"cannot read a {media} body; send application/x-www-form-urlencoded or application/sparql-query",
                {"Accept-Post": f"{FORM}, {SPARQL_QUERY}"},
            )
    grouped: dict[str, list[str]] = {}
    for name, value in pairs:
        grouped.setdefault(name, []).append(value)
    req = SparqlRequest(params=grouped)
    for name in ("query", "update"):
        values = grouped.get(name, [])
        if len(values) > 1:
            raise ProtocolError(400, f"the request has {len(values)} '{name}' parameters; send exactly one")
        if values:
            setattr(req, name, values[0])
    if req.query is not None and req.update is not None:
        raise ProtocolError(400, "the request has both 'query' and 'update'; send one query")
    req.default_graphs = grouped.get("default-graph-uri", [])
    req.named_graphs = grouped.get("named-graph-uri", [])
    for iri in req.default_graphs + req.named_graphs:
        check_graph_iri(iri)
    return req


_ABSOLUTE_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:[^\s<>\"{}|\\^`]*$")


def check_graph_iri(iri: str) -> None:
    """A default-graph-uri / named-graph-uri must be an absolute IRI, and never a local file."""
    if not _ABSOLUTE_IRI.match(iri):
        raise ProtocolError(400, f"default-graph-uri / named-graph-uri {iri!r} is not an absolute IRI")
    if iri.lower().startswith("file:"):
        raise ProtocolError(403, f"graph {iri!r} is refused: this server never reads local files")


# ---------------------------------------------------------------- content negotiation

# Media types each format answers to, the registry's own first; extra names clients send.
_EXTRA_TYPES = {
    "json": ("application/json",),
    "xml": ("application/xml",),
    "ttl": ("application/x-turtle",),
    "nt": ("text/plain",),
    "jsonld": ("application/json",),
    "rdfxml": ("application/xml",),
    "html": ("application/xhtml+xml",),
}
HTML = "text/html"
SELECT_OFFER = ("json", "xml", "csv", "tsv")
ASK_OFFER = ("json", "xml")
GRAPH_OFFER = ("ttl", "nt", "jsonld", "rdfxml")


def media_types(name: str) -> tuple[str, ...]:
    """Every media type a format answers to (``html`` is the page of a thing)."""
    main = HTML if name == "html" else formats.get(name).media_type
    return (main, *_EXTRA_TYPES.get(name, ()))


def content_type(name: str) -> str:
    """The Content-Type header of a format (charset on text types)."""
    main = HTML if name == "html" else formats.get(name).media_type
    if main.startswith("text/") or main in ("application/n-triples",):
        return f"{main}; charset=utf-8"
    return main


@dataclass(frozen=True)
class _Range:
    type: str
    subtype: str
    q: float

    def matches(self, media: str) -> int:
        """Specificity of the match (3 exact, 2 type/*, 1 */*), 0 if none."""
        t, _, s = media.partition("/")
        if self.type == t and self.subtype == s:
            return 3
        if self.type == t and self.subtype == "*":
            return 2
        if self.type == "*" and self.subtype == "*":
            return 1
        return 0


def parse_accept(header: str | None) -> list[_Range]:
    """The media ranges of an Accept header with their q values (malformed items are skipped)."""
    ranges = []
    for item in (header or "").split(","):
        media, params = media_type(item)
        if not media or "/" not in media:
            continue
        t, _, s = media.partition("/")
        try:
            q = float(params.get("q", "1"))
        except ValueError:
            q = 1.0
        ranges.append(_Range(t.strip(), s.strip(), max(0.0, min(1.0, q))))
    return ranges


def negotiate(header: str | None, offer: tuple[str, ...]) -> str | None:
    """The offered format the Accept header prefers (the first offered on a tie), or None (406).

    No Accept header, or an empty one, means anything: the first offered format.
    """
    ranges = parse_accept(header)
    if not ranges:
        return offer[0] if offer else None
    best, best_q = None, 0.0
    for name in offer:
        q_for_name = 0.0
        for media in media_types(name):
            specificity, q = 0, 0.0
            for r in ranges:
                s = r.matches(media)
                if s > specificity:
                    specificity, q = s, r.q
            q_for_name = max(q_for_name, q)
        if q_for_name > best_q:
            best, best_q = name, q_for_name
    return best


def format_override(value: str | None, offer: tuple[str, ...]) -> str | None:
    """A ``?format=`` value (a registry name or alias, or ``html``) among the offered ones."""
    if value is None:
        return None
    name = value.strip().lower()
    if name != "html":
        try:
            name = formats.normalize(name)
        except KeyError:
            name = ""
    if name not in offer:
        raise ProtocolError(
            400, f"unknown format {value!r} here; use one of {', '.join(offer)}"
        )
    return name
