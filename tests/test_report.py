"""`kzgraph report`: each chart draws its named query's rows, and on the shipped data the
numbers the review gives (read from the review, never from running the code)."""

from __future__ import annotations

import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

from kzgraph import iris, report
from kzgraph.query import facets
from kzgraph.cli import main
from kzgraph.report import data as report_data
from kzgraph.report.model import CHART_QUERIES

REPO = Path(__file__).resolve().parent.parent
SVG = "{http://www.w3.org/2000/svg}"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def catalogue(layout):
    from kzgraph.load import load_catalogue

    return load_catalogue(layout)


@pytest.fixture(scope="module")
def built(catalogue):
    """The report in each language (drawn once per test run; PNGs in English only, to keep it fast)."""
    return {lang: report.build(catalogue, lang, png=lang == "en") for lang in ("en", "ru", "kk")}


def rows(catalogue, chart: str, lang: str = "en") -> list[dict]:
    """The chart's query rows, run here through the named-query API (not through the report)."""
    result = facets.run_named(catalogue, CHART_QUERIES[chart], labels=lang)
    return [dict(zip(result.variables, (None if t is None else t.value for t in row))) for row in result.rows]


def tail(iri: str) -> str:
    return report_data.slug(iri)


def svg_ids(svg: str) -> set[str]:
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    return {el.get("id") for el in root.iter() if el.get("id")}


# ---------------------------------------------------------------- every chart


def test_seven_charts_each_with_its_query_and_text(built):
    for lang, rep in built.items():
        assert [c.name for c in rep.charts] == list(report.CHART_NAMES)
        assert len(rep.charts) == 7
        for chart in rep.charts:
            assert (REPO / "kzgraph" / "queries" / f"{chart.query}.rq").is_file()
            assert chart.title and chart.takeaway and chart.alt
            assert chart.table.rows and all(len(r) == len(chart.table.columns) for r in chart.table.rows)
            assert chart.csv.startswith(b"entry,") or chart.csv.split(b"\r\n", 1)[0].count(b",") >= 2


@pytest.mark.parametrize("chart", report.CHART_NAMES)
def test_svg_parses_and_has_one_mark_per_number(built, chart):
    for lang, rep in built.items():
        c = rep.chart(chart)
        ids = svg_ids(c.svg)
        assert set(c.marks) <= ids, f"{lang}: marks without an SVG element: {sorted(set(c.marks) - ids)[:5]}"
        # every id is the chart's own (several charts share one HTML page)
        assert all(i.startswith(f"{chart}-") for i in ids)
        assert c.marks


@pytest.mark.parametrize("chart", report.CHART_NAMES)
def test_png_is_produced(built, chart):
    png = built["en"].chart(chart).png
    assert png.startswith(PNG_SIGNATURE)
    width = int.from_bytes(png[16:20], "big")
    height = int.from_bytes(png[20:24], "big")
    assert 600 <= width <= 1200 and 200 <= height <= 3000


def test_the_font_is_the_one_inside_matplotlib():
    import matplotlib

    from kzgraph.report import draw

    assert Path(draw.font_file()).resolve().is_relative_to(Path(matplotlib.get_data_path()).resolve())


# ---------------------------------------------------------------- each chart's numbers are its query's rows


def test_topic_language_cells_are_the_query_rows(catalogue, built):
    chart = built["en"].chart("topic-language")
    query = rows(catalogue, "topic-language")
    cells = {f"topic-language-{tail(r['top'])}-{tail(r['topic'])}-{tail(r['language'])}"
             for r in query if r["measure"] == "cell"}
    counts = {}
    for r in query:
        base = f"topic-language-{tail(r['top'])}-{tail(r['topic'])}"
        if r["measure"] == "entries":
            counts[f"{base}-entries"] = int(r["entries"])
        elif r["measure"] in ("primary", "occasional"):
            counts[f"{base}-{tail(r['language'])}-{r['measure']}"] = int(r["entries"])
    # a pair of cells per "cell" row, a total per topic row; counts without a row are 0
    expected = {f"{c}-{kind}": 0 for c in cells for kind in ("primary", "occasional")}
    expected |= {f"{c.rsplit('-', 1)[0]}-entries": 0 for c in cells}
    assert set(counts) <= set(expected)
    assert chart.marks == expected | counts
    # 15 top-level topics of the vocabulary, the all-entries row, four languages
    assert len({r["top"] for r in query if r["level"] == "1"}) == 15
    assert len(cells) == 4 * len(chart.table.rows)
    assert len([m for m in chart.marks if m.endswith("-entries")]) == len(chart.table.rows)


