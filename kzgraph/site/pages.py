"""The pages of the site and the data files beside them, from the `SiteModel`."""

from __future__ import annotations

import hashlib
import json
from typing import Any

import pyoxigraph as ox

from kzgraph import i18n, iris
from kzgraph.site import labels
from kzgraph.site.build import (
    CONCEPT, LANGS, ONTOLOGY_CLASSES, ONTOLOGY_PROPERTIES, ORG, SCHEME, Page, SiteModel,
    entry_groups, localized_rows,
)
from kzgraph.site.facetdata import FACET_ORDER
from kzgraph.site.graph import RDF_TYPE, Text, node_id
from kzgraph.site.paths import ONTOLOGY_IRI, lang_path

FACET_DATA = "assets/facets.js"
SEARCH_DATA = "assets/search-data.js"
DOWNLOADS = "download"
CATALOGUE = iris.ID + "catalogue"

SKOS = iris.SKOS
S_BROADER = SKOS + "broader"
S_NARROWER = SKOS + "narrower"
MATCHES = tuple(SKOS + m for m in ("exactMatch", "closeMatch", "broadMatch", "narrowMatch", "relatedMatch"))
FLAGGED = iris.KZG + "flaggedSubject"


def gettext(lang: str, msgid: str) -> str:
    return i18n.gettext_for(lang)(msgid)


def all_pages(model: SiteModel) -> list[Page]:
    pages: list[Page] = [home(model)]
    entries = {r.iri for r in model.sources}
    for r in model.sources:
        pages.append(entry_page(model, r))
    g = model.g
    for iri, path in sorted(model.page_of.items()):
        if "#" in path or path == "ontology" or iri in entries:
            continue
        if path.startswith("id/"):
            pages.append(node_page(model, iri, path))
        elif SCHEME in g.types(iri):
            pages.append(scheme_page(model, iri, path))
        elif path.startswith("vocab/"):
            pages.append(concept_page(model, iri, path))
    pages.append(ontology_page(model))
    pages.append(downloads_page(model))
    for name, template in (("licence", "licence.html"), ("correct", "correct.html")):
        pages.append(Page(name, template, title={l: Text(gettext(l, TITLES[name]), l) for l in LANGS},
                          context={"catalogue": catalogue_info(model)}))
    pages.append(report_page(model))
    return pages


TITLES = {
    "licence": i18n.N_("Licence and citation"),
    "correct": i18n.N_("Propose a correction"),
    "downloads": i18n.N_("Downloads"),
    "ontology": i18n.N_("Ontology"),
    "report": i18n.N_("Coverage report"),
    "home": i18n.N_("Gender data about Kazakhstan: who publishes it"),
}


def per_lang_title(model: SiteModel, iri: str) -> dict[str, Text]:
    return {lang: model.label(iri, lang) for lang in LANGS}


def catalogue_info(model: SiteModel) -> dict[str, Any]:
    g = model.g
    version = [v.value for v in g.values(CATALOGUE, iris.DCAT + "version")] or [
        v.value for v in g.values(CATALOGUE, iris.OWL + "versionInfo")]
    return {
        "version": version[0] if version else "",
        "licence": g.iris_of(CATALOGUE, iris.DCTERMS + "license"),
        "issued": [v.value for v in g.values(CATALOGUE, iris.DCTERMS + "issued")],
        "modified": [v.value for v in g.values(CATALOGUE, iris.DCTERMS + "modified")],
        "entries": len(model.sources),
    }


# ---------------------------------------------------------------- home


def entry_summary(model: SiteModel, row: Any, lang: str) -> dict[str, Any]:
    return {
        "slug": row.slug,
        "page": f"id/{row.slug}",
        "name": model.label(row.iri, lang),
        "description": (model.text(row.iri, iris.DCTERMS + "description", lang) or [None])[0],
        "section": model.label(row.section, lang) if row.section else None,
        "place": row.place,
        "primary": row.primary,
        "occasional": row.occasional,
        "types": [model.label(t, lang) for t in row.types],
        "methodology": model.label(row.methodology, lang) if row.methodology else None,
    }


