"""`kzgraph stats` and `kzgraph flags`, with answers taken from the review."""

from __future__ import annotations

import csv
import io
import json

import pytest

from kzgraph.cli import main

from conftest import needs_catalogue

pytestmark = needs_catalogue


@pytest.fixture(scope="module")
def stats_doc():
    from click.testing import CliRunner

    result = CliRunner().invoke(main, ["stats", "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def counts(items):
    return {i["key"]: i["entries"] for i in items}


def test_total_and_sections(stats_doc):
    assert stats_doc["entries"] == 47
    assert counts(stats_doc["section"]) == {
        "international-organizations": 18, "local-ngos": 12, "government": 2, "independent-media": 15,
    }


def test_types(stats_doc):
    types = counts(stats_doc["type"])
    assert types["un-body"] == 6  # items 1.1-1.6
    assert types["independent-media"] == 15
    assert types["government-agency"] == 2


def test_languages(stats_doc):
    primary = counts(stats_doc["primary_language"])
    assert primary["UZB"] == 1  # Orda
    occasional = counts(stats_doc["occasional_language"])
    # Soros, PaperLab, Public Opinion Research Institute, Kok.team: occasional English
    assert occasional["ENG"] == 4


def test_topics_count_descendants(stats_doc):
    topics = counts(stats_doc["topic"])
    assert topics["violence"] == 5  # the five sources on violence against women / GBV


def test_methodology(stats_doc):
    status = counts(stats_doc["methodology"])
    assert status["available"] == 5
    assert status["unclear"] == 1
    assert status["partial"] >= 2  # PaperLab, Feminita (and UNFPA from its parts)
    assert sum(status.values()) == 47


def test_formats(stats_doc):
    assert counts(stats_doc["format"]) == {"csv": 1, "api": 1, "databank": 1, "spss": 1, "excel": 1, "stata": 1}


def test_missing_facts_all_listed(stats_doc):
    missing = counts(stats_doc["missing"])
    assert list(missing) == ["founding year", "assessment", "language", "topic", "coverage", "channel"]
    assert missing["topic"] == 0  # every entry has a topic
    assert missing["founding year"] > 0


def test_table(runner):
    result = runner.invoke(main, ["stats"])
    assert result.exit_code == 0
    assert result.output.startswith("47 catalogue entries\n")
    assert "entries lacking" in result.output and "Local NGOs and grassroots organizations (local-ngos)" in result.output


def test_table_in_kazakh(runner):
    result = runner.invoke(main, ["stats", "--labels", "kk"])
    assert result.exit_code == 0 and "Тәуелсіз БАҚ" in result.output


# ---------------------------------------------------------------- flags


def test_flags_csv(runner):
    result = runner.invoke(main, ["flags", "--format", "csv"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert list(rows[0]) == ["entry", "subject", "property", "stated value", "why"]
    by = {(r["entry"], r["property"]): r for r in rows}
    # the review says FPRI was founded in 2002; kept as stated, flagged
    assert by[("fpri", "founding year")]["stated value"] == "2002"
    assert all(r["why"] for r in rows)
    # a flag on a part names the entry it belongs to
    assert any(r["entry"] == "unfpa-kazakhstan" and r["subject"] == "unfpa-kazakhstan-data-portal" for r in rows)


def test_flags_json_and_table(runner):
    doc = json.loads(runner.invoke(main, ["flags", "--format", "json"]).output)
    assert doc and {"flag", "entry", "subject", "property", "statedValue", "reason"} <= set(doc[0])
    result = runner.invoke(main, ["flags", "--labels", "ru"])
    assert result.exit_code == 0 and "год основания" in result.output
