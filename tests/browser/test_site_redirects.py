"""The w3id rules for real: Apache httpd serving the built site with its generated .htaccess.

httpd (Debian's apache2) starts on 127.0.0.1 with a minimal configuration of its own in a
temporary folder (mod_rewrite, headers, mime, dir, negotiation; AllowOverride All) and serves the
built site at /kzgraph/, where w3id.org serves the project. Each IRI is asked for as a browser and
as a linked-data client would ask, redirects followed, and the answer parsed.
"""

from __future__ import annotations

import json
import urllib.request

import pyoxigraph as ox
import pytest

from . import harness

pytestmark = pytest.mark.servers

BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"
PAPERLAB = "https://w3id.org/kzgraph/id/paperlab"
VIOLENCE = "https://w3id.org/kzgraph/vocab/topic/violence"
ONTOLOGY = "https://w3id.org/kzgraph/ontology"
OWL_ONTOLOGY = ox.NamedNode("http://www.w3.org/2002/07/owl#Ontology")
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")


@pytest.fixture(scope="module")
def httpd(site_dir):
    assert (site_dir / ".htaccess").is_file(), "the built site has no .htaccess"
    server = harness.start_apache(site_dir)
    yield server
    server.stop()


def ask(httpd, path, accept):
    """GET /kzgraph/PATH with ``accept``: the first answer's headers, and the final answer."""
    url = f"{httpd.url}/kzgraph/{path}"
    first_status, first_headers, _, _ = harness.get(url, accept, follow=False)
    status, headers, body, final = harness.get(url, accept)
    assert status == 200, f"{path} as {accept}: {status} at {final}\n{httpd.log()}"
    assert final.startswith(httpd.url), f"{path} as {accept} left this server: {final}"
    return first_status, first_headers, headers, body, final


def vary_accept(headers) -> bool:
    vary = next((v for k, v in headers.items() if k.lower() == "vary"), "")
    return "accept" in [part.strip().lower() for part in vary.split(",")]


def content_type(headers) -> str:
    return next((v for k, v in headers.items() if k.lower() == "content-type"), "").split(";")[0].strip()


def turtle(body: bytes, base: str) -> ox.Store:
    store = ox.Store()
    store.load(body, format=ox.RdfFormat.TURTLE, base_iri=base)
    return store


@pytest.mark.parametrize("path,iri", [("id/paperlab", PAPERLAB), ("vocab/topic/violence", VIOLENCE)])
def test_turtle_for_turtle_clients(httpd, path, iri):
    first_status, first_headers, headers, body, final = ask(httpd, path, "text/turtle")
    assert vary_accept(first_headers), f"{path}: no 'Vary: Accept' on the negotiated answer: {first_headers}"
    assert content_type(headers) == "text/turtle", headers
    store = turtle(body, final)
    assert any(store.quads_for_pattern(ox.NamedNode(iri), None, None)), f"{final} says nothing about {iri}"


@pytest.mark.parametrize("path,iri", [("id/paperlab", PAPERLAB), ("vocab/topic/violence", VIOLENCE)])
def test_json_ld_for_json_ld_clients(httpd, path, iri):
    first_status, first_headers, headers, body, final = ask(httpd, path, "application/ld+json")
    assert vary_accept(first_headers), first_headers
    assert content_type(headers) == "application/ld+json", headers
    doc = json.loads(body)
    assert iri in json.dumps(doc) or iri.rsplit("/", 1)[-1] in json.dumps(doc), f"{final} does not name {iri}"
    if isinstance(doc, dict) and not isinstance(doc.get("@context"), str):
        # an inline context: pyoxigraph reads it without fetching anything
        store = ox.Store()
        store.load(body, format=ox.RdfFormat.JSON_LD, base_iri=final)
        assert any(store.quads_for_pattern(ox.NamedNode(iri), None, None)), f"{final} says nothing about {iri}"


@pytest.mark.parametrize("accept", ["text/html", BROWSER_ACCEPT, None])
def test_the_page_for_browsers(httpd, accept):
    first_status, first_headers, headers, body, final = ask(httpd, "id/paperlab", accept)
    assert content_type(headers) == "text/html", headers
    assert body.lstrip()[:15].lower() == b"<!doctype html>" and b"PaperLab" in body
    if accept:
        assert vary_accept(first_headers), first_headers