def facet_groups(model: SiteModel, lang: str) -> list[dict[str, Any]]:
    out = []
    for name in FACET_ORDER:
        values = [
            {"key": v.key, "label": model.label(v.iri, lang), "count": len(v.entries), "page": model.href(v.iri)}
            for v in model.facet_data.facets.get(name, [])
        ]
        if values:
            out.append({"name": name, "label": gettext(lang, labels.FACET_NAMES[name]), "options": values})
    return out


def home(model: SiteModel) -> Page:
    page = Page("index", "home.html", node=CATALOGUE, search=True,
                title={l: Text(gettext(l, TITLES["home"]), l) for l in LANGS})
    sections = model.facet_data.facets.get("section", [])
    for lang in LANGS:
        page.per_lang[lang] = {
            "description": (model.text(CATALOGUE, iris.DCTERMS + "description", lang) or [None])[0],
            "entries": [entry_summary(model, r, lang) for r in model.sources],
            "sections": [{"label": model.label(v.iri, lang), "count": len(v.entries), "page": model.href(v.iri)}
                         for v in sections],
            "facets": facet_groups(model, lang),
        }
    page.context = {"total": len(model.sources), "catalogue": catalogue_info(model),
                    "facet_data": FACET_DATA, "search_data": SEARCH_DATA}
    return page


# ---------------------------------------------------------------- entries


def entry_page(model: SiteModel, row: Any) -> Page:
    page = Page(f"id/{row.slug}", "entry.html", node=row.iri, title=per_lang_title(model, row.iri), data_files=True)
    score = model.scores.get(row.iri)
    for lang in LANGS:
        rows, fallback = localized_rows(model.show_rows[(row.iri, lang)], lang)
        for iri in {r["value"].value for r in rows if isinstance(r["value"], ox.NamedNode)}:
            label = model.label(iri, lang)
            if lang != "en" and label.lang == "en":
                fallback.add(label.value)
        flags = []
        shown = []
        for group in entry_groups(row.iri, rows, lang):
            if group["key"] == "flags":  # shown as claims to verify
                flags = [v for _label, values in group["fields"] for v in values]
                continue
            if group["key"] == "identity":  # the description is the page's lead paragraph
                group = {**group, "fields": [(k, v) for k, v in group["fields"] if k != "description"]}
            if group["fields"]:
                shown.append(group)
        related = set()
        for r in rows:
            for term in (r["node"], r["value"]):
                if isinstance(term, ox.NamedNode) and term.value != row.iri and model.href(term.value):
                    related.add(term.value)
        page.per_lang[lang] = {
            "name": model.label(row.iri, lang),
            "description": model.text(row.iri, iris.DCTERMS + "description", lang),
            "groups": shown,
            "flags": flags,
            "flag_nodes": flag_details(model, row.iri, lang),
            "fallback": sorted(fallback),
            "related": related_links(model, related, lang),
            "section": model.label(row.section, lang) if row.section else None,
            "place": row.place,
        }
    page.context = {
        "slug": row.slug,
        "iri": row.iri,
        "score": None if score is None or score.score is None else f"{score.score:.2f}",
    }
    return page


def flag_details(model: SiteModel, entry: str, lang: str) -> list[dict[str, Any]]:
    """The open curation flags on the entry or its parts: what is stated, and why to check it."""
    out = []
    nodes = {n for n, entries in model.part_of.items() if entry in entries}
    for flag in sorted(nodes):
        if not model.g.values(flag, FLAGGED):
            continue
        out.append({
            "iri": flag,
            "subjects": [model.link(s, lang) for s in model.g.iris_of(flag, FLAGGED)],
            "properties": [model.prop_label(p, lang) for p in model.g.iris_of(flag, iris.KZG + "flaggedProperty")],
            "stated": [model.term(v, lang) for v in model.g.values(flag, iris.KZG + "statedValue")],
            "reason": model.text(flag, iris.KZG + "flagReason", lang),
        })
    return out


