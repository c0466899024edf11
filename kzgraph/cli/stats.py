"""`kzgraph stats`: the catalogue at a glance, and the review's gaps."""

from __future__ import annotations

from pathlib import Path

import click

from kzgraph.cli.options import (
    data_option,
    display_width,
    format_option,
    labels_option,
    load_from_options,
    output_option,
    pager_option,
    root_option,
)

# dimension names of the stats query, in the order they are printed
DIMENSIONS = (
    "section",
    "type",
    "primary language",
    "occasional language",
    "topic",
    "methodology",
    "format",
    "missing",
)
MISSING_KEYS = ("founding year", "assessment", "language", "topic", "coverage", "channel")


@click.command("stats", short_help="Summarize the catalogue: entries per section, type, language, topic, ...")
@labels_option
@format_option(["table", "json"], "table")
@output_option
@pager_option
@root_option
@data_option
def stats(labels: str, format_: str, output: Path | None, root: Path | None, data: tuple[Path, ...]) -> None:
    """Summarize the catalogue and the review's gaps at a glance.

    How many entries per review section, organization type, language (primary
    and occasional), top-level topic (narrower topics counted), methodology
    status and data format, and how many entries lack each key fact (founding
    year, assessment, language, topic, coverage, channel).

    An entry may count under several keys of one dimension (two languages, two
    topics). Methodology "not stated" counts entries without an entry-level
    status; an entry without its own organization type counts under its
    publisher's.

    \b
    Example:
      kzgraph stats
      kzgraph stats --labels kk
      kzgraph stats --format json
    """
    import json

    from kzgraph import facets
    from kzgraph.cli.query import write_output
    from kzgraph.cli.sources import write_rows

    catalogue = load_from_options(root, data)
    result = facets.run_named(catalogue, facets.STATS_QUERY, labels=labels)
    total = 0
    by_dim: dict[str, list[dict]] = {d: [] for d in DIMENSIONS}
    for row in result.rows:
        r = dict(zip(result.variables, row))
        dim, key, count = r["dimension"].value, r["key"], int(r["entries"].value)
        if dim == "total":
            total = count
            continue
        by_dim.setdefault(dim, []).append(
            {
                "key": facets.slug_of(key.value).rsplit("/", 1)[-1] if type(key).__name__ == "NamedNode" else key.value,
                "label": r["label"].value if r.get("label") is not None else key.value,
                "entries": count,
            }
        )
    have = {item["key"] for item in by_dim["missing"]}
    for key in MISSING_KEYS:
        if key not in have:
            by_dim["missing"].append({"key": key, "label": key, "entries": 0})
    by_dim["missing"].sort(key=lambda item: MISSING_KEYS.index(item["key"]) if item["key"] in MISSING_KEYS else 99)

    if format_ == "json":
        doc = {"entries": total, **{dim.replace(" ", "_"): items for dim, items in by_dim.items()}}
        write_output((json.dumps(doc, ensure_ascii=False, indent=2) + "\n").encode("utf-8"), output)
        return
    titles = {"missing": "entries lacking"}
    rows = []
    for dim in by_dim:
        for i, item in enumerate(by_dim[dim]):
            label = item["label"] if item["label"] == item["key"] else f"{item['label']} ({item['key']})"
            rows.append((titles.get(dim, dim) if i == 0 else "", label, item["entries"]))
    text = f"{total} catalogue entries\n\n".encode("utf-8") + write_rows(("dimension", "value", "entries"), rows, "table",
                                                                            width=display_width(output))
    write_output(text, output)
