"""Reasoning does what the design promises, and its closure stays consistent and clean (issue 3)."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import OWL, RDF, RDFS

from kzgraph import iris
from kzgraph.errors import NotConforming
from kzgraph.load import load_catalogue
from kzgraph.paths import resolve_layout
from kzgraph.reason import closure, is_noise

LAYOUT = resolve_layout(None)
KZG = Namespace(iris.KZG)
FIXTURE = Path(__file__).parent / "fixtures" / "reasoning" / "occasional-kazakh.ttl"
REPORT = URIRef(iris.ID + "reasoning-fixture-report")
KAZ = URIRef(iris.LANG + "KAZ")
DCTERMS_LANGUAGE = URIRef(iris.DCTERMS + "language")
DCAT_THEME = URIRef(iris.DCAT + "theme")


@pytest.fixture(scope="module")
def with_fixture():
    return load_catalogue(LAYOUT, extra=[FIXTURE]).rdflib_graph()


@pytest.fixture(scope="module", params=["rdfs", "owlrl"])
def closed(request, with_fixture):
    return closure(with_fixture, request.param, LAYOUT.axioms_file)


def test_occasional_language_answers_a_dcterms_language_query(with_fixture, closed):
    ask = "ASK { ?r dcterms:language lang:KAZ }"
    ns = {"dcterms": iris.DCTERMS, "lang": iris.LANG}
    assert (REPORT, DCTERMS_LANGUAGE, KAZ) not in with_fixture
    assert (REPORT, DCTERMS_LANGUAGE, KAZ) in closed
    assert closed.query(ask, initNs=ns).askAnswer


def test_violence_finds_domestic_violence_through_broader_transitive(closed):
    query = """
        SELECT ?r WHERE { ?r dcat:theme ?t . ?t skos:broaderTransitive topic:violence }"""
    ns = {"dcat": iris.DCAT, "skos": iris.SKOS, "topic": iris.VOCAB + "topic/"}
    found = {row.r for row in closed.query(query, initNs=ns)}
    assert REPORT in found


def test_publication_is_not_turned_into_a_catalogue_entry(closed):
    assert (REPORT, RDF.type, KZG.Source) not in closed
    assert (REPORT, RDF.type, URIRef(iris.DCAT + "Resource")) in closed


def test_closure_keeps_the_catalogue_entries_and_is_consistent(closed):
    entries = set(closed.subjects(RDF.type, KZG.Source))
    asserted = set(load_catalogue(LAYOUT).rdflib_graph().subjects(RDF.type, KZG.Source))
    assert entries == asserted
    assert not list(closed.subjects(RDF.type, OWL.Nothing))


def test_closure_has_no_owlrl_noise(closed):
    assert not [t for t in closed if is_noise(t)]
    assert not [t for t in closed if isinstance(t[0], Literal)]
    assert (OWL.Thing, None, None) not in closed
    assert not list(closed.triples((None, RDF.type, RDFS.Resource)))


def test_closure_leaves_the_local_axioms_out(closed):
    assert (URIRef(iris.SKOS + "broader"), RDFS.subPropertyOf, URIRef(iris.SKOS + "broaderTransitive")) not in closed


def test_transitive_suborganization_reaches_the_un(closed):
    if (URIRef(iris.ID + "un-women"), None, None) not in closed:
        pytest.skip("organization files not present")
    part_of = URIRef(iris.ORG + "transitiveSubOrganizationOf")
    assert (URIRef(iris.ID + "un-women"), part_of, URIRef(iris.ID + "united-nations")) in closed


def test_an_inconsistent_graph_is_refused():
    graph = Graph()
    thing = URIRef(iris.ID + "clash")
    graph.add((thing, RDF.type, OWL.Nothing))
    with pytest.raises(NotConforming, match="inconsistent"):
        closure(graph, "owlrl")


def test_disjoint_classes_clash_is_reported():
    graph = Graph()
    a, b, x = (URIRef(iris.ID + n) for n in ("class-a", "class-b", "x"))
    graph.add((a, OWL.disjointWith, b))
    graph.add((x, RDF.type, a))
    graph.add((x, RDF.type, b))
    with pytest.raises(NotConforming):
        closure(graph, "owlrl")


def test_noise_filter_drops_each_kind():
    x = URIRef(iris.ID + "x")
    assert is_noise((Literal("a"), RDF.type, RDFS.Literal))
    assert is_noise((x, OWL.sameAs, x))
    assert is_noise((x, RDF.type, OWL.Thing))
    assert is_noise((x, RDF.type, RDFS.Resource))
    assert is_noise((RDFS.label, RDF.type, OWL.AnnotationProperty))
    assert is_noise((BNode(), URIRef("http://www.daml.org/2002/03/agents/agent-ont#error"), Literal("m")))
    assert not is_noise((x, RDF.type, KZG.Source))


def test_literals_keep_their_language_through_reasoning():
    """owlrl alone turns an altLabel "X"@ru into a prefLabel when "X"@kk is a prefLabel."""
    graph = Graph()
    concept = URIRef(iris.VOCAB + "organization-type/broadcaster")
    pref, alt = URIRef(iris.SKOS + "prefLabel"), URIRef(iris.SKOS + "altLabel")
    graph.add((concept, pref, Literal("Телерадиокомпания", lang="kk")))
    graph.add((concept, alt, Literal("Телерадиокомпания", lang="ru")))
    for mode in ("rdfs", "owlrl"):
        closed = closure(graph, mode, LAYOUT.axioms_file)
        assert set(closed.objects(concept, pref)) == {Literal("Телерадиокомпания", lang="kk")}
        assert set(closed.objects(concept, alt)) == {Literal("Телерадиокомпания", lang="ru")}


def test_reasoning_leaves_rdflib_literal_handling_alone():
    graph = Graph()
    year = Literal("2018", datatype=URIRef(iris.XSD + "gYear"))
    graph.add((URIRef(iris.ID + "x"), KZG.foundingYear, year))
    before = Literal("abcd", datatype=URIRef(iris.XSD + "gYear")).ill_typed
    closure(graph, "owlrl")
    assert Literal("abcd", datatype=URIRef(iris.XSD + "gYear")).ill_typed == before
