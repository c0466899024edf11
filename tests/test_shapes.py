"""The SHACL shapes, data-driven: every invalid fixture breaks exactly what its header says.

Each ``tests/fixtures/invalid/*.ttl`` starts with one ``# expect:`` line per expected result::

    # expect: Violation sh:MinCountConstraintComponent focus=id:x path=rdfs:label

(severity, constraint component, focus node; ``path=``, ``value=`` and ``line=`` (the line the
result points at) are checked when given;
``focus=_:`` matches any blank node; ``A|B`` accepts either constraint component, for the one
case where engines differ: "abcd"^^xsd:gYear breaks sh:datatype as well as sh:pattern in
kzgraph's engine (and in pyshacl once owlrl has run in the process), only sh:pattern in pyshacl
otherwise, and the report keeps one). The fixture is validated together with the real ontology
and vocabularies, and the results must be exactly the expected ones: nothing missing, nothing
extra, warnings and infos included. Fixtures are found by glob, so a new one is never skipped;
those under ``invalid/data/`` are validated as files of a ``data/`` folder (a file there
describes ``id:`` + its file name).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kzgraph.load import load_catalogue, load_files, load_shapes
from kzgraph.paths import resolve_layout
from kzgraph.validate import compact, compact_path, compact_value, validate

REPO = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
INVALID = sorted((FIXTURES / "invalid").rglob("*.ttl"))
INVALID_DATA_DIR = FIXTURES / "invalid" / "data"
VALID = sorted((FIXTURES / "valid").glob("*.ttl"))
SH = "http://www.w3.org/ns/shacl#"
EXPECT = re.compile(r"^# expect: (?P<severity>\w+) (?P<constraint>\S+)(?P<rest>.*)$")


@pytest.fixture(scope="module")
def layout():
    return resolve_layout(REPO)


@pytest.fixture(scope="module")
def shapes(layout):
    return load_shapes(layout).rdflib_graph()


def _base_files(layout) -> list[Path]:
    return [layout.ontology_file, *sorted(layout.vocab_dir.glob("*.ttl"))]


def _expectations(path: Path) -> list[dict]:
    found = []
    for line in path.read_text(encoding="utf-8").splitlines():
        match = EXPECT.match(line)
        if not match:
            continue
        fields = dict(part.split("=", 1) for part in match["rest"].split(" ") if "=" in part)
        value = re.search(r" value=(.+?)(?: \w+=|$)", match["rest"])
        if value:
            fields["value"] = value[1]
        found.append({"severity": match["severity"], "constraint": match["constraint"], **fields})
    return found


def _shown(result) -> dict:
    return {
        "severity": result.severity,
        "constraint": compact(result.constraint) if result.constraint else "",
        "focus": compact(result.focus),
        "path": compact_path(result.path) if result.path else "",
        "value": compact_value(result.value) if result.value else "",
        "line": str(result.location.line) if result.location else "",
    }


def _matches(expected: dict, actual: dict) -> bool:
    for key, want in expected.items():
        have = actual.get(key, "")
        if key == "focus" and want == "_:":
            if not have.startswith("_:"):
                return False
        elif key == "constraint":
            if have not in want.split("|"):
                return False
        elif have != want:
            return False
    return True


def test_fixtures_are_found():
    assert len(INVALID) >= 60
    assert VALID


@pytest.mark.parametrize("fixture", INVALID, ids=[p.relative_to(FIXTURES / "invalid").with_suffix("").as_posix() for p in INVALID])
def test_invalid_fixture_breaks_exactly_what_it_says(fixture, layout, shapes):
    expected = _expectations(fixture)
    assert expected, f"{fixture.name} has no '# expect:' line"
    report = validate(load_files([*_base_files(layout), fixture]), shapes, data_dir=INVALID_DATA_DIR)
    actual = [_shown(r) for r in report.results]
    unmatched = list(actual)
    missing = []
    for want in expected:
        hit = next((a for a in unmatched if _matches(want, a)), None)
        if hit is None:
            missing.append(want)
        else:
            unmatched.remove(hit)
    assert not missing and not unmatched, (
        f"\nmissing: {missing}\nunexpected: {unmatched}\nall: "
        + "\n".join(f"{r.location}: {r.severity}: {r.message}" for r in report.results)
    )
    # every result points at a file and line, the broken node at the fixture itself
    assert all(r.location is not None and r.location.line >= 1 for r in report.results)
    assert any(r.location.path == fixture.resolve() for r in report.results)
    assert report.exit_code() == (1 if any(e["severity"] == "Violation" for e in expected) else 0)
    assert report.conforms is False


@pytest.mark.parametrize("fixture", VALID, ids=[p.stem for p in VALID])
def test_valid_fixture_conforms(fixture, layout, shapes):
    report = validate(load_files([*_base_files(layout), fixture]), shapes)
    assert report.results == [], "\n".join(f"{r.location}: {r.message}" for r in report.results)
    assert report.conforms is True


def test_every_shape_has_an_iri_and_a_message(shapes):
    from rdflib import RDF, BNode, URIRef

    node_shape, prop_shape = URIRef(SH + "NodeShape"), URIRef(SH + "PropertyShape")
    shape_nodes = set(shapes.subjects(RDF.type, node_shape)) | set(shapes.subjects(RDF.type, prop_shape))
    for predicate in ("property", "node", "qualifiedValueShape"):
        shape_nodes |= set(shapes.objects(None, URIRef(SH + predicate)))
    assert not [s for s in shape_nodes if isinstance(s, BNode)], "every shape has an IRI"
    assert all(str(s).startswith("https://w3id.org/kzgraph/shapes#") for s in shape_nodes)
    # a shape that reports results itself (it has a target) carries a message, or each of its
    # property shapes and SPARQL constraints does
    targets = ("targetClass", "targetSubjectsOf", "target", "targetNode", "targetObjectsOf")
    message = URIRef(SH + "message")
    for shape in shape_nodes:
        if not any(shapes.value(shape, URIRef(SH + t)) is not None for t in targets):
            continue
        parts = list(shapes.objects(shape, URIRef(SH + "property"))) + list(
            shapes.objects(shape, URIRef(SH + "sparql"))
        )
        if shapes.value(shape, message) is None:
            assert parts and all(shapes.value(p, message) is not None for p in parts), shape


def test_shipped_catalogue_has_no_violation(layout, shapes):
    catalogue = load_catalogue(layout)
    report = validate(catalogue, shapes)
    violations = [r for r in report.results if r.severity == "Violation"]
    assert not violations, "\n".join(f"{r.location}: {r.message} ({r.focus})" for r in violations)
    assert not catalogue.duplicates


@pytest.mark.parametrize("mode", ["rdfs", "owlrl"])
def test_shipped_catalogue_conforms_under_inference(layout, shapes, mode):
    catalogue = load_catalogue(layout)
    report = validate(catalogue, shapes, infer=mode, axioms=layout.axioms_file)
    violations = [r for r in report.results if r.severity == "Violation"]
    assert not violations, "\n".join(f"{r.location}: {r.message} ({r.focus})" for r in violations)


def test_a_subject_described_in_two_files_is_a_violation(layout, shapes, tmp_path):
    first = FIXTURES / "valid" / "organization-entry.ttl"
    second = tmp_path / "again.ttl"
    second.write_text(
        '@prefix id: <https://w3id.org/kzgraph/id/> .\n'
        '@prefix dcterms: <http://purl.org/dc/terms/> .\n\n'
        'id:x dcterms:alternative "Ex"@en .\n',
        encoding="utf-8",
    )
    report = validate(load_files([*_base_files(layout), first, second]), shapes)
    found = [r for r in report.results if r.source_shape and r.source_shape.endswith("one-file-per-subject")]
    # one result in each file, each naming the other: `validate FILE` on either file shows it
    # (report order follows the files' paths, which depend on where the checkout and tmp_path are)
    by_file = {r.location.path.name: r for r in found}
    assert sorted((name, r.location.line) for name, r in by_file.items()) == [
        ("again.ttl", 4), ("organization-entry.ttl", first.read_text().splitlines().index("id:x") + 1)]
    assert len(found) == 2
    assert all(r.severity == "Violation" and r.focus == "https://w3id.org/kzgraph/id/x" for r in found)
    assert "organization-entry.ttl" in by_file["again.ttl"].message
    assert "again.ttl" in by_file["organization-entry.ttl"].message
    assert report.exit_code() == 1


@pytest.mark.parametrize(
    "shape",
    [
        "sh:property [ sh:path rdfs:label ; sh:minCount 1, 2 ]",
        "sh:property [ a sh:PropertyShape ; sh:minCount 1 ]",
        'sh:sparql [ sh:select "SELECT $this WHERE { nonsense" ]',
    ],
    ids=["two-min-counts", "property-shape-without-path", "sparql-syntax-error"],
)
def test_malformed_shapes_are_an_input_error(layout, shape):
    import rdflib

    from kzgraph.errors import InputError

    bad = rdflib.Graph().parse(
        data="@prefix sh: <http://www.w3.org/ns/shacl#> .\n"
        "@prefix owl: <http://www.w3.org/2002/07/owl#> .\n"
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        f"<https://example.org/S> a sh:NodeShape ; sh:targetClass owl:Class ; {shape} .\n",
        format="turtle",
    )
    with pytest.raises(InputError) as caught:
        validate(load_files([layout.ontology_file]), bad)
    assert caught.value.exit_code == 2
    assert "malformed" in str(caught.value) and "\n" not in str(caught.value)
