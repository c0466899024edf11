"""`kzgraph report`: charts of where the catalogue finds gender data about Kazakhstan thin.

Seven charts, each computed by one named query (``kzgraph/queries/report-*.rq``; chart 3
joins its query with the ``transparency-score`` query's scores), each with a takeaway
sentence computed from the data, alt text, a table of its numbers and the query's rows as
CSV. Interface text is in en/ru/kk (the shared gettext catalogue), concept labels come from
the graph's own labels.

For callers (the site, the CLI)::

    from kzgraph import report
    rep = report.build(catalogue, "kk")          # a Report: rep.charts[i].svg / .png / .csv / ...
    html = report.render_html(rep)               # the standalone page (inline SVG)
    report.write(rep, Path("out"))               # report.html, report.md, <chart>.svg/.png/.csv

`build` renders with matplotlib (imported there, not at import time); the same graph gives
the same bytes on every run.
"""

from __future__ import annotations

from kzgraph.report.model import CHART_NAMES, Chart, Report, Table
from kzgraph.report.output import render_html, render_markdown, write


def build(target, lang: str = "en", *, png: bool = True) -> Report:
    """Compute and draw every chart for ``lang`` (en, ru or kk) from a catalogue or store.

    ``png=False`` leaves the PNG images out (``Chart.png`` is empty): enough for HTML.
    """
    from kzgraph.i18n import check_language
    from kzgraph.report import data, draw

    check_language(lang)
    report = data.compute(target, lang)
    draw.render(report, png=png)
    return report


__all__ = ["CHART_NAMES", "Chart", "Report", "Table", "build", "render_html", "render_markdown", "write"]
