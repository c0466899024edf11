"""The loader: strict parsing, one-line errors with file and line, subject locations."""

from __future__ import annotations

import re

import pyoxigraph as ox
import pytest

from kzgraph.errors import InputError, UsageError
from kzgraph.load import load_catalogue, load_files, load_shapes, scan_turtle_subjects
from kzgraph.paths import Layout, resolve_layout

from conftest import LOAD_FIXTURES, REPO, needs_catalogue

BAD = LOAD_FIXTURES / "bad"
FORMATS = LOAD_FIXTURES / "formats"
ID = "https://w3id.org/kzgraph/id/"


def _expected_bad() -> list[tuple[str, int | None, str]]:
    rows = []
    for raw in (BAD / "expected.tsv").read_text(encoding="utf-8").splitlines():
        if raw.startswith("#") or not raw.strip():
            continue
        name, line, words = (raw.split("\t") + [""])[:3]
        rows.append((name, None if line == "-" else int(line), words))
    return rows


BAD_CASES = _expected_bad()


def test_every_bad_fixture_has_an_expectation():
    listed = {name for name, _, _ in BAD_CASES}
    present = {p.name for p in BAD.iterdir() if p.name != "expected.tsv"}
    assert present == listed


@pytest.mark.parametrize(("name", "line", "words"), BAD_CASES, ids=[c[0] for c in BAD_CASES])
def test_bad_file_raises_input_error_with_line(name, line, words):
    with pytest.raises(InputError) as info:
        load_files([BAD / name])
    err = info.value
    assert err.exit_code == 2
    assert err.line == line
    message = str(err)
    assert "\n" not in message
    prefix = f"{err.path}:{line}:" if line else f"{err.path}:"
    assert message.startswith(prefix) and name in message
    assert words in message


def test_missing_file_is_an_input_error(tmp_path):
    with pytest.raises(InputError, match=r"nope\.ttl: no such file"):
        load_files([tmp_path / "nope.ttl"])


def test_folder_without_rdf_is_an_input_error(tmp_path):
    (tmp_path / "readme.md").write_text("no RDF here")
    with pytest.raises(InputError, match="folder holds no RDF files"):
        load_files([tmp_path])


@pytest.mark.parametrize(
    "body",
    [
        "<http://e/a> <http://e/p> " + "(" * 100_000 + ")" * 100_000 + " .\n",
        "<http://e/a> <http://e/p> " + "[ <http://e/p> " * 100_000 + "1" + " ]" * 100_000 + " .\n",
    ],
    ids=["collections", "blank-nodes"],
)
def test_deep_nesting_loads_or_fails_cleanly(tmp_path, body):
    path = tmp_path / "deep.ttl"
    path.write_text(body)
    try:
        catalogue = load_files([path])
    except InputError as err:
        assert "deep.ttl:" in str(err)
    else:
        assert catalogue.triple_count > 100_000
        assert catalogue.location_of("http://e/a").line == 1
        assert len(catalogue.rdflib_graph()) == catalogue.triple_count


def test_deep_json_ld_is_a_one_line_error(tmp_path):
    path = tmp_path / "deep.jsonld"
    path.write_text('{"@id": "http://e/a", "http://e/p": ' + "[" * 100_000 + "]" * 100_000 + "}")
    with pytest.raises(InputError, match=r"deep\.jsonld:1:\d+: nested too deeply"):
        load_files([path])


def test_located_subjects_match_the_markers():
    path = LOAD_FIXTURES / "locations.ttl"
    text = path.read_text(encoding="utf-8")
    expected = {
        m.group(1): text.count("\n", 0, m.start()) + 1
        for m in re.finditer(r"#> (\S+)", text)
    }
    catalogue = load_files([path])
    located = {key: loc.line for key, loc in catalogue.locations.items() if key in expected}
    assert located == expected
    assert "http://example.org/fake" not in catalogue.locations  # inside a long string


def test_scan_handles_graph_blocks_and_prefix_forms():
    text = "@prefix : <http://e/> .\n:g { :a :p :o }\nGRAPH :h {\n:b :p :o .\n}\n:c :p :o .\n"
    assert scan_turtle_subjects(text) == {"http://e/a": 2, "http://e/b": 4, "http://e/c": 6}


def test_blank_nodes_from_different_files_do_not_merge(tmp_path):
    for name in ("a.ttl", "b.ttl"):
        (tmp_path / name).write_text('_:x <http://e/p> "%s" .\n' % name)
    catalogue = load_files([tmp_path])
    subjects = {q.subject for q in catalogue.store.quads_for_pattern(None, None, None)}
    assert len(subjects) == 2
    assert all(catalogue.location_of(s).line == 1 for s in subjects)
    assert {catalogue.location_of(s).path.name for s in subjects} == {"a.ttl", "b.ttl"}


def test_nested_blank_node_is_located_at_its_parent(good_root):
    catalogue = load_catalogue(Layout(good_root))
    relation = ox.NamedNode("http://purl.org/dc/terms/relation")
    (quad,) = catalogue.store.quads_for_pattern(ox.NamedNode(ID + "one"), relation, None)
    location = catalogue.location_of(quad.object)
    assert location.path.name == "one.ttl" and location.line == 6


