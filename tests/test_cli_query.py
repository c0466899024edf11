"""`kzgraph query` and `kzgraph queries` from the command line."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib.query import Result as RdflibResult

from kzgraph.query import named
from kzgraph.cli import main

FIXTURES = Path(__file__).parent / "fixtures" / "query"
ROOT = FIXTURES / "root"
QUERIES = FIXTURES / "queries"
ID = "https://w3id.org/kzgraph/id/"
SR = "{http://www.w3.org/2005/sparql-results#}"
SOURCES = "SELECT ?s WHERE { ?s a kzg:Source } ORDER BY ?s"


@pytest.fixture(autouse=True)
def fixture_queries(monkeypatch):
    monkeypatch.setattr(named, "queries_dir", lambda: QUERIES)


def run(*args: str, input: str | None = None):
    result = CliRunner().invoke(main, ["query", "--root", str(ROOT), *args], input=input)
    return result


def tree_digest(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(root.rglob("*")) if p.is_file()}


# ---------------------------------------------------------------- output formats


def test_default_is_a_table_with_prefixed_names():
    r = run(SOURCES)
    assert r.exit_code == 0, r.output
    assert r.output.splitlines() == ["s", "-----------", "id:kok-team", "id:paperlab", "id:svet"]


@pytest.mark.parametrize("fmt", ["csv", "tsv", "json", "xml"])
def test_select_formats_parse_with_rdflib(fmt):
    r = run(SOURCES, "--format", fmt)
    assert r.exit_code == 0, r.output
    parsed = list(RdflibResult.parse(io.BytesIO(r.stdout_bytes), format=fmt))
    assert [str(row[0]) for row in parsed] == [ID + "kok-team", ID + "paperlab", ID + "svet"]



@pytest.mark.parametrize("timeout", [[], ["--timeout", "30"]])
def test_tsv_written_by_pyoxigraph_matches_the_row_writer(timeout):
    """--format tsv lets pyoxigraph write the rows (also in the --timeout child): same bytes."""
    from kzgraph import iris
    from kzgraph.query import results
    from kzgraph.query import sparql
    from kzgraph.cli.options import load_from_options

    q = "SELECT ?s ?p ?o (STRLEN(STR(?o)) AS ?n) WHERE { ?s ?p ?o } ORDER BY ?s ?p ?o"
    r = run(q, "--format", "tsv", *timeout)
    assert r.exit_code == 0, r.output
    rows = sparql.run_query(load_from_options(ROOT), q, prefixes=iris.PREFIXES)
    assert rows.native is None and rows.rows
    assert r.stdout_bytes == results.render(rows, "tsv")
    assert b'"^^<http://www.w3.org/2001/XMLSchema#integer>\t' not in r.stdout_bytes  # ?n is last
    assert b'"^^<http://www.w3.org/2001/XMLSchema#integer>\n' in r.stdout_bytes  # never bare 12

def test_tsv_with_a_triple_term_is_written_from_the_rows():
    """pyoxigraph writes an RDF 1.2 triple term as <<( s p o )>>; the output stays ours."""
    from kzgraph.query import results
    from kzgraph.query import sparql

    q = 'SELECT ?s (TRIPLE(?s, rdfs:comment, "1") AS ?t) (1 AS ?n) WHERE { ?s a kzg:Source } ORDER BY ?s'
    r = run(q, "--format", "tsv")
    assert r.exit_code == 0, r.output
    native = sparql.run_query(_catalogue(), q, native_format="tsv", prefixes=_prefixes())
    assert not results.native_is_exact(native)
    rows = sparql.run_query(_catalogue(), q, prefixes=_prefixes())
    assert r.stdout_bytes == results.render(rows, "tsv")
    assert b"<<(" not in r.stdout_bytes


def _catalogue():
    from kzgraph.cli.options import load_from_options

    return load_from_options(ROOT)


def _prefixes():
    from kzgraph import iris

    return iris.PREFIXES


def test_csv_and_json_and_xml_structure():
    q = "SELECT ?s ?comment WHERE { ?s rdfs:comment ?comment }"
    rows = list(csv.reader(io.StringIO(run(q, "--format", "csv").stdout_bytes.decode(), newline="")))
    assert rows == [["s", "comment"], [ID + "paperlab", 'Research centre, "independent", Almaty;\ttabbed\nsecond line']]
    doc = json.loads(run(q, "--format", "json").output)
    assert doc["head"]["vars"] == ["s", "comment"]
    assert doc["results"]["bindings"][0]["s"] == {"type": "uri", "value": ID + "paperlab"}
    root = ET.fromstring(run(q, "--format", "xml").stdout_bytes)
    assert root.tag == SR + "sparql"
    assert root.find(f"{SR}results/{SR}result/{SR}binding[@name='s']/{SR}uri").text == ID + "paperlab"


def test_ask():
    assert run("ASK { id:svet a kzg:Source }").output == "true\n"
    assert json.loads(run("ASK { id:nobody a kzg:Source }", "--format", "json").output) == {"head": {}, "boolean": False}
    r = run("ASK { ?s ?p ?o }", "--format", "csv")
    assert r.exit_code == 2
    assert "define no ASK result" in r.output


@pytest.mark.parametrize("fmt,rdflib_fmt", [(None, "turtle"), ("ttl", "turtle"), ("nt", "nt"), ("jsonld", "json-ld")])
def test_construct_formats(fmt, rdflib_fmt):
    import rdflib

    args = ["CONSTRUCT { ?s kzg:foundedIn ?y } WHERE { ?s kzg:foundedIn ?y }"]
    if fmt:
        args += ["--format", fmt]
    r = run(*args)
    assert r.exit_code == 0, r.output
    g = rdflib.Graph().parse(data=r.output, format=rdflib_fmt)
    assert len(g) == 3


def test_output_file_is_written_atomically(tmp_path):
    out = tmp_path / "answers.csv"
    out.write_text("old")
    r = run(SOURCES, "--format", "csv", "-o", str(out))
    assert r.exit_code == 0 and r.output == ""
    assert out.read_bytes().startswith(b"s\r\n")
    assert sorted(os.listdir(tmp_path)) == ["answers.csv"]  # no temp file left behind


def test_failed_query_leaves_output_untouched(tmp_path):
    out = tmp_path / "answers.csv"
    out.write_text("old")
    assert run("SELECT * WHERE {", "-o", str(out)).exit_code == 2
    assert out.read_text() == "old"


# ---------------------------------------------------------------- query sources


def test_query_from_file_and_stdin(tmp_path):
    f = tmp_path / "q.rq"
    f.write_text(SOURCES)
    assert run("-f", str(f)).output.splitlines()[2] == "id:kok-team"
    assert run("-f", "-", input=SOURCES).output.splitlines()[2] == "id:kok-team"


@pytest.mark.parametrize("args", [[], [SOURCES, "-n", "founded-in"], ["-f", "x.rq", "-n", "founded-in"]])
def test_exactly_one_query_source(args):
    r = run(*args)
    assert r.exit_code == 2
    assert "exactly one of QUERY, -f FILE or -n NAME" in r.output


def test_missing_query_file():
    r = run("-f", "no/such.rq")
    assert r.exit_code == 2
    assert "no/such.rq: no such query file" in r.output


# ---------------------------------------------------------------- named queries and parameters


def test_named_query_with_param():
    r = run("-n", "founded-in", "--param", "year=2018", "--format", "csv")
    assert r.exit_code == 0, r.output
    assert r.stdout_bytes == f"source,name\r\n{ID}paperlab,PaperLab\r\n{ID}svet,SVET\r\n".encode()


def test_required_param_missing():
    r = run("-n", "founded-in")
    assert r.exit_code == 2
    assert "needs --param year=VALUE" in r.output


def test_slug_param_and_labels():
    r = run("-n", "sources-by-topic", "--param", "topic=violence", "--labels", "kk", "--format", "csv")
    assert r.exit_code == 0, r.output
    assert r.stdout_bytes.decode().splitlines() == [
        "source,name,topicLabel",
        f"{ID}paperlab,PaperLab,",
        f"{ID}svet,SVET,зорлық-зомбылық",
    ]
    r = run("-n", "sources-by-topic", "--param", "topic=topic:violence", "--format", "csv")
    assert r.stdout_bytes.decode().splitlines()[1:] == [
        f"{ID}paperlab,PaperLab,domestic violence",  # --labels defaults to en
        f"{ID}svet,SVET,violence",
    ]


def test_unknown_param_lists_declared():
    r = run("-n", "sources-by-topic", "--param", "colour=red")
    assert r.exit_code == 2
    assert "unknown parameter 'colour': the query declares topic, labelLang" in r.output


@pytest.mark.parametrize("value", ["} ?s ?p ?o {", 'violence> } ?s ?p ?o { <x', "http://x/a b"])
def test_injection_attempts_are_refused(value):
    r = run("-n", "sources-by-topic", "--param", f"topic={value}")
    assert r.exit_code == 2
    assert "kzgraph: error:" in r.output


def test_injection_in_a_string_param_stays_a_literal():
    q = 'SELECT ?v WHERE { VALUES ?v { UNDEF } }'
    r = run(q, "--param", 'v=x" } ?s ?p ?o { "', "--format", "json")
    assert r.exit_code == 0, r.output
    assert json.loads(r.output)["results"]["bindings"] == [{"v": {"type": "literal", "value": 'x" } ?s ?p ?o { "'}}]


def test_unknown_named_query_suggests():
    r = run("-n", "sources-by-topik")
    assert r.exit_code == 2
    assert r.output.strip() == "kzgraph: error: unknown named query 'sources-by-topik'; did you mean sources-by-topic?"


def test_queries_lists_named_queries():
    r = CliRunner().invoke(main, ["queries"])
    assert r.exit_code == 0, r.output
    lines = r.output.splitlines()
    assert lines[0].split() == ["name", "title", "params"]
    assert any(line.startswith("founded-in") and line.endswith("year*") for line in lines)
    assert any(line.startswith("sources-by-topic") and line.endswith("topic, labelLang") for line in lines)
    doc = json.loads(CliRunner().invoke(main, ["queries", "--format", "json"]).output)
    assert [q["name"] for q in doc] == ["any-source", "founded-in", "sources-by-topic"]
    assert doc[1]["params"] == [
        {"name": "year", "kind": "year", "required": True, "description": "the founding year (required)"}
    ]


# ---------------------------------------------------------------- refusals


@pytest.mark.parametrize(
    "text",
    [
        "INSERT DATA { id:x a kzg:Source }",
        "DELETE WHERE { ?s ?p ?o }",
        "DROP ALL",
        "CLEAR DEFAULT",
        "LOAD <file:///etc/passwd>",
        "PREFIX ex: <http://x/> WITH ex:g DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
    ],
)
def test_updates_refused_and_files_untouched(tmp_path, text):
    root = tmp_path / "root"
    shutil.copytree(ROOT, root)
    before = tree_digest(root)
    r = CliRunner().invoke(main, ["query", "--root", str(root), text])
    assert r.exit_code == 2
    assert "updates are not allowed: kzgraph query is read-only" in r.output
    assert tree_digest(root) == before


def test_service_refused_unless_allowed():
    q = "SELECT * WHERE { SERVICE <http://127.0.0.1:1/sparql> { ?s ?p ?o } }"
    r = run(q)
    assert r.exit_code == 2
    assert "pass --allow-service" in r.output
    assert run('SELECT * WHERE { ?s ?p "SERVICE" } LIMIT 1').exit_code == 0
    r = run(q, "--allow-service")
    assert r.exit_code == 3  # allowed: the engine tries, and the closed port fails it


def test_from_reads_no_file(tmp_path):
    secret = tmp_path / "secret.ttl"
    secret.write_text("<http://x/secret> <http://x/p> <http://x/o> .\n")
    for q in [
        f"SELECT * FROM <{secret.as_uri()}> WHERE {{ ?s ?p ?o }}",
        "SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }",
        f"SELECT * FROM NAMED <{secret.as_uri()}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
    ]:
        r = run(q, "--format", "csv")
        assert r.exit_code == 0, r.output
        assert r.stdout_bytes.count(b"\r\n") == 1  # the header only


def test_syntax_error_names_line_and_column(tmp_path):
    r = run("SELECT ?s\nWHERE { ?s ?p }")
    assert r.exit_code == 2
    assert r.output.startswith("kzgraph: error: <query>:2:")
    assert "SPARQL syntax error" in r.output
    f = tmp_path / "bad.rq"
    f.write_text("# a comment\nSELECT ?s\nWHERE { ?s ?p }\n")
    r = run("-f", str(f))
    assert r.exit_code == 2
    assert r.output.startswith(f"kzgraph: error: {f}:3:15: SPARQL syntax error")


def test_infer_answers_over_the_closure():
    q = "SELECT ?s WHERE { ?s a dcat:Resource } ORDER BY ?s"
    assert run(q, "--format", "csv").stdout_bytes == b"s\r\n"
    r = run(q, "--format", "csv", "--infer", "rdfs")
    assert r.exit_code == 0, r.output
    assert r.stdout_bytes.decode().split("\r\n")[1:4] == [ID + "kok-team", ID + "paperlab", ID + "svet"]


# ---------------------------------------------------------------- timeout (real process)


def test_timeout_exits_3(tmp_path):
    big = tmp_path / "big.nt"
    big.write_text("".join(f'<http://x/s{i}> <http://x/p> "{i}" .\n' for i in range(2000)))
    q = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?p ?b . ?c ?q ?d . ?e ?r ?f }"
    start = time.monotonic()
    proc = subprocess.run(
        [sys.executable, "-m", "kzgraph", "query", "--root", str(ROOT), "--data", str(big), "--timeout", "1", q],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert proc.returncode == 3, proc.stderr
    assert proc.stderr.strip() == "kzgraph: error: query timed out after 1 s; simplify it or raise --timeout"
    assert time.monotonic() - start < 6


def test_query_command_imports_no_rdflib():
    code = (
        "import sys\n"
        "from kzgraph.cli import main\n"
        f"try: main(['query', '--root', {str(ROOT)!r}, '--format', 'json', {SOURCES!r}])\n"
        "except SystemExit as e: assert e.code in (0, None), e.code\n"
        "bad = [m for m in ('rdflib', 'pyshacl', 'owlrl') if m in sys.modules]\n"
        "sys.stderr.write('IMPORTED:' + ','.join(bad))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=30)
    assert proc.stderr.strip().endswith("IMPORTED:"), proc.stderr


def test_help_has_summary_and_example():
    for cmd in ("query", "queries"):
        r = CliRunner().invoke(main, [cmd, "--help"])
        assert r.exit_code == 0
        assert "Example:" in r.output
        assert f"kzgraph {cmd}" in r.output.split("Example:")[1]


