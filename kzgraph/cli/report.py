"""`kzgraph report`: charts of where the catalogue finds gender data thin, as HTML, Markdown, SVG, PNG and CSV."""

from __future__ import annotations

from pathlib import Path

import click

from kzgraph.cli.options import data_option, labels_option, load_from_options, root_option

DEFAULT_DIR = "report"


@click.command("report", short_help="Draw the coverage-gap charts (topic x language, methodology, ...) as HTML, Markdown, SVG, PNG and CSV.")
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    default=Path(DEFAULT_DIR),
    show_default=True,
    metavar="DIR",
    help="Write the report into this folder (new, empty, or an earlier report, which is replaced).",
)
@labels_option
@root_option
@data_option
def report(output: Path, labels: str, root: Path | None, data: tuple[Path, ...]) -> None:
    """Draw seven charts of where gender data about Kazakhstan is thin.

    Topic x language, methodology and data-collection status, the
    transparency score, machine-readable formats and gender disaggregation,
    SDG 5 targets, founding and dissolution years, and countries and regions
    covered beyond Kazakhstan. Each chart is computed by a named query
    (kzgraph/queries/report-*.rq) and comes with a one-sentence takeaway,
    alt text and its table; titles, axes and takeaways follow --labels.

    DIR gets report.html (standalone, charts as inline SVG), report.md (with
    PNG images), and CHART.svg, CHART.png and CHART.csv (the query's rows) for
    each chart. The folder is written in full beside DIR and then renamed into
    place; the same graph gives the same bytes on every run.

    \b
    Example:
      kzgraph report
      kzgraph report -o report-kk --labels kk
    """
    from kzgraph import report as reporting
    from kzgraph.report.output import check_target

    check_target(output)  # before the work: a bad -o is a one-line error, nothing drawn
    catalogue = load_from_options(root, data)
    built = reporting.build(catalogue, labels)
    written = reporting.write(built, output)
    click.echo(f"wrote {len(written)} files to {output}/ (open {output / 'report.html'})")
