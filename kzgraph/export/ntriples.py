"""N-Triples and N-Quads: canonical term syntax, one triple per line, lines sorted; and the sorted,
de-duplicated triples (or N-Triples lines) every writer starts from."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Iterable, Sequence

import pyoxigraph as ox

from kzgraph import iris
from kzgraph.errors import RuntimeFailure

if TYPE_CHECKING:
    from kzgraph.store.embedded import EmbeddedCatalogue as Catalogue

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

