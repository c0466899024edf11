"""`kzgraph serve`: the protocol functions on their own, then a real server started on 127.0.0.1.

The server tests (marked ``servers``) start ``kzgraph serve`` on a free port and query it with
real clients — plain HTTP (urllib), SPARQLWrapper, rdflib's SPARQLStore and ``kzgraph query
--endpoint`` — comparing every named query's rows with the embedded store's, as sets of terms.
"""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

import serve_helpers
from kzgraph import iris
from kzgraph.query import named
from kzgraph.store import remote
from kzgraph.query import results
from kzgraph.query import sparql
from kzgraph.cli import main
from kzgraph.errors import UsageError
from kzgraph.serve import protocol, worker
from kzgraph.serve.protocol import ProtocolError
from test_remote import named_cases, normalized, run_named

CARTESIAN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


# ---------------------------------------------------------------- without a server


@pytest.mark.parametrize(
    ("accept", "offer", "expected"),
    [
        (None, protocol.SELECT_OFFER, "json"),
        ("", protocol.GRAPH_OFFER, "ttl"),
        ("*/*", protocol.SELECT_OFFER, "json"),
        ("text/csv", protocol.SELECT_OFFER, "csv"),
        ("text/tab-separated-values", protocol.SELECT_OFFER, "tsv"),
        ("application/sparql-results+xml", protocol.SELECT_OFFER, "xml"),
        ("text/csv;q=0.5, application/sparql-results+xml", protocol.SELECT_OFFER, "xml"),
        ("text/*;q=0.9, */*;q=0.1", protocol.SELECT_OFFER, "csv"),
        ("application/json", protocol.SELECT_OFFER, "json"),
        ("text/csv", protocol.ASK_OFFER, None),
        ("image/png", protocol.SELECT_OFFER, None),
        ("text/csv;q=0", protocol.SELECT_OFFER, None),
        ("application/n-triples", protocol.GRAPH_OFFER, "nt"),
        ("application/ld+json", protocol.GRAPH_OFFER, "jsonld"),
        ("application/rdf+xml", protocol.GRAPH_OFFER, "rdfxml"),
        ("text/turtle;q=0.2, application/rdf+xml;q=0.8", protocol.GRAPH_OFFER, "rdfxml"),
        ("text/html,application/xhtml+xml,*/*;q=0.8", protocol.GRAPH_OFFER, "ttl"),
        ("text/html,application/xhtml+xml,*/*;q=0.8", ("html", "ttl"), "html"),
        ("garbage, ,;;", protocol.SELECT_OFFER, "json"),  # no usable range: as if no Accept
    ],
)
def test_negotiate(accept, offer, expected):
    assert protocol.negotiate(accept, offer) == expected


@pytest.mark.parametrize("text", ["query=%zz", "query=ASK%", "query=%4", "a=%E2%28%A1", b"query=\xff"])
def test_bad_url_encoding_is_a_400(text):
    with pytest.raises(ProtocolError) as caught:
        protocol.parse_form(text)
    assert caught.value.status == 400


def test_form_values_are_decoded():
    assert protocol.parse_form("query=ASK%20%7B%7D&x=a+b&x=") == [("query", "ASK {}"), ("x", "a b"), ("x", "")]


@pytest.mark.parametrize(
    ("method", "ctype", "qs", "body", "status"),
    [
        ("GET", None, b"query=ASK{}&query=ASK{}", b"", 400),
        ("POST", "text/plain", b"", b"ASK {}", 415),
        ("POST", None, b"", b"query=ASK%20%7B%7D", 415),
        ("POST", "application/sparql-query; charset=UTF-16", b"", "ASK {}".encode("utf-16"), 415),
        ("POST", "application/sparql-query", b"", b"ASK {\xff}", 400),
        ("POST", "application/x-www-form-urlencoded", b"", b"query=ASK&update=DROP%20ALL", 400),
        ("GET", None, b"query=ASK{}&default-graph-uri=file:///etc/passwd", b"", 403),
        ("GET", None, b"query=ASK{}&named-graph-uri=not%20an%20iri", b"", 400),
    ],
)
def test_bad_protocol_requests(method, ctype, qs, body, status):
    with pytest.raises(ProtocolError) as caught:
        protocol.sparql_request(method, ctype, qs, body)
    assert caught.value.status == status
    assert "\n" not in caught.value.message


