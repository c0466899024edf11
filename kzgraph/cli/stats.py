"""`kzgraph stats`: the catalogue at a glance, and the review's gaps."""

from __future__ import annotations

from pathlib import Path

import click

from kzgraph.cli.options import (
    source_options,
    display_width,
    labels_option,
    open_from_options,
    output_options,
    pager_option,
)



@click.command("stats", short_help="Summarize the catalogue: entries per section, type, language, topic, ...")
@labels_option
@output_options(["table", "json"], "table")
@pager_option
@source_options
def stats(labels: str, format_: str, output: Path | None, root: Path | None, data: tuple[Path, ...],
          infer: str | None = None, endpoint=None) -> None:
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
      kzgraph stats --endpoint http://127.0.0.1:7878/query
    """
    import json

    from kzgraph.cli.query import write_output
    from kzgraph.cli.sources import write_rows

    from kzgraph.query.documents import stats_counts, stats_document

    catalogue = open_from_options(root, data, endpoint, infer=infer)
    total, by_dim = stats_counts(catalogue, labels)

    if format_ == "json":
        doc = stats_document(catalogue, labels, counts=(total, by_dim))
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
