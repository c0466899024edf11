"""The SPARQL JSON writer gives exactly the bytes of ``json.dumps(..., ensure_ascii=False, indent=2)``."""

from __future__ import annotations

import json

import pyoxigraph as ox
import pytest

from kzgraph import iris

from kzgraph.query import named

from kzgraph.query import results

from kzgraph.query import sparql


def reference(result: sparql.Result) -> bytes:
    bindings = [{v: results._json_term(t) for v, t in zip(result.variables, row) if t is not None}
                for row in result.rows]
    document = {"head": {"vars": list(result.variables)}, "results": {"bindings": bindings}}
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


EDGE_CASES = [
    sparql.Result("select", variables=[], rows=[]),
    sparql.Result("select", variables=["a"], rows=[]),
    sparql.Result("select", variables=["a"], rows=[(None,)]),
    sparql.Result("select", variables=["a", "b"], rows=[
        (ox.Literal('tab\there "q" \\ é \u2028 \x01', language="kk"), ox.BlankNode("b1")),
        (ox.Literal("1", datatype=ox.NamedNode(iris.XSD + "integer")), None),
        (ox.NamedNode("http://example.org/ü?a=1&b=2#\u00e9"), ox.Literal("")),
    ]),
]


@pytest.mark.parametrize("result", EDGE_CASES)
def test_edge_cases(result):
    assert results.write_json(result) == reference(result)


def test_every_named_query_and_the_whole_graph(layout):
    from kzgraph.load import load_catalogue

    catalogue = load_catalogue(layout)
    texts = [named.get_named(p.stem).text for p in sorted(named.queries_dir().glob("*.rq"))]
    texts.append("SELECT * WHERE { ?s ?p ?o }")
    checked = 0
    for text in texts:
        result = sparql.run_query(catalogue, text, prefixes=iris.PREFIXES)
        if result.kind == "select":
            assert results.write_json(result) == reference(result)
            checked += 1
    assert checked >= 30
