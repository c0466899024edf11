"""`kzgraph sources`: a facet given twice (or as a comma list) is OR, different facets are AND.

Each answer is read off the review (and DESIGN.md's competency table), not off the data.
"""

from __future__ import annotations

import csv
import io

import pytest

from kzgraph.cli import main

from conftest import needs_catalogue

pytestmark = needs_catalogue

UN = {
    "un-women-country-data-sheet", "un-women-europe-central-asia", "un-kazakhstan-annual-report-2021",
    "unfpa-kazakhstan", "undp-kazakhstan", "spotlight-initiative-central-asia",
}
VIOLENCE = {"un-women-europe-central-asia", "spotlight-initiative-central-asia", "paperlab",
            "aiman-umarova-law-school", "svet"}
METHODOLOGY_AVAILABLE = {"un-women-country-data-sheet", "world-bank-gender-data-portal",
                         "women-business-and-the-law", "friedrich-ebert-stiftung", "central-asia-barometer"}

# (arguments, expected slugs): every facet with two values
OR_CASES = [
    # machine-readable data: World Bank (CSV, API, Databank), Central Asia Barometer (SPSS, Excel, Stata)
    (["--data-format", "csv", "--data-format", "spss"], {"world-bank-gender-data-portal", "central-asia-barometer"}),
    (["--data-format", "csv,spss"], {"world-bank-gender-data-portal", "central-asia-barometer"}),
    (["--data-format", "databank, stata"], {"world-bank-gender-data-portal", "central-asia-barometer"}),
    # independent media: Orda in Uzbek; Adamdar/CA and The Diplomat in English (Kok.team only occasionally)
    (["--language", "uz", "--language", "en", "--primary-only", "--section", "independent-media"],
     {"orda", "adamdar-ca", "the-diplomat"}),
    (["--language", "UZB,English", "--primary-only", "--section", "4"], {"orda", "adamdar-ca", "the-diplomat"}),
    # violence (1.2, 1.6, PaperLab, Aiman Umarova's Law School, SVET) or harmful practices (1.4, 1.6)
    (["--topic", "violence", "--topic", "harmful-practices"], VIOLENCE | {"unfpa-kazakhstan"}),
    # the World Bank's two entries and the six UN entries
    (["--type", "un-body", "--type", "international-financial-institution"],
     UN | {"world-bank-gender-data-portal", "women-business-and-the-law"}),
    # founded in 2021: Artyq Emes (local NGOs), Batyr Jamal and Masa Media (independent media)
    (["--section", "local-ngos", "--section", "independent-media", "--founded-after", "2021"],
     {"artyq-emes", "batyr-jamal", "masa-media"}),
    (["--section", "2,3", "--founded-after", "2021"], {"artyq-emes"}),
    # methodology available (five entries) or unclear (World Values Survey)
    (["--methodology", "available", "--methodology", "unclear"], METHODOLOGY_AVAILABLE | {"world-values-survey"}),
    # independent media beyond Kazakhstan: Adamdar/CA (KG, UZ, TJ), Mediazona (KG, UZ), Orda (UZ)
    (["--country", "KG", "--country", "UZB", "--type", "independent-media"],
     {"adamdar-ca", "mediazona-central-asia", "orda"}),
    (["--country", "Tajikistan,Kyrgyzstan", "--type", "independent-media"], {"adamdar-ca", "mediazona-central-asia"}),
    # AND across facets: of the CSV-or-SPSS entries, the one run by an NGO (Central Asia Barometer)
    (["--data-format", "csv", "--data-format", "spss", "--type", "ngo"], {"central-asia-barometer"}),
    (["--data-format", "csv,spss", "--type", "international-financial-institution"], {"world-bank-gender-data-portal"}),
    # the same value twice is the value once
    (["--topic", "violence", "--topic", "Violence"], VIOLENCE),
]


def slugs(runner, args):
    result = runner.invoke(main, ["sources", *args, "--format", "csv"])
    assert result.exit_code == 0, result.output
    return {r["slug"] for r in csv.DictReader(io.StringIO(result.output))}


@pytest.mark.parametrize("args,expected", OR_CASES, ids=[" ".join(a) for a, _ in OR_CASES])
def test_repeated_facet_is_or(runner, args, expected):
    assert slugs(runner, args) == expected


def test_every_facet_is_covered_with_two_values():
    options = {"--language", "--topic", "--type", "--section", "--methodology", "--data-format", "--country"}
    covered = set()
    for args, _ in OR_CASES:
        for opt in options:
            values = [args[i + 1] for i, a in enumerate(args) if a == opt]
            if len(values) >= 2 or any("," in v for v in values):
                covered.add(opt)
    assert covered == options


def test_an_empty_value_is_refused(runner):
    result = runner.invoke(main, ["sources", "--topic", ","])
    assert result.exit_code == 2
    assert "empty value ','" in result.output


def test_an_unknown_value_among_several_is_named(runner):
    result = runner.invoke(main, ["sources", "--data-format", "csv,pdf"])
    assert result.exit_code == 2
    assert "unknown data format 'pdf'" in result.output


def test_the_sources_query_takes_lists(runner):
    """`query -n sources` binds a repeated --param as a VALUES list."""
    result = runner.invoke(main, ["query", "-n", "sources", "--param", "dataFormat=csv",
                                  "--param", "dataFormat=spss", "--format", "csv"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert {r["entry"].rsplit("/", 1)[-1] for r in rows} == {"world-bank-gender-data-portal", "central-asia-barometer"}


def test_an_iri_parameter_takes_a_comma_list(runner):
    result = runner.invoke(main, ["query", "-n", "sources", "--param", "dataFormat=csv,spss", "--format", "csv"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert {r["entry"].rsplit("/", 1)[-1] for r in rows} == {"world-bank-gender-data-portal", "central-asia-barometer"}


def test_kazakh_or_russian_is_more_than_russian(runner):
    """The issue's case: `--language kk --language ru` gave the `--language ru` answer."""
    both = slugs(runner, ["--language", "kk", "--language", "ru"])
    assert both == slugs(runner, ["--language", "kk"]) | slugs(runner, ["--language", "ru"])
    # media 10: Til Kespek Joq is in Kazakh only; local 6: SVET in Russian only
    assert {"til-kespek-joq", "svet"} <= both
    assert "til-kespek-joq" not in slugs(runner, ["--language", "ru"])
    assert "svet" not in slugs(runner, ["--language", "kk"])
