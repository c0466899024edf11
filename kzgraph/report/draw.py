"""Draw the report's charts with matplotlib, to SVG and PNG, the same bytes on every run.

Determinism: no pyplot (a bare `Figure` per chart, no global state), the Agg and SVG
backends only, the DejaVu Sans font that ships inside matplotlib (it covers Cyrillic with
the Kazakh letters), ``svg.hashsalt`` and ``svg.id`` fixed, no Date/Creator metadata in the
SVG and no Software entry in the PNG, text drawn as paths (``svg.fonttype: path``) so the
SVG looks the same without the font installed. Every mark a test counts has an SVG id made
from the data (``<chart>-<row>-...``); every other id is prefixed with the chart name, so
several charts can sit in one HTML page.

Colours: the Okabe-Ito palette (safe for the common colour-vision deficiencies), with
numbers printed on the marks so that nothing depends on colour alone.
"""

from __future__ import annotations

import io
import re
import textwrap
from kzgraph.errors import RuntimeFailure
from kzgraph.report.model import Chart, Report

FONT = "DejaVu Sans"  # ships inside matplotlib (mpl-data/fonts/ttf/DejaVuSans.ttf)
DPI = 100
WIDTH = 9.0  # inches

# Okabe & Ito (2008), "Color universal design"
BLUE, SKY, GREEN, YELLOW, ORANGE, VERMILLION, PURPLE, GREY = (
    "#0072B2", "#56B4E9", "#009E73", "#F0E442", "#E69F00", "#D55E00", "#CC79A7", "#BBBBBB")
STATUS_COLOURS = {"available": BLUE, "partial": SKY, "unclear": YELLOW, "not-available": VERMILLION,
                  "not-stated": GREY}
DARK_TEXT_ON = {SKY, YELLOW, GREY, ORANGE}
INK = "#222222"

RC = {
    "font.family": "sans-serif",
    "font.sans-serif": [FONT],
    "font.size": 9,
    "svg.fonttype": "path",
    "svg.hashsalt": "kzgraph-report",
    "path.simplify": False,
    "axes.edgecolor": "#666666",
    "axes.labelcolor": INK,
    "text.color": INK,
    "xtick.color": INK,
    "ytick.color": INK,
    "axes.titleweight": "bold",
    "axes.titlesize": 10,
    "figure.dpi": DPI,
    "savefig.dpi": DPI,
    "hatch.color": "#444444",
}


def _matplotlib():
    try:
        import matplotlib
    except ImportError:  # pragma: no cover - a dependency; say how to get it
        raise RuntimeFailure("kzgraph report needs matplotlib: pip install 'matplotlib>=3.11,<3.12'") from None
    matplotlib.use("Agg", force=False)
    return matplotlib


DRAWERS = {
    "topic-language": "_heatmap",
    "methodology": "_methodology",
    "transparency-score": "_scores",
    "data-access": "_data_access",
    "sdg5": "_heatmap",
    "timeline": "_timeline",
    "coverage": "_coverage",
}


def render(report: Report, *, png: bool = True) -> None:
    """Draw every chart of ``report`` in place (``svg``, and ``png`` unless told not to).

    Charts are independent, so on a machine with two or more cores they are drawn in two
    forked worker processes (matplotlib is single-threaded; the output does not depend on
    which process drew a chart). ``KZGRAPH_REPORT_JOBS=1`` draws them all in this process.
    """
    import os

    _matplotlib()
    from matplotlib import figure  # noqa: F401 - imported once here, inherited by the workers

    jobs = [(chart, png) for chart in report.charts]
    workers = min(2, os.cpu_count() or 1, len(jobs))
    if os.environ.get("KZGRAPH_REPORT_JOBS", "").strip() == "1":
        workers = 1
    drawn = None
    if workers > 1:
        import multiprocessing

        try:
            context = multiprocessing.get_context("fork")
        except ValueError:  # no fork on this platform: draw here
            context = None
        if context is not None:
            with context.Pool(workers) as pool:
                drawn = pool.map(_draw, jobs, chunksize=1)
    if drawn is None:
        drawn = [_draw(job) for job in jobs]
    for chart, (svg, image) in zip(report.charts, drawn):
        chart.svg, chart.png = svg, image


