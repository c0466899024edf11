"""The JSON documents of stats, sources and validate are built in the library; the CLI prints them."""

from __future__ import annotations

import json

from kzgraph.cli import main

from conftest import needs_catalogue

pytestmark = needs_catalogue


def test_stats_document_is_what_the_cli_prints(runner):
    from kzgraph import open_catalogue
    from kzgraph.query import facets
    from kzgraph.query.documents import stats_document

    catalogue = open_catalogue()
    doc = stats_document(catalogue)
    assert doc["entries"] == len(facets.entry_slugs(catalogue))
    printed = json.loads(runner.invoke(main, ["stats", "--format", "json"]).stdout)
    assert printed == doc


def test_sources_document_is_what_the_cli_prints(runner):
    from kzgraph import open_catalogue
    from kzgraph.query import facets
    from kzgraph.query.documents import sources_document

    catalogue = open_catalogue()
    vocab = facets.Vocabularies.load(catalogue)
    rows = facets.find_sources(catalogue, vocab, facets.Filters(language=("kk",)))
    scores = facets.scores(catalogue, entries=[r.iri for r in rows]) or {}
    for r in rows:
        r.score = scores.get(r.iri)
    doc = sources_document(facets.sort_sources(rows, "section"), vocab)
    printed = json.loads(runner.invoke(main, ["sources", "--language", "kk", "--format", "json"]).stdout)
    assert printed == doc and doc
    # review, local 1: PaperLab publishes in Kazakh
    assert "paperlab" in {d["slug"] for d in doc}


def test_validate_document_is_what_the_cli_prints(runner):
    from kzgraph import open_catalogue
    from kzgraph.load import load_shapes
    from kzgraph.paths import resolve_layout
    from kzgraph.query.documents import validate_document
    from kzgraph.validate import validate

    layout = resolve_layout(None)
    report = validate(open_catalogue(), load_shapes(layout), data_dir=layout.data_dir)
    doc = validate_document(report)
    printed = json.loads(runner.invoke(main, ["validate", "--format", "json"]).stdout)
    assert printed["summary"] == doc["summary"] and printed["passes"] == doc["passes"] is True
    assert len(printed["results"]) == len(doc["results"])