def test_form_post_merges_the_url_dataset():
    req = protocol.sparql_request(
        "POST", "application/x-www-form-urlencoded", b"default-graph-uri=http%3A%2F%2Fx%2Fg", b"query=ASK%20%7B%7D"
    )
    assert (req.query, req.default_graphs, req.named_graphs) == ("ASK {}", ["http://x/g"], [])


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }",
        "SELECT * FROM NAMED <FILE:/etc/passwd> WHERE { GRAPH ?g { ?s ?p ?o } }",
        "PREFIX f: <file:///etc/> SELECT * FROM f:passwd WHERE { ?s ?p ?o }",
        "BASE <file:///etc/> SELECT * FROM <passwd> WHERE { ?s ?p ?o }",
    ],
)
def test_the_guard_refuses_file_datasets_for_the_server(query):
    with pytest.raises(UsageError, match="never reads local files"):
        sparql.check_query(query, allow_file_datasets=False)
    sparql.check_query(query)  # kzgraph query keeps answering them from an empty graph


def test_a_cut_result_says_so_in_the_body():
    result = sparql.Result("select", variables=["s"], rows=[(ox.NamedNode("http://x/a"),)])
    doc = json.loads(worker.mark_truncated(results.render(result, "json"), "json", 1))
    assert doc["head"]["link"] == [worker.TRUNCATED_LINK] and len(doc["results"]["bindings"]) == 1
    xml = worker.mark_truncated(results.render(result, "xml"), "xml", 1)
    assert list(ox.parse_query_results(xml, format=ox.QueryResultsFormat.XML)) and worker.TRUNCATED_LINK.encode() in xml
    graph = sparql.Result("graph", triples=[ox.Triple(ox.NamedNode("http://x/a"), ox.NamedNode("http://x/p"), ox.Literal("v"))])
    for fmt, rdf in (("ttl", ox.RdfFormat.TURTLE), ("nt", ox.RdfFormat.N_TRIPLES)):
        body = worker.mark_truncated(results.render(graph, fmt), fmt, 1)
        assert body.startswith(b"# kzgraph: result cut at 1 rows") and len(list(ox.parse(body, format=rdf))) == 1


# ---------------------------------------------------------------- a real server

pytestmark_servers = pytest.mark.servers


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    server = serve_helpers.start(tmp_path_factory.mktemp("serve"))
    yield server
    server.stop()


@pytest.fixture(scope="module")
def tight(tmp_path_factory):
    """A server with small limits: 5 rows, 1 s timeout (at most 2 s), 2 workers, small bodies."""
    server = serve_helpers.start(
        tmp_path_factory.mktemp("tight"), "--max-rows", "5", "--timeout", "1", "--max-timeout", "2", "--workers", "2",
        "--no-site",
    )
    yield server
    server.stop()


@pytest.fixture(scope="module")
def catalogue(layout):
    from kzgraph.load import load_catalogue

    return load_catalogue(layout)