def _draw(job: tuple[Chart, bool]) -> tuple[str, bytes]:
    """One chart's SVG text and PNG bytes."""
    mpl = _matplotlib()
    from matplotlib.figure import Figure

    chart, png = job
    with mpl.rc_context({**RC, "svg.id": f"{chart.name}-svg"}):
        fig = Figure(layout="constrained")
        fig.get_layout_engine().set(w_pad=0.1, h_pad=0.08)
        globals()[DRAWERS[chart.name]](fig, chart)
        fig.suptitle(chart.title, fontsize=12, fontweight="bold", x=0.01, ha="left")
        svg = _svg(fig, chart)
        # the layout is done: drawing the PNG need not compute it again
        fig.set_layout_engine("none")
        return svg, (_png(fig) if png else b"")


def _svg(fig, chart: Chart) -> str:
    buf = io.BytesIO()
    fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None})
    text = buf.getvalue().decode("utf-8")
    text = text[text.index("<svg"):]  # no XML declaration or DOCTYPE: the same text is inlined in HTML
    # no RDF metadata block either: its prefixed elements are not valid inside HTML
    text = re.sub(r"\s*<metadata>.*?</metadata>", "", text, count=1, flags=re.S)
    return _prefix_ids(text, chart.name)


def _png(fig) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", metadata={"Software": None})
    return buf.getvalue()


_ID = re.compile(r'(\bid="|xlink:href="#|href="#|url\(#)([^")]+)')


def _prefix_ids(svg: str, name: str) -> str:
    """Prefix every id (and reference to one) not already made from the data with the chart name."""
    prefix = f"{name}-"

    def sub(m: re.Match) -> str:
        ident = m.group(2)
        return m.group(0) if ident.startswith(prefix) else f"{m.group(1)}{prefix}{ident}"

    return _ID.sub(sub, svg)


def _wrap(text: str, width: int) -> str:
    return "\n".join(textwrap.wrap(text, width, break_long_words=False)) or text


def _text_colour(face: str) -> str:
    return INK if face in DARK_TEXT_ON or face.startswith("#f") or face.startswith("#e") else "white"


# ---------------------------------------------------------------- heatmaps (charts 1 and 5)


def _shade(base: tuple[float, float, float], value: int, top: int) -> str:
    """A light-to-full shade of ``base`` for ``value`` in 0..top (0: white)."""
    if value <= 0 or top <= 0:
        return "#ffffff"
    t = 0.25 + 0.75 * min(value / top, 1.0)
    r, g, b = (1 - t * (1 - c) for c in base)
    return "#%02x%02x%02x" % (round(r * 255), round(g * 255), round(b * 255))


def _rgb(hex_colour: str) -> tuple[float, float, float]:
    return tuple(int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5))  # type: ignore[return-value]


def _heatmap(fig, chart: Chart) -> None:
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch, Rectangle

    spec = chart.spec
    rows, languages = spec["rows"], spec["languages"]
    n = len(rows)
    fig.set_size_inches(WIDTH, 1.6 + 0.26 * n)
    ax = fig.add_subplot()
    top = max([1] + [c[k] for r in rows for c in r["cells"].values() for k in ("primary", "occasional")])
    top_entries = max([1] + [r["entries"] for r in rows])
    blue, orange, grey = _rgb(BLUE), _rgb(ORANGE), _rgb("#555555")
    # columns: x 0 = entries; each language a pair (primary, occasional) after a gap
    x_pairs = {code: 1.3 + i * 2.2 for i, (code, _l) in enumerate(languages)}
    zeros: list[tuple[float, float]] = []  # cells with no entry: a small dot instead of a "0"
    for y, row in enumerate(rows):
        if row["level"] <= 1:  # top-level topics (and the all-entries row) on a light band
            ax.add_patch(Rectangle((-0.5, y - 0.5), 1.3 + 2.2 * len(languages), 1.0, facecolor="#f2f2f2",
                                   edgecolor="none", zorder=0))
        face = _shade(grey, row["entries"], top_entries)
        ax.add_patch(Rectangle((-0.45, y - 0.42), 0.9, 0.84, facecolor=face, edgecolor="#999999",
                               linewidth=0.5, gid=f"{row['id']}-entries", zorder=1))
        ax.text(0, y, str(row["entries"]), ha="center", va="center", fontsize=8,
                color="white" if face != "#ffffff" and row["entries"] > top_entries * 0.5 else INK, zorder=2)
        for code, _label in languages:
            cell = row["cells"].get(code, {"primary": 0, "occasional": 0})
            for j, (kind, base) in enumerate((("primary", blue), ("occasional", orange))):
                value = cell[kind]
                face = _shade(base, value, top)
                x = x_pairs[code] + j
                ax.add_patch(Rectangle((x - 0.45, y - 0.42), 0.9, 0.84, facecolor=face, edgecolor="#999999",
                                       linewidth=0.5, gid=f"{row['id']}-{code}-{kind}", zorder=1))
                if value == 0:
                    zeros.append((x, y))
                    continue
                ax.text(x, y, str(value), ha="center", va="center", fontsize=8,
                        color=INK if value <= top * 0.55 else "white", zorder=2)
    if zeros:
        ax.plot([x for x, _y in zeros], [y for _x, y in zeros], linestyle="none", marker="o", markersize=2,
                color="#999999", zorder=2)
    ax.set_xlim(-0.6, x_pairs[languages[-1][0]] + 1.6 if languages else 1)
    ax.set_ylim(n - 0.5, -0.5)
    ax.set_yticks(range(n), [_wrap(r["label"], 46) for r in rows], fontsize=8)
    for tick, row in zip(ax.get_yticklabels(), rows):
        if row["level"] <= 1:
            tick.set_fontweight("bold")
    ax.xaxis.tick_top()
    ax.set_xticks([0] + [x_pairs[c] + 0.5 for c, _l in languages],
                  [_wrap(spec["total_label"], 10)] + [_wrap(label, 12) for _c, label in languages], fontsize=8.5)
    ax.tick_params(length=0)
    for side in ("top", "right", "bottom", "left"):
        ax.spines[side].set_visible(False)
    fig.legend(handles=[Patch(facecolor=BLUE, label=spec["primary_label"]),
                        Patch(facecolor=ORANGE, label=spec["occasional_label"]),
                        Line2D([], [], linestyle="none", marker="o", markersize=2, color="#999999",
                               label=spec["none_label"])],
               loc="outside lower center", ncol=3, frameon=False, fontsize=8.5)


