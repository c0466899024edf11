"""`kzgraph push`: load the graph into a SPARQL 1.1 server, replacing its named graph atomically."""

from __future__ import annotations

from pathlib import Path

import click

from kzgraph.cli.options import (
    SECONDS,
    EndpointOptions,
    data_option,
    endpoint_option,
    infer_option,
    make_endpoint,
    root_option,
)
from kzgraph.errors import UsageError


@click.command("push", short_help="Load the graph into a SPARQL server, replacing its named graph atomically.")
@root_option
@data_option
@infer_option
@endpoint_option
@click.option(
    "--update-url", metavar="URL", default=None,
    help="The server's SPARQL Update URL (default: guessed from --endpoint: …/query → …/update, "
    "…/sparql → …/sparql-auth with a user).",
)
@click.option(
    "--store-url", metavar="URL", default=None,
    help="The server's Graph Store Protocol URL (default: …/query → …/store, …/sparql → "
    "…/sparql-graph-crud-auth with a user; other servers: none, SPARQL Update is used).",
)
@click.option(
    "--method", type=click.Choice(("auto", "gsp", "update")), default="auto", show_default=True,
    help="Upload through the Graph Store Protocol (gsp) or SPARQL Update INSERT DATA (update); "
    "auto: gsp where a Graph Store URL is known.",
)
@click.option(
    "--timeout", type=SECONDS, default=None, metavar="SECONDS",
    help="Give up on a request the server has not answered after SECONDS (default: 120).",
)
def push(
    root: Path | None,
    data: tuple[Path, ...],
    infer: str | None,
    update_url: str | None,
    store_url: str | None,
    method: str,
    timeout: float | None,
    endpoint: EndpointOptions | None = None,
) -> None:
    """Load the graph (asserted, or with --infer its closure) into a SPARQL 1.1 server.

    The triples go into a temporary graph first (Graph Store Protocol PUT/POST, or SPARQL
    Update INSERT DATA where the server has no Graph Store), then one update MOVEs it onto
    the named graph (--graph, default https://w3id.org/kzgraph/graph): readers see the old
    graph or the new one, never a partial one. If the upload fails, the old graph stays.
    The password is read from $KZGRAPH_ENDPOINT_PASSWORD (or --password-env VAR), never
    from the command line, and is never printed.

    \b
    Example:
      kzgraph push --endpoint http://127.0.0.1:7878/query
      KZGRAPH_ENDPOINT_PASSWORD=… kzgraph push --endpoint http://127.0.0.1:8890/sparql --user dba --infer rdfs
    """
    if endpoint is None:
        raise UsageError("kzgraph push needs --endpoint URL (the server's SPARQL query URL)")
    from kzgraph import export
    from kzgraph.store import open_catalogue
    from kzgraph.store import push as pusher

    target = make_endpoint(endpoint, timeout, update_url=update_url, store_url=store_url)
    catalogue = open_catalogue(root, data, infer=infer)
    report = pusher.push(target, export.prepare(catalogue.triples()), method=method)
    what = f"{report.triples} triples" + (f" (with the {infer} closure)" if infer else "")
    click.echo(
        f"pushed {what} to <{report.graph}> at {target.query_url} "
        f"({report.method}, {report.requests} requests, {report.seconds:.1f} s)"
    )
