"""`kzgraph show SLUG`: one entry, grouped and readable, with answers taken from the review."""

from __future__ import annotations

import json

import pytest

from kzgraph.cli import main

from conftest import needs_catalogue

pytestmark = needs_catalogue


def show(runner, *args):
    result = runner.invoke(main, ["show", *args])
    assert result.exit_code == 0, result.output
    return result.output


def test_paperlab_groups(runner):
    out = show(runner, "paperlab")
    assert out.startswith("PaperLab (paperlab)\n")
    for heading in ("Identity", "Place in the review", "Organization and publisher", "Languages", "Topics",
                    "Coverage", "Channels", "Transparency assessments", "Provenance"):
        assert f"\n{heading}\n" in out
    assert "Local NGOs and grassroots organizations" in out
    assert "Think tank" in out
    assert "Violence against women and girls" in out and "Sex education" in out
    # primary Kazakh and Russian, occasional English
    lines = out.splitlines()
    primary = next(i for i, ln in enumerate(lines) if ln.strip().startswith("primary"))
    assert "Kazakh" in lines[primary] and "Russian" in lines[primary + 1]
    assert any(ln.strip().startswith("occasional") and "English" in ln for ln in lines)
    assert "methodology note: Partial; data collection: Partial" in out
    assert "Transparency score" in out


def test_labels_follow_the_chosen_language(runner):
    out = show(runner, "paperlab", "--labels", "ru")
    assert "Аналитический центр" in out and "Казахский язык" in out and "Частично" in out


def test_world_values_survey_gaps_and_waves(runner):
    out = show(runner, "world-values-survey")
    assert "wave 6: 2010–2014, sample size 1,500" in out
    assert "wave 7: 2017–2020, sample size 1,276" in out
    assert "Small sample" in out and "Survey language not stated" in out
    assert "methodology note: Unclear; data collection: Unclear" in out


def test_un_women_data_sheet_gap_figures(runner):
    out = show(runner, "un-women-country-data-sheet")
    assert "at least 50% missing" in out and "17 indicators" in out
    assert "UN Women (United Nations body) → United Nations" in out


def test_unfpa_parts_assessed_separately(runner):
    out = show(runner, "unfpa-kazakhstan")
    parts = out.split("Transparency assessments", 1)[1].split("\n\n", 1)[0]
    assert "entry" in parts and "methodology note: Partial" in parts
    assert "methodology note: Not available; data collection: Not available" in parts
    assert "methodology note: Available" in parts
    assert "Curation flags" in out and "stated number of components = 6" in out


def test_formats_and_services(runner):
    out = show(runner, "world-bank-gender-data-portal")
    assert "CSV" in out and "(Application programming interface (API))" in out and "Databank" in out
    out = show(runner, "central-asia-barometer")
    for fmt in ("SPSS data file", "Excel spreadsheet", "Stata data file"):
        assert fmt in out


def test_dissolved_entry(runner):
    out = show(runner, "kok-team")
    assert any(ln.strip().startswith("dissolved") and "2022" in ln for ln in out.splitlines())
    assert any(ln.strip().startswith("founded ") and "2017" in ln for ln in out.splitlines())


def test_json(runner):
    doc = json.loads(show(runner, "central-asia-barometer", "--format", "json"))
    assert doc["slug"] == "central-asia-barometer"
    assert doc["iri"] == "https://w3id.org/kzgraph/id/central-asia-barometer"
    assert doc["groups"]["Place in the review"]["item"] == ["7"]
    assert "SPSS data file" in json.dumps(doc["groups"]["Data formats and services"])
    assert "score" in doc


def test_score_breakdown(runner):
    from kzgraph.query import named
    from kzgraph.errors import UsageError

    try:
        named.get_named("transparency-score")
    except UsageError:
        pytest.skip("the transparency-score named query is not installed yet")
    doc = json.loads(show(runner, "world-bank-gender-data-portal", "--format", "json"))
    score = doc["score"]
    assert 0 <= score["value"] <= 1
    elements = {e["element"]: e for e in score["elements"]}
    assert set(elements) == {"methodologyNote", "dataCollection", "machineReadable", "genderDisaggregation",
                             "kazakh", "russian", "english"}
    assert elements["machineReadable"]["value"] == 1
    # review 2.1: a data-sources annotation under every indicator documents where the data come
    # from (read like local 1's "description of sources", which is PaperLab's data-collection status)
    assert elements["dataCollection"]["status"] == "available"
    assert elements["methodologyNote"]["status"] == "available"
    # "not stated" is kept distinct from "not available": review 7 says only that methods
    # reports exist, nothing about data collection
    cab = json.loads(show(runner, "central-asia-barometer", "--format", "json"))
    cab_elements = {e["element"]: e for e in cab["score"]["elements"]}
    assert cab_elements["dataCollection"]["status"] == "not-stated"
    assert cab_elements["dataCollection"]["value"] == 0
    assert abs(sum(e["weight"] for e in elements.values()) - 1) < 1e-9
    out = show(runner, "world-bank-gender-data-portal")
    assert "Machine-readable formats" in out and "weight 0.15" in out


@pytest.mark.parametrize(
    "slug,suggestion",
    [("paperlb", "paperlab"), ("world-values", "world-values-survey"), ("orda.kz", "orda")],
)
def test_unknown_slug_suggests(runner, slug, suggestion):
    result = runner.invoke(main, ["show", slug])
    assert result.exit_code == 2
    assert len(result.output.strip().splitlines()) == 1
    assert f"nothing in the catalogue is called {slug!r}" in result.output and suggestion in result.output


def test_full_iri_is_accepted(runner):
    assert show(runner, "https://w3id.org/kzgraph/id/svet").startswith("SVET (svet)")


@pytest.mark.parametrize("args", [["paperlab", "--format", "json"], ["paperlab", "--labels", "ru"],
                                  ["un-women-country-data-sheet", "--format", "json", "--labels", "kk"]])
def test_scoring_only_the_shown_entry_changes_nothing(runner, args):
    """`show` binds its entry to the score query's `entry` parameter: same output as scoring all."""
    from unittest import mock

    from kzgraph.query import facets

    restricted = show(runner, *args)
    scores = facets.scores
    with mock.patch.object(facets, "scores", lambda *a, entries=None, **k: scores(*a, **k)):
        every = show(runner, *args)
    assert restricted == every


def test_languages_are_not_repeated_under_other(runner):
    """dcterms:language is written beside kzg:primaryLanguage (plain SPARQL finds it); show lists each once.

    From the review: PaperLab publishes in Kazakh and Russian, English occasionally.
    """
    import json

    result = runner.invoke(main, ["show", "paperlab", "--format", "json"])
    assert result.exit_code == 0, result.output
    languages = json.loads(result.output)["groups"]["Languages"]
    assert languages == {"primary": ["Kazakh", "Russian"], "occasional": ["English"]}
