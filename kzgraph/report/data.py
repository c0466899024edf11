"""The report's numbers and words: run each chart's named query and shape its rows.

No plotting here (see `kzgraph.report.draw`); no rdflib either (the query path).
"""

from __future__ import annotations

import re
import statistics
from collections import defaultdict
from decimal import Decimal
from typing import Any, Callable

import pyoxigraph as ox

from kzgraph import __version__, iris
from kzgraph.query import facets, results
from kzgraph.i18n import gettext_for
from kzgraph.report.model import CHART_QUERIES, Chart, Report, Table

LANGUAGES = ("KAZ", "RUS", "ENG", "UZB")  # the columns of the language charts, in this order
KAZAKH = "KAZ"
STATUSES = ("available", "partial", "unclear", "not-available", "not-stated")
SDG5_TARGETS = ("5.1", "5.2", "5.3", "5.4", "5.5", "5.6", "5.a", "5.b", "5.c")
GROUPINGS = ("section", "type")
ASPECTS = ("methodology", "data collection")


def _sdg_names(_: Callable[[str], str]) -> dict[str, str]:
    # short names of the targets of SDG 5 (UN wording shortened); the graph has none
    return {
        "5.1": _("End discrimination"),
        "5.2": _("End violence"),
        "5.3": _("End harmful practices"),
        "5.4": _("Unpaid care and domestic work"),
        "5.5": _("Participation and leadership"),
        "5.6": _("Sexual and reproductive health"),
        "5.a": _("Economic resources"),
        "5.b": _("Enabling technology"),
        "5.c": _("Policies and legislation"),
    }


# ---------------------------------------------------------------- running the queries


def _value(term: Any) -> Any:
    if term is None:
        return None
    if isinstance(term, ox.Literal):
        dt = term.datatype.value if term.datatype is not None else ""
        if dt in (iris.XSD + "integer", iris.XSD + "int", iris.XSD + "long"):
            return int(term.value)
        if dt == iris.XSD + "decimal":
            return Decimal(term.value)
    return term.value


def run(target: Any, name: str, lang: str) -> tuple[list[dict[str, Any]], bytes]:
    """The rows of a named query (plain Python values) and its result as SPARQL CSV."""
    result = facets.run_named(target, name, labels=lang)
    rows = [dict(zip(result.variables, map(_value, row))) for row in result.rows]
    return rows, results.write_csv(result)


def slug(iri: str) -> str:
    """The last path segment of an IRI, as an id-safe slug (``lang/KAZ`` -> ``KAZ``, ``sdg/5.a`` -> ``5-a``)."""
    tail = iri.rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1]
    return re.sub(r"[^A-Za-z0-9_-]+", "-", tail).strip("-") or "x"


def _fmt(value: Decimal | float | None, lang: str = "en", places: int = 2) -> str:
    """A number as the interface language writes it (``0.25``, ``0,25``)."""
    from babel.numbers import format_decimal

    if value is None:
        return ""
    return format_decimal(Decimal(str(value)), format="0." + "0" * places, locale=lang)


def _names(labels: list[str]) -> str:
    return ", ".join(labels)


# ---------------------------------------------------------------- the report


def compute(target: Any, lang: str) -> Report:
    """Every chart's data, text and table in ``lang`` (nothing drawn yet)."""
    _ = gettext_for(lang)
    scores = facets.scores(target, labels=lang) or {}
    total = len(scores)
    charts = [
        topic_language(target, lang, total),
        methodology(target, lang, total),
        transparency(target, lang, scores),
        data_access(target, lang, total),
        sdg5(target, lang),
        timeline(target, lang, total),
        coverage(target, lang, total),
    ]
    return Report(
        lang=lang,
        title=_("Gender data about Kazakhstan: where it is thin"),
        intro=_(
            "Seven charts drawn from the kzgraph catalogue of sources of gender data and research "
            "about Kazakhstan. Each chart is computed by a named query; its table and CSV file give "
            "the numbers behind it."
        ),
        charts=charts,
        notes=[
            _("Counts are numbers of catalogue entries. An entry can count under several topics, "
              "languages, organization types or places."),
            _("An entry's organization type is its own, or else that of its publisher or contributors."),
            _("The transparency score comes from the transparency-score query and the weights "
              "published in the graph."),
        ],
        version=__version__,
    )


