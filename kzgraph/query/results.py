"""Writers for query results: a readable table and the W3C result formats.

SELECT: ``table``, ``markdown``, ``ndjson`` (one JSON object per row and line),
``csv``, ``tsv`` (SPARQL 1.1 Query Results CSV and TSV Formats),
``json`` (SPARQL 1.1 Query Results JSON Format), ``xml`` (SPARQL Query Results XML
Format). ASK: ``table``, ``json``, ``xml`` (CSV and TSV define no ASK result).
CONSTRUCT / DESCRIBE: ``ttl``, ``nt``, ``jsonld``.

Every writer returns bytes, so CSV keeps its CRLF line ends on every platform.
SELECT rows keep the query's order; graph output is sorted, so it is deterministic.
No rdflib here: this is on the query path.
"""

from __future__ import annotations

import csv
import io
import json
import re
from typing import Callable

import pyoxigraph as ox

from kzgraph.errors import RuntimeFailure, UsageError
from kzgraph.query.sparql import Result, Term

SELECT_FORMATS = ("table", "csv", "tsv", "json", "xml", "markdown", "ndjson")
ASK_FORMATS = ("table", "json", "xml")
GRAPH_FORMATS = ("ttl", "nt", "jsonld")

RDF_LANGSTRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
XSD_NS = b"http://www.w3.org/2001/XMLSchema#"
SPARQL_RESULTS_NS = "http://www.w3.org/2005/sparql-results#"

# characters XML 1.0 cannot carry at all, even escaped
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_PN_LOCAL = re.compile(r"^[A-Za-z0-9_]([A-Za-z0-9_\-.]*[A-Za-z0-9_\-])?$")


def default_prefixes() -> dict[str, str]:
    """The project's prefixes (`kzgraph.iris.PREFIXES`)."""
    from kzgraph import iris

    return dict(iris.PREFIXES)


# ---------------------------------------------------------------- compact text


def compact_iri(iri: str, prefixes: dict[str, str]) -> str:
    """Show an IRI as prefix:local where a prefix fits, else as <iri>."""
    best = ""
    best_prefix = None
    for prefix, ns in prefixes.items():
        if ns and iri.startswith(ns) and len(ns) > len(best):
            local = iri[len(ns) :]
            if local == "" or _PN_LOCAL.match(local):
                best, best_prefix = ns, prefix
    if best_prefix is not None:
        return f"{best_prefix}:{iri[len(best):]}"
    return f"<{iri}>"


def compact_term(term: Term | None, prefixes: dict[str, str]) -> str:
    """A short human-readable rendering of a term (for tables)."""
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        return compact_iri(term.value, prefixes)
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.Literal):
        return term.value
    return str(term)


def _cell(text: str) -> str:
    # one row per line: show line breaks and tabs instead of breaking the table
    return text.replace("\r\n", "\u21b5").replace("\n", "\u21b5").replace("\r", "\u21b5").replace("\t", " ")


def write_table(
    result: Result, prefixes: dict[str, str] | None = None, width: int | None = None, keep: tuple[str, ...] = ()
) -> bytes:
    """An aligned text table (SELECT) or true/false (ASK); fitted to ``width`` when given.

    Fitted, columns of IRIs stay on one line cut with ``…``; text wraps (`kzgraph.tables`).
    """
    if result.kind == "ask":
        return b"true\n" if result.boolean else b"false\n"
    _require_select(result, "table")
    from kzgraph.tables import text_table

    prefixes = default_prefixes() if prefixes is None else prefixes
    header = list(result.variables)
    body = [[_cell(compact_term(t, prefixes)) for t in row] for row in result.rows]
    iri_columns = [
        v for i, v in enumerate(header)
        if any(isinstance(row[i], ox.NamedNode) for row in result.rows)
        and not any(isinstance(row[i], ox.Literal) for row in result.rows)
    ]
    return text_table(header, body, width, shorten=[c for c in iri_columns if c not in keep], keep=keep).encode("utf-8")


def write_markdown(result: Result, prefixes: dict[str, str] | None = None) -> bytes:
    """A Markdown table of SELECT rows, terms written as in the text table (prefix:local)."""
    _require_select(result, "markdown")
    from kzgraph.tables import markdown_table

    prefixes = default_prefixes() if prefixes is None else prefixes
    return markdown_table(result.variables, [[compact_term(t, prefixes) for t in row] for row in result.rows]).encode("utf-8")


def write_ndjson(result: Result) -> bytes:
    """One JSON object per SELECT row and line: variable -> value as in CSV (IRIs in full), unbound null."""
    _require_select(result, "ndjson")
    from kzgraph.tables import ndjson

    rows = ({v: _ndjson_value(t) for v, t in zip(result.variables, row)} for row in result.rows)
    return ndjson(rows).encode("utf-8")


