"""A SPARQL 1.1 server standing in for the embedded store (the SPARQL 1.1 Protocol over HTTP).

`Endpoint` says where the server is (query, update and Graph Store URLs), which named graph
holds the catalogue, and who we are; `Client` sends one HTTP request and turns every failure
into a one-line `RuntimeFailure` (exit 3) that never contains the password; `RemoteCatalogue`
implements `kzgraph.store.Catalogue`, so every step and writer works unchanged.

Choices, and why:

- queries go as URL-encoded POST (``query=…&default-graph-uri=…``): every server takes it,
  whereas Virtuoso 7.2 never answers a direct ``application/sparql-query`` POST;
- the default graph of every query is the named graph kzgraph pushed to (``default-graph-uri``),
  so queries see only the catalogue, whatever else the server holds;
- the embedded engine predeclares the project's prefixes; here the ones a query uses and does
  not declare are added as ``PREFIX`` lines in front of it, on its first line, so line numbers in
  a server's error messages stay right;
- results are read as SPARQL JSON (SELECT/ASK) and N-Triples (CONSTRUCT/DESCRIBE) into
  pyoxigraph terms; blank node labels a term cannot carry (Virtuoso's ``nodeID://b10003``) are
  replaced by a label derived from them, so a node keeps one label across a result;
- only ``urllib``: no new dependency. Basic and digest authentication are both offered (the
  server's challenge picks one); the password is kept out of every message and ``repr``.

No rdflib here: this is on the query path. Nothing here runs unless ``--endpoint`` is given.
"""

from __future__ import annotations

import base64
import hashlib
import http.client
import json
import re
import secrets
import socket
import ssl
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field

import pyoxigraph as ox

from kzgraph import iris

from kzgraph.query import sparql
from kzgraph.errors import RuntimeFailure, UsageError, one_line
from kzgraph.query.sparql import Result, Term
from kzgraph.store import Capabilities

# Seconds to wait for a server when no --timeout is given: long enough for a big upload's
# answer, short enough that a server that never answers does not hang a script forever.
DEFAULT_TIMEOUT = 120.0
USER_ENV = "KZGRAPH_ENDPOINT_USER"
PASSWORD_ENV = "KZGRAPH_ENDPOINT_PASSWORD"

RESULTS_JSON = "application/sparql-results+json"
N_TRIPLES = "application/n-triples"
GRAPH_ACCEPT = "application/n-triples, text/plain;q=0.9, text/turtle;q=0.8, application/rdf+xml;q=0.5"
FORM = "application/x-www-form-urlencoded; charset=utf-8"
_GRAPH_MEDIA = {
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "text/plain": ox.RdfFormat.N_TRIPLES,
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/x-turtle": ox.RdfFormat.TURTLE,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
}
_MESSAGE_LIMIT = 300
_READ_CHUNK = 1 << 16


# ---------------------------------------------------------------- where the server is


def check_url(url: str, option: str = "--endpoint") -> str:
    """Return ``url`` if it is an absolute http(s) URL without credentials, else a usage error."""
    try:
        parts = urllib.parse.urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a bad port
    except ValueError:
        raise UsageError(f"{option}: not a valid URL; give one like http://127.0.0.1:7878/query") from None
    if parts.username is not None or parts.password is not None:
        # never echo the URL here: it holds a password
        raise UsageError(
            f"{option}: do not put credentials in the URL; give --user and the password in "
            f"${PASSWORD_ENV} (or the variable named by --password-env)"
        )
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UsageError(f"{option} {url!r}: not an http(s) URL; give one like http://127.0.0.1:7878/query")
    if parts.fragment:
        raise UsageError(f"{option} {url!r}: a URL with a #fragment cannot be an endpoint")
    if any(c.isspace() for c in url):
        raise UsageError(f"{option} {url!r}: a URL cannot contain spaces")
    return url


