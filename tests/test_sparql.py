"""The SPARQL runner: read-only, offline, parameters bound as terms, time-limited."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pyoxigraph as ox
import pytest

from kzgraph.errors import InputError, RuntimeFailure, UsageError
from kzgraph.query.named import get_named, list_named, parse_named
from kzgraph.query.sparql import (
    bind_parameters,
    check_query,
    declared_parameters,
    parse_param_value,
    run_query,
    tokenize,
)

FIXTURES = Path(__file__).parent / "fixtures" / "query"
ROOT = FIXTURES / "root"
QUERIES = FIXTURES / "queries"
ID = "https://w3id.org/kzgraph/id/"
TOPIC = "https://w3id.org/kzgraph/vocab/topic/"


@pytest.fixture(scope="module")
def store() -> ox.Store:
    s = ox.Store()
    for f in sorted(ROOT.rglob("*.ttl")):
        s.bulk_load(path=str(f), format=ox.RdfFormat.TURTLE)
    return s


def values(result, var):
    i = result.variables.index(var)
    return [row[i].value if row[i] is not None else None for row in result.rows]


# ---------------------------------------------------------------- read-only

UPDATES = [
    "INSERT DATA { <http://x/a> <http://x/p> 1 }",
    "DELETE WHERE { ?s ?p ?o }",
    "delete { ?s ?p ?o } where { ?s ?p ?o }",
    "LOAD <http://example.org/x.ttl>",
    "CLEAR ALL",
    "DROP GRAPH <http://x/g>",
    "CREATE GRAPH <http://x/g>",
    "ADD DEFAULT TO <http://x/g>",
    "MOVE DEFAULT TO <http://x/g>",
    "COPY DEFAULT TO <http://x/g>",
    "WITH <http://x/g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
    "PREFIX ex: <http://x/>\nBASE <http://x/>\n# a comment\nINSERT DATA { ex:a ex:p 1 }",
]


@pytest.mark.parametrize("text", UPDATES)
def test_updates_are_refused_before_running(store, text):
    before = len(store)
    with pytest.raises(UsageError, match="read-only") as exc:
        run_query(store, text)
    assert exc.value.exit_code == 2
    assert len(store) == before


def test_update_words_in_strings_iris_and_comments_are_not_operations(store):
    q = '# INSERT DATA\nSELECT ?s WHERE { ?s ?p "DELETE" . FILTER(?s != <http://x/DROP>) }'
    assert run_query(store, q).kind == "select"


# ---------------------------------------------------------------- SERVICE


@pytest.mark.parametrize(
    "text",
    [
        "SELECT * WHERE { SERVICE <http://127.0.0.1:1/sparql> { ?s ?p ?o } }",
        "SELECT * WHERE { service silent <http://127.0.0.1:1/sparql> { ?s ?p ?o } }",
        "SELECT * WHERE { ?s ?p ?o . SERVICE ?endpoint { ?s ?p ?o } }",
        "SELECT * WHERE { ?s ?p true.SERVICE <http://127.0.0.1:1/> { ?s ?p ?o } }",
        'SELECT * WHERE { ?s ?p "x" SERVICE <http://127.0.0.1:1/> { } }',
    ],
)
def test_service_is_refused_before_execution(store, text):
    with pytest.raises(UsageError, match="allow-service"):
        run_query(store, text)


@pytest.mark.parametrize(
    "text",
    [
        'SELECT * WHERE { ?s ?p ?o FILTER(?o != "SERVICE <http://x/> { }") }',
        "SELECT * WHERE { ?s ?p ?o FILTER(?o != '''a\nSERVICE''') }",
        "SELECT * WHERE { ?s ?p ?o FILTER(?s != <http://x/SERVICE>) }",
        "# SERVICE <http://x/> { }\nSELECT * WHERE { ?s ?p ?o }",
        "PREFIX service: <http://x/>\nSELECT * WHERE { ?s ?p service:x }",
        "PREFIX t: <http://x/>\nSELECT * WHERE { ?s ?p t:public-service }",
    ],
)
def test_service_inside_strings_iris_comments_names_is_fine(store, text):
    check_query(text)
    run_query(store, text)


def test_service_allowed_reaches_the_engine(store):
    # allowed: pyoxigraph really tries HTTP; port 1 on localhost refuses at once
    with pytest.raises((RuntimeFailure, InputError)):
        run_query(
            store, "SELECT * WHERE { SERVICE <http://127.0.0.1:1/sparql> { ?s ?p ?o } }", allow_service=True
        )


def test_less_than_is_not_taken_for_an_iri():
    toks = tokenize("SELECT * WHERE { ?s ?p ?o FILTER(?o < 3 && ?o > 1) SERVICE <http://x/> {} }")
    assert any(t.kind == "word" and t.value == "SERVICE" for t in toks)


# ---------------------------------------------------------------- FROM reads nothing


def test_from_file_and_url_read_nothing(store, tmp_path):
    f = tmp_path / "secret.ttl"
    f.write_text("<http://x/secret> <http://x/p> <http://x/o> .\n")
    for q in [
        f"SELECT * FROM <{f.as_uri()}> WHERE {{ ?s ?p ?o }}",
        "SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }",
        f"SELECT * FROM NAMED <{f.as_uri()}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
        "SELECT * FROM <http://127.0.0.1:1/data.ttl> WHERE { ?s ?p ?o }",
    ]:
        assert run_query(store, q).rows == []


# ---------------------------------------------------------------- syntax errors


def test_syntax_error_names_line_and_column(store):
    with pytest.raises(InputError) as exc:
        run_query(store, "SELECT ?s\nWHERE { ?s ?p }")
    assert exc.value.exit_code == 2
    # pyoxigraph reports the end of the input here; we point at the last character
    assert (exc.value.line, exc.value.column) == (2, 15)
    assert "line 2, column 15" in str(exc.value)
    with pytest.raises(InputError) as exc:
        run_query(store, "SELECT ?s\nWHERE { ?s ?p ?o FILTER(?s = ) }\n\n")
    assert exc.value.line == 2


# ---------------------------------------------------------------- parameters


def test_declared_parameters_ignore_comments_and_strings():
    q = '# VALUES ?a { UNDEF }\nSELECT * WHERE { VALUES ?b { UNDEF } ?s ?p "VALUES ?c { UNDEF }" VALUES $d {UNDEF} }'
    assert declared_parameters(q) == ["b", "d"]


def test_bind_replaces_only_the_declared_block():
    q = "SELECT * WHERE { VALUES ?topic { UNDEF } VALUES ?x { UNDEF } ?s ?p ?topic }"
    out = bind_parameters(q, {"topic": ox.NamedNode(TOPIC + "violence")})
    assert out == (
        f"SELECT * WHERE {{ VALUES ?topic {{ <{TOPIC}violence> }} VALUES ?x {{ UNDEF }} ?s ?p ?topic }}"
    )



def test_bind_a_list_of_terms_gives_one_solution_per_term():
    q = "SELECT ?topic WHERE { VALUES ?topic { UNDEF } VALUES ?x { UNDEF } }"
    terms = [ox.NamedNode(TOPIC + "violence"), ox.Literal("a } b")]
    out = bind_parameters(q, {"topic": terms})
    assert out == f'SELECT ?topic WHERE {{ VALUES ?topic {{ <{TOPIC}violence> "a }} b" }} VALUES ?x {{ UNDEF }} }}'
    store = ox.Store()
    assert [s["topic"] for s in store.query(out)] == terms
    assert list(store.query(bind_parameters(q, {"topic": []}))) == []
    with pytest.raises(UsageError, match="only IRIs and literals"):
        bind_parameters(q, {"topic": [ox.BlankNode("b")]})

def test_unknown_parameter_lists_declared_ones():
    with pytest.raises(UsageError, match="declares topic, year"):
        bind_parameters("SELECT * WHERE { VALUES ?year { UNDEF } VALUES ?topic { UNDEF } }", {"x": ox.Literal("1")})


def test_parameter_on_query_without_block():
    with pytest.raises(UsageError, match="declares none"):
        bind_parameters("SELECT * WHERE { ?s ?p ?o }", {"x": ox.Literal("1")})


INJECTIONS = [
    '"} ?s ?p ?o {',
    "x\" } } ; DROP ALL ; SELECT * { \"",
    "} ?s ?p ?o {",
    "violence> } ?s ?p ?o { <x",
    "\\\" } ?s ?p ?o { \"",
]


@pytest.mark.parametrize("value", INJECTIONS)
def test_malicious_values_are_bound_as_one_literal(store, value):
    q = "SELECT ?v (COUNT(*) AS ?n) WHERE { VALUES ?v { UNDEF } } GROUP BY ?v"
    term = parse_param_value(value, "string")
    r = run_query(store, q, bindings={"v": term})
    assert [row[0].value for row in r.rows] == [value]
    assert r.rows[0][1].value == "1"


@pytest.mark.parametrize("value", INJECTIONS)
def test_malicious_values_are_refused_as_iris(store, value):
    with pytest.raises(UsageError):
        parse_param_value(value, "iri", catalogue=store)


def test_auto_kind_never_lets_text_out_of_its_literal(store):
    for value in INJECTIONS:
        term = parse_param_value(value, "auto", catalogue=store)
        assert isinstance(term, ox.Literal) and term.value == value


def test_slug_resolves_to_the_concept(store):
    assert parse_param_value("violence", "iri", catalogue=store) == ox.NamedNode(TOPIC + "violence")
    assert parse_param_value("topic/violence", "iri", catalogue=store) == ox.NamedNode(TOPIC + "violence")
    assert parse_param_value("topic:violence", "iri", prefixes={"topic": TOPIC}) == ox.NamedNode(TOPIC + "violence")
    with pytest.raises(UsageError, match="not an absolute IRI"):
        parse_param_value("no-such-topic", "iri", catalogue=store)


@pytest.mark.parametrize("kind,value", [("year", "20x8"), ("integer", "1 } {"), ("boolean", "yes")])
def test_typed_values_are_validated(kind, value):
    with pytest.raises(UsageError, match=f"not a valid {kind}"):
        parse_param_value(value, kind)


def test_named_query_with_parameter(store):
    q = get_named("founded-in", QUERIES)
    r = run_query(store, q.text, bindings={"year": parse_param_value("2018", "year")})
    assert values(r, "name") == ["PaperLab", "SVET"]


def test_topic_includes_narrower_topics(store):
    q = get_named("sources-by-topic", QUERIES)
    r = run_query(
        store,
        q.text,
        bindings={"topic": parse_param_value("violence", "iri", catalogue=store), "labelLang": ox.Literal("ru")},
    )
    assert values(r, "source") == [ID + "paperlab", ID + "svet"]
    assert values(r, "topicLabel") == ["домашнее насилие", "насилие"]


# ---------------------------------------------------------------- named queries


def test_list_named_reads_headers():
    named = {q.name: q for q in list_named(QUERIES)}
    assert sorted(named) == ["any-source", "founded-in", "sources-by-topic"]
    q = named["sources-by-topic"]
    assert q.title == "Sources by topic"
    assert q.question.startswith("Which sources address")
    assert [(p.name, p.kind, p.required) for p in q.params] == [("topic", "iri", False), ("labelLang", "lang", False)]
    assert named["founded-in"].params[0].required


def test_unknown_named_query_suggests_close_names():
    with pytest.raises(UsageError, match="did you mean founded-in"):
        get_named("founded", QUERIES)
    with pytest.raises(UsageError, match="unknown named query '../etc/passwd'"):
        get_named("../etc/passwd", QUERIES)


@pytest.mark.parametrize(
    "text,message",
    [
        ("# question: q?\nSELECT * {}", "no '# title"),
        ("# title: t\n# question: q?\n# parm: x — y\nSELECT * {}", "unknown header field 'parm'"),
        ("# title: t\n# question: q?\n# param: x\nSELECT * { VALUES ?x { UNDEF } }", "write a parameter"),
        ("# title: t\n# question: q?\n# param: x — y\nSELECT * {}", r"no 'VALUES \?name"),
        ("# title: t\n# question: q?\nSELECT * { VALUES ?x { UNDEF } }", "does not declare"),
        ("# title: t\n# title: u\n# question: q?\nSELECT * {}", "given twice"),
        ("# free text\n# title: t\nSELECT * {}", "header lines must be"),
        ("# title: t\n# question: q?\n# param: x (colour) — y\nSELECT * { VALUES ?x { UNDEF } }", "kind 'colour'"),
    ],
)
def test_malformed_header_names_the_file(tmp_path, text, message):
    p = tmp_path / "bad.rq"
    p.write_text(text)
    with pytest.raises(InputError, match=message) as exc:
        parse_named(p)
    assert str(exc.value).startswith(str(p))


def test_real_named_queries_parse():
    """Every query shipped in the package has a valid header (whatever is there so far)."""
    for q in list_named():
        assert q.title and q.question


# ---------------------------------------------------------------- timeout


def test_timeout_kills_an_expensive_query():
    s = ox.Store()
    s.extend(
        ox.Quad(ox.NamedNode(f"http://x/s{i}"), ox.NamedNode("http://x/p"), ox.Literal(str(i))) for i in range(2000)
    )
    q = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?p ?b . ?c ?q ?d . ?e ?r ?f }"
    start = time.monotonic()
    with pytest.raises(RuntimeFailure, match=r"timed out after 1 s; simplify it or raise --timeout") as exc:
        run_query(s, q, timeout=1)
    assert exc.value.exit_code == 3
    assert time.monotonic() - start < 4


def test_timeout_returns_results_and_errors_from_the_child(store):
    r = run_query(store, "SELECT ?s WHERE { ?s a <https://w3id.org/kzgraph/ontology#Source> } ORDER BY ?s", timeout=10)
    assert values(r, "s") == [ID + "kok-team", ID + "paperlab", ID + "svet"]
    with pytest.raises(InputError) as exc:
        run_query(store, "SELECT * WHERE {", timeout=10)
    assert exc.value.line == 1


# ---------------------------------------------------------------- no rdflib on the query path


def test_query_path_does_not_import_rdflib():
    code = (
        "import sys, pyoxigraph as ox\n"
        "from kzgraph.query import sparql, results, named\n"
        "s = ox.Store()\n"
        "r = sparql.run_query(s, 'SELECT * WHERE { ?s ?p ?o }')\n"
        "for f in ('table', 'csv', 'tsv', 'json', 'xml'): results.render(r, f)\n"
        "named.list_named()\n"
        "bad = [m for m in ('rdflib', 'pyshacl', 'owlrl') if m in sys.modules]\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_timeout_works_without_fork(monkeypatch, store):
    """Platforms without fork (Windows, macOS default) reload the data from N-Quads in a spawned child."""
    import multiprocessing

    monkeypatch.setattr(multiprocessing, "get_all_start_methods", lambda: ["spawn"])
    r = run_query(store, "SELECT ?s WHERE { ?s a <https://w3id.org/kzgraph/ontology#Source> } ORDER BY ?s", timeout=20)
    assert values(r, "s") == [ID + "kok-team", ID + "paperlab", ID + "svet"]


def test_unbound_parameter_blocks_are_dropped_for_servers():
    from kzgraph.query.sparql import bind_parameters
    from kzgraph.store.remote import drop_unbound_parameters

    text = "SELECT * WHERE {\n  VALUES ?a { UNDEF }\n  ?s ?p ?o .\n  VALUES ?b {\n UNDEF }\n}"
    bound = bind_parameters(text, {"a": ox.NamedNode("https://example.org/x")})
    dropped = drop_unbound_parameters(bound)
    # the bound block stays, the unbound one goes, and every line break is kept (error positions)
    assert "VALUES ?a { <https://example.org/x> }" in dropped and "UNDEF" not in dropped
    assert dropped.count("\n") == text.count("\n")
    assert drop_unbound_parameters("SELECT * WHERE { ?s ?p 'VALUES ?a { UNDEF }' }") == "SELECT * WHERE { ?s ?p 'VALUES ?a { UNDEF }' }"
