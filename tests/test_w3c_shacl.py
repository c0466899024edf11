"""The W3C SHACL test suite (w3c/data-shapes, data-shapes-test-suite/tests) on the native engine.

Every ``*.ttl`` under tests/fixtures/w3c-shacl/ that declares ``sht:Validate`` entries is a test
file; the others must be the data or shapes graph of some entry (checked below, so nothing is
skipped silently). Each entry's data and shapes graphs are loaded with ``kzgraph.load`` and
validated with ``validate(..., engine="native", checks_dir=None)``; shapes that use a feature
the native engine does not implement fall back to pyshacl, as in kzgraph itself.

The report is compared the way the suite asks (the validation report minus messages and
sh:detail): sh:conforms, and the results as a multiset of (focus node, result path, value,
severity, source shape, source constraint component). Blank nodes:

- a complex result path is compared as a structure (sequence / inverse / alternative / ...),
  read from kzgraph's report graph (which copies the path's description from the shapes graph);
- a blank-node focus node or value is compared by its description: the predicates and objects
  of its outgoing triples in the data graph (objects that are blank nodes themselves count as
  "a blank node"); every blank node the suite reports this way is described by at least a type;
- a blank-node source shape is compared as "a blank node" only (kzgraph's ``Result`` carries no
  id for blank-node shapes, and their description would be the whole shape).

Entries whose expected result is ``sht:Failure`` must raise ``kzgraph.errors.InputError``.
Known deviations are listed in ``XFAIL`` (strict) and in tests/fixtures/w3c-shacl/README.md.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from urllib.parse import urlparse
from urllib.request import url2pathname

import pytest
import rdflib
from rdflib import RDF, BNode, Literal, URIRef

from kzgraph.errors import InputError
from kzgraph.load import load_files
from kzgraph.validate import validate

SUITE = Path(__file__).resolve().parent / "fixtures" / "w3c-shacl"
SH = rdflib.Namespace("http://www.w3.org/ns/shacl#")
SHT = rdflib.Namespace("http://www.w3.org/ns/shacl-test#")
MF = rdflib.Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"

# test id -> the exact deviation (strict xfail: an unexpected pass fails the run)
XFAIL: dict[str, str] = {
    # The stored versions of these two files declare sh:prefix "ex" as
    # <http://datashapes.org/sh/tests/sparql/pre-binding/pre-binding-00N.test#> for the query,
    # while their Turtle prefix ex: (data, target node, expected focus node) is
    # <http://example.com/ns#>: the query's ex:InvalidResource is not the focus node, so the
    # FILTER is false and a correct engine reports nothing where the manifest expects one result.
    "sparql/pre-binding/pre-binding-001": "expected result assumes sh:declare ex: = Turtle ex: (they differ in this file version)",
    "sparql/pre-binding/pre-binding-002": "expected result assumes sh:declare ex: = Turtle ex: (they differ in this file version)",
    # SHACL 1.0 (5.6) forbids MINUS in a query with pre-bound $this, and the engine reports
    # such shapes as malformed (as unsupported-sparql-001 expects); this newer test expects the
    # query to run and the data to conform
    "sparql/pre-binding/minus": "the engine rejects MINUS with pre-bound $this (SHACL 1.0 5.6); the test expects it to run",
}

# The tests whose shapes use a feature the native engine does not implement (it raises
# Unsupported): kzgraph validates them with pyshacl. Every other test must run natively.
FALLBACK = {
    "core/node/closed-001": "sh:closed",
    "core/node/closed-002": "sh:closed, sh:ignoredProperties",
    "core/node/disjoint-001": "sh:disjoint",
    "core/node/equals-001": "sh:equals",
    "core/property/disjoint-001": "sh:disjoint",
    "core/property/equals-001": "sh:equals",
    "core/property/lessThan-001": "sh:lessThan",
    "core/property/lessThan-002": "sh:lessThan",
    "core/property/lessThanOrEquals-001": "sh:lessThanOrEquals",
    # sh:nodeShape (a term from SHACL drafts, not in the Recommendation) in the data graph,
    # which is also the shapes graph: the engine refuses sh: terms it does not know
    "core/property/qualifiedValueShape-001": "sh:nodeShape",
}


def _graph(path: Path) -> rdflib.Graph:
    graph = rdflib.Graph()
    graph.parse(path, format="turtle", publicID=path.as_uri())
    return graph


def _entries(path: Path) -> list[tuple[str, URIRef, rdflib.Graph]]:
    graph = _graph(path)
    found = []
    for entry in graph.subjects(RDF.type, SHT.Validate):
        name = str(entry).rsplit("/", 1)[-1]
        found.append((name, entry, graph))
    return sorted(found, key=lambda item: item[0])


def _file_of(iri) -> Path:
    if not str(iri).startswith("file://"):
        raise AssertionError(f"graph {iri} is not a file of the suite")
    return Path(url2pathname(urlparse(str(iri)).path))


def _cases() -> list:
    params = []
    for path in sorted(SUITE.rglob("*.ttl")):
        rel = path.relative_to(SUITE).as_posix()
        for name, entry, _graph_ in _entries(path):
            test_id = f"{rel.removesuffix('.ttl')}#{name}" if name != path.stem else rel.removesuffix(".ttl")
            marks = [pytest.mark.xfail(reason=XFAIL[test_id], strict=True)] if test_id in XFAIL else []
            params.append(pytest.param(path, str(entry), test_id, id=test_id, marks=marks))
    return params


CASES = _cases()


def test_every_suite_file_is_a_test_or_part_of_one():
    used: set[Path] = set()
    for path in sorted(SUITE.rglob("*.ttl")):
        for _name, entry, graph in _entries(path):
            used.add(path.resolve())
            action = graph.value(entry, MF.action)
            for graph_name in (SHT.dataGraph, SHT.shapesGraph):
                used.add(_file_of(graph.value(action, graph_name)).resolve())
    unused = sorted(str(p.relative_to(SUITE)) for p in SUITE.rglob("*.ttl") if p.resolve() not in used)
    assert unused == []
    assert len(CASES) > 0
    ids = {param.values[2] for param in CASES}
    assert set(XFAIL) <= ids and set(FALLBACK) <= ids


# ---------------------------------------------------------------- canonical results


def _describe(graph: rdflib.Graph, node) -> tuple:
    """A blank node as its outgoing triples (nested blank nodes as "_:")."""
    return ("_:", frozenset((str(p), _term(o) if not isinstance(o, BNode) else "_:")
                            for p, o in graph.predicate_objects(node)))


def _term(node, graph: rdflib.Graph | None = None):
    if node is None:
        return None
    if isinstance(node, BNode):
        return _describe(graph, node) if graph is not None else "_:"
    if isinstance(node, Literal):
        datatype = str(node.datatype) if node.datatype is not None else (None if node.language else XSD_STRING)
        return ("literal", str(node), datatype, node.language.lower() if node.language else None)
    return str(node)


def _path(graph: rdflib.Graph, node):
    if node is None or not isinstance(node, BNode):
        return _term(node)
    if graph.value(node, RDF.first) is not None:
        return ("sequence", tuple(_path(graph, m) for m in rdflib.collection.Collection(graph, node)))
    alternatives = graph.value(node, SH.alternativePath)
    if alternatives is not None:
        return ("alternative", tuple(_path(graph, m) for m in rdflib.collection.Collection(graph, alternatives)))
    for name in ("inversePath", "zeroOrMorePath", "oneOrMorePath", "zeroOrOnePath"):
        inner = graph.value(node, SH[name])
        if inner is not None:
            return (name, _path(graph, inner))
    raise AssertionError(f"{node} is not a SHACL path in the report")


def _results(report_graph: rdflib.Graph, report, data_graph: rdflib.Graph) -> Counter:
    found = Counter()
    for result in report_graph.objects(report, SH.result):
        field = {name: report_graph.value(result, SH[name]) for name in (
            "focusNode", "resultPath", "value", "resultSeverity", "sourceShape", "sourceConstraintComponent")}
        shape = field["sourceShape"]
        found[(
            _term(field["focusNode"], data_graph),
            _path(report_graph, field["resultPath"]),
            _term(field["value"], data_graph),
            _term(field["resultSeverity"]),
            "_:" if isinstance(shape, BNode) else _term(shape),
            _term(field["sourceConstraintComponent"]),
        )] += 1
    return found


def _actual(report, data_graph: rdflib.Graph) -> tuple[bool, Counter]:
    graph = report.graph
    node = next(graph.subjects(RDF.type, SH.ValidationReport))
    found = Counter()
    for key, n in _results(graph, node, data_graph).items():
        if key[4] is None:  # kzgraph's Result has no source shape for a blank-node shape
            key = (*key[:4], "_:", key[5])
        found[key] += n
    return report.conforms, found


def _load(path: Path):
    return load_files([path])


@pytest.mark.parametrize("path, entry, test_id", CASES)
def test_w3c_shacl(path: Path, entry: str, test_id: str):
    graph = _graph(path)
    entry_node = URIRef(entry)
    action = graph.value(entry_node, MF.action)
    data_file = _file_of(graph.value(action, SHT.dataGraph))
    shapes_file = _file_of(graph.value(action, SHT.shapesGraph))
    data = _load(data_file)
    shapes = data if shapes_file == data_file else _load(shapes_file)
    expected_node = graph.value(entry_node, MF.result)
    if expected_node == SHT.Failure:
        with pytest.raises(InputError):
            validate(data, shapes, engine="native", checks_dir=None)
        return
    report = validate(data, shapes, engine="native", checks_dir=None)
    ran_pyshacl = report._graph is not None  # the native engine builds its report graph lazily
    assert ran_pyshacl == (test_id in FALLBACK), "pyshacl ran" if ran_pyshacl else "the native engine ran"
    expected_conforms = graph.value(expected_node, SH.conforms).toPython()
    expected = _results(graph, expected_node, graph)
    # the report's blank nodes are kzgraph's (renamed per file); describe them from its data graph
    conforms, actual = _actual(report, data.rdflib_graph())
    missing, extra = expected - actual, actual - expected
    assert (conforms, _sorted(actual)) == (expected_conforms, _sorted(expected)), (
        f"conforms {conforms} (expected {expected_conforms}); missing {_sorted(missing)}; extra {_sorted(extra)}")


def _sorted(counter: Counter) -> list:
    return sorted(((repr(k), n) for k, n in counter.items()))
