"""The slips shapes cannot see: unknown terms, copied files, misnamed files (kzgraph/terms.py),
and results placed on the line of the offending triple (kzgraph/triple_lines.py).

Each slip is made in a copy of the shipped catalogue, one at a time, as a curator would.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from kzgraph.cli import main
from kzgraph.load.triple_lines import scan_triple_lines

REPO = Path(__file__).resolve().parent.parent
ENTRY = "data/entries/paperlab.ttl"


@pytest.fixture
def checkout(tmp_path) -> Path:
    """A copy of the graph's files (ontology, data, shapes) to make slips in."""
    for name in ("ontology", "data", "shapes"):
        shutil.copytree(REPO / name, tmp_path / name)
    return tmp_path


def _line_of(path: Path, text: str) -> int:
    return next(i for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if text in line)


@pytest.mark.parametrize(
    "written, slip, expected",
    [
        ("a kzg:Source,", "a kzg:Sourse,",
         "kzg:Sourse is not a term of the kzgraph ontology (ontology/kzg.ttl): did you mean kzg:Source? "
         "(id:paperlab, rdf:type, kzg:Sourse)"),
        ("kzg:primaryLanguage lang:KAZ", "kzg:primaryLangauge lang:KAZ",
         "kzg:primaryLangauge is not a term of the kzgraph ontology (ontology/kzg.ttl): did you mean "
         "kzg:primaryLanguage? (id:paperlab, kzg:primaryLangauge, lang:KAZ)"),
        ("dcterms:spatial country:KAZ", "dcterms:spacial country:KAZ",
         "dcterms:spacial is not a predicate the ontology or the shapes know: did you mean dcterms:spatial? "
         "(id:paperlab, dcterms:spacial, country:KAZ)"),
    ],
    ids=["class", "kzg-property", "standard-property"],
)
def test_each_slip_is_caught_with_file_line_and_suggestion(runner, checkout, written, slip, expected):
    entry = checkout / ENTRY
    text = entry.read_text(encoding="utf-8")
    assert text.count(written) == 1
    entry.write_text(text.replace(written, slip), encoding="utf-8")
    line = _line_of(entry, slip)
    result = runner.invoke(main, ["validate", "--root", str(checkout), str(entry)])
    assert result.exit_code == 1, result.output
    violations = [l for l in result.output.splitlines() if ": violation: " in l]
    assert violations[0] == f"{entry}:{line}: violation: {expected}"


def test_shipped_catalogue_uses_only_known_terms(layout):
    from kzgraph.load import load_catalogue, load_shapes
    from kzgraph.validate.terms import file_subject_results, term_results

    catalogue = load_catalogue(layout)
    assert term_results(catalogue, load_shapes(layout).quads) == []
    assert file_subject_results(catalogue, layout.data_dir) == []


def test_a_copied_entry_is_reported_in_the_copy_naming_both_files(runner, checkout):
    original = checkout / ENTRY
    copy = checkout / "data" / "entries" / "copy.ttl"
    shutil.copy(original, copy)
    subject_line = _line_of(copy, "id:paperlab")
    result = runner.invoke(main, ["validate", "--root", str(checkout), str(copy)])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert (
        f"{copy}:{subject_line}: violation: {copy} does not describe id:copy: a file of data/ describes its main "
        "subject, id: + the file name; rename the file after its subject (id:paperlab) or give the subject "
        "the IRI id:copy (id:paperlab)"
    ) in lines
    shared = [l for l in lines if "is also described in" in l]
    # id:paperlab and each node of its file (assessment, flags, research series, translations),
    # each naming the original file and its line
    subjects = {line.split()[0] for line in original.read_text(encoding="utf-8").splitlines()
                if line.startswith("id:")}
    assert len(shared) == len(subjects) == 7
    assert shared[0].startswith(f"{copy}:{subject_line}: violation: id:paperlab is also described in "
                                f"{original}:{_line_of(original, 'id:paperlab')};")
    # and the original file reports it too, naming the copy
    again = runner.invoke(main, ["validate", "--root", str(checkout), str(original)])
    assert again.exit_code == 1
    assert any(f"id:paperlab is also described in {copy}:{subject_line};" in l for l in again.output.splitlines())