def related_links(model: SiteModel, nodes: set[str], lang: str) -> list[dict[str, Any]]:
    """Links to the pages of organizations and concepts an entry's view names, by kind."""
    g = model.g
    kinds: dict[str, list[str]] = {"organizations": [], "concepts": [], "parts": []}
    for iri in nodes:
        types = g.types(iri)
        if ORG in types or iri in model.entry_iris:
            kinds["organizations"].append(iri)
        elif CONCEPT in types:
            kinds["concepts"].append(iri)
        elif iri.startswith(iris.ID):
            kinds["parts"].append(iri)
    names = {"organizations": i18n.N_("Organizations"), "concepts": i18n.N_("Concepts"),
             "parts": i18n.N_("Parts and records")}
    return [{"title": gettext(lang, names[k]), "links": model.links(v, lang)} for k, v in kinds.items() if v]


# ---------------------------------------------------------------- organizations and other nodes


def node_page(model: SiteModel, iri: str, path: str) -> Page:
    g = model.g
    page = Page(path, "node.html", node=iri, title=per_lang_title(model, iri), data_files=True)
    is_org = ORG in g.types(iri)
    incoming = model.entries_pointing_at(iri)
    children = g.subjects(iris.ORG + "subOrganizationOf", iri) + g.subjects(iris.KZG + "branchOf", iri)
    # the entries this node is a part of (an organization is behind entries, not part of them)
    belongs = [] if is_org else sorted(model.part_of.get(iri, set()))
    for lang in LANGS:
        groups = []
        for prop in sorted(incoming):
            msgid = labels.INCOMING_NAMES.get(prop)
            title = gettext(lang, msgid) if msgid else gettext(lang, i18n.N_("Entries that refer to it")) + f" ({model.prop_label(prop, lang).value})"
            groups.append({"title": title, "links": model.links(incoming[prop], lang)})
        page.per_lang[lang] = {
            "name": model.label(iri, lang),
            "statements": model.statements(iri, lang),
            "incoming": groups,
            "children": model.links(sorted(set(children)), lang),
            "belongs": model.links(belongs, lang),
            "names": g.all_texts(iri, iris.RDFS + "label") + g.all_texts(iri, iris.FOAF + "name"),
        }
    page.context = {"iri": iri, "is_org": is_org}
    return page


# ---------------------------------------------------------------- vocabularies


def concept_entries(model: SiteModel, iri: str) -> tuple[list[str], str | None]:
    """The entries of a concept: as `kzgraph sources` finds them when it is a facet value."""
    for name, values in model.facet_data.facets.items():
        for v in values:
            if v.iri == iri:
                return v.entries, name
    found = set()
    for entries in model.entries_pointing_at(iri).values():
        found |= entries
    order = {s: i for i, s in enumerate(model.entry_slugs)}
    slugs = [iri_[len(iris.ID):] for iri_ in found if iri_.startswith(iris.ID)]
    return sorted((s for s in slugs if s in order), key=order.__getitem__), None


def concept_page(model: SiteModel, iri: str, path: str) -> Page:
    g = model.g
    page = Page(path, "concept.html", node=iri, title=per_lang_title(model, iri), data_files=True)
    entries, facet = concept_entries(model, iri)
    broader = g.iris_of(iri, S_BROADER)
    narrower = sorted(set(g.iris_of(iri, S_NARROWER)) | set(g.subjects(S_BROADER, iri)))
    schemes = g.iris_of(iri, SKOS + "inScheme")
    by_slug = {r.slug: r for r in model.sources}
    for lang in LANGS:
        page.per_lang[lang] = {
            "name": model.label(iri, lang),
            "labels": g.all_texts(iri, SKOS + "prefLabel") + g.all_texts(iri, iris.RDFS + "label"),
            "alt_labels": g.all_texts(iri, SKOS + "altLabel"),
            "definition": model.text(iri, SKOS + "definition", lang) or model.text(iri, iris.RDFS + "comment", lang),
            "broader": model.links(broader, lang),
            "narrower": model.links(narrower, lang),
            "schemes": model.links(schemes, lang),
            "matches": [{"property": model.prop_label(p, lang), "objects": [model.term(v, lang) for v in g.values(iri, p)]}
                        for p in MATCHES if g.values(iri, p)],
            "entries": [entry_summary(model, by_slug[s], lang) for s in entries],
            "statements": model.statements(iri, lang),
        }
    page.context = {"iri": iri, "facet": facet,
                    "facet_key": next((v.key for vs in model.facet_data.facets.values() for v in vs if v.iri == iri), None),
                    "notation": [v.value for v in g.values(iri, SKOS + "notation")]}
    return page