def test_topic_language_on_the_review(built):
    marks = built["en"].chart("topic-language").marks
    everything = "topic-language-topic-topic"
    # entries available in Kazakh as a primary (or the only) language: INGOs 4 (FES) and 9 (IOM);
    # local NGOs 1-3 and 9-12; government 1-2; independent media all but Manshuq, Mediazona and
    # The Diplomat (12 of 15): 2 + 7 + 2 + 12
    assert marks[f"{everything}-KAZ-primary"] == 23
    # occasional Kazakh: Soros Foundation (INGOs 10), Feminita, KazFem (local 4, 5)
    assert marks[f"{everything}-KAZ-occasional"] == 3
    # Uzbek: Orda only (media 12)
    assert marks[f"{everything}-UZB-primary"] == 1
    # 47 numbered items with a link (INGOs 18, local 12, government 2, media 15)
    assert marks[f"{everything}-entries"] == 47
    assert "23 of 47 entries have Kazakh as a primary language" in built["en"].chart("topic-language").takeaway


def test_methodology_bars_are_the_query_rows(catalogue, built):
    chart = built["en"].chart("methodology")
    expected = {f"methodology-{r['grouping']}-{tail(r['group'])}-{r['aspect'].replace(' ', '-')}-{tail(r['status'])}":
                int(r["entries"]) for r in rows(catalogue, "methodology")}
    assert chart.marks == expected


def test_methodology_on_the_review(built):
    marks = built["en"].chart("methodology").marks
    section = "methodology-section"
    # methodology documented: UN Women Country Data Sheet (1.1), World Bank Gender Data Portal (2.1),
    # Women, Business and the Law (2.2), Friedrich Ebert Stiftung (4), Central Asia Barometer (7):
    # all five in the international section
    available = {k: v for k, v in marks.items() if k.startswith(section) and k.endswith("-methodology-available")}
    assert available == {f"{section}-international-organizations-methodology-available": 5}
    # the same five by organization type
    assert sum(v for k, v in marks.items()
               if k.startswith("methodology-type-") and k.endswith("-methodology-available")) == 5
    # partial: PaperLab and Feminita (local 1, 4) and UNFPA's survey publications (1.4)
    assert marks[f"{section}-local-ngos-methodology-partial"] == 2
    assert marks[f"{section}-international-organizations-methodology-partial"] == 1
    # the review says nothing about the methodology of any independent medium or government source
    assert marks[f"{section}-independent-media-methodology-not-stated"] == 15
    assert marks[f"{section}-government-methodology-not-stated"] == 2
    # every entry counted once per aspect in the section grouping
    for aspect in ("methodology", "data-collection"):
        assert sum(v for k, v in marks.items() if k.startswith(section) and f"-{aspect}-" in k) == 47
    assert "Only 5 of 47 entries say a methodology note is available" in built["en"].chart("methodology").takeaway


def test_transparency_uses_the_score_query(catalogue, built):
    chart = built["en"].chart("transparency-score")
    scores = facets.scores(catalogue)
    expected = {f"transparency-score-{r['grouping']}-{tail(r['group'])}-{tail(r['entry'])}":
                float(scores[r["entry"]].score) for r in rows(catalogue, "transparency-score")}
    assert chart.marks == expected
    # each entry is in one review section
    assert sum(1 for k in chart.marks if k.startswith("transparency-score-section-")) == 47
    csv_lines = chart.csv.decode("utf-8").splitlines()
    assert csv_lines[0] == "entry,label,grouping,group,groupLabel,score"
    assert len(csv_lines) == 1 + len(expected)


def test_data_access_on_the_review(catalogue, built):
    chart = built["en"].chart("data-access")
    assert chart.marks == {f"data-access-{tail(r['entry'])}-{tail(r['value'])}": 1
                           for r in rows(catalogue, "data-access")}
    by_entry: dict[str, set[str]] = {}
    for key in chart.marks:
        for entry in ("world-bank-gender-data-portal", "central-asia-barometer"):
            if key.startswith(f"data-access-{entry}-"):
                by_entry.setdefault(entry, set()).add(key.removeprefix(f"data-access-{entry}-"))
    # machine-readable: World Bank Gender Data Portal (2.1: CSV, API, Databank) and
    # Central Asia Barometer (7: SPSS, Excel, Stata; male/female)
    assert by_entry["world-bank-gender-data-portal"] == {"csv", "api", "databank"}
    assert by_entry["central-asia-barometer"] == {"spss", "excel", "stata", "binary"}
    formats = {r["entry"] for r in rows(catalogue, "data-access") if r["aspect"] == "format"}
    assert {tail(e) for e in formats} == {"world-bank-gender-data-portal", "central-asia-barometer"}
    assert chart.takeaway.startswith("2 of 47 entries offer machine-readable data")


