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
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Sequence

import pyoxigraph as ox

from kzgraph import iris
from kzgraph.output import write_file, write_folder
from kzgraph.errors import InputError, RuntimeFailure, UsageError
from kzgraph.load import from_rdflib

if TYPE_CHECKING:
    from kzgraph.store.embedded import EmbeddedCatalogue as Catalogue
    from kzgraph.paths import Layout

# Formats that export writes (the graph formats of kzgraph.formats).
EXPORT_FORMATS = ("ttl", "jsonld", "nt", "nq", "trig", "rdfxml")
SCHEMA_CONTEXT: dict[str, Any] = {
    "@context": {
        "@vocab": iris.SCHEMA,
        # schema.org's own context reads these as IRIs; so do we, so that values are plain strings.
        "url": {"@id": iris.SCHEMA + "url", "@type": "@id"},
        "sameAs": {"@id": iris.SCHEMA + "sameAs", "@type": "@id"},
    }
}

_RDF_TYPE = iris.RDF + "type"
_XSD_STRING = iris.XSD + "string"
_RDF_LANGSTRING = iris.RDF + "langString"
_RDF_TYPE_NT = f"<{_RDF_TYPE}>"


# ---------------------------------------------------------------- preparing the triples


def catalogue_triples(catalogue: "Catalogue") -> list[ox.Triple]:
    """Return the catalogue's triples exactly as written in its files (lexical forms kept)."""
    return [ox.Triple(q.subject, q.predicate, q.object) for q in catalogue.quads]


def catalogue_lines(catalogue: Catalogue) -> list[str] | None:
    """Return the catalogue's triples as sorted, de-duplicated N-Triples lines, or None.

    The same lines ``prepare`` sorts on, read straight from the catalogue's N-Quads text (the parse
    cache's file when there is one) without building a term object: pyoxigraph writes canonical
    N-Triples term syntax, and a quad in the default graph is an N-Triples line. None when the text
    cannot be used: a blank node (labels must be made canonical first) or an RDF 1.2 triple term
    (refused by ``prepare``); the caller then takes the ``prepare`` path.
    """
    data = catalogue.plain_nquads()
    if data is None or b"<<" in data or _FOREIGN_ESCAPE.search(data):
        return None
    lines = data.decode("utf-8").split("\n")
    # Each file's triples are mostly in order already, which makes this sort fast (a set's are not).
    lines.sort()
    unique = [line for line, before in zip(lines, [""] + lines) if line != before]
    return unique[1:] if unique and unique[0] == "" else unique


# pyoxigraph's N-Quads writer escapes a few characters nt_term writes raw (U+FFFE, U+FFFF): a
# \u escape other than a control character's means the text is not in our spelling.
_FOREIGN_ESCAPE = re.compile(rb"\\u(?!00[01][0-9A-Fa-f]|007[Ff])|\\U")


def triples_from_lines(lines: Sequence[str]) -> list[ox.Triple]:
    """Return the triples of sorted N-Triples lines, in their order (what ``prepare`` returns)."""
    if not lines:
        return []
    data = ("\n".join(lines) + "\n").encode("utf-8")
    return [ox.Triple(q.subject, q.predicate, q.object) for q in ox.parse(data, format=ox.RdfFormat.N_TRIPLES)]


def prepare(triples: Iterable[ox.Triple]) -> list[ox.Triple]:
    """Return the triples de-duplicated, blank nodes canonically labelled, sorted as N-Triples lines."""
    triples = list(triples)
    if any(isinstance(t.subject, ox.BlankNode) or isinstance(t.object, ox.BlankNode) for t in triples):
        dataset = ox.Dataset(ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in triples)
        dataset.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)
        triples = [ox.Triple(q.subject, q.predicate, q.object) for q in dataset]
    nt = _NtTerms()
    unique = {f"{nt[t.subject]} {nt[t.predicate]} {nt[t.object]} .": t for t in triples}
    return [unique[line] for line in sorted(unique)]


# ---------------------------------------------------------------- N-Triples, N-Quads

_NT_ECHAR = {"\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r", '"': '\\"', "\\": "\\\\"}
_NT_NEEDS_ESCAPE = re.compile(r'[\x00-\x1f\x7f"\\]')
_IRI_FORBIDDEN = re.compile(r'[\x00-\x20<>"{}|^`\\]')


def _nt_escape(match: re.Match) -> str:
    char = match[0]
    return _NT_ECHAR.get(char) or f"\\u{ord(char):04X}"


def nt_iri(value: str) -> str:
    """Return an IRI in N-Triples syntax; refuse characters an IRIREF cannot hold unescaped."""
    if _IRI_FORBIDDEN.search(value):
        raise RuntimeFailure(f"cannot export the IRI {value!r}: it holds a character IRIs forbid")
    return f"<{value}>"