_XSD = "http://www.w3.org/2001/XMLSchema#"
_NUMBERS = {_XSD + n: int for n in ("integer", "int", "long", "short", "nonNegativeInteger", "positiveInteger")}
_NUMBERS.update({_XSD + "decimal": float, _XSD + "double": float, _XSD + "float": float})


def _ndjson_value(term: Term | None):
    """A JSON value for a term: numbers and booleans as such (when their lexical form is valid), else text."""
    if term is None:
        return None
    if isinstance(term, ox.Literal):
        kind = term.datatype.value
        try:
            if kind in _NUMBERS:
                value = _NUMBERS[kind](term.value)
                return value if value == value and abs(value) != float("inf") else term.value
            if kind == _XSD + "boolean" and term.value in ("true", "false", "1", "0"):
                return term.value in ("true", "1")
        except ValueError:
            return term.value
    return _csv_value(term)


# ---------------------------------------------------------------- CSV / TSV


def _require_select(result: Result, fmt: str) -> None:
    if result.kind == "ask" and fmt in ("csv", "tsv"):
        raise UsageError(
            f"--format {fmt} is not available for ASK: the SPARQL CSV/TSV formats define "
            "no ASK result; use table, json or xml"
        )
    if result.kind == "ask" and fmt in ("markdown", "ndjson"):
        raise UsageError(f"--format {fmt} writes rows, and ASK has none; use table, json or xml")
    if result.kind != "select" and not (result.kind == "ask" and fmt in ASK_FORMATS):
        allowed = ", ".join(GRAPH_FORMATS if result.kind == "graph" else SELECT_FORMATS)
        raise UsageError(f"--format {fmt} does not fit a {result.kind.upper()} result; use one of {allowed}")


def _csv_value(term: Term | None) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, (ox.NamedNode, ox.Literal)):
        return term.value
    return str(term)


