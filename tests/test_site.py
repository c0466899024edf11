"""`kzgraph site`: the static site built from the shipped catalogue (read as files, no browser).

The real-browser checks (Playwright, axe-core, the Nu HTML Checker, Apache httpd) live in
their own marked tests; these read the built files. Expected facts come from the review.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

from conftest import FIXTURES, REPO, needs_catalogue

pytestmark = needs_catalogue

ENTRY_FILES = sorted((REPO / "data" / "entries").glob("*.ttl"))
LANGS = {"en": "", "ru": "ru/", "kk": "kk/"}


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    from click.testing import CliRunner

    from kzgraph.cli import main

    out = tmp_path_factory.mktemp("site") / "out"
    result = CliRunner().invoke(main, ["site", str(out), "--base-url", "https://example.org/kzgraph/"])
    assert result.exit_code == 0, result.output
    return out


class Page(HTMLParser):
    """The parts of a page the tests look at: lang, links, dt/dd pairs, text by element id."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.lang = None
        self.links: list[tuple[str, str]] = []  # (tag, url)
        self.pairs: list[tuple[str, str]] = []  # (dt text, dd text)
        self.lang_spans: list[tuple[str, str]] = []  # (lang, text) of elements with a lang attribute
        self._dt: str | None = None
        self._capture: list[list] = []
        self.text_parts: list[str] = []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "html":
            self.lang = a.get("lang")
        for key in ("href", "src"):
            if a.get(key):
                self.links.append((tag, a[key]))
        if tag in ("dt", "dd"):
            self._capture.append([tag, []])
        if a.get("lang") and tag != "html":
            self._capture.append(["lang:" + a["lang"], [], tag])

    def handle_endtag(self, tag):
        for i in range(len(self._capture) - 1, -1, -1):
            entry = self._capture[i]
            if entry[0] == tag or (entry[0].startswith("lang:") and entry[2] == tag):
                self._capture.pop(i)
                text = " ".join("".join(entry[1]).split())
                if entry[0] == "dt":
                    self._dt = text
                elif entry[0] == "dd":
                    self.pairs.append((self._dt or "", text))
                else:
                    self.lang_spans.append((entry[0][5:], text))
                break

    def handle_data(self, data):
        self.text_parts.append(data)
        for entry in self._capture:
            entry[1].append(data)

    def values(self, key: str) -> list[str]:
        return [dd for dt, dd in self.pairs if dt == key]

    @property
    def text(self) -> str:
        return " ".join(" ".join(self.text_parts).split())


def page(site: Path, path: str) -> Page:
    return Page((site / path).read_text(encoding="utf-8"))


def test_every_entry_has_a_page_in_three_languages(site: Path) -> None:
    assert len(ENTRY_FILES) == 47  # the review's 47 linked items
    for f in ENTRY_FILES:
        for lang, prefix in LANGS.items():
            path = site / f"{prefix}id/{f.stem}.html"
            assert path.is_file(), path
            assert Page(path.read_text(encoding="utf-8")).lang == lang
        assert (site / f"id/{f.stem}.ttl").is_file() and (site / f"id/{f.stem}.jsonld").is_file()


def test_home_lists_every_entry(site: Path) -> None:
    for prefix in LANGS.values():
        home = (site / f"{prefix}index.html").read_text(encoding="utf-8")
        slugs = set(re.findall(r'<li class="entry" data-slug="([a-z0-9-]+)"', home))
        assert slugs == {f.stem for f in ENTRY_FILES}


