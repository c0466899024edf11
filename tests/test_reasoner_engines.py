"""OWL 2 RL on `reasonable` gives exactly owlrl's closure (kzgraph.reason picks the engine)."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF

from kzgraph import iris, reason
from kzgraph.errors import NotConforming
from kzgraph.load import load_catalogue
from kzgraph.paths import resolve_layout

from conftest import needs_catalogue

pytest.importorskip("reasonable")
FIXTURE = Path(__file__).parent / "fixtures" / "reasoning" / "occasional-kazakh.ttl"


def closed_with(engine: str, graph: Graph, monkeypatch, axioms=None) -> Graph:
    with monkeypatch.context() as m:
        m.setenv("KZGRAPH_REASONER", engine)
        if engine == "reasonable":
            m.setattr(reason, "engine", lambda: "reasonable")
        return reason.closure(graph, "owlrl", axioms=axioms)


def test_reasonable_is_chosen_when_installed(monkeypatch):
    monkeypatch.delenv("KZGRAPH_REASONER", raising=False)
    assert reason.engine() == "reasonable"
    monkeypatch.setenv("KZGRAPH_REASONER", "owlrl")
    assert reason.engine() == "owlrl"


@needs_catalogue
@pytest.mark.parametrize("extra", [(), (FIXTURE,)], ids=["catalogue", "with-fixture"])
def test_same_entailments_as_owlrl_on_the_catalogue(monkeypatch, extra):
    layout = resolve_layout(None)
    graph = load_catalogue(layout, extra=extra).rdflib_graph()
    fast = set(closed_with("reasonable", graph, monkeypatch, layout.axioms_file))
    slow = set(closed_with("owlrl", graph, monkeypatch, layout.axioms_file))
    assert fast - slow == set()
    assert slow - fast == set()


def clash(kind: str) -> Graph:
    g = Graph()
    x, y, a, b, p, q = (URIRef(iris.ID + n) for n in ("x", "y", "class-a", "class-b", "p", "q"))
    if kind == "disjoint":
        g.add((a, OWL.disjointWith, b)); g.add((x, RDF.type, a)); g.add((x, RDF.type, b))
    elif kind == "complement":
        g.add((a, OWL.complementOf, b)); g.add((x, RDF.type, a)); g.add((x, RDF.type, b))
    elif kind == "irreflexive":
        g.add((p, RDF.type, OWL.IrreflexiveProperty)); g.add((x, p, x))
    elif kind == "asymmetric":
        g.add((p, RDF.type, OWL.AsymmetricProperty)); g.add((x, p, y)); g.add((y, p, x))
    elif kind == "disjoint-properties":
        g.add((p, OWL.propertyDisjointWith, q)); g.add((x, p, y)); g.add((x, q, y))
    elif kind == "same-and-different":
        g.add((x, OWL.sameAs, y)); g.add((x, OWL.differentFrom, y))
    elif kind == "nothing":
        g.add((x, RDF.type, OWL.Nothing))
    return g


@pytest.mark.parametrize(
    "kind", ["disjoint", "complement", "irreflexive", "asymmetric", "disjoint-properties", "same-and-different", "nothing"]
)
@pytest.mark.parametrize("engine", ["reasonable", "owlrl"])
def test_clashes_are_refused_by_both_engines(monkeypatch, kind, engine):
    with pytest.raises(NotConforming, match="inconsistent"):
        closed_with(engine, clash(kind), monkeypatch)