def check_graph(graph: str) -> ox.NamedNode:
    """Validate the ``--graph`` IRI into a term (its N-Triples form is what goes into updates)."""
    try:
        node = ox.NamedNode(graph)
    except ValueError as err:
        raise UsageError(f"--graph {graph!r}: not a valid absolute IRI ({err})") from None
    if ":" not in graph:
        raise UsageError(f"--graph {graph!r}: not an absolute IRI")
    return node


def derive_urls(query_url: str, authenticated: bool) -> tuple[str, str | None]:
    """Guess the update and Graph Store URLs of a server from its query URL.

    ``…/query`` (Oxigraph) → ``…/update`` and ``…/store``; ``…/sparql`` (Virtuoso) →
    ``…/sparql-auth`` and ``…/sparql-graph-crud-auth`` with credentials, ``…/sparql`` and
    ``…/sparql-graph-crud`` without; anything else → updates at the query URL, no Graph Store.
    """
    parts = urllib.parse.urlsplit(query_url)
    path = parts.path.rstrip("/")

    def at(new_path: str) -> str:
        return urllib.parse.urlunsplit(parts._replace(path=new_path))

    if path.endswith("/query"):
        base = path[: -len("query")]
        return at(base + "update"), at(base + "store")
    if path.endswith("/sparql"):
        base = path[: -len("sparql")]
        if authenticated:
            return at(path + "-auth"), at(base + "sparql-graph-crud-auth")
        return query_url, at(base + "sparql-graph-crud")
    return query_url, None


@dataclass(frozen=True)
class Endpoint:
    """A SPARQL server: its URLs, the named graph of the catalogue, credentials, timeout."""

    query_url: str
    graph: str = iris.GRAPH
    update_url: str | None = None
    store_url: str | None = None
    user: str | None = None
    password: str | None = field(default=None, repr=False)
    timeout: float = DEFAULT_TIMEOUT

    @classmethod
    def from_options(
        cls,
        url: str,
        *,
        graph: str | None = None,
        user: str | None = None,
        password: str | None = None,
        timeout: float | None = None,
        update_url: str | None = None,
        store_url: str | None = None,
    ) -> "Endpoint":
        """Check the options and fill in the URLs not given (see `derive_urls`)."""
        check_url(url)
        graph = graph or iris.GRAPH
        check_graph(graph)
        if update_url:
            check_url(update_url, "--update-url")
        if store_url:
            check_url(store_url, "--store-url")
        if (user is None) != (password is None):
            raise UsageError(
                f"give both a user and a password (--user, ${USER_ENV}; ${PASSWORD_ENV} or --password-env), "
                "or neither"
            )
        guessed_update, guessed_store = derive_urls(url, user is not None)
        return cls(
            query_url=url,
            graph=graph,
            update_url=update_url or guessed_update,
            store_url=store_url or guessed_store,
            user=user,
            password=password,
            timeout=timeout or DEFAULT_TIMEOUT,
        )


def credentials(user: str | None, password_env: str | None, environ: dict[str, str]) -> tuple[str | None, str | None]:
    """The user and password from the options and the environment (never from the command line)."""
    user = user or environ.get(USER_ENV) or None
    if password_env is not None:
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", password_env):
            raise UsageError(f"--password-env {password_env!r}: give the NAME of an environment variable")
        if password_env not in environ:
            raise UsageError(f"--password-env {password_env}: that environment variable is not set")
        password = environ[password_env]
        if user is None:
            raise UsageError(f"--password-env {password_env} needs a user: give --user or set ${USER_ENV}")
    else:
        password = environ.get(PASSWORD_ENV)
        if user is None:
            password = None  # a password alone is ignored: servers read no anonymous password
        elif password is None:
            raise UsageError(
                f"--user {user} needs a password: set ${PASSWORD_ENV}, or name another variable with --password-env"
            )
    return user, password


# ---------------------------------------------------------------- HTTP


@dataclass
class Response:
    status: int
    content_type: str
    body: bytes
    server: str = ""  # the Server header ("Virtuoso/07.20.3233 (Linux) ...")