def test_subject_described_in_two_files_is_a_duplicate(tmp_path):
    (tmp_path / "a.ttl").write_text("<http://e/s> <http://e/p> 1 .\n")
    (tmp_path / "b.ttl").write_text("\n<http://e/s> <http://e/q> 2 .\n")
    catalogue = load_files([tmp_path])
    assert [(loc.path.name, loc.line) for loc in catalogue.duplicates["http://e/s"]] == [
        ("a.ttl", 1),
        ("b.ttl", 2),
    ]
    assert catalogue.location_of("http://e/s").path.name == "a.ttl"


def test_same_file_given_twice_is_loaded_once(good_root):
    catalogue = load_catalogue(Layout(good_root), extra=[good_root / "data"])
    assert catalogue.duplicates == {}
    assert len(catalogue.files) == len(set(catalogue.files))


def test_layout_files_order_and_axioms(good_root):
    layout = Layout(good_root)
    names = [p.relative_to(good_root).as_posix() for p in layout.graph_files()]
    assert names == [
        "ontology/kzg.ttl",
        "ontology/vocab/topic.ttl",
        "data/entries/one.ttl",
        "data/entries/two.ttl",
    ]
    plain = load_catalogue(layout)
    with_axioms = load_catalogue(layout, include_axioms=True)
    assert with_axioms.triple_count == plain.triple_count + 1
    assert [p.name for p in load_shapes(layout).files] == ["core.ttl"]


def test_other_formats_load_into_the_default_graph():
    catalogue = load_files([FORMATS])
    graphs = {q.graph_name for q in catalogue.store.quads_for_pattern(None, None, None)}
    assert graphs == {ox.DefaultGraph()}
    for iri in ("in-graph", "in-graph2", "nq1", "nt1", "json2", "xml1"):
        assert catalogue.location_of("http://example.org/" + iri) is not None, iri
    assert catalogue.location_of("http://example.org/in-graph").line == 4
    assert catalogue.location_of("http://example.org/xml1").line == 3
    assert catalogue.location_of("http://example.org/g") is None  # a graph name, not a subject


def test_rdflib_graph_keeps_terms_exactly(good_root):
    from rdflib import Literal, URIRef
    from rdflib.namespace import DCTERMS, XSD

    catalogue = load_catalogue(Layout(good_root))
    graph = catalogue.rdflib_graph()
    assert graph is catalogue.rdflib_graph()  # converted once
    assert len(graph) == catalogue.triple_count
    one = URIRef(ID + "one")
    issued = graph.value(one, DCTERMS.issued)
    assert str(issued) == "01" and issued.datatype == XSD.integer
    assert (one, DCTERMS.title, Literal("Один", lang="ru")) in graph
    assert (one, DCTERMS.description, Literal("plain")) in graph


def test_resolve_layout_explicit_root(good_root, tmp_path):
    assert resolve_layout(good_root).root == good_root.resolve()
    with pytest.raises(UsageError, match="missing ontology/kzg.ttl"):
        resolve_layout(tmp_path)
    with pytest.raises(UsageError, match="no such directory"):
        resolve_layout(tmp_path / "absent")


@needs_catalogue
def test_default_layout_is_this_checkout(layout):
    assert layout.root == REPO
    assert layout.axioms_file not in layout.graph_files()


@needs_catalogue
def test_real_catalogue_loads_with_every_iri_subject_located(layout):
    catalogue = load_catalogue(layout)
    assert catalogue.triple_count > 0
    iri_subjects = {
        q.subject.value
        for q in catalogue.store.quads_for_pattern(None, None, None)
        if isinstance(q.subject, ox.NamedNode)
    }
    assert iri_subjects <= catalogue.locations.keys()


def test_a_checkout_around_the_working_directory_wins(tmp_path, monkeypatch):
    """After a non-editable install, running inside a checkout still works on its files."""
    checkout = tmp_path / "my-checkout"
    (checkout / "ontology").mkdir(parents=True)
    (checkout / "ontology" / "kzg.ttl").write_text("", encoding="utf-8")
    (checkout / "pyproject.toml").write_text('[project]\nname = "kzgraph"\n', encoding="utf-8")
    (checkout / "data" / "entries").mkdir(parents=True)
    monkeypatch.chdir(checkout / "data" / "entries")
    assert resolve_layout(None).root == checkout.resolve()


def test_a_folder_that_is_not_a_kzgraph_checkout_is_ignored(tmp_path, monkeypatch):
    other = tmp_path / "other"
    (other / "ontology").mkdir(parents=True)
    (other / "ontology" / "kzg.ttl").write_text("", encoding="utf-8")
    (other / "pyproject.toml").write_text('[project]\nname = "something-else"\n', encoding="utf-8")
    monkeypatch.chdir(other)
    assert resolve_layout(None).root != other.resolve()
