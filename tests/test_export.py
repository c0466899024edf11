"""kzgraph export: every format round-trips, output is byte-for-byte reproducible, views conform."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest

from kzgraph import output as atomic
from kzgraph import export as ex
from kzgraph import iris
from kzgraph.export import profiles

REPO = Path(__file__).resolve().parent.parent
FIXTURE_ROOT = Path(__file__).resolve().parent / "fixtures" / "export" / "root"
DCAT_AP_SHAPES = Path(__file__).resolve().parent / "fixtures" / "dcat-ap-shapes.ttl"

# format -> (rdflib parser name, pyoxigraph format or None)
PARSERS = {
    "ttl": ("turtle", ox.RdfFormat.TURTLE),
    "nt": ("nt", ox.RdfFormat.N_TRIPLES),
    "nq": ("nquads", ox.RdfFormat.N_QUADS),
    "trig": ("trig", ox.RdfFormat.TRIG),
    "rdfxml": ("xml", ox.RdfFormat.RDF_XML),
    "jsonld": ("json-ld", None),
}


# ---------------------------------------------------------------- helpers


@pytest.fixture(scope="module")
def fixture_root(tmp_path_factory) -> Path:
    """A copy of the fixture graph with the project's real context in ontology/context.jsonld."""
    root = tmp_path_factory.mktemp("export") / "root"
    shutil.copytree(FIXTURE_ROOT, root)
    shutil.copy(REPO / "ontology" / "context.jsonld", root / "ontology" / "context.jsonld")
    return root


def load(root: Path):
    from kzgraph.load import load_catalogue
    from kzgraph.paths import resolve_layout

    layout = resolve_layout(root)
    return layout, load_catalogue(layout)


@pytest.fixture(scope="module")
def fixture_graph(fixture_root):
    layout, catalogue = load(fixture_root)
    return layout, catalogue, ex.prepare(ex.catalogue_triples(catalogue))


@pytest.fixture(scope="module")
def real_graph():
    if not (REPO / "ontology" / "kzg.ttl").is_file():
        pytest.skip("the real catalogue is not there yet")
    layout, catalogue = load(REPO)
    return layout, catalogue, ex.prepare(ex.catalogue_triples(catalogue))


def to_rdflib(triples):
    from kzgraph.load import to_rdflib as convert

    return convert(ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in triples)


def parse_rdflib(data: bytes, fmt: str):
    import rdflib

    name = PARSERS[fmt][0]
    if fmt in ("nq", "trig"):
        dataset = rdflib.Dataset()
        dataset.parse(data=data, format=name)
        graph = rdflib.Graph()
        for s, p, o, _ in dataset.quads((None, None, None, None)):
            graph.add((s, p, o))
        return graph
    graph = rdflib.Graph()
    graph.parse(data=data, format=name)
    return graph


def normalized(graph):
    """Return ``graph`` with typed literals in rdflib's normal form.

    rdflib's parsers re-spell typed literals ("0150"^^xsd:integer becomes "150"), so graphs read
    by rdflib are compared modulo that; the exact spelling is checked with pyoxigraph and pyld.
    """
    import rdflib

    out = rdflib.Graph()
    for s, p, o in graph:
        if isinstance(o, rdflib.Literal) and o.datatype is not None:
            o = rdflib.Literal(str(o), datatype=o.datatype, normalize=True)
            o = rdflib.Literal(str(o), datatype=o.datatype)
        out.add((s, p, o))
    return out


def nt_set(triples) -> set[str]:
    return {ex.nt_line(t) for t in triples}


def pyld_expand_to_nquads(data: bytes) -> str:
    from pyld import jsonld

    document = json.loads(data)
    return jsonld.to_rdf(
        document,
        {"format": "application/n-quads", "documentLoader": ex.refuse_remote, "processingMode": "json-ld-1.1"},
    )


def assert_isomorphic(expected, got, what: str) -> None:
    from rdflib.compare import graph_diff, isomorphic, to_isomorphic

    if not isomorphic(expected, got):
        _, only_expected, only_got = graph_diff(to_isomorphic(expected), to_isomorphic(got))
        lost = sorted(t.n3() if hasattr(t, "n3") else str(t) for t in list(only_expected)[:5])
        extra = sorted(str(t) for t in list(only_got)[:5])
        pytest.fail(f"{what}: not isomorphic; lost {lost}, gained {extra}")


def context_of(layout):
    return ex.load_context(layout.context_file)


# ---------------------------------------------------------------- round trips


@pytest.mark.parametrize("fmt", sorted(PARSERS))
def test_every_format_round_trips_on_the_fixture(fixture_graph, fmt):
    layout, _, triples = fixture_graph
    data = ex.serialize(triples, fmt, context=context_of(layout))
    assert_isomorphic(normalized(to_rdflib(triples)), normalized(parse_rdflib(data, fmt)), f"{fmt} export")


@pytest.mark.parametrize("fmt", sorted(f for f, (_, oxf) in PARSERS.items() if oxf is not None))
def test_pyoxigraph_reads_back_exactly_the_same_triples(fixture_graph, fmt):
    # pyoxigraph is an independent implementation, and compares lexical forms exactly
    # ("0150"^^xsd:integer, "0.50"^^xsd:decimal stay as written).
    layout, _, triples = fixture_graph
    data = ex.serialize(triples, fmt, context=context_of(layout))
    parsed = ox.parse(data, format=PARSERS[fmt][1])
    assert {ex.nt_line(ox.Triple(q.subject, q.predicate, q.object)) for q in parsed} == nt_set(triples)


@pytest.mark.parametrize("expanded", [False, True])
def test_jsonld_expanded_by_pyld_gives_the_same_triples(fixture_graph, expanded):
    layout, _, triples = fixture_graph
    data = ex.serialize(triples, "jsonld", context=context_of(layout), expanded=expanded)
    nquads = pyld_expand_to_nquads(data)
    parsed = ox.parse(nquads.encode("utf-8"), format=ox.RdfFormat.N_QUADS)
    assert {ex.nt_line(ox.Triple(q.subject, q.predicate, q.object)) for q in parsed} == nt_set(triples)