def _chart(name: str, title: str, takeaway: str, alt: str, table: Table, csv: bytes,
           marks: dict[str, float], spec: dict[str, Any]) -> Chart:
    return Chart(name=name, query=CHART_QUERIES[name], title=title, takeaway=takeaway, alt=alt,
                 table=table, csv=csv, marks=marks, spec=spec)


# ---------------------------------------------------------------- 1. topic x language


def _language_heatmap(rows: list[dict], row_key: Callable[[dict], tuple], prefix: str):
    """Shared by charts 1 and 5: cells per (row, language, primary|occasional) and totals."""
    cells: dict[tuple, dict[str, dict[str, int]]] = defaultdict(dict)
    totals: dict[tuple, int] = {}
    language_labels: dict[str, str] = {}
    marks: dict[str, float] = {}
    for r in rows:
        key = row_key(r)
        code = slug(r["language"])
        language_labels[code] = r["languageLabel"]
        cells[key][code] = {"primary": int(r["primary"]), "occasional": int(r["occasional"])}
        totals[key] = int(r["entries"])
        base = f"{prefix}-{'-'.join(key)}"
        marks[f"{base}-{code}-primary"] = int(r["primary"])
        marks[f"{base}-{code}-occasional"] = int(r["occasional"])
    for key, n in totals.items():
        marks[f"{prefix}-{'-'.join(key)}-entries"] = n
    return cells, totals, language_labels, marks


def topic_language(target: Any, lang: str, total: int) -> Chart:
    _ = gettext_for(lang)
    name = "topic-language"
    rows, csv = run(target, CHART_QUERIES[name], lang)
    # rows: a "cell" row per (topic, language), then counts ("entries", "primary",
    # "occasional"); a count of 0 has no row
    cells: dict[tuple, dict[str, dict[str, int]]] = defaultdict(dict)
    totals: dict[tuple, int] = {}
    language_labels: dict[str, str] = {}
    info: dict[tuple, dict] = {}
    for r in rows:
        key = (slug(r["top"]), slug(r["topic"]))
        info[key] = {"level": int(r["level"]), "label": r["topicLabel"], "top": slug(r["top"])}
        totals.setdefault(key, 0)
        if r.get("language"):
            code = slug(r["language"])
            language_labels[code] = r["languageLabel"]
            cells[key].setdefault(code, {"primary": 0, "occasional": 0})
        if r["measure"] == "entries":
            totals[key] = int(r["entries"])
        elif r["measure"] in ("primary", "occasional"):
            cells[key][code][r["measure"]] = int(r["entries"])
    marks: dict[str, float] = {}
    for key in info:
        base = f"{name}-{'-'.join(key)}"
        marks[f"{base}-entries"] = totals[key]
        for code, cell in cells[key].items():
            marks[f"{base}-{code}-primary"] = cell["primary"]
            marks[f"{base}-{code}-occasional"] = cell["occasional"]
    all_key = next((k for k, v in info.items() if v["level"] == 0), None)
    tops = sorted((k for k, v in info.items() if v["level"] == 1), key=lambda k: (-totals[k], info[k]["label"], k))
    order: list[tuple] = [all_key] if all_key else []
    for t in tops:
        order.append(t)
        children = [k for k, v in info.items() if v["level"] == 2 and v["top"] == t[0]]
        order += sorted(children, key=lambda k: (-totals[k], info[k]["label"], k))
    labels = {k: (_("All entries") if info[k]["level"] == 0 else info[k]["label"]) for k in order}

    # takeaway: distinct topics (levels 1-2) with entries, and those with no primary Kazakh entry
    topics: dict[str, tuple] = {}
    for k in order:
        if info[k]["level"] > 0 and totals[k] > 0:
            topics.setdefault(k[1], k)
    without = [k for k in topics.values() if cells[k].get(KAZAKH, {}).get("primary", 0) == 0]
    kazakh_primary = cells[all_key][KAZAKH]["primary"] if all_key else 0
    takeaway = _(
        "%(none)d of %(topics)d topics with entries have no entry whose primary language is Kazakh; "
        "%(kazakh)d of %(total)d entries have Kazakh as a primary language."
    ) % {"none": len(without), "topics": len(topics), "kazakh": kazakh_primary, "total": total}
    langs = [language_labels[c] for c in LANGUAGES if c in language_labels]
    alt = _(
        "Heatmap with %(rows)d rows: all entries, then each top-level topic followed by its narrower "
        "topics. For each of %(languages)s, a pair of cells gives the number of entries with the "
        "language as primary (left) and as occasional (right), with a dot where there is none; the first "
        "column gives the number of entries on the topic."
    ) % {"rows": len(order), "languages": _names(langs)}
    title = _("Entries per topic and language")
    table, spec = _language_table(_, title, _("Topic"), name, order, labels, totals, cells, language_labels,
                                  {k: info[k]["level"] for k in order})
    return _chart(name, title, takeaway, alt, table, csv, marks, spec)


