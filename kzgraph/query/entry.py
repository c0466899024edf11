"""The entry view: everything the catalogue knows about one entry, as a structured document.

`entry_view(catalogue, slug, labels=...)` runs the ``show`` named query and groups its rows as
``kzgraph/views/entry.ttl`` describes: which statements go in which group, under which label,
written how. The document is plain data (JSON-able): ``kzgraph show`` renders it as text or
JSON, and the site and server render the same object. No ontology term is named here; the
view file names them, and the ontology's own ``rdfs:label`` of each property (en/ru/kk) comes
with each field.

No rdflib here: this is on the query path.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Iterable

import pyoxigraph as ox

from kzgraph import iris
from kzgraph.errors import RuntimeFailure
from kzgraph.paths import VIEWS_DIR
from kzgraph.query import facets

VIEW = iris.VIEW
ENTRY_VIEW_FILE = "entry.ttl"
PROPERTY_LABELS_QUERY = "property-labels"
_FIRST, _REST, _NIL = iris.RDF + "first", iris.RDF + "rest", iris.RDF + "nil"


# ---------------------------------------------------------------- the view description


class ViewFile:
    """The statements of a view file: subject -> property -> objects (lists read as Python lists)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.props: dict[str, dict[str, list[Any]]] = {}
        try:
            quads = ox.parse(path=path, format=ox.RdfFormat.TURTLE)
            for q in quads:
                key = _key(q.subject)
                self.props.setdefault(key, {}).setdefault(q.predicate.value, []).append(q.object)
        except (OSError, SyntaxError) as err:
            raise RuntimeFailure(f"the view file {path} cannot be read ({err}); reinstall kzgraph") from None

    def all(self, node: Any, name: str) -> list[Any]:
        """The objects of ``node view:name``, a list object flattened into its members."""
        out: list[Any] = []
        for obj in self.props.get(_key(node), {}).get(VIEW + name, []):
            out += self.members(obj) if self._is_list(obj) else [obj]
        return out

    def one(self, node: Any, name: str) -> Any | None:
        found = self.all(node, name)
        return found[0] if found else None

    def iris(self, node: Any, name: str) -> list[str]:
        return [o.value for o in self.all(node, name) if isinstance(o, ox.NamedNode)]

    def iri(self, node: Any, name: str) -> str | None:
        found = self.iris(node, name)
        return found[0] if found else None

    def text(self, node: Any, name: str, lang: str = "en") -> str | None:
        """A literal of ``node view:name``, in ``lang`` when there is one, else English."""
        literals = [o for o in self.all(node, name) if isinstance(o, ox.Literal)]
        for wanted in (lang, "en", None):
            for lit in literals:
                if wanted is None or lit.language == wanted:
                    return lit.value
        return None

    def members(self, node: Any) -> list[Any]:
        out = []
        seen = set()
        while isinstance(node, (ox.BlankNode, ox.NamedNode)) and _key(node) != _NIL and _key(node) not in seen:
            seen.add(_key(node))
            props = self.props.get(_key(node), {})
            out += props.get(_FIRST, [])
            rest = props.get(_REST, [])
            node = rest[0] if rest else None
        return out

    def _is_list(self, node: Any) -> bool:
        return isinstance(node, ox.BlankNode) and _FIRST in self.props.get(_key(node), {}) or (
            isinstance(node, ox.NamedNode) and node.value == _NIL
        )


def _key(node: Any) -> str:
    if isinstance(node, ox.BlankNode):
        return "_:" + node.value
    if isinstance(node, str):
        return node
    return node.value


@functools.lru_cache(maxsize=4)
def view_file(name: str = ENTRY_VIEW_FILE) -> ViewFile:
    """The view description, read once per process."""
    return ViewFile(VIEWS_DIR / name)


# ---------------------------------------------------------------- the rows of the show query


@dataclass(frozen=True)
class Value:
    """One object of a statement: its lexical value or IRI, and a label when it has one."""

    value: str
    iri: bool
    label: str | None = None

    @property
    def text(self) -> str:
        if self.label:
            return self.label
        return curie(self.value) if self.iri else self.value