def test_a_result_points_at_the_line_of_its_triple(runner, checkout):
    entry = checkout / ENTRY
    text = entry.read_text(encoding="utf-8")
    entry.write_text(text.replace('kzg:reviewItem "1"', 'kzg:reviewItem "one"'), encoding="utf-8")
    result = runner.invoke(main, ["validate", "--root", str(checkout), "--quiet", str(entry)])
    line = _line_of(entry, 'kzg:reviewItem "one"')
    assert line != _line_of(entry, "id:paperlab")  # not the subject's first line
    assert [l.split(": violation:")[0] for l in result.output.splitlines() if ": violation:" in l] == [f"{entry}:{line}"]


TRICKY = '''@prefix ex: <http://example.org/> .
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
@base <http://example.org/base/> .
# a comment with "quotes" and <brackets> ; , .
ex:s a ex:C ;
    ex:p "one" , "two"@EN ,
        """three
lines""" ;
    ex:q [ ex:inner "skipped" ] ;
    ex:r ( ex:a ex:b ) ;
    ex:n 1, 2.5, 1e3, true ;
    ex:d "2020"^^xsd:gYear .
<rel> ex:p ex:o.
ex:t ex:p ex:o ; ex:p2 "x\\"y" .
'''


def test_scan_finds_every_named_triple_on_its_line():
    import pyoxigraph as ox

    found = scan_triple_lines(TRICKY)
    ex, xsd = "http://example.org/", "http://www.w3.org/2001/XMLSchema#"
    expected = {
        (ex + "s", "http://www.w3.org/1999/02/22-rdf-syntax-ns#type", f"<{ex}C>"): 5,
        (ex + "s", ex + "p", '"one"'): 6,
        (ex + "s", ex + "p", '"two"@en'): 6,
        (ex + "s", ex + "p", '"three\\nlines"'): 7,
        (ex + "s", ex + "n", f'"1"^^<{xsd}integer>'): 11,
        (ex + "s", ex + "n", f'"2.5"^^<{xsd}decimal>'): 11,
        (ex + "s", ex + "n", f'"1e3"^^<{xsd}double>'): 11,
        (ex + "s", ex + "n", f'"true"^^<{xsd}boolean>'): 11,
        (ex + "s", ex + "d", f'"2020"^^<{xsd}gYear>'): 12,
        (ex + "base/rel", ex + "p", f"<{ex}o>"): 13,
        (ex + "t", ex + "p", f"<{ex}o>"): 14,
        (ex + "t", ex + "p2", '"x\\"y"'): 14,
    }
    assert {k: found.triples.get(k) for k in expected} == expected
    # the parser agrees on every triple with a named subject and object or literal
    parsed = ox.parse(TRICKY.encode(), format=ox.RdfFormat.TURTLE)
    named = [(q.subject.value, q.predicate.value, str(q.object)) for q in parsed
             if not isinstance(q.subject, ox.BlankNode) and not isinstance(q.object, ox.BlankNode)]
    assert set(named) == set(found.triples)
    # a predicate whose value is a blank node is still placed (on the predicate's line)
    assert found.line(ex + "s", ex + "q", None) == 9


def test_readme_validate_example_is_real_output(runner, checkout, monkeypatch):
    """The README's `kzgraph validate data/entries/x.ttl`: a copy of svet.ttl with slips in it."""
    svet = (checkout / "data" / "entries" / "svet.ttl").read_text(encoding="utf-8")
    for old, new in (("id:svet", "id:x"), ('"SVET"@en', '"X"@en'), ("https://svetpf.org/", "https://x.example/"),
                     ('"2018"^^xsd:gYear', '"1700"^^xsd:gYear'), ("kzg:primaryLanguage", "kzg:primaryLangauge"),
                     ("dcterms:spatial", "dcterms:spacial")):
        assert old in svet
        svet = svet.replace(old, new)
    (checkout / "data" / "entries" / "x.ttl").write_text(svet, encoding="utf-8")
    shutil.copy(REPO / "pyproject.toml", checkout / "pyproject.toml")
    monkeypatch.chdir(checkout)
    result = runner.invoke(main, ["validate", "data/entries/x.ttl"])
    assert result.exit_code == 1
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    shown = readme.split("$ kzgraph validate data/entries/x.ttl      # a copy of svet.ttl with slips in it\n", 1)[1]
    assert result.output == shown.split("```", 1)[0]
