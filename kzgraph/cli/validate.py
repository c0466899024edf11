"""kzgraph validate: check the graph against the SHACL shapes, one line per problem."""

from __future__ import annotations

import json
from pathlib import Path

import click

from kzgraph.cli.options import (
    source_options,
    SECONDS,
    display_width,
    open_from_options,
    output_options,
    pager_option,
)

REPORT_FORMATS = ("text", "json", "turtle")
SEVERITY_LEVELS = ("violation", "warning", "info")


@click.command("validate")
@source_options
@output_options(
    REPORT_FORMATS,
    "text",
    help="Report format: text (file:line per problem), json, or turtle (the SHACL validation report graph).",
)
@click.option("--strict", is_flag=True, help="Fail (exit 1) on warnings too, not only on violations.")
@click.option(
    "--severity",
    type=click.Choice(SEVERITY_LEVELS, case_sensitive=False),
    default=None,
    help="List problems of this severity and above (default: warning; infos are the open curation "
    "flags). The summary always counts everything.",
)
@click.option("-q", "--quiet", is_flag=True, help="List violations only, then the summary (--severity violation).")
@click.option(
    "--standalone",
    is_flag=True,
    help="With FILES: validate them with the ontology and vocabularies only, without data/.",
)
@pager_option
@click.option(
    "--timeout", type=SECONDS, default=None, metavar="SECONDS",
    help="Stop after SECONDS (loading, reasoning and validation run in a child process that is killed).",
)
@click.argument("files", nargs=-1, type=click.Path(path_type=Path))
def validate(
    root: Path | None,
    data: tuple[Path, ...],
    infer: str | None,
    format_: str,
    strict: bool,
    severity: str | None,
    quiet: bool,
    standalone: bool,
    output: Path | None,
    files: tuple[Path, ...],
    endpoint=None,
    timeout: float | None = None,
) -> None:
    """Validate the ontology, vocabularies and data against the SHACL shapes.

    With FILES (files or folders, inside data/ or new ones), the whole catalogue
    plus those files is validated, and only problems on nodes described in FILES
    are reported (--standalone: FILES with the ontology and vocabularies only,
    for a graph that stands on its own). Each problem is reported as
    path:line: severity: message (focus node, property, offending value) on the
    line of the offending triple, grouped by file. Exit code 0 when there is no violation (warnings
    fail only with --strict), 1 when there are violations, 2 when a file does not
    parse or the shapes are malformed. The text report starts with the summary
    and lists violations and warnings (--severity info adds the open curation
    flags; --quiet lists violations only). With --endpoint, the graph on the server
    is fetched (one CONSTRUCT) and validated here with the same shapes; problems
    name the node, as there is no file and line.

    \b
    Example:
      kzgraph validate
      kzgraph validate --quiet
      kzgraph validate data/entries/paperlab.ttl --severity info
      kzgraph validate --standalone my-graph.ttl
      kzgraph validate --strict --format json -o report.json
      kzgraph validate --endpoint http://127.0.0.1:7878/query
    """
    import sys

    from kzgraph import deadline
    from kzgraph.output import write_file

    if timeout is None and sys.stdin.isatty() and sys.stderr.isatty():
        # Ctrl-C does not stop a SHACL-SPARQL constraint inside pyoxigraph; a child process can be killed
        timeout = deadline.NO_DEADLINE
    if quiet and severity not in (None, "violation"):
        from kzgraph.errors import UsageError

        raise UsageError(f"--quiet lists violations only; it cannot be combined with --severity {severity}")
    text, summary, code = deadline.run(
        lambda: _validate(root, data, infer, format_, strict, standalone, files, endpoint, severity, quiet),
        timeout, "validation", "raise --timeout, or look for a costly SHACL-SPARQL constraint or --infer",
    )
    if output is not None:
        write_file(output, text.encode("utf-8"))
        click.echo(summary, err=True)
    else:
        from kzgraph.cli.query import write_output

        if format_.lower() not in ("json", "turtle", "ttl"):
            # on a terminal (or with $COLUMNS) a long result wraps under its own text, the
            # file:line: at the start of its first line; a pipe gets one result per line
            from kzgraph.tables import wrap_text

            text = wrap_text(text, display_width(None), indent_after="    ")
        write_output(text.encode("utf-8"), None)
    if code:
        click.get_current_context().exit(code)


