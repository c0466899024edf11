"""kzgraph files: list what the graph is loaded from."""

from __future__ import annotations

from pathlib import Path

import click

from kzgraph.cli.options import data_option, load_from_options, root_option


@click.command("files")
@root_option
@data_option
def files(root: Path | None, data: tuple[Path, ...]) -> None:
    """List the files of the graph with their triple and subject counts.

    Every file is parsed strictly; a file that does not parse is reported
    as path:line: message (exit code 2).

    \b
    Example:
      kzgraph files
      kzgraph files --data my-additions/
    """
    from kzgraph.paths import display_path

    catalogue = load_from_options(root, data)
    rows = [("file", "format", "triples", "subjects")]
    for info in catalogue.file_info:
        rows.append((display_path(info.path), info.format, str(info.triples), str(info.subjects)))
    subjects = len({quad.subject for quad in catalogue.quads})
    rows.append(("total", "", str(catalogue.triple_count), str(subjects)))
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    for row in rows:
        cells = [row[0].ljust(widths[0]), row[1].ljust(widths[1])]
        cells += [row[2].rjust(widths[2]), row[3].rjust(widths[3])]
        click.echo("  ".join(cells).rstrip())