class Node:
    """The statements about one node, by property IRI."""

    def __init__(self, iri: str) -> None:
        self.iri = iri
        self.props: dict[str, list[Value]] = {}

    def all(self, prop: str | None) -> list[Value]:
        return self.props.get(prop, []) if prop else []

    def one(self, prop: str | None) -> Value | None:
        vals = self.all(prop)
        return vals[0] if vals else None

    def text(self, prop: str | None) -> str | None:
        v = self.one(prop)
        return v.text if v else None

    def texts(self, prop: str | None) -> list[str]:
        return [v.text for v in self.all(prop)]


def curie(iri: str) -> str:
    """``prefix:local`` when a project prefix covers the IRI, else the IRI."""
    from kzgraph.query.results import compact_iri

    short = compact_iri(iri, iris.PREFIXES)
    return iri if short.startswith("<") else short


def _num(text: str) -> str:
    try:
        return f"{int(text):,}"
    except ValueError:
        return text


def _fill(template: str, value: str) -> str:
    """A (translated) template filled in: %(value)s as written, %(n)s with thousands separators,
    %(share)s a share as a percentage; a value the template cannot take raises ValueError."""
    fields = {"value": value, "n": _num(value)}
    if "%(share)s" in template:
        try:
            fields["share"] = f"{(Decimal(value) * 100).normalize():f}"
        except InvalidOperation:
            raise ValueError(value) from None
    return template % fields


# ---------------------------------------------------------------- grouping


