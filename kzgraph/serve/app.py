"""The ASGI application of `kzgraph serve` (Starlette): SPARQL endpoint, linked data, health.

Every answer carries ``Vary: Accept``, ``X-Content-Type-Options: nosniff`` and CORS headers
(browser SPARQL editors such as YASGUI query from another origin); HTML also carries a
Content-Security-Policy. One line per request goes to stderr: method, path, status, ms.
"""

from __future__ import annotations

import asyncio
import functools
import json
import sys
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from kzgraph import iris

from kzgraph.query import sparql
from kzgraph.errors import InputError, UsageError
from kzgraph.serve import protocol
from kzgraph.serve.linked import ONTOLOGY, LinkedData
from kzgraph.serve.pool import Pool, PoolBusy, QueryTimeout
from kzgraph.serve.protocol import ProtocolError

TRUNCATED_HEADER = "X-Kzgraph-Truncated"
CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)
CORS = [
    (b"access-control-allow-origin", b"*"),
    (b"access-control-expose-headers", TRUNCATED_HEADER.lower().encode() + b", content-type, vary"),
]
PREFLIGHT = CORS + [
    (b"access-control-allow-methods", b"GET, POST, OPTIONS"),
    (b"access-control-allow-headers", b"Accept, Content-Type, Authorization, X-Requested-With"),
    (b"access-control-max-age", b"86400"),
]


@dataclass
class Settings:
    """What the operator chose on the command line."""

    timeout: float = 10.0
    max_timeout: float = 60.0
    max_rows: int = 10_000
    workers: int = 2
    max_body: int = 1 << 20  # bytes of a POST body
    body_timeout: float = 10.0  # seconds to receive a body
    shutdown_timeout: float = 10.0


@dataclass
class ServerState:
    """What the handlers share: the settings, the worker pool, the linked data, counters."""

    settings: Settings
    dump: str
    linked: LinkedData
    triples: int
    pool: Pool | None = None
    # the site `kzgraph site` builds (kzgraph.site.build), in memory: path -> bytes; None without it
    site: dict[str, bytes] | None = None
    started: float = field(default_factory=time.monotonic)
    # query texts the guard (run in a worker) let through, most recent last
    checked: "OrderedDict[str, None]" = field(default_factory=lambda: OrderedDict())

    def remember_checked(self, text: str, most: int = 4096) -> None:
        self.checked[text] = None
        self.checked.move_to_end(text)
        while len(self.checked) > most:
            self.checked.popitem(last=False)


# ---------------------------------------------------------------- middleware


class Headers:
    """Pure ASGI middleware: common headers, CORS preflight, one log line per request."""

    def __init__(self, app: Any, log=None) -> None:
        self.app = app
        self.log = log or sys.stderr

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        status = [500]

        async def send_with_headers(message) -> None:
            if message["type"] == "http.response.start":
                status[0] = message["status"]
                headers = list(message.get("headers", []))
                names = {name.lower() for name, _ in headers}
                extra = [(b"x-content-type-options", b"nosniff")]
                if b"vary" not in names:
                    extra.append((b"vary", b"Accept"))
                if b"access-control-allow-origin" not in names:
                    extra += CORS
                ctype = next((v for n, v in headers if n.lower() == b"content-type"), b"")
                if ctype.startswith(b"text/html"):
                    extra.append((b"content-security-policy", CSP.encode()))
                message = {**message, "headers": headers + extra}
            await send(message)

        try:
            if scope["method"] == "OPTIONS":
                await send_with_headers({"type": "http.response.start", "status": 204, "headers": PREFLIGHT})
                await send_with_headers({"type": "http.response.body", "body": b""})
            else:
                await self.app(scope, receive, send_with_headers)
        finally:
            ms = (time.perf_counter() - start) * 1000
            path = scope.get("path", "")
            shown = path if len(path) <= 200 else path[:200] + "…"
            shown = shown.encode("unicode_escape").decode("ascii")
            print(f"{scope['method']} {shown} {status[0]} {ms:.1f}ms", file=self.log, flush=True)


