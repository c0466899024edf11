"""kzgraph validate from the command line: report text, formats, exit codes."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
import rdflib

from kzgraph.cli import main

REPO = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
BROKEN = FIXTURES / "invalid" / "theme-missing.ttl"
WARNING = FIXTURES / "invalid" / "warning-no-language.ttl"
VALID = FIXTURES / "valid" / "organization-entry.ttl"
SUMMARY = re.compile(r"^\d+ violations?, \d+ warnings?, \d+ infos? in \d+ files?$")
SH = rdflib.Namespace("http://www.w3.org/ns/shacl#")


def _line_of(path: Path, text: str) -> int:
    return path.read_text(encoding="utf-8").splitlines().index(text) + 1


def test_shipped_catalogue_has_no_violation(runner):
    result = runner.invoke(main, ["validate"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    # the summary comes first
    assert SUMMARY.match(lines[0]) and lines[0].startswith("0 violations")


def test_text_report_names_file_and_line(runner):
    result = runner.invoke(main, ["validate", "--standalone", str(BROKEN)])
    assert result.exit_code == 1, result.output
    line = _line_of(BROKEN, "id:x")
    summary, blank, first = result.stdout.splitlines()
    assert summary == "1 violation, 0 warnings, 0 infos in 1 file" and blank == ""
    assert re.match(rf"^\S*theme-missing\.ttl:{line}: violation: Add at least one topic", first), first
    assert first.endswith("(id:x, dcat:theme)")


def test_report_shows_the_offending_value(runner):
    fixture = FIXTURES / "invalid" / "founding-year-not-digits.ttl"
    result = runner.invoke(main, ["validate", "--standalone", str(fixture)])
    assert result.exit_code == 1
    assert '(id:x, kzg:foundingYear, "abcd"^^xsd:gYear)' in result.stdout


def test_results_are_grouped_by_file(runner, tmp_path):
    # the same fixture with other IRIs, label and homepage, so the two files do not clash
    text = WARNING.read_text(encoding="utf-8")
    text = re.sub(r"id:x\b", "id:w", text).replace("id:catalogue", "id:catalogue-w")
    other = tmp_path / "warning-no-language.ttl"
    text = text.replace('"X"@en', '"W"@en').replace("x.example", "w.example")
    other.write_text(text.replace('kzg:reviewItem "1"', 'kzg:reviewItem "9"'), encoding="utf-8")
    result = runner.invoke(main, ["validate", "--standalone", str(BROKEN), str(other)])
    assert result.exit_code == 1, result.output
    blocks = result.stdout.strip().split("\n\n")
    # one block per file, each line of a block in that file
    names = [{line.split(":")[0].rsplit("/", 1)[-1] for line in b.splitlines()} for b in blocks[1:]]
    assert sorted(map(tuple, names)) == [("theme-missing.ttl",), ("warning-no-language.ttl",)]
    assert blocks[0] == "1 violation, 1 warning, 0 infos in 2 files"


def test_warnings_fail_only_with_strict(runner):
    assert runner.invoke(main, ["validate", "--standalone", str(WARNING)]).exit_code == 0
    assert runner.invoke(main, ["validate", "--standalone", "--strict", str(WARNING)]).exit_code == 1
    assert runner.invoke(main, ["validate", "--standalone", "--strict", str(VALID)]).exit_code == 0


def test_json_report(runner):
    result = runner.invoke(main, ["validate", "--standalone", "--format", "json", str(BROKEN)])
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert report["conforms"] is False
    assert report["summary"]["violations"] == 1 and report["summary"]["files"] == 1
    [item] = report["results"]
    assert item["severity"] == "Violation"
    assert item["focus"] == "https://w3id.org/kzgraph/id/x"
    assert item["path"] == "http://www.w3.org/ns/dcat#theme"
    assert item["constraint"] == str(SH.MinCountConstraintComponent)
    assert item["source_shape"] == "https://w3id.org/kzgraph/shapes#SourceShape-theme"
    assert item["file"].endswith("theme-missing.ttl") and item["line"] == _line_of(BROKEN, "id:x")
    assert item["message"].startswith("Add at least one topic")


@pytest.mark.parametrize("fixture, conforms, code", [(BROKEN, False, 1), (WARNING, False, 0), (VALID, True, 0)])
def test_turtle_report_is_the_standard_report_graph(runner, fixture, conforms, code):
    result = runner.invoke(main, ["validate", "--standalone", "--format", "turtle", str(fixture)])
    assert result.exit_code == code, result.output
    graph = rdflib.Graph().parse(data=result.stdout, format="turtle")
    [report] = list(graph.subjects(rdflib.RDF.type, SH.ValidationReport))
    assert graph.value(report, SH.conforms).toPython() is conforms
    assert len(list(graph.objects(report, SH.result))) == (0 if conforms else 1)


def test_checks_and_duplicates_appear_in_the_turtle_report(runner, tmp_path):
    again = tmp_path / "again.ttl"
    again.write_text(
        "@prefix id: <https://w3id.org/kzgraph/id/> .\n"
        "@prefix dcterms: <http://purl.org/dc/terms/> .\n\n"
        'id:x dcterms:alternative "Ex"@en .\n',
        encoding="utf-8",
    )
    result = runner.invoke(main, ["validate", "--standalone", "--format", "turtle", str(VALID), str(again)])
    assert result.exit_code == 1
    graph = rdflib.Graph().parse(data=result.stdout, format="turtle")
    shapes = set(graph.objects(None, SH.sourceShape))
    assert rdflib.URIRef("https://w3id.org/kzgraph/checks#one-file-per-subject") in shapes
    text = runner.invoke(main, ["validate", "--standalone", str(VALID), str(again)]).stdout
    assert re.search(r"again\.ttl:4: violation: id:x is also described in \S*organization-entry\.ttl:\d+", text)


def test_entry_status_check_is_reported(runner):
    fixture = FIXTURES / "invalid" / "entry-status-does-not-follow-parts.ttl"
    result = runner.invoke(main, ["validate", "--standalone", str(fixture)])
    assert result.exit_code == 1
    assert "should be status:available" in result.stdout


def test_output_file(runner, tmp_path):
    out = tmp_path / "report.json"
    result = runner.invoke(main, ["validate", "--standalone", "--format", "json", "-o", str(out), str(BROKEN)])
    assert result.exit_code == 1
    assert json.loads(out.read_text(encoding="utf-8"))["summary"]["violations"] == 1
    assert "1 violation" in result.stderr


def test_unparsable_file_exits_2_with_path_and_line(runner, tmp_path):
    bad = tmp_path / "bad.ttl"
    bad.write_text('@prefix id: <https://w3id.org/kzgraph/id/> .\n\nid:x id:p "open .\n', encoding="utf-8")
    result = runner.invoke(main, ["validate", "--standalone", str(bad)])
    assert result.exit_code == 2
    [line] = result.stderr.strip().splitlines()
    assert re.match(r"^kzgraph: error: \S*bad\.ttl:3(:\d+)?: ", line), line
    assert "Traceback" not in result.output


def test_missing_file_exits_2(runner, tmp_path):
    result = runner.invoke(main, ["validate", "--standalone", str(tmp_path / "nope.ttl")])
    assert result.exit_code == 2
    assert "nope.ttl" in result.stderr


def test_malformed_shapes_exit_2_with_one_line(runner, tmp_path):
    root = tmp_path / "checkout"
    shutil.copytree(REPO / "ontology", root / "ontology")
    shutil.copytree(REPO / "shapes", root / "shapes")
    (root / "data").mkdir()
    shutil.copy(VALID, root / "data" / "x.ttl")
    with (root / "shapes" / "core.ttl").open("a", encoding="utf-8") as out:
        out.write("\nkzs:Broken a sh:NodeShape ; sh:targetClass kzg:Source ;\n"
                  "    sh:property [ sh:path rdfs:label ; sh:minCount 1, 2 ] .\n")
    result = runner.invoke(main, ["validate", "--root", str(root)])
    assert result.exit_code == 2, result.output
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("kzgraph: error: the SHACL shapes are malformed:")


def test_data_option_adds_files(runner):
    result = runner.invoke(main, ["validate", "--data", str(BROKEN)])
    # the fixture's id:x and id:catalogue clash with nothing in data/, but its catalogue record
    # is a second dcat:Catalog: the violation of the fixture is reported with its file
    assert result.exit_code == 1
    assert "theme-missing.ttl" in result.stdout


def test_infer_runs(runner):
    result = runner.invoke(main, ["validate", "--standalone", "--infer", "rdfs", str(VALID)])
    assert result.exit_code in (0, 1), result.output
    assert SUMMARY.match(result.stdout.splitlines()[-1])


def test_help_has_an_example(runner):
    result = runner.invoke(main, ["validate", "--help"])
    assert result.exit_code == 0
    assert "Example:" in result.stdout and "--strict" in result.stdout


def test_files_are_validated_in_the_context_of_the_catalogue(runner, layout):
    """An entry whose publisher lives in data/organizations/ conforms when checked alone."""
    entry = layout.data_dir / "entries" / "undp-kazakhstan.ttl"
    result = runner.invoke(main, ["validate", "--format", "json", str(entry)])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["summary"]["violations"] == 0
    assert report["passes"] is True
    assert {Path(r["file"]).name for r in report["results"]} <= {"undp-kazakhstan.ttl"}


def test_a_new_file_is_checked_against_the_catalogue_and_only_its_problems_shown(runner, tmp_path):
    new = tmp_path / "new-entry.ttl"
    new.write_text(
        "@prefix kzg: <https://w3id.org/kzgraph/ontology#> .\n"
        "@prefix id: <https://w3id.org/kzgraph/id/> .\n"
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n\n"
        'id:new-entry a kzg:Source ;\n    rdfs:label "New entry"@en .\n',
        encoding="utf-8",
    )
    result = runner.invoke(main, ["validate", str(new)])
    assert result.exit_code == 1
    lines = [l for l in result.stdout.splitlines() if ": violation: " in l]
    assert lines and all(l.split(":")[0].endswith("new-entry.ttl") for l in lines), result.stdout


def _copy_checkout(tmp_path: Path) -> Path:
    import shutil

    for name in ("ontology", "data", "shapes"):
        shutil.copytree(REPO / name, tmp_path / name)
    return tmp_path


def test_default_lists_violations_and_warnings_and_counts_the_rest(runner, tmp_path):
    root = _copy_checkout(tmp_path)
    # an open curation flag (an info) and a missing assessment (a warning) are both in the shipped data
    result = runner.invoke(main, ["validate", "--root", str(root)])
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    counts = SUMMARY.match(lines[0])
    assert counts
    warnings = int(re.search(r"(\d+) warnings?", lines[0])[1])
    infos = int(re.search(r"(\d+) infos?", lines[0])[1])
    assert warnings and infos
    assert sum(": warning: " in l for l in lines) == warnings
    assert not any(": info: " in l for l in lines)
    assert lines[-1] == f"{infos} more not listed: kzgraph validate --severity info lists them"
    everything = runner.invoke(main, ["validate", "--root", str(root), "--severity", "info"]).stdout.splitlines()
    assert sum(": info: " in l for l in everything) == infos and "not listed" not in everything[-1]


def test_quiet_prints_violations_and_the_summary_only(runner, tmp_path):
    root = _copy_checkout(tmp_path)
    entry = root / "data" / "entries" / "paperlab.ttl"
    entry.write_text(entry.read_text(encoding="utf-8").replace("dcterms:spatial", "dcterms:spacial"), encoding="utf-8")
    result = runner.invoke(main, ["validate", "--root", str(root), "--quiet"])
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert SUMMARY.match(lines[0]) and lines[0].startswith("1 violation, ")
    assert lines[1] == "" and len(lines) == 3
    assert ": violation: dcterms:spacial is not a predicate" in lines[2]
    same = runner.invoke(main, ["validate", "--root", str(root), "--severity", "violation"])
    assert same.stdout.splitlines()[:3] == lines
    assert same.stdout.splitlines()[-1].endswith("kzgraph validate --severity info lists them")


def test_quiet_with_another_severity_is_refused(runner):
    result = runner.invoke(main, ["validate", "--quiet", "--severity", "info"])
    assert result.exit_code == 2
    assert "--quiet lists violations only" in result.output


def test_json_severity_filters_results_not_the_summary(runner):
    fixture = FIXTURES / "invalid" / "info-open-flag.ttl"
    everything = json.loads(runner.invoke(main, ["validate", "--standalone", "--format", "json", str(fixture)]).stdout)
    quiet = json.loads(runner.invoke(main, ["validate", "--standalone", "--format", "json", "--quiet", str(fixture)]).stdout)
    assert everything["summary"] == quiet["summary"] and everything["summary"]["infos"] >= 1
    assert [r for r in everything["results"] if r["severity"] == "Violation"] == quiet["results"]