class EntryView:
    """Groups the rows of the ``show`` query as the view file says."""

    def __init__(self, entry: str, rows: list[dict], labels: str = "en", view: ViewFile | None = None) -> None:
        from kzgraph.i18n import LANGUAGES, gettext_for

        self.entry = entry
        self.view = view or view_file()
        # the view's own words (not the graph's labels) in the chosen language
        self._ = gettext_for(labels if labels in LANGUAGES else "en")
        self.nodes: dict[str, Node] = {}
        self.used: set[str] = set()  # properties of the entry some field showed
        for row in rows:
            node = self.nodes.setdefault(row["node"].value, Node(row["node"].value))
            term = row["value"]
            label = row.get("valueLabel")
            node.props.setdefault(row["property"].value, []).append(
                Value(term.value, isinstance(term, ox.NamedNode), label.value if label is not None else None)
            )
        self._name_props = self.view.iris(VIEW + "entry", "name")

    def node(self, iri: str) -> Node:
        return self.nodes.get(iri) or Node(iri)

    def words(self, spec: Any, name: str, default: str) -> str:
        """The view's text ``spec view:name`` (else ``default``), in the chosen language."""
        text = self.view.text(spec, name) or default
        return self._(text) if text else text

    def name(self, iri: str) -> str:
        n = self.nodes.get(iri)
        if n is None:
            return iri
        for prop in self._name_props:
            if n.all(prop):
                return n.all(prop)[0].value
        return iri

    # -- renderers: a view:show value names one; each reads the properties its description names

    def render(self, show: str | None, field: Any, node: Node) -> list[str]:
        props = self.view.iris(field, "property")
        values = [v for p in props for v in node.all(p)]
        kind = (show or VIEW + "Text")[len(VIEW):]
        if kind == "Text":
            return [v.text for v in values]
        if kind == "Lexical":
            return [v.value for v in values]
        if kind == "Self":
            return [node.iri]
        if kind == "Offers":
            return self.offers(field, node)
        if kind == "Flags":
            return self.flags()
        if kind == "Part":
            return [line for v in values for line in self.part(v.value)]
        if kind == "Component":
            values = self.by_position(values)
        line = getattr(self, kind.lower(), None)
        if line is None:
            raise RuntimeFailure(f"the view file {self.view.path} names an unknown renderer view:{kind}")
        return [line(v) for v in values]

    def _spec(self, kind: str) -> str:
        return VIEW + kind

    def organization(self, v: Value) -> str:
        spec = self._spec("Organization")
        kinds, parents = self.view.iri(spec, "kind"), self.view.iris(spec, "parent")
        parts, seen = [], set()
        current: str | None = v.value
        while current and current not in seen:
            seen.add(current)
            n = self.nodes.get(current)
            label = v.label if current == v.value and v.label else self.name(current)
            if n is not None:
                types = ", ".join(n.texts(kinds))
                if types:
                    label += f" ({types})"
            parts.append(label)
            parent = next((n.one(p) for p in parents if n is not None and n.one(p)), None)
            current = parent.value if parent else None
        return " → ".join(parts)

    def period(self, v: Value) -> str:
        spec = self._spec("Period")
        n = self.node(v.value)
        start, end = n.text(self.view.iri(spec, "start")), n.text(self.view.iri(spec, "end"))
        if start or end:
            return f"{start or '?'}–{end or '?'}"
        return self.name(v.value)

    def frequency(self, v: Value) -> str:
        if v.label:
            return v.label
        code = v.value.rsplit("/", 1)[-1]
        for word in self.view.all(self._spec("Frequency"), "word"):
            if self.view.text(word, "code") == code:
                text = self.view.text(word, "text")
                return self._(text) if text else v.value
        return v.value

    def assessment(self, v: Value) -> str:
        spec = self._spec("Assessment")
        n = self.node(v.value)
        missing = self.words(spec, "otherwise", "")
        bits = [
            self.words(part, "template", "%(status)s")
            % {"status": ", ".join(n.texts(self.view.iri(part, "property"))) or missing}
            for part in self.view.all(spec, "parts")
        ]
        line = "; ".join(bits)
        comments = n.texts(self.view.iri(spec, "comment"))
        if comments:
            line += " — " + " ".join(comments)
        evidence = self.view.one(spec, "evidence")
        if evidence is not None:
            ev = n.texts(self.view.iri(evidence, "property"))
            if ev:
                line += " (" + self.words(evidence, "template", "%(links)s") % {"links": ", ".join(ev)} + ")"
        return line

    def _figures(self, spec: str, n: Node) -> list[str]:
        out = []
        for figure in self.view.all(spec, "figures"):
            template = self.words(figure, "template", "%(value)s")
            for value in n.all(self.view.iri(figure, "property")):
                try:
                    out.append(_fill(template, value.value))
                except ValueError:
                    out.append(_fill(self.words(figure, "otherwise", "%(value)s"), value.value))
        return out

    def gap(self, v: Value) -> str:
        spec = self._spec("Gap")
        n = self.node(v.value)
        line = ", ".join(n.texts(self.view.iri(spec, "kind"))) or self.words(spec, "otherwise", "")
        subjects = n.texts(self.view.iri(spec, "subject"))
        if subjects:
            line += f" ({', '.join(subjects)})"
        figures = self._figures(spec, n)
        if figures:
            line += ": " + "; ".join(figures)
        comments = n.texts(self.view.iri(spec, "comment"))
        if comments:
            line += " — " + " ".join(comments)
        return line

    def wave(self, v: Value) -> str:
        spec = self._spec("Wave")
        n = self.node(v.value)
        number_spec = self.view.one(spec, "number")
        number = n.text(self.view.iri(number_spec, "property")) if number_spec is not None else None
        line = _fill(self.words(number_spec, "template", "%(value)s"), number) if number else self.name(v.value)
        bits = [self.period(p) for p in n.all(self.view.iri(spec, "period"))]
        bits += self._figures(spec, n)
        bits += n.texts(self.view.iri(spec, "place"))
        return line + (": " + ", ".join(bits) if bits else "")

    def by_position(self, values: list[Value]) -> list[Value]:
        """Components in their stated order, then by name."""
        position = self.view.iri(self._spec("Component"), "position")

        def key(v: Value):
            pos = self.node(v.value).text(position)
            return (0, int(pos), "") if pos and pos.isdigit() else (1, 0, self.name(v.value))

        return sorted(values, key=key)

    def component(self, v: Value) -> str:
        spec = self._spec("Component")
        n = self.node(v.value)
        pos = n.text(self.view.iri(spec, "position"))
        line = (f"{pos}. " if pos else "") + self.name(v.value)
        extra = []
        topics = self.view.one(spec, "topics")
        if topics is not None:
            found = n.texts(self.view.iri(topics, "property"))
            if found:
                extra.append(self.words(topics, "template", "%(topics)s") % {"topics": ", ".join(found)})
        pages = self.view.one(spec, "pages")
        if pages is not None:
            start, end = n.text(self.view.iri(pages, "start")), n.text(self.view.iri(pages, "end"))
            if start or end:
                extra.append(self.words(pages, "template", "%(start)s–%(end)s")
                             % {"start": start or "?", "end": end or "?"})
        return line + (f" ({'; '.join(extra)})" if extra else "")

    def service(self, v: Value) -> str:
        kinds = self.node(v.value).texts(self.view.iri(self._spec("Service"), "kind"))
        return self.name(v.value) + (f" ({', '.join(kinds)})" if kinds else "")

    def account(self, v: Value) -> str:
        spec = self._spec("Account")
        n = self.node(v.value)
        platform = ", ".join(n.texts(self.view.iri(spec, "platform")))
        url = ", ".join(n.texts(self.view.iri(spec, "url")))
        return f"{platform}: {url}" if platform else url or self.name(v.value)

    def offers(self, field: Any, node: Node) -> list[str]:
        """Formats and services offered by the parts: 'SPSS data file (CAB Survey Project)'."""
        spec = self._spec("Offers")
        fmt, service = self.view.iri(spec, "format"), self.view.iri(spec, "service")
        out = []
        for via in self.view.iris(field, "via"):
            for pv in node.all(via):
                pn = self.node(pv.value)
                kinds = pn.texts(fmt) + [self.service(s) for s in pn.all(service)]
                out += [f"{k} ({self.name(pv.value)})" for k in kinds]
        return out

    def part(self, iri: str) -> list[str]:
        """A publication or programme: its head line, then one indented line per field."""
        spec = self._spec("Part")
        n = self.node(iri)
        meta = n.texts(self.view.iri(spec, "kind")) + n.texts(self.view.iri(spec, "issued"))
        lines = [self.name(iri) + (f" ({', '.join(meta)})" if meta else "")]
        for field in self.view.all(spec, "fields"):
            values = self.render(self.view.iri(field, "show"), field, n)
            if values:
                lines.append(f"    {self._(self.view.text(field, 'label') or '')}: {', '.join(values)}")
        return lines

    def flags(self) -> list[str]:
        spec = self._spec("Flags")
        subject_p, flagged_p = self.view.iri(spec, "subject"), self.view.iri(spec, "flagged")
        value_p, reason_p = self.view.iri(spec, "value"), self.view.iri(spec, "reason")
        out = []
        for _, n in sorted(self.nodes.items()):
            if not n.all(subject_p):
                continue
            subject = ", ".join(self.name(v.value) for v in n.all(subject_p))
            prop = ", ".join(v.label or curie(v.value) for v in n.all(flagged_p))
            stated = ", ".join(v.text for v in n.all(value_p))
            why = " ".join(n.texts(reason_p))
            out.append(f"{subject} · {prop} = {stated} — {why}")
        return out

    # -- the groups

    def field_values(self, field: Any, entry: Node) -> list[str]:
        show = self.view.iri(field, "show")
        props = self.view.iris(field, "property")
        vias = self.view.iris(field, "via")
        self.used.update(vias or props)
        if vias and show != VIEW + "Offers":
            # the statements of the entry's parts: "Part name: line"
            out = []
            for via in vias:
                for pv in entry.all(via):
                    part = self.node(pv.value)
                    out += [f"{self.name(pv.value)}: {line}" for line in self.render(show, field, part)]
            return out
        excluded = self.view.iris(field, "except")
        if excluded:
            # the general property repeats what narrower fields show (dcterms:language is written
            # beside kzg:primaryLanguage): keep only the values no field named in view:except has
            shown = {v.value for prop in excluded for v in entry.all(prop)}
            entry = self._without(entry, props, shown)
        values = self.render(show, field, entry)
        otherwise = self.view.text(field, "otherwise")
        if otherwise and self.view.one(field, "translate") is not None:
            otherwise = self._(otherwise)
        return values or ([otherwise] if otherwise else [])

    @staticmethod
    def _without(node: Node, props: list[str], values: set[str]) -> Node:
        """A copy of ``node`` whose ``props`` lack the given values."""
        copy = Node(node.iri)
        copy.props = dict(node.props)
        for prop in props:
            copy.props[prop] = [v for v in node.all(prop) if v.value not in values]
        return copy

    def groups(self) -> list[dict[str, Any]]:
        """The groups with their non-empty fields, in the view's order."""
        entry = self.node(self.entry)
        out: list[dict[str, Any]] = []
        for group in self.view.all(VIEW + "entry", "groups"):
            fields = []
            for field in self.view.all(group, "fields"):
                values = self.field_values(field, entry)
                props = self.view.iris(field, "property")
                fields.append({
                    "label": self.view.text(field, "label"),
                    "property": props[0] if len(props) == 1 and not self.view.iris(field, "via") else None,
                    "values": values,
                })
            out.append({"key": self.view.text(group, "key"), "title": self.view.text(group, "label"), "fields": fields})
        self.used.update(self._name_props[:1])
        rest = self.view.one(VIEW + "entry", "rest")
        other = [
            {"label": curie(prop), "property": prop, "values": [v.text for v in values]}
            for prop, values in sorted(entry.props.items())
            if prop not in self.used
        ]
        if other and rest is not None:
            out.append({"key": self.view.text(rest, "key"), "title": self.view.text(rest, "label"), "fields": other})
        for group in out:
            group["fields"] = [f for f in group["fields"] if f["values"]]
        return out


