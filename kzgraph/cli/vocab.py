"""`kzgraph vocab [SCHEME]`: the values a filter takes, with their labels and hierarchy."""

from __future__ import annotations

import json
from pathlib import Path

import click

from kzgraph.cli.options import (
    source_options,
    bom_option,
    display_width,
    labels_option,
    open_from_options,
    output_options,
    pager_option,
)


def complete_scheme(ctx, param, incomplete):
    from kzgraph.cli.complete import scheme_names

    return [n for n in scheme_names(ctx) if n.startswith(incomplete)]


@click.command("vocab", short_help="List a vocabulary's concepts (the values of a filter) with labels, narrower ones indented.")
@click.argument("schemes", metavar="[SCHEME]...", nargs=-1, shell_complete=complete_scheme)
@labels_option
@output_options(["table", "csv", "json", "markdown", "ndjson"], "table")
@bom_option
@pager_option
@source_options
def vocab(schemes: tuple[str, ...], labels: str, format_: str, output: Path | None, root: Path | None,
          data: tuple[Path, ...], infer: str | None = None, endpoint=None) -> None:
    """List the concepts of a vocabulary, with their labels, narrower ones indented under broader ones.

    SCHEME is a concept scheme (topic, language, organization-type, review-section,
    methodology-status, data-format, access-service, country, region, ...) or the filter
    it serves (type, section, methodology, format). The first column is what to type
    after the filter ('kzgraph sources --topic violence'); codes are the other names
    that work too. Without SCHEME: the schemes and how many concepts each has.

    \b
    Example:
      kzgraph vocab
      kzgraph vocab topic
      kzgraph vocab organization-type --labels ru
      kzgraph vocab language --format json
    """
    from kzgraph.query import facets
    from kzgraph.cli.query import write_output
    from kzgraph.cli.sources import write_rows
    from kzgraph.errors import UsageError
    from kzgraph.suggest import closest, did_you_mean

    catalogue = open_from_options(root, data, endpoint, infer=infer)
    vocabularies = facets.Vocabularies.load(catalogue)
    known = {iri[len(facets.iris.VOCAB):]: iri for iri in vocabularies.by_scheme if iri.startswith(facets.iris.VOCAB)}
    width = display_width(output)

    if not schemes:
        rows = [(name, _scheme_label(catalogue, iri, labels) or "", len(vocabularies.by_scheme[iri]))
                for name, iri in sorted(known.items())]
        doc = [{"scheme": n, "iri": known[n], "label": lab, "concepts": c} for n, lab, c in rows]
        write_output(write_rows(("scheme", "label", "concepts"), rows, format_, doc, width=width, keep=("scheme",)),
                     output)
        return

    wanted: list[str] = []
    for raw in schemes:
        name = facets.SCHEME_ALIASES.get(raw.strip().lower(), raw.strip().lower())
        if name not in known:
            hint = did_you_mean(closest(raw, [*known, *facets.SCHEME_ALIASES]))
            raise UsageError(f"unknown vocabulary {raw!r}; {hint}run `kzgraph vocab` to list them")
        if name not in wanted:
            wanted.append(name)

    table, doc = [], []
    for name in wanted:
        members = vocabularies.by_scheme[known[name]]
        facet = next((f for f in facets.FACETS.values() if known[name] in f.schemes), None)
        for concept, depth in _tree(members):
            key = vocabularies.key(facet, concept) if facet else concept.slug
            codes = sorted({c for c in concept.codes if c != key}, key=lambda c: (len(c), c))
            shown = ("  " * depth + key) if format_ == "table" else key
            table.append(((name,) if len(wanted) > 1 else ()) + (shown, concept.label(labels), ", ".join(codes)))
            doc.append({"scheme": name, "value": key, "iri": concept.iri, "label": concept.label(labels),
                        "codes": codes, "depth": depth,
                        "broader": [b for b in concept.broader if b in vocabularies.by_iri]})
    columns = (("scheme",) if len(wanted) > 1 else ()) + ("value", "label", "codes")
    write_output(write_rows(columns, table, format_, doc, width=width, keep=("value",)), output)


def _tree(members):
    """Concepts in hierarchy order with their depth: each one under its broader concepts."""
    inside = {c.iri: c for c in members}
    children: dict[str | None, list] = {}
    for c in members:
        parents = [b for b in c.broader if b in inside] or [None]
        for b in parents:
            children.setdefault(b, []).append(c)
    out = []

    def walk(parent, depth, seen):
        for c in children.get(parent, []):
            if c.iri in seen:
                continue
            out.append((c, depth))
            walk(c.iri, depth + 1, seen | {c.iri})

    walk(None, 0, frozenset())
    return out


def _scheme_label(catalogue, iri: str, lang: str) -> str | None:
    import pyoxigraph as ox

    from kzgraph import iris

    found: dict[str, str] = {}
    for prop in (iris.SKOS + "prefLabel", iris.RDFS + "label", iris.DCTERMS + "title"):
        for q in catalogue.match(ox.NamedNode(iri), ox.NamedNode(prop), None):
            if isinstance(q.object, ox.Literal):
                found.setdefault(q.object.language or "", q.object.value)
    return found.get(lang) or found.get("en") or next(iter(found.values()), None)
