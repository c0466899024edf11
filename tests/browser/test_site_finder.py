"""Filters and search on the home page, in Chromium, in each language, against the CLI and the review.

A person ticks facet boxes and types into the search box; the entries left on the page must be
the ones ``kzgraph sources`` gives with the same filters (its JSON output), and the ones the review
names (the sets below were read from the review, not from a run of the code).
"""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from .sitemodel import LANGUAGES

pytestmark = pytest.mark.browser

# From the review (see DESIGN.md's competency questions):
VIOLENCE = {  # UN Women ECA, Spotlight Initiative, PaperLab, Aiman Umarova's Law School, SVET
    "un-women-europe-central-asia", "spotlight-initiative-central-asia", "paperlab",
    "aiman-umarova-law-school", "svet",
}
# ... of those, available in Kazakh: PaperLab ("in Kazakh and Russian"), the Law School (same);
# SVET is in Russian only, the two UN entries state no language
VIOLENCE_KAZAKH = {"paperlab", "aiman-umarova-law-school"}
CSV = {"world-bank-gender-data-portal"}  # "Data available via CVS, API, and Databank formats"
SPSS = {"central-asia-barometer"}  # "available in SPSS, Excel, and Stata formats"
# local organizations publishing in Kazakh that document their methodology in part
LOCAL_KAZAKH_PARTIAL = {"paperlab", "feminita"}
LOCAL_KAZAKH_PRIMARY_PARTIAL = {"paperlab"}  # Feminita: Russian, Kazakh only occasionally

# facet combinations: (ticked boxes as (facet, key)), primary-only, the CLI's options, the review's answer
COMBINATIONS = {
    "violence": ([("topic", "violence")], False, ["--topic", "violence"], VIOLENCE),
    "violence+kk": ([("topic", "violence"), ("language", "kk")], False,
                    ["--topic", "violence", "--language", "kk"], VIOLENCE_KAZAKH),
    "csv": ([("data-format", "csv")], False, ["--data-format", "csv"], CSV),
    "csv|spss": ([("data-format", "csv"), ("data-format", "spss")], False,
                 ["--data-format", "csv,spss"], CSV | SPSS),
    "local+kk+partial": ([("section", "local-ngos"), ("language", "kk"), ("methodology", "partial")], False,
                         ["--section", "local-ngos", "--language", "kk", "--methodology", "partial"],
                         LOCAL_KAZAKH_PARTIAL),
    "local+kk(primary)+partial": ([("section", "local-ngos"), ("language", "kk"), ("methodology", "partial")], True,
                                  ["--section", "local-ngos", "--language", "kk", "--primary-only",
                                   "--methodology", "partial"], LOCAL_KAZAKH_PRIMARY_PARTIAL),
}

# words from the Russian and Kazakh labels of the violence topics; upper case on purpose
# (the Kazakh Қ and its lower case қ must match), and a word of each language alone
SEARCHES = {
    "kk-upper": ("ЗОРЛЫҚ", VIOLENCE),
    "kk-lower": ("зорлық-зомбылық", VIOLENCE),
    "ru": ("НАСИЛИЕ", VIOLENCE),
}


def cli_sources(args: list[str]) -> set[str]:
    """The slugs ``kzgraph sources ARGS --format json`` prints (run in this process, graph cached)."""
    from kzgraph.cli import main

    result = CliRunner().invoke(main, ["sources", *args, "--format", "json"])
    assert result.exit_code == 0, result.output
    return {row["slug"] for row in json.loads(result.output)}


@pytest.fixture(scope="module")
def cli_answers():
    return {name: cli_sources(combo[2]) for name, combo in COMBINATIONS.items()}


def open_home(page, site, lang, query=""):
    page.goto(site.home(lang) + query, wait_until="load")
    page.wait_for_selector("html[data-finder=ready]", timeout=10_000)


