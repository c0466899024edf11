"""Read-only SPARQL over the catalogue (pyoxigraph), with parameter binding.

Safety rules enforced here, before anything runs:

- only queries run: an update (``INSERT``, ``DELETE``, ``LOAD``, ...) is refused
  (pyoxigraph's ``Store.query`` cannot run one anyway, but we say why);
- ``SERVICE`` is refused unless the caller allows it, because pyoxigraph would
  really send the sub-query over HTTP;
- ``FROM`` / ``FROM NAMED`` never read a file or URL: pyoxigraph takes their IRIs
  as names of graphs in the store, and the catalogue has only the default graph,
  so ``FROM <file:///etc/passwd>`` queries an empty graph;
- parameters are bound by replacing a declared ``VALUES ?name { UNDEF }`` block
  with a term serialized by pyoxigraph (never user text pasted into the query).

This module must not import rdflib: the query path stays fast.
"""

from __future__ import annotations

import functools

import re
from dataclasses import dataclass, field
from typing import Any, Union

import pyoxigraph as ox

from kzgraph import iris

from kzgraph.query import guard as sparql_guard
from kzgraph.errors import InputError, RuntimeFailure, UsageError

Term = Union[ox.NamedNode, ox.BlankNode, ox.Literal]

UPDATE_KEYWORDS = frozenset(
    {"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH"}
)
QUERY_FORMS = frozenset({"SELECT", "ASK", "CONSTRUCT", "DESCRIBE"})

# things and vocabulary concepts a slug may name
SLUG_BASES = (iris.ID, iris.VOCAB)
XSD = iris.XSD


# ---------------------------------------------------------------- results


@dataclass
class Result:
    """A materialized query result: SELECT rows, an ASK boolean, or graph triples."""

    kind: str  # "select" | "ask" | "graph"
    variables: list[str] = field(default_factory=list)
    rows: list[tuple[Term | None, ...]] = field(default_factory=list)
    boolean: bool | None = None
    triples: list[ox.Triple] = field(default_factory=list)
    # SELECT rows already written by pyoxigraph in a W3C results format, instead of `rows`
    # (only when the caller asked for it: `native_format`); `kzgraph.query.results` turns it into
    # exactly what its own writer would give for the rows
    native: bytes | None = None
    native_format: str | None = None


# W3C results formats pyoxigraph may write for us (see `kzgraph.query.results.from_native`)
NATIVE_FORMATS = {"tsv": ox.QueryResultsFormat.TSV}


def materialize(raw: Any, native_format: str | None = None) -> Result:
    """Turn a pyoxigraph query result into a `Result` (reads the iterator once).

    With ``native_format`` (a key of `NATIVE_FORMATS`), SELECT solutions are serialized by
    pyoxigraph into ``Result.native`` instead of becoming Python objects in ``rows``.
    """
    if isinstance(raw, ox.QueryBoolean):
        return Result("ask", boolean=bool(raw))
    if isinstance(raw, ox.QuerySolutions):
        names = [v.value for v in raw.variables]
        if native_format in NATIVE_FORMATS and names:
            data = raw.serialize(format=NATIVE_FORMATS[native_format])
            return Result("select", variables=names, native=data, native_format=native_format)
        rows = [tuple(sol[name] for name in names) for sol in raw]
        return Result("select", variables=names, rows=rows)
    if isinstance(raw, ox.QueryTriples):
        return Result("graph", triples=list(raw))
    raise RuntimeFailure(f"unexpected query result type {type(raw).__name__}")


# ---------------------------------------------------------------- tokenizer

_IRI = re.compile(r'<[^<>"{}|^`\\\x00-\x20]*>')
_VAR = re.compile(r"[?$][A-Za-z0-9_\u00b7\u00c0-\U000effff]+")
# No "." inside words: splitting a prefixed name like ex:a.b at the dot can only
# make the SERVICE check stricter, while keeping it would hide `true.SERVICE`.
_WORD = re.compile(r"[A-Za-z_\u00c0-\U000effff][A-Za-z0-9_\-:\u00b7\u00c0-\U000effff]*|:[A-Za-z0-9_\-:\u00c0-\U000effff]*")
_LONG_STRING = re.compile(r"'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^\"\\]|\\.|\"(?!\"\"))*\"\"\"", re.S)
_STRING = re.compile(r"'(?:[^'\\\n\r]|\\.)*'|\"(?:[^\"\\\n\r]|\\.)*\"")


