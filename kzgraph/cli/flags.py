"""`kzgraph flags`: the curation flags, for curators."""

from __future__ import annotations

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

FLAG_COLUMNS = ("entry", "subject", "property", "stated value", "why")


@click.command("flags", short_help="List the curation flags: doubtful claims awaiting verification.")
@labels_option
@output_options(["table", "json", "csv", "markdown", "ndjson"], "table")
@bom_option
@pager_option
@source_options
def flags(labels: str, format_: str, output: Path | None, root: Path | None, data: tuple[Path, ...],
          infer: str | None = None, endpoint=None) -> None:
    """List the curation flags: doubtful claims awaiting verification.

    Each claim is kept as the review states it. One row per flag: the catalogue entry, the flagged node (the entry or one
    of its parts), the property, the value as stated, and why it is doubtful.

    \b
    Example:
      kzgraph flags
      kzgraph flags --format csv -o flags.csv
      kzgraph flags --format json --labels ru
    """
    from kzgraph.query import facets
    from kzgraph.cli.query import write_output
    from kzgraph.cli.sources import write_rows
    from kzgraph.query.results import compact_iri

    catalogue = open_from_options(root, data, endpoint, infer=infer)
    result = facets.run_named(catalogue, facets.FLAGS_QUERY, labels=labels)
    rows = [{v: t for v, t in zip(result.variables, r) if t is not None} for r in result.rows]

    def short(term) -> str:
        if term is None:
            return ""
        if type(term).__name__ == "NamedNode":
            return facets.slug_of(term.value) if term.value.startswith(facets.iris.ID) else compact_iri(term.value, facets.iris.PREFIXES).strip("<>")
        return term.value

    table, doc = [], []
    for r in rows:
        prop = r.get("propertyLabel")
        value = r.get("valueLabel")
        cells = (
            short(r.get("entry")),
            short(r.get("subject")),
            prop.value if prop is not None else short(r.get("property")),
            value.value if value is not None else short(r.get("value")),
            short(r.get("reason")),
        )
        table.append(cells)
        doc.append(
            {
                "flag": r["flag"].value,
                "entry": short(r.get("entry")) or None,
                "subject": r["subject"].value,
                "property": r["property"].value if "property" in r else None,
                "propertyLabel": cells[2],
                "statedValue": r["value"].value if "value" in r else None,
                "statedValueLabel": cells[3],
                "reason": cells[4],
            }
        )
    write_output(write_rows(FLAG_COLUMNS, table, format_, doc, width=display_width(output), keep=("entry",)), output)