# ---------------------------------------------------------------- the document


def entry_view(catalogue: Any, slug: str, *, labels: str = "en") -> dict[str, Any]:
    """The entry ``slug`` (or full IRI) as a JSON-able document.

    ``{"slug", "iri", "name", "labels", "groups": [{"key", "title", "fields": [{"label",
    "property", "propertyLabels": {lang: text}, "values": [text]}]}], "score": {"value",
    "elements": [{"element", "label", "value", "status", "weight"}]} or None, "scoreText"}``. Values are
    written in the ``labels`` language where the graph has labels; ``score`` is None when the
    transparency-score query is not installed. An unknown slug raises `UsageError` with
    suggestions.

    >>> from kzgraph import open_catalogue
    >>> doc = entry_view(open_catalogue(), "paperlab")
    >>> doc["name"], doc["groups"][0]["title"]
    ('PaperLab', 'Identity')
    """
    entry = facets.resolve_entry(catalogue, slug)
    result = facets.run_named(catalogue, facets.SHOW_QUERY, {"entry": entry}, labels=labels)
    rows = [{v: t for v, t in zip(result.variables, r) if t is not None} for r in result.rows]
    view = EntryView(entry.value, rows, labels)
    groups = view.groups()
    _add_property_labels(catalogue, groups, labels)
    return {
        "slug": facets.slug_of(entry.value),
        "iri": entry.value,
        "name": view.name(entry.value),
        "labels": labels,
        "groups": groups,
        **_score(catalogue, entry.value, labels),
    }