class Client:
    """Sends HTTP requests to one server; every failure becomes a one-line `RuntimeFailure`."""

    def __init__(self, endpoint: Endpoint) -> None:
        self.endpoint = endpoint
        self._auth = Auth(endpoint.user, endpoint.password or "") if endpoint.user is not None else None
        self._opener = urllib.request.build_opener()

    def request(
        self,
        method: str,
        url: str,
        *,
        data: bytes | None = None,
        content_type: str | None = None,
        accept: str | None = None,
        timeout: float | None = None,
    ) -> Response:
        """Send one request; return the answer of a 2xx, raise `RuntimeFailure` for anything else.

        With credentials, the server's challenge is fetched first with a bodiless ``HEAD`` and
        the request is sent already authenticated: a server that answers 401 and closes the
        connection while a large body is still being sent (Virtuoso does) would otherwise
        break the upload.
        """
        timeout = timeout or self.endpoint.timeout
        where = _shown(url)
        for attempt in (1, 2):
            headers = {"User-Agent": "kzgraph"}
            if content_type:
                headers["Content-Type"] = content_type
            if accept:
                headers["Accept"] = accept
            if self._auth is not None:
                if not self._auth.knows(url):
                    self._probe(url, timeout)
                authorization = self._auth.header(method, url)
                if authorization:
                    headers["Authorization"] = authorization
            req = urllib.request.Request(url, data=data, method=method, headers=headers)
            try:
                return self._send(req, timeout, where)
            except urllib.error.HTTPError as err:
                if err.code == 401 and self._auth is not None and attempt == 1:
                    # a nonce may go stale between requests: learn the new one and try once more
                    if self._auth.learn(url, err.headers.get_all("WWW-Authenticate") or []):
                        continue
                raise self._http_error(err, where) from None
            except (BrokenPipeError, ConnectionResetError) as err:
                if self._auth is not None:
                    # The server hung up while the body was going out: it may have refused the
                    # credentials (Virtuoso answers 401 and closes). Ask again without a body.
                    self._auth.forget(url)
                    self._probe(url, timeout, check=True)
                    if attempt == 1:
                        continue
                raise self._failure(_network_message(err, where, timeout)) from None
        raise AssertionError("unreachable")

    def _probe(self, url: str, timeout: float, check: bool = False) -> None:
        """Learn the server's challenge for ``url`` with a bodiless HEAD.

        ``check``: then send HEAD again with the credentials, and report a refusal as an
        authentication failure.
        """
        assert self._auth is not None
        parts = urllib.parse.urlsplit(url)
        bare = urllib.parse.urlunsplit(parts._replace(query="", fragment=""))
        where = _shown(url)
        req = urllib.request.Request(bare, method="HEAD", headers={"User-Agent": "kzgraph"})
        try:
            self._send(req, timeout, where)
            self._auth.learn(url, [])  # no challenge: send requests as they are
            return
        except urllib.error.HTTPError as err:
            if err.code != 401:
                self._auth.learn(url, [])
                return
            self._auth.learn(url, err.headers.get_all("WWW-Authenticate") or [])
        if check:
            authorization = self._auth.header("HEAD", bare)
            headers = {"User-Agent": "kzgraph", **({"Authorization": authorization} if authorization else {})}
            try:
                self._send(urllib.request.Request(bare, method="HEAD", headers=headers), timeout, where)
            except urllib.error.HTTPError as err:
                if err.code in (401, 403):
                    raise self._http_error(err, where) from None

    def _send(self, req: urllib.request.Request, timeout: float, where: str) -> Response:
        deadline = time.monotonic() + timeout
        try:
            with self._opener.open(req, timeout=timeout) as resp:
                body = _read_until(resp, deadline, timeout, where)
                _check_complete(resp.headers, where)
                return Response(resp.status, resp.headers.get("Content-Type", ""), body,
                                resp.headers.get("Server", ""))
        except urllib.error.HTTPError:
            raise
        except urllib.error.URLError as err:
            if isinstance(err.reason, (BrokenPipeError, ConnectionResetError)):
                raise err.reason from None
            raise self._failure(_network_message(err.reason, where, timeout)) from None
        except (TimeoutError, socket.timeout):
            raise self._failure(_timeout_message(where, timeout)) from None
        except (BrokenPipeError, ConnectionResetError):
            raise
        except (http.client.HTTPException, ssl.SSLError, OSError) as err:
            raise self._failure(_network_message(err, where, timeout)) from None

    def _http_error(self, err: urllib.error.HTTPError, where: str) -> RuntimeFailure:
        try:
            body = err.read(64 * 1024) if err.fp is not None else b""
        except (OSError, http.client.HTTPException):
            body = b""
        detail = server_message(body, err.headers.get("Content-Type", "") if err.headers else "")
        if err.code in (401, 403):
            who = f"as {self.endpoint.user!r}" if self.endpoint.user else "without credentials"
            hint = (
                f"check --user and the password in ${PASSWORD_ENV} (or --password-env)"
                if self.endpoint.user
                else f"give --user and set ${PASSWORD_ENV}"
            )
            word = "authentication failed" if err.code == 401 else "access denied"
            message = f"{word} at {where} {who} (HTTP {err.code}); {hint}"
            if detail and err.code == 403:
                message += f": {detail}"
            return self._failure(message)
        message = f"the server at {where} answered HTTP {err.code} {err.reason or ''}".rstrip()
        if detail:
            message += f": {detail}"
        return self._failure(message)

    def _failure(self, message: str) -> RuntimeFailure:
        return RuntimeFailure(scrub(message, self.endpoint.password))


