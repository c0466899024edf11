"""kzgraph diff: what changed between two versions of the graph, entry by entry."""

from __future__ import annotations

import json
from pathlib import Path

import click

from kzgraph.cli.options import output_options, root_option


@click.command("diff")
@root_option
@output_options(("text", "json"), "text", help="Readable text, or JSON with every fact.")
@click.argument("old")
@click.argument("new", required=False, default=None)
def diff(root: Path | None, format_: str, output: Path | None, old: str, new: str | None) -> None:
    """Compare two versions of the graph: entries added and removed, facts per entry.

    OLD and NEW are folders (a checkout, or any folder of RDF files) or git
    revisions (commits, tags, branches) of the checkout (--root, else the one
    around the working directory); NEW defaults to the checkout's files as they
    are now. A revision is read with git archive into a temporary folder: the
    work tree is never touched. Triples are compared as RDF, so formatting and
    order never count; blank nodes are compared after canonical labelling. A
    fact whose one value was replaced shows as changed (old → new).

    \b
    Example:
      kzgraph diff HEAD~1
      kzgraph diff v0.1.0 main --format json -o changes.json
      kzgraph diff old-checkout/ .
    """
    from kzgraph.graphdiff import diff_sides, render_text
    from kzgraph.paths import resolve_layout

    layout = resolve_layout(root)
    repo = layout.root if (layout.root / ".git").exists() else None
    result = diff_sides(old, new if new is not None else str(layout.root), repo)
    if format_.lower() == "json":
        text = json.dumps(result.to_dict(), ensure_ascii=False, indent=2) + "\n"
    else:
        text = render_text(result)
    if output is not None:
        from kzgraph.output import write_file

        write_file(output, text.encode("utf-8"))
        click.echo(result.summary(), err=True)
    else:
        click.echo(text, nl=False)
