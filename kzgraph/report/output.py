"""The report as files: a standalone HTML page (inline SVG), Markdown with PNG images, CSV tables.

`write` builds the whole folder in a temporary folder beside the target and renames it into
place, so a reader sees the old report or the new one, never half of one.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path

from kzgraph.errors import UsageError
from kzgraph.i18n import LANGUAGE_NAMES, translator
from kzgraph.report.model import CHART_NAMES, Report

TEMPLATES = Path(__file__).resolve().parent / "templates"
HTML_NAME = "report.html"
MARKDOWN_NAME = "report.md"
# every file name a report folder may hold: a folder with anything else is not replaced
KNOWN_FILES = {HTML_NAME, MARKDOWN_NAME} | {f"{n}.{ext}" for n in CHART_NAMES for ext in ("svg", "png", "csv")}


@functools.lru_cache(maxsize=None)
def _environment():
    import jinja2

    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=jinja2.select_autoescape(["html"]),
        extensions=["jinja2.ext.i18n"],
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render_html(report: Report, *, standalone: bool = True, csv_href: str = "{name}.csv") -> str:
    """The report as HTML: a whole page, or (``standalone=False``) the ``<article>`` for a site page.

    ``csv_href`` is where each chart's CSV is linked from (``{name}`` is the chart name).
    """
    env = _environment()
    env.install_gettext_translations(translator(report.lang), newstyle=True)
    template = env.get_template("report.html")
    return template.render(report=report, standalone=standalone, csv_href=csv_href,
                           language_name=LANGUAGE_NAMES[report.lang])


def render_markdown(report: Report, *, image_href: str = "{name}.png", csv_href: str = "{name}.csv") -> str:
    """The report as Markdown with PNG images (paths relative to the Markdown file)."""
    _ = translator(report.lang).gettext
    out = [f"# {report.title}", "", report.intro, ""]
    for chart in report.charts:
        out += [f"## {chart.title}", "", f"**{chart.takeaway}**", "",
                f"![{_md_text(chart.alt)}]({image_href.format(name=chart.name)})", ""]
        table = chart.table
        out.append("| " + " | ".join(_md_cell(c) for c in table.columns) + " |")
        out.append("|" + "|".join(["---"] + ["---:" if _numeric(table, i) else "---"
                                             for i in range(1, len(table.columns))]) + "|")
        for row in table.rows:
            out.append("| " + " | ".join(_md_cell(c) for c in row) + " |")
        out += ["", _("Table: %(caption)s. Query: `kzgraph query -n %(query)s`; data: [%(file)s](%(href)s).")
                % {"caption": table.caption, "query": chart.query, "file": f"{chart.name}.csv",
                   "href": csv_href.format(name=chart.name)}, ""]
    out += [f"## {_('How the numbers are made')}", ""] + [f"- {note}" for note in report.notes] + [""]
    return "\n".join(out)


def _md_cell(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def _md_text(text: str) -> str:
    return text.replace("[", "(").replace("]", ")").replace("\n", " ")


def _numeric(table, column: int) -> bool:
    cells = [row[column] for row in table.rows if column < len(row) and row[column]]
    return bool(cells) and all(c.replace(".", "", 1).isdigit() for c in cells)


def files(report: Report) -> dict[str, bytes]:
    """Every file of the report folder, by name."""
    out: dict[str, bytes] = {
        HTML_NAME: render_html(report).encode("utf-8"),
        MARKDOWN_NAME: render_markdown(report).encode("utf-8"),
    }
    for chart in report.charts:
        out[f"{chart.name}.csv"] = chart.csv
        out[f"{chart.name}.svg"] = ('<?xml version="1.0" encoding="utf-8" standalone="no"?>\n' + chart.svg).encode("utf-8")
        if chart.png:
            out[f"{chart.name}.png"] = chart.png
    return out


def check_target(out_dir: Path) -> None:
    """Refuse a target that is not a folder kzgraph may replace (a file, a link, someone's folder)."""
    if out_dir.is_symlink():
        raise UsageError(f"cannot write the report to {out_dir}: it is a symbolic link; give another -o DIR")
    if out_dir.exists():
        if not out_dir.is_dir():
            raise UsageError(f"cannot write the report to {out_dir}: it exists and is not a folder; give another -o DIR")
        foreign = sorted(p.name for p in out_dir.iterdir() if p.name not in KNOWN_FILES)
        if foreign:
            raise UsageError(
                f"cannot write the report to {out_dir}: the folder holds files that are not a kzgraph report "
                f"({foreign[0]}{', ...' if len(foreign) > 1 else ''}); give an empty or new -o DIR"
            )
    parent = out_dir.parent if str(out_dir.parent) else Path(".")
    if not parent.is_dir():
        raise UsageError(f"cannot write the report to {out_dir}: the folder {parent} does not exist")
    # the report is written beside DIR and renamed: find out now whether that is possible
    import tempfile

    try:
        os.rmdir(tempfile.mkdtemp(prefix=f".{out_dir.name}.", suffix=".probe", dir=parent))
    except OSError as err:
        raise UsageError(f"cannot write the report to {out_dir}: {err.strerror or err}") from None


def write(report: Report, out_dir: str | Path) -> list[Path]:
    """Write the report folder atomically (kzgraph.output.write_folder); return the files written."""
    from kzgraph.output import write_folder

    out_dir = Path(out_dir)
    check_target(out_dir)
    content = files(report)
    write_folder(out_dir, content)
    return [out_dir / name for name in sorted(content)]