@dataclass(frozen=True)
class Token:
    kind: str  # "iri" | "string" | "var" | "word" | "punct"
    value: str
    start: int
    end: int


@functools.lru_cache(maxsize=64)  # a named query's text is checked and bound on every call
def tokenize(text: str) -> tuple[Token, ...]:
    """Split SPARQL text into coarse tokens, skipping comments (a tuple: shared, never changed).

    Only precise enough to find keywords outside strings, IRIs and comments;
    the real parser is pyoxigraph's.
    """
    tokens: list[Token] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c.isspace():
            i += 1
            continue
        if c == "#":
            j = text.find("\n", i)
            i = n if j < 0 else j + 1
            continue
        m = None
        kind = "punct"
        if c == "<":
            m = _IRI.match(text, i)
            kind = "iri"
        elif c in "'\"":
            m = _LONG_STRING.match(text, i) or _STRING.match(text, i)
            kind = "string"
        elif c in "?$":
            m = _VAR.match(text, i)
            kind = "var"
        elif c.isalpha() or c in "_:":
            m = _WORD.match(text, i)
            kind = "word"
        if m is None or m.end() == i:
            tokens.append(Token("punct", c, i, i + 1))
            i += 1
            continue
        tokens.append(Token(kind, m.group(), i, m.end()))
        i = m.end()
    return tuple(tokens)


def query_operation(text: str) -> str | None:
    """Return the operation keyword (SELECT, INSERT, ...) after the prologue, upper-cased."""
    for tok in tokenize(text):
        if tok.kind != "word":
            continue
        word = tok.value.upper()
        if word in ("BASE", "PREFIX") or word.endswith(":"):
            continue
        return word
    return None


def check_query(text: str, *, allow_service: bool = False, allow_file_datasets: bool = True) -> None:
    """Refuse updates and (unless allowed) SERVICE, before anything is executed.

    ``allow_file_datasets=False`` (the server) also refuses ``FROM`` / ``FROM NAMED`` naming a
    ``file:`` IRI: pyoxigraph never reads it, but a public endpoint says so instead of answering.
    """
    tokens = tokenize(text)
    op = query_operation(text)
    if op in UPDATE_KEYWORDS:
        raise UsageError(f"updates are not allowed: kzgraph query is read-only (found {op})")
    if op is not None and op not in QUERY_FORMS:
        where = next((t for t in tokens if t.kind == "word" and t.value.upper() == op), None)
        line, col = _line_col(text, where.start) if where else (1, 1)
        raise InputError(
            f"SPARQL syntax error: a query starts with SELECT, ASK, CONSTRUCT or DESCRIBE "
            f"(after PREFIX/BASE), not {op}", line=line, column=col)
    sparql_guard.check(text, allow_service=allow_service)
    if not allow_file_datasets:
        _refuse_file_datasets(text, tokens)


def _refuse_file_datasets(text: str, tokens: list[Token]) -> None:
    """Refuse FROM / FROM NAMED whose graph is a file: IRI (written out, prefixed or relative)."""
    prefixes: dict[str, str] = {}
    base = ""
    for k, tok in enumerate(tokens):
        word = tok.value.upper() if tok.kind == "word" else ""
        nxt = tokens[k + 1] if k + 1 < len(tokens) else None
        if word == "PREFIX" and nxt is not None and k + 2 < len(tokens) and tokens[k + 2].kind == "iri":
            prefixes[nxt.value.rstrip(":")] = tokens[k + 2].value[1:-1]
        elif word == "BASE" and nxt is not None and nxt.kind == "iri":
            base = nxt.value[1:-1]
        elif word == "FROM" and nxt is not None:
            target = nxt
            if nxt.kind == "word" and nxt.value.upper() == "NAMED" and k + 2 < len(tokens):
                target = tokens[k + 2]
            if target.kind == "iri":
                iri = target.value[1:-1]
                if not re.match(r"^[A-Za-z][A-Za-z0-9+.\-]*:", iri):
                    iri = base + iri
            elif target.kind == "word" and ":" in target.value:
                prefix, _, local = target.value.partition(":")
                iri = prefixes.get(prefix, "") + local
            else:
                continue
            if iri.lower().startswith("file:"):
                line, col = _line_col(text, target.start)
                raise UsageError(
                    f"FROM <{iri}> at {line}:{col} is refused: this endpoint never reads local files "
                    "(FROM names a graph of the server's dataset)"
                )