# ---------------------------------------------------------------- stacked bars (chart 2)


def _methodology(fig, chart: Chart) -> None:
    from matplotlib.patches import Patch
    from matplotlib.ticker import MaxNLocator

    spec = chart.spec
    groupings, aspects, statuses, counts = spec["groupings"], spec["aspects"], spec["statuses"], spec["counts"]
    heights = [max(1, len(groups)) for _g, _l, groups in groupings]
    fig.set_size_inches(WIDTH, 2.2 + 0.3 * sum(heights))
    axes = fig.subplots(len(groupings), len(aspects), sharex="col", squeeze=False,
                        gridspec_kw={"height_ratios": heights})
    xmax = max([1] + [sum(counts.get((gr, g, a, s), 0) for s, _l in statuses)
                      for gr, _gl, groups in groupings for g, _lab in groups for a, _al in aspects])
    for i, (grouping, grouping_label, groups) in enumerate(groupings):
        for j, (aspect, aspect_label) in enumerate(aspects):
            ax = axes[i][j]
            for y, (g, _label) in enumerate(groups):
                left = 0
                for status, _sl in statuses:
                    value = counts.get((grouping, g, aspect, status), 0)
                    if not value:
                        continue
                    colour = STATUS_COLOURS.get(status, PURPLE)
                    bar = ax.barh(y, value, left=left, height=0.72, color=colour, edgecolor="white", linewidth=0.6)
                    bar.patches[0].set_gid(f"{chart.name}-{grouping}-{g}-{aspect.replace(' ', '-')}-{status}")
                    ax.text(left + value / 2, y, str(value), ha="center", va="center", fontsize=7.5,
                            color=_text_colour(colour))
                    left += value
            ax.set_ylim(len(groups) - 0.5, -0.5)
            ax.set_xlim(0, xmax * 1.02)
            ax.xaxis.set_major_locator(MaxNLocator(integer=True))
            ax.set_yticks(range(len(groups)), [_wrap(label, 34) for _g, label in groups] if j == 0 else [],
                          fontsize=8)
            ax.tick_params(axis="y", length=0)
            ax.spines[["top", "right"]].set_visible(False)
            ax.set_title(f"{aspect_label} · {grouping_label}", fontsize=9.5, loc="left")
            if i == len(groupings) - 1:
                ax.set_xlabel(spec["x_label"])
            ax.grid(axis="x", color="#dddddd", linewidth=0.5)
            ax.set_axisbelow(True)
    fig.legend(handles=[Patch(facecolor=STATUS_COLOURS.get(s, PURPLE), label=label) for s, label in statuses],
               loc="outside lower center", ncol=len(statuses), frameon=False, fontsize=8.5)


