"""Load on `kzgraph serve` beside `oxigraph serve` with the same dump, in one run (``run.py --serve``).

    python benchmarks/run.py --serve                     # C=20 clients, T=10 s per phase
    python benchmarks/serve_load.py --clients 20 --seconds 10 --out benchmarks/results/serve.md

Both servers start on 127.0.0.1 (free ports) with the shipped catalogue (scale 1 only: the
machine is shared) and stop at the end. Every client keeps one HTTP/1.1 connection open and
sends requests back to back for T seconds. Phases:

1. ``oxigraph``: every named query (required parameters: the ``e.g.`` value of its header;
   labels: en), the same texts with the project's prefixes written out, POSTed form-encoded
   with ``Accept: application/sparql-results+json`` to Oxigraph;
2. ``kzgraph sparql``: the same requests to ``kzgraph serve`` — throughput goal ≥ 0.8× phase 1;
3. ``kzgraph mixed``: those queries and page fetches (``/id/SLUG``, ``/vocab/…`` as Turtle,
   ``/health``), one page per query;
4. ``kzgraph mixed + cartesian``: phase 3, and a third of the way in one more client sends a
   Cartesian-product query (``?a ?b ?c . ?d ?e ?f . ?g ?h ?i`` over the whole graph): it must get
   the timeout answer (503), and the other clients' p99 must stay within 2× of phase 3.

Goals: 0 errors everywhere (any answer but 200, except the Cartesian query's 503).
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO))
PY = sys.executable
CARTESIAN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until(url: str, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    parsed = urllib.parse.urlsplit(url)
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=2)
            conn.request("GET", parsed.path or "/")
            if conn.getresponse().status < 500:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer within {seconds} s")


@dataclass
class Request:
    kind: str  # "sparql" | "page" | "cartesian"
    method: str
    path: str
    body: bytes | None = None
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Phase:
    name: str
    seconds: float = 0.0
    latencies: dict[str, list[float]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    cartesian: list[int] = field(default_factory=list)

    def add(self, kind: str, ms: float) -> None:
        self.latencies.setdefault(kind, []).append(ms)

    def count(self, kind: str | None = None) -> int:
        return sum(len(v) for k, v in self.latencies.items() if kind is None or k == kind)

    def pct(self, p: float, kinds: tuple[str, ...] = ("sparql", "page")) -> float:
        values = sorted(itertools.chain.from_iterable(v for k, v in self.latencies.items() if k in kinds))
        if not values:
            return float("nan")
        return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]

    def summary(self) -> dict:
        return {
            "phase": self.name, "seconds": round(self.seconds, 2),
            "sparql_requests": self.count("sparql"), "page_requests": self.count("page"),
            "sparql_per_s": round(self.count("sparql") / self.seconds, 1) if self.seconds else 0,
            "requests_per_s": round((self.count("sparql") + self.count("page")) / self.seconds, 1) if self.seconds else 0,
            "p50_ms": round(self.pct(50), 1), "p99_ms": round(self.pct(99), 1),
            "sparql_p50_ms": round(self.pct(50, ("sparql",)), 1), "sparql_p99_ms": round(self.pct(99, ("sparql",)), 1),
            "errors": len(self.errors), "error_samples": self.errors[:5], "cartesian_statuses": self.cartesian,
        }


def query_texts() -> list[str]:
    """Every named query, bound as run.py binds it, with the project's prefixes written out."""
    from run import named_query_args

    from kzgraph import iris

    from kzgraph.query import named

    from kzgraph.store import remote

    from kzgraph.query import sparql
    from kzgraph.load import load_catalogue
    from kzgraph.paths import resolve_layout

    store = load_catalogue(resolve_layout(REPO)).store
    texts = []
    for name, args in named_query_args():
        nq = named.get_named(name)
        kinds = {p.name: p.kind for p in nq.params}
        raw = dict(a.split("=", 1) for a in args[1::2])
        bindings = {k: sparql.parse_param_value(v, kinds[k], catalogue=store, prefixes=iris.PREFIXES, name=k)
                    for k, v in raw.items()}
        if nq.param(named.LABELS_PARAM):
            bindings[named.LABELS_PARAM] = sparql.parse_param_value("en", "lang")
        texts.append(remote.add_prefixes(sparql.bind_parameters(nq.text, bindings), iris.PREFIXES))
    return texts


def page_paths() -> list[str]:
    from kzgraph import iris
    from kzgraph.load import load_catalogue
    from kzgraph.paths import resolve_layout

    store = load_catalogue(resolve_layout(REPO)).store
    subjects = sorted({q.subject.value for q in store.quads_for_pattern(None, None, None)
                       if hasattr(q.subject, "value") and q.subject.value.startswith((iris.ID, iris.VOCAB))})
    paths = ["/" + s[len("https://w3id.org/kzgraph/"):] for s in subjects]
    return paths + ["/ontology", "/health"]


