"""`kzgraph show` takes a slug, a CURIE or an IRI for any node, and labels every property."""

from __future__ import annotations

import json
import re

import pytest

from kzgraph.cli import main

from conftest import needs_catalogue

pytestmark = needs_catalogue

CURIE = re.compile(r"\b(kzg|org|schema|dcterms|dcat|foaf|prov|skos|rdfs|owl|rdf):[A-Za-z]")


def show(runner, *args, code=0):
    result = runner.invoke(main, ["show", *args])
    assert result.exit_code == code, result.output
    return result.output


@pytest.mark.parametrize("name", ["id:paperlab", "https://w3id.org/kzgraph/id/paperlab",
                                  "<https://w3id.org/kzgraph/id/paperlab>", " paperlab "])
def test_an_entry_by_curie_or_iri_is_the_entry(runner, name):
    assert show(runner, name) == show(runner, "paperlab")


def test_an_organization(runner):
    out = show(runner, "bureau-of-national-statistics")
    assert out.startswith("Bureau of National Statistics (bureau-of-national-statistics)\n")
    assert show(runner, "id:bureau-of-national-statistics") == out
    lines = out.splitlines()
    # the review's section 3.1: the Bureau publishes the gender statistics portal
    assert re.search(r"^  kind +Organization$", out, re.M)
    assert re.search(r"^  organization type +Government agency$", out, re.M)
    named = lines.index("Named by")
    # (the curation flag on the Bureau's derived seat names it too)
    assert any(re.match(r"^  publisher +Bureau of National Statistics.*\(bns-gender-statistics\)$", line)
               for line in lines[named + 1:])


def test_a_concept_by_slug_and_curie(runner):
    out = show(runner, "topic:violence")
    assert show(runner, "violence") == out
    assert out.startswith("Violence (topic:violence)\n")
    named = out.split("Named by\n", 1)[1]
    # the kinds of violence the review names sit under violence
    for narrower in ("Domestic violence", "Gender-based violence"):
        assert narrower in named


def test_a_publication(runner):
    # the review's 1.7: the CAB Survey Project's databases in SPSS, Excel and Stata
    out = show(runner, "central-asia-barometer-survey-project")
    assert "SPSS data file" in out and "Stata data file" in out and "Excel spreadsheet" in out
    assert re.search(r"^  publisher +Central Asia Barometer \(central-asia-barometer\)$", out, re.M)


def test_labels_in_russian(runner):
    out = show(runner, "bureau-of-national-statistics", "--labels", "ru")
    assert re.search(r"^  тип +Организация$", out, re.M)
    assert "\nУпоминается в\n" in out and "издатель" in out


@pytest.mark.parametrize("name", ["bureau-of-national-statistics", "topic:violence", "paperlab",
                                  "central-asia-barometer", "kok-team", "lang:KAZ", "adilet-zan",
                                  "global-gender-gap-report", "women-business-and-the-law"])
def test_no_curies_for_properties_or_kinds(runner, name):
    for lang in ("en", "ru", "kk"):
        out = show(runner, name, "--labels", lang)
        assert not CURIE.search(out), (lang, CURIE.search(out))


def test_json(runner):
    doc = json.loads(show(runner, "bureau-of-national-statistics", "--format", "json"))
    assert doc["iri"] == "https://w3id.org/kzgraph/id/bureau-of-national-statistics"
    fields = {f["label"]: f for f in doc["fields"]}
    assert fields["organization type"]["values"][0]["label"] == "Government agency"
    assert "bns-gender-statistics" in {v["name"] for group in doc["namedBy"] for v in group["values"]}


@pytest.mark.parametrize("name,needle", [
    ("bureau", "did you mean bureau-of-national-statistics?"),
    ("id:paperlb", "did you mean paperlab"),
    ("nope:thing", "nothing in the catalogue is called 'nope:thing'"),
])
def test_unknown_names_suggest(runner, name, needle):
    out = show(runner, name, code=2)
    assert needle in out and len(out.strip().splitlines()) == 1