class Auth:
    """HTTP Basic and Digest (RFC 7616: MD5, SHA-256, their -sess forms, qop=auth) credentials.

    The challenge of each server path is remembered, so requests are sent authenticated.
    """

    def __init__(self, user: str, password: str) -> None:
        self.user = user
        self._password = password
        self._challenges: dict[str, dict[str, str] | None] = {}
        self._count = 0

    def __repr__(self) -> str:
        return f"Auth(user={self.user!r})"

    @staticmethod
    def _key(url: str) -> str:
        parts = urllib.parse.urlsplit(url)
        return f"{parts.scheme}://{parts.netloc}{parts.path}"

    def knows(self, url: str) -> bool:
        return self._key(url) in self._challenges

    def forget(self, url: str) -> None:
        self._challenges.pop(self._key(url), None)

    def learn(self, url: str, values: list[str]) -> bool:
        """Remember the best challenge among WWW-Authenticate values; False if none is usable."""
        best: dict[str, str] | None = None
        for value in values:
            scheme, _, rest = value.strip().partition(" ")
            params = urllib.request.parse_keqv_list(urllib.request.parse_http_list(rest)) if rest else {}
            params = {k.lower(): v for k, v in params.items()}
            params["scheme"] = scheme.lower()
            if params["scheme"] == "digest" and "nonce" in params and _digest_hash(params) is not None:
                best = params
                break
            if params["scheme"] == "basic" and best is None:
                best = params
        self._challenges[self._key(url)] = best
        return best is not None

    def header(self, method: str, url: str) -> str | None:
        challenge = self._challenges.get(self._key(url))
        if challenge is None:
            return None
        if challenge["scheme"] == "basic":
            token = base64.b64encode(f"{self.user}:{self._password}".encode("utf-8")).decode("ascii")
            return f"Basic {token}"
        hash_ = _digest_hash(challenge)
        assert hash_ is not None
        parts = urllib.parse.urlsplit(url)
        uri = parts.path + (f"?{parts.query}" if parts.query else "")
        realm, nonce = challenge.get("realm", ""), challenge["nonce"]
        self._count += 1
        nc = f"{self._count:08x}"
        cnonce = secrets.token_hex(8)
        ha1 = hash_(f"{self.user}:{realm}:{self._password}")
        if challenge.get("algorithm", "MD5").upper().endswith("-SESS"):
            ha1 = hash_(f"{ha1}:{nonce}:{cnonce}")
        ha2 = hash_(f"{method}:{uri}")
        qops = [q.strip() for q in challenge.get("qop", "").split(",") if q.strip()]
        fields = [f'username="{self.user}"', f'realm="{realm}"', f'nonce="{nonce}"', f'uri="{uri}"']
        if "auth" in qops:
            response = hash_(f"{ha1}:{nonce}:{nc}:{cnonce}:auth:{ha2}")
            fields += ["qop=auth", f"nc={nc}", f'cnonce="{cnonce}"']
        else:
            response = hash_(f"{ha1}:{nonce}:{ha2}")
        fields.append(f'response="{response}"')
        if "opaque" in challenge:
            fields.append(f'opaque="{challenge["opaque"]}"')
        if "algorithm" in challenge:
            fields.append(f"algorithm={challenge['algorithm']}")
        return "Digest " + ", ".join(fields)