def test_paperlab_page_shows_the_review_facts(site: Path) -> None:
    # review section 2 (local NGOs), item 1; mostly Kazakh and Russian, sometimes English;
    # sex education and violence against women; methodology notes "not always included".
    p = page(site, "id/paperlab.html")
    assert p.values("Section") == ["Local NGOs and grassroots organizations"]
    assert p.values("Item") == ["1"]
    assert p.values("Primary") == ["Kazakh", "Russian"]
    assert p.values("Occasional") == ["English"]
    assert "Sex education" in p.values("Topics")
    assert any("Partial" in v for v in p.values("Entry"))
    assert p.values("Homepage") == ["https://paperlab.kz/"]
    # the review gives no founding year for PaperLab
    assert p.values("Founded") == []
    ru = page(site, "ru/id/paperlab.html")
    assert ru.lang == "ru"
    assert ru.values("Основные") == ["Казахский язык", "Русский язык"]
    assert any(v.startswith("описание методологии: Частично; сбор данных: Частично") for v in ru.values("Запись"))
    kk = page(site, "kk/id/paperlab.html")
    assert any(v.startswith("әдістеме сипаттамасы: Ішінара") for v in kk.values("Жазба"))
    # the description exists in English only: shown, and marked as English
    assert any(lang == "en" and "sex education" in text for lang, text in ru.lang_spans)


def test_founding_facts_as_the_review_states_them(site: Path) -> None:
    # "Founded in 2015 a grassroots feminist organization" (KazFem, section 2 item 5)
    assert page(site, "id/kazfem.html").values("Founded") == ["2015"]
    # Kok.team: dissolved in 2022
    assert page(site, "id/kok-team.html").values("Dissolved") == ["2022"]


def test_claims_to_verify_are_shown_with_their_reason(site: Path) -> None:
    from kzgraph.cli.options import load_from_options
    from kzgraph.query import facets

    rows = facets.run_named(load_from_options(None), facets.FLAGS_QUERY).rows
    assert rows, "the catalogue has curation flags"
    flagged_pages = [p for p in sorted((site / "id").glob("*.html")) if 'id="claims-to-verify"' in p.read_text(encoding="utf-8")]
    assert flagged_pages
    text = page(site, flagged_pages[0].relative_to(site).as_posix()).text
    assert "Claims to verify" in text and "why to check" in text


def facet_data(site: Path) -> dict:
    text = (site / "assets" / "facets.js").read_text(encoding="utf-8")
    return json.loads(text[text.index("=") + 1:].strip().rstrip(";"))


def browser_filter(data: dict, **chosen) -> set[str]:
    """What the page's script shows: any chosen value of a facet (OR), every facet (AND)."""
    shown = set(range(len(data["entries"])))
    for facet, keys in chosen.items():
        keys = [keys] if isinstance(keys, str) else keys
        shown &= {i for key in keys for i in data["facets"][facet.replace("_", "-")][key]}
    return {data["entries"][i] for i in shown}


def sources(*args: str) -> set[str]:
    from click.testing import CliRunner

    from kzgraph.cli import main

    result = CliRunner().invoke(main, ["sources", *args, "--format", "json"])
    assert result.exit_code == 0, result.output
    return {row["slug"] for row in json.loads(result.output)}


def test_facets_combine_as_kzgraph_sources(site: Path) -> None:
    data = facet_data(site)
    # review: PaperLab (Kazakh and Russian; violence against women) and Aiman Umarova's Law
    # School (Kazakh and Russian; gender-based, sexual and domestic violence)
    expected = {"paperlab", "aiman-umarova-law-school"}
    assert browser_filter(data, topic="violence", language="kk") == expected
    assert sources("--topic", "violence", "--language", "kk") == expected
    # review: the World Bank portal offers CSV; Central Asia Barometer SPSS
    assert browser_filter(data, data_format="csv") == sources("--data-format", "csv") == {"world-bank-gender-data-portal"}
    assert browser_filter(data, data_format="spss") == sources("--data-format", "spss") == {"central-asia-barometer"}
    assert browser_filter(data, section="independent-media", country="UZB") == sources("--section", "independent-media", "--country", "UZB")
    # one facet, two values: either (the data format "csv or spss" of the issue)
    both = browser_filter(data, data_format=["csv", "spss"])
    assert both == sources("--data-format", "csv,spss") == {"world-bank-gender-data-portal", "central-asia-barometer"}
    assert browser_filter(data, language=["kk", "en"], topic="violence") == sources("--language", "kk", "--language", "en", "--topic", "violence")


def test_primary_only_language_facet(site: Path) -> None:
    data = facet_data(site)
    primary = {data["entries"][i] for i in data["primary"]["kk"]}
    assert primary == sources("--language", "kk", "--primary-only")
    assert "feminita" not in primary  # Russian, occasionally Kazakh (review 2.4)
    assert "feminita" in browser_filter(data, language="kk")


