"""The embedded catalogue: the loaded files in a pyoxigraph store, queried in this process.

One of the two implementations of `kzgraph.store.Catalogue` (the other is `kzgraph.store.remote`).
Besides the protocol it keeps what only files can tell: ``quads`` (every triple exactly as
written; the store keeps values, not spellings), ``locations`` (subject → file:line) and
``duplicates``, for validation, ``fmt`` and export.

No rdflib here (``rdflib_graph`` imports it when asked): this is on the query path.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterator, Sequence

import pyoxigraph as ox

from kzgraph.deadline import die_with_parent
from kzgraph.errors import InputError, RuntimeFailure
from kzgraph.paths import display_path
from kzgraph.query import sparql
from kzgraph.query.sparql import Result
from kzgraph.store import Capabilities

if TYPE_CHECKING:
    import rdflib

CAPABILITIES = Capabilities(name="embedded", long_values=True, locations=True, timeout=True)


@dataclass(frozen=True)
class Location:
    """Where a subject is described: a file and a 1-based line."""

    path: Path
    line: int

    def __str__(self) -> str:
        return f"{display_path(self.path)}:{self.line}"


@dataclass(frozen=True)
class FileInfo:
    """What one loaded file contributed."""

    path: Path
    format: str
    triples: int
    subjects: int


@dataclass
class EmbeddedCatalogue:
    """The loaded graph: one pyoxigraph store plus where each subject came from.

    The store is for SPARQL; it keeps values, not spellings (Oxigraph stores "01"^^xsd:integer
    as 1). ``quads`` keeps every triple exactly as written, for conversion and rewriting.
    ``store`` is None only when loaded with ``store=False`` (export, which needs the quads only).
    """

    store: ox.Store
    files: list[Path] = field(default_factory=list)
    # A dict, or (from the parse cache) a mapping read on first use.
    locations: Mapping[str, Location] = field(default_factory=dict)
    duplicates: dict[str, list[Location]] = field(default_factory=dict)
    file_info: list[FileInfo] = field(default_factory=list)
    triple_count: int = 0
    # A list, or (from the parse cache) a sequence read on first use.
    quads: Sequence[ox.Quad] = field(default_factory=list, repr=False)
    _graph: "rdflib.Graph | None" = field(default=None, repr=False)
    # (from the parse cache) the quads' N-Quads text, read on first use; None when some quad
    # holds a blank node.
    _nquads: Callable[[], bytes | None] | None = field(default=None, repr=False)
    # file -> where its triples are written (kzgraph.load.triple_lines), scanned on first use
    _triple_lines: dict = field(default_factory=dict, repr=False)
    # what `kzgraph.reason.infer` made this catalogue from (None: asserted triples)
    inferred: str | None = None

    capabilities = CAPABILITIES

    # ---- the kzgraph.store.Catalogue protocol

    def query(
        self,
        text: str,
        *,
        prefixes: dict[str, str] | None = None,
        timeout: float | None = None,
        native_format: str | None = None,
    ) -> Result:
        """Run a checked, bound query; ``timeout`` runs it in a child process killed at the deadline.

        ``native_format`` (a key of `sparql.NATIVE_FORMATS`) lets pyoxigraph write SELECT rows.
        """
        store = self.oxigraph()
        if not timeout:
            return _run_in_store(store, text, prefixes, native_format)
        return _query_in_child(store, text, timeout, prefixes, native_format)

    def match(self, subject=None, predicate=None, object=None) -> Iterator[ox.Triple]:  # noqa: A002
        """The triples matching a pattern (None matches anything)."""
        for quad in self.oxigraph().quads_for_pattern(subject, predicate, object):
            yield quad.triple

    def count(self) -> int:
        """How many triples the catalogue holds."""
        return len(self.store) if self.store is not None else self.triple_count

    def triples(self) -> list[ox.Triple]:
        """Every triple, as parsed (exact spellings)."""
        return [q.triple for q in self.quads]

    def resolve_slug(self, slug: str) -> list[ox.NamedNode]:
        """IRIs under the kzgraph id/ or vocab/ namespaces ending in /slug (a scan: it is in memory)."""
        if not sparql.is_slug(slug):
            return []
        suffix = "/" + slug
        found: set[str] = set()
        for quad in self.oxigraph().quads_for_pattern(None, None, None):
            for term in (quad.subject, quad.object):
                if isinstance(term, ox.NamedNode) and term.value.endswith(suffix) and term.value.startswith(sparql.SLUG_BASES):
                    found.add(term.value)
        return [ox.NamedNode(v) for v in sorted(found)]

    def resolve_code(self, code: str) -> list[ox.NamedNode]:
        """Concepts whose ISO code or notation is ``code`` (case-insensitive): kk, kaz, UZ, UZB."""
        wanted = code.strip().lower()
        if not sparql.is_code(wanted):
            return []
        found: set[str] = set()
        for prop in sparql.CODE_PROPERTIES:
            for quad in self.oxigraph().quads_for_pattern(None, prop, None):
                if isinstance(quad.subject, ox.NamedNode) and quad.object.value.lower() == wanted:
                    found.add(quad.subject.value)
        return [ox.NamedNode(v) for v in sorted(found)]

    # ---- what only the embedded catalogue has

    def oxigraph(self) -> ox.Store:
        """The pyoxigraph store (filled from the quads when the catalogue was loaded without one)."""
        if self.store is None:
            store = ox.Store()
            store.bulk_extend(self.quads)
            self.store = store
        return self.store

    def triple_location(self, subject: object, predicate: str | None, value: str | None = None) -> Location | None:
        """Return the line of the triple (subject, predicate, value), else of the subject's first
        use of the predicate, else where the subject is described (``location_of``).

        ``value`` is in N-Triples syntax (``str()`` of a pyoxigraph term). Turtle-family files
        only; each file is scanned once, on the first result that needs it.
        """
        where = self.location_of(subject)
        if where is None or predicate is None:
            return where
        key = node_key(subject)
        if key.startswith("_:"):
            return where  # blank nodes are renamed on load: the line of the statement that holds it
        places = [where, *[p for p in self.duplicates.get(key, ()) if p.path != where.path]]
        for place in places:
            # first the statement that begins on the subject's line (a canonical file has one per
            # subject), then, if the triple is not there, the whole file
            line = self._statement_line(place, key, predicate, value)
            if line is None and not self._one_statement(place.path, key):
                lines = self._lines_of(place.path)
                line = lines.line(key, predicate, value) if lines is not None else None
            if line is not None:
                return Location(place.path, line)
        return where

    def _statement_line(self, place: Location, key: str, predicate: str, value: str | None) -> int | None:
        from kzgraph.load.triple_lines import declared_prefixes, scan_triple_lines

        cached = self._triple_lines.get((place.path, place.line))
        if cached is None:
            text = self._text_of(place.path)
            if text is None:
                return None
            starts = self._triple_lines.get(("starts", place.path))
            if starts is None:
                starts = self._triple_lines[("starts", place.path)] = (
                    [0] + [m.end() for m in re.finditer("\n", text)], declared_prefixes(text, place.path.as_uri()))
            offsets, prefixes = starts
            if place.line > len(offsets):
                return None
            cached = self._triple_lines[(place.path, place.line)] = scan_triple_lines(
                text, base=place.path.as_uri(), start=offsets[place.line - 1], start_line=place.line,
                prefixes=prefixes, one_statement=True)
        if value is not None:  # the exact triple, or look in the whole file
            return next((line for k, line in cached._keys((key, predicate)) if k == value), None)
        return cached.predicates.get((key, predicate))

    def _one_statement(self, path: Path, key: str) -> bool:
        """Tell whether the subject starts exactly one statement of the file (as in canonical files),
        so that a fact missing from that statement is missing from the file."""
        starts = self._triple_lines.get(("starts", path))
        text = self._text_of(path)
        if starts is None or text is None:
            return False
        forms = [f"<{key}>"] + [f"{name}:{key[len(ns):]}" for name, ns in starts[1].items()
                                if key.startswith(ns) and re.fullmatch(r"[A-Za-z0-9_\-]+", key[len(ns):])]
        pattern = re.compile(r"(?m)^[ \t]*(?:" + "|".join(map(re.escape, forms)) + r")(?=[\s;,.])")
        return len(pattern.findall(text)) == 1

    def _text_of(self, path: Path) -> str | None:
        from kzgraph.load import RDF_SUFFIXES, TURTLE_FAMILY

        texts = self._triple_lines.setdefault("texts", {})
        if path not in texts:
            text = None
            if RDF_SUFFIXES.get(path.suffix.lower()) in TURTLE_FAMILY:
                try:
                    text = path.read_bytes().decode("utf-8-sig")
                except (OSError, UnicodeDecodeError):
                    text = None
            texts[path] = text
        return texts[path]

    def _lines_of(self, path: Path):
        if path in self._triple_lines:
            return self._triple_lines[path]
        from kzgraph.load.triple_lines import scan_triple_lines

        text = self._text_of(path)
        found = scan_triple_lines(text, base=path.as_uri()) if text is not None else None
        self._triple_lines[path] = found
        return found

    def location_of(self, node: object) -> Location | None:
        """Return where a subject (IRI string, ``_:id``, or RDF term) is described, if known."""
        key = node_key(node)
        seen: set[str] = set()
        # An anonymous blank node has no line of its own: use the statement that contains it.
        while key not in self.locations:
            if not key.startswith("_:") or key in seen:
                return None
            seen.add(key)
            parents = self.oxigraph().quads_for_pattern(None, None, ox.BlankNode(key[2:]), None)
            parent = next(iter(parents), None)
            if parent is None:
                return None
            key = node_key(parent.subject)
        return self.locations[key]

    def plain_nquads(self) -> bytes | None:
        """Return every quad as N-Quads text (pyoxigraph's, in no set order), or None when a quad
        holds a blank node (their labels are the loader's, not canonical).

        From the parse cache this is the cached file itself: no quad object is built.
        """
        if self._nquads is not None:
            return self._nquads()
        blank = ox.BlankNode
        if any(type(q.subject) is blank or type(q.object) is blank for q in self.quads):
            return None
        return ox.serialize(self.quads, format=ox.RdfFormat.N_QUADS)

    def rdflib_graph(self) -> "rdflib.Graph":
        """Return the graph as an rdflib.Graph, converted once and cached."""
        if self._graph is None:
            from kzgraph.load import to_rdflib

            self._graph = to_rdflib(self.quads)
        return self._graph


def node_key(node: object) -> str:
    """Return the locations key of a node: the IRI, or ``_:id`` for a blank node."""
    if isinstance(node, str):
        # rdflib's URIRef is a str; its BNode is too, so check that first.
        if type(node).__name__ == "BNode":
            return "_:" + str(node)
        return str(node)
    if isinstance(node, ox.BlankNode):
        return "_:" + node.value
    if isinstance(node, ox.NamedNode):
        return node.value
    raise TypeError(f"not a subject: {node!r}")




def _run_in_store(
    store: ox.Store, text: str, prefixes: dict[str, str] | None = None, native_format: str | None = None
) -> Result:
    try:
        return sparql.materialize(store.query(text, prefixes=prefixes or None), native_format)
    except SyntaxError as e:
        raise sparql.syntax_error(e, text) from None
    except OSError as e:
        raise RuntimeFailure(f"query failed: {e}") from None


def _child(
    store: ox.Store | None, nquads: bytes | None, text: str, prefixes: dict[str, str] | None, conn: Any,
    parent_pid: int | None = None, native_format: str | None = None,
) -> None:
    die_with_parent()
    if parent_pid is not None and os.getppid() != parent_pid:
        os._exit(1)  # the parent died before prctl took effect
    try:
        if store is None:
            store = ox.Store()
            if nquads:
                store.bulk_load(nquads, format=ox.RdfFormat.N_QUADS)
        result = _run_in_store(store, text, prefixes, native_format)
        conn.send(("ok", result))
    except (InputError, RuntimeFailure) as e:
        conn.send(("error", type(e).__name__, str(e), getattr(e, "line", None), getattr(e, "column", None)))
    except BaseException as e:  # report anything else instead of dying silently
        conn.send(("error", "RuntimeFailure", f"query failed: {e}", None, None))
    finally:
        conn.close()


def from_store(store: ox.Store) -> EmbeddedCatalogue:
    """A catalogue over a pyoxigraph store built elsewhere (no files, so no file:line locations)."""
    quads = list(store.quads_for_pattern(None, None, None))
    return EmbeddedCatalogue(store=store, quads=quads, triple_count=len(store))


def from_triples(triples: Sequence[ox.Triple], inferred: str | None = None) -> EmbeddedCatalogue:
    """A catalogue of the given triples, in the default graph."""
    default = ox.DefaultGraph()
    quads = [ox.Quad(t.subject, t.predicate, t.object, default) for t in triples]
    store = ox.Store()
    store.bulk_extend(quads)
    return EmbeddedCatalogue(store=store, quads=quads, triple_count=len(store), inferred=inferred)


def _query_in_child(
    store: ox.Store, text: str, timeout: float, prefixes: dict[str, str] | None, native_format: str | None = None
) -> Result:
    # A signal cannot interrupt pyoxigraph's native evaluation; a child process can be killed.
    import multiprocessing  # here, not at the top: it costs ~5 ms on every query's start

    if "fork" in multiprocessing.get_all_start_methods():
        ctx = multiprocessing.get_context("fork")
        args = (store, None, text, prefixes)
    else:
        ctx = multiprocessing.get_context("spawn")
        data = store.dump(format=ox.RdfFormat.N_QUADS)
        args = (None, data, text, prefixes)
    parent, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(*args, child, os.getpid(), native_format), daemon=True)
    proc.start()
    child.close()
    try:
        # timeout=inf: no deadline, but still in a child so that Ctrl-C can stop the query
        if not parent.poll(None if timeout == float("inf") else timeout):
            raise RuntimeFailure(f"query timed out after {timeout:g} s; simplify it or raise --timeout")
        try:
            msg = parent.recv()
        except EOFError:
            raise RuntimeFailure(
                f"the query process ended without an answer (exit code {proc.exitcode})"
            ) from None
    finally:
        if proc.is_alive():
            proc.kill()
        proc.join(5)
        parent.close()
    if msg[0] == "ok":
        return msg[1]
    _, kind, message, line, column = msg
    if kind == "InputError":
        raise InputError(message, line=line, column=column)
    raise RuntimeFailure(message)
