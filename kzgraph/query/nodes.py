"""Any node of the catalogue by slug, CURIE or IRI, and its statements as a plain document.

`resolve_node` turns what a user typed (``paperlab``, ``id:paperlab``, ``topic:violence``,
``violence``, ``<https://w3id.org/kzgraph/id/paperlab>``) into the IRI of a node the graph
has statements about; `node_view` gives everything said about that node, from it and to it,
each property and value under its label in the asked language (the ontology's rdfs:label,
a concept's skos:prefLabel), as JSON-able data that `kzgraph show` renders. Entries
(kzg:Source) have their own grouped view (the entry view); this one serves every other node:
organizations, publications, programmes, concepts, waves, assessments.

No rdflib here: this is on the query path.
"""

from __future__ import annotations

import re
from typing import Any

import pyoxigraph as ox

from kzgraph import iris
from kzgraph.errors import UsageError
from kzgraph.i18n import N_
from kzgraph.suggest import closest, did_you_mean

NODE_QUERY = "node"
_PREFIXED = re.compile(r"^([A-Za-z][\w.-]*):([^/].*)?$")


def _store(target: Any):
    """The catalogue (a `kzgraph.store.Catalogue`; a pyoxigraph store becomes one)."""
    from kzgraph.store import as_catalogue

    return as_catalogue(target)


def is_subject(target: Any, iri: str) -> bool:
    """Whether the graph has a statement about ``iri``."""
    return next(iter(_store(target).match(ox.NamedNode(iri), None, None)), None) is not None


def is_entry(target: Any, iri: str) -> bool:
    typ, source = ox.NamedNode(iris.RDF + "type"), ox.NamedNode(iris.KZG + "Source")
    return next(iter(_store(target).match(ox.NamedNode(iri), typ, source)), None) is not None


def short_name(iri: str) -> str:
    """How to type a node: its slug under id/, else a CURIE, else the IRI."""
    if iri.startswith(iris.ID):
        return iri[len(iris.ID):]
    from kzgraph.query.results import compact_iri

    short = compact_iri(iri, iris.PREFIXES)
    return iri if short.startswith("<") else short


def resolve_node(target: Any, given: str) -> str:
    """The IRI of the node ``given`` names: a slug, a CURIE (id:paperlab) or an IRI.

    A slug is looked up under id/ first (entries, organizations, publications), then among
    the vocabularies' concepts (``violence``, ``topic/violence``). A name that the graph says
    nothing about is a `UsageError` with the closest slugs.
    """
    text = given.strip()
    if not text:
        raise UsageError("give a slug, a CURIE (id:paperlab) or an IRI")
    candidates: list[str] = []
    if text.startswith("<") and text.endswith(">"):
        candidates.append(text[1:-1])
    elif re.match(r"^[A-Za-z][A-Za-z0-9+.-]*://", text):
        candidates.append(text)
    else:
        m = _PREFIXED.match(text)
        if m and m.group(1) in iris.PREFIXES:
            candidates.append(iris.PREFIXES[m.group(1)] + (m.group(2) or ""))
        elif ":" not in text:
            candidates.append(iris.ID + text)
            candidates += _concepts_named(target, text)
    found = [c for c in dict.fromkeys(candidates) if is_subject(target, c)]
    if len(found) == 1 or (found and found[0].startswith(iris.ID)):
        return found[0]
    if len(found) > 1:
        listed = ", ".join(short_name(f) for f in found)
        raise UsageError(f"{given!r} is ambiguous: it could be {listed}; give one of those")
    main, parts = _known_slugs(target)
    word = text.rsplit("/", 1)[-1].rsplit(":", 1)[-1].strip("<>")
    hint = did_you_mean(closest(word, main) or closest(word, parts), quote=False)
    raise UsageError(f"nothing in the catalogue is called {given!r}; {hint}"
                     "run 'kzgraph sources' for the entries, 'kzgraph vocab' for the concepts")


def _concepts_named(target: Any, slug: str) -> list[str]:
    """Concept IRIs under vocab/ ending in /slug (``violence`` or ``topic/violence``)."""
    if not re.fullmatch(r"[A-Za-z0-9_-]+(/[A-Za-z0-9_-]+)?", slug):
        return []
    inscheme = ox.NamedNode(iris.SKOS + "inScheme")
    suffix = "/" + slug
    return sorted({q.subject.value for q in _store(target).match(None, inscheme, None)
                   if isinstance(q.subject, ox.NamedNode) and q.subject.value.endswith(suffix)})


MAIN_KINDS = (iris.KZG + "Source", iris.ORG + "Organization", iris.SKOS + "Concept")