def write_csv(result: Result) -> bytes:
    """SPARQL 1.1 CSV: header without '?', CRLF, IRIs bare, literals lexical, RFC 4180 quoting."""
    _require_select(result, "csv")
    buf = io.StringIO(newline="")
    w = csv.writer(buf, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    w.writerow(result.variables)
    for row in result.rows:
        w.writerow([_csv_value(t) for t in row])
    return buf.getvalue().encode("utf-8")


def _tsv_value(term: Term | None) -> str:
    # pyoxigraph's str() is N-Triples syntax (a subset of Turtle); it escapes
    # \t, \n, \r and " inside literals, as the TSV format requires
    return "" if term is None else str(term)


def write_tsv(result: Result) -> bytes:
    """SPARQL 1.1 TSV: header with '?var', terms in Turtle syntax, LF line ends."""
    _require_select(result, "tsv")
    if result.native is not None:
        return tsv_from_native(result)
    lines = ["\t".join("?" + v for v in result.variables)]
    lines.extend("\t".join(_tsv_value(t) for t in row) for row in result.rows)
    return ("\n".join(lines) + "\n").encode("utf-8")


# pyoxigraph's own TSV differs from `write_tsv` in two ways only: numbers and booleans whose
# lexical form is Turtle's short form are written bare (1, 0.5, 1.0E3, true), where we write
# "1"^^<...#integer>; and control characters other than tab, LF and CR stay raw inside
# literals, where str(term) escapes them (\b, \f, \u0000). A bare field is told apart by its
# first character (terms start with <, " or _:), and Turtle's grammar says which datatype
# a bare form has, so both can be put back without the terms.
_BARE_FIELD = re.compile(rb'(?m)(^|\t)([^\t\n<"_][^\t\n]*)')
_BARE_TYPES = (
    (re.compile(rb"true|false"), b"boolean"),
    (re.compile(rb"[+-]?[0-9]+"), b"integer"),
    (re.compile(rb"[+-]?[0-9]*\.[0-9]+"), b"decimal"),
    (re.compile(rb"[+-]?([0-9]+\.[0-9]*|\.?[0-9]+)[eE][+-]?[0-9]+"), b"double"),
)
_RAW_CONTROL = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_CONTROL_ESCAPES = {0x08: b"\\b", 0x0C: b"\\f"}


def _typed_bare(m: re.Match) -> bytes:
    value = m.group(2)
    for pattern, name in _BARE_TYPES:
        if pattern.fullmatch(value):
            return m.group(1) + b'"' + value + b'"^^<' + XSD_NS + name + b">"
    raise RuntimeFailure(f"cannot read the TSV value {value.decode('utf-8', 'replace')!r} written by pyoxigraph")


def _escape_control(m: re.Match) -> bytes:
    c = m.group()[0]
    return _CONTROL_ESCAPES.get(c) or b"\\u%04X" % c


def native_is_exact(result: Result) -> bool:
    """Whether `write_tsv`'s bytes can be made from the TSV pyoxigraph wrote (``Result.native``).

    Not when it may hold an RDF 1.2 triple term: pyoxigraph writes ``<<( s p o )>>`` where
    `write_tsv` writes the term's str(). A ``<<(`` inside a literal also says no (rare: the
    caller then reads the rows instead).
    """
    return result.native is None or b"<<(" not in result.native


def tsv_from_native(result: Result) -> bytes:
    """`write_tsv`'s bytes from the TSV pyoxigraph wrote for the same solutions."""
    data = result.native or b""
    if result.native_format != "tsv":
        raise RuntimeFailure(f"internal: expected pyoxigraph TSV, got {result.native_format!r}")
    header = ("\t".join("?" + v for v in result.variables) + "\n").encode("utf-8")
    if not data.startswith(header):
        raise RuntimeFailure("internal: pyoxigraph's TSV header is not the query's variables")
    body = data[len(header) :]
    body = _BARE_FIELD.sub(_typed_bare, body)
    if _RAW_CONTROL.search(body):
        body = _RAW_CONTROL.sub(_escape_control, body)
    return header + body


# ---------------------------------------------------------------- JSON


def _json_term(term: Term) -> dict[str, str]:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        obj = {"type": "literal", "value": term.value}
        if term.language:
            obj["xml:lang"] = term.language
        elif term.datatype.value != XSD_STRING:
            obj["datatype"] = term.datatype.value
        return obj
    raise UsageError(f"cannot write {term!r} in the SPARQL JSON results format")


def write_json(result: Result) -> bytes:
    """SPARQL 1.1 Query Results JSON (SELECT or ASK).

    The bytes of ``json.dumps(document, ensure_ascii=False, indent=2)``, written line by line: with
    an indent, ``json.dumps`` runs its pure-Python encoder, ~5x slower on large results (the
    server's answers); each distinct term is written once.
    """
    if result.kind == "ask":
        obj: dict = {"head": {}, "boolean": bool(result.boolean)}
        return (json.dumps(obj, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    _require_select(result, "json")
    enc = json.encoder.encode_basestring
    names = [enc(v) for v in result.variables]
    written: dict = {}

    def term_text(term: Term) -> str:
        text = written.get(term)
        if text is None:
            fields = _json_term(term)
            text = "{\n" + ",\n".join(f"          {enc(k)}: {enc(v)}" for k, v in fields.items()) + "\n        }"
            written[term] = text
        return text

    rows = []
    for row in result.rows:
        parts = [f"        {names[i]}: {term_text(t)}" for i, t in enumerate(row) if t is not None]
        rows.append("      {\n" + ",\n".join(parts) + "\n      }" if parts else "      {}")
    head = ('    "vars": [\n' + ",\n".join("      " + n for n in names) + "\n    ]") if names else '    "vars": []'
    body = ('    "bindings": [\n' + ",\n".join(rows) + "\n    ]") if rows else '    "bindings": []'
    return ('{\n  "head": {\n' + head + '\n  },\n  "results": {\n' + body + "\n  }\n}\n").encode("utf-8")


# ---------------------------------------------------------------- XML


def _xml_text(s: str) -> str:
    if _XML_INVALID.search(s):
        raise UsageError("a value contains a control character XML 1.0 cannot carry; use --format json")
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _xml_attr(s: str) -> str:
    return _xml_text(s).replace('"', "&quot;").replace("\n", "&#10;").replace("\r", "&#13;").replace("\t", "&#9;")


def _xml_edges(text: str) -> str:
    core = text.strip(" \t\n")
    if core == text:
        return text
    start = text.index(core) if core else len(text)
    lead, trail = text[:start], text[start + len(core) :]
    ref = lambda ws: "".join(f"&#{ord(c)};" for c in ws)  # noqa: E731
    return ref(lead) + core + ref(trail)


def _xml_term(term: Term) -> str:
    if isinstance(term, ox.NamedNode):
        return f"<uri>{_xml_text(term.value)}</uri>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{_xml_text(term.value)}</bnode>"
    if isinstance(term, ox.Literal):
        # \r would be normalized away by XML parsers, and some readers (pyoxigraph's)
        # trim text: write both as character references
        value = _xml_edges(_xml_text(term.value).replace("\r", "&#13;"))
        if term.language:
            return f'<literal xml:lang="{_xml_attr(term.language)}">{value}</literal>'
        if term.datatype.value != XSD_STRING:
            return f'<literal datatype="{_xml_attr(term.datatype.value)}">{value}</literal>'
        return f"<literal>{value}</literal>"
    raise UsageError(f"cannot write {term!r} in the SPARQL XML results format")


def write_xml(result: Result) -> bytes:
    """SPARQL Query Results XML Format (SELECT or ASK)."""
    out = ['<?xml version="1.0" encoding="utf-8"?>', f'<sparql xmlns="{SPARQL_RESULTS_NS}">']
    if result.kind == "ask":
        out += ["  <head/>", f"  <boolean>{'true' if result.boolean else 'false'}</boolean>"]
    else:
        _require_select(result, "xml")
        out.append("  <head>")
        out += [f'    <variable name="{_xml_attr(v)}"/>' for v in result.variables]
        out += ["  </head>", "  <results>"]
        for row in result.rows:
            out.append("    <result>")
            for v, t in zip(result.variables, row):
                if t is not None:
                    out.append(f'      <binding name="{_xml_attr(v)}">{_xml_term(t)}</binding>')
            out.append("    </result>")
        out.append("  </results>")
    out.append("</sparql>")
    return ("\n".join(out) + "\n").encode("utf-8")


# ---------------------------------------------------------------- graphs


def _sort_key(triple: ox.Triple) -> tuple[str, str, str]:
    return (str(triple.subject), str(triple.predicate), str(triple.object))


def _used_prefixes(triples: list[ox.Triple], prefixes: dict[str, str]) -> dict[str, str]:
    iris = set()
    for t in triples:
        for term in (t.subject, t.predicate, t.object):
            if isinstance(term, ox.NamedNode):
                iris.add(term.value)
            elif isinstance(term, ox.Literal) and term.datatype.value not in (XSD_STRING, RDF_LANGSTRING):
                iris.add(term.datatype.value)
    return {p: ns for p, ns in sorted(prefixes.items()) if ns and any(i.startswith(ns) for i in iris)}


def write_graph(result: Result, fmt: str, prefixes: dict[str, str] | None = None) -> bytes:
    """CONSTRUCT / DESCRIBE triples in ``fmt``, by the writers ``kzgraph export`` uses (one ``ttl``).

    The triples are de-duplicated and sorted (`kzgraph.export.prepare`); JSON-LD is compacted with
    the project's context, as ``export`` writes it. ``prefixes`` is kept for callers; the writers
    use the project's (`kzgraph.iris.PREFIXES`).
    """
    if result.kind != "graph":
        allowed = ", ".join(SELECT_FORMATS if result.kind == "select" else ASK_FORMATS)
        raise UsageError(f"--format {fmt} is for CONSTRUCT/DESCRIBE results; for {result.kind.upper()} use one of {allowed}")
    if fmt not in GRAPH_FORMATS:
        raise UsageError(f"unknown graph format {fmt!r}; use one of {', '.join(GRAPH_FORMATS)}")
    from kzgraph import export

    context = None
    if fmt == "jsonld":
        from kzgraph.paths import resolve_layout

        context = export.context_for(resolve_layout(None))
    return export.serialize(export.prepare(result.triples), fmt, context=context)


# ---------------------------------------------------------------- dispatch

_WRITERS: dict[str, Callable[[Result], bytes]] = {
    "csv": write_csv,
    "tsv": write_tsv,
    "json": write_json,
    "xml": write_xml,
}


def default_format(result: Result) -> str:
    """`table` for SELECT/ASK, `ttl` for CONSTRUCT/DESCRIBE."""
    return "ttl" if result.kind == "graph" else "table"


def render(
    result: Result, fmt: str | None = None, prefixes: dict[str, str] | None = None, width: int | None = None
) -> bytes:
    """Write a result in the named format (None picks the default for its kind); a table fits ``width``."""
    fmt = fmt or default_format(result)
    if fmt in GRAPH_FORMATS:
        return write_graph(result, fmt, prefixes)
    if result.kind == "graph":
        raise UsageError(
            f"--format {fmt} is for SELECT/ASK results; a CONSTRUCT/DESCRIBE result is written as "
            + ", ".join(GRAPH_FORMATS)
        )
    if result.native is not None and fmt != result.native_format:
        raise RuntimeFailure(f"internal: rows were written as {result.native_format}, not {fmt}")
    if fmt == "table":
        return write_table(result, prefixes, width)
    if fmt == "markdown":
        return write_markdown(result, prefixes)
    if fmt == "ndjson":
        return write_ndjson(result)
    if fmt in _WRITERS:
        return _WRITERS[fmt](result)
    raise UsageError(f"unknown format {fmt!r}; use one of {', '.join(SELECT_FORMATS + GRAPH_FORMATS)}")