def http(url, *, data=None, headers=None, method=None, timeout=30):
    """(status, headers, body) of one request; HTTP errors are answers too."""
    req = urllib.request.Request(url, data=data, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            return resp.status, resp.headers, resp.read()
    except urllib.error.HTTPError as err:
        return err.code, err.headers, err.read()


def post_query(served, text, accept="application/sparql-results+json", **params):
    data = urllib.parse.urlencode({"query": text, **params}).encode()
    return http(served.sparql, data=data, headers={"Accept": accept, "Content-Type": protocol.FORM})


def bound_text(name, params, store):
    """The named query's text with its parameters bound as `run_named` binds them (labels: ru)."""
    nq = named.get_named(name)
    kinds = {p.name: p.kind for p in nq.params}
    bindings = {k: sparql.parse_param_value(str(v), kinds[k], catalogue=store, prefixes=iris.PREFIXES, name=k)
                for k, v in params.items()}
    if nq.param(named.LABELS_PARAM):
        bindings[named.LABELS_PARAM] = sparql.parse_param_value("ru", "lang")
    return sparql.bind_parameters(nq.text, bindings)


def from_rdflib(term):
    import rdflib

    if term is None:
        return None
    if isinstance(term, rdflib.URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, rdflib.BNode):
        return ox.BlankNode(str(term)) if str(term).isalnum() else ox.BlankNode()
    if term.language:
        return ox.Literal(str(term), language=term.language)
    return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype or iris.XSD + "string")))


CLIENTS = ("http", "sparqlwrapper", "rdflib", "kzgraph")


def ask_client(client, served, text, name, params, store):
    if client == "http":
        status, headers, body = post_query(served, text)
        assert status == 200, body
        return remote.parse_results_json(body, headers["Content-Type"], served.sparql)
    if client == "sparqlwrapper":
        from SPARQLWrapper import JSON, POST, SPARQLWrapper

        wrapper = SPARQLWrapper(served.sparql)
        # SPARQLWrapper guesses the query form from the text with its comments (a title saying
        # "addresses" makes it an ADD update, sent as update=): give it the query without them
        wrapper.setQuery("\n".join(ln for ln in text.splitlines() if not ln.lstrip().startswith("#")))
        wrapper.setMethod(POST)
        wrapper.setReturnFormat(JSON)
        body = json.dumps(wrapper.queryAndConvert()).encode()
        return remote.parse_results_json(body, "application/sparql-results+json", served.sparql)
    if client == "rdflib":
        from rdflib.plugins.stores.sparqlstore import SPARQLStore

        store_ = SPARQLStore(query_endpoint=served.sparql, returnFormat="json", method="POST")
        answer = store_.query(text, initNs={}, initBindings={}, queryGraph="__UNION__", DEBUG=False)
        if answer.type == "ASK":
            return sparql.Result("ask", boolean=bool(answer.askAnswer))
        names = [str(v) for v in answer.vars]
        rows = [tuple(from_rdflib(row[i]) for i in range(len(names))) for row in answer]
        return sparql.Result("select", variables=names, rows=rows)
    if client == "kzgraph":
        args = ["query", "-n", name, "--labels", "ru", "--format", "json", "--endpoint", served.sparql]
        for k, v in params.items():
            args += ["--param", f"{k}={v}"]
        out = CliRunner().invoke(main, args)
        assert out.exit_code == 0, out.output
        return remote.parse_results_json(out.stdout_bytes, "application/sparql-results+json", served.sparql)
    raise AssertionError(client)


@pytest.mark.servers
@pytest.mark.parametrize("client", CLIENTS)
@pytest.mark.parametrize(("name", "params"), named_cases(), ids=lambda v: v if isinstance(v, str) else "-".join(f"{k}={x}" for k, x in v.items()) or "-")
def test_named_query_gives_the_embedded_answer(served, catalogue, client, name, params):
    local = run_named(catalogue, name, params)
    text = bound_text(name, params, catalogue.store)
    answer = ask_client(client, served, text, name, params, catalogue.store)
    assert normalized(answer) == normalized(local)


@pytest.mark.servers
@pytest.mark.parametrize("fmt", ["json", "xml", "csv", "tsv"])
def test_select_bytes_are_the_query_commands(served, fmt):
    """The server writes with kzgraph.query.results: the same bytes as `kzgraph query --format`."""
    nq = named.get_named("dissolved")
    out = CliRunner().invoke(main, ["query", "-n", "dissolved", "--format", fmt])
    assert out.exit_code == 0, out.output
    text = sparql.bind_parameters(nq.text, {named.LABELS_PARAM: ox.Literal("en")})
    status, headers, body = post_query(served, text, accept=protocol.media_types(fmt)[0])
    assert status == 200
    assert headers["Content-Type"].split(";")[0] == protocol.media_types(fmt)[0]
    assert body == out.stdout_bytes
    assert "Kok.team" in body.decode()  # the review: Kok.team was dissolved


