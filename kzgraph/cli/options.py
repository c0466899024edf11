"""Option decorators shared by every command, so an option name means one thing everywhere."""

from __future__ import annotations

import dataclasses
import functools
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable, Sequence

import click

from kzgraph import formats, iris

if TYPE_CHECKING:
    from kzgraph.store.embedded import EmbeddedCatalogue as Catalogue

LABEL_LANGUAGES = ("en", "ru", "kk")

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
    type=click.Choice(formats.INFER_MODES),
    default=None,
    help="Add the triples entailed under RDFS or OWL 2 RL before running.",
)

# The longest time limit kzgraph accepts: beyond it the OS timers it uses overflow, and a
# limit of more than a week is no limit a person means.
MAX_TIMEOUT = 7 * 24 * 3600.0


class Seconds(click.ParamType):
    """A time limit in seconds: a finite number above 0 and at most `MAX_TIMEOUT`."""

    name = "seconds"

    def convert(self, value, param, ctx):
        import math

        if isinstance(value, float):
            return value
        try:
            seconds = float(value)
        except ValueError:
            self.fail(f"{value!r} is not a number of seconds (e.g. 30 or 2.5)", param, ctx)
        if not math.isfinite(seconds) or seconds <= 0 or seconds > MAX_TIMEOUT:
            self.fail(f"{value!r} is not a time limit: give seconds above 0 and at most "
                      f"{MAX_TIMEOUT:g} (a week)", param, ctx)
        return seconds


SECONDS = Seconds()


labels_option = click.option(
    "--labels",
    type=click.Choice(LABEL_LANGUAGES),
    default="en",
    show_default=True,
    help="Language of displayed labels.",
)

