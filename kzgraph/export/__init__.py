"""Deterministic serializations of the graph: the same triples give the same bytes on every run.

Every writer works from one sorted, de-duplicated list of triples: pyoxigraph triples (see
``prepare``) or, for Turtle, TriG, N-Triples, N-Quads and compacted JSON-LD, just their canonical
N-Triples lines (see ``catalogue_lines``: read from the parse cache's N-Quads file, sorted once,
no term object built; ``*_lines`` writers give the same bytes as the term-object ones):

- N-Triples / N-Quads: our own writer, canonical N-Triples term syntax (RDF 1.2 §canonical form:
  ``\\b \\t \\n \\f \\r \\" \\\\`` as ECHAR, other control characters as ``\\u00XX``, nothing else
  escaped), one triple per line, lines sorted by code point. N-Quads and TriG put the triples in
  the named graph ``iris.GRAPH``.
- Turtle / TriG: long form, prefixes of ``iris.PREFIXES`` that are used, subjects sorted, ``a``
  first then predicates sorted, one object per line; the term syntax is the one ``kzgraph fmt``
  writes for data files (``kzgraph.export.canonical.Writer``).
- RDF/XML: our own writer, one ``rdf:Description`` per subject in the same order.
- JSON-LD: compacted with the project context (``ontology/context.jsonld``) embedded inline, as
  pyld's compaction of the expanded JSON-LD built from the sorted triples would give it; built
  directly by ``DirectCompactor``, which asks pyld (same active context) once per distinct case,
  and falls back to pyld's compaction for a context using features it does not reproduce. A
  document loader that refuses every URL makes sure nothing is ever fetched. Written with sorted
  keys, two-space indent, UTF-8 (the bytes of ``json.dumps(..., sort_keys=True, indent=2)``).

Blank nodes (the data has none; reasoning may add some) get canonical labels (RDFC-1.0 via
pyoxigraph), so their labels depend on the graph only.

The writers live one module per format (``ntriples``, ``turtle``, ``rdfxml``, ``jsonld``);
``WRITERS`` is the one registry of formats and their writers, used by ``export``, by ``query``'s
CONSTRUCT output and by ``push``.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

import pyoxigraph as ox

from kzgraph import iris
from kzgraph.errors import RuntimeFailure, UsageError  # noqa: F401 - RuntimeFailure: callers catch ex.RuntimeFailure

from kzgraph.export.jsonld import (  # noqa: F401 - the package's API
    SCHEMA_CONTEXT,
    DirectCompactor,
    _Unsupported,
    compact_jsonld,
    context_for,
    dump_json,
    expanded_jsonld,
    load_context,
    refuse_remote,
    write_jsonld,
    write_jsonld_lines,
    write_jsonld_pyld,
)
from kzgraph.export.ntriples import (  # noqa: F401
    _RDF_TYPE,
    catalogue_lines,
    catalogue_triples,
    nt_iri,
    nt_line,
    nt_term,
    nt_unescape,
    prepare,
    split_nt_literal,
    triples_from_lines,
    write_nquads,
    write_ntriples,
)
from kzgraph.export.rdfxml import write_rdfxml  # noqa: F401
from kzgraph.export.turtle import INDENT, write_trig, write_trig_lines, write_turtle, write_turtle_lines  # noqa: F401
from kzgraph.output import write_file, write_folder

# Formats that export writes (the graph formats of kzgraph.formats).
EXPORT_FORMATS = ("ttl", "jsonld", "nt", "nq", "trig", "rdfxml")

# ---------------------------------------------------------------- one entry point


@dataclass(frozen=True)
class Output:
    """One serialized export: its bytes, format, and how many triples it holds."""

    data: bytes
    format: str
    triples: int


def _jsonld(triples: Sequence[ox.Triple], context: dict[str, Any] | None, expanded: bool) -> bytes:
    return write_jsonld(triples, context, expanded=expanded)


# The one registry of RDF formats and their writers: name -> writer(triples, context, expanded).
# export, query's CONSTRUCT/DESCRIBE output and push all write through it.
WRITERS: dict[str, Any] = {
    "nt": lambda triples, context, expanded: write_ntriples(triples),
    "nq": lambda triples, context, expanded: write_nquads(triples),
    "ttl": lambda triples, context, expanded: write_turtle(triples),
    "trig": lambda triples, context, expanded: write_trig(triples),
    "rdfxml": lambda triples, context, expanded: write_rdfxml(triples),
    "jsonld": _jsonld,
}


def serialize(
    triples: Sequence[ox.Triple],
    fmt: str,
    context: dict[str, Any] | None = None,
    expanded: bool = False,
) -> bytes:
    """Serialize prepared triples (see ``prepare``) in ``fmt`` (a key of `WRITERS`)."""
    writer = WRITERS.get(fmt)
    if writer is None:
        raise UsageError(f"export cannot write {fmt!r}; use one of {', '.join(EXPORT_FORMATS)}")
    return writer(triples, context, expanded)


# Formats ``serialize_lines`` writes without building term objects.
LINE_FORMATS = ("nt", "nq", "ttl", "trig", "jsonld")


def serialize_lines(lines: Sequence[str], fmt: str, context: dict[str, Any] | None = None) -> bytes:
    """``serialize`` from the sorted N-Triples lines of the triples (see ``catalogue_lines``)."""
    if fmt == "nt":
        return "".join(line + "\n" for line in lines).encode("utf-8")
    if fmt == "nq":
        name = nt_iri(iris.GRAPH)
        return "".join(line[:-1] + name + " .\n" for line in lines).encode("utf-8")
    if fmt == "ttl":
        return write_turtle_lines(lines)
    if fmt == "trig":
        return write_trig_lines(lines)
    if fmt == "jsonld":
        return write_jsonld_lines(lines, context)
    raise UsageError(f"cannot write {fmt!r} from N-Triples lines; use one of {', '.join(LINE_FORMATS)}")


# ---------------------------------------------------------------- writing files


def write_output(data: bytes, path: Path) -> None:
    """Write ``data`` to ``path`` (atomically for a regular file; see kzgraph.output)."""
    write_file(path, data)


# ---------------------------------------------------------------- --all

# file name -> (format, profile, expanded)
ALL_FILES: tuple[tuple[str, str, str | None, bool], ...] = (
    ("kzgraph.ttl", "ttl", None, False),
    ("kzgraph.nt", "nt", None, False),
    ("kzgraph.nq", "nq", None, False),
    ("kzgraph.trig", "trig", None, False),
    ("kzgraph.rdf", "rdfxml", None, False),
    ("kzgraph.jsonld", "jsonld", None, False),
    ("kzgraph-expanded.jsonld", "jsonld", None, True),
    ("kzgraph-dcat-ap.ttl", "ttl", "dcat-ap", False),
    ("kzgraph-schema-org.jsonld", "jsonld", "schema-org", False),
)
_FORMAT_NAMES = {
    "ttl": "Turtle",
    "nt": "N-Triples",
    "nq": "N-Quads",
    "trig": "TriG",
    "rdfxml": "RDF/XML",
    "jsonld": "JSON-LD",
}


def catalogue_version(triples: Sequence[ox.Triple]) -> str:
    """Return the catalogue record's dcat:version / owl:versionInfo, else the package version."""
    from kzgraph import __version__

    catalogs = {
        nt_term(t.subject)
        for t in triples
        if t.predicate.value == _RDF_TYPE and isinstance(t.object, ox.NamedNode) and t.object.value == iris.DCAT + "Catalog"
    }
    for predicate in (iris.DCAT + "version", iris.OWL + "versionInfo"):
        found = sorted(
            t.object.value
            for t in triples
            if nt_term(t.subject) in catalogs and t.predicate.value == predicate and isinstance(t.object, ox.Literal)
        )
        if found:
            return found[0]
    return __version__


