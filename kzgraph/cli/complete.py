"""Shell completion for kzgraph: entry and node slugs, vocabulary values, query and scheme names.

Completion runs on every Tab press, so these read file names and scan the vocabulary
files' text with a regular expression: no graph is loaded and no engine is imported
(pyoxigraph, rdflib). They look at the graph kzgraph runs on (the checkout or the
installed copy; --root when it was typed before the value).
"""

from __future__ import annotations

import re
from pathlib import Path

# what follows `a skos:Concept` in our vocabulary files: `vocab-prefix:slug a skos:Concept`
_CONCEPT = re.compile(r"^(?:([a-z]+):|<https://w3id\.org/kzgraph/vocab/([a-z-]+)/)([A-Za-z0-9_-]+)>?\s+a\s+skos:Concept",
                      re.MULTILINE)
_NOTATION = re.compile(r'kzg:(?:iso6391|iso31661alpha3)\s+"([^"]+)"')


def _layout(ctx=None):
    from kzgraph.paths import resolve_layout

    root = None
    while ctx is not None:
        root = ctx.params.get("root") or root
        ctx = ctx.parent
    try:
        return resolve_layout(root)
    except Exception:  # noqa: BLE001 - completion must never fail loudly
        return None


def query_names(incomplete: str = "") -> list[str]:
    """Names of the named queries (the package's .rq files) starting with ``incomplete``."""
    from kzgraph import paths

    return sorted(p.stem for p in Path(paths.QUERIES_DIR).glob("*.rq") if p.stem.startswith(incomplete))


def entry_slugs(incomplete: str = "", ctx=None, *, nodes: bool = False) -> list[str]:
    """Slugs of the catalogue's entries (data/entries/*.ttl; with ``nodes`` organizations and programmes too)."""
    layout = _layout(ctx)
    if layout is None:
        return []
    folders = ["entries", "organizations", "programmes"] if nodes else ["entries"]
    found = set()
    for folder in folders:
        for p in (layout.data_dir / folder).glob("*.ttl"):
            if p.stem.startswith(incomplete):
                found.add(p.stem)
    return sorted(found)


def _vocab_dir(ctx=None) -> Path | None:
    layout = _layout(ctx)
    return None if layout is None else layout.root / "ontology" / "vocab"


def scheme_names(ctx=None) -> list[str]:
    """The concept schemes (ontology/vocab/*.ttl) and the short names `kzgraph vocab` takes."""
    folder = _vocab_dir(ctx)
    names = {p.stem for p in folder.glob("*.ttl")} if folder is not None and folder.is_dir() else set()
    return sorted(names | {"type", "section", "methodology", "format"})


def concept_values(scheme: str, incomplete: str = "", ctx=None) -> list[str]:
    """What a filter takes for a scheme: concept slugs (ISO codes for languages and countries)."""
    folder = _vocab_dir(ctx)
    if folder is None:
        return []
    path = folder / f"{scheme}.ttl"
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        return []
    if scheme in ("language", "country"):
        values = set(_NOTATION.findall(text))
    else:
        values = {m.group(3) for m in _CONCEPT.finditer(text)}
    want = incomplete.casefold()
    return sorted(v for v in values if v.casefold().startswith(want))


def facet_completer(*schemes: str):
    """A click ``shell_complete`` callback offering the values of ``schemes`` (after a comma too)."""

    def complete(ctx, param, incomplete: str) -> list[str]:
        head, _, last = incomplete.rpartition(",")
        prefix = head + "," if head else ""
        values: list[str] = []
        for scheme in schemes:
            values += concept_values(scheme, last, ctx)
        return [prefix + v for v in sorted(set(values))]

    return complete


def complete_entry(ctx, param, incomplete: str) -> list[str]:
    return entry_slugs(incomplete, ctx, nodes=True)


def complete_query(ctx, param, incomplete: str) -> list[str]:
    return query_names(incomplete)


_PARAM_LINE = re.compile(r"^#\s?param:\s*([A-Za-z_][A-Za-z0-9_]*)", re.MULTILINE)


def complete_param(ctx, param, incomplete: str) -> list[str]:
    """``--param NAME=`` for the named query given with -n; after ``topic=`` the topics, and so on."""
    from kzgraph import iris, paths

    name = (ctx.params.get("query_name") or "") if ctx is not None else ""
    path = Path(paths.QUERIES_DIR) / f"{name}.rq"
    if not name or not path.is_file():
        return []
    declared = [p for p in _PARAM_LINE.findall(path.read_text(encoding="utf-8")) if p != "labelLang"]
    key, eq, value = incomplete.partition("=")
    if not eq:
        return [f"{p}=" for p in declared if p.startswith(key)]
    scheme = iris.VOCAB_SCHEMES.get(key, key)
    return [f"{key}={v}" for v in concept_values(scheme, value, ctx)]