def test_sdg5_cells_are_the_query_rows(catalogue, built):
    chart = built["en"].chart("sdg5")
    expected = {}
    for r in rows(catalogue, "sdg5"):
        base = f"sdg5-{tail(r['target'])}"
        expected[f"{base}-{tail(r['language'])}-primary"] = int(r["primary"])
        expected[f"{base}-{tail(r['language'])}-occasional"] = int(r["occasional"])
        expected[f"{base}-entries"] = int(r["entries"])
    assert chart.marks == expected
    assert [row[0].split()[0] for row in chart.table.rows] == ["5.1", "5.2", "5.3", "5.4", "5.5", "5.6",
                                                               "5.a", "5.b", "5.c"]


def test_sdg5_on_the_review(built):
    marks = built["en"].chart("sdg5").marks
    # violence against women / gender-based violence (SDG 5.2): UN Women Europe and Central Asia (1.2),
    # Spotlight Initiative (1.6), PaperLab (local 1), Aiman Umarova's Law School (local 2), SVET (local 6)
    assert marks["sdg5-5-2-entries"] == 5
    # harmful practices (5.3): UNFPA's data portal (1.4) and the Spotlight Initiative (1.6)
    assert marks["sdg5-5-3-entries"] == 2
    # of the 5.2 sources, PaperLab and Aiman Umarova's Law School publish in Kazakh (local 1, 2)
    assert marks["sdg5-5-2-KAZ-primary"] == 2


def test_timeline_on_the_review(catalogue, built):
    chart = built["en"].chart("timeline")
    expected = {}
    for r in rows(catalogue, "timeline"):
        if r.get("founded"):
            expected[f"timeline-{tail(r['entry'])}-founded"] = int(r["founded"])
        if r.get("dissolved"):
            expected[f"timeline-{tail(r['entry'])}-dissolved"] = int(r["dissolved"])
    assert chart.marks == expected
    # Kok.team: founded in 2017, dissolved in 2022 (media 1) - the only dissolution
    assert {k: v for k, v in chart.marks.items() if k.endswith("-dissolved")} == {"timeline-kok-team-dissolved": 2022}
    # founded in 2018: SVET, Gender Economics Research Center, FemAgora (local 6, 9, 10)
    assert {k for k, v in chart.marks.items() if v == 2018} == {
        "timeline-svet-founded", "timeline-gender-economics-research-center-founded", "timeline-femagora-founded"}
    assert "Dissolved: Kok.team (2022)" in chart.takeaway


def test_coverage_on_the_review(catalogue, built):
    chart = built["en"].chart("coverage")
    per_place = Counter(tail(r["place"]) for r in rows(catalogue, "coverage"))
    assert chart.marks == {f"coverage-{p}": n for p, n in per_place.items()}
    # Uzbekistan: Adamdar/CA, Mediazona, Orda (media 9, 11, 12) and UNDP's girls and education
    # infographic (1.5); Kyrgyzstan: Adamdar/CA, Mediazona; Tajikistan: Adamdar/CA; Afghanistan:
    # the UNDP infographic and the Spotlight Initiative (1.6)
    assert chart.marks["coverage-UZB"] == 4
    assert chart.marks["coverage-KGZ"] == 2
    assert chart.marks["coverage-TJK"] == 1
    assert chart.marks["coverage-AFG"] == 2
    assert "coverage-KAZ" not in chart.marks


# ---------------------------------------------------------------- languages


def test_labels_follow_the_language(built):
    en, ru, kk = built["en"], built["ru"], built["kk"]
    assert en.chart("topic-language").title == "Entries per topic and language"
    assert ru.chart("topic-language").title == "Записи по темам и языкам"
    assert kk.chart("topic-language").title == "Тақырыптар мен тілдер бойынша жазбалар"
    # concept labels come from the graph's Russian and Kazakh labels
    assert any(row[0] == "Гендерное равенство" for row in ru.chart("topic-language").table.rows)
    assert any(row[0] == "Гендерлік теңдік" for row in kk.chart("topic-language").table.rows)
    assert "23" in kk.chart("topic-language").takeaway and "қазақ тілі" in kk.chart("topic-language").takeaway
    # the numbers do not depend on the language
    for name in report.CHART_NAMES:
        assert en.chart(name).marks == ru.chart(name).marks == kk.chart(name).marks


