"""Start and stop real SPARQL servers on 127.0.0.1 for the tests: Oxigraph and Virtuoso.

Each server gets a fresh database in a temporary folder and free ports. A server whose program
is not installed is skipped with the reason, except in CI (``CI`` set), where that is a failure:
``.ci/run`` installs both (``pip install oxigraph``, ``apt-get install virtuoso-opensource``).
"""

from __future__ import annotations

import glob
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import pytest

STARTUP_SECONDS = 90
VIRTUOSO_INI = "/etc/virtuoso-opensource-*/virtuoso.ini"
VIRTUOSO_PASSWORD = "dba"  # the password a new Virtuoso database gives its dba user


@dataclass
class Server:
    name: str
    query_url: str
    process: subprocess.Popen
    log: Path
    user: str | None = None
    password: str | None = field(default=None, repr=False)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def missing(program: str, how: str) -> None:
    """Skip (or, in CI, fail) because a server program is not installed."""
    message = f"{program} is not installed ({how}; .ci/run installs it)"
    if os.environ.get("CI"):
        pytest.fail(f"CI: {message}", pytrace=False)
    pytest.skip(message)


def oxigraph_binary() -> str | None:
    beside = Path(sys.executable).parent / "oxigraph"
    return str(beside) if beside.is_file() else shutil.which("oxigraph")


def virtuoso_binary() -> str | None:
    return shutil.which("virtuoso-t")


def _answers(query_url: str) -> bool:
    data = urllib.parse.urlencode({"query": "ASK { ?s ?p ?o }"}).encode()
    req = urllib.request.Request(
        query_url, data=data, headers={"Accept": "application/sparql-results+json"}, method="POST"
    )
    try:
        with urllib.request.urlopen(req, timeout=5) as resp:
            return resp.status == 200
    except (urllib.error.URLError, OSError):
        return False


def _wait(server: Server) -> Server:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            tail = server.log.read_text(errors="replace")[-2000:]
            pytest.fail(f"{server.name} exited with {server.process.returncode} at start:\n{tail}", pytrace=False)
        if _answers(server.query_url):
            return server
        time.sleep(0.3)
    server.stop()
    pytest.fail(f"{server.name} did not answer within {STARTUP_SECONDS} s; log: {server.log}", pytrace=False)


def _spawn(args: list[str], log: Path, cwd: Path) -> subprocess.Popen:
    return subprocess.Popen(
        args, cwd=cwd, stdin=subprocess.DEVNULL, stdout=log.open("wb"), stderr=subprocess.STDOUT,
        start_new_session=True,  # Ctrl-C in the test run does not reach it; stop() ends it
    )


def start_oxigraph(folder: Path) -> Server:
    """`oxigraph serve` on a fresh database; query URL http://127.0.0.1:PORT/query."""
    program = oxigraph_binary()
    if program is None:
        missing("oxigraph (the server, PyPI package 'oxigraph')", "pip install oxigraph")
    port = free_port()
    log = folder / "oxigraph.log"
    process = _spawn([program, "serve", "--location", str(folder / "db"), "--bind", f"127.0.0.1:{port}"], log, folder)
    return _wait(Server("oxigraph", f"http://127.0.0.1:{port}/query", process, log))


def virtuoso_ini(template: str, folder: Path, sql_port: int, http_port: int) -> str:
    """The package's virtuoso.ini with the database in ``folder`` and our ports on 127.0.0.1."""
    out, section = [], ""
    for line in template.splitlines():
        header = re.match(r"\s*\[([^\]]+)\]", line)
        if header:
            section = header.group(1)
        key = re.match(r"\s*([A-Za-z_]+)\s*=", line)
        name = key.group(1) if key else ""
        if section in ("Database", "TempDatabase") and name in (
            "DatabaseFile", "ErrorLogFile", "LockFile", "TransactionFile", "xa_persistent_file"
        ):
            line = f"{name} = {folder / Path(line.split('=', 1)[1].split(';')[0].strip()).name}"
        elif section == "Parameters" and name == "ServerPort":
            line = f"ServerPort = 127.0.0.1:{sql_port}"
        elif section == "HTTPServer" and name == "ServerPort":
            line = f"ServerPort = 127.0.0.1:{http_port}"
        elif section == "URIQA" and name == "DefaultHost":
            line = f"DefaultHost = 127.0.0.1:{http_port}"
        elif section == "SPARQL" and name == "MaxQueryCostEstimationTime":
            # The default (400 s) refuses `sources` and `flags` on a cost estimate alone, though
            # they run in well under a second: see README, "Using a SPARQL server".
            line = "MaxQueryCostEstimationTime = 0"
        elif section == "SPARQL" and name == "MaxQueryExecutionTime":
            # The default (60 s) rolls back a graph replacement that a loaded machine makes slow
            # ("SR171: Transaction timed out"): the tests bound their own waits, scaled to the work.
            line = "MaxQueryExecutionTime = 0"
        elif section == "Parameters" and name == "ThreadsPerQuery":
            line = "ThreadsPerQuery = 2"  # two cores here
        out.append(line)
        if header and section == "Parameters":
            # repeatable read: at the default (read committed) readers saw a graph replacement
            # half done; see README, "Using a SPARQL server"
            out.append("DefaultIsolation = 4")
    return "\n".join(out) + "\n"


def start_virtuoso(folder: Path) -> Server:
    """Virtuoso Open Source on a fresh database; query URL http://127.0.0.1:PORT/sparql, user dba."""
    program = virtuoso_binary()
    templates = sorted(glob.glob(VIRTUOSO_INI))
    if program is None or not templates:
        missing("Virtuoso (Debian package 'virtuoso-opensource')", "apt-get install virtuoso-opensource")
    sql_port, http_port = free_port(), free_port()
    while http_port == sql_port:
        http_port = free_port()
    ini = folder / "virtuoso.ini"
    ini.write_text(virtuoso_ini(Path(templates[-1]).read_text(errors="replace"), folder, sql_port, http_port))
    log = folder / "virtuoso.out"
    process = _spawn([program, "+foreground", "+configfile", str(ini)], log, folder)
    return _wait(
        Server("virtuoso", f"http://127.0.0.1:{http_port}/sparql", process, log, "dba", VIRTUOSO_PASSWORD)
    )


STARTERS = {"oxigraph": start_oxigraph, "virtuoso": start_virtuoso}
