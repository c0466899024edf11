"""`kzgraph show SLUG`: everything the catalogue knows about one entry, grouped and readable."""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import click

from kzgraph.i18n import N_

from kzgraph.cli.complete import complete_entry
from kzgraph.cli.options import (
    data_option,
    display_width,
    format_option,
    labels_option,
    load_from_options,
    output_option,
    pager_option,
    root_option,
)

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


@dataclass(frozen=True)
class Value:
    """One object of a statement: its lexical value or IRI, and a label when it has one."""

    value: str
    iri: bool
    label: str | None = None
    datatype: str | None = None

    @property
    def text(self) -> str:
        if self.label:
            return self.label
        return _curie(self.value) if self.iri else self.value

    def json(self) -> Any:
        if self.iri:
            return {"iri": self.value, "label": self.label} if self.label else {"iri": self.value}
        return self.value


class Node:
    """The statements about one node, by property IRI."""

    def __init__(self, iri: str) -> None:
        self.iri = iri
        self.props: dict[str, list[Value]] = {}

    def all(self, prop: str) -> list[Value]:
        return self.props.get(prop, [])

    def one(self, prop: str) -> Value | None:
        vals = self.all(prop)
        return vals[0] if vals else None

    def text(self, prop: str) -> str | None:
        v = self.one(prop)
        return v.text if v else None


def _ns() -> dict[str, str]:
    from kzgraph import iris

    return {
        "kzg": iris.KZG, "rdfs": iris.RDFS, "rdf": iris.RDF, "skos": iris.SKOS, "dcterms": iris.DCTERMS,
        "dcat": iris.DCAT, "org": iris.ORG, "foaf": iris.FOAF, "prov": iris.PROV, "schema": iris.SCHEMA,
        "owl": iris.OWL,
    }


def P(curie: str) -> str:
    prefix, local = curie.split(":", 1)
    return _ns()[prefix] + local


