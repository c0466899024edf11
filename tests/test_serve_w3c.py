"""The W3C SPARQL 1.1 Protocol test cases that apply to a read-only query endpoint.

Every case of ``tests/fixtures/w3c-sparql-protocol/manifest.ttl`` is collected; the ones that do
not apply (dataset-specific, or expecting an update to succeed) are skipped with the reason
(see that folder's README, which must name every case).
"""

from __future__ import annotations

import http.client
import json
import re
from pathlib import Path

import pyoxigraph as ox
import pytest

import serve_helpers

HERE = Path(__file__).resolve().parent / "fixtures" / "w3c-sparql-protocol"
MANIFEST = HERE / "manifest.ttl"
BASE = "http://www.w3.org/2009/sparql/docs/tests/data-sparql11/protocol/manifest#"
MF = "http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#"
HT = "http://www.w3.org/2011/http#"
CNT = "http://www.w3.org/2011/content#"
UT = "http://www.w3.org/2009/sparql/tests/test-update#"
HTS = "http://www.w3.org/2011/http-statusCodes#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"

RESULT_TYPES = {"application/sparql-results+json", "application/sparql-results+xml", "text/csv",
                "text/tab-separated-values"}
RDF_TYPES = {"text/turtle": ox.RdfFormat.TURTLE, "application/n-triples": ox.RdfFormat.N_TRIPLES,
             "application/ld+json": ox.RdfFormat.JSON_LD, "application/rdf+xml": ox.RdfFormat.RDF_XML}


def _graph() -> ox.Store:
    store = ox.Store()
    store.load(path=str(MANIFEST), format=ox.RdfFormat.TURTLE, base_iri=BASE)
    return store


def _one(store, s, p):
    found = [q.object for q in store.quads_for_pattern(s, ox.NamedNode(p), None)]
    return found[0] if found else None


def _all(store, s, p):
    return [q.object for q in store.quads_for_pattern(s, ox.NamedNode(p), None)]


def _list(store, head):
    out = []
    nil = ox.NamedNode(RDF + "nil")
    while head is not None and head != nil:
        out.append(_one(store, head, RDF + "first"))
        head = _one(store, head, RDF + "rest")
    return out


def cases():
    """(name, reason to skip or None, requests) for every entry of the manifest, in its order."""
    store = _graph()
    manifest = next(q.subject for q in store.quads_for_pattern(None, ox.NamedNode(RDF + "type"), ox.NamedNode(MF + "Manifest")))
    out = []
    for entry in _list(store, _one(store, manifest, MF + "entries")):
        name = entry.value.rsplit("#", 1)[-1]
        reason = None
        if _all(store, entry, UT + "graphData"):
            reason = "dataset-specific: needs the kasei.us graphs loaded as named graphs"
        elif name.startswith("update_"):
            reason = "expects an update to succeed; this endpoint is read-only"
        action = _one(store, entry, MF + "action")
        requests = []
        for req in _list(store, _one(store, action, HT + "requests")):
            body = _one(store, req, HT + "body")
            headers = {}
            for h in _list(store, _one(store, req, HT + "headers")):
                headers[_one(store, h, HT + "fieldName").value] = _one(store, h, HT + "fieldValue").value
            resp = _one(store, req, HT + "resp")
            boolean = _one(store, resp, MF + "expectedBoolean")
            fmt = _one(store, resp, MF + "expectedFormat")
            requests.append({
                "method": _one(store, req, HT + "methodName").value,
                "path": _one(store, req, HT + "absolutePath").value,
                "body": None if body is None else (_one(store, body, CNT + "chars").value,
                                                   _one(store, body, CNT + "characterEncoding").value),
                "headers": headers,
                "statuses": sorted(s.value.rsplit("StatusCode", 1)[-1] for s in _all(store, resp, MF + "expectedStatus")),
                "boolean": None if boolean is None else boolean.value == "true",
                "format": None if fmt is None else fmt.value,
            })
        out.append((name, reason, requests))
    return out


CASES = cases()


def test_the_readme_names_every_case():
    readme = (HERE / "README.md").read_text(encoding="utf-8")
    run = [name for name, reason, _ in CASES if reason is None]
    assert f"## Run ({len(run)} of {len(CASES)})" in readme
    for name, _, _ in CASES:
        short = name.replace("query_content_type_", "")
        assert f"`{name}`" in readme or f"`_{short}`" in readme, f"README does not list {name}"


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    server = serve_helpers.start(tmp_path_factory.mktemp("w3c"), "--workers", "1", "--no-site")
    yield server
    server.stop()


def _media(headers) -> str:
    return (headers.get("Content-Type") or "").split(";")[0].strip().lower()


@pytest.mark.servers
@pytest.mark.parametrize(("name", "reason", "requests"), CASES, ids=[c[0] for c in CASES])
def test_protocol_case(served, name, reason, requests):
    if reason:
        pytest.skip(reason)
    for req in requests:
        path = re.sub(r"^/sparql/", "/sparql", req["path"])
        conn = http.client.HTTPConnection("127.0.0.1", served.port, timeout=30)
        body = None
        if req["body"] is not None:
            chars, encoding = req["body"]
            body = chars.encode(encoding.lower().replace("utf-16", "utf-16"))
        # exactly the manifest's headers: http.client adds no Content-Type of its own
        conn.request(req["method"], path, body=body, headers=req["headers"])
        resp = conn.getresponse()
        data = resp.read()
        conn.close()
        status_class = f"{resp.status // 100}xx"
        assert status_class in req["statuses"], (resp.status, data[:300])
        media = _media(resp.headers)
        if req["format"] == "boolean":
            assert media in ("application/sparql-results+json", "application/sparql-results+xml"), media
            if media.endswith("json"):
                value = json.loads(data)["boolean"]
            else:
                value = bool(ox.parse_query_results(data, format=ox.QueryResultsFormat.XML))
            if req["boolean"] is not None:
                assert value is req["boolean"]
        elif req["format"] == "tabular":
            assert media in RESULT_TYPES, media
            assert list(ox.parse_query_results(data, format={
                "application/sparql-results+json": ox.QueryResultsFormat.JSON,
                "application/sparql-results+xml": ox.QueryResultsFormat.XML,
                "text/csv": ox.QueryResultsFormat.CSV,
                "text/tab-separated-values": ox.QueryResultsFormat.TSV}[media]))
        elif req["format"] == "RDF":
            assert media in RDF_TYPES, media
            list(ox.parse(data, format=RDF_TYPES[media]))
