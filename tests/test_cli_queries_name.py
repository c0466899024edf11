"""`kzgraph queries NAME` prints a named query's header and text."""

from __future__ import annotations

from kzgraph.cli import main


def test_queries_name_prints_the_header_and_text(runner):
    from pathlib import Path

    result = runner.invoke(main, ["queries", "founded-in-year"])
    assert result.exit_code == 0, result.output
    path = Path(__file__).resolve().parent.parent / "kzgraph" / "queries" / "founded-in-year.rq"
    assert result.output == path.read_text(encoding="utf-8")
    assert result.output.startswith("# title: ")
    assert "# param: year" in result.output and "SELECT" in result.output


def test_queries_name_as_json(runner):
    import json

    doc = json.loads(runner.invoke(main, ["queries", "wvs-sample-sizes", "--format", "json"]).output)
    assert doc["name"] == "wvs-sample-sizes" and "SELECT" in doc["text"] and doc["title"]


def test_queries_unknown_name_suggests(runner):
    result = runner.invoke(main, ["queries", "founded"])
    assert result.exit_code == 2
    assert "unknown named query 'founded'; did you mean founded-between, founded-in-year or founders-and-funders?" in result.output