def _language_table(_, title: str, first: str, name: str, order: list[tuple], labels: dict, totals: dict,
                    cells: dict, language_labels: dict, levels: dict) -> tuple[Table, dict[str, Any]]:
    """The table and drawing spec of a language heatmap (charts 1 and 5)."""
    languages = [(c, language_labels[c]) for c in LANGUAGES if c in language_labels]
    columns = [first, _("Entries")]
    for _c, label in languages:
        columns += [_("%(language)s, primary") % {"language": label},
                    _("%(language)s, occasional") % {"language": label}]
    table_rows = []
    for k in order:
        row = [labels[k], str(totals[k])]
        for c, _label in languages:
            cell = cells[k].get(c, {"primary": 0, "occasional": 0})
            row += [str(cell["primary"]), str(cell["occasional"])]
        table_rows.append(row)
    spec = {
        "rows": [{"key": k, "id": f"{name}-{'-'.join(k)}", "label": labels[k], "level": levels[k],
                  "entries": totals[k], "cells": cells[k]} for k in order],
        "languages": languages,
        "total_label": _("Entries"),
        "primary_label": _("primary language"),
        "occasional_label": _("occasional"),
        "none_label": _("none"),
    }
    return Table(title, columns, table_rows), spec


# ---------------------------------------------------------------- 2. methodology


def _group_label_order(rows: list[dict], count: Callable[[dict], int]) -> dict[str, list[tuple[str, str]]]:
    totals: dict[tuple[str, str], int] = defaultdict(int)
    labels: dict[tuple[str, str], str] = {}
    for r in rows:
        g = (r["grouping"], r["group"])
        totals[g] += count(r)
        labels[g] = r["groupLabel"]
    out: dict[str, list[tuple[str, str]]] = {}
    for grouping in GROUPINGS:
        groups = [g for g in totals if g[0] == grouping]
        groups.sort(key=lambda g: (-totals[g], labels[g], g[1]))
        out[grouping] = [(g[1], labels[g]) for g in groups]
    return out