def build_all(
    triples: Sequence[ox.Triple],
    views: dict[str, Sequence[ox.Triple]],
    context: dict[str, Any],
    inferred: str | None = None,
) -> dict[str, bytes]:
    """Return every file of ``export --all`` (name -> bytes), README.md and VERSION included."""
    files: dict[str, bytes] = {}
    rows = []
    for name, fmt, profile, expanded in ALL_FILES:
        source = triples if profile is None else views[profile]
        ctx = SCHEMA_CONTEXT if profile == "schema-org" else context
        data = serialize(source, fmt, context=ctx, expanded=expanded)
        files[name] = data
        label = _FORMAT_NAMES[fmt] + (" (expanded)" if expanded else "")
        if profile:
            label += f", {profile} view"
        rows.append((name, label, len(data), str(len(source)), hashlib.sha256(data).hexdigest()))
    files["context.jsonld"] = dump_json(context)
    rows.append(("context.jsonld", "JSON-LD context", len(files["context.jsonld"]), "—",
                 hashlib.sha256(files["context.jsonld"]).hexdigest()))
    version = catalogue_version(triples)
    files["VERSION"] = (version + "\n").encode("utf-8")
    files["README.md"] = _all_readme(rows, version, inferred).encode("utf-8")
    return files


def _all_readme(rows: list[tuple[str, str, int, str, str]], version: str, inferred: str | None) -> str:
    lines = [
        "# kzgraph exports",
        "",
        f"Catalogue version {version}. Written by `kzgraph export --all`; every file is byte-for-byte "
        "reproducible from the same graph.",
    ]
    if inferred:
        lines.append(f"The graph includes the triples entailed under {inferred} (`--infer {inferred}`).")
    lines += [
        f"N-Quads and TriG put the triples in the named graph <{iris.GRAPH}>.",
        "The JSON-LD files embed their context inline; nothing is fetched to read them.",
        "",
        "| file | format | size (bytes) | triples | SHA-256 |",
        "|---|---|---:|---:|---|",
    ]
    lines += [f"| {name} | {label} | {size} | {count} | `{digest}` |" for name, label, size, count, digest in rows]
    return "\n".join(lines) + "\n"


def write_all(files: dict[str, bytes], directory: Path) -> None:
    """Write the files of ``build_all`` into ``directory`` (created if missing), atomically as a set."""
    directory = Path(directory)
    if directory.exists() and not directory.is_dir():
        raise UsageError(f"--all {directory}: not a folder")
    write_folder(directory, files)