def shown(page) -> set[str]:
    """The entries the list shows now (hidden ones left out), checked against the live count."""
    slugs = page.eval_on_selector_all(
        "ol#results > li.entry", "els => els.filter(e => !e.hidden && e.offsetParent !== null).map(e => e.dataset.slug)"
    )
    count = page.get_attribute("ol#results", "data-shown")
    assert count == str(len(slugs)), f"data-shown={count} but {len(slugs)} entries visible"
    assert str(len(slugs)) in page.inner_text("#result-count")
    return set(slugs)


def reset(page):
    page.click("button#facets-reset")
    page.wait_for_function("document.querySelector('ol#results').dataset.shown === '47'")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_nothing_ticked_shows_all_47(site, page, lang):
    open_home(page, site, lang)
    assert len(shown(page)) == 47
    assert page.watch.take() == []


@pytest.mark.parametrize("name", COMBINATIONS)
@pytest.mark.parametrize("lang", LANGUAGES)
def test_ticked_facets_give_what_kzgraph_sources_gives(site, page, cli_answers, lang, name):
    boxes, primary_only, _args, review = COMBINATIONS[name]
    open_home(page, site, lang)
    for facet, key in boxes:
        page.check(f"input#facet-{facet}-{key}")
    if primary_only:
        page.check("input#facet-primary-only")
    got = shown(page)
    assert got == cli_answers[name], f"{lang} {name}: page {sorted(got)} != kzgraph sources {sorted(cli_answers[name])}"
    assert got == review, f"{lang} {name}: page {sorted(got)} != the review's {sorted(review)}"
    # the state is in the address: opening it again gives the same entries
    address = page.url
    open_home(page, site, lang, "?" + address.split("?", 1)[1] if "?" in address else "")
    assert shown(page) == review, f"{lang} {name}: reopening {address} gives another set"
    assert page.watch.take() == []


@pytest.mark.parametrize("lang", LANGUAGES)
def test_counts_say_what_ticking_would_leave(site, page, lang):
    open_home(page, site, lang)
    count = page.locator("input#facet-topic-violence ~ label .facet-count, label[for=facet-topic-violence] .facet-count")
    assert count.first.inner_text().strip() == f"({len(VIOLENCE)})"
    page.check("input#facet-language-kk")
    page.wait_for_function("document.querySelector('ol#results').dataset.shown !== '47'")
    assert count.first.inner_text().strip() == f"({len(VIOLENCE_KAZAKH)})"
    reset(page)
    assert count.first.inner_text().strip() == f"({len(VIOLENCE)})"


@pytest.mark.parametrize("name", SEARCHES)
@pytest.mark.parametrize("lang", LANGUAGES)
def test_search_finds_the_entries_with_the_word(site, page, lang, name):
    word, expected = SEARCHES[name]
    open_home(page, site, lang)
    page.fill("input#search", word)
    page.wait_for_function("document.querySelector('ol#results').dataset.shown !== '47'")
    got = shown(page)
    assert got == expected, f"{lang}: searching {word!r} shows {sorted(got)}, the review says {sorted(expected)}"
    assert page.watch.take() == []


def test_search_with_a_facet_and_a_word_that_matches_nothing(site, page):
    open_home(page, site, "kk")
    page.fill("input#search", "насилие")
    page.check("input#facet-language-kk")
    assert shown(page) == VIOLENCE_KAZAKH
    page.fill("input#search", "жоқсөзқұрылмаған")
    page.wait_for_function("document.querySelector('ol#results').dataset.shown === '0'")
    assert page.is_visible("#no-results")
    assert page.watch.take() == []


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_search_box_of_an_entry_page_leads_to_the_results(site, page, lang):
    page.goto(site.entries[lang]["https://w3id.org/kzgraph/id/paperlab"], wait_until="load")
    page.fill("form.header-search input#site-search", "Зорлық")
    page.press("form.header-search input#site-search", "Enter")
    page.wait_for_selector("html[data-finder=ready]", timeout=10_000)
    assert page.locator("html").get_attribute("lang") == lang
    assert page.input_value("input#search") == "Зорлық"
    assert shown(page) == VIOLENCE
    assert page.watch.take() == []