def methodology(target: Any, lang: str, total: int) -> Chart:
    _ = gettext_for(lang)
    name = "methodology"
    rows, csv = run(target, CHART_QUERIES[name], lang)
    # each grouping counts every entry once per aspect; order groups by entries
    order = _group_label_order([r for r in rows if r["aspect"] == "methodology"], lambda r: int(r["entries"]))
    counts: dict[tuple[str, str, str, str], int] = {}
    status_labels: dict[str, str] = {}
    marks: dict[str, float] = {}
    for r in rows:
        status = slug(r["status"])
        status_labels[status] = r["statusLabel"]
        key = (r["grouping"], slug(r["group"]), r["aspect"], status)
        counts[key] = int(r["entries"])
        marks[f"{name}-{key[0]}-{key[1]}-{key[2].replace(' ', '-')}-{status}"] = int(r["entries"])
    statuses = [s for s in STATUSES if s in status_labels] + sorted(set(status_labels) - set(STATUSES))

    def by_status(aspect: str) -> dict[str, int]:
        out: dict[str, int] = defaultdict(int)
        for (grouping, _g, a, s), n in counts.items():
            if grouping == "section" and a == aspect:
                out[s] += n
        return out

    meth, coll = by_status("methodology"), by_status("data collection")
    takeaway = _(
        "Only %(available)d of %(total)d entries say a methodology note is available and %(collection)d "
        "that a description of data collection is; %(silent)d say nothing about their methodology."
    ) % {"available": meth.get("available", 0), "total": total, "collection": coll.get("available", 0),
         "silent": meth.get("not-stated", 0)}
    aspect_labels = {"methodology": _("Methodology note"), "data collection": _("Data collection")}
    grouping_labels = {"section": _("Review section"), "type": _("Organization type")}
    alt = _(
        "Stacked horizontal bars in four panels: the methodology note and the description of data "
        "collection, each per review section (%(sections)d bars) and per organization type (%(types)d "
        "bars). Each bar is split by status: %(statuses)s."
    ) % {"sections": len(order["section"]), "types": len(order["type"]),
         "statuses": _names([status_labels[s] for s in statuses])}
    columns = [_("Group"), _("Aspect")] + [status_labels[s] for s in statuses]
    table_rows = []
    for grouping in GROUPINGS:
        for g, label in order[grouping]:
            for aspect in ASPECTS:
                table_rows.append([f"{grouping_labels[grouping]}: {label}", aspect_labels[aspect]]
                                  + [str(counts.get((grouping, slug(g), aspect, s), 0)) for s in statuses])
    title = _("Methodology and data collection: what the entries say")
    spec = {
        "groupings": [(gr, grouping_labels[gr], [(slug(g), label) for g, label in order[gr]]) for gr in GROUPINGS],
        "aspects": [(a, aspect_labels[a]) for a in ASPECTS],
        "statuses": [(s, status_labels[s]) for s in statuses],
        "counts": counts,
        "x_label": _("Entries"),
    }
    return _chart(name, title, takeaway, alt, Table(title, columns, table_rows), csv, marks, spec)


# ---------------------------------------------------------------- 3. transparency score