def _digest_hash(challenge: dict[str, str]):
    algorithm = challenge.get("algorithm", "MD5").upper().removesuffix("-SESS")
    name = {"MD5": "md5", "SHA-256": "sha256", "SHA-512-256": None}.get(algorithm)
    if name is None:
        return None
    return lambda text: hashlib.new(name, text.encode("utf-8")).hexdigest()


def _check_complete(headers, where: str) -> None:
    """Refuse an answer the server marks as cut short (Virtuoso's "anytime" partial results)."""
    state = headers.get("X-SQL-State") or ""
    if state and state != "00000":
        detail = _one_line(headers.get("X-SQL-Message") or state)
        raise RuntimeFailure(f"the server at {where} returned incomplete results ({detail}); raise its limits or narrow the query")


def scrub(message: str, secret: str | None) -> str:
    """Remove a secret from a message (defence in depth: no message is built from it)."""
    if secret and len(secret) >= 1:
        message = message.replace(secret, "***")
    return message


def _shown(url: str) -> str:
    """The URL as shown in messages: without its query string (it may hold a long query)."""
    parts = urllib.parse.urlsplit(url)
    return urllib.parse.urlunsplit(parts._replace(query="", fragment=""))


def _read_until(resp, deadline: float, timeout: float, where: str) -> bytes:
    chunks = []
    while True:
        chunk = resp.read(_READ_CHUNK)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)
        if time.monotonic() > deadline:
            raise TimeoutError(_timeout_message(where, timeout))


def _timeout_message(where: str, timeout: float) -> str:
    return f"no complete answer from {where} within {timeout:g} s; raise --timeout or simplify the request"


def _network_message(reason: object, where: str, timeout: float) -> str:
    parts = urllib.parse.urlsplit(where)
    host = parts.netloc or where
    if isinstance(reason, (TimeoutError, socket.timeout)):
        return _timeout_message(where, timeout)
    if isinstance(reason, ConnectionRefusedError):
        return f"cannot connect to {host}: connection refused; is the SPARQL server running at {where}?"
    if isinstance(reason, socket.gaierror):
        return f"cannot find the host {parts.hostname!r} of {where}; check the URL"
    if isinstance(reason, (ConnectionResetError, http.client.RemoteDisconnected, http.client.IncompleteRead)):
        return f"the server at {where} closed the connection before answering"
    if isinstance(reason, ssl.SSLError):
        return f"TLS failed with {host}: {getattr(reason, 'reason', None) or reason}"
    text = getattr(reason, "strerror", None) or str(reason) or type(reason).__name__
    return f"cannot reach {where}: {_one_line(text)}"


def _one_line(text: str) -> str:
    return one_line(text, _MESSAGE_LIMIT)