@pytest.mark.servers
@pytest.mark.parametrize(("fmt", "rdf"), [("ttl", ox.RdfFormat.TURTLE), ("nt", ox.RdfFormat.N_TRIPLES),
                                          ("jsonld", ox.RdfFormat.JSON_LD), ("rdfxml", ox.RdfFormat.RDF_XML)])
def test_construct_by_accept(served, catalogue, fmt, rdf):
    text = "CONSTRUCT { ?s rdfs:label ?l } WHERE { ?s a kzg:Source ; rdfs:label ?l }"
    status, headers, body = post_query(served, text, accept=protocol.media_types(fmt)[0])
    assert status == 200, body
    assert headers["Content-Type"].split(";")[0] == protocol.media_types(fmt)[0]
    got = {str(q.triple) for q in ox.parse(body, format=rdf)}
    want = {str(t) for t in sparql.run_query(catalogue, text, prefixes=iris.PREFIXES).triples}
    assert got == want and any("PaperLab" in t for t in got)


@pytest.mark.servers
def test_get_and_direct_post_answer_like_form_post(served):
    text = "ASK { id:paperlab a kzg:Source }"
    for status, headers, body in (
        http(served.sparql + "?" + urllib.parse.urlencode({"query": text}), headers={"Accept": "application/sparql-results+json"}),
        http(served.sparql, data=text.encode(), headers={"Content-Type": "application/sparql-query"}),
        post_query(served, text),
    ):
        assert status == 200 and json.loads(body)["boolean"] is True


@pytest.mark.servers
@pytest.mark.parametrize(
    ("query", "status", "says"),
    [
        ("SELECT ?s WHERE { ?s ?p }", 400, "SPARQL syntax error at line 1"),
        ("INSERT DATA { <http://x/a> <http://x/b> <http://x/c> }", 403, "updates are not allowed"),
        ("LOAD <file:///etc/passwd>", 403, "updates are not allowed"),
        ("SELECT * WHERE { SERVICE <http://127.0.0.1:1/sparql> { ?s ?p ?o } }", 403, "SERVICE"),
        ("SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }", 403, "never reads local files"),
        ("   ", 400, "empty"),
    ],
)
def test_refused_queries_say_why(served, query, status, says):
    got, headers, body = post_query(served, query)
    assert got == status
    assert says in body.decode() and body.decode().count("\n") == 1


@pytest.mark.servers
def test_updates_are_refused_on_every_path(served):
    update = "DELETE WHERE { ?s ?p ?o }"
    for data, ctype in ((urllib.parse.urlencode({"update": update}).encode(), protocol.FORM),
                        (update.encode(), "application/sparql-update")):
        status, _, body = http(served.sparql, data=data, headers={"Content-Type": ctype})
        assert status == 403, body
    status, _, body = post_query(served, "ASK { ?s ?p ?o }")
    assert json.loads(body)["boolean"] is True  # nothing was deleted


@pytest.mark.servers
def test_406_names_what_it_can_give(served):
    status, _, body = post_query(served, "ASK {}", accept="text/csv")
    assert status == 406 and b"application/sparql-results+json" in body
    status, _, body = post_query(served, "CONSTRUCT WHERE { ?s ?p ?o }", accept="text/csv")
    assert status == 406 and b"text/turtle" in body


@pytest.mark.servers
def test_default_graph_uri_names_the_pushed_graph(served):
    text = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    counts = []
    for params in ({}, {"default-graph-uri": iris.GRAPH}, {"default-graph-uri": "http://example.org/none"}):
        status, _, body = post_query(served, text, **params)
        counts.append(int(json.loads(body)["results"]["bindings"][0]["n"]["value"]))
    assert counts[0] == counts[1] > 3000 and counts[2] == 0