# ---------------------------------------------------------------- dot plots (chart 3)


def _scores(fig, chart: Chart) -> None:
    from matplotlib.lines import Line2D

    spec = chart.spec
    groupings, points, medians = spec["groupings"], spec["points"], spec["medians"]
    # entries with the same score in one row are stacked across the row (a dot plot): each
    # panel's rows are tall enough for its largest stack
    stack = {}
    for grouping, _gl, groups in groupings:
        counts = [sum(1 for _e, s in points.get((grouping, g), []) if s == score)
                  for g, _l in groups for _e, score in points.get((grouping, g), [])]
        stack[grouping] = max([1] + counts)
    row_inches = {gr: max(0.34, 0.052 * stack[gr]) for gr in stack}
    heights = [max(1, len(groups)) * row_inches[gr] for gr, _l, groups in groupings]
    fig.set_size_inches(WIDTH, 1.6 + sum(heights))
    axes = fig.subplots(len(groupings), 1, sharex=True, squeeze=False, gridspec_kw={"height_ratios": heights})
    for i, (grouping, grouping_label, groups) in enumerate(groupings):
        ax = axes[i][0]
        step = min(0.2, 0.84 / max(1, stack[grouping] - 1))
        for y, (g, _label) in enumerate(groups):
            pts = points.get((grouping, g), [])
            same = {score: sum(1 for _e, s in pts if s == score) for _e, score in pts}
            seen: dict[float, int] = {}
            for entry, score in pts:
                k = seen.get(score, 0)
                seen[score] = k + 1
                offset = (k - (same[score] - 1) / 2) * step
                ax.plot([score], [y + offset], marker="o", markersize=5, color=BLUE, markeredgecolor="white",
                        markeredgewidth=0.5, linestyle="none", zorder=3, gid=f"{chart.name}-{grouping}-{g}-{entry}")
            if (grouping, g) in medians:
                m = medians[(grouping, g)]
                ax.plot([m, m], [y - 0.46, y + 0.46], color=VERMILLION, linewidth=1.6, zorder=2,
                        gid=f"{chart.name}-{grouping}-{g}-median")
        ax.set_ylim(len(groups) - 0.5, -0.5)
        ax.set_xlim(-0.03, 1.03)
        ax.set_yticks(range(len(groups)), [_wrap(label, 40) for _g, label in groups], fontsize=8)
        ax.tick_params(axis="y", length=0)
        ax.spines[["top", "right"]].set_visible(False)
        ax.grid(axis="x", color="#dddddd", linewidth=0.5)
        ax.set_axisbelow(True)
        ax.set_title(grouping_label, fontsize=9.5, loc="left")
    axes[-1][0].set_xlabel(spec["x_label"])
    fig.legend(handles=[Line2D([], [], marker="o", color=BLUE, linestyle="none", label=spec["entry_label"]),
                        Line2D([], [], color=VERMILLION, linewidth=2, label=spec["median_label"])],
               loc="outside lower center", ncol=2, frameon=False, fontsize=8.5)


# ---------------------------------------------------------------- dot matrix (chart 4)


def _data_access(fig, chart: Chart) -> None:
    from matplotlib.lines import Line2D

    spec = chart.spec
    entries, values, present = spec["entries"], spec["values"], set(map(tuple, spec["present"]))
    fig.set_size_inches(WIDTH, 2.4 + 0.4 * len(values))
    ax = fig.add_subplot()
    colours = {"format": BLUE, "gender disaggregation": PURPLE}
    for y, (aspect, value, _label) in enumerate(values):
        for x, (entry, _el) in enumerate(entries):
            if (entry, aspect, value) in present:
                ax.plot([x], [y], marker="o", markersize=11, color=colours.get(aspect, GREEN), linestyle="none",
                        gid=f"{chart.name}-{entry}-{value}")
    kinds = [a for a, _v, _l in values]
    for y in range(1, len(kinds)):
        if kinds[y] != kinds[y - 1]:
            ax.axhline(y - 0.5, color="#999999", linewidth=0.8)
    fig.legend(handles=[Line2D([], [], marker="o", markersize=9, linestyle="none", color=colours.get(a, GREEN),
                               label=label) for a, label in spec["aspects"]],
               loc="outside lower center", ncol=2, frameon=False, fontsize=8.5)
    ax.set_xlim(-0.6, len(entries) - 0.4)
    ax.set_ylim(len(values) - 0.5, -0.5)
    ax.set_yticks(range(len(values)), [_wrap(label, 40) for _a, _v, label in values], fontsize=8)
    ax.xaxis.tick_top()
    ax.set_xticks(range(len(entries)), [_wrap(label, 15) for _e, label in entries], fontsize=8)
    ax.tick_params(length=0)
    ax.grid(color="#e5e5e5", linewidth=0.5)
    ax.set_axisbelow(True)
    for side in ("top", "right", "bottom", "left"):
        ax.spines[side].set_visible(False)


