"""`kzgraph show SLUG`: everything the catalogue knows about one entry, grouped and readable.

The document comes from the library (`kzgraph.query.entry.entry_view`); this module only renders
it, as text or as JSON.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click


from kzgraph.cli.complete import complete_entry
from kzgraph.cli.options import (
    source_options,
    display_width,
    labels_option,
    open_from_options,
    output_options,
    pager_option,
)
from kzgraph.cli.query import write_output


def cli_json(doc: dict[str, Any]) -> dict[str, Any]:
    """The JSON `show --format json` prints: groups as {title: {field label: values}}."""
    return {
        "slug": doc["slug"],
        "iri": doc["iri"],
        "name": doc["name"],
        "groups": {g["title"]: {f["label"]: f["values"] for f in g["fields"]} for g in doc["groups"] if g["fields"]},
        "score": doc["score"],
    }


def render_text(doc: dict[str, Any]) -> str:
    """The readable text view of an entry document."""
    title = f"{doc['name']} ({doc['slug']})"
    out = [title, "=" * len(title)]
    groups = [g for g in doc["groups"] if g["fields"]]
    width = max([len(f["label"]) for g in groups for f in g["fields"]] + [10])
    for group in groups:
        out.append("")
        out.append(group["title"])
        for field in group["fields"]:
            for i, value in enumerate(field["values"]):
                label = field["label"] if i == 0 else ""
                out.append(f"  {label.ljust(width)}  {value}")
    out.append("")
    out += _score_lines(doc["score"], doc["scoreText"])
    return "\n".join(out) + "\n"


def _score_lines(score: dict[str, Any] | None, total: str | None) -> list[str]:
    if score is None:
        return ["Transparency score", "  (the transparency-score named query is not installed)"]
    lines = [f"Transparency score: {total}"]
    elements = score["elements"]
    w = max(len(b["label"]) for b in elements)
    for b in elements:
        val = "n/a" if b["value"] is None else f"{b['value']:g}"
        weight = "" if b["weight"] is None else f"weight {b['weight']:g}"
        why = (b["status"] or "").replace("-", " ")
        lines.append(f"  {b['label'].ljust(w)}  {val:>4}  {weight:<12}  {why}".rstrip())
    return lines


@click.command("show", short_help="Show everything the catalogue knows about one entry, organization, publication or concept.")
@click.argument("slug", shell_complete=complete_entry)
@labels_option
@output_options(["table", "json"], "table")
@pager_option
@source_options
def show(slug: str, labels: str, format_: str, output: Path | None, root: Path | None, data: tuple[Path, ...],
         infer: str | None = None, endpoint=None) -> None:
    """Show everything the catalogue knows about one node, labelled in --labels.

    SLUG names any node of the catalogue: a slug (paperlab,
    bureau-of-national-statistics, violence), a CURIE (id:paperlab,
    topic:violence, lang:KAZ) or an IRI. For an entry: identity, place in the
    review, the organizations behind it, languages, topics, coverage, channels,
    transparency assessments of the entry and its parts, formats and services,
    gaps with their figures, publications, programmes, curation flags,
    provenance, and the transparency score with its breakdown. For any other
    node (an organization, a publication, a concept, ...): every statement
    about it and every statement that names it. Properties and values are shown
    by their labels (the ontology's, a concept's) in the --labels language;
    --format table is the readable text view.

    \b
    Example:
      kzgraph show paperlab
      kzgraph show id:bureau-of-national-statistics
      kzgraph show topic:violence --labels ru
      kzgraph show world-values-survey --labels ru
      kzgraph show central-asia-barometer --format json
      kzgraph show paperlab --endpoint http://127.0.0.1:7878/query
    """
    from kzgraph.query import nodes
    from kzgraph.query.entry import entry_view
    from kzgraph.tables import wrap_text

    catalogue = open_from_options(root, data, endpoint, infer=infer)
    iri = nodes.resolve_node(catalogue, slug)
    if not nodes.is_entry(catalogue, iri):
        view = nodes.node_view(catalogue, iri, labels=labels)
        if format_ == "json":
            data_out = (json.dumps(view, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
        else:
            data_out = wrap_text(nodes.render_text(view, labels), display_width(output)).encode("utf-8")
        write_output(data_out, output)
        return
    doc = entry_view(catalogue, iri, labels=labels)
    if format_ == "json":
        data_out = (json.dumps(cli_json(doc), ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    else:
        data_out = wrap_text(render_text(doc), display_width(output)).encode("utf-8")
    write_output(data_out, output)