def scheme_page(model: SiteModel, iri: str, path: str) -> Page:
    g = model.g
    page = Page(path, "scheme.html", node=iri, title=per_lang_title(model, iri), data_files=True)
    members = sorted(set(g.subjects(SKOS + "inScheme", iri)))
    member_set = set(members)
    tops = [m for m in members if not any(b in member_set for b in g.iris_of(m, S_BROADER))]

    def tree(nodes: list[str], lang: str, seen: frozenset) -> list[dict[str, Any]]:
        out = []
        for n in model.links(nodes, lang):
            kids = [k for k in g.subjects(S_BROADER, n["iri"]) if k in member_set and k not in seen]
            out.append({**n, "count": len(concept_entries(model, n["iri"])[0]),
                        "children": tree(sorted(set(kids)), lang, seen | {n["iri"]})})
        return out

    for lang in LANGS:
        page.per_lang[lang] = {
            "name": model.label(iri, lang),
            "definition": model.text(iri, SKOS + "definition", lang) or model.text(iri, iris.DCTERMS + "description", lang),
            "tree": tree(tops, lang, frozenset()),
        }
    page.context = {"iri": iri, "count": len(members)}
    return page


# ---------------------------------------------------------------- ontology


def ontology_page(model: SiteModel) -> Page:
    g = model.g
    page = Page("ontology", "ontology.html", node=ONTOLOGY_IRI, data_files=True,
                title={l: Text(gettext(l, TITLES["ontology"]), l) for l in LANGS})
    classes = sorted({c for t in ONTOLOGY_CLASSES for c in g.instances(t) if c.startswith(iris.KZG)})
    props = sorted({p for t in ONTOLOGY_PROPERTIES for p in g.instances(t) if p.startswith(iris.KZG)})
    usage_class = {c: len(set(g.instances(c))) for c in classes}
    usage_prop = {}
    for p in props:
        usage_prop[p] = sum(len(v.get(p, [])) for v in g.out.values())
    align_props = (iris.RDFS + "subClassOf", iris.RDFS + "subPropertyOf", iris.OWL + "equivalentClass",
                   iris.OWL + "equivalentProperty", iris.OWL + "inverseOf") + MATCHES

    def term(iri: str, lang: str, count: int) -> dict[str, Any]:
        name = iri[len(iris.KZG):]
        return {
            "anchor": name,
            "curie": "kzg:" + name,
            "iri": iri,
            "labels": {l: (g.texts(iri, iris.RDFS + "label", l) or [None])[0] for l in LANGS},
            "label": model.label(iri, lang),
            "definition": model.text(iri, iris.RDFS + "comment", lang) or model.text(iri, SKOS + "definition", lang),
            "kinds": [model.link(t, lang) | {"curie": curie_of(t)} for t in g.iris_of(iri, RDF_TYPE)],
            "domain": [model.link(t, lang) | {"curie": curie_of(t)} for t in g.iris_of(iri, iris.RDFS + "domain")],
            "range": [model.link(t, lang) | {"curie": curie_of(t)} for t in g.iris_of(iri, iris.RDFS + "range")],
            "alignments": [{"property": model.prop_label(p, lang), "objects": [model.link(t, lang) | {"curie": curie_of(t)} for t in g.iris_of(iri, p)]}
                           for p in align_props if g.iris_of(iri, p)],
            "count": count,
        }

    for lang in LANGS:
        page.per_lang[lang] = {
            "description": model.text(ONTOLOGY_IRI, iris.DCTERMS + "description", lang),
            "classes": [term(c, lang, usage_class[c]) for c in classes],
            "properties": [term(p, lang, usage_prop[p]) for p in props],
        }
    page.context = {"iri": ONTOLOGY_IRI, "namespace": iris.KZG,
                    "version": [v.value for v in g.values(ONTOLOGY_IRI, iris.OWL + "versionInfo")]}
    return page


def curie_of(iri: str) -> str:
    from kzgraph.site.build import curie

    return curie(iri)