def test_search_documents_hold_every_language(site: Path) -> None:
    text = (site / "assets" / "search-data.js").read_text(encoding="utf-8")
    docs = json.loads(text[text.index("=") + 1:].strip().rstrip(";"))
    assert len(docs) == 47
    paperlab = next(d for d in docs if d["slug"] == "paperlab")
    # its topics' labels in Kazakh and Russian, with the broader topic "violence"
    assert "Зорлық-зомбылық" in paperlab["labels"] and "Насилие" in paperlab["labels"]
    home = (site / "index.html").read_text(encoding="utf-8")
    assert "static/vendor/minisearch/index.js" in home
    entry = (site / "id/paperlab.html").read_text(encoding="utf-8")
    assert "minisearch" not in entry and "search-data.js" not in entry  # search loads on the home page only


def test_internal_links_point_at_real_files(site: Path) -> None:
    broken = []
    for html in sorted(site.rglob("*.html")):
        for _tag, url in Page(html.read_text(encoding="utf-8")).links:
            if re.match(r"^[a-z]+:", url) or url.startswith("#"):
                continue
            target = url.split("#", 1)[0].split("?", 1)[0]
            if not (html.parent / target).resolve().is_file():
                broken.append(f"{html.relative_to(site)} -> {url}")
    assert not broken, "\n".join(broken[:20])


def test_language_switcher_and_hreflang(site: Path) -> None:
    text = (site / "kk/vocab/topic/violence.html").read_text(encoding="utf-8")
    assert '<link rel="alternate" hreflang="ru" href="../../../ru/vocab/topic/violence.html">' in text
    assert 'hreflang="en" lang="en" data-lang="en"' in text
    assert '<link rel="alternate" type="text/turtle" href="../../../vocab/topic/violence.ttl">' in text


def test_every_page_embeds_schema_org_for_its_entry(site: Path) -> None:
    text = (site / "id/paperlab.html").read_text(encoding="utf-8")
    block = text.split('<script type="application/ld+json">', 1)[1].split("</script>", 1)[0]
    doc = json.loads(block)
    node = doc["@graph"][0] if "@graph" in doc else doc
    assert node["@id"] == "https://w3id.org/kzgraph/id/paperlab" and node["name"] == "PaperLab"


def test_concept_pages_embed_a_defined_term(site: Path) -> None:
    text = (site / "ru/vocab/topic/violence.html").read_text(encoding="utf-8")
    doc = json.loads(text.split('<script type="application/ld+json">', 1)[1].split("</script>", 1)[0])
    nodes = {n["@id"]: n for n in doc.get("@graph", [doc])}
    term = nodes["https://w3id.org/kzgraph/vocab/topic/violence"]
    assert term["@type"] == "DefinedTerm" and term["name"] == "Violence"


def test_node_data_files_parse_and_describe_the_node(site: Path) -> None:
    import pyoxigraph as ox

    triples = list(ox.parse(path=str(site / "id/paperlab.ttl"), format=ox.RdfFormat.TURTLE))
    subjects = {t.subject.value for t in triples}
    assert "https://w3id.org/kzgraph/id/paperlab" in subjects
    assert "https://w3id.org/kzgraph/id/paperlab-assessment" in subjects
    doc = json.loads((site / "id/paperlab.jsonld").read_text(encoding="utf-8"))
    assert "@context" in doc


def test_entry_pages_within_50_kb_with_css(site: Path) -> None:
    css = (site / "static/site.css").stat().st_size
    sizes = {p.name: p.stat().st_size + css for prefix in LANGS.values() for p in (site / f"{prefix}id").glob("*.html")
             if p.stem in {f.stem for f in ENTRY_FILES}}
    assert max(sizes.values()) < 50_000, max(sizes.items(), key=lambda kv: kv[1])


def test_downloads_list_every_export_file_with_its_hash(site: Path) -> None:
    import hashlib

    text = (site / "downloads.html").read_text(encoding="utf-8")
    files = sorted((site / "download").iterdir())
    assert {"kzgraph.ttl", "kzgraph.jsonld", "context.jsonld"} <= {f.name for f in files}
    for f in files:
        assert hashlib.sha256(f.read_bytes()).hexdigest() in text, f.name