def test_html_is_standalone_and_accessible(built):
    html = report.render_html(built["kk"])
    assert html.startswith("<!DOCTYPE html>") and '<html lang="kk">' in html
    assert "<script" not in html and "http://" not in html.split("<svg", 1)[0] and "<link" not in html
    assert html.count("<figure") == 7 and html.count("<figcaption>") == 7
    assert html.count("<caption>") == 7 and 'scope="col"' in html and 'scope="row"' in html
    assert html.count("<svg") == 7
    ids = [part.split('"', 1)[0] for part in html.split(' id="')[1:]]
    assert len(ids) == len(set(ids)), "duplicate ids in the page"
    fragment = report.render_html(built["kk"], standalone=False)
    assert fragment.lstrip().startswith("<article") and "<html" not in fragment


def test_markdown_links_the_pngs(built):
    md = report.render_markdown(built["ru"])
    assert md.startswith("# Гендерные данные о Казахстане")
    for name in report.CHART_NAMES:
        assert f"]({name}.png)" in md and f"({name}.csv)" in md


# ---------------------------------------------------------------- the command


def test_writing_replaces_an_earlier_report_whole(built, tmp_path):
    out = tmp_path / "rep"
    report.write(built["ru"], out)
    first = {p.name for p in out.iterdir()}
    assert "report.html" in first and "topic-language.svg" in first and "topic-language.png" not in first
    report.write(built["en"], out)
    assert '<html lang="en">' in (out / "report.html").read_text(encoding="utf-8")
    assert (out / "topic-language.png").read_bytes() == built["en"].chart("topic-language").png
    assert not [p for p in tmp_path.iterdir() if p.name != "rep"], "temporary folders left behind"


def _cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    return subprocess.run([sys.executable, "-m", "kzgraph", *args], capture_output=True, text=True, env=env,
                          cwd=cwd, timeout=300)


@pytest.mark.parametrize("args,message", [
    (["--labels", "xx"], "'xx' is not one of"),
    (["-o", "/proc/kzgraph-report"], "cannot write the report to /proc/kzgraph-report"),
    (["-o", "/no/such/folder/rep"], "the folder /no/such/folder does not exist"),
])
def test_bad_input_is_one_line_and_exit_2(args, message):
    result = _cli("report", *args)
    assert result.returncode == 2, result.stderr
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("kzgraph: error:") and message in lines[0], result.stderr


def test_a_file_a_link_or_a_foreign_folder_is_not_replaced(tmp_path):
    a_file = tmp_path / "file"
    a_file.write_text("keep")
    link = tmp_path / "link"
    link.symlink_to(tmp_path / "elsewhere")
    folder = tmp_path / "folder"
    folder.mkdir()
    (folder / "notes.txt").write_text("keep")
    for target, why in ((a_file, "is not a folder"), (link, "symbolic link"), (folder, "not a kzgraph report")):
        result = CliRunner().invoke(main, ["report", "-o", str(target)])
        assert result.exit_code == 2, result.output
        assert why in result.output
    assert a_file.read_text() == "keep" and (folder / "notes.txt").read_text() == "keep"
    assert not (tmp_path / "elsewhere").exists()


def test_command_writes_the_same_bytes_across_hash_seeds(tmp_path):
    """Two runs of the command in processes with different PYTHONHASHSEED give identical files
    (the second draws every chart in its own process, the first in two workers where it can)."""
    digests = []
    for seed, jobs in (("1", ""), ("4242", "1")):
        out = tmp_path / f"seed-{seed}"
        env = {**os.environ, "PYTHONHASHSEED": seed, "KZGRAPH_REPORT_JOBS": jobs}
        result = subprocess.run([sys.executable, "-m", "kzgraph", "report", "-o", str(out), "--labels", "kk"],
                                capture_output=True, text=True, env=env, timeout=300)
        assert result.returncode == 0, result.stderr
        assert result.stdout.startswith("wrote 23 files to ")
        digests.append({p.name: p.read_bytes() for p in sorted(out.iterdir())})
    assert sorted(digests[0]) == sorted(["report.html", "report.md"] + [
        f"{n}.{e}" for n in report.CHART_NAMES for e in ("svg", "png", "csv")])
    for name in report.CHART_NAMES:
        ET.fromstring(digests[0][f"{name}.svg"])
        assert digests[0][f"{name}.png"].startswith(PNG_SIGNATURE)
    assert digests[0].keys() == digests[1].keys()
    different = [name for name in digests[0] if digests[0][name] != digests[1][name]]
    assert not different, f"files differ between hash seeds: {different}"
