"""A person opens an entry's IRI on `kzgraph serve` in Chromium and sees the entry page.

Debian's ``/usr/bin/chromium`` driven by Playwright (``executable_path``; never ``playwright
install``), the session's browser of ``tests/browser/conftest.py``. Marked ``browser`` and
``servers``: it starts ``kzgraph serve`` on 127.0.0.1.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

import serve_helpers


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    pytest.importorskip("kzgraph.site.build", reason="the site's pages (kzgraph site, issue 16) are not in this checkout")
    server = serve_helpers.start(tmp_path_factory.mktemp("browser"), "--workers", "1")
    yield server
    server.stop()


@pytest.mark.browser
@pytest.mark.servers
def test_paperlab_iri_opens_the_entry_page(browser, served):
    page = browser.new_page()
    errors: list[str] = []
    failed: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" and "Failed to load resource" not in m.text else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    # every asset the page loads comes from the server (the site ships no favicon: the browser's own request)
    page.on("response", lambda r: failed.append(f"{r.status} {r.url}") if r.status >= 400 and not r.url.endswith("/favicon.ico") else None)
    response = page.goto(served.url + "/id/paperlab")
    assert response is not None and response.status == 200
    assert response.headers["content-type"].startswith("text/html")
    assert "content-security-policy" in response.headers and response.headers["vary"].lower().find("accept") >= 0
    # the review: PaperLab is a local NGO / think tank working on, among others, sex education
    assert page.locator("h1").first.inner_text().strip() == "PaperLab"
    body = page.locator("body").inner_text()
    assert "sex education" in body.lower() or "Sex education" in body
    folder = Path(os.environ.get("KZGRAPH_ARTIFACTS") or tempfile.mkdtemp(prefix="kzgraph-serve-"))
    page.screenshot(path=str(folder / "serve-id-paperlab.png"), full_page=True)
    assert not errors, errors  # no CSP violation, no script error
    assert not failed, failed
    page.close()
