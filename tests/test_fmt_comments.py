"""kzgraph fmt keeps comments where they belong; --diff shows the change without writing it."""

from __future__ import annotations

from pathlib import Path

from kzgraph.cli import main

COMMENTED = """# Leading block: kept as it is.

@prefix id: <https://w3id.org/kzgraph/id/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix dcterms: <http://purl.org/dc/terms/> .

# about the entry
id:entry rdfs:label "Entry"@en ; # the name as the review prints it
    # checked against the site on 2026-11-26
    dcterms:description "An entry."@en .
# the end of the file
"""

CANONICAL = """# Leading block: kept as it is.

@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix id: <https://w3id.org/kzgraph/id/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .

# about the entry
id:entry
    # checked against the site on 2026-11-26
    dcterms:description "An entry."@en ;
    # the name as the review prints it
    rdfs:label "Entry"@en .

# the end of the file
"""


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "entry.ttl"
    path.write_text(text, encoding="utf-8")
    return path


def test_fmt_keeps_every_comment_above_what_it_is_about(runner, tmp_path):
    path = _write(tmp_path, COMMENTED)
    result = runner.invoke(main, ["fmt", str(path)])
    assert result.exit_code == 0, result.output
    assert path.read_text(encoding="utf-8") == CANONICAL
    # and the canonical text is left as it is
    again = runner.invoke(main, ["fmt", "--check", str(path)])
    assert again.exit_code == 0 and "0 files would be reformatted, 1 file canonical" in again.output


def test_fmt_diff_prints_the_change_and_writes_nothing(runner, tmp_path):
    path = _write(tmp_path, COMMENTED)
    result = runner.invoke(main, ["fmt", "--diff", str(path)])
    assert result.exit_code == 0
    assert path.read_text(encoding="utf-8") == COMMENTED
    lines = result.output.splitlines()
    assert lines[0] == f"--- {path} (as written)" and lines[1] == f"+++ {path} (canonical)"
    assert '-id:entry rdfs:label "Entry"@en ; # the name as the review prints it' in lines
    assert "+    # the name as the review prints it" in lines
    assert lines[-1] == "1 file would be reformatted, 0 files canonical"
    assert runner.invoke(main, ["fmt", "--diff", "--check", str(path)]).exit_code == 1


def test_fmt_keeps_comments_of_a_file_named_by_a_relative_path(runner, tmp_path, monkeypatch):
    _write(tmp_path, COMMENTED)
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(main, ["fmt", "entry.ttl"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "entry.ttl").read_text(encoding="utf-8") == CANONICAL
