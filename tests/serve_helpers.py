"""Start and stop `kzgraph serve` on 127.0.0.1 for the tests (a free port; ready when /health says so)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

from servers import free_port

REPO = Path(__file__).resolve().parent.parent
STARTUP_SECONDS = 90


@dataclass
class Served:
    url: str  # http://127.0.0.1:PORT
    port: int
    process: subprocess.Popen
    log: Path

    @property
    def sparql(self) -> str:
        return self.url + "/sparql"

    def log_text(self) -> str:
        return self.log.read_text(errors="replace")

    def stop(self, sig: int = signal.SIGTERM, wait: float = 30) -> int:
        """Stop the server with ``sig``; return its exit code."""
        if self.process.poll() is None:
            self.process.send_signal(sig)
            try:
                self.process.wait(wait)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)
        return self.process.returncode


def health(url: str, timeout: float = 2) -> dict | None:
    try:
        with urllib.request.urlopen(url + "/health", timeout=timeout) as resp:
            return json.loads(resp.read())
    except (urllib.error.URLError, OSError, ValueError):
        return None


def start(folder: Path, *args: str, port: int | None = None) -> Served:
    """`kzgraph serve` on the checkout's graph with extra ``args``; waits until /health is ok."""
    port = port or free_port()
    log = folder / f"serve-{port}.log"
    process = subprocess.Popen(
        [sys.executable, "-m", "kzgraph", "serve", "--host", "127.0.0.1", "--port", str(port), *args],
        cwd=REPO, stdin=subprocess.DEVNULL, stdout=log.open("wb"), stderr=subprocess.STDOUT,
        env={**os.environ, "KZGRAPH_DEBUG": "1"}, start_new_session=True,
    )
    served = Served(f"http://127.0.0.1:{port}", port, process, log)
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"kzgraph serve exited with {process.returncode}:\n{served.log_text()[-3000:]}", pytrace=False)
        status = health(served.url)
        if status and status.get("status") == "ok":
            return served
        time.sleep(0.2)
    served.stop(signal.SIGKILL)
    pytest.fail(f"kzgraph serve did not become healthy in {STARTUP_SECONDS} s:\n{served.log_text()[-3000:]}", pytrace=False)


def health_count_floor() -> int:
    """More triples than the asserted catalogue has (a closure must exceed it)."""
    from kzgraph.load import load_catalogue
    from kzgraph.paths import resolve_layout

    return len(load_catalogue(resolve_layout(REPO)).store)