def _line_col(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    col = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, col


# ---------------------------------------------------------------- parameters


def values_blocks(text: str) -> dict[str, tuple[int, int]]:
    """Find `VALUES ?name { UNDEF }` blocks: name -> (start, end) offsets in text."""
    toks = tokenize(text)
    found: dict[str, tuple[int, int]] = {}
    for k in range(len(toks) - 4):
        a, v, lb, u, rb = toks[k : k + 5]
        if (
            a.kind == "word"
            and a.value.upper() == "VALUES"
            and v.kind == "var"
            and lb.value == "{"
            and u.kind == "word"
            and u.value.upper() == "UNDEF"
            and rb.value == "}"
        ):
            found.setdefault(v.value[1:], (a.start, rb.end))
    return found


def declared_parameters(text: str) -> list[str]:
    """Names of the parameters a query declares with `VALUES ?name { UNDEF }`, in order."""
    return list(values_blocks(text))


def term_to_sparql(term: Term) -> str:
    """Serialize a bindable term in N-Triples syntax (valid SPARQL)."""
    if isinstance(term, (ox.NamedNode, ox.Literal)):
        return str(term)
    raise UsageError(f"only IRIs and literals can be bound to parameters, not {term!r}")


def bind_parameters(text: str, bindings: dict[str, Term | list[Term] | tuple[Term, ...]]) -> str:
    """Replace each `VALUES ?name { UNDEF }` block named in bindings with the bound term.

    A list (or tuple) of terms binds the parameter to each of them: ``VALUES ?name { t1 t2 }``
    (an empty list leaves no solutions).
    """
    blocks = values_blocks(text)
    for name in bindings:
        if name not in blocks:
            declared = ", ".join(sorted(blocks)) or "none"
            raise UsageError(
                f"unknown parameter {name!r}: the query declares {declared} "
                "(a parameter is declared as VALUES ?name { UNDEF } in the WHERE clause)"
            )
    # replace from the end so earlier offsets stay valid
    for name, (start, end) in sorted(blocks.items(), key=lambda kv: -kv[1][0]):
        if name in bindings:
            # keep the line breaks of the block so error positions after it stay right
            breaks = "\n" * text.count("\n", start, end)
            bound = bindings[name]
            terms = bound if isinstance(bound, (list, tuple)) else [bound]
            listed = " ".join(term_to_sparql(t) for t in terms)
            text = text[:start] + f"VALUES ?{name} {{ {listed} }}{breaks}" + text[end:]
    return text


_ABS_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:\S+$")
_SLUG = re.compile(r"^[a-z0-9][a-z0-9\-]*(/[a-z0-9][a-z0-9\-]*)?$")
_KINDS = ("auto", "iri", "string", "integer", "decimal", "year", "lang", "boolean")


def make_iri(value: str) -> ox.NamedNode:
    """Validate an absolute IRI (angle brackets optional) into a NamedNode."""
    v = value[1:-1] if value.startswith("<") and value.endswith(">") else value
    try:
        return ox.NamedNode(v)
    except ValueError as e:
        raise UsageError(f"not a valid absolute IRI: {value!r} ({e})") from None


def is_slug(text: str) -> bool:
    """Whether ``text`` can be the slug of a catalogue thing or concept (``violence``, ``topic/violence``)."""
    return bool(_SLUG.match(text))


def _slug_hint(catalogue: Any, raw: str, name: str | None) -> str:
    """'did you mean violence? run `kzgraph vocab topic` for the list' for a slug that names nothing.

    A parameter named after a concept scheme (topic, section, ...) looks among its concepts.
    """
    from kzgraph.store.embedded import EmbeddedCatalogue
    from kzgraph.suggest import closest, did_you_mean

    if not isinstance(catalogue, EmbeddedCatalogue):
        return ""  # a server's graph is not read whole for a hint

    scheme = iris.VOCAB_SCHEMES.get(name or "", name or "")
    base = f"{iris.VOCAB}{scheme}/"
    slugs: set[str] = set()
    in_scheme: set[str] = set()
    for quad in catalogue.oxigraph().quads_for_pattern(None, None, None):
        for t in (quad.subject, quad.object):
            if isinstance(t, ox.NamedNode) and t.value.startswith(SLUG_BASES):
                slug = t.value.rstrip("/").rsplit("/", 1)[-1]
                slugs.add(slug)
                if t.value.startswith(base):
                    in_scheme.add(slug)
    found = closest(raw, sorted(in_scheme or slugs))
    where = f"run `kzgraph vocab {scheme}` for the list" if in_scheme else ""
    if not found and not where:
        return ""
    return (did_you_mean(found, quote=False) + where).strip()


def is_code(code: str) -> bool:
    """Whether ``code`` (stripped, lower-cased) can be an ISO code or a notation."""
    return bool(code) and len(code) <= 8


# the properties that hold ISO codes and notations, for `Catalogue.resolve_code`
CODE_PROPERTIES = tuple(
    ox.NamedNode(iri)
    for iri in (iris.SKOS + "notation", iris.KZG + "iso6391", iris.KZG + "iso6393",
                iris.KZG + "iso31661alpha2", iris.KZG + "iso31661alpha3")
)


def parse_param_value(
    raw: str,
    kind: str = "auto",
    *,
    catalogue: Any = None,
    prefixes: dict[str, str] | None = None,
    name: str | None = None,
) -> Term:
    """Validate user text into a pyoxigraph term for a parameter of the given kind.

    ``iri``: an absolute IRI, ``prefix:local`` with a known prefix, or a slug of a
    catalogue thing or vocabulary concept (``violence`` or ``topic/violence``).
    ``auto``: an IRI if the text is one (or a known slug), else a plain string.
    Slugs and codes are looked up in ``catalogue`` (a `kzgraph.store.Catalogue`, or a pyoxigraph
    store), when given.
    """
    if isinstance(catalogue, ox.Store):
        from kzgraph.store import as_catalogue

        catalogue = as_catalogue(catalogue)
    if kind not in _KINDS:
        raise UsageError(f"unknown parameter kind {kind!r}; expected one of {', '.join(_KINDS)}")
    if kind in ("string", "lang"):
        return ox.Literal(raw)
    if kind in ("integer", "year", "decimal", "boolean"):
        dt = {"integer": "integer", "year": "integer", "decimal": "decimal", "boolean": "boolean"}[kind]
        pattern = {
            "integer": r"^[+-]?\d+$",
            "decimal": r"^[+-]?(\d+(\.\d*)?|\.\d+)$",
            "boolean": r"^(true|false)$",
        }[dt]
        if not re.match(pattern, raw):
            raise UsageError(f"not a valid {kind}: {raw!r}")
        return ox.Literal(raw, datatype=ox.NamedNode(XSD + dt))
    # iri or auto
    if raw.startswith("<") and raw.endswith(">"):
        return make_iri(raw)
    if prefixes and ":" in raw:
        prefix, local = raw.split(":", 1)
        if prefix in prefixes and not local.startswith("//"):
            return make_iri(prefixes[prefix] + local)
    if catalogue is not None and _SLUG.match(raw):
        hits = catalogue.resolve_slug(raw)
        if len(hits) == 1:
            return hits[0]
        if len(hits) > 1:
            listed = ", ".join(h.value for h in hits)
            raise UsageError(f"{raw!r} is ambiguous: it could be {listed}; give the full IRI")
    if _ABS_IRI.match(raw) and ("//" in raw or raw.startswith(("urn:", "mailto:"))):
        return make_iri(raw)
    if catalogue is not None:
        coded = catalogue.resolve_code(raw)
        # "UZB" is both a language and a country code: the parameter's name decides
        hint = {"country": iris.COUNTRY, "language": iris.LANG, "lang": iris.LANG}.get(name or "")
        if hint and len(coded) > 1:
            coded = [c for c in coded if c.value.startswith(hint)] or coded
        if len(coded) == 1:
            return coded[0]
        if len(coded) > 1:
            listed = ", ".join(h.value for h in coded)
            raise UsageError(f"{raw!r} is ambiguous: it could be {listed}; give the full IRI")
    if kind == "iri":
        if catalogue is not None and _SLUG.match(raw):
            hint = _slug_hint(catalogue, raw, name)
            if hint:
                raise UsageError(f"unknown {name or 'value'} {raw!r}; {hint}")
        raise UsageError(
            f"{raw!r} is not an absolute IRI, a known prefixed name, a code (kk, KAZ, UZ, UZB), "
            "or the slug of anything in the catalogue; e.g. lang:KAZ, country:UZB, violence"
        )
    return ox.Literal(raw)


# ---------------------------------------------------------------- engines


def syntax_error(e: BaseException, text: str = "") -> InputError:
    msg = str(e)
    m = re.search(r"error at (\d+):(\d+)", msg)
    if m:
        line, col = int(m.group(1)), int(m.group(2))
        line, col = _clamp_to_text(text, line, col)
        detail = _readable_expectation(msg[m.end() :].lstrip(": ")) or "syntax error"
        return InputError(f"SPARQL syntax error at line {line}, column {col}: {detail}", line=line, column=col)
    return InputError(f"SPARQL syntax error: {msg}")


_CHAR_CLASS = re.compile(r"\[[^\[\]]*(?:'[^']*'[^\[\]]*)*\]")


def _readable_expectation(detail: str) -> str:
    """Shorten the parser's "expected one of" list: character classes become "a name"."""
    detail = " ".join(detail.split())
    if not detail.startswith("expected"):
        return detail
    head, _, alternatives = detail.partition(" of ")
    if not alternatives:
        return detail
    kept: list[str] = []
    for part in _split_alternatives(alternatives):
        token = "a name" if part.startswith("[") else part
        if token and token not in kept:
            kept.append(token)
    return f"{head} of {', '.join(kept)}"


def _split_alternatives(text: str) -> list[str]:
    """Split the parser's comma-separated alternatives, keeping quoted commas and [...] classes."""
    parts, current, depth, quote = [], [], 0, None
    for char in text:
        if quote:
            quote = None if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char == "[":
            depth += 1
        elif char == "]":
            depth -= 1
        elif char == "," and depth == 0:
            parts.append("".join(current).strip())
            current = []
            continue
        current.append(char)
    parts.append("".join(current).strip())
    return [p for p in parts if p]


def _clamp_to_text(text: str, line: int, col: int) -> tuple[int, int]:
    """Point an error reported past the end of the query at its last character."""
    lines = text.split("\n")
    if not text.strip() or line < 1 or line > len(lines) + 1:
        return line, col
    offset = sum(len(x) + 1 for x in lines[: line - 1]) + col - 1
    if text[offset:].strip():
        return line, col
    return _line_col(text, len(text.rstrip()) - 1)


def run_query(
    catalogue: Any,
    text: str,
    *,
    bindings: dict[str, Term] | None = None,
    allow_service: bool = False,
    timeout: float | None = None,
    prefixes: dict[str, str] | None = None,
    native_format: str | None = None,
) -> Result:
    """Check, bind and run a read-only SPARQL query on a catalogue; return the materialized result.

    ``catalogue`` is a `kzgraph.store.Catalogue` (embedded or remote) or a pyoxigraph store.
    ``prefixes`` are predeclared (e.g. ``iris.PREFIXES``); ``timeout``: the embedded catalogue
    runs the query in a child process killed at the deadline, a server gets it as its HTTP
    timeout. ``native_format`` (``tsv``): the embedded catalogue may hand back SELECT rows
    already serialized by pyoxigraph (``Result.native``); a server returns rows.
    """
    check_query(text, allow_service=allow_service)
    if bindings:
        text = bind_parameters(text, bindings)
    if isinstance(catalogue, ox.Store):
        from kzgraph.store import as_catalogue

        catalogue = as_catalogue(catalogue)
    return catalogue.query(text, prefixes=prefixes, timeout=timeout, native_format=native_format)
