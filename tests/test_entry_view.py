"""The entry view lives in the library: one JSON-able document that show, the site and the server render."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from rdflib import Graph, Namespace
from rdflib.namespace import RDFS

from kzgraph import iris

from conftest import REPO, needs_catalogue

pytestmark = needs_catalogue
KZG = Namespace(iris.KZG)
PACKAGE = REPO / "kzgraph"


@pytest.fixture(scope="module")
def catalogue():
    from kzgraph import open_catalogue

    return open_catalogue()


def test_the_document_is_plain_data_in_the_views_order(catalogue):
    from kzgraph.query.entry import entry_view

    doc = entry_view(catalogue, "paperlab")
    assert json.loads(json.dumps(doc)) == doc
    assert (doc["slug"], doc["iri"], doc["name"]) == ("paperlab", iris.ID + "paperlab", "PaperLab")
    titles = [g["title"] for g in doc["groups"]]
    assert titles[:4] == ["Identity", "Place in the review", "Organization and publisher", "Languages"]
    languages = next(g for g in doc["groups"] if g["key"] == "languages")
    fields = {f["label"]: f for f in languages["fields"]}
    # review, local 1 (PaperLab): materials in Kazakh and Russian, some in English
    assert fields["primary"]["values"] == ["Kazakh", "Russian"]
    assert fields["occasional"]["values"] == ["English"]
    assert fields["primary"]["property"] == iris.KZG + "primaryLanguage"


def test_field_labels_come_from_the_ontology_in_every_language(catalogue):
    from kzgraph.query.entry import entry_view

    ontology = Graph().parse(REPO / "ontology" / "kzg.ttl")
    doc = entry_view(catalogue, "paperlab", labels="ru")
    checked = 0
    for group in doc["groups"]:
        for field in group["fields"]:
            prop = field["property"]
            if prop and prop.startswith(iris.KZG):
                expected = {lit.language: str(lit) for lit in ontology.objects(KZG[prop[len(iris.KZG):]], RDFS.label)}
                assert field["propertyLabels"] == expected
                assert set(expected) == {"en", "ru", "kk"}
                checked += 1
    assert checked >= 5
    values = [v for g in doc["groups"] for f in g["fields"] for v in f["values"]]
    assert "Аналитический центр" in values  # value labels follow --labels


def test_no_ontology_term_is_named_in_the_code_of_the_view():
    """Grouping and labels come from kzgraph/views/entry.ttl and the ontology, not from CURIEs in Python."""
    namespaces = [ns for prefix, ns in iris.PREFIXES.items()]
    for path in (PACKAGE / "query" / "entry.py", PACKAGE / "cli" / "show.py"):
        text = path.read_text(encoding="utf-8")
        assert not [ns for ns in namespaces if ns in text], path
        curies = re.findall(r"[\"'](?:%s):[A-Za-z]" % "|".join(iris.PREFIXES), text)
        assert not curies, (path, curies)


def test_every_view_renderer_the_file_names_exists():
    from kzgraph.query import entry

    view = entry.view_file()
    shown = {o.value for props in view.props.values() for o in props.get(iris.VIEW + "show", [])}
    assert shown, "the view file names no renderer"
    for renderer in shown:
        name = renderer[len(iris.VIEW):]
        assert name in {"Text", "Lexical", "Self", "Offers", "Flags", "Part"} or hasattr(entry.EntryView, name.lower()), name


def test_every_statement_of_an_entry_is_shown_somewhere(catalogue):
    """A property of the entry that the view file does not place lands in "Other statements"."""
    import pyoxigraph as ox

    from kzgraph.query import facets
    from kzgraph.query.entry import entry_view, view_file

    view = view_file()
    entry_fields = [f for g in view.all(iris.VIEW + "entry", "groups") for f in view.all(g, "fields")]
    placed = {p for f in entry_fields for p in view.iris(f, "via") or view.iris(f, "property")}
    placed |= set(view.iris(iris.VIEW + "entry", "name")[:1])
    assert len(placed) > 40
    for slug in facets.entry_slugs(catalogue):
        doc = entry_view(catalogue, slug)
        said = {t.predicate.value for t in catalogue.match(ox.NamedNode(iris.ID + slug), None, None)}
        other = {f["property"] for g in doc["groups"] if g["key"] == "other" for f in g["fields"]}
        assert said - placed == other, slug