# ---------------------------------------------------------------- timeline (chart 6)


def _timeline(fig, chart: Chart) -> None:
    from matplotlib.lines import Line2D

    spec = chart.spec
    items = spec["items"]
    fig.set_size_inches(WIDTH, 1.8 + 0.28 * max(1, len(items)))
    ax = fig.add_subplot()
    years = [y for i in items for y in (i["founded"], i["dissolved"]) if y is not None] or [2000]
    for y, item in enumerate(items):
        f, d = item["founded"], item["dissolved"]
        if f is not None and d is not None:
            ax.plot([f, d], [y, y], color="#777777", linewidth=2, zorder=1)
        if f is not None:
            ax.plot([f], [y], marker="o", markersize=7, color=BLUE, linestyle="none", zorder=2,
                    gid=f"{chart.name}-{item['id']}-founded")
            ax.text(f - 0.4, y, str(f), ha="right", va="center", fontsize=7.5, color="#444444")
        if d is not None:
            ax.plot([d], [y], marker="X", markersize=8, color=VERMILLION, linestyle="none", zorder=2,
                    gid=f"{chart.name}-{item['id']}-dissolved")
            ax.text(d + 0.4, y, str(d), ha="left", va="center", fontsize=7.5, color=VERMILLION)
    ax.set_xlim(min(years) - 3, max(years) + 3)
    _rows_and_years(ax, [i["label"] for i in items], spec["x_label"], fontsize=8)
    fig.legend(handles=[Line2D([], [], marker="o", color=BLUE, linestyle="none", label=spec["founded_label"]),
                        Line2D([], [], marker="X", color=VERMILLION, linestyle="none", label=spec["dissolved_label"])],
               loc="outside lower center", ncol=2, frameon=False, fontsize=8.5)


def _rows_and_years(ax, labels: list[str], x_label: str, fontsize: float) -> None:
    """One labelled row per item, top to bottom, over an axis of whole numbers (years, counts)."""
    from matplotlib.ticker import MaxNLocator

    ax.set_ylim(len(labels) - 0.5, -0.5)
    ax.set_yticks(range(len(labels)), [_wrap(label, 40) for label in labels], fontsize=fontsize)
    ax.tick_params(axis="y", length=0)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel(x_label)
    ax.grid(axis="x", color="#dddddd", linewidth=0.5)
    ax.set_axisbelow(True)
    ax.spines[["top", "right"]].set_visible(False)


# ---------------------------------------------------------------- bars (chart 7)


def _coverage(fig, chart: Chart) -> None:
    from matplotlib.patches import Patch

    spec = chart.spec
    places, kinds = spec["places"], spec["kinds"]
    fig.set_size_inches(WIDTH, 1.8 + 0.34 * max(1, len(places)))
    ax = fig.add_subplot()
    colours = {"country": GREEN, "region": ORANGE}
    for y, place in enumerate(places):
        n = len(place["entries"])
        bar = ax.barh(y, n, height=0.68, color=colours.get(place["kind"], PURPLE))
        bar.patches[0].set_gid(f"{chart.name}-{place['id']}")
        ax.text(n + 0.08, y, str(n), ha="left", va="center", fontsize=8)
    top = max([1] + [len(p["entries"]) for p in places])
    ax.set_xlim(0, top + 0.8)
    _rows_and_years(ax, [p["label"] for p in places], spec["x_label"], fontsize=8.5)
    used = [k for k in ("country", "region") if any(p["kind"] == k for p in places)]
    fig.legend(handles=[Patch(facecolor=colours[k], label=kinds[k]) for k in used],
               loc="outside lower center", ncol=2, frameon=False, fontsize=8.5)


def font_file() -> str:
    """The font file matplotlib resolves for the report (it must be the one inside matplotlib)."""
    mpl = _matplotlib()
    from matplotlib import font_manager

    with mpl.rc_context(RC):
        return font_manager.findfont(font_manager.FontProperties(family=[FONT]), fallback_to_default=False)

