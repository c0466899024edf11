"""Option decorators shared by every command, so an option name means one thing everywhere."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable, Sequence

import click

from kzgraph import formats

if TYPE_CHECKING:
    from kzgraph.loader import Catalogue

LABEL_LANGUAGES = ("en", "ru", "kk")
INFER_PROFILES = ("rdfs", "owlrl")

root_option = click.option(
    "--root",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    metavar="DIR",
    help="Use the graph in this checkout (default: the checkout kzgraph runs from, "
    "else the copy installed with it).",
)

data_option = click.option(
    "--data",
    type=click.Path(path_type=Path),
    multiple=True,
    metavar="PATH",
    help="Also load this RDF file or folder (repeatable).",
)

infer_option = click.option(
    "--infer",
    type=click.Choice(INFER_PROFILES),
    default=None,
    help="Add the triples entailed under RDFS or OWL 2 RL before running.",
)

labels_option = click.option(
    "--labels",
    type=click.Choice(LABEL_LANGUAGES),
    default="en",
    show_default=True,
    help="Language of displayed labels.",
)

output_option = click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    metavar="FILE",
    help="Write to FILE instead of standard output.",
)


def format_option(kind: str | Iterable[str], default: str) -> Callable:
    """Return a ``--format`` option offering the formats of ``kind`` (or the given names)."""
    return click.option(
        "--format",
        "format_",
        type=formats.choice(kind),
        default=default,
        show_default=True,
        help="Output format.",
    )


def load_from_options(root: str | Path | None, data: Sequence[str | Path] = ()) -> "Catalogue":
    """Load the graph chosen by --root plus the --data inputs."""
    # Imported here so that `--help` never pays for pyoxigraph.
    from kzgraph.loader import load_catalogue
    from kzgraph.paths import resolve_layout

    return load_catalogue(resolve_layout(root), extra=data)
