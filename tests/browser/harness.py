"""What the site's browser tests are made of: a static HTTP server, Chromium, a link crawler, axe, vnu, httpd.

Every piece is plain code the tests in this folder share: the static site is served over http on
127.0.0.1 by a stdlib server in a thread; pages are opened in Debian's Chromium through
Playwright (never a downloaded browser) and watched for console errors and failed requests; the
crawler reads every page's links and assets with the standard HTML parser; axe-core and the Nu
HTML Checker come from ``tests/browser/node_modules`` (``npm ci`` there; ``.ci/run`` does it);
Apache httpd runs with its own minimal configuration in a temporary folder.
"""

from __future__ import annotations

import functools
import html.parser
import http.server
import json
import os
import posixpath
import re
import shutil
import socket
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from servers import free_port, missing  # noqa: F401 - shared with the SPARQL server tests

HERE = Path(__file__).resolve().parent
NODE_MODULES = HERE / "node_modules"
AXE_JS = NODE_MODULES / "axe-core" / "axe.min.js"
VNU_JAR = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
APACHE = "/usr/sbin/apache2"
APACHE_MODULES = Path("/usr/lib/apache2/modules")


# --- a static site over http -------------------------------------------------------------------


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Serve files like a static host; record every request that found nothing."""

    misses: list[str]

    def log_message(self, format, *args):  # noqa: A002 - the stdlib's name
        pass

    def list_directory(self, path):
        # a static host answers a folder without index.html with 404, not a listing
        self.send_error(404, "No index.html in this folder")
        return None

    def send_error(self, code, message=None, explain=None):
        if code >= 400:
            self.misses.append(f"{code} {self.path}")
        super().send_error(code, message, explain)


class StaticServer:
    """``folder`` served on http://127.0.0.1:PORT/ by a ThreadingHTTPServer in a daemon thread."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self.misses: list[str] = []
        handler = functools.partial(
            type("Handler", (_QuietHandler,), {"misses": self.misses}), directory=str(self.folder)
        )
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/"
        self.thread = threading.Thread(target=self.httpd.serve_forever, name="static-site", daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


# --- Chromium through Playwright ----------------------------------------------------------------


def launch_chromium(playwright):
    """Debian's Chromium, headless, with nothing fetched in the background."""
    if not Path(CHROMIUM).is_file():
        missing("Chromium (/usr/bin/chromium, Debian package 'chromium')", "apt-get install chromium")
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


@dataclass
class Watch:
    """What went wrong on one page: console errors, uncaught exceptions, failed or 4xx/5xx requests."""

    problems: list[str] = field(default_factory=list)

    def attach(self, page) -> None:
        page.on("console", lambda m: m.type == "error" and self.problems.append(f"console: {m.text} @ {m.location.get('url')}"))
        page.on("pageerror", lambda e: self.problems.append(f"exception: {e}"))
        page.on("requestfailed", lambda r: self.problems.append(f"request failed: {r.url} ({r.failure})"))
        page.on("response", lambda r: r.status >= 400 and self.problems.append(f"HTTP {r.status}: {r.url}"))

    def take(self) -> list[str]:
        out, self.problems[:] = list(self.problems), []
        return out


# --- the crawler ----------------------------------------------------------------------------------

# Attributes that name another resource, by element: (attribute, is a page link or an asset).
_LINK_ATTRS = {
    "a": ("href", "link"), "area": ("href", "link"),
    "link": ("href", "asset"), "script": ("src", "asset"), "img": ("src", "asset"),
    "source": ("src", "asset"), "video": ("src", "asset"), "audio": ("src", "asset"),
    "iframe": ("src", "asset"), "embed": ("src", "asset"), "track": ("src", "asset"),
    "form": ("action", "link"),
}
_CSS_URL = re.compile(r"""url\(\s*(['"]?)([^'")]+)\1\s*\)""")


class PageParser(html.parser.HTMLParser):
    """Collect a page's references (links and assets), its ids, and its <html lang>."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.refs: list[tuple[str, str, dict]] = []  # (url, kind, attrs)
        self.ids: set[str] = set()
        self.lang: str | None = None
        self.base: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "html":
            self.lang = a.get("lang")
        if tag == "base" and a.get("href"):
            self.base = a["href"]
        for key in ("id", "name") if tag == "a" else ("id",):
            if a.get(key):
                self.ids.add(a[key])
        spec = _LINK_ATTRS.get(tag)
        if spec and a.get(spec[0]):
            kind = spec[1]
            if tag == "link":
                rel = (a.get("rel") or "").lower().split()
                kind = "link" if ("alternate" in rel and (a.get("type") or "text/html") == "text/html") \
                    or "canonical" in rel else "asset"
                if "preconnect" in rel or "dns-prefetch" in rel:
                    return
            if tag == "form" and (a.get("method") or "get").lower() != "get":
                return
            self.refs.append((a[spec[0]], kind, a))
        for key in ("srcset",):
            if a.get(key):
                for part in a[key].split(","):
                    if part.strip():
                        self.refs.append((part.strip().split()[0], "asset", a))
        if a.get("style"):
            for m in _CSS_URL.finditer(a["style"]):
                self.refs.append((m.group(2), "asset", a))

    handle_startendtag = handle_starttag


def parse_page(text: str) -> PageParser:
    parser = PageParser()
    parser.feed(text)
    parser.close()
    return parser


@dataclass
class Crawl:
    """The result of a crawl: every page and asset reached, and what was broken."""

    pages: dict[str, PageParser] = field(default_factory=dict)  # url without fragment -> parsed page
    assets: dict[str, str] = field(default_factory=dict)  # url -> content type
    broken: list[str] = field(default_factory=list)
    statuses: dict[str, int] = field(default_factory=dict)
    linked_from: dict[str, set[str]] = field(default_factory=dict)

    def html_paths(self, base: str) -> list[str]:
        return sorted(u[len(base):] for u in self.pages if u.startswith(base))


def _fetch(url: str, headers: dict | None = None) -> tuple[int, str, bytes, str]:
    req = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            return resp.status, resp.headers.get("Content-Type", ""), resp.read(), resp.geturl()
    except urllib.error.HTTPError as e:
        return e.code, e.headers.get("Content-Type", ""), e.read(), url


def crawl(start: str, check_fragments: bool = True, seeds: list[str] = ()) -> Crawl:
    """Follow every in-site link from ``start`` (http URL); fetch every asset; record what is broken.

    A reference is broken when its target answers an error status, or when its fragment names no
    id in the target page. External links (another host or scheme) are not followed. ``seeds``
    are more pages to start from (every file of the site, so that pages no link leads to are
    checked too).
    """
    origin = urllib.parse.urlsplit(start)[:2]
    result = Crawl()
    queue: list[tuple[str, str, str]] = [(u, "link", "(every file)") for u in reversed(seeds)]
    queue.append((start, "link", "(start)"))
    seen: set[str] = set()
    fragments: list[tuple[str, str, str]] = []  # (page url, fragment, referrer)
    while queue:
        url, kind, referrer = queue.pop()
        written, fragment = urllib.parse.urldefrag(url)
        target = written
        if target.endswith("/index.html"):  # a static host serves dir/ and dir/index.html alike
            target = target[: -len("index.html")]
        result.linked_from.setdefault(target, set()).add(referrer)
        if fragment and check_fragments:
            fragments.append((target, urllib.parse.unquote(fragment), referrer))
        if target in seen:
            continue
        seen.add(target)
        status, ctype, body, final = _fetch(written)
        result.statuses[target] = status
        if status >= 400:
            result.broken.append(f"{written} ({status}), from {referrer}")
            continue
        base_type = ctype.split(";")[0].strip().lower()
        if base_type == "text/html":
            page = parse_page(body.decode("utf-8", errors="replace"))
            result.pages[target] = page
            page_base = urllib.parse.urljoin(final, page.base) if page.base else final
            for ref, ref_kind, _attrs in page.refs:
                absolute = urllib.parse.urljoin(page_base, ref)
                if urllib.parse.urlsplit(absolute)[:2] != origin:
                    continue
                queue.append((absolute, ref_kind, target))
        else:
            result.assets[target] = base_type
            if base_type == "text/css":
                for m in _CSS_URL.finditer(body.decode("utf-8", errors="replace")):
                    if m.group(2).startswith("data:"):
                        continue
                    absolute = urllib.parse.urljoin(target, m.group(2))
                    if urllib.parse.urlsplit(absolute)[:2] == origin:
                        queue.append((absolute, "asset", target))
    for target, fragment, referrer in fragments:
        page = result.pages.get(target)
        if page is not None and fragment not in page.ids:
            result.broken.append(f"{target}#{fragment} (no such id), from {referrer}")
    return result


def file_targets(page_file: Path, site_root: Path) -> list[str]:
    """The problems of one page's in-site references when it is opened from file:// (no server).

    A static host turns ``dir/`` into ``dir/index.html``; a file:// browser does not, so a link
    to a folder is broken there. References outside the site folder are broken too.
    """
    page = parse_page(page_file.read_text(encoding="utf-8"))
    problems = []
    root = site_root.resolve()
    for ref, _kind, _attrs in page.refs:
        split = urllib.parse.urlsplit(ref)
        if split.scheme or split.netloc or not split.path:
            continue  # external, or a fragment/query on the same page
        if split.path.startswith("/"):
            problems.append(f"{page_file.relative_to(root)}: {ref!r} is root-relative (breaks under file://)")
            continue
        target = (page_file.parent / urllib.parse.unquote(split.path)).resolve()
        if root not in target.parents and target != root:
            problems.append(f"{page_file.relative_to(root)}: {ref!r} leaves the site folder")
        elif target.is_dir():
            problems.append(f"{page_file.relative_to(root)}: {ref!r} is a folder (file:// shows no index.html)")
        elif not target.is_file():
            problems.append(f"{page_file.relative_to(root)}: {ref!r} does not exist")
    return problems


# --- axe-core and the Nu HTML Checker ------------------------------------------------------------


def axe_violations(page, impacts=("serious", "critical")) -> list[str]:
    """Inject axe-core into the open page, run it, and describe the violations of those impacts."""
    if not AXE_JS.is_file():
        missing("axe-core (tests/browser/node_modules)", "cd tests/browser && npm ci --ignore-scripts")
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE_JS))
    results = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    out = []
    for v in results["violations"]:
        if v.get("impact") in impacts:
            targets = "; ".join(" ".join(n["target"]) if isinstance(n["target"], list) else str(n["target"])
                                for n in v["nodes"][:5])
            out.append(f"{v['impact']} {v['id']}: {v['help']} ({len(v['nodes'])} nodes: {targets})")
    return out


def vnu_errors(folder: Path) -> list[str]:
    """Run the Nu HTML Checker once over every HTML file in ``folder``; return 'file:line: message'."""
    java = shutil.which("java")
    if java is None:
        missing("Java (Debian package 'default-jre-headless')", "apt-get install default-jre-headless")
    if not VNU_JAR.is_file():
        missing("vnu.jar (npm package vnu-jar in tests/browser/node_modules)", "cd tests/browser && npm ci --ignore-scripts")
    proc = subprocess.run(
        [java, "-Xss4m", "-jar", str(VNU_JAR), "--errors-only", "--skip-non-html", "--format", "json", str(folder)],
        capture_output=True, text=True, timeout=600,
    )
    try:
        report = json.loads(proc.stderr or proc.stdout)
    except json.JSONDecodeError:
        raise AssertionError(f"vnu.jar gave no JSON report (exit {proc.returncode}): {proc.stderr[-2000:]}")
    root = folder.resolve().as_uri().replace("file:///", "file:/")
    out = []
    for m in report.get("messages", []):
        if m.get("type") == "error" or m.get("subType") == "fatal":
            where = m.get("url", "").replace(root, "").lstrip("/")
            out.append(f"{where}:{m.get('lastLine', '?')}: {m.get('message')}")
    if proc.returncode not in (0, 1) and not out:
        raise AssertionError(f"vnu.jar failed (exit {proc.returncode}): {proc.stderr[-2000:]}")
    return out


# --- Apache httpd ---------------------------------------------------------------------------------

APACHE_MODULE_NAMES = (
    "mpm_event", "authz_core", "authz_host", "mime", "dir", "rewrite", "headers", "negotiation",
    "alias", "setenvif", "env", "unixd",
)


def apache_config(folder: Path, port: int, mounts: dict[str, Path]) -> str:
    """A minimal httpd.conf: everything in ``folder``, each folder served at its mount, .htaccess on."""
    modules = []
    for name in APACHE_MODULE_NAMES:
        so = APACHE_MODULES / f"mod_{name}.so"
        if so.is_file():  # some (unixd) are built in on Debian
            modules.append(f"LoadModule {name}_module {so}")
    user = ""
    if os.geteuid() == 0:
        # root must hand the workers to someone; the site is world-readable in a tmp folder
        user = "User nobody\nGroup nogroup\n"
    return "\n".join(modules) + f"""
ServerRoot "{folder}"
ServerName 127.0.0.1
Listen 127.0.0.1:{port}
PidFile "{folder}/httpd.pid"
ErrorLog "{folder}/error.log"
LogLevel warn rewrite:trace3
DefaultRuntimeDir "{folder}"
Mutex file:{folder} default
{user}TypesConfig /etc/mime.types
DocumentRoot "{folder}/empty"
<Directory />
    AllowOverride None
    Require all denied
</Directory>
""" + "".join(f"""
Alias "{mount}" "{path}"
<Directory "{path}">
    Options FollowSymLinks
    AllowOverride All
    Require all granted
    DirectoryIndex index.html
</Directory>
""" for mount, path in mounts.items())


@dataclass
class Apache:
    url: str
    process: subprocess.Popen
    folder: Path

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)
        shutil.rmtree(self.folder, ignore_errors=True)

    def log(self) -> str:
        path = self.folder / "error.log"
        return path.read_text(errors="replace")[-4000:] if path.is_file() else ""


def start_apache(site: Path, mounts: dict[str, str] | None = None, port: int | None = None) -> Apache:
    """Start Debian's httpd on 127.0.0.1 serving a copy of ``site``; wait until it answers.

    ``mounts`` maps URL paths to folders inside the site (default: the whole site at /kzgraph,
    where w3id.org would serve it).

    Everything (configuration, pid file, logs, the copy) lives in a new temporary folder that
    httpd's workers can read: run as root, they drop to ``nobody``, who cannot enter pytest's
    private tmp folders. ``stop()`` removes it.
    """
    if not Path(APACHE).is_file():
        missing("Apache httpd (/usr/sbin/apache2, Debian package 'apache2')", "apt-get install apache2")
    folder = Path(tempfile.mkdtemp(prefix="kzgraph-httpd-"))
    folder.chmod(0o755)
    (folder / "empty").mkdir()
    docroot = folder / "site"
    shutil.copytree(site, docroot)
    for path in [docroot, *docroot.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)
    port = port or free_port()
    conf = folder / "httpd.conf"
    mounts = mounts or {"/kzgraph": ""}
    conf.write_text(apache_config(folder, port, {m: docroot / rel for m, rel in mounts.items()}))
    check = subprocess.run([APACHE, "-t", "-f", str(conf)], capture_output=True, text=True)
    if check.returncode != 0:
        pytest.fail(f"httpd refused its configuration:\n{check.stderr}", pytrace=False)
    out = (folder / "httpd.out").open("wb")
    process = subprocess.Popen(
        [APACHE, "-f", str(conf), "-DFOREGROUND"], cwd=folder, stdin=subprocess.DEVNULL,
        stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
    )
    server = Apache(f"http://127.0.0.1:{port}", process, folder)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"httpd exited with {process.returncode}:\n{(folder / 'httpd.out').read_text()}\n{server.log()}",
                        pytrace=False)
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return server
        except OSError:
            time.sleep(0.1)
    server.stop()
    pytest.fail(f"httpd did not listen within 30 s: {server.log()}", pytrace=False)


def get(url: str, accept: str | None = None, follow: bool = True) -> tuple[int, dict, bytes, str]:
    """GET ``url`` (following redirects unless ``follow`` is false): status, headers, body, final URL."""

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener() if follow else urllib.request.build_opener(NoRedirect)
    req = urllib.request.Request(url, headers={"Accept": accept} if accept else {})
    try:
        with opener.open(req, timeout=30) as resp:
            return resp.status, dict(resp.headers.items()), resp.read(), resp.geturl()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers.items()), e.read(), url


def site_relative(url: str, base: str) -> str:
    """``url`` relative to the site's ``base`` URL, normalised ('' for the home page)."""
    path = urllib.parse.urlsplit(url).path
    return posixpath.normpath(path[len(urllib.parse.urlsplit(base).path):]).lstrip("./") if path else ""