class EntryView:
    """Groups the rows of the `show` query into the sections a reader expects."""

    def __init__(self, entry: str, rows: list[dict], labels: str) -> None:
        from kzgraph.i18n import LANGUAGES, gettext_for

        self.entry = entry
        self.labels = labels
        # the view's own words (not the graph's labels) in the chosen language
        self._ = gettext_for(labels if labels in LANGUAGES else "en")
        self.nodes: dict[str, Node] = {}
        self.used: set[tuple[str, str]] = set()
        self.property_labels: dict[str, str] = {}  # property IRI -> its label in `labels`
        for row in rows:
            node = self.nodes.setdefault(row["node"].value, Node(row["node"].value))
            term = row["value"]
            label = row.get("valueLabel")
            is_iri = type(term).__name__ == "NamedNode"
            datatype = None if is_iri else getattr(getattr(term, "datatype", None), "value", None)
            node.props.setdefault(row["property"].value, []).append(
                Value(term.value, is_iri, label.value if label is not None else None, datatype)
            )

    def node(self, iri: str) -> Node:
        return self.nodes.get(iri) or Node(iri)

    # -- helpers that also record which statements were shown

    def vals(self, node: Node, curie: str) -> list[Value]:
        prop = P(curie)
        if prop in node.props:
            self.used.add((node.iri, prop))
        return node.all(prop)

    def texts(self, node: Node, curie: str) -> list[str]:
        return [v.text for v in self.vals(node, curie)]

    def name(self, iri: str) -> str:
        n = self.nodes.get(iri)
        if n is None:
            return iri
        labels = n.all(P("rdfs:label")) or n.all(P("skos:prefLabel"))
        return labels[0].value if labels else iri

    def org_chain(self, v: Value) -> str:
        """'UN Women (United Nations body) → United Nations'."""
        parts = []
        seen = set()
        current: str | None = v.value
        while current and current not in seen:
            seen.add(current)
            n = self.nodes.get(current)
            label = v.label if current == v.value and v.label else self.name(current)
            if n is not None:
                types = ", ".join(self.texts(n, "org:classification"))
                if types:
                    label += f" ({types})"
                self.vals(n, "rdfs:label")
            parts.append(label)
            parent = (n.one(P("org:subOrganizationOf")) or n.one(P("kzg:branchOf"))) if n else None
            if n is not None and parent is not None:
                self.used.add((n.iri, P("org:subOrganizationOf")))
                self.used.add((n.iri, P("kzg:branchOf")))
            current = parent.value if parent else None
        return " → ".join(parts)

    def ordered(self, values: list[Value]) -> list[Value]:
        """Components in their stated order (schema:position), then by name."""

        def key(v: Value):
            pos = self.node(v.value).text(P("schema:position"))
            return (0, int(pos), "") if pos and pos.isdigit() else (1, 0, self.name(v.value))

        return sorted(values, key=key)

    def period(self, iri: str) -> str:
        n = self.node(iri)
        start = n.text(P("dcat:startDate"))
        end = n.text(P("dcat:endDate"))
        for c in ("dcat:startDate", "dcat:endDate", "rdfs:label", "rdf:type"):
            self.vals(n, c)
        if start or end:
            return f"{start or '?'}–{end or '?'}"
        return self.name(iri)

    def assessment_line(self, iri: str) -> str:
        n = self.node(iri)
        bits = []
        ms = self.texts(n, "kzg:methodologyStatus")
        dc = self.texts(n, "kzg:dataCollectionStatus")
        _ = self._
        bits.append(_("methodology note: %(status)s") % {"status": ", ".join(ms) or _("not stated")})
        bits.append(_("data collection: %(status)s") % {"status": ", ".join(dc) or _("not stated")})
        line = "; ".join(bits)
        comments = self.texts(n, "rdfs:comment")
        if comments:
            line += " — " + " ".join(comments)
        ev = self.texts(n, "kzg:evidence")
        if ev:
            line += " (" + self._("evidence: %(links)s") % {"links": ", ".join(ev)} + ")"
        self.vals(n, "rdfs:label")
        self.vals(n, "rdf:type")
        return line

    def gap_line(self, iri: str) -> str:
        n = self.node(iri)
        _ = self._
        kind = ", ".join(self.texts(n, "kzg:gapKind")) or _("gap")
        figures = []
        for v in self.vals(n, "kzg:missingShareAtLeast"):
            try:
                share = f"{(Decimal(v.value) * 100).normalize():f}"
                figures.append(_("at least %(share)s%% missing") % {"share": share})
            except InvalidOperation:
                figures.append(_("share missing ≥ %(value)s") % {"value": v.value})
        for curie, fmt in (
            ("kzg:indicatorCount", N_("%(n)s indicators")),
            ("kzg:sampleSize", N_("sample size %(n)s")),
            ("kzg:respondentCountMoreThan", N_("more than %(n)s respondents")),
            ("kzg:documentCountMoreThan", N_("more than %(n)s documents")),
            ("kzg:economyCount", N_("%(n)s economies")),
        ):
            figures += [_(fmt) % {"n": _num(v.value)} for v in self.vals(n, curie)]
        subjects = self.texts(n, "dcterms:subject")
        line = kind
        if subjects:
            line += f" ({', '.join(subjects)})"
        if figures:
            line += ": " + "; ".join(figures)
        comments = self.texts(n, "rdfs:comment")
        if comments:
            line += " — " + " ".join(comments)
        self.vals(n, "rdfs:label")
        self.vals(n, "rdf:type")
        return line

    def wave_line(self, iri: str) -> str:
        n = self.node(iri)
        number = n.text(P("kzg:waveNumber"))
        self.vals(n, "kzg:waveNumber")
        line = self._("wave %(n)s") % {"n": number} if number else self.name(iri)
        bits = [self.period(v.value) for v in self.vals(n, "dcterms:temporal")]
        bits += [self._("sample size %(n)s") % {"n": _num(v.value)} for v in self.vals(n, "kzg:sampleSize")]
        bits += self.texts(n, "dcterms:spatial")
        self.vals(n, "rdfs:label")
        self.vals(n, "rdf:type")
        return line + (": " + ", ".join(bits) if bits else "")

    def component_line(self, iri: str) -> str:
        n = self.node(iri)
        pos = n.text(P("schema:position"))
        self.vals(n, "schema:position")
        line = (f"{pos}. " if pos else "") + self.name(iri)
        self.vals(n, "rdfs:label")
        self.vals(n, "rdf:type")
        extra = []
        topics = self.texts(n, "dcat:theme")
        if topics:
            extra.append(self._("topics: %(topics)s") % {"topics": ", ".join(topics)})
        start, end = n.text(P("schema:pageStart")), n.text(P("schema:pageEnd"))
        self.vals(n, "schema:pageStart")
        self.vals(n, "schema:pageEnd")
        if start or end:
            extra.append(self._("pages %(start)s–%(end)s") % {"start": start or "?", "end": end or "?"})
        return line + (f" ({'; '.join(extra)})" if extra else "")

    def part_lines(self, iri: str, indent: str = "") -> list[str]:
        """A publication or programme and what belongs to it."""
        n = self.node(iri)
        kinds = [v.text for v in self.vals(n, "rdf:type")]
        head = self.name(iri)
        self.vals(n, "rdfs:label")
        meta = [k for k in kinds]
        meta += self.texts(n, "dcterms:issued")
        lines = [f"{indent}{head}" + (f" ({', '.join(meta)})" if meta else "")]
        sub = indent + "    "

        def add(label: str, values: list[str]) -> None:
            if values:
                lines.append(f"{sub}{self._(label)}: {', '.join(values)}")

        add(N_("link"), self.texts(n, "dcat:landingPage"))
        add(N_("publisher"), [self.org_chain(v) for v in self.vals(n, "dcterms:publisher")])
        add(N_("organizer"), [self.org_chain(v) for v in self.vals(n, "schema:organizer")])
        add(N_("participants"), [self.org_chain(v) for v in self.vals(n, "dcterms:contributor")])
        add(N_("primary languages"), self.texts(n, "kzg:primaryLanguage"))
        add(N_("only in"), self.texts(n, "kzg:exclusiveLanguage"))
        add(N_("occasional languages"), self.texts(n, "kzg:occasionalLanguage"))
        add(N_("topics"), self.texts(n, "dcat:theme"))
        add(N_("coverage"), self.texts(n, "dcterms:spatial"))
        add(N_("period"), [self.period(v.value) for v in self.vals(n, "dcterms:temporal")])
        add(N_("frequency"), [_freq(v, self._) for v in self.vals(n, "dcterms:accrualPeriodicity")])
        add(N_("formats"), self.texts(n, "kzg:dataFormat"))
        add(N_("services"), [self._service(v.value) for v in self.vals(n, "kzg:dataService")])
        add(N_("gender disaggregation"), self.texts(n, "kzg:genderDisaggregation"))
        add(N_("stated number of components"), self.texts(n, "kzg:componentCount"))
        add(N_("components"), [self.component_line(v.value) for v in self.ordered(self.vals(n, "kzg:component"))])
        add(N_("waves"), [self.wave_line(v.value) for v in self.vals(n, "kzg:wave")])
        add(N_("gaps"), [self.gap_line(v.value) for v in self.vals(n, "kzg:gap")])
        add(N_("note"), self.texts(n, "rdfs:comment") + self.texts(n, "dcterms:description"))
        return lines

    def part_formats(self, e: Node) -> list[str]:
        """Formats and services offered by the entry's publications: 'SPSS data file (CAB Survey Project)'."""
        out = []
        for pv in e.all(P("kzg:publication")):
            pn = self.node(pv.value)
            kinds = [v.text for v in pn.all(P("kzg:dataFormat"))]
            kinds += [self._service(v.value) for v in pn.all(P("kzg:dataService"))]
            out += [f"{k} ({self.name(pv.value)})" for k in kinds]
        return out

    def _service(self, iri: str) -> str:
        n = self.node(iri)
        kinds = self.texts(n, "dcterms:type")
        self.vals(n, "rdfs:label")
        self.vals(n, "rdf:type")
        self.vals(n, "dcterms:publisher")
        return f"{self.name(iri)}" + (f" ({', '.join(kinds)})" if kinds else "")

    def flag_lines(self) -> list[str]:
        out = []
        for iri, n in sorted(self.nodes.items()):
            if P("kzg:flaggedSubject") not in n.props:
                continue
            subject = ", ".join(self.name(v.value) for v in self.vals(n, "kzg:flaggedSubject"))
            prop = ", ".join(v.label or _curie(v.value) for v in self.vals(n, "kzg:flaggedProperty"))
            stated = ", ".join(v.text for v in self.vals(n, "kzg:statedValue"))
            why = " ".join(self.texts(n, "kzg:flagReason"))
            self.vals(n, "rdfs:label")
            self.vals(n, "rdf:type")
            out.append(f"{subject} · {prop} = {stated} — {why}")
        return out

    def groups(self) -> list[tuple[str, list[tuple[str, list[str]]]]]:
        e = self.node(self.entry)
        T = lambda c: self.texts(e, c)  # noqa: E731
        groups: list[tuple[str, list[tuple[str, list[str]]]]] = []
        groups.append(("Identity", [
            ("name", [v.value for v in self.vals(e, "rdfs:label")]),
            ("also known as", T("skos:altLabel")),
            ("kind", T("rdf:type")),
            ("description", T("dcterms:description")),
            ("homepage", T("foaf:homepage")),
            ("landing page", T("dcat:landingPage")),
            ("IRI", [self.entry]),
        ]))
        section = self.vals(e, "kzg:reviewSection")
        groups.append(("Place in the review", [
            ("section", [s.text for s in section]),
            ("item", T("kzg:reviewItem")),
        ]))
        groups.append(("Organization and publisher", [
            ("organization type", T("org:classification")),
            ("founded", T("kzg:foundingYear")),
            ("dissolved", T("kzg:dissolutionYear")),
            ("founded in", T("schema:foundingLocation")),
            ("seat", T("kzg:seat")),
            ("part of", [self.org_chain(v) for v in self.vals(e, "org:subOrganizationOf")]),
            ("branch of", [self.org_chain(v) for v in self.vals(e, "kzg:branchOf")]),
            ("hosted by", [self.org_chain(v) for v in self.vals(e, "kzg:hostedBy")]),
            ("publisher", [self.org_chain(v) for v in self.vals(e, "dcterms:publisher")]),
            ("organizer", [self.org_chain(v) for v in self.vals(e, "schema:organizer")]),
            ("participants", [self.org_chain(v) for v in self.vals(e, "dcterms:contributor")]),
            ("founders", [self.org_chain(v) for v in self.vals(e, "schema:founder")]),
            ("funders", [self.org_chain(v) for v in self.vals(e, "schema:funder")]),
            ("supported by", [self.org_chain(v) for v in self.vals(e, "kzg:supportedBy")]),
            ("collaborates with", [self.org_chain(v) for v in self.vals(e, "kzg:collaboratesWith")]),
            ("partner countries", T("kzg:partnerCountry")),
        ]))
        groups.append(("Languages", [
            ("primary", T("kzg:primaryLanguage")),
            ("only", T("kzg:exclusiveLanguage")),
            ("occasional", T("kzg:occasionalLanguage")),
            # dcterms:language is asserted beside the kzg: language properties (issue 14): only the rest
            ("other", [t for t in T("dcterms:language")
                       if t not in T("kzg:primaryLanguage") + T("kzg:exclusiveLanguage") + T("kzg:occasionalLanguage")]),
        ]))
        groups.append(("Topics", [("topics", T("dcat:theme"))]))
        groups.append(("Coverage", [
            ("places", T("dcterms:spatial")),
            ("period", [self.period(v.value) for v in self.vals(e, "dcterms:temporal")]),
            ("frequency", [_freq(v, self._) for v in self.vals(e, "dcterms:accrualPeriodicity")]),
        ]))
        accounts = []
        for v in self.vals(e, "foaf:account"):
            n = self.node(v.value)
            platform = ", ".join(self.texts(n, "kzg:platform"))
            url = ", ".join(self.texts(n, "kzg:accountUrl"))
            self.vals(n, "rdfs:label")
            self.vals(n, "rdf:type")
            accounts.append(f"{platform}: {url}" if platform else url or self.name(v.value))
        groups.append(("Channels", [("channels", T("kzg:channel")), ("accounts", accounts)]))
        entry_lines = [self.assessment_line(v.value) for v in self.vals(e, "kzg:assessment")]
        part_lines = []
        for pv in self.vals(e, "kzg:publication") + self.vals(e, "kzg:programme"):
            pn = self.node(pv.value)
            self.used.add((pn.iri, P("kzg:assessment")))
            part_lines += [f"{self.name(pv.value)}: {self.assessment_line(a.value)}" for a in pn.all(P("kzg:assessment"))]
        assessments = [
            ("entry", entry_lines or [self._("not stated (the review says nothing about methodology)")]),
            ("parts", part_lines),
        ]
        groups.append(("Transparency assessments", assessments))
        groups.append(("Data formats and services", [
            ("formats", T("kzg:dataFormat")),
            ("services", [self._service(v.value) for v in self.vals(e, "kzg:dataService")]),
            ("in publications", self.part_formats(e)),
            ("gender disaggregation", T("kzg:genderDisaggregation")),
            ("access rights", T("dcterms:accessRights")),
        ]))
        groups.append(("Gaps", [("gaps", [self.gap_line(v.value) for v in self.vals(e, "kzg:gap")])]))
        groups.append(("Components and waves", [
            ("stated number of components", T("kzg:componentCount")),
            ("components", [self.component_line(v.value) for v in self.ordered(self.vals(e, "kzg:component"))]),
            ("waves", [self.wave_line(v.value) for v in self.vals(e, "kzg:wave")]),
        ]))
        pubs: list[str] = []
        for v in self.vals(e, "kzg:publication"):
            pubs += self.part_lines(v.value)
        groups.append(("Publications", [("publications", pubs)]))
        progs: list[str] = []
        for v in self.vals(e, "kzg:programme"):
            progs += self.part_lines(v.value)
        groups.append(("Programmes", [("programmes", progs)]))
        groups.append(("Curation flags", [("flags", self.flag_lines())]))
        groups.append(("Provenance", [
            ("derived from", T("prov:wasDerivedFrom")),
            ("sources", T("dcterms:source")),
            ("curated on", T("kzg:curatedOn")),
            ("comment", T("rdfs:comment")),
        ]))
        self.vals(e, "rdfs:label")
        other = []
        for prop, values in sorted(e.props.items()):
            if (e.iri, prop) not in self.used:
                other.append((self.property_labels.get(prop) or _curie(prop), [v.text for v in values]))
        if other:
            groups.append(("Other statements", other))
        return [(title, [(k, v) for k, v in fields if v]) for title, fields in groups]