@pytest.mark.servers
def test_service_description(served):
    status, headers, body = http(served.sparql, headers={"Accept": "text/turtle"})
    assert status == 200 and headers["Content-Type"].startswith("text/turtle")
    sd = "http://www.w3.org/ns/sparql-service-description#"
    triples = [q.triple for q in ox.parse(body, format=ox.RdfFormat.TURTLE)]
    assert ox.Triple(ox.NamedNode(served.sparql), ox.NamedNode(iris.RDF + "type"), ox.NamedNode(sd + "Service")) in triples
    assert ox.Triple(ox.NamedNode(served.sparql), ox.NamedNode(sd + "endpoint"), ox.NamedNode(served.sparql)) in triples
    status, headers, body = http(served.sparql, headers={"Accept": "application/ld+json"})
    assert status == 200 and any(sd + "Service" in str(q) for q in ox.parse(body, format=ox.RdfFormat.JSON_LD))


@pytest.mark.servers
def test_cors_and_common_headers(served):
    status, headers, _ = http(served.sparql, method="OPTIONS", headers={
        "Origin": "http://yasgui.example", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "Content-Type"})
    assert status == 204
    assert headers["Access-Control-Allow-Origin"] == "*"
    assert "POST" in headers["Access-Control-Allow-Methods"] and "Content-Type" in headers["Access-Control-Allow-Headers"]
    status, headers, _ = post_query(served, "ASK {}")
    assert headers["Access-Control-Allow-Origin"] == "*" and headers["X-Content-Type-Options"] == "nosniff"
    assert "Accept" in headers["Vary"]


# ---------------------------------------------------------------- linked data


@pytest.mark.servers
@pytest.mark.parametrize(("accept", "fmt", "rdf"), [
    ("text/turtle", None, ox.RdfFormat.TURTLE), ("application/ld+json", None, ox.RdfFormat.JSON_LD),
    ("application/n-triples", None, ox.RdfFormat.N_TRIPLES), ("application/rdf+xml", None, ox.RdfFormat.RDF_XML),
    ("text/turtle", "jsonld", ox.RdfFormat.JSON_LD), ("application/ld+json", "nt", ox.RdfFormat.N_TRIPLES),
])
def test_entry_iri_dereferences(served, accept, fmt, rdf):
    url = served.url + "/id/paperlab" + (f"?format={fmt}" if fmt else "")
    status, headers, body = http(url, headers={"Accept": accept})
    assert status == 200 and "Accept" in headers["Vary"]
    triples = {str(q.triple) for q in ox.parse(body, format=rdf)}
    paperlab = "<https://w3id.org/kzgraph/id/paperlab>"
    assert f'{paperlab} <{iris.RDFS}label> "PaperLab"@en' in triples
    # the entry's own assessment comes with it (the review: partial methodology)
    assert (f"<{iris.ID}paperlab-assessment> <{iris.KZG}methodologyStatus> "
            f"<{iris.VOCAB}methodology-status/partial>") in triples


@pytest.mark.servers
def test_concept_scheme_and_ontology_dereference(served):
    status, _, body = http(served.url + "/vocab/topic/violence", headers={"Accept": "application/n-triples"})
    assert status == 200 and f"<{iris.VOCAB}topic/violence> <{iris.RDF}type> <{iris.SKOS}Concept>".encode() in body
    status, _, body = http(served.url + "/vocab/topic", headers={"Accept": "application/n-triples"})
    assert status == 200 and f"<{iris.VOCAB}topic/domestic-violence>".encode() in body
    status, _, body = http(served.url + "/ontology", headers={"Accept": "application/n-triples"})
    assert status == 200 and f"<https://w3id.org/kzgraph/ontology> <{iris.RDF}type> <{iris.OWL}Ontology>".encode() in body
    assert f"<{iris.KZG}Source>".encode() in body


