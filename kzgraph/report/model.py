"""What a report is made of: charts with their data, text and images (no engine imports)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# chart name -> the named query behind it (file names of the outputs are the chart names)
CHART_QUERIES = {
    "topic-language": "report-topic-language",
    "methodology": "report-methodology",
    "transparency-score": "report-score-groups",
    "data-access": "report-data-access",
    "sdg5": "report-sdg5",
    "timeline": "report-timeline",
    "coverage": "report-coverage",
}
CHART_NAMES = tuple(CHART_QUERIES)


@dataclass
class Table:
    """The numbers behind a chart, for people and screen readers: one header row, row headers."""

    caption: str
    columns: list[str]
    rows: list[list[str]]  # the first cell of each row is its header (th scope="row")


@dataclass
class Chart:
    """One chart: its query's rows, the marks it draws, its text, and (after drawing) its images."""

    name: str
    query: str
    title: str
    takeaway: str
    alt: str
    table: Table
    csv: bytes
    # mark id (the SVG element id) -> the number it shows; one mark per query row (or per
    # aggregate the chart draws), so tests can compare the drawing with the query
    marks: dict[str, float]
    # everything the drawing function needs (labels, values, order), in the report language
    spec: dict[str, Any] = field(default_factory=dict)
    svg: str = ""  # the SVG document (no XML declaration), ids prefixed with the chart name
    png: bytes = b""

    @property
    def svg_inline(self) -> str:
        """The SVG element as it goes inside an HTML page."""
        return self.svg


@dataclass
class Report:
    """All charts in one interface language."""

    lang: str
    title: str
    intro: str
    charts: list[Chart]
    notes: list[str] = field(default_factory=list)  # how the numbers are made, one paragraph each
    version: str = ""

    def chart(self, name: str) -> Chart:
        return next(c for c in self.charts if c.name == name)