def _no_pager(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    if value:
        ctx.meta["kzgraph.no_pager"] = True


pager_option = click.option(
    "--no-pager",
    is_flag=True,
    expose_value=False,
    callback=_no_pager,
    help="Print long output at once (also: KZGRAPH_NO_PAGER=1). Output taller than the screen goes "
    "through a pager ($PAGER, else less) only when standard output is a terminal.",
)


def bom_option(command: Callable) -> Callable:
    """``--bom``: start CSV (or TSV) output with a UTF-8 byte order mark, for Excel."""

    @functools.wraps(command)
    def wrapper(*args, bom: bool = False, **kwargs):
        if bom:
            fmt = kwargs.get("format_")
            if fmt not in ("csv", "tsv"):
                raise click.UsageError(f"--bom is for --format csv or tsv, not {fmt or 'the default format'}")
            click.get_current_context().find_root().meta["kzgraph.bom"] = True
        return command(*args, **kwargs)

    return click.option(
        "--bom",
        is_flag=True,
        help="Start CSV/TSV with a UTF-8 byte order mark, so that Excel reads Cyrillic and Kazakh text right.",
    )(wrapper)


def display_width(output: Path | None) -> int | None:
    """The width to fit tables and text to: $COLUMNS or the terminal's; None for -o FILE or a pipe."""
    if output is not None:
        return None
    from kzgraph.tables import terminal_width

    return terminal_width()


def output_options(kind: str | Iterable[str], default: str | None, help: str | None = None) -> Callable:
    """``--format`` and ``-o/--output`` as one bundle (the command receives ``format_`` and ``output``).

    ``-o -`` (or no ``-o``) is standard output: the command gets ``output=None``. Without
    ``--format`` the format is the one ``-o``'s extension names (``-o scores.csv``: csv), else
    ``default`` (None: the command decides); a ``--format`` that contradicts the extension is
    refused. Writing goes through `kzgraph.output.write_file` (regular files replaced
    atomically, pipes and devices written through).
    """
    allowed = formats.names(kind) if isinstance(kind, str) else list(kind)
    shown = f" (default: {default}; or the one -o FILE's extension names)" if default else ""

    def decorate(command: Callable) -> Callable:
        @functools.wraps(command)
        def wrapper(*args, format_=None, output=None, **kwargs):
            if output is not None and str(output) == "-":
                output = None
            named = formats.for_path(str(output), allowed) if output is not None else None
            if format_ is None:
                format_ = named or default
            elif named is not None and named != formats.normalize(format_) and output.suffix.lower() != ".txt":
                raise click.UsageError(
                    f"--format {format_} contradicts -o {output} (a .{named} file); "
                    "drop --format or change the file name"
                )
            return command(*args, format_=format_, output=output, **kwargs)

        wrapper = click.option(
            "-o",
            "--output",
            type=click.Path(dir_okay=False, allow_dash=True, path_type=Path),
            default=None,
            metavar="FILE",
            help="Write to FILE instead of standard output ('-': standard output).",
        )(wrapper)
        return click.option(
            "--format",
            "format_",
            type=formats.choice(allowed),
            default=None,
            help=(help or "Output format.") + shown,
        )(wrapper)

    return decorate



def load_from_options(root: str | Path | None, data: Sequence[str | Path] = ()) -> "Catalogue":
    """Load the graph chosen by --root plus the --data inputs."""
    # Imported here so that `--help` never pays for pyoxigraph.
    from kzgraph.load import load_catalogue
    from kzgraph.paths import resolve_layout

    return load_catalogue(resolve_layout(root), extra=data)


# ---------------------------------------------------------------- a SPARQL server instead of the files


@dataclasses.dataclass(frozen=True)
class EndpointOptions:
    """What --endpoint, --graph, --user and --password-env said (checked by kzgraph.store.remote)."""

    url: str
    graph: str | None = None
    user: str | None = None
    password_env: str | None = None


def endpoint_option(command: Callable) -> Callable:
    """Add --endpoint URL, --graph IRI, --user NAME, --password-env VAR as one ``endpoint`` argument.

    The command receives ``endpoint``: None (use the files) or an `EndpointOptions`.
    """

    @functools.wraps(command)
    def wrapper(*args, endpoint_url=None, endpoint_graph=None, endpoint_user=None, password_env=None, **kwargs):
        if endpoint_url is None:
            given = [name for name, value in (("--graph", endpoint_graph), ("--user", endpoint_user),
                                              ("--password-env", password_env)) if value is not None]
            if given:
                raise click.UsageError(f"{given[0]} needs --endpoint URL")
            endpoint = None
        else:
            endpoint = EndpointOptions(endpoint_url, endpoint_graph, endpoint_user, password_env)
        return command(*args, endpoint=endpoint, **kwargs)

    options = [
        click.option(
            "--endpoint", "endpoint_url", metavar="URL", default=None,
            help="Work on the graph in this SPARQL server (its query URL, e.g. http://127.0.0.1:7878/query "
            "or http://127.0.0.1:8890/sparql) instead of the files; see 'kzgraph push'.",
        ),
        click.option(
            "--graph", "endpoint_graph", metavar="IRI", default=None,
            help=f"With --endpoint: the named graph that holds the catalogue (default: {iris.GRAPH}).",
        ),
        click.option(
            "--user", "endpoint_user", metavar="NAME", default=None,
            help="With --endpoint: the user to log in as (default: $KZGRAPH_ENDPOINT_USER); the password "
            "comes from $KZGRAPH_ENDPOINT_PASSWORD, never from the command line.",
        ),
        click.option(
            "--password-env", "password_env", metavar="VAR", default=None,
            help="With --endpoint: read the password from the environment variable VAR instead.",
        ),
    ]
    for option in reversed(options):
        wrapper = option(wrapper)
    return wrapper




def make_endpoint(endpoint: EndpointOptions, timeout: float | None = None, **urls: str | None):
    """The `kzgraph.store.remote.Endpoint` the options describe (credentials from the environment)."""
    import os

    from kzgraph.store import remote

    user, password = remote.credentials(endpoint.user, endpoint.password_env, dict(os.environ))
    return remote.Endpoint.from_options(
        endpoint.url, graph=endpoint.graph, user=user, password=password, timeout=timeout, **urls
    )


def open_from_options(
    root: str | Path | None,
    data: Sequence[str | Path] = (),
    endpoint: EndpointOptions | None = None,
    *,
    infer: str | None = None,
    timeout: float | None = None,
):
    """The `kzgraph.store.Catalogue` the options name (see `kzgraph.store.open_catalogue`)."""
    from kzgraph.store import open_catalogue

    if endpoint is None:
        return open_catalogue(root, data, infer=infer)
    return open_catalogue(root, data, make_endpoint(endpoint, timeout), infer=infer)


def source_options(command: Callable) -> Callable:
    """Where the graph comes from, the same on every command that reads it.

    --root, --data, --infer, and --endpoint with --graph, --user, --password-env: the command
    receives ``root``, ``data``, ``infer`` and ``endpoint`` (see `open_from_options`).
    """
    for option in (endpoint_option, infer_option, data_option, root_option):
        command = option(command)
    return command