def test_compacted_jsonld_embeds_the_project_context_and_uses_short_keys(fixture_graph):
    layout, _, triples = fixture_graph
    document = json.loads(ex.serialize(triples, "jsonld", context=context_of(layout)))
    assert document["@context"] == context_of(layout)["@context"]
    nodes = {node["@id"]: node for node in document["@graph"]}
    ngo = nodes["id:feminist-ngo"]
    assert ngo["label"] == {"en": "Feminist NGO", "kk": "Феминистік ҮЕҰ", "ru": "Феминистская НКО"}
    assert ngo["foundingYear"] == "2018"
    assert ngo["primaryLanguage"] == ["lang:KAZ", "lang:RUS"]
    assert nodes["id:gender-portal"]["sampleSize"] == "0150"


def test_no_remote_context_is_ever_fetched():
    from pyld import jsonld

    with pytest.raises(jsonld.JsonLdError):
        jsonld.expand(
            {"@context": "https://schema.org/", "name": "x"}, {"documentLoader": ex.refuse_remote}
        )


def test_context_file_is_inline_and_covers_every_ontology_term():
    """Every kzg: term of the ontology has a short key; object properties are @id, typed ones typed."""
    context = json.loads((REPO / "ontology" / "context.jsonld").read_text(encoding="utf-8"))["@context"]
    if not (REPO / "ontology" / "kzg.ttl").is_file():
        pytest.skip("ontology not written yet")
    store = ox.Store()
    store.load(path=str(REPO / "ontology" / "kzg.ttl"), format=ox.RdfFormat.TURTLE)
    rdf_type = ox.NamedNode(iris.RDF + "type")
    missing = []
    for quad in store.quads_for_pattern(None, rdf_type, None, None):
        term = quad.subject.value
        if not term.startswith(iris.KZG):
            continue
        local = term[len(iris.KZG):]
        entry = context.get(local)
        target = entry["@id"] if isinstance(entry, dict) else entry
        if target != "kzg:" + local:
            missing.append(local)
            continue
        if quad.object.value == iris.OWL + "ObjectProperty":
            assert entry.get("@type") == "@id", f"{local} is an object property: give it \"@type\": \"@id\""
        if quad.object.value == iris.OWL + "DatatypeProperty":
            ranges = [q.object.value for q in store.quads_for_pattern(quad.subject, ox.NamedNode(iris.RDFS + "range"), None, None)]
            if ranges and ranges[0] not in (iris.XSD + "string",) and isinstance(entry, dict) and "@container" not in entry:
                assert entry.get("@type") == "xsd:" + ranges[0][len(iris.XSD):], f"{local}: coerce to its range"
    assert not missing, f"add these kzg: terms to ontology/context.jsonld: {sorted(set(missing))}"
    # A key is either the project's prefix of that name or, for channel and format (kzg:channel,
    # and dcterms:format left as a compact IRI), absent as a prefix: concepts then compact as
    # vocab:channel/website, vocab:data-format/csv.
    for name, namespace in iris.PREFIXES.items():
        value = context.get(name)
        if name == "channel":
            assert value == {"@id": "kzg:channel", "@type": "@id"}
        else:
            assert value is None or value == namespace, f"context key {name!r} clashes with the prefix"


def test_real_catalogue_round_trips_in_every_format(real_graph):
    layout, _, triples = real_graph
    source = to_rdflib(triples)
    context = context_of(layout)
    for fmt in sorted(PARSERS):
        data = ex.serialize(triples, fmt, context=context)
        assert_isomorphic(normalized(source), normalized(parse_rdflib(data, fmt)), f"{fmt} export of the catalogue")
        if PARSERS[fmt][1] is not None:
            parsed = ox.parse(data, format=PARSERS[fmt][1])
            assert {ex.nt_line(ox.Triple(q.subject, q.predicate, q.object)) for q in parsed} == nt_set(triples), fmt
    nquads = pyld_expand_to_nquads(ex.serialize(triples, "jsonld", context=context))
    parsed = ox.parse(nquads.encode("utf-8"), format=ox.RdfFormat.N_QUADS)
    assert {ex.nt_line(ox.Triple(q.subject, q.predicate, q.object)) for q in parsed} == nt_set(triples)


# ---------------------------------------------------------------- canonical term syntax


def test_ntriples_term_syntax_is_canonical():
    literal = ox.Literal('a"b\\c\nd\re\tf\bg\fh\x01i\x7fj é 🙂')
    assert ex.nt_term(literal) == '"a\\"b\\\\c\\nd\\re\\tf\\bg\\fh\\u0001i\\u007Fj é 🙂"'
    assert ex.nt_term(ox.Literal("x", datatype=ox.NamedNode(iris.XSD + "string"))) == '"x"'
    assert ex.nt_term(ox.Literal("x", language="kk")) == '"x"@kk'
    assert ex.nt_term(ox.Literal("7", datatype=ox.NamedNode(iris.XSD + "integer"))) == (
        '"7"^^<http://www.w3.org/2001/XMLSchema#integer>'
    )


def test_blank_nodes_get_canonical_labels_whatever_they_were_called():
    p = ox.NamedNode("http://example.org/p")

    def graph(a: str, b: str):
        return [
            ox.Triple(ox.NamedNode("http://example.org/s"), p, ox.BlankNode(a)),
            ox.Triple(ox.BlankNode(a), p, ox.BlankNode(b)),
            ox.Triple(ox.BlankNode(b), p, ox.Literal("end")),
        ]

    first = ex.write_ntriples(ex.prepare(graph("x1", "x2")))
    second = ex.write_ntriples(ex.prepare(graph("zz", "aa")))
    assert first == second


