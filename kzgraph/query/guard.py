"""The one check every SPARQL text passes before kzgraph runs it: no SERVICE, and where asked, no FROM.

Oxigraph (and rdflib, on the pyshacl path) really send a ``SERVICE`` sub-query over HTTP, so a
query, a named query, a SHACL-SPARQL constraint or a SPARQL-based target that contains one would
reach the network. A token scanner can be spelled around (an IRI-looking ``<2)SERVICE#>`` after a
less-than, escapes, comments), so the decision is made like this:

1. A SERVICE clause needs the keyword, so the letters ``service`` (any case, any Unicode case
   variant Python folds to them) must occur in the text, or in the text with its ``\\u``/``\\U``
   codepoint escapes replaced (SPARQL 1.1 section 19.2; repeated, in case an engine unescapes
   twice). A text without them cannot call out: it runs with no further cost.
2. Otherwise the text is parsed by a second, independent SPARQL parser (rdflib's) and refused if
   its parse tree has a ``ServiceGraphPattern``, or if it does not parse there, or if kzgraph's
   own tokenizer sees the keyword outside strings, IRIs and comments. Only a text that both
   readers agree has no SERVICE clause runs.

``FROM`` / ``FROM NAMED`` are harmless on Oxigraph (graph names, never read), but rdflib loads
them: texts that may run on rdflib (shapes) are checked with ``allow_from=False``, on the same
two readers.
"""

from __future__ import annotations

import functools
import re
from typing import Iterator

from kzgraph.errors import UsageError

_CODEPOINT = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_SERVICE = re.compile("service", re.IGNORECASE)
_FROM = re.compile("from", re.IGNORECASE)
_MAX_UNESCAPE_ROUNDS = 8


# Texts of the package's own named queries: the second parser (and its rdflib import, ~0.2 s)
# is skipped for them; kzgraph's tokenizer still checks them, and a test runs the full check
# on every shipped .rq file.
_VOUCHED: set[str] = set()


def vouch(text: str) -> None:
    """Mark ``text`` as one of kzgraph's own shipped queries (see `check`)."""
    _VOUCHED.add(text)


class Refused(UsageError):
    """A SPARQL text that would reach outside the catalogue (SERVICE, or FROM where not allowed)."""


def unescape_codepoints(text: str) -> str:
    """Replace SPARQL's ``\\uXXXX`` and ``\\UXXXXXXXX`` codepoint escapes (invalid ones are kept)."""

    def char(match: re.Match) -> str:
        code = int(match.group(1) or match.group(2), 16)
        if code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
            return match.group(0)
        return chr(code)

    return _CODEPOINT.sub(char, text)


def _spellings(text: str) -> Iterator[str]:
    """The text, then the text after each round of codepoint unescaping, until nothing changes."""
    yield text
    for _ in range(_MAX_UNESCAPE_ROUNDS):
        unescaped = unescape_codepoints(text)
        if unescaped == text:
            return
        text = unescaped
        yield text


def _mentions(pattern: re.Pattern, text: str) -> bool:
    return any(pattern.search(spelling) for spelling in _spellings(text))


@functools.lru_cache(maxsize=256)  # a named query is checked once per run, not once per call
def _parse_tree_names(text: str) -> frozenset[str] | None:
    """The names of the parts of rdflib's parse tree of ``text``, or None if rdflib cannot parse it."""
    from pyparsing import ParseResults
    from rdflib.plugins.sparql.parser import parseQuery
    from rdflib.plugins.sparql.parserutils import CompValue

    try:
        tree = parseQuery(unescape_codepoints(text))
    except Exception:  # noqa: BLE001 - any failure of the second reader means "cannot be checked"
        return None
    names: set[str] = set()
    stack: list[object] = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, CompValue):
            names.add(node.name)
            stack.extend(node.values())
        elif isinstance(node, (list, tuple, ParseResults)):
            stack.extend(node)
    return frozenset(names)


def _keyword_positions(text: str, keyword: str) -> list[int]:
    """Offsets of ``keyword`` as a word in ``text`` (-1: found only once escapes are replaced)."""
    from kzgraph.query.sparql import tokenize

    for round_, spelling in enumerate(_spellings(text)):
        found = [t.start for t in tokenize(spelling) if t.kind == "word" and t.value.upper() == keyword]
        if found:
            return found if round_ == 0 else [-1]
    return []


def _where(text: str, offsets: list[int]) -> str:
    if not offsets or offsets[0] < 0:
        return ""
    offset = offsets[0]
    line = text.count("\n", 0, offset) + 1
    col = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return f" at {line}:{col}"


def check(text: str, *, allow_service: bool = False, allow_from: bool = True, what: str = "the query") -> None:
    """Raise `Refused` if ``text`` may call a SERVICE (or, with ``allow_from=False``, has FROM)."""
    checks = []
    if not allow_service and _mentions(_SERVICE, text):
        checks.append(("SERVICE", "ServiceGraphPattern"))
    if not allow_from and _mentions(_FROM, text):
        checks.append(("FROM", "DatasetClause"))
    if not checks:
        return
    if text in _VOUCHED:
        names: set[str] | None = set()
    else:
        names = _parse_tree_names(text)
    for keyword, part in checks:
        positions = _keyword_positions(text, keyword)
        if names is not None and part not in names and not positions:
            continue
        if keyword == "SERVICE":
            danger = "SERVICE would fetch from the network"
            hint = "; pass --allow-service to permit it" if what == "the query" else ""
        else:
            danger = "FROM would make a SHACL engine read that file or URL (shapes query the data graph only)"
            hint = ""
        if names is None and not positions:
            raise Refused(f"{what} mentions {keyword} and could not be checked by a second SPARQL parser, "
                          f"so it is refused: {danger}{hint}")
        raise Refused(f"{keyword}{_where(text, positions)} in {what} is refused: {danger}{hint}")