def sparql_request(path: str, text: str) -> Request:
    return Request("sparql", "POST", path, urllib.parse.urlencode({"query": text}).encode(),
                   {"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/sparql-results+json"})


def client(host: str, port: int, requests: list[Request], phase: Phase, stop: float, lock: threading.Lock,
           offset: int, expect: int = 200) -> None:
    conn = http.client.HTTPConnection(host, port, timeout=60)
    i = offset
    local: list[tuple[str, float]] = []
    errors: list[str] = []
    statuses: list[int] = []
    while time.monotonic() < stop:
        req = requests[i % len(requests)]
        i += 1
        started = time.perf_counter()
        try:
            conn.request(req.method, req.path, body=req.body, headers=req.headers)
            resp = conn.getresponse()
            data = resp.read()
            ms = (time.perf_counter() - started) * 1000
            if req.kind == "cartesian":
                statuses.append(resp.status)
                break  # sent once
            if resp.status != expect:
                errors.append(f"{req.method} {req.path} -> {resp.status} {data[:120]!r}")
            else:
                local.append((req.kind, ms))
        except (OSError, http.client.HTTPException) as err:
            errors.append(f"{req.method} {req.path} -> {type(err).__name__}: {err}")
            conn.close()
            conn = http.client.HTTPConnection(host, port, timeout=60)
    conn.close()
    with lock:
        for kind, ms in local:
            phase.add(kind, ms)
        phase.errors += errors
        phase.cartesian += statuses


def warm_up(host: str, port: int, requests: list[Request]) -> None:
    conn = http.client.HTTPConnection(host, port, timeout=120)
    for req in requests * 2:
        conn.request(req.method, req.path, body=req.body, headers=req.headers)
        conn.getresponse().read()
    conn.close()


def run_phase(name: str, host: str, port: int, requests: list[Request], clients: int, seconds: float,
              cartesian: Request | None = None) -> Phase:
    phase = Phase(name)
    lock = threading.Lock()
    start = time.monotonic()
    stop = start + seconds
    threads = [threading.Thread(target=client, args=(host, port, requests, phase, stop, lock, k * 7))
               for k in range(clients)]
    if cartesian is not None:
        # one Cartesian-product query, sent a third into the phase while the clients run
        def send_cartesian() -> None:
            time.sleep(seconds / 3)
            client(host, port, [cartesian], phase, stop, lock, 0, 503)

        threads.append(threading.Thread(target=send_cartesian))
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    phase.seconds = time.monotonic() - start
    print(f"  {name}: {json.dumps(phase.summary())}", file=sys.stderr, flush=True)
    return phase