def test_rdfxml_refuses_characters_xml_cannot_hold():
    from kzgraph.errors import RuntimeFailure

    triple = ox.Triple(ox.NamedNode("http://example.org/s"), ox.NamedNode("http://example.org/p"), ox.Literal("a\x01b"))
    with pytest.raises(RuntimeFailure, match="XML"):
        ex.write_rdfxml([triple])
    # The other formats still carry it.
    assert ox.parse(ex.write_ntriples([triple]), format=ox.RdfFormat.N_TRIPLES)


def test_turtle_is_long_form_with_only_the_prefixes_used(fixture_graph):
    _, _, triples = fixture_graph
    text = ex.write_turtle(triples).decode("utf-8")
    declared = [line.split()[1][:-1] for line in text.splitlines() if line.startswith("@prefix")]
    assert declared == sorted(declared)
    body = text.split("\n\n", 1)[1]
    for name in declared:
        assert f"{name}:" in body, f"prefix {name} declared but unused"
    assert "\nid:feminist-ngo\n    a kzg:Source,\n        org:Organization ;\n" in text
    assert '    kzg:sampleSize "0150"^^xsd:integer ;\n' in text  # non-canonical spelling kept visible
    assert "    kzg:missingShareAtLeast 0.50 ;\n" not in text


def test_trig_and_nquads_use_the_documented_named_graph(fixture_graph):
    _, _, triples = fixture_graph
    for fmt in ("nq", "trig"):
        data = ex.serialize(triples, fmt)
        graphs = {q.graph_name for q in ox.parse(data, format=PARSERS[fmt][1])}
        assert graphs == {ox.NamedNode(iris.GRAPH)}


# ---------------------------------------------------------------- determinism