def _property_labels(catalogue, properties: set[str], lang: str) -> dict[str, str]:
    """The ontology's rdfs:label of each property in ``lang`` (else English)."""
    import pyoxigraph as ox

    from kzgraph import iris

    store = getattr(catalogue, "store", catalogue)
    label = ox.NamedNode(iris.RDFS + "label")
    out: dict[str, str] = {}
    for prop in properties:
        found = {q.object.language: q.object.value for q in store.quads_for_pattern(ox.NamedNode(prop), label, None)
                 if isinstance(q.object, ox.Literal)}
        text = found.get(lang) or found.get("en")
        if text:
            out[prop] = text
    return out


def _num(text: str) -> str:
    try:
        return f"{int(text):,}"
    except ValueError:
        return text


def _freq(v: Value, _=lambda text: text) -> str:
    known = {"ANNUAL": N_("annual"), "IRREG": N_("irregular")}.get(v.value.rsplit("/", 1)[-1])
    return v.label or (_(known) if known else v.value)


def _curie(iri: str) -> str:
    from kzgraph import iris
    from kzgraph.results import compact_iri

    short = compact_iri(iri, iris.PREFIXES)
    return iri if short.startswith("<") else short


def render_text(title: str, groups, score_lines: list[str]) -> str:
    out = [title, "=" * len(title)]
    width = max([len(k) for _, fields in groups for k, _ in fields] + [10])
    for name, fields in groups:
        if not fields:
            continue
        out.append("")
        out.append(name)
        for key, values in fields:
            for i, value in enumerate(values):
                label = key if i == 0 else ""
                out.append(f"  {label.ljust(width)}  {value}")
    if score_lines:
        out.append("")
        out += score_lines
    return "\n".join(out) + "\n"