def nt_term(term: object) -> str:
    """Return a term in canonical N-Triples syntax."""
    if isinstance(term, ox.NamedNode):
        return nt_iri(term.value)
    if isinstance(term, ox.BlankNode):
        return "_:" + term.value
    if isinstance(term, ox.Literal):
        text = '"' + _NT_NEEDS_ESCAPE.sub(_nt_escape, term.value) + '"'
        if term.language:
            return f"{text}@{term.language}"
        if term.datatype.value == _XSD_STRING:
            return text
        return f"{text}^^{nt_iri(term.datatype.value)}"
    raise RuntimeFailure(f"cannot export the RDF term {term!r} (RDF 1.2 triple terms are not supported)")


class _NtTerms(dict):
    """term -> ``nt_term(term)``, each term rendered once (IRIs repeat a lot)."""

    def __missing__(self, term: object) -> str:
        text = self[term] = nt_term(term)
        return text


def _nt_lines(triples: Sequence[ox.Triple]) -> list[str]:
    nt = _NtTerms()
    return [f"{nt[t.subject]} {nt[t.predicate]} {nt[t.object]} ." for t in triples]


def nt_line(triple: ox.Triple) -> str:
    """Return one N-Triples line (without the newline)."""
    return f"{nt_term(triple.subject)} {nt_term(triple.predicate)} {nt_term(triple.object)} ."


def write_ntriples(triples: Sequence[ox.Triple]) -> bytes:
    """Return the triples as canonical N-Triples."""
    return "".join(line + "\n" for line in _nt_lines(triples)).encode("utf-8")


def write_nquads(triples: Sequence[ox.Triple], graph: str = iris.GRAPH) -> bytes:
    """Return the triples as N-Quads in the named graph ``graph``."""
    name = nt_iri(graph)
    return "".join(line[:-1] + name + " .\n" for line in _nt_lines(triples)).encode("utf-8")


# ---------------------------------------------------------------- Turtle, TriG

INDENT = " " * 4


_NT_UNECHAR = {"b": "\b", "t": "\t", "n": "\n", "f": "\f", "r": "\r", '"': '"', "'": "'", "\\": "\\"}
_NT_ESCAPED = re.compile(r"\\(?:u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|(.))", re.DOTALL)


def _nt_unescape_match(match: re.Match) -> str:
    code = match[1] or match[2]
    return chr(int(code, 16)) if code else _NT_UNECHAR[match[3]]


def nt_unescape(text: str) -> str:
    """Return the string an N-Triples string literal's body (between the quotes) stands for."""
    return _NT_ESCAPED.sub(_nt_unescape_match, text) if "\\" in text else text


def split_nt_literal(text: str) -> tuple[str, str, str | None]:
    """Split an N-Triples literal into (escaped body, language or "", datatype IRI or None).

    ``text`` is in the syntax ``nt_term`` writes; language tags and IRIs never hold a quote, so the
    body ends at the last one. A plain string has language "" and datatype None.
    """
    end = text.rindex('"')
    tail = text[end + 1 :]
    if not tail:
        return text[1:end], "", None
    if tail[0] == "@":
        return text[1:end], tail[1:], None
    return text[1:end], "", tail[3:-1]  # ^^<iri>


def _turtle_blocks_from_lines(lines: Sequence[str], indent: str = "") -> tuple[list[str], set[str]]:
    """Turtle subject blocks from sorted N-Triples lines (see ``prepare`` / ``catalogue_lines``)."""
    from kzgraph.export.canonical import _CANONICAL, CONTINUATION, Writer

    writer = Writer()
    iri = writer.iri

    def node(text: str) -> str:
        return text if text[0] == "_" else iri(text[1:-1])

    class Objects(dict):
        """object (N-Triples) -> (its sort key, its Turtle text), each computed once."""

        def __missing__(self, obj: str) -> tuple[tuple, str]:
            # Objects in the order kzgraph fmt uses: IRIs as written, then literals by value.
            if obj[0] != '"':
                shown = node(obj)
                entry = self[obj] = ((0, shown, "", ""), shown)
                return entry
            # Turtle escapes exactly the characters N-Triples does, the same way.
            body, language, datatype = split_nt_literal(obj)
            quoted = '"' + body + '"'
            value = nt_unescape(body)
            if language:
                order, shown = (1, value, language, _RDF_LANGSTRING), quoted + "@" + language
            elif datatype is None:
                order, shown = (1, value, "", _XSD_STRING), quoted
            else:
                order = (1, value, "", datatype)
                pattern = _CANONICAL.get(datatype)
                if pattern is not None and pattern.fullmatch(value):
                    shown = value
                else:
                    shown = quoted + "^^" + iri(datatype)
            entry = self[obj] = (order, shown)
            return entry

    class Predicates(dict):
        """predicate (N-Triples) -> its sort key and text: ``a`` first, then prefixed names, then IRIs."""

        def __missing__(self, predicate: str) -> tuple[int, str]:
            if predicate == _RDF_TYPE_NT:
                entry = (0, "a")
            else:
                shown = node(predicate)
                entry = (2 if shown[0] == "<" else 1, shown)
            self[predicate] = entry
            return entry

    objects, predicates = Objects(), Predicates()
    inner, continuation = indent + INDENT, indent + CONTINUATION
    blocks: list[str] = []

    def flush(subject: str, block: dict[tuple[int, str], list[tuple[tuple, str]]]) -> None:
        # The lines canonical.subject_block writes, built here without its per-subject sorting cost.
        out = [indent + node(subject)]
        items = sorted(block.items()) if len(block) > 1 else list(block.items())
        last = len(items) - 1
        for index, ((_, shown), entries) in enumerate(items):
            end = " ." if index == last else " ;"
            if len(entries) == 1:
                out.append(f"{inner}{shown} {entries[0][1]}{end}")
            else:
                entries.sort()
                out.append(f"{inner}{shown} {entries[0][1]},")
                out.extend(f"{continuation}{text}," for _, text in entries[1:-1])
                out.append(f"{continuation}{entries[-1][1]}{end}")
        blocks.append("\n".join(out))

    block: dict[tuple[int, str], list[tuple[tuple, str]]] = {}
    current = None
    # Sorted lines: the lines of one subject are next to each other (they share "<subject> ").
    for line in lines:
        subject, predicate, obj = line[:-2].split(" ", 2)
        if subject != current:
            if current is not None:
                flush(current, block)
            current, block = subject, {}
        key = predicates[predicate]
        entry = objects[obj]
        entries = block.get(key)
        if entries is None:
            block[key] = [entry]
        else:
            entries.append(entry)
    if current is not None:
        flush(current, block)
    return blocks, writer.used