# ---------------------------------------------------------------- downloads and report


def export_files(model: SiteModel) -> dict[str, bytes]:
    """Every file of `kzgraph export --all`, built by the exporter itself."""
    if not hasattr(model, "_exports"):
        from kzgraph import export as ex
        from kzgraph.export import profiles

        triples = ex.prepare(ex.catalogue_triples(model.target)) if hasattr(model.target, "quads") else ex.prepare(model.g.triples)
        context = ex.context_for(model.layout)
        views = {name: ex.prepare(profiles.view(triples, name)) for name in profiles.PROFILES}
        model._exports = ex.build_all(triples, views, context)
        model._schema_view = views["schema-org"]
        model._context = context
    return model._exports


def downloads_page(model: SiteModel) -> Page:
    files = export_files(model)
    rows = [{"name": name, "href": f"{DOWNLOADS}/{name}", "size": len(data), "sha256": hashlib.sha256(data).hexdigest()}
            for name, data in sorted(files.items())]
    return Page("downloads", "downloads.html", title={l: Text(gettext(l, TITLES["downloads"]), l) for l in LANGS},
                context={"files": rows, "catalogue": catalogue_info(model)})


REPORT_DATA = "report-data"


def report_page(model: SiteModel) -> Page:
    """The coverage report of `kzgraph report` (issue 17) when its library is installed, else a note.

    The report library renders its own ``<article>`` (``render_html(..., standalone=False)``)
    with inline SVG charts; each chart's CSV goes beside the page in ``report-data/``.
    """
    page = Page("report", "report.html", title={l: Text(gettext(l, TITLES["report"]), l) for l in LANGS},
                context={"report_html": None})
    if not model.with_report:
        return page
    try:
        from kzgraph import report
    except ImportError:
        return page
    if not (hasattr(report, "build") and hasattr(report, "render_html")):
        return page
    model.report_files = {}
    for lang in LANGS:
        rep = report.build(model.target, lang, png=False)
        html = report.render_html(rep, standalone=False, csv_href=REPORT_DATA + "/{name}.csv")
        page.per_lang[lang] = {"report_html": html}
        for chart in rep.charts:
            model.report_files[lang_path(lang, f"{REPORT_DATA}/{chart.name}.csv")] = chart.csv
    return page


def data_files(model: SiteModel) -> dict[str, bytes]:
    """Downloads, the facet data and the search documents (JavaScript, so that file:// works)."""
    out = {f"{DOWNLOADS}/{name}": data for name, data in export_files(model).items()}
    out.update(getattr(model, "report_files", {}))
    facets = model.facet_data.to_json()
    out[FACET_DATA] = js_assign("KZGRAPH_FACETS", facets)
    out[SEARCH_DATA] = js_assign("KZGRAPH_SEARCH", search_documents(model))
    return out


def js_assign(name: str, value: Any) -> bytes:
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return f"window.{name} = {text};\n".encode("utf-8")


def search_documents(model: SiteModel) -> list[dict[str, Any]]:
    """One document per entry: names, descriptions and concept labels in every language."""
    g = model.g
    docs = []
    for i, row in enumerate(model.sources):
        iri = row.iri
        names = [t.value for p in (iris.RDFS + "label", SKOS + "altLabel", iris.DCTERMS + "title") for t in g.all_texts(iri, p)]
        descriptions = [t.value for t in g.all_texts(iri, iris.DCTERMS + "description")]
        concepts: set[str] = set()
        for p in (iris.DCAT + "theme", iris.ORG + "classification", iris.KZG + "reviewSection",
                  iris.KZG + "primaryLanguage", iris.KZG + "occasionalLanguage", iris.KZG + "exclusiveLanguage",
                  iris.DCTERMS + "spatial", iris.DCTERMS + "publisher", iris.KZG + "channel"):
            for c in g.iris_of(iri, p):
                concepts.add(c)
                if p == iris.DCAT + "theme":
                    concepts |= set(broader_closure(g, c))
        parts = sorted(n for n, entries in model.part_of.items() if iri in entries and n != iri and n.startswith(iris.ID))
        part_text = [t.value for n in parts for p in (iris.RDFS + "label", iris.DCTERMS + "title") for t in g.all_texts(n, p)]
        label_text = sorted({t.value for c in concepts for p in (iris.RDFS + "label", SKOS + "prefLabel", SKOS + "altLabel")
                             for t in g.all_texts(c, p)})
        docs.append({"id": i, "slug": row.slug, "name": " · ".join(dict.fromkeys(names)),
                     "description": " ".join(descriptions), "labels": " · ".join(label_text + part_text)})
    return docs