_HTML_KEEP = re.compile(r"<(xmp|pre)\b[^>]*>(.*?)</\1\s*>", re.S | re.I)
_HTML_DROP = re.compile(r"<(head|script|style)\b.*?</\1\s*>", re.S | re.I)
_HTML_TAG = re.compile(r"<[^>]*>")


def server_message(body: bytes, content_type: str = "") -> str:
    """The first meaningful line of a server's error answer, trimmed (HTML tags removed)."""
    text = body.decode("utf-8", "replace")
    if "html" in content_type.lower() or text.lstrip().lower().startswith(("<!doctype", "<html")):
        kept = _HTML_KEEP.search(text)
        if kept:
            text = kept.group(2)
        else:
            text = _HTML_TAG.sub("\n", _HTML_DROP.sub("", text))
        text = text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&amp;", "&")
    for line in text.splitlines():
        line = line.strip()
        if line and not re.fullmatch(r"(HTTP/\d(\.\d)? )?\d{3}\b.*", line):
            return _one_line(line)
    return ""


# ---------------------------------------------------------------- queries


def add_prefixes(text: str, prefixes: dict[str, str] | None) -> str:
    """Declare the prefixes a query uses without declaring them, on its first line."""
    if not prefixes:
        return text
    tokens = sparql.tokenize(text)
    declared: set[str] = set()
    used: set[str] = set()
    for i, tok in enumerate(tokens):
        if tok.kind != "word":
            continue
        if tok.value.upper() == "PREFIX" and i + 1 < len(tokens) and tokens[i + 1].value.endswith(":"):
            declared.add(tokens[i + 1].value[:-1])
        elif ":" in tok.value:
            used.add(tok.value.split(":", 1)[0])
    missing = [p for p in sorted(used - declared) if p in prefixes]
    if not missing:
        return text
    # no line break: a server's "line N" still points at the query's own line N
    head = "".join(f"PREFIX {p}: {ox.NamedNode(prefixes[p])} " for p in missing)
    return head + text


def drop_unbound_parameters(text: str) -> str:
    """Remove the `VALUES ?name { UNDEF }` blocks left unbound (each is a no-op in SPARQL).

    Virtuoso 7.2 loses rows or never answers when such a block sits in a subquery beside
    OPTIONALs or a property path (measured with transparency-score.rq).
    """
    while True:
        blocks = sparql.values_blocks(text)
        if not blocks:
            return text
        start, end = max(blocks.values())
        text = text[:start] + "\n" * text.count("\n", start, end) + text[end:]


# One look-up for a slug, instead of reading the graph: IRIs in subject or object position,
# under the id/ or vocab/ namespaces, ending in /SLUG.
_SLUG_QUERY = """SELECT DISTINCT ?iri WHERE {
  VALUES ?suffix { UNDEF }
  { ?iri ?p ?o } UNION { ?s ?p ?iri }
  FILTER(isIRI(?iri) && STRENDS(STR(?iri), ?suffix)
         && (STRSTARTS(STR(?iri), STR(?id)) || STRSTARTS(STR(?iri), STR(?vocab))))
  VALUES ?id { UNDEF }
  VALUES ?vocab { UNDEF }
}"""
_CODE_QUERY = """SELECT DISTINCT ?concept WHERE {
  VALUES ?code { UNDEF }
  VALUES ?property { UNDEF }
  ?concept ?property ?value .
  FILTER(isIRI(?concept) && LCASE(STR(?value)) = ?code)
}"""

CAPABILITIES = Capabilities(name="remote", long_values=False, locations=False, timeout=False, server="sparql")


