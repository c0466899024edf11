"""The one canonical Turtle form of a data file, written from its parsed triples.

Layout of a canonical file:

- the file's leading comment block, if any; every other comment is kept above the subject block
  or the predicate line it belongs to (the one that follows it, or, at the end of a line, the one
  on that line), and comments after the last statement stay at the end;
- ``@prefix`` lines for the prefixes of ``kzgraph.iris.PREFIXES`` that the file uses, sorted by name;
- one block per subject, separated by one blank line: the file's main subject first (the IRI
  ``id:`` + file stem), then the others sorted by IRI; each block is the subject alone on a line,
  then one 4-space-indented line per predicate, ``a`` (rdf:type) first and the rest sorted by
  prefixed name; several objects are written one per line (8-space-indented, ``,``-separated),
  IRIs first (sorted as written), then literals (by lexical form, language, datatype).

Blank nodes are refused (every node of the catalogue has an IRI; see docs/DATA-GUIDE.md), as are
relative IRIs and RDF 1.2 triple terms. The order never depends on rdflib's serializer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

import pyoxigraph as ox

from kzgraph import iris
from kzgraph.output import write_file
from kzgraph.errors import InputError
from kzgraph.paths import display_path

INDENT = " " * 4
CONTINUATION = " " * 8
TURTLE_SUFFIX = ".ttl"

_RDF_TYPE = iris.RDF + "type"
_XSD_STRING = iris.XSD + "string"
_XSD_INTEGER = iris.XSD + "integer"
_XSD_DECIMAL = iris.XSD + "decimal"
_XSD_BOOLEAN = iris.XSD + "boolean"
_RDF_LANGSTRING = iris.RDF + "langString"

# Lexical forms written in Turtle's short form: only canonical ones, so that a non-canonical
# value ("007", "+1", "0.50") stays visible in its long form.
_CANONICAL = {
    _XSD_INTEGER: re.compile(r"-?(?:0|[1-9][0-9]*)"),
    _XSD_DECIMAL: re.compile(r"-?(?:0|[1-9][0-9]*)\.(?:0|[0-9]*[1-9])"),
    _XSD_BOOLEAN: re.compile(r"true|false"),
}
# A local name written without escapes: conservative subset of Turtle's PN_LOCAL.
_LOCAL = re.compile(r"[A-Za-z0-9_](?:[A-Za-z0-9_.\-]*[A-Za-z0-9_\-])?")
_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}
_NEEDS_ESCAPE = re.compile(r'[\\"\x00-\x1f\x7f]')
_IRI_ESCAPE = re.compile(r'[\x00-\x20<>"{}|^`\\]')

# Longest namespace first, so that topic: wins over vocab: for a topic concept.
_NAMESPACES = sorted(iris.PREFIXES.items(), key=lambda item: (-len(item[1]), item[0]))
# A local name holds no "/" or "#": when every namespace ends in one of them, the only namespace
# that can give an IRI a prefixed name is the IRI up to its last "/" or "#" (the first name in
# _NAMESPACES order if two share it), looked up in one step instead of trying every namespace.
_BY_NAMESPACE: dict[str, str] | None = {}
for _name, _namespace in reversed(_NAMESPACES):
    if not _namespace.endswith(("/", "#")):
        _BY_NAMESPACE = None
        break
    _BY_NAMESPACE[_namespace] = _name


@dataclass(frozen=True)
class FormatResult:
    """The outcome of formatting one file."""

    path: Path
    changed: bool
    before: str = ""  # the text as it was, when changed
    after: str = ""  # the canonical text, when changed


class Writer:
    """Render terms as Turtle text, remembering which prefixes were used."""

    def __init__(self) -> None:
        self.used: set[str] = set()
        # value -> text; an IRI seen before has already put its prefix in ``used``.
        self._iris: dict[str, str] = {}

    def iri(self, value: str) -> str:
        shown = self._iris.get(value)
        if shown is None:
            shown = self._iris[value] = self._render_iri(value)
        return shown

    def _render_iri(self, value: str) -> str:
        if _BY_NAMESPACE is not None:
            cut = max(value.rfind("/"), value.rfind("#")) + 1
            name = _BY_NAMESPACE.get(value[:cut]) if cut else None
            if name is not None and _LOCAL.fullmatch(value, cut):
                self.used.add(name)
                return f"{name}:{value[cut:]}"
            return "<" + _IRI_ESCAPE.sub(lambda m: f"\\u{ord(m[0]):04X}", value) + ">"
        for name, namespace in _NAMESPACES:
            if value.startswith(namespace):
                local = value[len(namespace) :]
                if _LOCAL.fullmatch(local):
                    self.used.add(name)
                    return f"{name}:{local}"
        return "<" + _IRI_ESCAPE.sub(lambda m: f"\\u{ord(m[0]):04X}", value) + ">"

    def literal(self, lit: ox.Literal) -> str:
        text = '"' + _NEEDS_ESCAPE.sub(_escape_char, lit.value) + '"'
        if lit.language:
            return f"{text}@{lit.language}"
        datatype = lit.datatype.value
        if datatype == _XSD_STRING:
            return text
        pattern = _CANONICAL.get(datatype)
        if pattern is not None and pattern.fullmatch(lit.value):
            return lit.value
        return f"{text}^^{self.iri(datatype)}"

    def term(self, node: object) -> str:
        if isinstance(node, ox.NamedNode):
            return self.iri(node.value)
        if isinstance(node, ox.Literal):
            return self.literal(node)
        raise TypeError(node)  # refused before rendering


def _escape_char(match: re.Match) -> str:
    char = match[0]
    return _ESCAPES.get(char) or f"\\u{ord(char):04X}"


def _object_key(node: object, shown: str) -> tuple:
    if isinstance(node, ox.NamedNode):
        return (0, shown, "", "")
    return (1, node.value, node.language or "", node.datatype.value)


def subject_block(subject: str, predicates: list[tuple[str, list[str]]], indent: str = "",
                  notes: dict[str, list[str]] | None = None) -> list[str]:
    """Return the lines of one subject: ``a`` first, then prefixed names, then full IRIs, each
    sorted as written; one object per line after the first (objects come already ordered).

    ``notes`` maps a predicate as shown to the comment lines written above it.
    """
    ordered = sorted(predicates, key=lambda item: (0 if item[0] == "a" else 2 if item[0].startswith("<") else 1, item[0]))
    inner, continuation = indent + INDENT, indent + CONTINUATION
    lines = [indent + subject]
    for index, (shown, objects) in enumerate(ordered):
        if notes and shown in notes:
            lines += [inner + note for note in notes[shown]]
        end = " ." if index == len(ordered) - 1 else " ;"
        if len(objects) == 1:
            lines.append(f"{inner}{shown} {objects[0]}{end}")
        else:
            lines.append(f"{inner}{shown} {objects[0]},")
            lines.extend(f"{continuation}{middle}," for middle in objects[1:-1])
            lines.append(f"{continuation}{objects[-1]}{end}")
    return lines


def render(triples: Iterable[ox.Triple | ox.Quad], main_subject: str | None = None, header: str = "",
           comments=None) -> str:
    """Return the canonical Turtle text of ``triples`` (IRIs and literals only).

    ``comments`` (a ``kzgraph.load.triple_lines.Comments``) are written where they belong.
    """
    subjects: dict[str, dict[str, list[object]]] = {}
    for triple in triples:
        objects = subjects.setdefault(triple.subject.value, {}).setdefault(triple.predicate.value, [])
        if triple.object not in objects:
            objects.append(triple.object)

    writer = Writer()
    order = sorted(subjects, key=lambda s: (s != main_subject, s))
    blocks: list[str] = []
    for subject in order:
        predicates = []
        for predicate, objects in subjects[subject].items():
            shown = "a" if predicate == _RDF_TYPE else writer.iri(predicate)
            rendered = sorted((_object_key(o, text), text) for o in objects for text in [writer.term(o)])
            predicates.append((shown, [text for _, text in rendered]))
        notes = None
        if comments is not None:
            notes = {("a" if p == _RDF_TYPE else writer.iri(p)): found
                     for (s, p), found in comments.before_predicate.items() if s == subject}
        lines = subject_block(writer.iri(subject), predicates, notes=notes)
        if comments is not None and subject in comments.before_subject:
            lines = comments.before_subject[subject] + lines
        blocks.append("\n".join(lines))
    if comments is not None and comments.end:
        blocks.append("\n".join(comments.end))

    prefixes = "".join(f"@prefix {name}: <{iris.PREFIXES[name]}> .\n" for name in sorted(writer.used))
    parts = [part for part in (header, prefixes) if part]
    body = "\n\n".join(blocks)
    text = "\n".join(parts) + ("\n" if parts and body else "") + body
    return text + "\n" if body else text


def leading_comments(text: str) -> str:
    """Return the comment block at the top of a file (lines starting with ``#``), normalized."""
    lines: list[str] = []
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("#"):
            lines.append(stripped)
        elif stripped:
            break
        elif lines:
            break
    return "".join(line + "\n" for line in lines)


def canonical_text(path: str | Path) -> str:
    """Parse ``path`` strictly and return its canonical Turtle text; raise InputError if impossible.

    Comments are kept (see the module docstring). Data files have no blank nodes, so every
    comment belongs to a subject or a predicate; one that does not is refused, never dropped.
    """
    from kzgraph.load import load_files

    path = Path(path)
    if path.suffix.lower() != TURTLE_SUFFIX:
        raise InputError("not a Turtle file; kzgraph fmt formats .ttl files only", display_path(path))
    catalogue = load_files([path])
    where = display_path(path)
    # The quads as written: the store keeps values, not spellings ("007" would become 7).
    triples = catalogue.quads
    for quad in triples:
        for node in (quad.subject, quad.object):
            if isinstance(node, ox.BlankNode):
                location = catalogue.location_of(node)
                raise InputError(
                    "blank nodes are not allowed in data files; give the node an IRI "
                    "(id:{entry-slug}-{what}), see docs/DATA-GUIDE.md",
                    where,
                    location.line if location else None,
                )
            if isinstance(node, ox.Triple):
                raise InputError("RDF 1.2 triple terms are not supported in data files", where)
            if isinstance(node, ox.NamedNode) and node.value.startswith("file:"):
                location = catalogue.location_of(quad.subject)
                raise InputError(
                    f"relative IRI resolved to {node.value}; write the IRI in full or with a prefix",
                    where,
                    location.line if location else None,
                )
    from kzgraph.load.triple_lines import scan_triple_lines

    text = path.read_text(encoding="utf-8-sig")
    header = leading_comments(text)
    comments = None
    if "#" in text:
        comments = scan_triple_lines(text, base=path.resolve().as_uri(), comments=True,
                                     skip_lines=_header_end(text, header)).comments
        if comments.lost:
            line, note = comments.lost[0]
            raise InputError(
                f"fmt would drop the comment {note[:40]!r}: it is inside a node with no IRI; move it "
                "above the subject or property it is about",
                where,
                line,
            )
    return render(triples, main_subject=iris.ID + path.stem, header=header, comments=comments)


def _header_end(text: str, header: str) -> int:
    """The line number of the last line of the leading comment block (0 if none)."""
    if not header:
        return 0
    count = header.count("\n")
    seen = 0
    for number, line in enumerate(text.splitlines(), 1):
        if line.strip().startswith("#"):
            seen += 1
            if seen == count:
                return number
    return 0


def turtle_files(paths: Iterable[str | Path]) -> list[Path]:
    """Return the Turtle files named by ``paths``, walking folders in sorted order."""
    files: list[Path] = []
    for given in paths:
        path = Path(given)
        if path.is_dir():
            files += sorted(
                (p for p in path.rglob("*" + TURTLE_SUFFIX) if p.is_file()),
                key=lambda p: p.relative_to(path).as_posix(),
            )
        elif not path.exists():
            raise InputError("no such file or folder; check the path", display_path(path))
        else:
            files.append(path)
    return files


def format_file(path: str | Path, check: bool = False) -> FormatResult:
    """Rewrite ``path`` in canonical form (unless ``check``); report whether it was not canonical."""
    path = Path(path)
    canonical = canonical_text(path)
    current = path.read_bytes()
    wanted = canonical.encode("utf-8")
    if current == wanted:
        return FormatResult(path, False)
    if not check:
        write_file(path, wanted)
    return FormatResult(path, True, current.decode("utf-8", "replace"), canonical)