def broader_closure(g: Any, concept: str) -> list[str]:
    seen: list[str] = []
    todo = [concept]
    while todo:
        for b in g.iris_of(todo.pop(), S_BROADER):
            if b not in seen:
                seen.append(b)
                todo.append(b)
    return seen


# ---------------------------------------------------------------- linked data beside the pages


def _closure(by_subject: dict[str, list[ox.Triple]], roots: list[str]) -> list[ox.Triple]:
    out = []
    seen = set()
    todo = list(roots)
    while todo:
        s = todo.pop()
        if s in seen:
            continue
        seen.add(s)
        for t in by_subject.get(s, []):
            out.append(t)
            if isinstance(t.object, ox.BlankNode):
                todo.append(node_id(t.object))
    return out


def _by_subject(triples: list[ox.Triple]) -> dict[str, list[ox.Triple]]:
    out: dict[str, list[ox.Triple]] = {}
    for t in triples:
        out.setdefault(node_id(t.subject), []).append(t)
    return out


def schema_org_by_node(model: SiteModel) -> dict[str, bytes]:
    """The schema.org view of each page's node, as JSON-LD to embed in the page."""
    from kzgraph import export as ex

    export_files(model)
    by_subject = _by_subject(model._schema_view)
    writer = JsonLdWriter(ex.SCHEMA_CONTEXT)
    out = {}
    for iri in sorted(model.page_of):
        triples = _closure(by_subject, [iri])
        if triples:
            out[iri] = writer(ex.prepare(triples))
    return out


def node_data(model: SiteModel, page: Page) -> tuple[bytes, bytes]:
    """Turtle and JSON-LD of what a page shows: its node (an entry: with every part of its view)."""
    from kzgraph import export as ex

    if not hasattr(model, "_by_subject"):
        model._by_subject = _by_subject(model.g.triples)
    node = page.node
    if page.path == "ontology":
        roots = [ONTOLOGY_IRI] + sorted(s for s in model._by_subject if s.startswith(iris.KZG))
    elif node in model.entry_iris:
        roots = sorted(n for n, entries in model.part_of.items() if node in entries)
    else:
        roots = [node]
    triples = ex.prepare(_closure(model._by_subject, roots))
    if not hasattr(model, "_jsonld"):
        model._jsonld = JsonLdWriter(model._context)
    return ex.write_turtle(triples), model._jsonld(triples)


class JsonLdWriter:
    """The exporter's compacted JSON-LD for many small graphs, with one compactor for all."""

    def __init__(self, context: dict[str, Any]) -> None:
        from kzgraph import export as ex

        self.context = context
        try:
            self.compactor = ex.DirectCompactor(context)
        except Exception:  # a context it does not cover: write_jsonld compacts with pyld
            self.compactor = None

    def __call__(self, triples: list[ox.Triple]) -> bytes:
        from kzgraph import export as ex

        if self.compactor is not None:
            try:
                return ex.dump_json(self.compactor.compact_lines([ex.nt_line(t) for t in triples]))
            except Exception:
                pass
        return ex.write_jsonld(triples, self.context)


def redirect_rules(env: Any, model: SiteModel) -> dict[str, bytes]:
    """``.htaccess`` for serving the site itself on Apache, and the w3id.org rules."""
    schemes = sorted({p.split("/")[1] for p in model.page_of.values() if p.startswith("vocab/")})
    ctx = {"schemes": schemes, "base_url": model.base_url}
    out = {".htaccess": env.get_template("site.htaccess").render(ctx).encode("utf-8")}
    if model.base_url:
        out["w3id/kzgraph/.htaccess"] = env.get_template("w3id.htaccess").render(ctx).encode("utf-8")
    return out
