"""Session fixtures of the site's tests: the built site, its HTTP server, one Chromium, artifacts.

The site is built once per session into a temporary folder with ``kzgraph site`` (the real
command, in a subprocess, as a user runs it). One Chromium serves the whole session; tests share
one browser context and take pages from it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from . import harness
from .sitemodel import SiteModel

TINY_SITE = Path(__file__).resolve().parent / "fixtures" / "tiny-site"
REPO = Path(__file__).resolve().parents[2]


def pytest_configure(config):
    # the house conftest registers these too; registering twice is harmless
    config.addinivalue_line("markers", "browser: runs in headless Chromium (Playwright, axe, vnu)")
    config.addinivalue_line("markers", "servers: starts a server process (Apache httpd, SPARQL servers)")


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """Where screenshots go: $KZGRAPH_ARTIFACTS, else a temporary folder (printed)."""
    folder = Path(os.environ.get("KZGRAPH_ARTIFACTS") or tempfile.mkdtemp(prefix="kzgraph-artifacts-"))
    folder.mkdir(parents=True, exist_ok=True)
    print(f"\nkzgraph site screenshots: {folder}", file=sys.stderr)
    return folder


@pytest.fixture(scope="session")
def published_port() -> int:
    """The port the site is 'published' on for the w3id rules test (httpd listens there later)."""
    return harness.free_port()


@pytest.fixture(scope="session")
def published_url(published_port) -> str:
    return f"http://127.0.0.1:{published_port}/site/"


@pytest.fixture(scope="session")
def site_dir(tmp_path_factory, published_url) -> Path:
    """The catalogue's site, built once with ``kzgraph site OUT_DIR``.

    ``KZGRAPH_TEST_SITE=DIR`` uses a site built earlier into DIR instead (to iterate on the tests
    while the build takes minutes on a busy machine); CI leaves it unset.
    """
    prebuilt = os.environ.get("KZGRAPH_TEST_SITE")
    if prebuilt:
        assert (Path(prebuilt) / ".kzgraph-site").exists(), f"KZGRAPH_TEST_SITE={prebuilt} is not a kzgraph site"
        return Path(prebuilt)
    out = tmp_path_factory.mktemp("site") / "site"
    # --base-url adds only w3id/kzgraph/.htaccess (rules sending w3id.org to the published site)
    proc = subprocess.run(
        [sys.executable, "-m", "kzgraph", "site", str(out), "--base-url", published_url], cwd=REPO,
        capture_output=True, text=True, timeout=600,
    )
    if proc.returncode == 2 and "no such command" in proc.stderr.lower():
        pytest.skip("kzgraph site does not exist yet (issue 16)")
    assert proc.returncode == 0, f"kzgraph site failed ({proc.returncode}): {proc.stderr}"
    assert (out / "index.html").is_file(), "the built site has no index.html"
    return out


@pytest.fixture(scope="session")
def site_server(site_dir):
    server = harness.StaticServer(site_dir)
    yield server
    server.close()


@pytest.fixture(scope="session")
def site(site_server, site_dir) -> SiteModel:
    """The built site after one crawl over http from its home page (and from every HTML file)."""
    files = sorted(p.relative_to(site_dir).as_posix() for p in site_dir.rglob("*.html"))
    return SiteModel(site_server.url, harness.crawl(site_server.url, seeds=[site_server.url + f for f in files]))


@pytest.fixture(scope="session")
def tiny_site(tmp_path_factory) -> Path:
    """A copy of the hand-written fixture site (tests break their own copies of it)."""
    out = tmp_path_factory.mktemp("tiny") / "site"
    shutil.copytree(TINY_SITE, out)
    return out


@pytest.fixture(scope="session")
def playwright_session():
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is in the test extra")
    with sync_api.sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(playwright_session):
    browser = harness.launch_chromium(playwright_session)
    yield browser
    browser.close()


def _new_context(browser, **options):
    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, **options)
    ctx.route("**/*", _local_only)
    return ctx


@pytest.fixture(scope="session")
def context(browser):
    """One browser context (JavaScript on) for the session; offline: only 127.0.0.1 and file://."""
    ctx = _new_context(browser)
    yield ctx
    ctx.close()


@pytest.fixture(scope="session")
def context_nojs(browser):
    """The same with JavaScript off: what a reader without scripts sees."""
    ctx = _new_context(browser, java_script_enabled=False)
    yield ctx
    ctx.close()


def _local_only(route):
    """Let the pages reach only this machine: anything else is a failed request the watch sees."""
    url = route.request.url
    if url.startswith(("http://127.0.0.1", "file://", "data:", "blob:", "about:")):
        route.continue_()
    else:
        route.abort("blockedbyclient")


def _watched_page(ctx):
    pg = ctx.new_page()
    pg.watch = harness.Watch()
    pg.watch.attach(pg)
    return pg


@pytest.fixture(scope="session")
def page(context):
    """One page reused by the tests, watched for console errors and failed requests."""
    pg = _watched_page(context)
    yield pg
    pg.close()


@pytest.fixture(scope="session")
def page_nojs(context_nojs):
    pg = _watched_page(context_nojs)
    yield pg
    pg.close()


@pytest.fixture(autouse=True)
def _fresh_watch(request):
    """Each test starts with the shared pages' problem lists empty."""
    for name in ("page", "page_nojs"):
        if name in request.fixturenames:
            request.getfixturevalue(name).watch.take()
    yield