# ---------------------------------------------------------------- helpers


def text_response(status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    """A one-line plain-text answer (errors), at most 2,000 characters (a parser may quote a huge query)."""
    from kzgraph.errors import one_line

    return Response(one_line(message, 2000) + "\n", status_code=status, media_type="text/plain; charset=utf-8",
                    headers=headers)


async def read_body(request: Request, settings: Settings) -> bytes:
    """The request body, at most ``max_body`` bytes, within ``body_timeout`` seconds."""
    if request.method != "POST":
        return b""
    declared = request.headers.get("content-length")
    if declared is not None:
        try:
            if int(declared) > settings.max_body:
                raise ProtocolError(413, f"the body is larger than {settings.max_body} bytes")
        except ValueError:
            raise ProtocolError(400, "the Content-Length header is not a number") from None

    async def collect() -> bytes:
        chunks, size = [], 0
        async for chunk in request.stream():
            size += len(chunk)
            if size > settings.max_body:
                raise ProtocolError(413, f"the body is larger than {settings.max_body} bytes")
            chunks.append(chunk)
        return b"".join(chunks)

    try:
        return await asyncio.wait_for(collect(), settings.body_timeout)
    except asyncio.TimeoutError:
        raise ProtocolError(408, f"the body did not arrive within {settings.body_timeout:g} s") from None


def _timeout_for(params: dict[str, list[str]], settings: Settings) -> float:
    values = params.get("timeout")
    if not values:
        return settings.timeout
    try:
        wanted = float(values[-1])
    except ValueError:
        raise ProtocolError(400, f"timeout={values[-1]!r} is not a number of seconds") from None
    if not wanted > 0:
        raise ProtocolError(400, "timeout must be a positive number of seconds")
    return min(wanted, settings.max_timeout)


# ---------------------------------------------------------------- SPARQL


async def sparql_endpoint(request: Request) -> Response:
    state: ServerState = request.app.state.kzgraph
    settings = state.settings
    try:
        if request.method not in ("GET", "POST"):
            raise ProtocolError(405, "the SPARQL endpoint takes GET and POST", {"Allow": "GET, POST, OPTIONS"})
        body = await read_body(request, settings)
        req = protocol.sparql_request(
            request.method, request.headers.get("content-type"), request.scope.get("query_string", b""), body
        )
        if req.update is not None:
            try:
                sparql.check_query(req.update, allow_file_datasets=False)
            except (UsageError, InputError) as err:
                raise ProtocolError(403, f"{err}; this endpoint answers queries only") from None
            raise ProtocolError(403, "this endpoint answers queries only; updates are refused")
        if req.query is None:
            if request.method == "GET" and not req.params:
                return service_description(request, state)
            raise ProtocolError(400, "no query: send it as the 'query' parameter or an application/sparql-query body")
        return await run_sparql(request, state, req)
    except ProtocolError as err:
        return text_response(err.status, err.message, err.headers)


@functools.lru_cache(maxsize=4096)
def query_form(text: str) -> str | None:
    """SELECT, ASK, CONSTRUCT, DESCRIBE (or another word) of a query text, remembered per text."""
    return sparql.query_operation(text)


async def run_sparql(request: Request, state: ServerState, req: protocol.SparqlRequest) -> Response:
    settings = state.settings
    text = req.query or ""
    if not text.strip():
        raise ProtocolError(400, "the query is empty")
    # the guard (updates, SERVICE, FROM <file:…>) runs in the worker, before the query: see worker.check
    op = query_form(text)
    results_offer = protocol.ASK_OFFER if op == "ASK" else protocol.SELECT_OFFER
    accept = request.headers.get("accept")
    override = (req.params.get("format") or [None])[-1]
    wanted_graph = op in ("CONSTRUCT", "DESCRIBE")
    if override is not None:
        chosen = protocol.format_override(override, protocol.GRAPH_OFFER if wanted_graph else results_offer)
        results_fmt = graph_fmt = chosen
    else:
        results_fmt = protocol.negotiate(accept, results_offer)
        graph_fmt = protocol.negotiate(accept, protocol.GRAPH_OFFER)
    if (graph_fmt if wanted_graph else results_fmt) is None:
        offer = protocol.GRAPH_OFFER if wanted_graph else results_offer
        types = ", ".join(protocol.media_types(name)[0] for name in offer)
        raise ProtocolError(406, f"cannot answer this {op or 'query'} as {accept}; this endpoint gives {types}")
    timeout = _timeout_for(req.params, settings)
    job = {
        "query": text,
        "default": req.default_graphs or None,
        "named": req.named_graphs or None,
        "formats": {"results": results_fmt or "json", "graph": graph_fmt or "ttl"},
        "max_rows": settings.max_rows,
        "prefixes": dict(iris.PREFIXES),
        "base": str(request.url.replace(query="")),
    }
    assert state.pool is not None
    job["checked"] = text in state.checked
    try:
        reply = await state.pool.run(job, timeout, wait=settings.max_timeout)
    except QueryTimeout as err:
        raise ProtocolError(503, f"{err}; simplify the query, or ask for up to {settings.max_timeout:g} s with "
                                 "the 'timeout' parameter", {TRUNCATED_HEADER: "timeout"}) from None
    except PoolBusy as err:
        raise ProtocolError(503, str(err), {"Retry-After": "1"}) from None
    if reply[0] == "ok" or reply[1] in ("failure", "format"):
        state.remember_checked(text)  # the worker's guard let it through
    if reply[0] == "error":
        _, kind, message = reply
        status = {"refused": 403, "syntax": 400, "format": 406}.get(kind, 500)
        raise ProtocolError(status, message)
    _, data, kind, truncated = reply
    fmt = job["formats"]["graph" if kind == "graph" else "results"]
    headers = {TRUNCATED_HEADER: f"rows={settings.max_rows}"} if truncated else {}
    return Response(data, media_type=protocol.content_type(fmt), headers=headers)


SD = "http://www.w3.org/ns/sparql-service-description#"
FORMATS_NS = "http://www.w3.org/ns/formats/"
VOID = "http://rdfs.org/ns/void#"
RESULT_FORMATS = ("SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV", "SPARQL_Results_TSV",
                  "Turtle", "N-Triples", "JSON-LD", "RDF_XML")


def service_description_triples(endpoint: str, triples: int) -> list:
    """The SPARQL 1.1 Service Description of this endpoint (sd: vocabulary)."""
    import pyoxigraph as ox

    from kzgraph.serve.worker import CATALOGUE_GRAPH

    def n(iri: str) -> ox.NamedNode:
        return ox.NamedNode(iri)

    rdf_type = n(iris.RDF + "type")
    service = n(endpoint)
    dataset, default, named, named_graph = (ox.BlankNode(x) for x in ("dataset", "default", "named", "namedgraph"))
    out = [
        (service, rdf_type, n(SD + "Service")),
        (service, n(SD + "endpoint"), service),
        (service, n(SD + "supportedLanguage"), n(SD + "SPARQL11Query")),
        (service, n(SD + "defaultDataset"), dataset),
        (service, n(iris.DCTERMS + "title"), ox.Literal("kzgraph: sources of gender data about Kazakhstan", language="en")),
        (dataset, rdf_type, n(SD + "Dataset")),
        (dataset, n(SD + "defaultGraph"), default),
        (default, rdf_type, n(SD + "Graph")),
        (default, n(VOID + "triples"), ox.Literal(str(triples), datatype=n(iris.XSD + "integer"))),
        (dataset, n(SD + "namedGraph"), named),
        (named, rdf_type, n(SD + "NamedGraph")),
        (named, n(SD + "name"), n(CATALOGUE_GRAPH)),
        (named, n(SD + "graph"), named_graph),
        (named_graph, rdf_type, n(SD + "Graph")),
        (named_graph, n(VOID + "triples"), ox.Literal(str(triples), datatype=n(iris.XSD + "integer"))),
    ]
    out += [(service, n(SD + "resultFormat"), n(FORMATS_NS + name)) for name in RESULT_FORMATS]
    return [ox.Triple(*t) for t in out]


def service_description(request: Request, state: ServerState) -> Response:
    from kzgraph import export

    fmt = _ld_format(request, ("ttl", "jsonld", "nt", "rdfxml"))
    endpoint = str(request.url.replace(query=""))
    data = export.serialize(export.prepare(service_description_triples(endpoint, state.triples)), fmt,
                            state.linked.context)
    return Response(data, media_type=protocol.content_type(fmt))


def _ld_format(request: Request, offer: tuple[str, ...]) -> str:
    override = request.query_params.get("format")
    if override is not None:
        return protocol.format_override(override, offer)  # type: ignore[return-value]
    chosen = protocol.negotiate(request.headers.get("accept"), offer)
    if chosen is None:
        types = ", ".join(protocol.media_types(name)[0] for name in offer)
        raise ProtocolError(406, f"cannot answer as {request.headers.get('accept')}; this page comes as {types}")
    return chosen


# ---------------------------------------------------------------- linked data

LD_OFFER = ("ttl", "jsonld", "nt", "rdfxml")


SITE_LANGUAGES = ("en", "ru", "kk")


def page_language(request: Request) -> str:
    """``?lang=`` if given, else the first language of Accept-Language if ru or kk, else en (as the site's Apache rules)."""
    wanted = request.query_params.get("lang")
    if wanted is not None:
        if wanted not in SITE_LANGUAGES:
            raise ProtocolError(400, f"unknown language {wanted!r}; use one of {', '.join(SITE_LANGUAGES)}")
        return wanted
    first = (request.headers.get("accept-language") or "").split(",")[0].strip().lower()
    return first[:2] if first[:2] in ("ru", "kk") else "en"


def _describe(request: Request, iri: str, kind: str, slug: str, page: str | None = None) -> Response:
    state: ServerState = request.app.state.kzgraph
    try:
        has_page = page is not None and state.site is not None and f"{page}.html" in state.site
        fmt = _ld_format(request, ("html",) + LD_OFFER if has_page else LD_OFFER)
        if fmt == "html":
            # the page `kzgraph site` writes for this IRI; English at the IRI itself (its relative
            # links work from there), Russian and Kazakh at their own paths
            lang = page_language(request)
            vary = {"Vary": "Accept, Accept-Language"}
            if lang != "en":
                return Response(status_code=303, headers={"Location": f"/{lang}/{page}.html", **vary})
            return Response(state.site[f"{page}.html"], media_type=protocol.content_type("html"), headers=vary)
        if not state.linked.exists(iri):
            close = state.linked.close_slugs(slug, kind)
            base = "/id/" if kind == "id" else "/vocab/"
            listed = "".join(f"\n  {base}{s}" for s in close)
            message = f"no {'thing' if kind == 'id' else 'concept'} {slug!r} in the catalogue"
            message += f"; did you mean:{listed}" if close else "; see /sparql to search it"
            return text_response(404, message)
        return Response(state.linked.render(iri, fmt), media_type=protocol.content_type(fmt))
    except ProtocolError as err:
        return text_response(err.status, err.message, err.headers)


def _is_file(path: str) -> bool:
    """A site file (``id/paperlab.html``, ``….ttl``) rather than an IRI: IRIs have no dot."""
    return "." in path.rsplit("/", 1)[-1]


async def thing(request: Request) -> Response:
    slug = request.path_params["slug"]
    if _is_file(slug):
        return await _site_path(request, f"id/{slug}")
    return _describe(request, iris.ID + slug, "id", slug, f"id/{slug}")


async def concept(request: Request) -> Response:
    path = request.path_params["path"].strip("/")
    if _is_file(path):
        return await _site_path(request, f"vocab/{path}")
    return _describe(request, iris.VOCAB + path, "vocab", path, f"vocab/{path}")


async def ontology(request: Request) -> Response:
    return _describe(request, ONTOLOGY, "ontology", "ontology", "ontology")


_SUFFIX_TYPES = {
    ".html": "text/html; charset=utf-8", ".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8",
    ".json": "application/json", ".jsonld": "application/ld+json", ".ttl": "text/turtle; charset=utf-8",
    ".nt": "application/n-triples; charset=utf-8", ".nq": "application/n-quads; charset=utf-8",
    ".trig": "application/trig; charset=utf-8", ".rdf": "application/rdf+xml", ".txt": "text/plain; charset=utf-8",
    ".svg": "image/svg+xml", ".png": "image/png", ".map": "application/json", ".csv": "text/csv; charset=utf-8",
    ".xml": "application/xml",
}


async def site_file(request: Request) -> Response:
    return await _site_path(request, request.path_params["path"])


async def _site_path(request: Request, path: str) -> Response:
    """A file of the site built in memory, looked up by its exact path (nothing is read from disk)."""
    state: ServerState = request.app.state.kzgraph
    if state.site is None:
        return text_response(404, f"no such page: /{path}; see /sparql, /id/SLUG, /vocab/SCHEME/SLUG, /ontology")
    key = path + "index.html" if path == "" or path.endswith("/") else path
    data = state.site.get(key)
    if data is None and f"{key}/index.html" in state.site:
        return Response(status_code=301, headers={"Location": f"/{key}/"})
    if data is None:
        return text_response(404, f"no such page: /{path}")
    suffix = "." + key.rsplit(".", 1)[-1] if "." in key.rsplit("/", 1)[-1] else ""
    return Response(data, media_type=_SUFFIX_TYPES.get(suffix, "application/octet-stream"))


async def health(request: Request) -> Response:
    state: ServerState = request.app.state.kzgraph
    pool = state.pool
    body = {
        "status": "ok" if pool is not None and pool.workers else "starting",
        "triples": state.triples,
        "workers": len(pool.workers) if pool else 0,
        "replaced_workers": pool.replaced if pool else 0,
        "uptime_s": round(time.monotonic() - state.started, 1),
    }
    status = 200 if body["status"] == "ok" else 503
    return Response(json.dumps(body) + "\n", status_code=status, media_type="application/json")


# ---------------------------------------------------------------- the application


def create_app(state: ServerState, log=None) -> Any:
    """The ASGI application over a loaded graph (its workers start with the app's lifespan)."""
    import contextlib

    @contextlib.asynccontextmanager
    async def lifespan(app):
        from kzgraph.errors import RuntimeFailure

        state.pool = Pool(state.dump, state.settings.workers)
        try:
            await state.pool.start()
        except RuntimeFailure as err:
            print(f"kzgraph: error: {err}", file=sys.stderr, flush=True)
            await state.pool.close()
            raise
        try:
            yield
        finally:
            await state.pool.close()

    routes = [
        Route("/sparql", sparql_endpoint, methods=["GET", "POST", "PUT", "DELETE", "PATCH"]),
        Route("/id/{slug:path}", thing, methods=["GET", "HEAD"]),
        Route("/vocab/{path:path}", concept, methods=["GET", "HEAD"]),
        Route("/ontology", ontology, methods=["GET", "HEAD"]),
        Route("/health", health, methods=["GET", "HEAD"]),
        Route("/{path:path}", site_file, methods=["GET", "HEAD"]),
    ]
    app = Starlette(routes=routes, lifespan=lifespan)
    app.state.kzgraph = state
    return Headers(app, log)