def test_the_ontology_as_turtle_and_as_a_page(httpd):
    _, first_headers, headers, body, final = ask(httpd, "ontology", "text/turtle")
    assert vary_accept(first_headers), first_headers
    assert content_type(headers) == "text/turtle"
    store = turtle(body, final)
    assert any(store.quads_for_pattern(None, RDF_TYPE, OWL_ONTOLOGY)), f"{final} declares no owl:Ontology"
    assert any(store.quads_for_pattern(ox.NamedNode("https://w3id.org/kzgraph/ontology#Source"), None, None))
    _, _, headers, body, _ = ask(httpd, "ontology", "text/html")
    assert content_type(headers) == "text/html"
    assert b"kzg:Source" in body or b"ontology#Source" in body


def test_an_unknown_iri_is_not_found(httpd):
    for accept in ("text/html", "text/turtle"):
        status, _, _, _ = harness.get(f"{httpd.url}/kzgraph/id/no-such-entry", accept)
        assert status == 404, f"id/no-such-entry as {accept}: {status}"


@pytest.mark.parametrize("language", ["ru", "kk", "en"])
def test_pages_follow_the_browsers_language(httpd, language):
    """A browser that asks for Russian or Kazakh first gets the page in that language."""
    url = f"{httpd.url}/kzgraph/id/paperlab"
    req = urllib.request.Request(url, headers={"Accept": BROWSER_ACCEPT, "Accept-Language": f"{language},en;q=0.5"})
    with urllib.request.urlopen(req, timeout=30) as resp:
        body = resp.read().decode("utf-8")
        vary = resp.headers.get("Vary", "")
    assert f'<html lang="{language}"' in body, body[:300]
    assert "accept-language" in vary.lower(), vary


@pytest.fixture(scope="module")
def w3id(site_dir, published_port, published_url):
    """httpd as w3id.org (/kzgraph/: the generated w3id rules) and as the static host (/site/)."""
    rules = site_dir / "w3id" / "kzgraph" / ".htaccess"
    if not rules.is_file() or published_url not in rules.read_text():
        pytest.skip(f"the site was not built with --base-url {published_url} (KZGRAPH_TEST_SITE?)")
    server = harness.start_apache(site_dir, {"/kzgraph": "w3id/kzgraph", "/site": ""}, port=published_port)
    yield server
    server.stop()


@pytest.mark.parametrize("path,accept,target,media_type", [
    ("id/paperlab", "text/turtle", "site/id/paperlab.ttl", "text/turtle"),
    ("id/paperlab", "application/ld+json", "site/id/paperlab.jsonld", "application/ld+json"),
    ("id/paperlab", BROWSER_ACCEPT, "site/id/paperlab.html", "text/html"),
    ("vocab/topic/violence", "text/turtle", "site/vocab/topic/violence.ttl", "text/turtle"),
    ("ontology", "text/turtle", "site/ontology.ttl", "text/turtle"),
    ("ontology", BROWSER_ACCEPT, "site/ontology.html", "text/html"),
])
def test_w3id_rules_send_each_client_to_its_file(w3id, path, accept, target, media_type):
    status, headers, _, _ = harness.get(f"{w3id.url}/kzgraph/{path}", accept, follow=False)
    assert status == 303, f"{path} as {accept}: {status}\n{w3id.log()}"
    assert headers.get("Location") == f"{w3id.url}/{target}", headers
    assert vary_accept(headers), headers
    status, headers, body, _ = harness.get(f"{w3id.url}/kzgraph/{path}", accept)
    assert status == 200 and content_type(headers) == media_type, (status, headers)
    if media_type == "text/turtle":
        iri = "https://w3id.org/kzgraph/" + path
        store = turtle(body, iri)
        assert any(store.quads_for_pattern(None, None, None)), f"{target} is empty"


def test_w3id_rules_for_the_home_page_and_the_context(w3id):
    status, headers, _, _ = harness.get(f"{w3id.url}/kzgraph/", BROWSER_ACCEPT, follow=False)
    assert status == 303 and headers.get("Location") == f"{w3id.url}/site/", headers
    status, headers, body, _ = harness.get(f"{w3id.url}/kzgraph/context.jsonld", "application/ld+json")
    assert status == 200, status
    assert "@context" in json.loads(body)