def _validate(root, data, infer, format_, strict, standalone, files, endpoint, severity=None,
              quiet=False) -> tuple[str, str, int]:
    """Load, validate and render: return the report text, its summary line and the exit code."""
    from kzgraph.load import expand_inputs, load_catalogue, load_files, load_shapes
    from kzgraph.paths import resolve_layout
    from kzgraph.validate import validate as run_validation

    layout = resolve_layout(root)
    named = expand_inputs(files) if files else []
    if endpoint is not None:
        if files or standalone:
            from kzgraph.errors import UsageError

            raise UsageError("FILES and --standalone check local files; with --endpoint the server's graph is validated")
        catalogue = open_from_options(root, data, endpoint).local_copy()
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
        catalogue, shapes, infer=infer, axioms=layout.axioms_file if infer else None,
        data_dir=None if endpoint is not None else layout.data_dir,
    )
    if named:
        report = report.only_files(named)
    threshold = "violation" if quiet else (severity or "warning").lower()
    shown = [r for r in report.results if _rank(r.severity) <= SEVERITY_LEVELS.index(threshold)]

    format_ = "turtle" if format_.lower() == "ttl" else format_.lower()
    if format_ == "json":
        from kzgraph.query.documents import validate_document

        doc = validate_document(report, shown if severity or quiet else None, strict=strict)
        text = json.dumps(doc, ensure_ascii=False, indent=2) + "\n"
    elif format_ == "turtle":
        text = _turtle(report.graph)
    else:
        text = render_text(report, shown, hint=not quiet)
    return text, report.summary(), report.exit_code(strict=strict)


def _rank(severity: str) -> int:
    """0 violation, 1 warning, 2 info; a shape's own severity IRI counts as an info."""
    level = severity.lower()
    return SEVERITY_LEVELS.index(level) if level in SEVERITY_LEVELS else len(SEVERITY_LEVELS) - 1


def render_text(report, results=None, hint: bool = True) -> str:
    """Return the human report: the one-line summary, then ``results`` grouped by file.

    ``results`` defaults to every result; when some are left out, a last line says how many and
    how to list them (unless ``hint`` is false).
    """
    from kzgraph.paths import display_path
    from kzgraph.validate import compact, compact_path, compact_value

    results = report.results if results is None else results
    lines: list[str] = [report.summary()]
    current: object = object()
    for result in results:
        where_file = result.location.path if result.location else None
        if where_file != current:
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
    left_out = len(report.results) - len(results)
    if left_out and hint:
        levels = sorted({_rank(r.severity) for r in report.results} - {_rank(r.severity) for r in results})
        lowest = SEVERITY_LEVELS[max(levels)] if levels else "info"
        lines += ["", f"{left_out} more not listed: kzgraph validate --severity {lowest} lists them"]
    return "\n".join(lines) + "\n"


def _compact_message(message: str) -> str:
    import re

    from kzgraph.validate import compact

    message = " ".join(message.split())
    return re.sub(r"(?<![<\w])(https?://[^\s,;()<>\"]+[^\s,;()<>\".:])", lambda m: compact(m[1]), message)


def _turtle(graph) -> str:
    from kzgraph import iris

    graph.bind("sh", iris.SH, override=True)
    for name in ("kzg", "id", "rdfs", "xsd", "skos", "dcterms", "dcat", "org", "foaf", "prov", "schema"):
        graph.bind(name, iris.PREFIXES[name], override=True)
    graph.bind("kzs", "https://w3id.org/kzgraph/shapes#", override=True)
    return graph.serialize(format="turtle")
