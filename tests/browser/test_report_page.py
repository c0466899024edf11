"""`kzgraph report`'s standalone page as a reader sees it: Chromium, axe-core and the Nu HTML Checker."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from . import harness

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]
LANGS = ("en", "ru", "kk")


@pytest.fixture(scope="module")
def reports(tmp_path_factory) -> Path:
    """The report in each language, written by the command as a user runs it."""
    root = tmp_path_factory.mktemp("reports")
    for lang in LANGS:
        result = subprocess.run([sys.executable, "-m", "kzgraph", "report", "-o", str(root / lang), "--labels", lang],
                                capture_output=True, text=True, cwd=REPO, timeout=600)
        assert result.returncode == 0, result.stderr
    return root


@pytest.mark.parametrize("lang", LANGS)
def test_report_page_in_chromium(page, reports, artifacts, lang):
    page.goto((reports / lang / "report.html").as_uri())
    assert page.evaluate("document.documentElement.lang") == lang
    # nothing fetched, nothing broken: the page is self-contained
    assert page.watch.take() == []
    assert page.locator("figure").count() == 7
    for svg in page.locator("figure svg").all():
        box = svg.bounding_box()
        assert box and box["width"] > 300 and box["height"] > 100
    # the tables open for readers who need the numbers
    page.locator("#topic-language summary").click()
    assert page.locator("#topic-language table").is_visible()
    assert harness.axe_violations(page, impacts=("minor", "moderate", "serious", "critical")) == []
    page.screenshot(path=str(artifacts / f"report-{lang}.png"), full_page=False)


def test_report_pages_are_valid_html(reports):
    assert harness.vnu_errors(reports) == []
