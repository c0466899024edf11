"""`kzgraph export`: deterministic dumps of the graph, JSON-LD with the project context, DCAT-AP and schema.org views."""

from __future__ import annotations

from pathlib import Path

import click

from kzgraph import formats
from kzgraph.cli.options import open_from_options, output_options, source_options
from kzgraph.errors import UsageError

EXPORT_FORMATS = ("ttl", "jsonld", "nt", "nq", "trig", "rdfxml")


@click.command("export", short_help="Write the graph as Turtle, JSON-LD, N-Triples, N-Quads, TriG or RDF/XML.")
@output_options(
    EXPORT_FORMATS,
    None,
    help="Output format: ttl (default), jsonld, nt, nq, trig, rdfxml (aliases: turtle, json-ld, "
    "ntriples, nquads, rdf-xml), or the one -o FILE's extension names; jsonld is the default for "
    "--profile schema-org.",
)
@source_options
@click.option("--expanded", is_flag=True, help="With --format jsonld: expanded JSON-LD instead of compacted.")
@click.option(
    "--profile",
    type=click.Choice(formats.PROFILES),
    default=None,
    help="Export a view: dcat-ap (DCAT-AP 3 catalogue) or schema-org (schema.org types, for web pages).",
)
@click.option(
    "--all",
    "all_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    metavar="DIR",
    help="Write every format and profile into DIR, with README.md (sizes, triple counts, SHA-256) and VERSION.",
)
def export(
    format_: str | None,
    output: Path | None,
    root: Path | None,
    data: tuple[Path, ...],
    infer: str | None,
    expanded: bool,
    profile: str | None,
    all_dir: Path | None,
    endpoint=None,
) -> None:
    """Export the graph (ontology, vocabularies and catalogue data), byte-for-byte reproducibly.

    The same graph always gives the same bytes: triples are sorted, blank nodes get
    canonical labels, nothing depends on the run. JSON-LD is compacted with the project
    context (ontology/context.jsonld), embedded inline; no remote context is ever fetched.
    N-Quads and TriG put the triples in the named graph https://w3id.org/kzgraph/graph.
    -o writes atomically: a failed export never leaves a partial file; --all replaces the
    set of files in DIR at once.

    \b
    Example:
      kzgraph export > kzgraph.ttl
      kzgraph export --format jsonld -o kzgraph.jsonld
      kzgraph export --format nt --infer owlrl -o kzgraph-inferred.nt
      kzgraph export --profile dcat-ap -o kzgraph-dcat-ap.ttl
      kzgraph export --profile schema-org
      kzgraph export --all dist/
      kzgraph export -o kzgraph.nt --endpoint http://127.0.0.1:7878/query
    """
    from kzgraph import export as ex
    from kzgraph.export import profiles
    from kzgraph.load import load_catalogue
    from kzgraph.paths import resolve_layout

    if all_dir is not None:
        given = [name for name, value in (("--format", format_), ("-o", output), ("--profile", profile)) if value]
        if expanded:
            given.append("--expanded")
        if given:
            raise UsageError(f"--all writes every format and profile; drop {', '.join(given)}")
    if expanded and (format_ or "jsonld") != "jsonld":
        raise UsageError("--expanded applies to JSON-LD only; use --format jsonld")
    if expanded and profile == "schema-org":
        format_ = "jsonld"
    fmt = format_ or ("jsonld" if profile == "schema-org" or expanded else "ttl")

    layout = resolve_layout(root)
    if endpoint is not None:
        # the server's graph, whole (the count is checked: a server that cuts results fails)
        catalogue = open_from_options(root, data, endpoint, infer=infer).local_copy()
    else:
        # Export reads the quads only: from the parse cache, no store is filled.
        catalogue = load_catalogue(layout, extra=data, store=False)
        if infer:
            from kzgraph import reason

            catalogue = reason.infer(catalogue, infer, root=root)
    # Without --infer, the sorted N-Triples lines come straight from the catalogue's text.
    lines = None if infer or endpoint is not None else ex.catalogue_lines(catalogue)
    if lines is not None and all_dir is None and profile is None and fmt in ex.LINE_FORMATS and not expanded:
        ctx = ex.context_for(layout) if fmt == "jsonld" else None
        _emit(ex.serialize_lines(lines, fmt, context=ctx), output)
        return
    if lines is not None:
        triples = ex.triples_from_lines(lines)
    else:
        triples = ex.prepare(ex.catalogue_triples(catalogue))

    if all_dir is not None:
        context = ex.context_for(layout)
        views = {name: ex.prepare(profiles.view(triples, name)) for name in formats.PROFILES}
        files = ex.build_all(triples, views, context, inferred=infer)
        ex.write_all(files, all_dir)
        click.echo(f"wrote {len(files)} files to {all_dir}", err=True)
        return

    if profile is not None:
        triples = ex.prepare(profiles.view(triples, profile))
    ctx = None
    if fmt == "jsonld" and not expanded:
        ctx = ex.SCHEMA_CONTEXT if profile == "schema-org" else ex.context_for(layout)
    _emit(ex.serialize(triples, fmt, context=ctx, expanded=expanded), output)


def _emit(data: bytes, output: Path | None) -> None:
    """Write ``data`` to stdout, or atomically to ``output``."""
    from kzgraph import export as ex

    if output is None:
        stream = click.get_binary_stream("stdout")
        stream.write(data)
        stream.flush()
    else:
        ex.write_output(data, output)