def transparency(target: Any, lang: str, scores: dict) -> Chart:
    _ = gettext_for(lang)
    name = "transparency-score"
    rows, _csv = run(target, CHART_QUERIES[name], lang)
    # the CSV beside the chart: this query's rows joined with each entry's score
    joined = []
    for r in rows:
        s = scores.get(r["entry"])
        joined.append({**r, "score": s.score if s is not None else None})
    order = _group_label_order(rows, lambda r: 1)
    points: dict[tuple[str, str], list[tuple[str, str, Decimal]]] = defaultdict(list)
    marks: dict[str, float] = {}
    for r in joined:
        if r["score"] is None:
            continue
        g = (r["grouping"], slug(r["group"]))
        points[g].append((slug(r["entry"]), r["label"], r["score"]))
        marks[f"{name}-{g[0]}-{g[1]}-{slug(r['entry'])}"] = float(r["score"])
    for g in points:
        points[g].sort(key=lambda p: (p[2], p[0]))
    medians = {g: statistics.median([p[2] for p in pts]) for g, pts in points.items()}
    all_scores = [s.score for s in scores.values() if s.score is not None]
    overall = statistics.median(all_scores) if all_scores else None
    section_medians = [(medians[("section", slug(g))], label) for g, label in order["section"]
                       if ("section", slug(g)) in medians]
    if section_medians and overall is not None:
        low = min(section_medians, key=lambda m: (m[0], m[1]))
        high = max(section_medians, key=lambda m: (m[0], m[1]))
        takeaway = _(
            "The median transparency score is %(median)s of 1; by review section it ranges from "
            "%(low)s (%(lowGroup)s) to %(high)s (%(highGroup)s)."
        ) % {"median": _fmt(overall, lang), "low": _fmt(low[0], lang), "lowGroup": low[1],
             "high": _fmt(high[0], lang), "highGroup": high[1]}
    else:
        takeaway = _("No entry has a transparency score.")
    grouping_labels = {"section": _("Review section"), "type": _("Organization type")}
    alt = _(
        "Dot plots in two panels, per review section (%(sections)d rows) and per organization type "
        "(%(types)d rows): each dot is one entry's transparency score from 0 to 1, and a vertical "
        "line marks each row's median."
    ) % {"sections": len(order["section"]), "types": len(order["type"])}
    columns = [_("Group"), _("Entries"), _("Median"), _("Lowest"), _("Highest")]
    table_rows = []
    for grouping in GROUPINGS:
        for g, label in order[grouping]:
            pts = points.get((grouping, slug(g)), [])
            if not pts:
                continue
            table_rows.append([f"{grouping_labels[grouping]}: {label}", str(len(pts)),
                               _fmt(medians[(grouping, slug(g))], lang), _fmt(pts[0][2], lang),
                               _fmt(pts[-1][2], lang)])
    csv = _csv_rows(["entry", "label", "grouping", "group", "groupLabel", "score"], joined)
    title = _("Transparency score per section and organization type")
    spec = {
        "groupings": [(gr, grouping_labels[gr], [(slug(g), label) for g, label in order[gr]]) for gr in GROUPINGS],
        "points": {g: [(e, float(s)) for e, _l, s in pts] for g, pts in points.items()},
        "medians": {g: float(m) for g, m in medians.items()},
        "x_label": _("Transparency score (0 to 1)"),
        "median_label": _("median"),
        "entry_label": _("one entry"),
    }
    return _chart(name, title, takeaway, alt, Table(title, columns, table_rows), csv, marks, spec)


def _csv_rows(columns: list[str], rows: list[dict]) -> bytes:
    """Rows as CSV in the SPARQL CSV style of the other charts (RFC 4180, CRLF)."""
    import csv
    import io

    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(columns)
    for r in rows:
        writer.writerow(["" if r.get(c) is None else str(r[c]) for c in columns])
    return buf.getvalue().encode("utf-8")


# ---------------------------------------------------------------- 4. formats and gender disaggregation


def data_access(target: Any, lang: str, total: int) -> Chart:
    _ = gettext_for(lang)
    name = "data-access"
    rows, csv = run(target, CHART_QUERIES[name], lang)
    entries: dict[str, str] = {}
    values: dict[tuple[str, str], str] = {}
    present: set[tuple[str, str, str]] = set()
    marks: dict[str, float] = {}
    for r in rows:
        e, v = slug(r["entry"]), slug(r["value"])
        entries[e] = r["label"]
        values[(r["aspect"], v)] = r["valueLabel"]
        present.add((e, r["aspect"], v))
        marks[f"{name}-{e}-{v}"] = 1
    aspect_order = {"format": 0, "gender disaggregation": 1}
    disagg_order = {"binary": 0, "some-questions": 1, "not-disaggregated": 2}
    value_order = sorted(values, key=lambda av: (aspect_order.get(av[0], 9), disagg_order.get(av[1], 0),
                                                 values[av].lower(), av[1]))
    count = defaultdict(int)
    for e, a, v in present:
        count[(a, v)] += 1
    entry_order = sorted(entries, key=lambda e: (-sum(1 for p in present if p[0] == e), entries[e], e))
    with_format = [e for e in entry_order if any(p[0] == e and p[1] == "format" for p in present)]
    gendered = [e for e in entry_order
                if any(p[0] == e and p[1] == "gender disaggregation" and p[2] in ("binary", "some-questions")
                       for p in present)]
    takeaway = _(
        "%(formats)d of %(total)d entries offer machine-readable data (%(formatNames)s), and %(gender)d "
        "break their data down by gender, for all or some of it (%(genderNames)s)."
    ) % {"formats": len(with_format), "total": total,
         "formatNames": _names([entries[e] for e in sorted(with_format, key=lambda e: entries[e])]) or "–",
         "gender": len(gendered),
         "genderNames": _names([entries[e] for e in sorted(gendered, key=lambda e: entries[e])]) or "–"}
    aspect_labels = {"format": _("Machine-readable format or data service"),
                     "gender disaggregation": _("Gender disaggregation")}
    alt = _(
        "Dot matrix: %(values)d rows, one per format, data service or kind of gender breakdown, and "
        "%(entries)d columns, one per entry that states any; a dot marks what each entry offers."
    ) % {"values": len(value_order), "entries": len(entry_order)}
    columns = [_("Entry"), aspect_labels["format"], aspect_labels["gender disaggregation"]]
    table_rows = []
    for e in entry_order:
        row = [entries[e]]
        for aspect in ("format", "gender disaggregation"):
            row.append(_names([values[av] for av in value_order if av[0] == aspect and (e, aspect, av[1]) in present]))
        table_rows.append(row)
    title = _("Machine-readable data and gender disaggregation")
    spec = {
        "entries": [(e, entries[e]) for e in entry_order],
        "values": [(a, v, values[(a, v)]) for a, v in value_order],
        "present": sorted(present),
        "aspects": [(a, aspect_labels[a]) for a in ("format", "gender disaggregation")
                    if any(av[0] == a for av in value_order)],
    }
    return _chart(name, title, takeaway, alt, Table(title, columns, table_rows), csv, marks, spec)