def run_kzgraph(args: list[str], seed: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONHASHSEED": seed}
    return subprocess.run(
        [sys.executable, "-m", "kzgraph", *args], cwd=cwd, env=env, capture_output=True, timeout=300
    )


@pytest.mark.parametrize("which", ["fixture", "real"])
def test_two_processes_with_different_hash_seeds_write_identical_files(tmp_path, fixture_root, which):
    if which == "real" and not (REPO / "ontology" / "kzg.ttl").is_file():
        pytest.skip("the real catalogue is not there yet")
    root = fixture_root if which == "fixture" else REPO
    outputs = []
    for seed in ("1", "2718"):
        target = tmp_path / f"seed-{seed}"
        result = run_kzgraph(["export", "--root", str(root), "--all", str(target)], seed, tmp_path)
        assert result.returncode == 0, result.stderr.decode()
        outputs.append({p.name: p.read_bytes() for p in sorted(target.iterdir())})
    assert sorted(outputs[0]) == sorted(
        ["README.md", "VERSION", "context.jsonld", *(name for name, *_ in ex.ALL_FILES)]
    )
    for name in outputs[0]:
        assert outputs[0][name] == outputs[1][name], f"{name} differs between PYTHONHASHSEED runs"


def test_stdout_export_matches_the_all_file(tmp_path, fixture_root):
    target = tmp_path / "all"
    assert run_kzgraph(["export", "--root", str(fixture_root), "--all", str(target)], "3", tmp_path).returncode == 0
    for args, name in [
        ([], "kzgraph.ttl"),
        (["--format", "ntriples"], "kzgraph.nt"),
        (["--format", "json-ld"], "kzgraph.jsonld"),
        (["--format", "jsonld", "--expanded"], "kzgraph-expanded.jsonld"),
        (["--profile", "schema-org"], "kzgraph-schema-org.jsonld"),
        (["--profile", "dcat-ap"], "kzgraph-dcat-ap.ttl"),
    ]:
        result = run_kzgraph(["export", "--root", str(fixture_root), *args], "4", tmp_path)
        assert result.returncode == 0, result.stderr.decode()
        assert result.stdout == (target / name).read_bytes(), name


def test_all_writes_readme_and_version(tmp_path, fixture_graph, fixture_root):
    import hashlib

    target = tmp_path / "dist"
    assert run_kzgraph(["export", "--root", str(fixture_root), "--all", str(target)], "0", tmp_path).returncode == 0
    assert (target / "VERSION").read_text() == "9.8.7\n"  # the catalogue record's dcat:version
    readme = (target / "README.md").read_text()
    _, _, triples = fixture_graph
    for name, *_ in ex.ALL_FILES:
        data = (target / name).read_bytes()
        assert f"| {name} |" in readme
        assert f"`{hashlib.sha256(data).hexdigest()}`" in readme
        assert f"| {len(data)} |" in readme
    assert f"| kzgraph.nt | N-Triples | {len((target / 'kzgraph.nt').read_bytes())} | {len(triples)} |" in readme
    assert json.loads((target / "context.jsonld").read_text()) == json.loads(
        (REPO / "ontology" / "context.jsonld").read_text()
    )


def test_version_falls_back_to_the_package_version():
    from kzgraph import __version__

    assert ex.catalogue_version([]) == __version__


# ---------------------------------------------------------------- atomic writes


def test_failed_write_leaves_the_old_file_and_no_temporary(tmp_path, monkeypatch):
    target = tmp_path / "out.ttl"
    target.write_bytes(b"old content\n")
    real_fdopen = os.fdopen

    class Exploding:
        def __init__(self, handle):
            self.inner = real_fdopen(handle, "wb")

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.inner.close()
            return False

        def write(self, data):
            self.inner.write(data[: len(data) // 2])
            raise OSError(28, "No space left on device")

    monkeypatch.setattr(atomic.os, "fdopen", lambda handle, mode: Exploding(handle))
    from kzgraph.errors import RuntimeFailure

    with pytest.raises(RuntimeFailure, match="No space left"):
        ex.write_output(b"new content that is long enough\n" * 100, target)
    assert target.read_bytes() == b"old content\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.ttl"]


def test_interrupted_write_leaves_no_partial_file(tmp_path, monkeypatch):
    target = tmp_path / "new.nt"

    def interrupted(*args):
        raise KeyboardInterrupt

    monkeypatch.setattr(atomic.os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        ex.write_output(b"data\n", target)
    assert list(tmp_path.iterdir()) == []


def test_failing_export_through_the_cli_keeps_the_old_output(tmp_path, fixture_root, monkeypatch, runner):
    from kzgraph.cli import main

    target = tmp_path / "out.jsonld"
    target.write_text("previous\n")

    def broken(*args, **kwargs):
        raise ex.RuntimeFailure("JSON-LD compaction failed: simulated")

    monkeypatch.setattr(ex.jsonld, "compact_jsonld", broken)
    monkeypatch.setattr(ex.DirectCompactor, "compact_lines", broken)  # the path export takes now
    result = runner.invoke(main, ["export", "--root", str(fixture_root), "--format", "jsonld", "-o", str(target)])
    assert result.exit_code == 3
    assert "simulated" in result.output
    assert target.read_text() == "previous\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.jsonld"]


def test_written_file_gets_normal_permissions(tmp_path):
    target = tmp_path / "fresh.ttl"
    ex.write_output(b"x\n", target)
    umask = os.umask(0)
    os.umask(umask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~umask


# ---------------------------------------------------------------- CLI usage


@pytest.mark.parametrize(
    "args, message",
    [
        (["--all", "x", "--format", "nt"], "--all writes every format"),
        (["--format", "nt", "--expanded"], "--expanded applies to JSON-LD only"),
    ],
)
def test_usage_errors(runner, fixture_root, args, message):
    from kzgraph.cli import main

    result = runner.invoke(main, ["export", "--root", str(fixture_root), *args])
    assert result.exit_code == 2
    assert message in result.output


def test_export_has_help_with_an_example(runner):
    from kzgraph.cli import main

    result = runner.invoke(main, ["export", "--help"])
    assert result.exit_code == 0
    assert "Example:" in result.output and "--all" in result.output


# ---------------------------------------------------------------- profiles


def shacl_conforms(triples) -> tuple[bool, str]:
    import pyshacl
    import rdflib

    shapes = rdflib.Graph().parse(DCAT_AP_SHAPES, format="turtle")
    conforms, _, text = pyshacl.validate(to_rdflib(triples), shacl_graph=shapes, inference="none")
    return conforms, text


def test_dcat_ap_view_of_the_fixture_conforms_and_says_what_it_should(fixture_graph):
    _, _, triples = fixture_graph
    view = ex.prepare(profiles.view(triples, "dcat-ap"))
    conforms, text = shacl_conforms(view)
    assert conforms, text
    lines = nt_set(view)
    DCAT, DCT, FOAF = iris.DCAT, iris.DCTERMS, iris.FOAF
    ngo, portal = f"<{iris.ID}feminist-ngo>", f"<{iris.ID}gender-portal>"
    ngo_ds = f"<{iris.ID}feminist-ngo-dataset>"
    expected = [
        # an organization entry is the agent; it publishes a dataset of its own (issue 14)
        f"<{iris.ID}catalogue> <{DCAT}dataset> {ngo_ds} .",
        f"{ngo_ds} <{iris.RDF}type> <{DCAT}Dataset> .",
        f"{ngo_ds} <{DCT}publisher> {ngo} .",
        f"{ngo} <{iris.RDF}type> <{FOAF}Agent> .",
        f"{ngo} <{FOAF}name> \"Feminist NGO\"@en .",
        f"{ngo_ds} <{DCT}language> <{iris.LANG}ENG> .",  # occasional languages are languages too
        f"{ngo_ds} <{DCAT}landingPage> <https://example.org/fngo/?a=1&b=%C3%A9> .",
        f"<{iris.ID}feminist-ngo-distribution> <{DCAT}accessURL> <https://example.org/fngo/?a=1&b=%C3%A9> .",
        f"{portal} <{DCT}publisher> <{iris.ID}un-agency> .",
        f"<{iris.ID}un-agency> <{FOAF}name> \"UN agency\"@en .",
        f"{portal} <{DCT}title> \"Gender data portal\"@en .",
        f"<{iris.ID}gender-portal-distribution-csv> <{DCT}format> <{iris.FILETYPE}CSV> .",
        f"<{iris.ID}gender-portal-distribution-csv> <{DCAT}accessURL> <https://data.example.org/gender> .",
        f"<{iris.ID}gender-portal-distribution-excel> <{DCT}format> <{iris.FILETYPE}XLS> .",
        f"<{iris.ID}catalogue> <{DCT}publisher> <{iris.ID}kzgraph-project> .",
    ]
    for line in expected:
        assert line in lines, line


def test_dcat_ap_shapes_catch_a_missing_mandatory_property(fixture_graph):
    # The shapes are not vacuous: drop every dataset description and they fail.
    _, _, triples = fixture_graph
    view = [t for t in profiles.view(triples, "dcat-ap") if t.predicate.value != iris.DCTERMS + "description"]
    conforms, text = shacl_conforms(view)
    assert not conforms and "Dataset.description is mandatory" in text


def test_dcat_ap_view_of_the_real_catalogue_conforms(real_graph):
    _, _, triples = real_graph
    view = ex.prepare(profiles.view(triples, "dcat-ap"))
    has_catalog = any(
        t.predicate.value == iris.RDF + "type" and t.object.value == iris.DCAT + "Catalog" for t in view
    )
    conforms, text = shacl_conforms(view)
    assert conforms, text
    if not has_catalog:
        pytest.skip("data/catalogue.ttl (the dcat:Catalog record) is not written yet; datasets conform")


def test_schema_org_view_uses_schema_types_and_http_namespace(fixture_graph):
    _, _, triples = fixture_graph
    view = ex.prepare(profiles.view(triples, "schema-org"))
    document = json.loads(ex.serialize(view, "jsonld", context=ex.SCHEMA_CONTEXT))
    assert document["@context"] == ex.SCHEMA_CONTEXT["@context"]
    nodes = {node["@id"]: node for node in document["@graph"]}
    ngo = nodes[iris.ID + "feminist-ngo"]
    assert ngo["@type"] == "NGO"  # grassroots ⊑ ngo, which skos:exactMatch schema:NGO
    assert ngo["name"] == "Feminist NGO"
    assert ngo["foundingDate"] == "2018"
    assert ngo["url"] == "https://example.org/fngo/?a=1&b=%C3%A9"
    assert sorted(ngo["knowsLanguage"]) == ["en", "kk", "ru"]
    assert ngo["areaServed"] == {"@id": iris.COUNTRY + "KAZ"}
    assert nodes[iris.COUNTRY + "KAZ"] == {"@id": iris.COUNTRY + "KAZ", "@type": "Country", "name": "Kazakhstan"}
    portal = nodes[iris.ID + "gender-portal"]
    assert portal["@type"] == "DataCatalog" and portal["inLanguage"] == "en"
    assert portal["publisher"] == {"@id": iris.ID + "un-agency"}
    assert nodes[iris.ID + "un-agency"]["@type"] == "Organization"  # no mapping: the general type
    assert nodes[iris.ID + "un-agency-report"]["@type"] == "Report"
    # One namespace form only: http://schema.org/, never https.
    assert all(not t.predicate.value.startswith("https://schema.org/") for t in view)
    assert all(t.predicate.value.startswith(iris.SCHEMA) or t.predicate.value == iris.RDF + "type" for t in view)
    # And it reads back as the same graph with a standard processor, offline.
    nquads = pyld_expand_to_nquads(ex.serialize(view, "jsonld", context=ex.SCHEMA_CONTEXT))
    parsed = ox.parse(nquads.encode("utf-8"), format=ox.RdfFormat.N_QUADS)
    assert {ex.nt_line(ox.Triple(q.subject, q.predicate, q.object)) for q in parsed} == nt_set(view)


# ---------------------------------------------------------------- --infer


def _reasoner_or_skip():
    try:
        from kzgraph import reason  # noqa: F401
    except ImportError:
        pytest.skip("kzgraph.reason has not landed yet")


@pytest.mark.parametrize("mode", ["rdfs", "owlrl"])
def test_inferred_export_has_no_owlrl_noise_and_loads_in_pyoxigraph(fixture_graph, mode):
    _reasoner_or_skip()
    layout, catalogue, asserted = fixture_graph
    from kzgraph import reason

    triples = ex.prepare(reason.infer(catalogue, mode, root=layout.root).triples())
    standard = (iris.RDF, iris.RDFS, iris.OWL, iris.XSD)
    for t in triples:
        assert not isinstance(t.subject, ox.Literal)
        if t.predicate.value in (iris.OWL + "sameAs", iris.RDFS + "subClassOf", iris.RDFS + "subPropertyOf"):
            assert t.subject != t.object, ex.nt_line(t)
        if t.predicate.value == iris.RDF + "type":
            assert t.object.value not in (iris.RDFS + "Resource", iris.OWL + "Thing"), ex.nt_line(t)
        if isinstance(t.subject, ox.NamedNode):
            assert not t.subject.value.startswith(standard), ex.nt_line(t)
        assert "daml.org" not in ex.nt_line(t)
    lines = nt_set(triples)
    assert nt_set(asserted) <= lines  # asserted triples keep their exact lexical forms
    # Sub-property reasoning materializes the general answer.
    assert f"<{iris.ID}feminist-ngo> <{iris.DCTERMS}language> <{iris.LANG}ENG> ." in lines
    for fmt in ("ttl", "nt", "nq", "trig", "rdfxml"):
        data = ex.serialize(triples, fmt)
        assert len(list(ox.parse(data, format=PARSERS[fmt][1]))) == len(triples), fmt
    assert_isomorphic(
        normalized(to_rdflib(triples)), normalized(parse_rdflib(ex.serialize(triples, "ttl"), "ttl")), "inferred Turtle"
    )


def test_inferred_export_is_reproducible_across_hash_seeds(tmp_path, fixture_root):
    _reasoner_or_skip()
    outputs = []
    for seed in ("5", "77"):
        result = run_kzgraph(["export", "--root", str(fixture_root), "--infer", "owlrl", "--format", "nt"], seed, tmp_path)
        assert result.returncode == 0, result.stderr.decode()
        outputs.append(result.stdout)
    assert outputs[0] == outputs[1]


def test_memoized_compaction_matches_pyld(fixture_graph):
    """Memoized compaction (and skipping the expansion of our own expanded output) gives exactly
    what pyld.jsonld.compact gives, for both contexts, mixed-case language tags and blank nodes."""
    from pyld import jsonld

    layout, _, triples = fixture_graph
    label, node = ox.NamedNode(iris.RDFS + "label"), ox.NamedNode(iris.ID + "x-mixed-case")
    extra = [
        ox.Triple(node, label, ox.Literal("colour", language="en-GB")),
        ox.Triple(node, label, ox.Literal("цвет", language="kk-Cyrl")),
        ox.Triple(node, ox.NamedNode(iris.RDFS + "seeAlso"), ox.BlankNode("b1")),
        ox.Triple(ox.BlankNode("b1"), label, ox.Literal("x")),
    ]
    document = ex.expanded_jsonld(ex.prepare(list(triples) + extra))
    options = {"documentLoader": ex.refuse_remote, "processingMode": "json-ld-1.1"}
    for context in (ex.context_for(layout), ex.SCHEMA_CONTEXT):
        plain = jsonld.compact(json.loads(json.dumps(document)), context, options=dict(options))
        if "@graph" not in plain:
            body = {k: v for k, v in plain.items() if k != "@context"}
            plain = {"@context": plain.get("@context", context["@context"]), "@graph": [body] if body else []}
        for from_triples in (False, True):
            memoized = ex.compact_jsonld(json.loads(json.dumps(document)), context, from_triples=from_triples)
            assert ex.dump_json(memoized) == ex.dump_json(plain), from_triples


# ---------------------------------------------------------------- fast paths == the old paths


def old_write_turtle(triples, indent: str = "", trig: bool = False) -> bytes:
    """The Turtle/TriG writer as it was before it worked from N-Triples lines (term objects,
    canonical.Writer and canonical.subject_block): the reference the line writer must match."""
    from kzgraph.export.canonical import Writer, subject_block

    writer = Writer()

    def term(node):
        return "_:" + node.value if isinstance(node, ox.BlankNode) else writer.term(node)

    by_subject: dict = {}
    shown_subject: dict = {}
    for t in triples:
        key = ex.nt_term(t.subject)
        if key not in by_subject:
            by_subject[key] = {}
            shown_subject[key] = term(t.subject)
        predicate = "a" if t.predicate.value == iris.RDF + "type" else term(t.predicate)
        obj = t.object
        shown = term(obj)
        order = (1, obj.value, obj.language or "", obj.datatype.value) if isinstance(obj, ox.Literal) else (0, shown, "", "")
        by_subject[key].setdefault(predicate, []).append((order, shown))
    blocks = [
        "\n".join(subject_block(shown_subject[k], [(p, [s for _, s in sorted(o)]) for p, o in by_subject[k].items()], indent))
        for k in by_subject
    ]
    text = "".join(f"@prefix {name}: <{iris.PREFIXES[name]}> .\n" for name in sorted(writer.used))
    if trig:
        text += ("\n" if text else "") + f"<{iris.GRAPH}> {{\n" + ("\n\n".join(blocks) + "\n" if blocks else "") + "}\n"
    elif blocks:
        text += ("\n" if text else "") + "\n\n".join(blocks) + "\n"
    return text.encode("utf-8")


def edge_case_triples() -> list:
    """Small graphs' worth of cases: escapes, unknown datatypes, language tags in any case, plain
    strings under language-map terms, blank nodes everywhere, IRIs matching no prefix, several
    types, one predicate with IRI and literal objects, literal rdf:type, numbers and booleans in
    canonical and non-canonical spelling, datatypes that do and do not match a term's @type."""
    N, L, B = ox.NamedNode, ox.Literal, ox.BlankNode
    xsd, kzg, dct, skos = iris.XSD, iris.KZG, iris.DCTERMS, iris.SKOS
    rdf_type, label = N(iris.RDF + "type"), N(iris.RDFS + "label")
    a, b = N(iris.ID + "edge-a"), N(iris.ID + "edge-b")
    odd = N("https://example.org/no/prefix#thing")
    return [
        ox.Triple(a, rdf_type, N(iris.DCAT + "Dataset")),
        ox.Triple(a, rdf_type, N(kzg + "Source")),
        ox.Triple(a, rdf_type, N("https://example.org/UnknownClass")),
        ox.Triple(a, rdf_type, L("a literal type")),
        ox.Triple(a, rdf_type, B("t1")),
        ox.Triple(a, label, L("colour", language="en-GB")),
        ox.Triple(a, label, L("Colour", language="EN-gb")),
        ox.Triple(a, label, L("plain, no language")),
        ox.Triple(a, label, L("second plain")),
        ox.Triple(a, label, L("typed label", datatype=N("https://example.org/dt"))),
        ox.Triple(a, N(dct + "title"), L("Title", language="kk")),
        ox.Triple(a, N(dct + "title"), L("no language title")),
        ox.Triple(a, N(skos + "note"), L('quote " backslash \\ tab \t newline \n cr \r bell \x07 del \x7f ls \u2028 nel \x85 é 😀')),
        ox.Triple(a, N(iris.RDFS + "seeAlso"), b),
        ox.Triple(a, N(iris.RDFS + "seeAlso"), odd),
        ox.Triple(a, N(iris.RDFS + "seeAlso"), L("a literal beside IRIs")),
        ox.Triple(a, N(iris.RDFS + "seeAlso"), B("b1")),
        ox.Triple(a, N(iris.RDFS + "seeAlso"), N(iris.DCAT + "Dataset")),
        ox.Triple(a, N(dct + "type"), N(iris.DCAT + "Dataset")),
        ox.Triple(a, N(dct + "type"), L("literal where IRIs are coerced")),
        ox.Triple(odd, N("https://example.org/no/prefix#p"), L("42", datatype=N(xsd + "integer"))),
        ox.Triple(odd, N("https://example.org/no/prefix#p"), L("007", datatype=N(xsd + "integer"))),
        ox.Triple(odd, N("https://example.org/no/prefix#p"), L("1.50", datatype=N(xsd + "decimal"))),
        ox.Triple(odd, N("https://example.org/no/prefix#p"), L("true", datatype=N(xsd + "boolean"))),
        ox.Triple(odd, N("https://example.org/no/prefix#p"), L("1", datatype=N(xsd + "boolean"))),
        ox.Triple(odd, N("https://example.org/no/prefix#p"), L("1e3", datatype=N(xsd + "double"))),
        ox.Triple(odd, N("https://example.org/no/prefix#p"), L("2024-01-01", datatype=N(xsd + "date"))),
        ox.Triple(odd, N(iris.SCHEMA + "name"), L("schema name")),
        ox.Triple(odd, N(iris.SCHEMA + "url"), N("https://example.org/page")),
        ox.Triple(B("b1"), label, L("blank", language="ru")),
        ox.Triple(B("b1"), N(iris.RDF + "first"), L("list item")),
        ox.Triple(B("b1"), N(iris.RDF + "rest"), N(iris.RDF + "nil")),
        ox.Triple(b, N("https://example.org/p/"), N("https://example.org/p/")),
    ] + [
        ox.Triple(b, N(kzg + name), L(value, datatype=N(xsd + datatype)))
        for name, value, datatype in (
            ("entryCount", "3", "integer"), ("entryCount", "03", "integer"), ("entryCount", "3.0", "decimal"),
            ("entryCount", "three", "string"),
        )
    ]


def graphs_to_compare(fixture_graph, real_graph):
    yield "fixture", fixture_graph[2]
    yield "real catalogue", real_graph[2]
    yield "edge cases", ex.prepare(edge_case_triples())
    yield "fixture + edge cases", ex.prepare(list(fixture_graph[2]) + edge_case_triples())
    yield "empty", []
    yield "one node", ex.prepare(edge_case_triples()[:1])


def test_catalogue_lines_are_the_lines_prepare_sorts(fixture_root, monkeypatch):
    """catalogue_lines (from the parse cache's file, or serialized when not cached) gives exactly
    the sorted, de-duplicated N-Triples lines of prepare(catalogue_triples(...)), and
    triples_from_lines gives back prepare's triples."""
    from kzgraph.load import load_catalogue
    from kzgraph.paths import resolve_layout

    layout = resolve_layout(REPO)
    for cached in (True, False):
        if not cached:
            monkeypatch.setenv("KZGRAPH_NO_CACHE", "1")
        load_catalogue(layout)  # fills the cache when it is on
        catalogue = load_catalogue(layout, store=False)
        assert (catalogue.store is None) == cached
        expected = ex.prepare(ex.catalogue_triples(catalogue))
        lines = ex.catalogue_lines(catalogue)
        assert lines == [ex.nt_line(t) for t in expected]
        assert ex.triples_from_lines(lines) == expected


def test_catalogue_lines_refuse_blank_nodes(tmp_path):
    from kzgraph.load import load_files

    path = tmp_path / "b.ttl"
    path.write_text('<https://example.org/a> <https://example.org/p> [ <https://example.org/q> "x" ] .\n')
    assert ex.catalogue_lines(load_files([path])) is None


def test_line_writers_match_the_term_writers(fixture_graph, real_graph):
    """Turtle, TriG, N-Triples and N-Quads from N-Triples lines are byte-identical to the writers
    that work from term objects (the old Turtle writer kept above as the reference)."""
    for what, triples in graphs_to_compare(fixture_graph, real_graph):
        lines = [ex.nt_line(t) for t in triples]
        assert ex.serialize_lines(lines, "ttl") == old_write_turtle(triples), what
        assert ex.serialize_lines(lines, "trig") == old_write_turtle(triples, ex.INDENT, trig=True), what
        assert ex.write_turtle(triples) == old_write_turtle(triples), what
        assert ex.serialize_lines(lines, "nt") == ex.write_ntriples(triples), what
        assert ex.serialize_lines(lines, "nq") == ex.write_nquads(triples), what


def test_nt_unescape_inverts_nt_term():
    text = 'q " b \\ t \t n \n r \r f \f bs \b nul \x00 del \x7f ls \u2028 😀'
    body, language, datatype = ex.split_nt_literal(ex.nt_term(ox.Literal(text, language="en")))
    assert (ex.nt_unescape(body), language, datatype) == (text, "en", None)
    assert ex.split_nt_literal('"a\\"b"^^<https://example.org/dt>') == ('a\\"b', "", "https://example.org/dt")
    assert ex.nt_unescape("\\U0001F600\\u00e9") == "😀é"


def test_direct_jsonld_equals_pyld_compaction(fixture_graph, real_graph):
    """The directly built document, parsed as JSON, EQUALS what pyld's compaction gives (and is
    byte-identical), for the project context and the schema.org one, on the fixture, the real
    catalogue and the edge cases; expanding it with pyld gives the source graph back."""
    layout = fixture_graph[0]
    for context in (context_of(layout), ex.SCHEMA_CONTEXT):
        compactor = ex.DirectCompactor(context)
        for what, triples in graphs_to_compare(fixture_graph, real_graph):
            reference = ex.write_jsonld_pyld(triples, context)
            lines = [ex.nt_line(t) for t in triples]
            direct = ex.dump_json(compactor.compact_lines(lines))
            assert json.loads(direct) == json.loads(reference), what
            assert direct == reference, what
            assert ex.write_jsonld(triples, context) == reference, what
            got = ox.Dataset(ox.parse(pyld_expand_to_nquads(direct).encode(), format=ox.RdfFormat.N_QUADS))
            source = ox.Dataset(ox.Quad(t.subject, t.predicate, t.object) for t in triples)
            assert comparable(got) == comparable(source), what


def comparable(dataset) -> set:
    """A dataset as a set of triples, blank nodes canonically labelled, modulo what pyld's RDF
    conversion changes by itself: language tags lower-cased, xsd:double re-spelled ("1e3" -> "1.0E3")."""
    dataset.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)
    out = set()
    for q in dataset:
        o = q.object
        if isinstance(o, ox.Literal) and o.language:
            o = ("lang", o.value, o.language.lower())
        elif isinstance(o, ox.Literal) and o.datatype.value == iris.XSD + "double":
            o = ("double", float(o.value))
        out.add((q.subject, q.predicate, o))
    return out


@pytest.mark.parametrize(
    "extra",
    [
        {"seeAlsoBack": {"@reverse": "rdfs:seeAlso"}},
        {"labelsByIndex": {"@id": "rdfs:label", "@container": "@index"}},
        {"Dataset": {"@id": "dcat:Dataset", "@context": {"title": "dcterms:title"}}},
        {"identifier": "@id"},
    ],
    ids=["reverse", "index-container", "scoped-context", "keyword-alias"],
)
def test_unsupported_contexts_fall_back_to_pyld(fixture_graph, extra):
    """A context feature the direct compactor does not reproduce makes it step aside: the output
    is pyld's compaction, as before."""
    layout, _, triples = fixture_graph
    base = context_of(layout)
    context = {"@context": {**base["@context"], **extra}}
    with pytest.raises(ex._Unsupported):
        ex.DirectCompactor(context)
    triples = ex.prepare(list(triples) + edge_case_triples())
    lines = [ex.nt_line(t) for t in triples]
    assert ex.write_jsonld_lines(lines, context) == ex.write_jsonld_pyld(triples, context)


def test_direct_jsonld_reports_an_iri_confused_with_a_prefix_like_pyld(fixture_graph):
    from kzgraph.errors import RuntimeFailure

    layout = fixture_graph[0]
    bad = [ox.Triple(ox.NamedNode("kzg:not-really-an-iri"), ox.NamedNode(iris.RDFS + "label"), ox.Literal("x"))]
    messages = []
    for write in (lambda: ex.write_jsonld(bad, context_of(layout)), lambda: ex.write_jsonld_pyld(bad, context_of(layout))):
        with pytest.raises(RuntimeFailure) as err:
            write()
        messages.append(str(err.value))
    assert messages[0] == messages[1]


def test_cli_fast_paths_match_the_reference_writers(runner, fixture_root, fixture_graph):
    """`export --format ttl|jsonld` through the CLI (the line paths) == the reference writers."""
    from kzgraph.cli import main as cli

    layout, _, triples = fixture_graph
    for fmt, expected in (("ttl", old_write_turtle(triples)), ("jsonld", ex.write_jsonld_pyld(triples, context_of(layout)))):
        result = runner.invoke(cli, ["export", "--root", str(fixture_root), "--format", fmt])
        assert result.exit_code == 0, result.output
        assert result.stdout_bytes == expected, fmt


@pytest.mark.parametrize(
    "document",
    [
        {},
        [],
        "text",
        {"b": [1, 2.5, True, False, None, "é \u2028 \x00 \" \\"], "a": {}, "c": [], "d": {"z": {"y": []}}},
        [{"@id": "x", "k": ["a", {"@value": "1", "@type": "xsd:integer"}]}, [[], [{}]]],
        {"tuple": (1, 2)},
        {1: "int key"},
        {"nan": float("nan"), "big": 10**30, "neg": -0.0},
    ],
)
def test_dump_json_is_json_dumps_indented(document):
    assert ex.dump_json(document) == (json.dumps(document, sort_keys=True, indent=2, ensure_ascii=False) + "\n").encode()


def test_catalogue_lines_keep_canonical_escapes_through_the_cache(tmp_path, monkeypatch):
    """The parse cache's N-Quads text (pyoxigraph's writer) is canonical N-Triples, as nt_term
    writes it: control characters, DEL, quotes, backslashes, U+2028, language-tag case."""
    from kzgraph.load import load_files

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    path = tmp_path / "escapes.ttl"
    path.write_text(
        '<https://example.org/s> <https://example.org/p> "bell \\u0007 del \\u007F ls \\u2028 tab \\t q \\" bs \\\\ nul \\u0000" ,\n'
        '    "colour"@EN-gb , "1"^^<http://www.w3.org/2001/XMLSchema#string> , "x\\u0085y"^^<https://example.org/dt> ,\n'
        '    <https://example.org/o> .\n'
        '<https://example.org/s> <https://example.org/p> "colour"@EN-gb .\n',
        encoding="utf-8",
    )
    for cached in (False, True, None):  # parse and fill the cache, read the cache, cache off
        if cached is None:
            monkeypatch.setenv("KZGRAPH_NO_CACHE", "1")
        catalogue = load_files([path])
        lines = ex.catalogue_lines(catalogue)
        assert lines == [ex.nt_line(t) for t in ex.prepare(ex.catalogue_triples(catalogue))], cached
        assert len(lines) == 5  # the repeated "colour"@EN-gb once


def test_noncharacters_are_written_raw_on_every_path(tmp_path, monkeypatch):
    """U+FFFE and U+FFFF are not escaped in canonical N-Triples; pyoxigraph's N-Quads writer
    escapes them, so text with such an escape takes the prepare path: same bytes either way."""
    from kzgraph.load import load_files

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    path = tmp_path / "nonchar.ttl"
    path.write_text('<https://example.org/s> <https://example.org/p> "x\\uFFFEy\\uFFFF" .\n', encoding="utf-8")
    for cached in (False, True):
        catalogue = load_files([path])
        assert ex.catalogue_lines(catalogue) is None, cached
        line = ex.nt_line(ex.prepare(ex.catalogue_triples(catalogue))[0])
        assert line == '<https://example.org/s> <https://example.org/p> "x\ufffey\uffff" .'


def test_direct_iri_compaction_is_pyld_s(fixture_graph):
    """DirectCompactor.compact_id (its shortcut for contexts whose prefixes end in / or #) gives
    what pyld's _compact_iri(vocab=False) gives, and refuses what it refuses."""
    from pyld import jsonld

    layout = fixture_graph[0]
    iris_to_try = [
        iris.ID + "entry", iris.ID, iris.ID + "a/b", iris.ID + "a#b", iris.KZG + "Source", iris.KZG,
        iris.VOCAB + "topic/violence", iris.VOCAB + "topic/", iris.VOCAB + "topic", iris.VOCAB + "x/y/z",
        iris.DCAT + "Dataset", iris.SCHEMA + "url", "https://example.org/no/prefix#x", "https://example.org/",
        "urn:isbn:123", "mailto:someone@example.org", "_:b0", "http://schema.org/a:b", iris.ID + "ends/",
        iris.XSD + "integer", iris.RDF + "type", "kzg:confused", "dcat:confused", "https://w3id.org/kzgraph/",
    ]
    for context in (context_of(layout), ex.SCHEMA_CONTEXT):
        compactor = ex.DirectCompactor(context)
        for iri in iris_to_try:
            try:
                expected = jsonld.JsonLdProcessor()._compact_iri(compactor._ctx, iri, vocab=False, base="")
            except jsonld.JsonLdError:
                with pytest.raises(jsonld.JsonLdError):
                    compactor.compact_id(iri)
                continue
            assert compactor.compact_id(iri) == expected, iri