@click.command("show", short_help="Show everything the catalogue knows about one entry, organization, publication or concept.")
@click.argument("slug", shell_complete=complete_entry)
@labels_option
@format_option(["table", "json"], "table")
@output_option
@pager_option
@root_option
@data_option
def show(slug: str, labels: str, format_: str, output: Path | None, root: Path | None, data: tuple[Path, ...]) -> None:
    """Show everything the catalogue knows about one node, labelled in --labels.

    SLUG names any node of the catalogue: a slug (paperlab,
    bureau-of-national-statistics, violence), a CURIE (id:paperlab,
    topic:violence, lang:KAZ) or an IRI. For an entry: identity, place in the
    review, the organizations behind it, languages, topics, coverage, channels,
    transparency assessments of the entry and its parts, formats and services,
    gaps with their figures, publications, programmes, curation flags,
    provenance, and the transparency score with its breakdown. For any other
    node (an organization, a publication, a concept, ...): every statement
    about it and every statement that names it. Properties and values are shown
    by their labels (the ontology's, a concept's) in the --labels language;
    --format table is the readable text view.

    \b
    Example:
      kzgraph show paperlab
      kzgraph show id:bureau-of-national-statistics
      kzgraph show topic:violence --labels ru
      kzgraph show world-values-survey --labels ru
      kzgraph show central-asia-barometer --format json
    """
    from kzgraph import facets, nodes
    from kzgraph.cli.query import write_output

    catalogue = load_from_options(root, data)
    iri = nodes.resolve_node(catalogue, slug)
    if not nodes.is_entry(catalogue, iri):
        view = nodes.node_view(catalogue, iri, labels=labels)
        if format_ == "json":
            data_out = (json.dumps(view, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
        else:
            from kzgraph.tables import wrap_text

            data_out = wrap_text(nodes.render_text(view, labels), display_width(output)).encode("utf-8")
        write_output(data_out, output)
        return
    entry = facets.ox.NamedNode(iri)
    result = facets.run_named(catalogue, facets.SHOW_QUERY, {"entry": entry}, labels=labels)
    rows = [{v: t for v, t in zip(result.variables, r) if t is not None} for r in result.rows]
    view = EntryView(entry.value, rows, labels)
    view.property_labels = _property_labels(catalogue, {r["property"].value for r in rows}, labels)
    groups = view.groups()

    vocab = facets.Vocabularies.load(catalogue)
    scores = facets.scores(catalogue, labels=labels, entries=[entry.value])
    score = (scores or {}).get(entry.value)
    weights = facets.score_weights(vocab, catalogue)
    breakdown = []
    for col in facets.SCORE_ELEMENTS:
        value = score.elements.get(col) if score else None
        breakdown.append(
            {
                "element": col,
                "label": facets.score_element_label(vocab, col, labels),
                "value": float(value) if value is not None else None,
                "status": score.statuses.get(col) if score else None,
                "weight": float(weights[col]) if col in weights else None,
            }
        )

    name = view.name(entry.value)
    if format_ == "json":
        doc = {
            "slug": facets.slug_of(entry.value),
            "iri": entry.value,
            "name": name,
            "groups": {title: {k: v for k, v in fields} for title, fields in groups if fields},
            "score": {
                "value": float(score.score) if score and score.score is not None else None,
                "elements": breakdown,
            }
            if scores is not None
            else None,
        }
        data_out = (json.dumps(doc, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    else:
        score_lines: list[str] = []
        if scores is None:
            score_lines = ["Transparency score", "  (the transparency-score named query is not installed)"]
        else:
            total = facets.format_score(score.score) if score else "n/a"
            score_lines = [f"Transparency score: {total}"]
            w = max(len(b["label"]) for b in breakdown)
            for b in breakdown:
                val = "n/a" if b["value"] is None else f"{b['value']:g}"
                weight = "" if b["weight"] is None else f"weight {b['weight']:g}"
                why = (b["status"] or "").replace("-", " ")
                score_lines.append(f"  {b['label'].ljust(w)}  {val:>4}  {weight:<12}  {why}".rstrip())
        from kzgraph.tables import wrap_text

        text = render_text(f"{name} ({facets.slug_of(entry.value)})", groups, score_lines)
        data_out = wrap_text(text, display_width(output)).encode("utf-8")
    write_output(data_out, output)