def oxigraph_program() -> str:
    beside = Path(PY).parent / "oxigraph"
    found = str(beside) if beside.is_file() else shutil.which("oxigraph")
    if not found:
        raise SystemExit("oxigraph (PyPI package 'oxigraph', in the test extra) is not installed")
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2, help="kzgraph serve --workers")
    parser.add_argument("--timeout", type=float, default=2.0, help="kzgraph serve --timeout (the Cartesian query's)")
    parser.add_argument("--out", type=Path, default=HERE / "results" / "serve.md")
    args = parser.parse_args(argv)

    work = Path(tempfile.mkdtemp(prefix="kzgraph-serve-bench-"))
    procs: list[subprocess.Popen] = []
    try:
        texts = query_texts()
        pages = page_paths()
        dump = work / "catalogue.nt"
        subprocess.run([PY, "-m", "kzgraph", "export", "--root", str(REPO), "--format", "nt", "-o", str(dump)], check=True)
        oxi = oxigraph_program()
        subprocess.run([oxi, "load", "--location", str(work / "oxi"), "--file", str(dump)], check=True,
                       capture_output=True)
        oxi_port, kz_port = free_port(), free_port()
        procs.append(subprocess.Popen([oxi, "serve-read-only", "--location", str(work / "oxi"), "--bind", f"127.0.0.1:{oxi_port}"],
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True))
        kz_log = (work / "serve.log").open("wb")
        procs.append(subprocess.Popen([PY, "-m", "kzgraph", "serve", "--root", str(REPO), "--port", str(kz_port),
                                       "--workers", str(args.workers), "--timeout", str(args.timeout)],
                                      stdout=kz_log, stderr=kz_log, start_new_session=True))
        wait_until(f"http://127.0.0.1:{oxi_port}/")
        wait_until(f"http://127.0.0.1:{kz_port}/health")
        time.sleep(1.0)

        oxi_requests = [sparql_request("/query", t) for t in texts]
        kz_requests = [sparql_request("/sparql", t) for t in texts]
        mixed = []
        for k, req in enumerate(kz_requests * max(1, len(pages) // len(kz_requests) + 1)):
            mixed.append(req)
            mixed.append(Request("page", "GET", pages[k % len(pages)], None, {"Accept": "text/turtle"}))
        cartesian = sparql_request("/sparql", CARTESIAN)
        cartesian.kind = "cartesian"

        print(f"serve benchmark: {len(texts)} named queries, {len(pages)} pages, C={args.clients}, T={args.seconds:g} s",
              file=sys.stderr)
        # warm-up, untimed: every query twice through each server, one client per worker (kzgraph's
        # guard parses a text that mentions SERVICE once with rdflib, then remembers it)
        for port, reqs in ((oxi_port, oxi_requests), (kz_port, kz_requests)):
            warm = [threading.Thread(target=warm_up, args=("127.0.0.1", port, reqs)) for _ in range(args.workers)]
            for t in warm:
                t.start()
            for t in warm:
                t.join()
        phases = [
            run_phase("oxigraph", "127.0.0.1", oxi_port, oxi_requests, args.clients, args.seconds),
            run_phase("kzgraph sparql", "127.0.0.1", kz_port, kz_requests, args.clients, args.seconds),
            run_phase("kzgraph mixed", "127.0.0.1", kz_port, mixed, args.clients, args.seconds),
            run_phase("kzgraph mixed + cartesian", "127.0.0.1", kz_port, mixed, args.clients, args.seconds, cartesian),
        ]
    finally:
        for p in procs:
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
        for p in procs:
            try:
                p.wait(30)
            except subprocess.TimeoutExpired:
                p.kill()
        shutil.rmtree(work, ignore_errors=True)

    ox_, kz, mixed_, cart = (p.summary() for p in phases)
    ratio = kz["sparql_per_s"] / ox_["sparql_per_s"] if ox_["sparql_per_s"] else float("nan")
    p99_ratio = cart["p99_ms"] / mixed_["p99_ms"] if mixed_["p99_ms"] else float("nan")
    goals = {
        "sparql throughput >= 0.8x oxigraph": ratio >= 0.8,
        "0 errors": all(p["errors"] == 0 for p in (ox_, kz, mixed_, cart)),
        "every cartesian query got 503 (timeout)": bool(cart["cartesian_statuses"]) and all(s == 503 for s in cart["cartesian_statuses"]),
        "p99 with the cartesian query <= 2x without": p99_ratio <= 2.0,
    }
    md = [
        "# kzgraph serve under load, beside oxigraph serve",
        "",
        f"`python benchmarks/run.py --serve` ({time.strftime('%Y-%m-%d %H:%M')}): {len(texts)} named queries "
        f"(SPARQL JSON), {len(pages)} linked-data pages; C={args.clients} clients, T={args.seconds:g} s per phase; "
        f"kzgraph serve --workers {args.workers} --timeout {args.timeout:g}; `oxigraph serve-read-only` on the same "
        "N-Triples dump. Scale 1 only: the machine (2 cores) is shared by other work, and the clients run on it too.",
        "",
        "| phase | SPARQL req/s | all req/s | p50 ms | p99 ms | SPARQL p50 / p99 ms | errors |",
        "|---|---|---|---|---|---|---|",
    ]
    for p in (ox_, kz, mixed_, cart):
        md.append(f"| {p['phase']} | {p['sparql_per_s']} | {p['requests_per_s']} | {p['p50_ms']} | {p['p99_ms']} | "
                  f"{p['sparql_p50_ms']} / {p['sparql_p99_ms']} | {p['errors']} |")
    md += [
        "",
        f"SPARQL throughput kzgraph / oxigraph: {ratio:.2f}×. p99 with / without the Cartesian query: {p99_ratio:.2f}×; "
        f"its answers: {cart['cartesian_statuses']}.",
        "",
        *[f"- {'met' if ok else 'NOT met'}: {goal}" for goal, ok in goals.items()],
        "",
    ]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text("\n".join(md), encoding="utf-8")
    args.out.with_suffix(".json").write_text(json.dumps({"phases": [ox_, kz, mixed_, cart], "ratio": ratio,
                                                         "p99_ratio": p99_ratio, "goals": goals}, indent=2) + "\n")
    print("\n".join(md))
    return 0


if __name__ == "__main__":
    sys.exit(main())