@pytest.mark.servers
def test_unknown_slug_lists_close_ones(served):
    status, headers, body = http(served.url + "/id/paperlb", headers={"Accept": "text/turtle"})
    assert status == 404 and b"/id/paperlab" in body and "Accept" in headers["Vary"]
    status, _, body = http(served.url + "/vocab/topic/violense", headers={"Accept": "text/turtle"})
    assert status == 404 and b"/vocab/topic/violence" in body


@pytest.mark.servers
@pytest.mark.parametrize("path", [
    "/id/../../../../etc/passwd", "/id/%2e%2e/%2e%2e/%2e%2e/etc/passwd", "/id/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
    "/id/%252e%252e%252f%252e%252e%252fetc%252fpasswd", "/vocab/..%2f..%2f..%2fetc%2fpasswd", "/%2e%2e/%2e%2e/etc/passwd",
])
def test_no_directory_traversal(served, path):
    with socket.create_connection(("127.0.0.1", served.port), timeout=10) as s:
        s.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".encode())
        answer = _read_all(s)
    status = int(answer.split(b" ", 2)[1])
    assert 400 <= status < 500 and b"root:" not in answer


@pytest.mark.servers
def test_health_and_log_lines(served):
    status, headers, body = http(served.url + "/health")
    assert status == 200 and json.loads(body)["triples"] > 3000
    http(served.url + "/id/paperlab")
    time.sleep(0.3)
    lines = [ln for ln in served.log_text().splitlines() if ln.startswith("GET /id/paperlab ")]
    assert lines and lines[-1].split()[2] == "200" and lines[-1].endswith("ms")


# ---------------------------------------------------------------- limits


@pytest.mark.servers
def test_row_cap_cuts_and_says_so(tight):
    status, headers, body = post_query(tight, "SELECT * WHERE { ?s ?p ?o }")
    assert status == 200 and headers["X-Kzgraph-Truncated"] == "rows=5"
    doc = json.loads(body)
    assert len(doc["results"]["bindings"]) == 5 and doc["head"]["link"] == [worker.TRUNCATED_LINK]
    status, headers, body = post_query(tight, "CONSTRUCT WHERE { ?s ?p ?o }", accept="text/turtle")
    assert headers["X-Kzgraph-Truncated"] == "rows=5" and body.startswith(b"# kzgraph: result cut at 5 rows")
    status, headers, body = post_query(tight, "SELECT * WHERE { ?s ?p ?o } LIMIT 3", accept="text/csv")
    assert "X-Kzgraph-Truncated" not in headers and body.count(b"\r\n") == 4


@pytest.mark.servers
def test_timeout_stops_the_query_and_the_server_goes_on(tight):
    started = time.monotonic()
    status, headers, body = post_query(tight, CARTESIAN, timeout="30")  # capped at --max-timeout 2
    elapsed = time.monotonic() - started
    assert status == 503 and b"ran out of time after 2 s" in body and headers["X-Kzgraph-Truncated"] == "timeout"
    assert elapsed < 6
    status, _, body = post_query(tight, "ASK { id:paperlab ?p ?o }")
    assert status == 200 and json.loads(body)["boolean"] is True
    deadline = time.monotonic() + 30
    while serve_helpers.health(tight.url)["workers"] < 2 and time.monotonic() < deadline:
        time.sleep(0.2)
    status = serve_helpers.health(tight.url)
    assert status["workers"] == 2 and status["replaced_workers"] >= 1


@pytest.mark.servers
def test_a_long_query_does_not_block_the_others(tight):
    slow_answer: list = []

    def slow_query() -> None:
        status, _, _ = post_query(tight, CARTESIAN)
        slow_answer.append((status, time.monotonic()))

    slow = threading.Thread(target=slow_query)
    slow.start()
    time.sleep(0.2)
    for _ in range(5):
        status, _, _ = post_query(tight, "ASK { id:paperlab ?p ?o }")
        assert status == 200
    fast_done = time.monotonic()
    slow.join()
    # all five were answered while the slow one still ran (until its 1 s limit)
    assert slow_answer[0][0] == 503 and fast_done < slow_answer[0][1]


