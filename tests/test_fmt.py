"""kzgraph fmt: one canonical Turtle form, idempotent, isomorphic, never losing a file."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
import rdflib
from rdflib.compare import isomorphic

from kzgraph.export.canonical import canonical_text
from kzgraph.cli import main

REPO = Path(__file__).resolve().parent.parent

MESSY = r"""
# A leading comment block is kept.
# Second line.

@prefix ex: <https://example.org/ns#> .
@prefix id: <https://w3id.org/kzgraph/id/> .
@prefix kzg: <https://w3id.org/kzgraph/ontology#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix dcat: <http://www.w3.org/ns/dcat#> .

id:zeta rdfs:label "Zeta"@en .  # a trailing comment is kept, above its line
id:messy-gap a kzg:Gap ; kzg:missingShareAtLeast 0.5 ; kzg:indicatorCount 17 .
id:messy rdfs:label "Messy \"quoted\" \\ back\nline\ttab"@en, "Кириллица"@ru ;
    a kzg:Source, <https://example.org/Other> ;
    kzg:sampleSize "007"^^xsd:integer ; kzg:economyCount -3 ; kzg:weight "0.50"^^xsd:decimal ;
    ex:flag true ; ex:other "1"^^xsd:boolean ; ex:dbl 1.5e3 ; kzg:curatedOn "2026-11-26"^^xsd:date ;
    kzg:foundingYear "2018"^^xsd:gYear ; ex:plain "plain", 'single' ;
    dcat:landingPage <https://example.org/a b>.
"""


def _fmt_text(tmp_path: Path, text: str, name: str = "messy.ttl") -> tuple[Path, str]:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path, canonical_text(path)


def _graph(text: str) -> rdflib.Graph:
    return rdflib.Graph().parse(data=text, format="turtle")


def test_messy_file_is_isomorphic_and_idempotent(tmp_path):
    text = MESSY.replace("<https://example.org/a b>", "<https://example.org/a%20b>")
    path, once = _fmt_text(tmp_path, text)
    assert isomorphic(_graph(text), _graph(once))
    path.write_text(once, encoding="utf-8")
    assert canonical_text(path) == once


def test_layout_and_order(tmp_path):
    text = MESSY.replace("<https://example.org/a b>", "<https://example.org/a%20b>")
    _, out = _fmt_text(tmp_path, text)
    lines = out.splitlines()
    assert lines[:2] == ["# A leading comment block is kept.", "# Second line."]
    assert '    # a trailing comment is kept, above its line\n    rdfs:label "Zeta"@en .' in out
    prefixes = [line.split()[1] for line in lines if line.startswith("@prefix")]
    assert prefixes == sorted(prefixes)
    assert "ex:" not in prefixes  # not a kzgraph prefix: written as a full IRI
    assert "<https://example.org/Other>" in out
    # main subject (id: + file stem) first, then the others by IRI
    subjects = [line for line in lines if line and not line.startswith((" ", "@", "#"))]
    assert subjects == ["id:messy", "id:messy-gap", "id:zeta"]
    block = out.split("\n\n")[2].splitlines()
    assert block[1] == "    a <https://example.org/Other>,"
    assert block[2] == "        kzg:Source ;"
    preds = [line.split()[0] for line in block[1:] if line.startswith("    ") and not line.startswith("     ")]
    assert preds[0] == "a"
    assert out.endswith(" .\n") and not out.endswith("\n\n")


@pytest.mark.parametrize(
    "expected",
    [
        '"Messy \\"quoted\\" \\\\ back\\nline\\ttab"@en',
        '"Кириллица"@ru',
        '"007"^^xsd:integer',  # not canonical: long form keeps it visible
        "kzg:economyCount -3 ;",
        '"0.50"^^xsd:decimal',
        "kzg:indicatorCount 17 ;",
        "kzg:missingShareAtLeast 0.5 .",
        '"1"^^xsd:boolean',
        "<https://example.org/ns#flag> true ;",
        '"1.5e3"^^xsd:double',
        '"2026-11-26"^^xsd:date',
        '"2018"^^xsd:gYear',
        '"plain",',
        '"single" .',
    ],
)
def test_literal_forms(tmp_path, expected):
    text = MESSY.replace("<https://example.org/a b>", "<https://example.org/a%20b>")
    _, out = _fmt_text(tmp_path, text)
    assert expected in out


def test_model_entry_is_isomorphic_after_fmt(tmp_path):
    source = REPO / "data" / "entries" / "paperlab.ttl"
    if not source.is_file():
        pytest.skip("data/entries/paperlab.ttl not written yet")
    path = tmp_path / "paperlab.ttl"
    path.write_bytes(source.read_bytes())
    out = canonical_text(path)
    assert isomorphic(_graph(source.read_text(encoding="utf-8")), _graph(out))
    assert out.splitlines()[out.splitlines().index("id:paperlab") - 1] == ""


def test_cli_rewrites_then_check_passes(tmp_path, runner):
    path = tmp_path / "messy.ttl"
    path.write_text(MESSY.replace("<https://example.org/a b>", "<https://example.org/a%20b>"), encoding="utf-8")
    os.chmod(path, 0o640)
    result = runner.invoke(main, ["fmt", "--check", str(path)])
    assert result.exit_code == 1, result.output
    assert "messy.ttl" in result.stdout
    before = path.read_bytes()
    assert path.read_bytes() == before  # --check changes nothing

    result = runner.invoke(main, ["fmt", str(path)])
    assert result.exit_code == 0, result.output
    assert "reformatted" in result.stdout
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["messy.ttl"]  # no temp file left

    result = runner.invoke(main, ["fmt", "--check", str(path)])
    assert result.exit_code == 0, result.output
    assert result.stdout == ""


@pytest.mark.parametrize(
    "name, text, message",
    [
        ("broken.ttl", "@prefix id: <https://w3id.org/kzgraph/id/> .\n\nid:x id:p \"unterminated .\n", "broken.ttl:3"),
        ("bnode.ttl", "@prefix id: <https://w3id.org/kzgraph/id/> .\n\nid:x id:p [ id:q id:r ] .\n", "blank nodes"),
        ("relative.ttl", "@prefix id: <https://w3id.org/kzgraph/id/> .\nid:x id:p <other> .\n", "relative IRI"),
    ],
)
def test_unreadable_file_is_left_untouched(tmp_path, runner, name, text, message):
    bad = tmp_path / name
    bad.write_text(text, encoding="utf-8")
    good = tmp_path / "good.ttl"
    good.write_text("@prefix id: <https://w3id.org/kzgraph/id/> .\nid:good id:p id:q .\n", encoding="utf-8")
    result = runner.invoke(main, ["fmt", str(tmp_path)])
    assert result.exit_code == 2, result.output
    assert message in result.stderr
    assert len([line for line in result.stderr.splitlines() if "error" in line]) == 1
    assert "Traceback" not in result.output
    assert bad.read_text(encoding="utf-8") == text
    assert good.read_text(encoding="utf-8").startswith("@prefix id:")  # the good file is still formatted
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([name, "good.ttl"])


def test_missing_path_is_an_input_error(tmp_path, runner):
    result = runner.invoke(main, ["fmt", str(tmp_path / "nope.ttl")])
    assert result.exit_code == 2
    assert "no such file" in result.stderr


def test_committed_data_is_canonical(runner):
    """Every committed data file is canonical; `kzgraph fmt` fixes the ones listed."""
    result = runner.invoke(main, ["fmt", "--check", str(REPO / "data")])
    assert result.exit_code == 0, f"run `kzgraph fmt` on:\n{result.stdout}{result.stderr}"