def _prefix_lines(used: set[str]) -> str:
    return "".join(f"@prefix {name}: <{iris.PREFIXES[name]}> .\n" for name in sorted(used))


def write_turtle(triples: Sequence[ox.Triple]) -> bytes:
    """Return the triples as long-form Turtle with the project's prefixes."""
    return write_turtle_lines(_nt_lines(triples))


def write_turtle_lines(lines: Sequence[str]) -> bytes:
    """``write_turtle`` from the triples' sorted N-Triples lines (see ``catalogue_lines``)."""
    blocks, used = _turtle_blocks_from_lines(lines)
    text = _prefix_lines(used)
    if blocks:
        text += ("\n" if text else "") + "\n\n".join(blocks) + "\n"
    return text.encode("utf-8")


def write_trig(triples: Sequence[ox.Triple], graph: str = iris.GRAPH) -> bytes:
    """Return the triples as TriG, in the named graph ``graph``."""
    return write_trig_lines(_nt_lines(triples), graph)


def write_trig_lines(lines: Sequence[str], graph: str = iris.GRAPH) -> bytes:
    """``write_trig`` from the triples' sorted N-Triples lines (see ``catalogue_lines``)."""
    blocks, used = _turtle_blocks_from_lines(lines, indent=INDENT)
    text = _prefix_lines(used)
    text += ("\n" if text else "") + f"{nt_iri(graph)} {{\n"
    if blocks:
        text += "\n\n".join(blocks) + "\n"
    text += "}\n"
    return text.encode("utf-8")


# ---------------------------------------------------------------- RDF/XML

_NCNAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.\-]*")
_XML_FORBIDDEN = re.compile(r"[^\x09\x0a\x0d\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _xml_check(text: str) -> str:
    bad = _XML_FORBIDDEN.search(text)
    if bad:
        raise RuntimeFailure(f"cannot write U+{ord(bad[0]):04X} in RDF/XML (XML 1.0 forbids it); use another format")
    return text


def _xml_text(text: str) -> str:
    text = _xml_check(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text.replace("\r", "&#13;")


def _xml_attr(text: str) -> str:
    text = _xml_text(text).replace('"', "&quot;")
    return text.replace("\t", "&#9;").replace("\n", "&#10;")


def _split_predicate(iri: str) -> tuple[str, str]:
    """Split a predicate IRI into namespace and an XML local name (longest known namespace first)."""
    for _, namespace in sorted(iris.PREFIXES.items(), key=lambda item: (-len(item[1]), item[0])):
        local = iri[len(namespace) :]
        if iri.startswith(namespace) and _NCNAME.fullmatch(local):
            return namespace, local
    match = re.search(r"[A-Za-z_][A-Za-z0-9_.\-]*$", iri)
    if not match or match.start() == 0:
        raise RuntimeFailure(f"cannot write the predicate <{iri}> in RDF/XML (no XML local name); use another format")
    return iri[: match.start()], match[0]


def write_rdfxml(triples: Sequence[ox.Triple]) -> bytes:
    """Return the triples as RDF/XML: one rdf:Description per subject, in sorted order."""
    known = {namespace: name for name, namespace in iris.PREFIXES.items()}
    # Each predicate split once, in order of first use (so an error names the same one every run).
    split = {iri: _split_predicate(iri) for iri in dict.fromkeys(t.predicate.value for t in triples)}
    split[_RDF_TYPE] = (iris.RDF, "type")
    namespaces = {iris.RDF} | {namespace for namespace, _ in split.values()}
    prefix_of: dict[str, str] = {}
    others = sorted(ns for ns in namespaces if ns not in known)
    for namespace in namespaces:
        prefix_of[namespace] = known.get(namespace) or f"ns{others.index(namespace) + 1}"

    out = ['<?xml version="1.0" encoding="utf-8"?>', "<rdf:RDF"]
    for namespace, name in sorted(prefix_of.items(), key=lambda item: item[1]):
        out.append(f'    xmlns:{name}="{_xml_attr(namespace)}"')
    out[-1] += ">"

    def node_attr(node: object, about: bool) -> str:
        if isinstance(node, ox.BlankNode):
            return f'rdf:nodeID="{node.value}"'
        return f'rdf:{"about" if about else "resource"}="{_xml_attr(node.value)}"'

    class Resources(dict):
        """object node -> its rdf:resource / rdf:nodeID attribute, written once per node."""

        def __missing__(self, node: object) -> str:
            attr = self[node] = node_attr(node, about=False)
            return attr

    resources = Resources()

    current = None
    nt = _NtTerms()
    for t in triples:
        key = nt[t.subject]
        if key != current:
            if current is not None:
                out.append("  </rdf:Description>")
            out.append(f"  <rdf:Description {node_attr(t.subject, about=True)}>")
            current = key
        namespace, local = split[t.predicate.value]
        element = f"{prefix_of[namespace]}:{local}"
        obj = t.object
        if isinstance(obj, ox.Literal):
            if obj.language:
                attr = f' xml:lang="{_xml_attr(obj.language)}"'
            elif obj.datatype.value == _XSD_STRING:
                attr = ""
            else:
                attr = f' rdf:datatype="{_xml_attr(obj.datatype.value)}"'
            out.append(f"    <{element}{attr}>{_xml_text(obj.value)}</{element}>")
        else:
            out.append(f"    <{element} {resources[obj]}/>")
    if current is not None:
        out.append("  </rdf:Description>")
    out.append("</rdf:RDF>")
    return ("\n".join(out) + "\n").encode("utf-8")


# ---------------------------------------------------------------- JSON-LD


def refuse_remote(url: str, options: dict | None = None) -> dict:
    """A pyld document loader that never fetches: every remote document is refused."""
    from pyld.jsonld import JsonLdError

    raise JsonLdError(
        f"remote JSON-LD documents are never fetched (asked for {url}); put the @context inline",
        "jsonld.LoadDocumentError",
        code="loading document failed",
    )


def _json_id(node: object) -> str:
    return "_:" + node.value if isinstance(node, ox.BlankNode) else node.value


def expanded_jsonld(triples: Sequence[ox.Triple]) -> list[dict[str, Any]]:
    """Return expanded JSON-LD (one node object per subject) built from the sorted triples.

    Literals keep their lexical form as strings (no native JSON numbers), so nothing is re-spelled.
    """
    nodes: dict[str, dict[str, Any]] = {}
    for t in triples:
        subject = _json_id(t.subject)
        node = nodes.setdefault(subject, {"@id": subject})
        obj = t.object
        if t.predicate.value == _RDF_TYPE and not isinstance(obj, ox.Literal):
            node.setdefault("@type", []).append(_json_id(obj))
            continue
        if isinstance(obj, ox.Literal):
            value: dict[str, str] = {"@value": obj.value}
            if obj.language:
                value["@language"] = obj.language
            elif obj.datatype.value != _XSD_STRING:
                value["@type"] = obj.datatype.value
        else:
            value = {"@id": _json_id(obj)}
        node.setdefault(t.predicate.value, []).append(value)
    return [nodes[key] for key in sorted(nodes)]


def compact_jsonld(
    expanded: list[dict[str, Any]], context: dict[str, Any], from_triples: bool = False
) -> dict[str, Any]:
    """Compact expanded JSON-LD with ``context`` (a document with an inline ``@context``), offline.

    ``from_triples``: ``expanded`` is the output of ``expanded_jsonld`` (it may be modified). Such a
    document is already in expanded form except for language tags, which pyld's expansion
    lower-cases; they are lower-cased here and pyld's (costly, otherwise no-op) expansion skipped.
    """
    from pyld import jsonld

    options: dict[str, Any] = {"documentLoader": refuse_remote, "processingMode": "json-ld-1.1"}
    if from_triples:
        for node in expanded:
            for values in node.values():
                if type(values) is list:
                    for value in values:
                        if type(value) is dict and "@language" in value:
                            value["@language"] = value["@language"].lower()
        options["skipExpansion"] = True
    try:
        compacted = _memo_processor().compact(expanded, context, options=options)
    except jsonld.JsonLdError as err:
        raise RuntimeFailure(f"JSON-LD compaction failed: {_jsonld_message(err)}") from None
    # Always a top-level @graph, even for one node, so consumers read one shape.
    if "@graph" not in compacted:
        body = {k: v for k, v in compacted.items() if k != "@context"}
        compacted = {"@context": compacted.get("@context", context["@context"]), "@graph": [body] if body else []}
    return compacted


_VALUE_KEYS = frozenset(("@value", "@language", "@type"))


def _memo_processor() -> Any:
    """Return a pyld processor that remembers what each IRI compacts to.

    pyld's ``_compact_iri`` scans every term of the context for each IRI it cannot map to a term
    (looking for the best compact IRI); the catalogue repeats the same IRIs many times. Its answer
    depends only on the active context, the IRI, the flags and, for a value object, on which keys
    the value has and its ``@language`` / ``@type`` (never on the ``@value`` itself), so it is
    memoized on exactly those; any other value (a node reference, a list, ...) is not memoized.
    """
    from pyld import jsonld

    class Processor(jsonld.JsonLdProcessor):
        def __init__(self) -> None:
            super().__init__()
            self._compacted_iris: dict[tuple, Any] = {}
            self._contexts: dict[int, Any] = {}  # holds each context seen, so its id is never reused

        def _compact_iri(self, active_ctx, iri, value=None, vocab=False, base=None, reverse=False):  # type: ignore[override]
            if value is None:
                shape: tuple | None = None
            elif (
                type(value) is dict
                and "@value" in value
                and value.keys() <= _VALUE_KEYS
                and all(type(value.get(k, "")) is str for k in ("@language", "@type"))
            ):
                shape = (tuple(sorted(value)), value.get("@language"), value.get("@type"))
            else:
                shape = ()
            if shape == () or type(iri) is not str or not (base is None or type(base) is str):
                return super()._compact_iri(active_ctx, iri, value, vocab=vocab, base=base, reverse=reverse)
            key = (id(active_ctx), iri, shape, bool(vocab), base, bool(reverse))
            try:
                return self._compacted_iris[key]
            except KeyError:
                pass
            result = super()._compact_iri(active_ctx, iri, value, vocab=vocab, base=base, reverse=reverse)
            self._contexts.setdefault(id(active_ctx), active_ctx)
            self._compacted_iris[key] = result
            return result

    return Processor()


_MISSING = object()
_IRI_SEPARATOR = re.compile(r"[/#]")
# Stands for a literal's lexical form while working out how a term compacts such values.
_SENTINEL = "\x00kzgraph-value\x00"


class _Unsupported(Exception):
    """The context uses a JSON-LD feature the direct compactor does not reproduce."""


def _add_value(obj: dict[str, Any], key: str, value: Any, as_array: bool) -> None:
    """pyld's ``JsonLdProcessor.add_value`` for one non-list value, duplicates allowed."""
    current = obj.get(key, _MISSING)
    if current is _MISSING:
        obj[key] = [value] if as_array else value
    elif type(current) is list:
        current.append(value)
    else:
        obj[key] = [current, value]


class DirectCompactor:
    """Compacted JSON-LD built straight from sorted N-Triples lines, the same as pyld's compaction.

    pyld's general compaction walks the whole document; here every decision it would take is
    asked of pyld once per distinct case, with pyld's own functions, on the same active context:
    which term a property gets for a kind of value (``_compact_iri`` with the value; its answer
    depends only on the property, whether the value is a node reference or which language /
    datatype a literal has, and for a node reference on whether the referenced IRI is itself a
    term), how a term writes a literal (``_compact_value`` on a stand-in lexical form) or a node
    reference, how a node's ``@id`` and ``@type`` IRIs compact. Values are then placed the way
    ``JsonLdProcessor._compact`` places them (language maps, ``@set``, single values unwrapped).

    Contexts with features this does not reproduce (scoped contexts, reverse or nested
    properties, keyword aliases, index/id/type/graph/list containers, ``@json``) raise
    ``_Unsupported`` on construction; ``write_jsonld`` then compacts with pyld.
    """

    def __init__(self, context: dict[str, Any]) -> None:
        from pyld import jsonld

        self._jsonld = jsonld
        proc = self._proc = _memo_processor()
        options: dict[str, Any] = {
            "base": "",
            "compactArrays": True,
            "graph": False,
            "skipExpansion": True,
            "activeCtx": False,
            "documentLoader": refuse_remote,
            "extractAllScripts": False,
            "processingMode": "json-ld-1.1",
            "link": False,
        }
        options["contextResolver"] = jsonld.ContextResolver(jsonld._resolved_context_cache, refuse_remote)
        self._options = options
        inner = context.get("@context")
        if not isinstance(inner, dict) or not inner:
            raise _Unsupported("the context is not one non-empty object")
        try:
            ctx = proc.process_context(proc._get_initial_context(options), context, options)
        except jsonld.JsonLdError:
            raise _Unsupported("pyld refuses the context; let compact_jsonld report it") from None
        if "previousContext" in ctx:
            raise _Unsupported("previousContext")
        prefixes: dict[str, list[str]] = {}
        self._fast_ids = True
        for term, mapping in ctx["mappings"].items():
            if mapping is None:
                continue
            if mapping.get("reverse") or "@context" in mapping or "@nest" in mapping or "@index" in mapping:
                raise _Unsupported(term)
            if not set(mapping.get("@container") or ()) <= {"@language", "@set"}:
                raise _Unsupported(term)
            if mapping.get("@type") == "@json" or str(mapping.get("@id", "")).startswith("@"):
                raise _Unsupported(term)
            if ":" in term:
                self._fast_ids = False
            elif mapping.get("_prefix") and mapping.get("@id"):
                if not mapping["@id"].endswith(("/", "#")):
                    self._fast_ids = False
                prefixes.setdefault(mapping["@id"], []).append(term)
        self._ctx = ctx
        self._plain_base = "@base" not in ctx
        self._prefix_terms = {term for terms in prefixes.values() for term in terms}
        self._context_out = inner
        self._prefixes = prefixes
        self._inverse = proc._get_inverse_context(ctx)
        self._id_key = proc._compact_iri(ctx, "@id")
        self._type_key = proc._compact_iri(ctx, "@type")
        self._none_key = proc._compact_iri(ctx, "@none")
        if (self._id_key, self._type_key, proc._compact_iri(ctx, "@graph")) != ("@id", "@type", "@graph"):
            raise _Unsupported("keyword alias")
        self._types_as_set = "@set" in self._container(self._type_key)
        self._ids: dict[str, str] = {}  # IRI -> compacted as an @id (vocab=False)
        self._types: dict[str, str] = {}  # IRI -> compacted as a type (vocab=True)
        self._literal_rules: dict[tuple, tuple] = {}
        self._node_rules: dict[tuple, tuple] = {}
        self._node_refs: dict[tuple, tuple] = {}
        self._literal_rules_nt: dict[tuple, tuple] = {}
        self._head_prefixes: dict[str, list[tuple[str, int]]] = {}

    def _container(self, term: str) -> list[str]:
        jsonld = self._jsonld
        return jsonld.JsonLdProcessor.arrayify(jsonld.JsonLdProcessor.get_context_value(self._ctx, term, "@container"))

    def compact_id(self, iri: str) -> str:
        """``_compact_iri(iri, vocab=False, base="")``: the shortest usable compact IRI, else pyld's answer."""
        shown = self._ids.get(iri)
        if shown is not None:
            return shown
        best = None
        if self._fast_ids:
            # Every prefix ends in "/" or "#" and no term holds a colon: the candidates pyld scans
            # every term for are the prefixes equal to the IRI up to one of its "/" or "#".
            # Those prefixes all lie within the IRI's head (up to its last "/" or "#" but the final
            # character), and IRIs share few heads: the candidates are worked out once per head.
            last = max(iri.rfind("/", 0, len(iri) - 1), iri.rfind("#", 0, len(iri) - 1))
            head = iri[: last + 1]
            candidates = self._head_prefixes.get(head)
            if candidates is None:
                candidates = self._head_prefixes[head] = [
                    (term, match.end())
                    for match in _IRI_SEPARATOR.finditer(head)
                    for term in self._prefixes.get(head[: match.end()], ())
                ]
            mappings = self._ctx["mappings"]
            for term, cut in candidates:
                curie = term + ":" + iri[cut:]
                if curie not in mappings and (best is None or (len(curie), curie) < (len(best), best)):
                    best = curie
            if best is None and self._plain_base:
                # No compact IRI: pyld refuses an IRI whose scheme is a prefix, else (no @base)
                # gives the IRI back as it is.
                colon = iri.find(":")
                if colon < 0 or iri[:colon] not in self._prefix_terms:
                    best = iri
        if best is None:
            best = self._proc._compact_iri(self._ctx, iri, vocab=False, base="")
        self._ids[iri] = best
        return best

    def compact_type(self, iri: str) -> str:
        shown = self._types.get(iri)
        if shown is None:
            shown = self._types[iri] = self._proc._compact_iri(self._ctx, iri, vocab=True)
        return shown

    def _literal_rule(self, predicate: str, language: str, datatype: str | None) -> tuple:
        """(term, in a language map, as a set, template) for literals of this kind under ``predicate``."""
        key = (predicate, language, datatype)
        rule = self._literal_rules.get(key)
        if rule is None:
            sample: dict[str, str] = {"@value": _SENTINEL}
            if language:
                sample["@language"] = language
            elif datatype is not None:
                sample["@type"] = datatype
            proc = self._proc
            term = proc._compact_iri(self._ctx, predicate, dict(sample), vocab=True)
            shown = proc._compact_value(self._ctx, term, dict(sample), self._options)
            container = self._container(term)
            if shown == _SENTINEL:
                template: dict[str, str] | None = None
            elif type(shown) is dict and list(shown.values()).count(_SENTINEL) == 1 and shown.get("@value") == _SENTINEL:
                template = shown
            else:
                raise _Unsupported(f"value compaction of {key}")
            rule = self._literal_rules[key] = (term, "@language" in container, "@set" in container, template)
        return rule

    def _node_rule(self, predicate: str, obj: str) -> tuple:
        """(term, as a set, compacted reference) for the N-Triples node ``obj`` under the N-Triples
        predicate ``predicate``."""
        found = self._node_refs.get((predicate, obj))
        if found is None:
            target = obj[1:-1] if obj[0] == "<" else obj
            found = self._node_refs[(predicate, obj)] = self._new_node_rule(predicate[1:-1], target)
        return found

    def _new_node_rule(self, predicate: str, target: str) -> tuple:
        is_term = False
        if target in self._inverse:
            # pyld prefers @vocab terms when the target IRI compacts to a term meaning itself.
            term = self.compact_type(target)
            mapping = self._ctx["mappings"].get(term)
            is_term = bool(term is not None and mapping and mapping["@id"] == target)
        key = (predicate, is_term)
        rule = self._node_rules.get(key)
        if rule is None:
            proc = self._proc
            term = proc._compact_iri(self._ctx, predicate, {"@id": target}, vocab=True)
            type_ = self._jsonld.JsonLdProcessor.get_context_value(self._ctx, term, "@type")
            container = self._container(term)
            if "@language" in container:
                raise _Unsupported(f"node reference under a language map: {term}")
            rule = self._node_rules[key] = (term, "@set" in container, type_)
        term, as_set, type_ = rule
        if type_ == "@id":
            return term, as_set, self.compact_id(target)
        if type_ == "@vocab":
            return term, as_set, self.compact_type(target)
        return term, as_set, {"@id": self.compact_id(target)}

    def _literal_rule_nt(self, predicate: str, tail: str) -> tuple:
        """``_literal_rule`` keyed on the N-Triples predicate and what follows a literal's closing
        quote ("", "@lang", "^^<datatype>"); adds the map key (the lower-cased language) last."""
        key = (predicate, tail)
        rule = self._literal_rules_nt.get(key)
        if rule is None:
            language, datatype = "", None
            if tail.startswith("@"):
                language = tail[1:].lower()  # as compact_jsonld lower-cases them
            elif tail:
                datatype = tail[3:-1]
            found = self._literal_rule(predicate[1:-1], language, datatype)
            rule = self._literal_rules_nt[key] = (*found, language or self._none_key)
        return rule

    def compact_lines(self, lines: Sequence[str]) -> dict[str, Any]:
        """Return the compacted document (``@context`` and a top-level ``@graph``) of sorted lines."""
        nodes: dict[str, dict[str, Any]] = {}
        type_as_array = self._types_as_set
        node: dict[str, Any] = {}
        types: list[str] = []
        current = None
        literal_rules, node_refs = self._literal_rules_nt, self._node_refs
        literal_rule, node_rule, add = self._literal_rule_nt, self._node_rule, _add_value
        compact_type, rdf_type, missing = self.compact_type, _RDF_TYPE_NT, _MISSING

        def finish() -> None:
            if types:
                if len(types) == 1:
                    node["@type"] = [types[0]] if type_as_array else types[0]
                else:
                    node["@type"] = list(types)

        for line in lines:
            subject, predicate, obj = line[:-2].split(" ", 2)
            if subject != current:
                if current is not None:
                    finish()
                current = subject
                sid = subject[1:-1] if subject[0] == "<" else subject
                node = nodes[sid] = {"@id": self.compact_id(sid)}
                types = []
            if obj[0] == '"':
                end = obj.rindex('"')  # language tags and IRIs hold no quote
                value = obj[1:end]
                if "\\" in value:
                    value = nt_unescape(value)
                tail = obj[end + 1 :]
                rule = literal_rules.get((predicate, tail)) or literal_rule(predicate, tail)
                term, in_map, as_set, template, map_key = rule
                if in_map:
                    target_map = node.get(term)
                    if target_map is None:
                        target_map = node[term] = {}
                    add(target_map, map_key, value, as_set)
                    continue
                if template is not None:
                    shown = dict(template)
                    shown["@value"] = value
                    value = shown
            elif predicate == rdf_type:
                types.append(compact_type(obj[1:-1] if obj[0] == "<" else obj))
                continue
            else:
                term, as_set, value = node_refs.get((predicate, obj)) or node_rule(predicate, obj)
            # _add_value, inlined: this runs once per triple.
            current_value = node.get(term, missing)
            if current_value is missing:
                node[term] = [value] if as_set else value
            elif type(current_value) is list:
                current_value.append(value)
            else:
                node[term] = [current_value, value]
        if current is not None:
            finish()
        return {"@context": self._context_out, "@graph": [nodes[key] for key in sorted(nodes)]}


def _jsonld_message(err: Exception) -> str:
    message = getattr(err, "message", None) or str(err)
    return " ".join(str(message).split())


def dump_json(document: Any) -> bytes:
    """Serialize JSON deterministically: sorted keys, two-space indent, UTF-8, final newline.

    The bytes of ``json.dumps(document, sort_keys=True, indent=2, ensure_ascii=False)`` plus a
    newline, written by ``_indented_json`` (json's indenting encoder is pure Python and about
    twice as slow); anything that writer does not handle goes to json.dumps.
    """
    try:
        text = _indented_json(document)
    except _NotPlainJson:
        text = json.dumps(document, sort_keys=True, indent=2, ensure_ascii=False)
    return (text + "\n").encode("utf-8")


class _NotPlainJson(Exception):
    pass


def _indented_json(document: Any) -> str:
    """``json.dumps(document, sort_keys=True, indent=2, ensure_ascii=False)`` for documents of
    str-keyed dicts, lists, strings, numbers, booleans and null (else ``_NotPlainJson``)."""
    from json.encoder import encode_basestring as quote  # json's own (C) string encoder

    out: list[str] = []
    append = out.append

    def write(value: Any, pad: str) -> None:
        kind = type(value)
        if kind is str:
            append(quote(value))
        elif kind is dict:
            if not value:
                append("{}")
                return
            inner = pad + "  "
            separator = "{" + inner
            if any(type(key) is not str for key in value):
                raise _NotPlainJson
            for key in sorted(value):
                append(separator)
                append(quote(key))
                append(": ")
                item = value[key]
                if type(item) is str:
                    append(quote(item))
                else:
                    write(item, inner)
                separator = "," + inner
            append(pad + "}")
        elif kind is list:
            if not value:
                append("[]")
                return
            inner = pad + "  "
            separator = "[" + inner
            for item in value:
                append(separator)
                if type(item) is str:
                    append(quote(item))
                else:
                    write(item, inner)
                separator = "," + inner
            append(pad + "]")
        elif kind in (int, float, bool) or value is None:
            append(json.dumps(value))
        else:
            raise _NotPlainJson

    write(document, "\n")
    return "".join(out)


def write_jsonld(triples: Sequence[ox.Triple], context: dict[str, Any] | None, expanded: bool = False) -> bytes:
    """Return JSON-LD: compacted with ``context`` embedded inline, or expanded."""
    if expanded:
        return dump_json(expanded_jsonld(triples))
    return write_jsonld_lines(_nt_lines(triples), context, triples=triples)


def write_jsonld_lines(
    lines: Sequence[str], context: dict[str, Any] | None, triples: Sequence[ox.Triple] | None = None
) -> bytes:
    """Compacted JSON-LD from the triples' sorted N-Triples lines (see ``catalogue_lines``).

    Built by ``DirectCompactor``; a context it does not cover is compacted by pyld instead (from
    ``triples`` when given, else from the lines), with the same result.
    """
    if context is None:
        raise UsageError("a JSON-LD context is needed to compact; use --expanded")
    try:
        compactor = DirectCompactor(context)
    except _Unsupported:
        compactor = None
    if compactor is not None:
        from pyld.jsonld import JsonLdError

        try:
            return dump_json(compactor.compact_lines(lines))
        except _Unsupported:
            pass
        except JsonLdError as err:  # as compact_jsonld reports it
            raise RuntimeFailure(f"JSON-LD compaction failed: {_jsonld_message(err)}") from None
    if triples is None:
        triples = triples_from_lines(lines)
    return dump_json(compact_jsonld(expanded_jsonld(triples), context, from_triples=True))


def write_jsonld_pyld(triples: Sequence[ox.Triple], context: dict[str, Any]) -> bytes:
    """Compacted JSON-LD by pyld's general compaction: the reference ``DirectCompactor`` must match."""
    return dump_json(compact_jsonld(expanded_jsonld(triples), context, from_triples=True))


def context_for(layout: "Layout") -> dict[str, Any]:
    """Return the layout's JSON-LD context, else the one shipped with kzgraph."""
    if layout.context_file.is_file():
        return load_context(layout.context_file)
    from kzgraph.paths import resolve_layout

    return load_context(resolve_layout(None).context_file)


def load_context(path: Path) -> dict[str, Any]:
    """Read a JSON-LD context document (``{"@context": {...}}``); refuse remote references."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError("no JSON-LD context file; it ships in ontology/context.jsonld", str(path)) from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        raise InputError(f"cannot read the JSON-LD context: {err}", str(path)) from None
    if not isinstance(document, dict) or not isinstance(document.get("@context"), dict):
        raise InputError('the context file must be {"@context": {...}} with the context inline', str(path))
    return document


# ---------------------------------------------------------------- one entry point


@dataclass(frozen=True)
class Output:
    """One serialized export: its bytes, format, and how many triples it holds."""

    data: bytes
    format: str
    triples: int


def serialize(
    triples: Sequence[ox.Triple],
    fmt: str,
    context: dict[str, Any] | None = None,
    expanded: bool = False,
) -> bytes:
    """Serialize prepared triples (see ``prepare``) in ``fmt``."""
    if fmt == "nt":
        return write_ntriples(triples)
    if fmt == "nq":
        return write_nquads(triples)
    if fmt == "ttl":
        return write_turtle(triples)
    if fmt == "trig":
        return write_trig(triples)
    if fmt == "rdfxml":
        return write_rdfxml(triples)
    if fmt == "jsonld":
        return write_jsonld(triples, context, expanded=expanded)
    raise UsageError(f"export cannot write {fmt!r}; use one of {', '.join(EXPORT_FORMATS)}")


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
