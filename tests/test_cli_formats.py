"""Row output as Markdown and NDJSON, and CSV with a byte order mark for Excel."""

from __future__ import annotations

import csv
import io
import json

import pytest

from kzgraph.cli import main
from kzgraph.tables import markdown_table

from conftest import needs_catalogue

CSV_OR_SPSS = {"world-bank-gender-data-portal", "central-asia-barometer"}
FOUNDED_2018 = {"SVET", "Gender Economics Research Center", "FemAgora"}  # DESIGN.md's competency table


def out(runner, *args, code=0):
    result = runner.invoke(main, list(args))
    assert result.exit_code == code, result.output
    return result


@needs_catalogue
def test_sources_markdown(runner):
    text = out(runner, "sources", "--data-format", "csv,spss", "--format", "markdown").output
    lines = text.splitlines()
    assert lines[0] == "| slug | name | item | type | languages | methodology | score | link |"
    assert lines[1] == "| --- | --- | --- | --- | --- | --- | --- | --- |"
    assert len(lines) == 4
    assert lines[2].startswith("| world-bank-gender-data-portal | ")
    assert lines[2].endswith(" | https://genderdata.worldbank.org/countries/kazakhstan/ |")
    assert lines[3].startswith("| central-asia-barometer | Central Asia Barometer | 1/7 | ")
    assert lines[3].endswith(" | https://ca-barometer.org/ |")


@needs_catalogue
def test_sources_ndjson_is_one_object_per_line(runner):
    text = out(runner, "sources", "--data-format", "csv", "--data-format", "spss", "--format", "ndjson").output
    objects = [json.loads(line) for line in text.splitlines()]
    assert {o["slug"] for o in objects} == CSV_OR_SPSS
    assert next(o for o in objects if o["slug"] == "central-asia-barometer")["link"] == "https://ca-barometer.org/"
    # the same objects as --format json
    doc = json.loads(out(runner, "sources", "--data-format", "csv,spss", "--format", "json").output)
    assert objects == doc


@needs_catalogue
def test_csv_bom_for_excel(runner):
    plain = out(runner, "sources", "--labels", "ru", "--section", "government", "--format", "csv").stdout_bytes
    marked = out(runner, "sources", "--labels", "ru", "--section", "government", "--format", "csv", "--bom").stdout_bytes
    assert marked == b"\xef\xbb\xbf" + plain
    rows = list(csv.DictReader(io.StringIO(marked.decode("utf-8-sig"))))
    # the review's two government sources, with Russian labels
    assert {r["slug"] for r in rows} == {"bns-gender-statistics", "adilet-zan"}
    assert any("\u0400" <= ch <= "\u04ff" for r in rows for ch in r["type"])


@needs_catalogue
def test_bom_to_a_file(runner, tmp_path):
    target = tmp_path / "flags.csv"
    out(runner, "flags", "--format", "csv", "--bom", "-o", str(target))
    assert target.read_bytes().startswith(b"\xef\xbb\xbfentry,subject,property")


@needs_catalogue
@pytest.mark.parametrize("fmt", ["table", "json", "markdown"])
def test_bom_is_only_for_csv(runner, fmt):
    result = out(runner, "sources", "--format", fmt, "--bom", code=2)
    assert "--bom is for --format csv or tsv" in result.output


@needs_catalogue
def test_query_markdown_and_ndjson(runner):
    args = ["query", "-n", "founded-in-year", "--param", "year=2018"]
    md = out(runner, *args, "--format", "md").output.splitlines()
    assert md[0] == "| entry | label | foundingYear |" and md[1] == "| --- | --- | --- |"
    assert {line.split(" | ")[1] for line in md[2:]} == FOUNDED_2018
    rows = [json.loads(line) for line in out(runner, *args, "--format", "ndjson").output.splitlines()]
    assert {r["label"] for r in rows} == FOUNDED_2018
    assert {r["foundingYear"] for r in rows} == {2018}
    assert all(r["entry"].startswith("https://w3id.org/kzgraph/id/") for r in rows)


@needs_catalogue
def test_query_csv_bom(runner):
    data = out(runner, "query", "-n", "founded-in-year", "--param", "year=2018", "--format", "csv", "--bom").stdout_bytes
    assert data.startswith(b"\xef\xbb\xbfentry,label,foundingYear\r\n")


@needs_catalogue
def test_ask_has_no_rows(runner):
    result = out(runner, "query", "ASK { ?s ?p ?o }", "--format", "ndjson", code=2)
    assert "ASK has none" in result.output


@needs_catalogue
@pytest.mark.parametrize("command", [["flags"], ["vocab", "topic"]])
def test_other_row_commands_take_the_formats(runner, command):
    md = out(runner, *command, "--format", "markdown").output.splitlines()
    assert md[0].startswith("| ") and md[1].startswith("| --- |")
    lines = out(runner, *command, "--format", "ndjson").output.splitlines()
    assert len(lines) == len(md) - 2 and all(json.loads(line) for line in lines)


def test_markdown_escapes_pipes_and_line_breaks():
    text = markdown_table(["a", "b"], [["x | y", "one\ntwo"], [None, "back\\slash"]])
    assert text.splitlines() == [
        "| a | b |", "| --- | --- |", "| x \\| y | one two |", "|  | back\\\\slash |",
    ]
