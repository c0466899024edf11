"""Named queries: ``kzgraph/queries/*.rq`` files with a header comment.

A named query file starts with a header of comment lines, then the query::

    # title: Sources founded in a given year
    # question: Which sources were founded in 2018?
    # param: year (year) — founding year (required)
    # param: labelLang (lang) — label language, set by --labels
    PREFIX kzg: <https://w3id.org/kzgraph/ontology#>
    SELECT ... WHERE { VALUES ?year { UNDEF } ... }

- ``title`` and ``question`` are required, once each.
- ``param: NAME [(KIND)] — DESCRIPTION`` (any of ``—``, ``–``, ``-``, ``:`` as the
  separator) declares a parameter; the query must contain ``VALUES ?NAME { UNDEF }``
  for each, and nothing else of that form. KIND is one of ``iri`` (an IRI, a
  known ``prefix:local`` or the slug of a catalogue thing or concept), ``string``,
  ``integer``, ``decimal``, ``year``, ``boolean``, ``lang``; without it the value
  is an IRI if it looks like one or names a catalogue slug, else a string.
  A description containing ``(required)`` makes the parameter mandatory; the
  others stay ``UNDEF`` (unconstrained) when not given.
- The parameter named ``labelLang`` (see `LABELS_PARAM`) receives the language
  tag chosen with ``--labels`` (``en`` when not given).
- A comment line indented by two or more spaces after ``#`` continues the
  previous field; a bare ``#`` line is ignored. Once title and question are
  given, the first comment line that is not a field (or a blank line) ends the
  header; any other line before that is an error naming the file and line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from kzgraph import paths

from kzgraph.query import guard as sparql_guard
from kzgraph.errors import InputError, UsageError
from kzgraph.query.sparql import declared_parameters

LABELS_PARAM = "labelLang"
PARAM_KINDS = ("auto", "iri", "string", "integer", "decimal", "year", "boolean", "lang")

_FIELD = re.compile(r"^#\s?([A-Za-z][A-Za-z_-]*)\s*:\s*(.*?)\s*$")
_PARAM = re.compile(
    r"^([A-Za-z_][A-Za-z0-9_]*)(?:\s*\((\w+)\))?\s*(?:—|–|-|:)\s*(.+)$"
)


@dataclass(frozen=True)
class Param:
    """One declared parameter of a named query."""

    name: str
    description: str
    kind: str = "auto"
    required: bool = False


@dataclass(frozen=True)
class NamedQuery:
    """A named query file: its header fields and query text."""

    name: str
    title: str
    question: str
    params: tuple[Param, ...] = field(default_factory=tuple)
    text: str = ""
    path: Path | None = None

    def param(self, name: str) -> Param | None:
        return next((p for p in self.params if p.name == name), None)


def queries_dir() -> Path:
    """Where the package's named queries live."""
    return paths.QUERIES_DIR


def parse_named(path: Path, text: str | None = None) -> NamedQuery:
    """Parse one `.rq` file; a malformed header is an InputError naming the file and line."""
    if text is None:
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as e:
            raise InputError(f"cannot read named query: {e}", path=path) from None
    fields: dict[str, str] = {}
    params: list[Param] = []
    last: str | None = None
    lines = text.splitlines()
    for lineno, raw in enumerate(lines, 1):
        line = raw.strip()
        if not line:
            if fields or params:
                break  # a blank line ends the header
            continue
        if not line.startswith("#"):
            break
        if line == "#":
            continue
        if re.match(r"^#\s{2,}\S", line) and last is not None:
            _continue(fields, params, last, line[1:].strip())
            continue
        m = _FIELD.match(line)
        if not m and "title" in fields and "question" in fields:
            break  # free comments after a complete header belong to the query
        if not m:
            raise InputError(
                "header lines must be '# title: …', '# question: …' or '# param: name — description'",
                path=path,
                line=lineno,
            )
        key, value = m.group(1).lower(), m.group(2)
        if key in ("title", "question"):
            if key in fields:
                raise InputError(f"'{key}' is given twice", path=path, line=lineno)
            if not value:
                raise InputError(f"'{key}' is empty", path=path, line=lineno)
            fields[key] = value
            last = key
        elif key == "param":
            pm = _PARAM.match(value)
            if not pm:
                raise InputError(
                    "write a parameter as '# param: name — description' "
                    "(optionally '# param: name (kind) — description')",
                    path=path,
                    line=lineno,
                )
            name, kind, desc = pm.group(1), (pm.group(2) or "auto").lower(), pm.group(3).strip()
            if kind not in PARAM_KINDS:
                raise InputError(
                    f"parameter kind {kind!r} is unknown; use one of {', '.join(PARAM_KINDS)}",
                    path=path,
                    line=lineno,
                )
            if any(p.name == name for p in params):
                raise InputError(f"parameter {name!r} is declared twice", path=path, line=lineno)
            params.append(Param(name, desc, kind, "(required)" in desc.lower()))
            last = "param"
        else:
            raise InputError(
                f"unknown header field {key!r}; use title, question or param", path=path, line=lineno
            )
    for key in ("title", "question"):
        if key not in fields:
            raise InputError(f"the header has no '# {key}: …' line", path=path, line=1)
    in_query = set(declared_parameters(text))
    in_header = {p.name for p in params}
    if in_header - in_query:
        missing = ", ".join(sorted(in_header - in_query))
        raise InputError(
            f"parameter(s) {missing} declared in the header but the query has no "
            "'VALUES ?name { UNDEF }' block for them",
            path=path,
        )
    if in_query - in_header:
        extra = ", ".join(sorted(in_query - in_header))
        raise InputError(
            f"the query has 'VALUES ?{sorted(in_query - in_header)[0]} {{ UNDEF }}' but the header "
            f"does not declare parameter(s) {extra} with '# param:'",
            path=path,
        )
    return NamedQuery(
        name=path.stem,
        title=fields["title"],
        question=fields["question"],
        params=tuple(params),
        text=text,
        path=path,
    )


def _continue(fields: dict[str, str], params: list[Param], last: str, more: str) -> None:
    if last == "param":
        p = params[-1]
        desc = f"{p.description} {more}"
        params[-1] = Param(p.name, desc, p.kind, "(required)" in desc.lower())
    else:
        fields[last] = f"{fields[last]} {more}"


def list_named(directory: Path | None = None) -> list[NamedQuery]:
    """Every named query in the directory (default: the package's), sorted by name."""
    directory = queries_dir() if directory is None else Path(directory)
    if not directory.is_dir():
        return []
    return [parse_named(p) for p in sorted(directory.glob("*.rq"), key=lambda p: p.name)]


def get_named(name: str, directory: Path | None = None) -> NamedQuery:
    """The named query called `name`; an unknown name suggests the closest ones."""
    directory = queries_dir() if directory is None else Path(directory)
    if re.fullmatch(r"[A-Za-z0-9_\-.]+", name) and not name.startswith("."):
        path = directory / f"{name.removesuffix('.rq')}.rq"
        if path.is_file():
            query = parse_named(path)
            if directory == queries_dir():
                sparql_guard.vouch(query.text)
            return query
    known = sorted(p.stem for p in directory.glob("*.rq")) if directory.is_dir() else []
    from kzgraph.suggest import closest, did_you_mean

    close = closest(name, known)
    if close:
        hint = did_you_mean(close, quote=False).strip()
    elif known:
        hint = "run 'kzgraph queries' to list them"
    else:
        hint = "no named queries are installed"
    raise UsageError(f"unknown named query {name!r}; {hint}")