def _add_property_labels(catalogue: Any, groups: Iterable[dict[str, Any]], labels: str = "en") -> None:
    """Each field's ``propertyLabels``: the ontology's rdfs:label of its property, per language.

    A field of "Other statements" is labelled by its property's label in ``labels`` (else
    English, else the CURIE).
    """
    groups = list(groups)
    fields = [f for g in groups for f in g["fields"]]
    wanted = sorted({f["property"] for f in fields if f.get("property")})
    found: dict[str, dict[str, str]] = {}
    if wanted:
        result = facets.run_named(
            catalogue, PROPERTY_LABELS_QUERY, {"property": [ox.NamedNode(p) for p in wanted]}
        )
        for prop, label in result.rows:
            if prop is not None and isinstance(label, ox.Literal) and label.language:
                found.setdefault(prop.value, {}).setdefault(label.language, label.value)
    for f in fields:
        f["propertyLabels"] = found.get(f.get("property") or "", {})
    for group in groups:
        if group["key"] == "other":
            for f in group["fields"]:
                names = f["propertyLabels"]
                f["label"] = names.get(labels) or names.get("en") or f["label"]


def _score(catalogue: Any, entry: str, labels: str) -> dict[str, Any]:
    """``score`` (None without the transparency-score query) and ``scoreText`` (e.g. "0.58", "n/a")."""
    scores = facets.scores(catalogue, labels=labels, entries=[entry])
    if scores is None:
        return {"score": None, "scoreText": None}
    score = scores.get(entry)
    vocab = facets.Vocabularies.load(catalogue)
    weights = facets.score_weights(vocab, catalogue)
    elements = []
    for col in facets.SCORE_ELEMENTS:
        value = score.elements.get(col) if score else None
        elements.append({
            "element": col,
            "label": facets.score_element_label(vocab, col, labels),
            "value": float(value) if value is not None else None,
            "status": score.statuses.get(col) if score else None,
            "weight": float(weights[col]) if col in weights else None,
        })
    value = score.score if score else None
    return {
        "score": {"value": float(value) if value is not None else None, "elements": elements},
        "scoreText": facets.format_score(value) if value is not None else "n/a",
    }