class RemoteCatalogue:
    """A `kzgraph.store.Catalogue` on a SPARQL 1.1 server: queries run over the catalogue's named graph."""

    capabilities = CAPABILITIES

    def __init__(
        self, endpoint: Endpoint, prefixes: dict[str, str] | None = None, client: Client | None = None
    ) -> None:
        self.endpoint = endpoint
        self.prefixes = dict(iris.PREFIXES) if prefixes is None else prefixes
        self.client = client or Client(endpoint)

    def __repr__(self) -> str:
        return f"RemoteCatalogue({_shown(self.endpoint.query_url)!r}, graph={self.endpoint.graph!r})"

    def query(
        self,
        text: str,
        *,
        prefixes: dict[str, str] | None = None,
        timeout: float | None = None,
        native_format: str | None = None,
    ) -> Result:
        """Send a checked, bound query; ``timeout`` bounds the wait for the answer."""
        text = drop_unbound_parameters(text)
        op = sparql.query_operation(text) or "SELECT"
        graph_form = op in ("CONSTRUCT", "DESCRIBE")
        declared = self.prefixes if prefixes is None else {**self.prefixes, **prefixes}
        body = urllib.parse.urlencode(
            [("query", add_prefixes(text, declared)), ("default-graph-uri", self.endpoint.graph)]
        ).encode("ascii")
        resp = self.client.request(
            "POST",
            self.endpoint.query_url,
            data=body,
            content_type=FORM,
            accept=GRAPH_ACCEPT if graph_form else RESULTS_JSON,
            timeout=timeout if timeout and timeout != float("inf") else None,
        )
        where = _shown(self.endpoint.query_url)
        if graph_form:
            return Result("graph", triples=parse_triples(resp.body, resp.content_type, where))
        return parse_results_json(resp.body, resp.content_type, where)

    def match(self, subject=None, predicate=None, object=None) -> list[ox.Triple]:  # noqa: A002
        """The triples of the graph matching a pattern (one SELECT; terms bound, never pasted)."""
        text = (
            "SELECT ?s ?p ?o WHERE { ?s ?p ?o "
            "VALUES ?s { UNDEF } VALUES ?p { UNDEF } VALUES ?o { UNDEF } }"
        )
        bound = {name: term for name, term in (("s", subject), ("p", predicate), ("o", object)) if term is not None}
        result = self.query(sparql.bind_parameters(text, bound) if bound else text)
        return [
            ox.Triple(subject or s, predicate or p, object or o)  # type: ignore[arg-type]
            for s, p, o in result.rows
        ]

    def count(self) -> int:
        """How many triples the catalogue's graph holds on the server."""
        result = self.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
        term = result.rows[0][0] if result.rows else None
        try:
            return int(term.value)  # type: ignore[union-attr]
        except (AttributeError, ValueError):
            raise RuntimeFailure(
                f"the server at {_shown(self.endpoint.query_url)} did not count the triples of its graph"
            ) from None

    def triples(self) -> list[ox.Triple]:
        """Every triple of the catalogue's graph (one CONSTRUCT)."""
        return self.query("CONSTRUCT WHERE { ?s ?p ?o }").triples

    def resolve_slug(self, slug: str) -> list[ox.NamedNode]:
        """The IRIs under id/ or vocab/ ending in /slug: one query, not the whole graph."""
        if not sparql.is_slug(slug):
            return []
        text = sparql.bind_parameters(_SLUG_QUERY, {
            "suffix": ox.Literal("/" + slug), "id": ox.NamedNode(iris.ID), "vocab": ox.NamedNode(iris.VOCAB),
        })
        result = self.query(text)
        return sorted({row[0] for row in result.rows if isinstance(row[0], ox.NamedNode)}, key=lambda n: n.value)

    def resolve_code(self, code: str) -> list[ox.NamedNode]:
        """Concepts whose ISO code or notation is ``code`` (case-insensitive): one query."""
        wanted = code.strip().lower()
        if not sparql.is_code(wanted):
            return []
        text = sparql.bind_parameters(
            _CODE_QUERY, {"code": ox.Literal(wanted), "property": list(sparql.CODE_PROPERTIES)}
        )
        result = self.query(text)
        return sorted({row[0] for row in result.rows if isinstance(row[0], ox.NamedNode)}, key=lambda n: n.value)

    def local_copy(self):
        """The server's graph as an embedded catalogue (no files, so no file:line locations).

        One CONSTRUCT fetches every triple; the count is checked so that a server that cuts long
        results (Virtuoso's ResultSetMaxRows) cannot make a partial graph look complete.
        """
        from kzgraph.store.embedded import from_triples

        copy = from_triples(self.triples())
        expected = self.count()
        if copy.count() < expected:
            raise RuntimeFailure(
                f"the server at {_shown(self.endpoint.query_url)} sent {copy.count()} of the {expected} triples "
                f"of <{self.endpoint.graph}>; raise its result-size limit (Virtuoso: ResultSetMaxRows)"
            )
        return copy