# ---------------------------------------------------------------- 5. SDG 5 targets


def sdg5(target: Any, lang: str) -> Chart:
    _ = gettext_for(lang)
    name = "sdg5"
    rows, csv = run(target, CHART_QUERIES[name], lang)
    cells, totals, language_labels, marks = _language_heatmap(rows, lambda r: (slug(r["target"]),), name)
    codes = {slug(r["target"]): r["code"] for r in rows}
    short = _sdg_names(_)
    order = sorted(codes, key=lambda k: (SDG5_TARGETS.index(codes[k]) if codes[k] in SDG5_TARGETS else 99, k))
    labels = {k: f"{codes[k]} {short.get(codes[k], '')}".strip() for k in order}
    covered = [k for k in order if totals[(k,)] > 0]
    kazakh = [k for k in order if cells[(k,)].get(KAZAKH, {}).get("primary", 0) > 0]
    takeaway = _(
        "%(covered)d of %(targets)d SDG 5 targets have entries in the catalogue, and %(kazakh)d have an "
        "entry whose primary language is Kazakh."
    ) % {"covered": len(covered), "targets": len(order), "kazakh": len(kazakh)}
    langs = [language_labels[c] for c in LANGUAGES if c in language_labels]
    alt = _(
        "Heatmap with %(rows)d rows, one per target of SDG 5. For each of %(languages)s, a pair of cells "
        "gives the number of entries with the language as primary (left) and as occasional (right), with a "
        "dot where there is none; the first column gives the number of entries under the target."
    ) % {"rows": len(order), "languages": _names(langs)}
    title = _("SDG 5 targets: entries and their languages")
    order_keys = [(k,) for k in order]
    table, spec = _language_table(_, title, _("SDG 5 target"), name, order_keys, {(k,): labels[k] for k in order},
                                  totals, cells, language_labels, {key: 1 for key in order_keys})
    return _chart(name, title, takeaway, alt, table, csv, marks, spec)


# ---------------------------------------------------------------- 6. timeline


