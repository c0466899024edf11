"""`kzgraph sources`: every filter alone and in combination, with answers taken from the review."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys

import pytest
from click.testing import CliRunner

from kzgraph.cli import main

from conftest import needs_catalogue

pytestmark = needs_catalogue

UN = {
    "un-women-country-data-sheet",
    "un-women-europe-central-asia",
    "un-kazakhstan-annual-report-2021",
    "unfpa-kazakhstan",
    "undp-kazakhstan",
    "spotlight-initiative-central-asia",
}

# (arguments, expected slugs) — each answer read off the review, not off the data
CASES = [
    # topic: violence includes gender-based, sexual, domestic violence, violence against women
    (["--topic", "violence"], {"un-women-europe-central-asia", "spotlight-initiative-central-asia", "paperlab", "aiman-umarova-law-school", "svet"}),
    (["--topic", "Violence"], {"un-women-europe-central-asia", "spotlight-initiative-central-asia", "paperlab", "aiman-umarova-law-school", "svet"}),
    # 1.6 names harmful practices; 1.4 lists them among the UNFPA data portal's components
    (["--topic", "harmful-practices"], {"spotlight-initiative-central-asia", "unfpa-kazakhstan"}),
    # language: codes, authority codes and labels; primary or occasional
    (["--language", "uz"], {"orda"}),
    (["--language", "UZB"], {"orda"}),
    (["--language", "Uzbek"], {"orda"}),
    (["--language", "kk", "--section", "local-ngos", "--methodology", "partial"], {"paperlab", "feminita"}),
    (["--language", "kaz", "--section", "2", "--methodology", "partial"], {"paperlab", "feminita"}),
    # Feminita publishes in Russian with occasional Kazakh translations
    (["--language", "KAZ", "--primary-only", "--section", "local-ngos", "--methodology", "partial"], {"paperlab"}),
    (["--language", "en", "--primary-only", "--section", "independent-media"], {"adamdar-ca", "the-diplomat"}),
    (["--language", "ru", "--section", "government"], {"bns-gender-statistics", "adilet-zan"}),
    # founding years, inclusive, compared as integers
    (["--founded-after", "2018", "--founded-before", "2018"], {"svet", "gender-economics-research-center", "femagora"}),
    (["--founded-after", "2021"], {"artyq-emes", "batyr-jamal", "masa-media"}),
    (["--founded-before", "1999"], {"soros-foundation-kazakhstan", "misk", "eurasianet"}),
    # data formats anywhere under the entry, and data services
    (["--data-format", "csv"], {"world-bank-gender-data-portal"}),
    (["--data-format", "api"], {"world-bank-gender-data-portal"}),
    (["--data-format", "databank"], {"world-bank-gender-data-portal"}),
    (["--data-format", "spss"], {"central-asia-barometer"}),
    (["--data-format", "excel"], {"central-asia-barometer"}),
    (["--data-format", "stata"], {"central-asia-barometer"}),
    # coverage
    (["--country", "UZB", "--type", "independent-media"], {"adamdar-ca", "mediazona-central-asia", "orda"}),
    (["--country", "KG"], {"adamdar-ca", "mediazona-central-asia"}),
    (["--country", "Kyrgyzstan", "--language", "en"], {"adamdar-ca"}),
    # organization type, narrower types included; a resource takes its publisher's type
    (["--type", "un-body"], UN),
    (["--type", "international-financial-institution"], {"world-bank-gender-data-portal", "women-business-and-the-law"}),
    (["--type", "intergovernmental-organization"], UN | {"world-bank-gender-data-portal", "women-business-and-the-law", "oecd"}),
    (["--type", "ngo", "--section", "local-ngos"], {"aiman-umarova-law-school", "feminita", "kazfem", "fempoint", "misk", "femagora"}),
    # methodology: entry-level status
    (["--methodology", "available"], {"un-women-country-data-sheet", "world-bank-gender-data-portal", "women-business-and-the-law", "friedrich-ebert-stiftung", "central-asia-barometer"}),
    (["--methodology", "unclear"], {"world-values-survey"}),
    (["--methodology", "not-stated", "--section", "government"], {"bns-gender-statistics", "adilet-zan"}),
    (["--methodology", "partial", "--section", "1"], {"unfpa-kazakhstan"}),
    # section by number
    (["--section", "3"], {"bns-gender-statistics", "adilet-zan"}),
    # free text over names and descriptions
    (["--search", "barometer"], {"central-asia-barometer"}),
    (["--search", "BAROMETER"], {"central-asia-barometer"}),
    (["--search", "sample", "--section", "local-ngos"], {"misk"}),
    # text that looks like SPARQL is only ever a literal
    (["--search", '") } UNION { ?entry ?p ?o } #'], set()),
]


def slugs(runner, args):
    result = runner.invoke(main, ["sources", *args, "--format", "csv"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.output)))
    return {r["slug"] for r in rows}


@pytest.mark.parametrize("args,expected", CASES, ids=[" ".join(a) for a, _ in CASES])
def test_filters(runner, args, expected):
    assert slugs(runner, args) == expected


def test_all_entries_listed_in_review_order(runner):
    result = runner.invoke(main, ["sources", "--format", "csv"])
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert len(rows) == 47
    assert [r["slug"] for r in rows[:2]] == ["un-women-country-data-sheet", "un-women-europe-central-asia"]
    assert rows[-1]["slug"] == "the-diplomat"
    assert [r["item"] for r in rows[16:19]] == ["1/11", "1/12", "2/1"]


def test_active_leaves_out_the_dissolved(runner):
    everything = slugs(runner, [])
    active = slugs(runner, ["--active"])
    assert everything - active == {"kok-team"}
    # Kok.team (2017, dissolved 2022) is the one that drops out here
    args = ["--section", "independent-media", "--language", "kk", "--founded-before", "2017"]
    assert slugs(runner, args) == {"kok-team", "vlast", "holanews", "factcheck-kz", "eurasianet"}
    assert slugs(runner, ["--active", *args]) == {"vlast", "holanews", "factcheck-kz", "eurasianet"}


def test_table_columns(runner):
    result = runner.invoke(main, ["sources", "--language", "kk", "--section", "local-ngos", "--methodology", "partial"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split() == ["slug", "name", "item", "type", "languages", "methodology", "score", "link"]
    paperlab = next(ln for ln in lines if ln.startswith("paperlab"))
    assert "2/1" in paperlab and "Think tank" in paperlab and "kk, ru (en)" in paperlab and "Partial" in paperlab
    feminita = next(ln for ln in lines if ln.startswith("feminita"))
    assert "ru (kk)" in feminita


def test_labels_in_russian(runner):
    result = runner.invoke(main, ["sources", "--section", "local-ngos", "--methodology", "partial", "--labels", "ru"])
    assert result.exit_code == 0
    assert "Частично" in result.output and "Аналитический центр" in result.output


def test_json(runner):
    result = runner.invoke(main, ["sources", "--data-format", "spss", "--format", "json"])
    assert result.exit_code == 0
    doc = json.loads(result.output)
    assert [d["slug"] for d in doc] == ["central-asia-barometer"]
    entry = doc[0]
    assert entry["iri"] == "https://w3id.org/kzgraph/id/central-asia-barometer"
    assert entry["methodology"] == "available"
    assert entry["item"] == "7" and entry["sectionNumber"] == "1"
    assert set(entry) >= {"name", "types", "languages", "score", "founded", "dissolved"}
    assert entry["link"] == "https://ca-barometer.org/"


def test_json_languages_split_primary_and_occasional(runner):
    doc = json.loads(runner.invoke(main, ["sources", "--search", "soros foundation", "--format", "json"]).output)
    soros = next(d for d in doc if d["slug"] == "soros-foundation-kazakhstan")
    assert soros["languages"] == {"primary": ["ru"], "occasional": ["kk", "en"]}
    assert soros["founded"] == 1995


def test_csv_is_rfc4180(runner):
    result = runner.invoke(main, ["sources", "--topic", "violence", "--format", "csv"])
    raw = result.stdout_bytes
    assert raw.count(b"\r\n") == 6
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8"), newline="")))
    assert rows[0] == ["slug", "name", "item", "type", "languages", "methodology", "score", "link"]
    # the link in full: PaperLab's homepage, Spotlight's landing page (1.6 has no homepage of its own)
    links = {r[0]: r[-1] for r in rows[1:]}
    assert links["paperlab"] == "https://paperlab.kz/"
    assert links["spotlight-initiative-central-asia"] == (
        "https://www.undp.org/kazakhstan/projects/spotlight-initiative-regional-programme-central-asia-and-afghanistan")


@pytest.mark.parametrize(
    "args,needle",
    [
        (["--topic", "violense"], "unknown topic 'violense'; did you mean 'violence'"),
        (["--language", "klingon"], "unknown language 'klingon'"),
        (["--type", "ngos"], "did you mean 'ngo'"),
        (["--section", "5"], "unknown section '5'"),
        (["--methodology", "none"], "unknown methodology status 'none'"),
        (["--data-format", "pdf"], "unknown data format 'pdf'"),
        (["--country", "XYZ"], "unknown country or region 'XYZ'"),
    ],
)
def test_unknown_values_list_the_valid_ones(runner, args, needle):
    result = runner.invoke(main, ["sources", *args])
    assert result.exit_code == 2
    message = result.output.strip()
    assert len(message.splitlines()) == 1
    assert needle in message
    assert "`kzgraph vocab " in message and len(message) <= 200


def test_unknown_value_of_a_short_vocabulary_lists_it(runner):
    result = runner.invoke(main, ["sources", "--data-format", "pdf"])
    assert "use one of csv, excel, spss, stata, api, databank" in result.output
    result = runner.invoke(main, ["sources", "--language", "de"])
    assert "use one of en, kk, ru, uz (`kzgraph vocab language` shows their labels)" in result.output


def test_primary_only_needs_language(runner):
    result = runner.invoke(main, ["sources", "--primary-only"])
    assert result.exit_code == 2
    assert "--primary-only needs --language" in result.output


def test_bad_year_is_a_usage_error(runner):
    result = runner.invoke(main, ["sources", "--founded-after", "twenty"])
    assert result.exit_code == 2


@pytest.mark.parametrize("key", ["name", "founded", "section"])
def test_sort(runner, key):
    result = runner.invoke(main, ["sources", "--sort", key, "--format", "json"])
    assert result.exit_code == 0
    doc = json.loads(result.output)
    if key == "name":
        names = [d["name"].casefold() for d in doc]
        assert names == sorted(names)
    elif key == "founded":
        years = [d["founded"] for d in doc if d["founded"] is not None]
        assert years == sorted(years) and doc[0]["founded"] == 1995
        assert all(d["founded"] is None for d in doc[len(years):])
    else:
        assert doc[0]["slug"] == "un-women-country-data-sheet"


def test_sort_by_score(runner):
    from kzgraph.query import named
    from kzgraph.errors import UsageError

    try:
        named.get_named("transparency-score")
    except UsageError:
        pytest.skip("the transparency-score named query is not installed yet")
    result = runner.invoke(main, ["sources", "--sort", "score", "--format", "json"])
    assert result.exit_code == 0, result.output
    scores = [d["score"] for d in json.loads(result.output)]
    known = [s for s in scores if s is not None]
    assert known == sorted(known, reverse=True)
    assert all(0 <= s <= 1 for s in known)


def test_scores_are_joined_from_the_named_query(tmp_path):
    """The score column comes from the transparency-score query by entry IRI (its contract)."""
    from kzgraph.query import facets
    from kzgraph.cli.options import load_from_options

    (tmp_path / "transparency-score.rq").write_text(
        "# title: test score\n# question: a stand-in that follows the contract\n"
        "PREFIX kzg: <https://w3id.org/kzgraph/ontology#>\n"
        "SELECT ?entry ?label ?score ?methodologyNote ?dataCollection ?machineReadable "
        "?genderDisaggregation ?kazakh ?russian ?english WHERE {\n"
        "  VALUES (?entry ?score ?kazakh) { (<https://w3id.org/kzgraph/id/paperlab> 0.35 1.0) }\n}\n",
        encoding="utf-8",
    )
    catalogue = load_from_options(None)
    scores = facets.scores(catalogue, queries_dir=tmp_path)
    s = scores["https://w3id.org/kzgraph/id/paperlab"]
    assert facets.format_score(s.score) == "0.35"
    assert s.elements["kazakh"] == 1 and s.elements["english"] is None
    assert facets.scores(catalogue, queries_dir=tmp_path / "none") is None
    # a score query without the optional `entry` parameter still answers when entries are given
    assert facets.scores(catalogue, queries_dir=tmp_path, entries=[]) == scores
    assert facets.scores(catalogue, queries_dir=tmp_path, entries=[s.entry]) == scores


def test_scores_of_some_entries_are_their_scores_among_all():
    """`sources` scores only the entries it lists (the query's `entry` parameter): same values."""
    from unittest import mock

    from kzgraph.query import facets
    from kzgraph.cli.options import load_from_options

    catalogue = load_from_options(None)
    every = facets.scores(catalogue, labels="ru")
    assert every is not None and len(every) > 10
    some = sorted(every)[::3]
    assert facets.scores(catalogue, labels="ru", entries=some) == {iri: every[iri] for iri in some}
    assert facets.scores(catalogue, entries=[]) == {}
    with mock.patch.object(facets, "SCORE_ENTRY_LIMIT", 2):  # many entries: every entry is scored
        assert facets.scores(catalogue, labels="ru", entries=some) == every
    # the same rows in every sort order and format as when every entry was scored
    for args in (["--sort", "score", "--format", "json"], ["--language", "kk", "--format", "csv"]):
        out = CliRunner().invoke(main, ["sources", *args])
        assert out.exit_code == 0, out.output
        expected = _sources_with_every_score(args)
        assert out.stdout_bytes == expected



def test_a_sparql_server_scores_every_entry():
    """Virtuoso 7.2 does not finish the score query with a list of entries: never send one."""
    from kzgraph.query import facets
    from kzgraph.store import remote
    from kzgraph.cli.options import load_from_options

    catalogue = load_from_options(None)
    texts = []

    class Server:  # answers like a remote catalogue: it does not bind long VALUES lists
        capabilities = remote.CAPABILITIES

        def query(self, text, **options):
            texts.append(text)
            return catalogue.query(text, **options)

    every = facets.scores(catalogue)
    some = sorted(every)[:2]
    assert facets.scores(Server(), entries=some) == every
    assert len(texts) == 1 and "VALUES ?entry { UNDEF }" in texts[0]

def _sources_with_every_score(args):
    from unittest import mock

    from kzgraph.query import facets

    scores = facets.scores
    with mock.patch.object(facets, "scores", lambda *a, entries=None, **k: scores(*a, **k)):
        result = CliRunner().invoke(main, ["sources", *args])
    assert result.exit_code == 0, result.output
    return result.stdout_bytes


def test_sources_imports_no_rdflib_pyshacl_or_owlrl():
    code = (
        "import sys\n"
        "from kzgraph.cli import main\n"
        "try: main(['sources', '--topic', 'violence', '--sort', 'name'], prog_name='kzgraph')\n"
        "except SystemExit as e: assert not e.code, e.code\n"
        "print([m for m in ('rdflib', 'pyshacl', 'owlrl') if m in sys.modules])\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "[]"


def test_the_sources_query_is_a_readable_named_query(runner):
    result = runner.invoke(
        main, ["query", "-n", "sources", "--param", "topic=violence", "--param", "coverage=country:KAZ", "--format", "csv"]
    )
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert {r["entry"].rsplit("/", 1)[-1] for r in rows} <= {
        "un-women-europe-central-asia", "paperlab", "aiman-umarova-law-school", "svet"
    }