# ---------------------------------------------------------------- reading answers


def _media_type(content_type: str) -> str:
    return content_type.split(";", 1)[0].strip().lower()


def parse_results_json(body: bytes, content_type: str, where: str) -> Result:
    """Read SPARQL 1.1 JSON results (SELECT or ASK) into a `Result` of pyoxigraph terms."""
    media = _media_type(content_type)
    if media and "json" not in media:
        raise RuntimeFailure(
            f"the server at {where} answered with {media}, not SPARQL JSON results; is it a SPARQL query endpoint?"
        )
    try:
        doc = json.loads(body.decode("utf-8"))
        if "boolean" in doc:
            return Result("ask", boolean=bool(doc["boolean"]))
        names = list(doc["head"].get("vars", []))
        labels: dict[str, ox.BlankNode] = {}
        rows = []
        for binding in doc["results"]["bindings"]:
            rows.append(tuple(json_term(binding[v], labels) if v in binding else None for v in names))
        return Result("select", variables=names, rows=rows)
    except (ValueError, KeyError, TypeError, AttributeError) as err:
        raise RuntimeFailure(f"the server at {where} sent results kzgraph cannot read: {_one_line(str(err))}") from None


def blank_node(label: str, labels: dict[str, ox.BlankNode]) -> ox.BlankNode:
    """A blank node for a server's label, the same node for the same label."""
    node = labels.get(label)
    if node is None:
        if re.fullmatch(r"[A-Za-z0-9_]+", label):
            node = ox.BlankNode(label)
        else:
            node = ox.BlankNode("r" + hashlib.sha256(label.encode("utf-8")).hexdigest()[:20])
        labels[label] = node
    return node


def json_term(obj: dict, labels: dict[str, ox.BlankNode]) -> Term:
    """One term of SPARQL JSON results (``typed-literal`` is what older servers write)."""
    kind, value = obj["type"], obj["value"]
    if kind == "uri":
        return ox.NamedNode(value)
    if kind == "bnode":
        return blank_node(value, labels)
    if kind in ("literal", "typed-literal"):
        lang = obj.get("xml:lang")
        if lang:
            return ox.Literal(value, language=lang)
        datatype = obj.get("datatype")
        if datatype:
            return ox.Literal(value, datatype=ox.NamedNode(datatype))
        return ox.Literal(value)
    raise ValueError(f"unknown term type {kind!r}")


def parse_triples(body: bytes, content_type: str, where: str) -> list[ox.Triple]:
    """Read a CONSTRUCT/DESCRIBE answer (N-Triples, Turtle or RDF/XML) into triples."""
    media = _media_type(content_type)
    fmt = _GRAPH_MEDIA.get(media, ox.RdfFormat.N_TRIPLES)
    labels: dict[str, ox.BlankNode] = {}

    def node(term):
        return blank_node(term.value, labels) if isinstance(term, ox.BlankNode) else term

    try:
        return [
            ox.Triple(node(q.subject), q.predicate, node(q.object))
            for q in ox.parse(body, format=fmt, base_iri=None, lenient=False)
        ]
    except (SyntaxError, ValueError) as err:
        raise RuntimeFailure(
            f"the server at {where} sent a graph kzgraph cannot read ({media or 'no content type'}): "
            f"{_one_line(str(err))}"
        ) from None