def _known_slugs(target: Any) -> tuple[dict[str, str], dict[str, str]]:
    """Names nodes can be typed by -> how to suggest them: entries, organizations and concepts
    first; the other nodes (publications, assessments, gaps, ...) second."""
    main: dict[str, str] = {}
    parts: dict[str, str] = {}
    for q in _store(target).match(None, ox.NamedNode(iris.RDF + "type"), None):
        s = q.subject
        if not isinstance(s, ox.NamedNode):
            continue
        into = main if q.object.value in MAIN_KINDS else parts
        if s.value.startswith(iris.ID):
            into.setdefault(s.value[len(iris.ID):], s.value[len(iris.ID):])
        elif s.value.startswith(iris.VOCAB):
            into.setdefault(s.value.rstrip("/").rsplit("/", 1)[-1], short_name(s.value))
    for key in main:
        parts.pop(key, None)
    return main, parts


def node_view(target: Any, iri: str, *, labels: str = "en") -> dict[str, Any]:
    """Everything the catalogue says about one node, labelled in ``labels`` (English where missing).

    ``{"iri", "name", "label", "fields": [...], "namedBy": [...]}``: each field is a
    property with its ``label`` and ``values`` (``{"iri", "label"}`` or ``{"value", "lang"}``);
    ``namedBy`` lists the statements of other nodes that point to this one.
    """
    from kzgraph.query import facets

    result = facets.run_named(target, NODE_QUERY, {"node": ox.NamedNode(iri)}, labels=labels)
    groups: dict[str, dict[str, dict[str, Any]]] = {"out": {}, "in": {}}
    seen: set[tuple[str, str, Any]] = set()
    for row in result.rows:
        r = {k: v for k, v in zip(result.variables, row) if v is not None}
        direction, prop, value = r["direction"].value, r["property"].value, r["value"]
        if (direction, prop, value) in seen:  # a second label in one language
            continue
        seen.add((direction, prop, value))
        plabel = r.get("propertyLabel")
        field = groups[direction].setdefault(prop, {
            "property": prop,
            "label": plabel.value if plabel is not None else short_name(prop),
            "values": [],
        })
        vlabel = r.get("valueLabel")
        if isinstance(value, ox.NamedNode):
            field["values"].append({"iri": value.value, "name": short_name(value.value),
                                    "label": vlabel.value if vlabel is not None else None})
        elif isinstance(value, ox.Literal):
            field["values"].append({"value": value.value, "lang": value.language})
        else:
            field["values"].append({"value": str(value), "lang": None})
    fields = [_in_language(f, labels) for f in groups["out"].values()]
    names = next((f["values"] for f in fields if f["property"] in (iris.RDFS + "label", iris.SKOS + "prefLabel")), [])
    order = {iris.RDFS + "label": 0, iris.SKOS + "prefLabel": 0, iris.RDF + "type": 1}
    fields.sort(key=lambda f: (order.get(f["property"], 2), f["label"].casefold()))
    named_by = sorted(groups["in"].values(), key=lambda f: f["label"].casefold())
    return {
        "iri": iri,
        "name": short_name(iri),
        "label": names[0]["value"] if names else short_name(iri),
        "fields": fields,
        "namedBy": named_by,
    }


def _in_language(field: dict[str, Any], lang: str) -> dict[str, Any]:
    """Keep a text field's values in ``lang`` when it has some, else in English, else all."""
    tagged = [v for v in field["values"] if v.get("lang")]
    if tagged and len({v["lang"] for v in tagged}) > 1:
        for wanted in (lang, "en"):
            kept = [v for v in field["values"] if v.get("lang") == wanted or ("lang" in v and not v["lang"])]
            if any(v.get("lang") == wanted for v in kept):
                return {**field, "values": kept}
    return field


def value_text(value: dict[str, Any]) -> str:
    """How a value reads: a node's label (with how to type it), or the literal."""
    if "iri" in value:
        name = value["name"]
        if value.get("label"):
            return f"{value['label']} ({name})" if value["iri"].startswith(iris.ID) else value["label"]
        return name
    return value["value"]


NAMED_BY = N_("Named by")


def render_text(view: dict[str, Any], lang: str = "en") -> str:
    """The node view as text: ``label (name)``, its fields, then what names it (headings in ``lang``)."""
    title = f"{view['label']} ({view['name']})"
    out = [title, "=" * len(title)]
    rows = [(f["label"], [value_text(v) for v in f["values"]]) for f in view["fields"]
            if f["property"] not in (iris.RDFS + "label", iris.SKOS + "prefLabel")]
    rows.append(("IRI", [view["iri"]]))
    incoming = [(f["label"], [value_text(v) for v in f["values"]]) for f in view["namedBy"]]
    width = max([len(k) for k, _ in rows + incoming] + [10])

    def lines(pairs):
        for key, values in pairs:
            for i, value in enumerate(values):
                out.append(f"  {(key if i == 0 else '').ljust(width)}  {value}")

    out.append("")
    lines(rows)
    if incoming:
        from kzgraph.i18n import gettext_for

        out += ["", gettext_for(lang)(NAMED_BY)]
        lines(incoming)
    return "\n".join(out) + "\n"
