"""kzgraph validate: check the graph against the SHACL shapes, one line per problem."""

from __future__ import annotations

import json
from pathlib import Path

import click

from kzgraph.cli.options import (
    data_option,
    display_width,
    endpoint_option,
    infer_option,
    make_engine,
    output_option,
    pager_option,
    root_option,
)

REPORT_FORMATS = ("text", "json", "turtle")


@click.command("validate")
@root_option
@data_option
@infer_option
@click.option(
    "--format",
    "format_",
    type=click.Choice(REPORT_FORMATS + ("ttl",), case_sensitive=False),
    default="text",
    show_default=True,
    help="Report format: text (file:line per problem), json, or turtle (the SHACL validation report graph).",
)
@click.option("--strict", is_flag=True, help="Fail (exit 1) on warnings too, not only on violations.")
@click.option(
    "--standalone",
    is_flag=True,
    help="With FILES: validate them with the ontology and vocabularies only, without data/.",
)
@output_option
@pager_option
@endpoint_option
@click.argument("files", nargs=-1, type=click.Path(path_type=Path))
def validate(
    root: Path | None,
    data: tuple[Path, ...],
    infer: str | None,
    format_: str,
    strict: bool,
    standalone: bool,
    output: Path | None,
    files: tuple[Path, ...],
    endpoint=None,
) -> None:
    """Validate the ontology, vocabularies and data against the SHACL shapes.

    With FILES (files or folders, inside data/ or new ones), the whole catalogue
    plus those files is validated, and only problems on nodes described in FILES
    are reported (--standalone: FILES with the ontology and vocabularies only,
    for a graph that stands on its own). Each problem is reported as
    path:line: severity: message (focus node, property, offending value), grouped
    by file, then a summary. Exit code 0 when there is no violation (warnings
    fail only with --strict), 1 when there are violations, 2 when a file does not
    parse or the shapes are malformed. With --endpoint, the graph on the server
    is fetched (one CONSTRUCT) and validated here with the same shapes; problems
    name the node, as there is no file and line.

    \b
    Example:
      kzgraph validate
      kzgraph validate data/entries/paperlab.ttl
      kzgraph validate --standalone my-graph.ttl
      kzgraph validate --strict --format json -o report.json
      kzgraph validate --endpoint http://127.0.0.1:7878/query
    """
    from kzgraph.atomic import write_atomically
    from kzgraph.loader import expand_inputs, load_catalogue, load_files, load_shapes
    from kzgraph.paths import resolve_layout
    from kzgraph.shacl import validate as run_validation

    layout = resolve_layout(root)
    named = expand_inputs(files) if files else []
    if endpoint is not None:
        if files or standalone:
            from kzgraph.errors import UsageError

            raise UsageError("FILES and --standalone check local files; with --endpoint the server's graph is validated")
        from kzgraph.remote import fetch_catalogue

        catalogue = fetch_catalogue(make_engine(root, data, endpoint))
    elif standalone:
        if not named:
            from kzgraph.errors import UsageError

            raise UsageError("--standalone needs FILES to validate")
        base = [layout.ontology_file, *sorted(layout.vocab_dir.glob("*.ttl"))]
        catalogue = load_files([*base, *named, *data])
        named = []  # everything loaded is reported
    else:
        catalogue = load_catalogue(layout, extra=[*data, *named])
    shapes = load_shapes(layout)
    if not shapes.files:
        from kzgraph.errors import InputError

        raise InputError(f"no SHACL shapes found in {layout.shapes_dir}; check --root")
    report = run_validation(
        catalogue, shapes, infer=infer, axioms=layout.axioms_file if infer else None
    )
    if named:
        report = report.only_files(named)

    format_ = "turtle" if format_.lower() == "ttl" else format_.lower()
    if format_ == "json":
        text = json.dumps(
            {
                # the standard SHACL sh:conforms (false with any result, warnings included);
                # "passes" follows the exit code: no violation (and, with --strict, no warning)
                "conforms": report.conforms,
                "passes": report.exit_code(strict=strict) == 0,
                "summary": {
                    "violations": report.count("Violation"),
                    "warnings": report.count("Warning"),
                    "infos": report.count("Info"),
                    "files": len(report.files),
                    "text": report.summary(),
                },
                "results": [r.to_dict() for r in report.results],
            },
            ensure_ascii=False,
            indent=2,
        ) + "\n"
    elif format_ == "turtle":
        text = _turtle(report.graph)
    else:
        text = render_text(report)

    if output is not None:
        write_atomically(output, text.encode("utf-8"))
        click.echo(report.summary(), err=True)
    else:
        from kzgraph.cli.query import write_output

        if format_ not in ("json", "turtle"):
            # on a terminal (or with $COLUMNS) a long result wraps under its own text, the
            # file:line: at the start of its first line; a pipe gets one result per line
            from kzgraph.tables import wrap_text

            text = wrap_text(text, display_width(None), indent_after="    ")
        write_output(text.encode("utf-8"), None)
    code = report.exit_code(strict=strict)
    if code:
        click.get_current_context().exit(code)


def render_text(report) -> str:
    """Return the human report: results grouped by file, then the one-line summary."""
    from kzgraph.paths import display_path
    from kzgraph.shacl import compact, compact_path, compact_value

    lines: list[str] = []
    current: object = object()
    for result in report.results:
        where_file = result.location.path if result.location else None
        if where_file != current:
            if lines:
                lines.append("")
            current = where_file
        where = f"{display_path(result.location.path)}:{result.location.line}" if result.location else "(no file)"
        detail = [compact(result.focus)]
        if result.path:
            detail.append(compact_path(result.path))
        if result.value:
            detail.append(compact_value(result.value))
        message = _compact_message(result.message)
        lines.append(f"{where}: {result.severity.lower()}: {message} ({', '.join(detail)})")
    if lines:
        lines.append("")
    lines.append(report.summary())
    return "\n".join(lines) + "\n"


def _compact_message(message: str) -> str:
    import re

    from kzgraph.shacl import compact

    message = " ".join(message.split())
    return re.sub(r"(?<![<\w])(https?://[^\s,;()<>\"]+[^\s,;()<>\".:])", lambda m: compact(m[1]), message)


def _turtle(graph) -> str:
    from kzgraph import iris

    graph.bind("sh", iris.SH, override=True)
    for name in ("kzg", "id", "rdfs", "xsd", "skos", "dcterms", "dcat", "org", "foaf", "prov", "schema"):
        graph.bind(name, iris.PREFIXES[name], override=True)
    graph.bind("kzs", "https://w3id.org/kzgraph/shapes#", override=True)
    return graph.serialize(format="turtle")
