"""Attacks on kzgraph the way hostile queries, shapes and checkouts would make them.

Every test here sends traffic only to a fake server on 127.0.0.1 that the test starts, counts
what reaches it, and stops it. A passing test means: nothing reached the fake server, and the
command said why in one line with a non-zero exit code.
"""

from __future__ import annotations

import http.server
import random
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
    from kzgraph import sparql
    from kzgraph.errors import KzgraphError
    from kzgraph.loader import load_catalogue
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
