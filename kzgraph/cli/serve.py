"""`kzgraph serve`: the catalogue as a read-only SPARQL endpoint and linked data over HTTP."""

from __future__ import annotations

import os
from pathlib import Path

import click

from kzgraph.cli.options import data_option, infer_option, root_option
from kzgraph.errors import UsageError


@click.command("serve", short_help="Serve the graph over HTTP: a read-only SPARQL endpoint and its IRIs as linked data.")
@click.option("--host", default="127.0.0.1", show_default=True, metavar="HOST",
              help="Address to listen on; 0.0.0.0 (every interface) only when you mean it.")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True, metavar="PORT",
              help="TCP port to listen on (0: any free port).")
@root_option
@data_option
@infer_option
@click.option("--timeout", type=click.FloatRange(min=0, min_open=True), default=10.0, show_default=True,
              metavar="SECONDS", help="Time limit of a query when the client does not ask for one.")
@click.option("--max-timeout", type=click.FloatRange(min=0, min_open=True), default=60.0, show_default=True,
              metavar="SECONDS", help="Longest time limit a client may ask for (the 'timeout' parameter).")
@click.option("--max-rows", type=click.IntRange(min=1), default=10_000, show_default=True, metavar="N",
              help="Most rows (or triples) in one answer; a longer one is cut and says so.")
@click.option("--workers", type=click.IntRange(min=1, max=64), default=None, metavar="N",
              help="Query worker processes (default: the number of CPUs).")
@click.option("--site/--no-site", "with_site", default=True, show_default=True,
              help="Also serve the pages 'kzgraph site' builds (built in memory at startup).")
def serve(
    host: str,
    port: int,
    root: Path | None,
    data: tuple[Path, ...],
    infer: str | None,
    timeout: float,
    max_timeout: float,
    max_rows: int,
    workers: int | None,
    with_site: bool,
) -> None:
    """Serve the graph over HTTP until Ctrl-C (or SIGTERM).

    \b
    /sparql                 SPARQL 1.1 Protocol (GET ?query=, POST form or
                            application/sparql-query); its service description
                            without a query
    /id/SLUG, /vocab/SCHEME/SLUG, /ontology
                            the catalogue's IRIs: the site's page to a browser,
                            Turtle, JSON-LD, N-Triples or RDF/XML by Accept
                            (or ?format=html|ttl|jsonld|nt|rdfxml, ?lang=ru|kk)
    /health                 status as JSON
    anything else           the site kzgraph site builds (pages, search, downloads)

    Queries are read-only: updates, SERVICE, LOAD and FROM <file:...> are
    refused. Each query runs in a worker process that is killed at its time
    limit; answers longer than --max-rows are cut and carry the header
    X-Kzgraph-Truncated. One line per request goes to stderr. A port in use
    is one line and exit code 3.

    \b
    Example:
      kzgraph serve
      kzgraph serve --port 8080 --infer rdfs --timeout 5
      curl -H 'Accept: text/csv' 'http://127.0.0.1:8000/sparql' \\
           --data-urlencode 'query=SELECT ?s WHERE { ?s a kzg:Source } LIMIT 3'
    """
    if max_timeout < timeout:
        raise UsageError(f"--timeout {timeout:g} is longer than --max-timeout {max_timeout:g}")
    from kzgraph.cli.options import load_from_options
    from kzgraph.serve import run as runner

    # Bind first: a busy port should not cost a load of the graph before it is reported.
    sock = runner.bind(host, port)
    try:
        catalogue = load_from_options(root, data)
        store = catalogue.store
        if infer:
            from kzgraph.reason import infer as closure_of

            store = closure_of(catalogue, infer, root=root).store
        from kzgraph import export
        from kzgraph.paths import resolve_layout
        from kzgraph.serve.app import ServerState, Settings
        from kzgraph.serve.linked import LinkedData

        dump = runner.dump_graph(store)
        try:
            settings = Settings(
                timeout=timeout, max_timeout=max_timeout, max_rows=max_rows,
                workers=workers or os.cpu_count() or 2, shutdown_timeout=timeout + 1,
            )
            context = export.context_for(resolve_layout(root))
            state = ServerState(settings=settings, dump=str(dump), linked=LinkedData(store, context),
                                triples=len(store), site=_build_site(catalogue, root) if with_site else None)
            runner.serve(state, host, port, sock=sock)
        finally:
            dump.unlink(missing_ok=True)
    finally:
        sock.close()


def _build_site(catalogue, root: Path | None) -> dict[str, bytes] | None:
    """The pages `kzgraph site` writes, built in memory from the same templates (None without kzgraph.site)."""
    try:
        from kzgraph.site.build import build
    except ImportError:
        return None
    from kzgraph.errors import KzgraphError
    from kzgraph.paths import resolve_layout

    try:
        return build(catalogue, resolve_layout(root)).files
    except KzgraphError as err:  # the endpoint and the RDF still work without the pages
        click.echo(f"kzgraph serve: warning: no HTML pages: {err}", err=True)
        return None
