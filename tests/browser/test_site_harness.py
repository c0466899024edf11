"""The harness catches what it is there to catch, shown on a tiny hand-written site.

Each checker of the site's tests (crawler, file:// links, console watch, axe, vnu, httpd) runs
once on the good fixture (nothing reported) and once on a copy broken on purpose (the breakage
reported), so that a checker that silently reports nothing cannot pass the site's tests.
"""

from __future__ import annotations

import shutil

import pytest

from . import harness

pytestmark = pytest.mark.browser


@pytest.fixture
def broken_site(tiny_site, tmp_path):
    """A copy of the tiny site with its stylesheet gone, a dead link, a bad fragment, bad HTML."""
    out = tmp_path / "broken"
    shutil.copytree(tiny_site, out)
    (out / "style.css").unlink()
    index = out / "index.html"
    text = index.read_text()
    text = text.replace('href="en/id/one/index.html#facts"', 'href="en/id/one/index.html#nowhere"')
    text = text.replace("</ul>", '<li><a href="en/id/two/index.html">Two</a></li><li><a href="en/id/">a folder</a></li></ul>')
    text = text.replace("<p id=\"out\"></p>", '<p id="out"></p><img src="x.png"><p><div>misnested</p>')
    index.write_text(text)
    (out / "script.js").write_text("document.getElementById('out').textContent = missingFunction();\n")
    return out


def test_crawl_reports_nothing_on_the_good_site(tiny_site):
    server = harness.StaticServer(tiny_site)
    try:
        crawl = harness.crawl(server.url)
    finally:
        server.close()
    assert crawl.broken == []
    assert sorted(crawl.html_paths(server.url)) == ["", "en/id/one/"]
    assert {u[len(server.url):] for u in crawl.assets} == {"style.css", "script.js", "en/id/one/one.ttl"}


def test_crawl_reports_missing_pages_assets_and_fragments(broken_site):
    server = harness.StaticServer(broken_site)
    try:
        crawl = harness.crawl(server.url)
    finally:
        server.close()
    broken = "\n".join(crawl.broken)
    for expected in ("style.css (404)", "en/id/two/index.html (404)", "#nowhere (no such id)", "x.png (404)"):
        assert expected in broken, broken


def test_file_links_report_folders_and_missing_files(tiny_site, broken_site):
    assert harness.file_targets(tiny_site / "index.html", tiny_site) == []
    problems = "\n".join(harness.file_targets(broken_site / "index.html", broken_site))
    assert "'en/id/' is a folder" in problems
    assert "'en/id/two/index.html' does not exist" in problems
    assert "'style.css' does not exist" in problems


def test_watch_sees_console_errors_and_failed_requests(page, tiny_site, broken_site):
    good = harness.StaticServer(tiny_site)
    bad = harness.StaticServer(broken_site)
    try:
        page.goto(good.url, wait_until="load")
        assert page.locator("#out").text_content() == "script ran"
        assert page.watch.take() == []
        page.goto(bad.url, wait_until="load")
        problems = "\n".join(page.watch.take())
    finally:
        good.close()
        bad.close()
    assert "missingFunction" in problems
    assert "HTTP 404" in problems and "style.css" in problems


def test_axe_passes_the_good_page_and_flags_an_image_without_text(page, tiny_site, broken_site):
    server = harness.StaticServer(tiny_site)
    try:
        page.goto(server.url)
        assert harness.axe_violations(page) == []
    finally:
        server.close()
    server = harness.StaticServer(broken_site)
    try:
        page.goto(server.url)
        violations = "\n".join(harness.axe_violations(page))
    finally:
        server.close()
    assert "image-alt" in violations


def test_vnu_passes_the_good_site_and_names_file_and_line_of_errors(tiny_site, broken_site):
    assert harness.vnu_errors(tiny_site) == []
    errors = harness.vnu_errors(broken_site)
    assert any(e.startswith("index.html:") and "alt" in e for e in errors), errors
    assert any("“p”" in e for e in errors), errors


@pytest.mark.servers
def test_apache_serves_a_folder_at_the_w3id_path(tiny_site):
    server = harness.start_apache(tiny_site)
    try:
        status, headers, body, _ = harness.get(f"{server.url}/kzgraph/en/id/one/one.ttl")
        assert status == 200, server.log()
        assert headers["Content-Type"].startswith("text/turtle")
        assert b"w3id.org/kzgraph/id/one" in body
        status, _, body, _ = harness.get(f"{server.url}/kzgraph/")
        assert status == 200 and b"Tiny site" in body
        assert harness.get(f"{server.url}/kzgraph/nothing-here")[0] == 404
    finally:
        server.stop()