# ---------------------------------------------------------------- malformed HTTP (raw sockets)


def _read_all(sock) -> bytes:
    chunks = []
    while True:
        try:
            chunk = sock.recv(65536)
        except (ConnectionResetError, socket.timeout):
            break
        if not chunk:
            break
        chunks.append(chunk)
    return b"".join(chunks)


def raw(server, request: bytes, timeout: float = 20) -> bytes:
    with socket.create_connection(("127.0.0.1", server.port), timeout=timeout) as s:
        s.sendall(request)
        return _read_all(s)


def status_of(answer: bytes) -> int:
    return int(answer.split(b" ", 2)[1]) if answer.startswith(b"HTTP/1.") else 0


@pytest.mark.servers
@pytest.mark.parametrize(("name", "request_bytes"), [
    ("huge query string", b"GET /sparql?query=" + b"A" * 200_000 + b" HTTP/1.1\r\nHost: x\r\n\r\n"),
    ("bad percent-encoding", b"GET /sparql?query=ASK%20%7B%zz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"),
    ("percent-encoded non-UTF-8", b"GET /sparql?query=ASK%20%7B%FF%7D HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"),
    ("wrong content type", b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: image/png\r\nContent-Length: 6\r\n"
                           b"Connection: close\r\n\r\nASK {}"),
    ("body too large", b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
                       b"Content-Length: 99999999\r\nConnection: close\r\n\r\nASK"),
    ("garbage request line", b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03 hello\r\n\r\n"),
    ("bad header", b"GET /health HTTP/1.1\r\nHost x\r\n\r\n"),
])
def test_malformed_http_gets_a_4xx_and_the_server_goes_on(tight, name, request_bytes):
    answer = raw(tight, request_bytes)
    assert 400 <= status_of(answer) < 500 or answer == b"", answer[:200]
    assert serve_helpers.health(tight.url)["status"] == "ok"


@pytest.mark.servers
def test_a_slow_body_is_cut(tight):
    with socket.create_connection(("127.0.0.1", tight.port), timeout=30) as s:
        s.sendall(b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
                  b"Content-Length: 100\r\nConnection: close\r\n\r\nASK")
        started = time.monotonic()
        for _ in range(4):  # a byte a second: never finishes
            time.sleep(1)
            try:
                s.sendall(b" ")
            except OSError:
                break
        answer = _read_all(s)
    assert status_of(answer) == 408 or answer == b"", answer[:200]
    assert time.monotonic() - started < 25
    assert serve_helpers.health(tight.url)["status"] == "ok"


# ---------------------------------------------------------------- lifecycle


@pytest.mark.servers
def test_sigterm_lets_the_request_in_flight_finish_and_exits_0(tmp_path):
    server = serve_helpers.start(tmp_path, "--timeout", "2", "--workers", "1", "--no-site")
    answers = []
    t = threading.Thread(target=lambda: answers.append(post_query(server, CARTESIAN)))
    t.start()
    time.sleep(0.5)
    code = server.stop(signal.SIGTERM)
    t.join()
    assert code == 0, server.log_text()
    assert answers and answers[0][0] == 503  # its own timeout answer, not a dropped connection
    leftover = subprocess.run(["pgrep", "-f", f"kzgraph.serve.worker .*{server.port}"], capture_output=True)
    assert leftover.returncode != 0 or not leftover.stdout


@pytest.mark.servers
def test_sigint_exits_0(tmp_path):
    server = serve_helpers.start(tmp_path, "--workers", "1", "--no-site")
    assert server.stop(signal.SIGINT) == 0


@pytest.mark.servers
def test_port_in_use_is_one_line_and_exit_3(served):
    out = subprocess.run([sys.executable, "-m", "kzgraph", "serve", "--port", str(served.port)],
                         capture_output=True, text=True, timeout=60, cwd=serve_helpers.REPO)
    assert out.returncode == 3
    assert out.stderr.count("\n") == 1 and "Address already in use" in out.stderr


def test_unbindable_host_is_exit_3(runner):
    out = runner.invoke(main, ["serve", "--host", "203.0.113.7", "--port", "0"])
    assert out.exit_code == 3 and "cannot listen on 203.0.113.7" in out.output


# ---------------------------------------------------------------- the site's pages


@pytest.fixture(scope="module")
def site_files(catalogue, layout):
    build = pytest.importorskip("kzgraph.site.build")
    return build.build(catalogue, layout).files


@pytest.mark.servers
def test_every_site_file_is_served_as_built(served, site_files):
    assert "index.html" in site_files and "id/paperlab.html" in site_files
    for path, data in sorted(site_files.items()):
        if path.startswith(".") or "/." in path:
            continue  # .htaccess files are for Apache
        status, headers, body = http(served.url + "/" + urllib.parse.quote(path))
        assert (status, body) == (200, data), path
        if path.endswith(".html"):
            assert headers["Content-Type"] == "text/html; charset=utf-8"
            assert "default-src 'self'" in headers["Content-Security-Policy"]
            assert headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.servers
def test_an_iri_gives_the_site_page_to_a_browser(served, site_files):
    status, headers, body = http(served.url + "/id/paperlab", headers={"Accept": "text/html,*/*;q=0.8"})
    assert status == 200 and body == site_files["id/paperlab.html"]
    assert "Accept" in headers["Vary"] and "Content-Security-Policy" in headers
    status, headers, body = http(served.url + "/id/paperlab?format=ttl", headers={"Accept": "text/html"})
    assert status == 200 and headers["Content-Type"].startswith("text/turtle")
    req = urllib.request.Request(served.url + "/vocab/topic/violence",
                                 headers={"Accept": "text/html", "Accept-Language": "ru-RU,ru;q=0.9,en;q=0.5"})
    opener = urllib.request.build_opener(type("NoRedirect", (urllib.request.HTTPRedirectHandler,),
                                              {"redirect_request": lambda *a, **k: None}))
    try:
        opener.open(req, timeout=30)
        raise AssertionError("expected a redirect")
    except urllib.error.HTTPError as err:
        assert err.code == 303 and err.headers["Location"] == "/ru/vocab/topic/violence.html"
    status, _, body = http(served.url + "/ontology?lang=kk", headers={"Accept": "text/html"})
    assert status == 200 and body == site_files["kk/ontology.html"]


@pytest.mark.servers
def test_infer_serves_the_closure(tmp_path):
    """--infer rdfs: the server answers over the same closure as `kzgraph query --infer rdfs`."""
    text = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    out = CliRunner().invoke(main, ["query", text, "--infer", "rdfs", "--format", "json"])
    assert out.exit_code == 0, out.output
    closed = int(json.loads(out.stdout_bytes)["results"]["bindings"][0]["n"]["value"])
    server = serve_helpers.start(tmp_path, "--infer", "rdfs", "--workers", "1", "--no-site")
    try:
        status, _, body = post_query(server, text)
        served_count = int(json.loads(body)["results"]["bindings"][0]["n"]["value"])
        # a primary language is a language (kzg:primaryLanguage ⊑ dcterms:language): PaperLab's Kazakh
        status2, _, body2 = post_query(server, "ASK { id:paperlab dcterms:language lang:KAZ }")
    finally:
        server.stop()
    assert status == 200 and served_count == closed > serve_helpers.health_count_floor()
    assert json.loads(body2)["boolean"] is True


@pytest.mark.servers
def test_without_the_site_iris_give_rdf(tight):
    status, headers, _ = http(tight.url + "/id/paperlab", headers={"Accept": "text/html,*/*;q=0.8"})
    assert status == 200 and headers["Content-Type"].startswith("text/turtle")
    status, _, body = http(tight.url + "/index.html")
    assert status == 404 and body.count(b"\n") == 1