def timeline(target: Any, lang: str, total: int) -> Chart:
    _ = gettext_for(lang)
    name = "timeline"
    rows, csv = run(target, CHART_QUERIES[name], lang)
    items = []
    marks: dict[str, float] = {}
    for r in rows:
        e = slug(r["entry"])
        founded, dissolved = facets.year_of(r.get("founded")), facets.year_of(r.get("dissolved"))
        items.append({"id": e, "label": r["label"], "founded": founded, "dissolved": dissolved})
        if founded is not None:
            marks[f"{name}-{e}-founded"] = founded
        if dissolved is not None:
            marks[f"{name}-{e}-dissolved"] = dissolved
    items.sort(key=lambda i: (i["founded"] if i["founded"] is not None else i["dissolved"], i["label"], i["id"]))
    years = [i["founded"] for i in items if i["founded"] is not None]
    per_year: dict[int, int] = defaultdict(int)
    for y in years:
        per_year[y] += 1
    dissolved = [f"{i['label']} ({i['dissolved']})" for i in items if i["dissolved"] is not None]
    if years:
        most = max(per_year.values())
        peaks = sorted(y for y, n in per_year.items() if n == most)
        takeaway = _(
            "%(stated)d of %(total)d entries state a founding year, from %(first)d to %(last)d; at most "
            "%(count)d were founded in one year (%(years)s). Dissolved: %(dissolved)s."
        ) % {"stated": len(years), "total": total, "first": min(years), "last": max(years), "count": most,
             "years": _names([str(y) for y in peaks]), "dissolved": _names(dissolved) or _("none stated")}
    else:
        takeaway = _("No entry states a founding year.")
    alt = _(
        "Timeline with %(rows)d rows, one per entry that states a founding or dissolution year, ordered "
        "by founding year: a circle marks the founding year, a cross the dissolution year, joined by a line."
    ) % {"rows": len(items)}
    columns = [_("Entry"), _("Founded"), _("Dissolved")]
    table_rows = [[i["label"], "" if i["founded"] is None else str(i["founded"]),
                   "" if i["dissolved"] is None else str(i["dissolved"])] for i in items]
    title = _("Founding and dissolution years")
    spec = {"items": items, "founded_label": _("founded"), "dissolved_label": _("dissolved"),
            "x_label": _("Year")}
    return _chart(name, title, takeaway, alt, Table(title, columns, table_rows), csv, marks, spec)


# ---------------------------------------------------------------- 7. coverage beyond Kazakhstan


def coverage(target: Any, lang: str, total: int) -> Chart:
    _ = gettext_for(lang)
    name = "coverage"
    rows, csv = run(target, CHART_QUERIES[name], lang)
    places: dict[str, dict] = {}
    entries: set[str] = set()
    for r in rows:
        p = slug(r["place"])
        place = places.setdefault(p, {"id": p, "label": r["placeLabel"], "kind": r["kind"], "entries": []})
        place["entries"].append(r["label"])
        entries.add(r["entry"])
    for place in places.values():
        place["entries"].sort()
    order = sorted(places.values(), key=lambda p: (-len(p["entries"]), p["label"], p["id"]))
    marks = {f"{name}-{p['id']}": len(p["entries"]) for p in order}
    kinds = {"country": _("country"), "region": _("region")}
    if order:
        top = order[0]
        takeaway = _(
            "%(entries)d of %(total)d entries cover places beyond Kazakhstan (%(countries)d countries and "
            "%(regions)d regions); the most covered is %(place)s, by %(count)d of them."
        ) % {"entries": len(entries), "total": total,
             "countries": sum(1 for p in order if p["kind"] == "country"),
             "regions": sum(1 for p in order if p["kind"] != "country"),
             "place": top["label"], "count": len(top["entries"])}
    else:
        takeaway = _("No entry covers a place beyond Kazakhstan.")
    alt = _(
        "Horizontal bars, one per country or region other than Kazakhstan (%(places)d), giving the "
        "number of entries that cover it; countries and regions have different colours."
    ) % {"places": len(order)}
    columns = [_("Place"), _("Kind"), _("Entries"), _("Which entries")]
    table_rows = [[p["label"], kinds.get(p["kind"], p["kind"]), str(len(p["entries"])), _names(p["entries"])]
                  for p in order]
    title = _("Countries and regions covered beyond Kazakhstan")
    spec = {"places": order, "kinds": kinds, "x_label": _("Entries")}
    return _chart(name, title, takeaway, alt, Table(title, columns, table_rows), csv, marks, spec)
