"""Attacks on kzgraph the way hostile queries, shapes and checkouts would make them.

Every test here sends traffic only to a fake server on 127.0.0.1 that the test starts, counts
what reaches it, and stops it. A passing test means: nothing reached the fake server, and the
command said why in one line with a non-zero exit code.
"""

from __future__ import annotations

import http.server
import os
import random
import re
import shutil
import threading
from pathlib import Path

import pytest

from kzgraph.cli import main as cli
from conftest import GOOD_ROOT


class _Recorder(http.server.BaseHTTPRequestHandler):
    """Answers every request with one SPARQL JSON row, and records it."""

    hits: list[str]

    def _answer(self) -> None:
        self.hits.append(f"{self.command} {self.path}")
        body = b'{"head":{"vars":["s"]},"results":{"bindings":[{"s":{"type":"uri","value":"http://leak/"}}]}}'
        self.send_response(200)
        self.send_header("Content-Type", "application/sparql-results+json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = _answer

    def log_message(self, *args) -> None:  # keep the test output clean
        pass


@pytest.fixture
def trap():
    """A fake SPARQL server on 127.0.0.1; yields (url, hits)."""
    hits: list[str] = []
    handler = type("Handler", (_Recorder,), {"hits": hits})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/sparql", hits
    finally:
        server.shutdown()
        server.server_close()


# ---------------------------------------------------------------- SERVICE in kzgraph query

# Spellings of a SERVICE clause; {u} is the trap's URL. Oxigraph sends the first kinds for real.
SERVICE_SPELLINGS = [
    "SELECT * WHERE {{ SERVICE <{u}> {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ service<{u}>{{?s ?p ?o}} }}",
    "SELECT * WHERE {{ SeRvIcE SILENT <{u}> {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ SERVICE#comment\n<{u}> {{ ?s ?p ?o }} }}",
    "SELECT*WHERE{{SERVICE<{u}>{{?s?p?o}}}}",
    # a less-than followed by an IRI-looking run hides the keyword from a token scanner
    "SELECT * WHERE {{ FILTER(1<2)SERVICE#>\n<{u}> {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ FILTER(?a<?b)SERVICE<{u}>{{?s ?p ?o}} FILTER(?b>?a) }}",
    "PREFIX e: <{u}> SELECT * WHERE {{ SERVICE e: {{ ?s ?p ?o }} }}",
    "PREFIX e: <{u}> SELECT * WHERE {{ ?x e:a\\. ?y . SERVICE e: {{ ?s ?p ?o }} }}",
    "PREFIX e: <{u}> SELECT * WHERE {{ ?x e:a\\- ?y . SERVICE e: {{ ?s ?p ?o }} }}",
    "PREFIX e: <{u}> SELECT * WHERE {{ ?x e:a%41 ?y .SERVICE e: {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ OPTIONAL {{ SERVICE <{u}> {{ ?s ?p ?o }} }} }}",
    "SELECT * WHERE {{ {{ SELECT * WHERE {{ SERVICE <{u}> {{ ?s ?p ?o }} }} }} }}",
    "SELECT * WHERE {{ ?a ?b ?c FILTER EXISTS {{ SERVICE <{u}> {{ ?s ?p ?o }} }} }}",
    "ASK {{ SERVICE <{u}> {{ ?s ?p ?o }} }}",
    "CONSTRUCT {{ ?s ?p ?o }} WHERE {{ SERVICE <{u}> {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ 'x' ?p 'y' . SERVICE <{u}> {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ ?s ?p '''a\\'''' . SERVICE <{u}> {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ ?s ?p \"\\\\\" . SERVICE <{u}> {{ ?s ?p ?o }} }}",
    # codepoint escapes (SPARQL 1.1, 19.2) and a Unicode case variant of "s"
    "SELECT * WHERE {{ \\u0053ERVICE <{u}> {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ \\U00000053\\u0045RVICE <{u}> {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ \u017fERVICE <{u}> {{ ?s ?p ?o }} }}",
]


def _query(runner, text: str):
    return runner.invoke(cli, ["query", "--root", str(GOOD_ROOT), text])


@pytest.mark.parametrize("spelling", SERVICE_SPELLINGS)
def test_service_spellings_never_reach_the_network(runner, trap, spelling: str) -> None:
    url, hits = trap
    result = _query(runner, spelling.format(u=url))
    assert hits == []
    assert result.exit_code != 0, result.output
    assert "leak" not in result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("kzgraph: error:"), result.output


def _fuzzed(url: str, count: int, seed: int = 20261204) -> list[str]:
    """SERVICE clauses with random case, separators, comments and surrounding noise."""
    rng = random.Random(seed)
    separators = [" ", "\t", "\n", "\r\n", "#c\n", "#>\n", "", " #x<y\n "]
    before = ["", "?a ?b ?c .", "FILTER(1<2)", "FILTER(?x<?y)", "BIND(1 AS ?k)", "?a <urn:x> 'str' ."]
    out = []
    for _ in range(count):
        keyword = "".join(c.upper() if rng.random() < 0.5 else c.lower() for c in "service")
        if rng.random() < 0.2:
            keyword = "".join(f"\\u{ord(c):04X}" if rng.random() < 0.3 else c for c in keyword)
        sep = rng.choice(separators)
        silent = rng.choice(["", "SILENT" + rng.choice([" ", "\n", "#\n"])])
        out.append(f"SELECT * WHERE {{{rng.choice(before)}{rng.choice(separators)}{keyword}{sep}{silent}"
                   f"<{url}>{rng.choice(separators)}{{?s ?p ?o}}}}")
    return out


def test_fuzzed_service_spellings_never_reach_the_network(trap) -> None:
    from kzgraph.query import sparql
    from kzgraph.errors import KzgraphError
    from kzgraph.load import load_catalogue
    from kzgraph.paths import resolve_layout

    url, hits = trap
    catalogue = load_catalogue(resolve_layout(GOOD_ROOT))
    ran = []
    for text in _fuzzed(url, 300):
        try:
            sparql.run_query(catalogue, text)
            ran.append(text)
        except KzgraphError:
            pass
    assert hits == []
    assert ran == []


@pytest.mark.parametrize("text", [
    "SELECT ?service WHERE { ?service ?p ?o }",
    "SELECT * WHERE { ?s ?p ?o FILTER(CONTAINS(STR(?o), 'SERVICE')) }",
    "SELECT * WHERE { <http://example.org/service> ?p ?o }",
    "PREFIX ex: <http://example.org/> SELECT * WHERE { ?s ex:service ?o }",
    "SELECT * WHERE { ?s ?p ?o } # a SERVICE would be refused",
])
def test_the_word_service_elsewhere_is_not_refused(runner, text: str) -> None:
    result = _query(runner, text)
    assert result.exit_code == 0, result.output


def test_allow_service_still_permits_federation(runner, trap) -> None:
    url, hits = trap
    result = runner.invoke(cli, ["query", "--root", str(GOOD_ROOT), "--allow-service", "--format", "csv",
                                 f"SELECT ?s WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}"])
    assert result.exit_code == 0, result.output
    assert len(hits) == 1 and "http://leak/" in result.output


# ---------------------------------------------------------------- a hostile shapes/ folder


def _hostile_root(tmp_path: Path, shapes_ttl: str) -> Path:
    root = tmp_path / "root"
    shutil.copytree(GOOD_ROOT, root)
    (root / "shapes" / "hostile.ttl").write_text(
        "@prefix sh: <http://www.w3.org/ns/shacl#> .\n@prefix ex: <http://example.org/> .\n"
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n" + shapes_ttl, encoding="utf-8")
    return root


HOSTILE_SHAPES = {
    "constraint-service": """
ex:S a sh:NodeShape ; sh:targetSubjectsOf rdfs:label ;
  sh:sparql [ sh:select \"\"\"SELECT $this WHERE {{ SERVICE <{u}> {{ ?s ?p ?o }} }}\"\"\" ] .
""",
    "constraint-service-hidden": """
ex:S a sh:NodeShape ; sh:targetSubjectsOf rdfs:label ;
  sh:sparql [ sh:select \"\"\"SELECT $this WHERE {{ FILTER(1<2)SERVICE#>
<{u}> {{ ?s ?p ?o }} }}\"\"\" ] .
""",
    "target-service": """
ex:S a sh:NodeShape ; sh:target [ a sh:SPARQLTarget ;
  sh:select \"\"\"SELECT ?this WHERE {{ SERVICE <{u}> {{ ?this ?p ?o }} }}\"\"\" ] ;
  sh:property [ sh:path rdfs:label ; sh:minCount 1 ] .
""",
    "constraint-from-file": """
ex:S a sh:NodeShape ; sh:targetSubjectsOf rdfs:label ;
  sh:sparql [ sh:select \"\"\"SELECT $this FROM <file:///etc/passwd> WHERE {{ ?s ?p ?o }}\"\"\" ] .
""",
    "ask-validator-service": """
ex:C a sh:ConstraintComponent ; sh:parameter [ sh:path ex:p ] ;
  sh:validator [ a sh:SPARQLAskValidator ; sh:ask \"\"\"ASK {{ SERVICE <{u}> {{ ?s ?p ?o }} }}\"\"\" ] .
""",
}


@pytest.mark.parametrize("engine", ["native", "pyshacl"])
@pytest.mark.parametrize("name", sorted(HOSTILE_SHAPES))
def test_hostile_shapes_are_refused_before_anything_runs(runner, trap, tmp_path, monkeypatch, name, engine) -> None:
    url, hits = trap
    monkeypatch.setenv("KZGRAPH_SHACL", engine)
    root = _hostile_root(tmp_path, HOSTILE_SHAPES[name].format(u=url))
    result = runner.invoke(cli, ["validate", "--root", str(root)])
    assert hits == []
    assert result.exit_code == 2, result.output
    assert "hostile.ttl" in result.output and "refused" in result.output
    assert "Traceback" not in result.output


# ---------------------------------------------------------------- time limits


@pytest.mark.parametrize("command", [["query", "ASK {}"], ["validate"], ["push", "--endpoint", "http://127.0.0.1:9/q"]])
@pytest.mark.parametrize("value", ["nan", "inf", "-1", "0", "99999999999999", "1e400", "soon"])
def test_timeout_edge_values_are_usage_errors(runner, command, value) -> None:
    result = runner.invoke(cli, [*command, "--root", str(GOOD_ROOT), "--timeout", value])
    assert result.exit_code == 2, result.output
    assert "--timeout" in result.output and "internal error" not in result.output
    assert len(result.output.strip().splitlines()) == 1


COSTLY_SHAPE = """
ex:S a sh:NodeShape ; sh:targetSubjectsOf rdfs:label ;
  sh:sparql [ sh:select \"\"\"SELECT $this WHERE {
    ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n ?o . ?p ?q ?r . ?s ?t ?u . ?v ?w ?x .
    FILTER(STRLEN(CONCAT(STR(?a), STR(?d), STR(?g), STR(?j), STR(?m), STR(?p))) < 0) }\"\"\" ] .
"""


def test_validate_timeout_stops_a_costly_sparql_constraint(tmp_path) -> None:
    import subprocess
    import sys
    import time

    root = _hostile_root(tmp_path, COSTLY_SHAPE)
    started = time.monotonic()
    proc = subprocess.run([sys.executable, "-m", "kzgraph", "validate", "--root", str(root), "--timeout", "3"],
                          capture_output=True, text=True, timeout=120)
    elapsed = time.monotonic() - started
    assert proc.returncode == 3, proc.stderr
    assert proc.stderr.strip().splitlines() == [
        "kzgraph: error: validation timed out after 3 s; raise --timeout, or look for a costly "
        "SHACL-SPARQL constraint or --infer"]
    assert elapsed < 60


# ---------------------------------------------------------------- answers that do not depend on the engine

_GROUP_CONCAT = re.compile(r"GROUP_CONCAT\s*\(\s*(DISTINCT\s+)?(?P<arg>\S+)", re.IGNORECASE)


def _query_files() -> list[Path]:
    package = Path(__file__).resolve().parent.parent / "kzgraph"
    return sorted(package.glob("**/*.rq"))


@pytest.mark.parametrize("path", _query_files(), ids=lambda p: p.name)
def test_group_concat_aggregates_plain_strings(path: Path) -> None:
    """GROUP_CONCAT of tagged literals keeps the tag on Oxigraph, drops it on Jena (w3c/rdf-tests#280)."""
    text = path.read_text(encoding="utf-8")
    bare = [m.group(0) for m in _GROUP_CONCAT.finditer(text) if not m.group("arg").upper().startswith("STR(")]
    assert not bare, f"{path.name}: wrap the aggregated value in STR(): {bare}"


def test_violence_topics_are_a_plain_string(runner) -> None:
    import json

    result = runner.invoke(cli, ["query", "-n", "violence-sources", "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)["results"]["bindings"]
    paperlab = next(r for r in rows if r["entry"]["value"].endswith("/id/paperlab"))
    assert "xml:lang" not in paperlab["topics"] and "datatype" not in paperlab["topics"]
    assert "violence" in paperlab["topics"]["value"].lower()


@pytest.mark.parametrize("path", _query_files(), ids=lambda p: p.name)
def test_shipped_queries_pass_the_full_service_check(path: Path) -> None:
    """The package's own queries skip the second parser at run time; here they get it."""
    from kzgraph.query import guard as sparql_guard

    text = path.read_text(encoding="utf-8")
    assert sparql_guard._parse_tree_names(text) is not None, f"{path.name} does not parse in rdflib"
    assert "ServiceGraphPattern" not in sparql_guard._parse_tree_names(text)


# ---------------------------------------------------------------- a hostile checkout's files


@pytest.mark.parametrize("link", ["ontology/axioms.ttl", "data/entries/environ.ttl", "shapes/environ.ttl"])
def test_a_link_to_the_environment_is_refused_without_echoing_it(tmp_path, monkeypatch, link) -> None:
    import subprocess
    import sys

    root = tmp_path / "root"
    shutil.copytree(GOOD_ROOT, root)
    target = root / link
    target.unlink(missing_ok=True)
    target.symlink_to("/proc/self/environ")
    env = {**os.environ, "KZGRAPH_TEST_SECRET": "hunter2-do-not-print"}
    env.pop("KZGRAPH_DEBUG", None)
    proc = subprocess.run([sys.executable, "-m", "kzgraph", "validate", "--root", str(root), "--infer", "rdfs"],
                          capture_output=True, text=True, env=env, timeout=120)
    assert proc.returncode == 2, proc.stderr
    assert "hunter2" not in proc.stderr + proc.stdout
    assert proc.stderr.strip().splitlines() == [proc.stderr.strip()]
    assert link in proc.stderr


def test_links_out_of_the_checkout_are_refused_and_named_files_followed(runner, tmp_path) -> None:
    root = tmp_path / "root"
    shutil.copytree(GOOD_ROOT, root)
    outside = tmp_path / "elsewhere.ttl"
    outside.write_text("<urn:x:a> <urn:x:b> <urn:x:c> .\n", encoding="utf-8")
    (root / "data" / "entries" / "linked.ttl").symlink_to(outside)
    refused = runner.invoke(cli, ["files", "--root", str(root)])
    assert refused.exit_code == 2
    assert "linked.ttl: is a link to" in refused.output and "outside" in refused.output
    (root / "data" / "entries" / "linked.ttl").unlink()
    named = runner.invoke(cli, ["files", "--root", str(root), "--data", str(outside)])
    assert named.exit_code == 0 and "elsewhere.ttl" in named.output


def test_an_internal_error_does_not_print_the_exception_text(monkeypatch) -> None:
    from click.testing import CliRunner

    from kzgraph.cli import main as group

    monkeypatch.delenv("KZGRAPH_DEBUG", raising=False)

    @group.command("leak-probe", hidden=True)
    def probe() -> None:
        raise ValueError("SECRET=hunter2 from some input")

    try:
        result = CliRunner().invoke(group, ["leak-probe"])
    finally:
        group.commands.pop("leak-probe", None)
    assert result.exit_code == 3
    assert "hunter2" not in result.output and "internal error: ValueError" in result.output


def test_terminal_escapes_in_names_and_data_are_shown_escaped(runner, tmp_path) -> None:
    folder = tmp_path / "evil\x1b[2Jname"
    folder.mkdir()
    result = runner.invoke(cli, ["files", "--root", str(GOOD_ROOT), "--data", str(folder)])
    assert result.exit_code == 2
    assert "\x1b" not in result.output and "\\x1b[2Jname" in result.output
    data = tmp_path / "d.ttl"
    data.write_text('<urn:x:a> <http://www.w3.org/2000/01/rdf-schema#label> "red\\u001b[31m \\u202eevil" .\n',
                    encoding="utf-8")
    table = runner.invoke(cli, ["query", "--root", str(GOOD_ROOT), "--data", str(data),
                                "SELECT ?l WHERE { <urn:x:a> ?p ?l }"])
    assert table.exit_code == 0, table.output
    assert "\x1b" not in table.output and "\u202e" not in table.output
    assert "red\\x1b[31m" in table.output
    csv = runner.invoke(cli, ["query", "--root", str(GOOD_ROOT), "--data", str(data), "--format", "csv",
                              "SELECT ?l WHERE { <urn:x:a> ?p ?l }"])
    assert "\x1b" in csv.output  # machine formats keep the data as it is