def test_ontology_page_documents_every_class_with_labels(site: Path) -> None:
    p = page(site, "ontology.html")
    text = (site / "ontology.html").read_text(encoding="utf-8")
    assert 'id="Source"' in text and "Запись каталога" in text and "Каталог жазбасы" in text
    assert any("nodes of this class: 47" in dd for dd in p.values("Used"))


def test_redirect_rules(site: Path) -> None:
    rules = (site / ".htaccess").read_text(encoding="utf-8")
    assert "RewriteEngine On" in rules and "text/turtle" in rules and "application/ld\\+json" in rules
    assert "Vary" in rules
    w3id = (site / "w3id/kzgraph/.htaccess").read_text(encoding="utf-8")
    assert "https://example.org/kzgraph/$1.ttl [R=303" in w3id


def test_same_graph_same_bytes(site: Path, tmp_path: Path) -> None:
    out = tmp_path / "again"
    env = {**os.environ, "PYTHONHASHSEED": "4242"}
    subprocess.run([sys.executable, "-m", "kzgraph", "site", str(out), "--base-url", "https://example.org/kzgraph/"],
                   check=True, env=env, capture_output=True, cwd=REPO)
    first = {p.relative_to(site).as_posix(): p.read_bytes() for p in site.rglob("*") if p.is_file()}
    second = {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert sorted(first) == sorted(second)
    assert [k for k in first if first[k] != second[k]] == []


# ---------------------------------------------------------------- refusals


def run(*args: str):
    from click.testing import CliRunner

    from kzgraph.cli import main

    return CliRunner().invoke(main, ["site", *args])


def test_out_dir_that_is_a_file_is_refused(tmp_path: Path) -> None:
    f = tmp_path / "file"
    f.write_text("x")
    result = run(str(f))
    assert result.exit_code == 2
    assert "is not a folder" in result.output and len(result.output.strip().splitlines()) == 1
    assert f.read_text() == "x"


def test_foreign_non_empty_out_dir_is_refused(tmp_path: Path) -> None:
    (tmp_path / "keep.txt").write_text("mine")
    result = run(str(tmp_path))
    assert result.exit_code == 2 and "--force" in result.output
    assert (tmp_path / "keep.txt").read_text() == "mine"


def test_symlinked_out_dir_is_refused(tmp_path: Path) -> None:
    (tmp_path / "real").mkdir()
    (tmp_path / "link").symlink_to(tmp_path / "real")
    result = run(str(tmp_path / "link"))
    assert result.exit_code == 2 and "symbolic link" in result.output
    assert (tmp_path / "link").is_symlink()


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root can write anywhere")
def test_unwritable_out_dir_is_refused(tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        result = run(str(locked / "site"))
        assert result.exit_code == 2 and "not writable" in result.output
    finally:
        locked.chmod(0o700)


def test_the_working_folder_or_the_graph_is_never_replaced(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "notes.txt").write_text("mine")
    for target in (".", str(tmp_path.parent)):
        result = run(target, "--force")
        assert result.exit_code == 2 and "give a folder of its own" in result.output, result.output
    result = run(str(REPO), "--force")
    assert result.exit_code == 2
    assert (tmp_path / "notes.txt").read_text() == "mine"


def test_earlier_site_is_replaced_and_foreign_files_need_force(site: Path) -> None:
    from kzgraph.site import outdir

    outdir.check(site, force=False)  # an earlier site: accepted


def test_graph_with_violations_is_refused(tmp_path: Path) -> None:
    bad = FIXTURES / "invalid" / "channel-not-in-scheme.ttl"
    out = tmp_path / "site"
    result = run(str(out), "--data", str(bad))
    assert result.exit_code == 1
    assert "violation" in result.output and "--no-validate" in result.output
    assert not out.exists()


def test_bad_base_url_is_refused(tmp_path: Path) -> None:
    result = run(str(tmp_path / "s"), "--base-url", "example.org")
    assert result.exit_code == 2 and "--base-url" in result.output
