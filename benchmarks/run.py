"""Time kzgraph's commands as whole processes beside the best peer doing the same work.

    python benchmarks/run.py                       # scales 1 and 100, 5 repeats
    python benchmarks/run.py --scales 1,100,1000 --repeat 5
    python benchmarks/run.py --scales 1 --only query:stats,help

For each scale, benchmarks/generate.py makes a synthetic catalogue (the shipped one at 1×);
every case runs its kzgraph command and its peer, each once untimed (warm file cache; kzgraph's
parse cache filled) and then ``--repeat`` times, alternating; the table shows medians of wall
time, the ratio kzgraph/peer, peak memory (max RSS of the process tree's largest process, from
wait4), and the issue's targets. At 1000× every case runs once, without warm-up, and
``--infer`` is skipped. A run past ``--timeout`` is killed and reported as such.

Peers: ``python -c "import click"`` for ``--help``; Apache Jena's ``shacl validate`` (Debian
package libapache-jena-java) for SHACL, with pyshacl alone as a second reference;
``benchmarks/peers.py`` (pyoxigraph only) for queries, ``sources`` and export; Jena's
``riot --rdfs`` (RDFS only) and the ``reasonable`` package (OWL 2 RL) for closure.
The exact query texts kzgraph runs (parameters bound) are recorded once per case and handed to
the peer, so both run the same SPARQL over the same files.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO))

PY = sys.executable
KZ = [PY, "-m", "kzgraph"] if not shutil.which("kzgraph") else [shutil.which("kzgraph")]
JAVA_DIR = Path("/usr/share/java")
JENA_DEPS = (
    "commons-cli commons-codec commons-compress commons-csv commons-io commons-lang3 dexx.collection gson "
    "guava httpclient httpcore jackson-core jackson-databind jackson-annotations jsonld-java jakarta.json-api "
    "protobuf thrift titanium-json-ld slf4j-api slf4j-nop"
).split()
SOURCES_FILTERS = {
    "sources --topic violence": ["--topic", "violence"],
    "sources --language kk --methodology partial": ["--language", "kk", "--methodology", "partial"],
    "sources --country UZB --sort name": ["--country", "UZB", "--sort", "name"],
}
_BARE = re.compile(r'"([^"]*)"\^\^<http://www\.w3\.org/2001/XMLSchema#(?:integer|decimal|double|boolean)>')
EXAMPLE = re.compile(r"e\.g\.\s+([A-Za-z0-9:_\-]+)")


@dataclass
class Timing:
    seconds: list[float] = field(default_factory=list)
    peak_kb: int = 0
    status: str = "ok"  # ok | timeout | failed (exit code) | skipped
    detail: str = ""

    @property
    def median(self) -> float | None:
        return statistics.median(self.seconds) if self.seconds and self.status == "ok" else None


@dataclass
class Case:
    name: str
    group: str
    kz: list[str]
    peer: list[str] | None
    peer_name: str
    target: str = ""  # e.g. "ratio<=3", "kz<=1.5s", "completes"
    env: dict[str, str] = field(default_factory=dict)
    kz_result: Timing = field(default_factory=Timing)
    peer_result: Timing = field(default_factory=Timing)
    same_answers: str = ""
    heavy: bool = False  # minutes at 100x: fewer repeats there

    def ratio(self) -> float | None:
        a, b = self.kz_result.median, self.peer_result.median
        return a / b if a is not None and b else None

    def verdict(self) -> str:
        if not self.target or self.target == "info":
            return ""
        kind, _, bound = self.target.partition("<=")
        if self.kz_result.status != "ok":
            return "FAIL"
        if kind == "completes":
            return "pass"
        if kind == "kz":
            return "pass" if self.kz_result.median <= float(bound.rstrip("s")) else "FAIL"
        ratio = self.ratio()
        if ratio is None:
            return "n/a"
        return "pass" if ratio <= float(bound) else "FAIL"


# ---------------------------------------------------------------- running processes


TIME = Path("/usr/bin/time")


def run_once(cmd: list[str], timeout: float, env: dict[str, str], stdout=subprocess.DEVNULL) -> tuple[str, float, int, str]:
    """Run ``cmd``; return (status, wall seconds, peak RSS in KiB, stderr tail).

    Peak memory comes from /usr/bin/time (Debian package ``time``) where installed: the
    rusage of a child forked from this (large) Python process would count the pages it
    shares with us before exec.
    """
    rss_file = None
    if TIME.is_file():
        fd, rss_file = tempfile.mkstemp(prefix="rss-", suffix=".txt")
        os.close(fd)
        cmd = [str(TIME), "-f", "%M", "-o", rss_file, *cmd]
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=stdout, stderr=subprocess.PIPE, env={**os.environ, **env}, start_new_session=True)
    timed_out = threading.Event()

    def kill() -> None:
        timed_out.set()
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass

    timer = threading.Timer(timeout, kill)
    timer.start()
    err_chunks: list[bytes] = []
    reader = threading.Thread(target=lambda: err_chunks.append(proc.stderr.read()))
    reader.start()
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - started
    timer.cancel()
    reader.join()
    proc.returncode = os.waitstatus_to_exitcode(status)
    peak = usage.ru_maxrss
    if rss_file is not None:
        try:
            peak = int(Path(rss_file).read_text().split()[-1])
        except (OSError, ValueError, IndexError):
            pass
        os.unlink(rss_file)
    tail = b"".join(err_chunks).decode("utf-8", "replace").strip().splitlines()[-1:]
    if timed_out.is_set():
        return "timeout", elapsed, peak, f"killed after {timeout:g} s"
    if proc.returncode not in (0, 1):  # validate exits 1 when a graph does not conform
        return f"failed (exit {proc.returncode})", elapsed, peak, tail[0] if tail else ""
    return "ok", elapsed, peak, ""


def measure(case: Case, repeat: int, warmup: bool, timeout: float) -> None:
    sides = [("kz", case.kz, case.kz_result, case.env)]
    if case.peer:
        sides.append(("peer", case.peer, case.peer_result, {}))
    else:
        case.peer_result.status = "skipped"
    if warmup:
        for _, cmd, result, env in sides:
            status, *_rest, detail = run_once(cmd, timeout, env)
            if status != "ok":
                result.status, result.detail = status, detail
    for _ in range(repeat):
        for _, cmd, result, env in sides:
            if result.status != "ok":
                continue
            status, seconds, peak, detail = run_once(cmd, timeout, env)
            result.peak_kb = max(result.peak_kb, peak)
            if status != "ok":
                result.status, result.detail = status, detail
                result.seconds.append(seconds)
                continue
            result.seconds.append(seconds)


# ---------------------------------------------------------------- preparing a scale


def jena_classpath(work: Path) -> str | None:
    """Return a classpath for Jena's command-line tools, or None when Jena is not installed.

    Debian's jena-core relocates its embedded Xerces classes to ``xerces.*`` but leaves their
    message bundles under ``org/apache/jena/ext/xerces``, so every command dies at start with
    "internal error"; a small jar with the bundles at the relocated path fixes that.
    """
    if not (JAVA_DIR / "jena-cmds.jar").is_file() or not shutil.which("java"):
        return None
    fix = work / "jena-xerces-resources.jar"
    if not fix.is_file():
        with zipfile.ZipFile(JAVA_DIR / "jena-core.jar") as core, zipfile.ZipFile(fix, "w") as out:
            for name in core.namelist():
                if name.startswith("org/apache/jena/ext/xerces/") and not name.endswith("/"):
                    out.writestr("xerces/" + name[len("org/apache/jena/ext/xerces/"):], core.read(name))
    jars = [str(fix)] + sorted(str(p) for p in JAVA_DIR.glob("jena-*.jar") if not re.search(r"-\d", p.name))
    jars += [str(JAVA_DIR / f"{name}.jar") for name in JENA_DEPS if (JAVA_DIR / f"{name}.jar").is_file()]
    return ":".join(jars)


def concat_turtle(paths: list[Path], target: Path) -> None:
    """Concatenate Turtle files into one document (prefixes may be redeclared; data has no labelled blank nodes)."""
    with open(target, "wb") as out:
        for path in paths:
            out.write(path.read_bytes())
            out.write(b"\n")


def record_queries(args: list[str], out_dir: Path, name: str) -> list[Path]:
    """Run a kzgraph command in-process on the shipped graph and save the SPARQL it runs."""
    from click.testing import CliRunner

    from kzgraph.cli import main
    from kzgraph.store.embedded import EmbeddedCatalogue

    seen: list[str] = []
    original = EmbeddedCatalogue.query

    def spy(self, text, *args, **kwargs):
        seen.append(text)
        return original(self, text, *args, **kwargs)

    EmbeddedCatalogue.query = spy
    try:
        result = CliRunner().invoke(main, args)
    finally:
        EmbeddedCatalogue.query = original
    if result.exit_code != 0:
        raise RuntimeError(f"kzgraph {' '.join(args)} failed: {result.output[-300:]}")
    paths = []
    for i, text in enumerate(seen):
        path = out_dir / f"{name}.{i}.rq"
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


def named_query_args() -> list[tuple[str, list[str]]]:
    """Every named query with example values for its required parameters (from its header)."""
    from kzgraph.query import named

    found = []
    for path in sorted((REPO / "kzgraph" / "queries").glob("*.rq")):
        query = named.get_named(path.stem)
        args = []
        for param in query.params:
            if not param.required:
                continue
            example = EXAMPLE.search(param.description)
            if example is None:
                raise RuntimeError(f"{path.name}: no example value for required parameter {param.name}")
            args += ["--param", f"{param.name}={example.group(1).rstrip('.,;')}"]
        found.append((path.stem, args))
    return found


def build_cases(root: Path, scale: float, work: Path, recorded: dict, jena: str | None) -> list[Case]:
    from kzgraph import iris
    from kzgraph.paths import Layout

    layout = Layout(root)
    files = layout.graph_files()
    files_list = work / "files.txt"
    files_list.write_text("".join(f"{p}\n" for p in files), encoding="utf-8")
    prefixes = work / "prefixes.json"
    prefixes.write_text(json.dumps(iris.PREFIXES), encoding="utf-8")
    peers = [PY, str(HERE / "peers.py")]
    out = work / "out"
    out.mkdir(exist_ok=True)
    big = scale >= 1000
    r = ["--root", str(root)]
    cases: list[Case] = []

    if scale == 1:
        cases.append(Case("kzgraph --help", "startup", KZ + ["--help"], [PY, "-c", "import click"], 'python -c "import click"', "ratio<=1.3"))

    # validation
    if jena:
        data_ttl, shapes_ttl = work / "jena-data.ttl", work / "jena-shapes.ttl"
        concat_turtle(files, data_ttl)
        concat_turtle(layout.shape_files(), shapes_ttl)
        jena_shacl = ["java", "-cp", jena, "shacl.shacl", "validate", "--shapes", str(shapes_ttl), "--data", str(data_ttl), "--text"]
    validate_target = "kz<=1.5s" if scale == 1 else ("ratio<=2" if scale == 100 else "completes")
    cases.append(
        Case("validate", "validate", KZ + ["validate"] + r, jena_shacl if jena else None,
             "Jena shacl validate" if jena else "(Jena not installed)", validate_target)
    )
    cases[-1].heavy = True
    if scale == 1:  # a reference only (at 100x pyshacl alone took 224 s; kzgraph validate runs its own engine)
        cases.append(
            Case("validate (pyshacl alone)", "validate", KZ + ["validate"] + r,
                 [PY, str(HERE / "pyshacl_alone.py"), str(files_list), *map(str, layout.shape_files())],
                 "pyshacl on an rdflib parse", "info", heavy=True)
        )

    # queries
    query_target = "ratio<=3" if scale == 1 else ("ratio<=1.5" if scale == 100 else "completes")
    for name, (args, texts) in recorded.items():
        if name in SOURCES_FILTERS:
            kz = KZ + ["sources"] + r + args + ["--format", "csv"]
            group = "sources"
        else:
            kz = KZ + ["query"] + r + ["-n", name, "--format", "tsv"] + args
            group = "query"
        peer = peers + ["query", str(files_list), str(prefixes), *map(str, texts)]
        cases.append(Case(name if group == "sources" else f"query -n {name}", group, kz, peer, "pyoxigraph script", query_target))
    if "stats" in recorded:
        args, texts = recorded["stats"]
        cases.append(
            Case("query -n stats (no parse cache)", "query", KZ + ["query"] + r + ["-n", "stats", "--format", "tsv"] + args,
                 peers + ["query", str(files_list), str(prefixes), *map(str, texts)], "pyoxigraph script", "info",
                 env={"KZGRAPH_NO_CACHE": "1"})
        )

    # export
    export_target = "ratio<=1.5" if scale == 100 else ("completes" if big else "info")
    for fmt in ("ttl", "jsonld"):
        cases.append(
            Case(f"export --format {fmt}", "export", KZ + ["export"] + r + ["--format", fmt, "-o", str(out / f"kz.{fmt}")],
                 peers + ["export", str(files_list), str(prefixes), fmt, str(out / f"peer.{fmt}")],
                 "pyoxigraph parse+serialize", export_target)
        )

    # the static site (issue 16): within 5 s at 1x, completes at 100x (pages, data files, downloads)
    if not big:
        site_target = "kz<=5s" if scale == 1 else "completes"
        # the budget is the site's own pages; the report's charts (kzgraph report, drawn with
        # matplotlib in three languages) are measured beside it
        cases.append(Case("site --no-report", "site", KZ + ["site", str(out / "site-no-report"), "--no-report"] + r,
                          None, "(budget only)", site_target, heavy=True))
        cases.append(Case("site", "site", KZ + ["site", str(out / "site")] + r, None, "(budget only)",
                          "info" if scale == 1 else "completes", heavy=True))

    # closure
    if not big:
        infer_target = "completes" if scale == 100 else "info"
        if jena:
            rdfs_peer = ["java", "-cp", jena, "riotcmd.riot", f"--rdfs={layout.ontology_file}", "--out=nt", str(work / "jena-data.ttl")]
        cases.append(
            Case("export --infer rdfs --format nt", "infer", KZ + ["export"] + r + ["--infer", "rdfs", "--format", "nt", "-o", str(out / "kz-rdfs.nt")],
                 rdfs_peer if jena else None, "Jena riot --rdfs", infer_target, heavy=True)
        )
        cases.append(
            Case("export --infer owlrl --format nt", "infer", KZ + ["export"] + r + ["--infer", "owlrl", "--format", "nt", "-o", str(out / "kz-owlrl.nt")],
                 peers + ["reasonable", str(files_list), str(out / "reasonable.txt")] if _has("reasonable") else None,
                 "reasonable (OWL 2 RL)", infer_target, heavy=True)
        )

    # the coverage-gap report: seven charts, SVG + PNG + CSV + HTML + Markdown (no peer)
    report_target = "kz<=5s" if scale == 1 else ("completes" if scale == 100 else "info")
    cases.append(
        Case("report", "report", KZ + ["report"] + r + ["-o", str(out / "report")], None, "(none)", report_target,
             heavy=True)
    )
    return cases


def _has(module: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(module) is not None


def compare_answers(case: Case, timeout: float) -> str:
    """Tell whether kzgraph and the peer give the same rows (query cases, TSV both sides)."""
    if case.group != "query" or not case.peer or case.kz_result.status != "ok" or case.peer_result.status != "ok":
        return ""
    outs = []
    for cmd, env in ((case.kz, case.env), (case.peer, {})):
        done = subprocess.run(cmd, capture_output=True, env={**os.environ, **env}, timeout=timeout)
        lines = done.stdout.decode("utf-8", "replace").splitlines()
        # Header lines may differ in spacing; W3C TSV may write numbers and booleans bare.
        outs.append(sorted(_BARE.sub(r"\1", line) for line in lines[1:]))
    return "same" if outs[0] == outs[1] else f"DIFFERENT ({len(outs[0])} vs {len(outs[1])} rows)"


# ---------------------------------------------------------------- report


def fmt_s(t: Timing) -> str:
    if t.status == "skipped":
        return "—"
    if t.status != "ok":
        return f"{t.status}" + (f" ({t.detail})" if t.detail else "")
    return f"{t.median:.3f}"


def fmt_mb(t: Timing) -> str:
    return f"{t.peak_kb / 1024:.0f}" if t.peak_kb else "—"


def table(cases: list[Case]) -> list[str]:
    lines = [
        "| case | kzgraph s | peer | peer s | ratio | kzgraph MiB | peer MiB | target | result |",
        "|---|---:|---|---:|---:|---:|---:|---|---|",
    ]
    for c in cases:
        ratio = c.ratio()
        target = "" if c.target == "info" else c.target.replace("kz<=", "wall ≤ ").replace("ratio<=", "≤ ").replace("completes", "completes")
        same = f" ({c.same_answers})" if c.same_answers and c.same_answers != "same" else ""
        lines.append(
            f"| {c.name} | {fmt_s(c.kz_result)} | {c.peer_name} | {fmt_s(c.peer_result)} | "
            f"{'' if ratio is None else f'{ratio:.2f}×'} | {fmt_mb(c.kz_result)} | {fmt_mb(c.peer_result)} | {target} | {c.verdict()}{same} |"
        )
    return lines


def summary(cases: list[Case]) -> list[str]:
    """One line per group: the median and worst ratio, and how many targets pass."""
    lines = ["| group | cases | median ratio | worst ratio (case) | targets passed |", "|---|---:|---:|---|---:|"]
    groups: dict[str, list[Case]] = {}
    for c in cases:
        groups.setdefault(c.group, []).append(c)
    for group, members in groups.items():
        ratios = [(c.ratio(), c.name) for c in members if c.ratio() is not None and c.target != "info"]
        judged = [c for c in members if c.target and c.target != "info"]
        passed = sum(1 for c in judged if c.verdict() == "pass")
        worst = max(ratios) if ratios else None
        med = statistics.median(r for r, _ in ratios) if ratios else None
        lines.append(
            f"| {group} | {len(members)} | {'' if med is None else f'{med:.2f}×'} | "
            f"{'' if worst is None else f'{worst[0]:.2f}× ({worst[1]})'} | {passed}/{len(judged)} |"
        )
    return lines


def machine() -> str:
    cpus = os.cpu_count()
    mem = ""
    try:
        kb = int(next(l for l in open("/proc/meminfo") if l.startswith("MemTotal")).split()[1])
        mem = f", {kb / 1024 / 1024:.0f} GiB"
    except (OSError, StopIteration, ValueError):
        pass
    import pyoxigraph

    from kzgraph import __version__

    return f"{platform.system()} {platform.machine()}, {cpus} cores{mem}; Python {platform.python_version()}, kzgraph {__version__}, pyoxigraph {pyoxigraph.__version__}"


def git_head() -> str:
    try:
        return subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    except OSError:
        return "?"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scales", default="1,100", help="comma-separated scales (default 1,100)")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--timeout", type=float, default=600.0, help="seconds before one run is killed")
    parser.add_argument("--out", type=Path, default=HERE / "results" / "latest.md")
    parser.add_argument("--work", type=Path, default=Path(os.environ.get("TMPDIR", "/tmp")) / "kzgraph-bench")
    parser.add_argument("--only", default="", help="comma-separated case-name prefixes to run")
    parser.add_argument("--serve", action="store_true",
                        help="instead: load on kzgraph serve beside oxigraph serve (benchmarks/serve_load.py, scale 1)")
    args = parser.parse_args(argv)
    if args.serve:
        import serve_load

        return serve_load.main([])
    scales = [float(s) for s in args.scales.split(",") if s.strip()]
    only = [s.strip() for s in args.only.split(",") if s.strip()]
    args.work.mkdir(parents=True, exist_ok=True)
    # kzgraph's parse cache lives in the work folder, so runs never touch the user's cache.
    os.environ["XDG_CACHE_HOME"] = str(args.work / "cache")
    os.environ.pop("KZGRAPH_NO_CACHE", None)
    # Time kzgraph as installed (pip compiles .pyc at install): never recompile every module on
    # every start because the environment says so; keep the compiled files out of the checkout.
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    os.environ["PYTHONPYCACHEPREFIX"] = str(args.work / "pycache")
    jena = jena_classpath(args.work)

    # Record the SPARQL each command runs, once, on the shipped graph (same texts at every scale:
    # slugs name the same shipped nodes, which every scale keeps).
    rec_dir = args.work / "recorded"
    rec_dir.mkdir(exist_ok=True)
    recorded: dict[str, tuple[list[str], list[Path]]] = {}
    for name, qargs in named_query_args():
        texts = record_queries(["query", "-n", name, "--format", "tsv"] + qargs, rec_dir, name)
        recorded[name] = (qargs, texts)
    for name, sargs in SOURCES_FILTERS.items():
        texts = record_queries(["sources"] + sargs + ["--format", "csv"], rec_dir, name.replace(" ", "_"))
        recorded[name] = (sargs, texts)

    report: dict = {"machine": machine(), "commit": git_head(), "date": time.strftime("%Y-%m-%d %H:%M"),
                    "jena": bool(jena), "scales": []}
    md = [
        "# kzgraph benchmark results",
        "",
        f"Machine: {report['machine']}. Commit {report['commit']}, {report['date']}.",
        f"Command: `python benchmarks/run.py --scales {args.scales} --repeat {args.repeat}`.",
        "Medians of whole-process wall time; ratio = kzgraph / peer; peak memory = max RSS.",
        "",
    ]
    for scale in scales:
        big = scale >= 1000
        root = args.work / f"x{scale:g}"
        gen_started = time.perf_counter()
        gen = subprocess.run([PY, str(HERE / "generate.py"), "--scale", f"{scale:g}", "--out", str(root)],
                             capture_output=True, text=True, check=True)
        gen_seconds = time.perf_counter() - gen_started
        work = args.work / f"w{scale:g}"
        work.mkdir(exist_ok=True)
        # `sources` lists the entries it found in the score query, so its texts depend on the
        # graph: record them again on this scale's graph (named queries do not).
        scale_rec = work / "recorded"
        scale_rec.mkdir(exist_ok=True)
        recorded_here = dict(recorded)
        for name, sargs in SOURCES_FILTERS.items():
            if only and not any(name.startswith(o) for o in only):
                continue  # not asked for (at 1000x recording one can take many minutes)
            texts = record_queries(["sources", "--root", str(root)] + sargs + ["--format", "csv"], scale_rec,
                                   name.replace(" ", "_"))
            recorded_here[name] = (sargs, texts)
        cases = build_cases(root, scale, work, recorded_here, jena)
        if only:
            cases = [c for c in cases if any(c.name.startswith(o) for o in only)]
        # The first command after an edit parses everything and fills the cache.
        first = Timing()
        status, seconds, peak, detail = run_once(KZ + ["files", "--root", str(root)], args.timeout, {})
        first.status, first.seconds, first.peak_kb, first.detail = status, [seconds], peak, detail
        repeat = 1 if big else args.repeat
        for case in cases:
            print(f"[{scale:g}x] {case.name} ...", end=" ", flush=True, file=sys.stderr)
            heavy = case.heavy and scale > 1
            measure(case, 1 if heavy else repeat, warmup=not (big or heavy), timeout=args.timeout)
            if not big:
                case.same_answers = compare_answers(case, args.timeout)
            print(f"{fmt_s(case.kz_result)} vs {fmt_s(case.peer_result)} {case.verdict()}", file=sys.stderr)
        triples = re.search(r"(\d+) triples", gen.stdout)
        md += [
            f"## {scale:g}× ({triples.group(1) if triples else '?'} triples; {gen.stdout.split(',')[1].strip() if ',' in gen.stdout else ''})",
            "",
            f"First command on a changed graph (parses every file, fills the parse cache): `kzgraph files` "
            f"{fmt_s(first)} s, {fmt_mb(first)} MiB. Generating the graph took {gen_seconds:.1f} s. "
            f"{'One run per case, no warm-up.' if big else f'{repeat} runs per case after one warm-up run'}"
            f"{'' if big or scale == 1 else ' (validate and --infer: one run, no warm-up)'}.",
            "",
            *summary(cases),
            "",
            *table(cases),
            "",
        ]
        report["scales"].append({
            "scale": scale, "generator": gen.stdout.strip(), "first_load": first.__dict__,
            "cases": [{"name": c.name, "group": c.group, "kz_cmd": c.kz, "peer_cmd": c.peer, "peer_name": c.peer_name,
                       "target": c.target, "verdict": c.verdict(), "ratio": c.ratio(), "same_answers": c.same_answers,
                       "kz": {**c.kz_result.__dict__, "median": c.kz_result.median},
                       "peer": {**c.peer_result.__dict__, "median": c.peer_result.median}} for c in cases],
        })
        # Write after every scale, so a long run leaves its finished part behind.
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text("\n".join(md) + "\n", encoding="utf-8")
        args.out.with_suffix(".json").write_text(json.dumps(report, indent=2, default=str) + "\n", encoding="utf-8")
        if big:
            shutil.rmtree(root, ignore_errors=True)
    print(f"wrote {args.out} and {args.out.with_suffix('.json')}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
