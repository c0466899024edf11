"""Build the static site: read the graph once, render every page in en/ru/kk, write it whole.

Data comes from the same places as the CLI's: the `sources` named query (the home page's list
and every facet), the `show` named query and `show`'s entry view (entry pages), the schema.org
profile (embedded JSON-LD), the exporters (per-node Turtle and JSON-LD, the downloads). Pages
are Jinja2 templates in ``kzgraph/site/templates``; interface text goes through the gettext
catalogue (`kzgraph.i18n`). Nothing depends on the time or the run: the same graph gives the
same bytes.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

import pyoxigraph as ox

from kzgraph import i18n, iris
from kzgraph.site import facetdata, labels, outdir
from kzgraph.site.graph import GraphIndex, Text, local_name, node_id
from kzgraph.site.paths import LANG_PREFIX, ONTOLOGY_IRI, id_path, lang_path, relative, vocab_path

PACKAGE_DIR = Path(__file__).resolve().parent
TEMPLATES = PACKAGE_DIR / "templates"
STATIC = PACKAGE_DIR / "static"
LANGS = i18n.LANGUAGES

ORG = iris.ORG + "Organization"
SOURCE = iris.KZG + "Source"
CONCEPT = iris.SKOS + "Concept"
SCHEME = iris.SKOS + "ConceptScheme"
ONTOLOGY_CLASSES = (iris.OWL + "Class", iris.RDFS + "Class")
ONTOLOGY_PROPERTIES = (
    iris.OWL + "ObjectProperty",
    iris.OWL + "DatatypeProperty",
    iris.OWL + "AnnotationProperty",
    iris.RDF + "Property",
)
URL_RE = re.compile(r"https?://[^\s<>\"()]+[^\s<>\"().,;:]")


@dataclass
class Page:
    """One page (language-neutral path without ``.html``) and what its template needs."""

    path: str
    template: str
    node: str | None = None
    title: dict[str, Text] = field(default_factory=dict)
    context: dict[str, Any] = field(default_factory=dict)
    per_lang: dict[str, dict[str, Any]] = field(default_factory=dict)
    search: bool = False
    data_files: bool = False  # Turtle and JSON-LD beside the page


@dataclass
class BuildResult:
    files: dict[str, bytes]
    pages: int
    entries: int
    search_index_bytes: int
    facet_data_bytes: int


# ---------------------------------------------------------------- the site model


class SiteModel:
    """Everything the templates show, read from the graph once."""

    def __init__(self, target: Any, layout: Any, *, base_url: str | None = None, report: bool = True) -> None:
        from kzgraph.query import facets

        self.with_report = report
        self.target = target
        self.layout = layout
        self.base_url = base_url
        store = target.store if hasattr(target, "store") else target
        self.g = GraphIndex(store.quads_for_pattern(None, None, None, None))
        self.vocab = facets.Vocabularies.load(target)
        rows = facets.find_sources(target, self.vocab, facets.Filters())
        self.sources = facets.sort_sources(rows, "section")
        self.entry_slugs = [r.slug for r in self.sources]
        self.entry_iris = {r.iri for r in self.sources}
        self.facet_data = facetdata.compute(target, self.vocab, self.entry_slugs)
        self.scores = facets.scores(target, entries=sorted(self.entry_iris)) or {}
        self.show_rows: dict[tuple[str, str], list[dict]] = {}
        self.part_of: dict[str, set[str]] = {}  # node -> entries whose show view holds it
        for r in self.sources:
            # the `show` query once per entry; its label column in ru/kk comes from the index,
            # chosen as the query chooses it (the label in that language, else the English one)
            result = facets.run_named(target, facets.SHOW_QUERY, {"entry": ox.NamedNode(r.iri)}, labels="en")
            rows_ = [{v: t for v, t in zip(result.variables, row) if t is not None} for row in result.rows]
            for lang in LANGS:
                self.show_rows[(r.iri, lang)] = rows_ if lang == "en" else [self._relabel(row, lang) for row in rows_]
            for row in rows_:
                self.part_of.setdefault(node_id(row["node"]), set()).add(r.iri)
        self.page_of: dict[str, str] = {}  # IRI -> page path (no extension, may hold #anchor)
        self._assign_pages()

    def _relabel(self, row: dict, lang: str) -> dict:
        value = row["value"]
        if not isinstance(value, ox.NamedNode):
            return row
        lits = [v for p in (iris.RDFS + "label", iris.SKOS + "prefLabel") for v in self.g.values(value.value, p)
                if isinstance(v, ox.Literal)]
        label = next((v for v in lits if v.language == lang), None) or next((v for v in lits if v.language == "en"), None)
        out = {k: v for k, v in row.items() if k != "valueLabel"}
        if label is not None:
            out["valueLabel"] = label
        return out

    # ---------------------------------------------------------------- paths

    def _assign_pages(self) -> None:
        g = self.g
        for iri in sorted(g.out):
            if iri.startswith("_:"):
                continue
            p = id_path(iri) or vocab_path(iri)
            if p is not None:
                self.page_of[iri] = p
            elif iri.startswith(iris.KZG) or iri == ONTOLOGY_IRI:
                anchor = iri[len(iris.KZG):] if iri.startswith(iris.KZG) else ""
                self.page_of[iri] = "ontology" + (f"#{anchor}" if anchor else "")
        # concepts of other authorities (EU languages, countries, file types) that a kzgraph
        # scheme lists: a page under that scheme, named by their code
        taken = set(self.page_of.values())
        for iri in sorted(g.instances(CONCEPT)):
            if iri in self.page_of:
                continue
            for scheme in g.iris_of(iri, iris.SKOS + "inScheme"):
                sp = vocab_path(scheme)
                if sp is None:
                    continue
                path = f"{sp}/{local_name(iri).lower()}"
                if path not in taken:
                    self.page_of[iri] = path
                    taken.add(path)
                break

    def href(self, iri: str) -> str | None:
        """The page path of a node (``id/paperlab``, ``ontology#Source``), if the site has one."""
        return self.page_of.get(iri)

    # ---------------------------------------------------------------- text

    def label(self, iri: str, lang: str) -> Text:
        return self.g.label(iri, lang)

    def text(self, node: str, prop: str, lang: str) -> list[Text]:
        return self.g.texts(node, prop, lang)

    def link(self, iri: str, lang: str) -> dict[str, Any]:
        return {"iri": iri, "label": self.label(iri, lang), "page": self.href(iri)}

    def links(self, iris_: Iterable[str], lang: str) -> list[dict[str, Any]]:
        out = [self.link(i, lang) for i in iris_]
        return sorted(out, key=lambda x: (x["label"].value.casefold(), x["iri"]))

    def term(self, term: Any, lang: str) -> dict[str, Any]:
        """One object of a statement, ready for the `value` macro."""
        if isinstance(term, ox.Literal):
            return {"literal": Text(term.value, term.language or ""), "datatype": term.datatype.value if term.datatype else None}
        if isinstance(term, ox.BlankNode):
            return {"literal": Text(self.blank_text(term.value, lang), "")}
        return self.link(term.value, lang) if self.g.has_label(term.value) or self.href(term.value) else {"iri": term.value, "label": None, "page": None}

    def blank_text(self, bnode: str, lang: str) -> str:
        props = self.g.out.get("_:" + bnode, {})
        bits = []
        for prop in sorted(props):
            if prop == iris.RDF + "type":
                continue
            vals = ", ".join(v.value for v in props[prop])
            bits.append(f"{self.prop_label(prop, lang).value}: {vals}")
        return "; ".join(bits)

    def prop_label(self, prop: str, lang: str) -> Text:
        """A property's name: the ontology's label, else the site's catalogue text, else a CURIE."""
        if self.g.has_label(prop):
            return self.label(prop, lang)
        msgid = labels.PROPERTY_NAMES.get(prop)
        if msgid:
            return Text(i18n.gettext_for(lang)(msgid), lang)
        return Text(curie(prop), "")

    def statements(self, node: str, lang: str, skip: Iterable[str] = ()) -> list[dict[str, Any]]:
        """Every statement about ``node`` (labels in other languages included), by property."""
        out = []
        skipped = set(skip)
        for prop in sorted(self.g.out.get(node, {})):
            if prop in skipped:
                continue
            values = self.g.values(node, prop)
            out.append({"property": self.prop_label(prop, lang), "iri": prop, "page": self.href(prop),
                        "objects": [self.term(v, lang) for v in values]})
        return out

    def entries_pointing_at(self, node: str) -> dict[str, set[str]]:
        """Property -> the entries that (themselves or a part of theirs) point at ``node``."""
        out: dict[str, set[str]] = {}
        for prop, subjects in self.g.inc.get(node, {}).items():
            for s in subjects:
                for entry in ({s} if s in self.entry_iris else self.part_of.get(s, set())):
                    if entry != node:
                        out.setdefault(prop, set()).add(entry)
        return out


def curie(iri: str) -> str:
    for prefix, ns in sorted(iris.PREFIXES.items(), key=lambda kv: -len(kv[1])):
        if iri.startswith(ns) and len(iri) > len(ns):
            return f"{prefix}:{iri[len(ns):]}"
    return iri


# ---------------------------------------------------------------- entry pages (show's view)


def localized_rows(rows: list[dict], lang: str) -> tuple[list[dict], set[str]]:
    """The `show` rows with each node's texts in ``lang`` (English where it has none).

    Returns the rows and the English texts kept in place of missing ``lang`` ones, so that the
    page can mark them ``lang="en"``.
    """
    by_key: dict[tuple[str, str], list[dict]] = {}
    for row in rows:
        by_key.setdefault((node_id(row["node"]), row["property"].value), []).append(row)
    kept: list[dict] = []
    fallback: set[str] = set()
    for key in sorted(by_key):
        group = by_key[key]
        tagged = [r for r in group if isinstance(r["value"], ox.Literal) and r["value"].language]
        chosen = [r for r in tagged if r["value"].language == lang] or [r for r in tagged if r["value"].language == "en"] or tagged
        if lang != "en":
            fallback.update(r["value"].value for r in chosen if r["value"].language == "en")
        for r in group:
            if r in tagged and r not in chosen:
                continue
            label = r.get("valueLabel")
            if lang != "en" and isinstance(label, ox.Literal) and label.language == "en":
                fallback.add(label.value)
            kept.append(r)
    return kept, fallback


def entry_groups(iri: str, rows: list[dict], lang: str) -> list[dict[str, Any]]:
    """``show``'s entry view of one entry (`kzgraph.query.entry`, in ``lang``):
    ``[{"key", "title", "fields": [(label, [text])]}]``."""
    from kzgraph.query.entry import EntryView

    view = EntryView(iri, rows, lang)
    out = []
    for group in view.groups():
        fields = [(f["label"], list(f["values"])) for f in group["fields"]]
        out.append({"key": group.get("key") or group["title"], "title": group["title"], "fields": fields})
    return out


# ---------------------------------------------------------------- building


def build(target: Any, layout: Any, *, base_url: str | None = None, report: bool = True) -> BuildResult:
    """Render the whole site in memory: site path -> bytes (``report``: with the report's charts)."""
    from kzgraph.site import pages as page_builders

    model = SiteModel(target, layout, base_url=base_url, report=report)
    pages = page_builders.all_pages(model)
    files: dict[str, bytes] = {}
    env = make_environment()
    schema_nodes = page_builders.schema_org_by_node(model)
    for lang in LANGS:
        env.install_gettext_translations(i18n.translator(lang), newstyle=True)
        for page in pages:
            path = lang_path(lang, page.path + ".html")
            ctx = dict(page.context)
            ctx.update(page.per_lang.get(lang, {}))
            ctx.update(common_context(model, page, lang, path, schema_nodes))
            files[path] = env.get_template(page.template).render(ctx).encode("utf-8")
    for page in pages:
        if page.data_files and page.node:
            ttl, jsonld = page_builders.node_data(model, page)
            files[page.path + ".ttl"] = ttl
            files[page.path + ".jsonld"] = jsonld
    files.update(page_builders.data_files(model))
    files.update(static_files())
    env.install_gettext_translations(i18n.translator("en"), newstyle=True)
    files.update(page_builders.redirect_rules(env, model))
    return BuildResult(
        files=files,
        pages=len(pages) * len(LANGS),
        entries=len(model.sources),
        search_index_bytes=len(files.get(page_builders.SEARCH_DATA, b"")),
        facet_data_bytes=len(files.get(page_builders.FACET_DATA, b"")),
    )


def build_site(target: Any, layout: Any, out_dir: Path, *, force: bool = False, base_url: str | None = None,
               keep: tuple[Path, ...] = (), report: bool = True) -> BuildResult:
    """Check ``out_dir``, build the site and put it there whole (``keep``: folders never replaced)."""
    out_dir = Path(out_dir)
    outdir.check(out_dir, force, keep)
    result = build(target, layout, base_url=base_url, report=report)
    outdir.write(out_dir, result.files)
    return result


def static_files() -> dict[str, bytes]:
    out = {}
    for path in sorted(STATIC.rglob("*")):
        if path.is_file():
            out["static/" + path.relative_to(STATIC).as_posix()] = path.read_bytes()
    return out


# ---------------------------------------------------------------- templates


def make_environment():
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=jinja2.select_autoescape(["html"]),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
        auto_reload=False,  # one build: templates never change under it
    )
    env.filters["segments"] = rich_segments
    env.filters["tojson_script"] = json_for_script
    env.filters["capitalize_first"] = lambda s: s[:1].upper() + s[1:] if s else s
    return env


def json_for_script(value: Any) -> Any:
    """JSON text safe inside a <script> element."""
    from markupsafe import Markup

    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, sort_keys=True, indent=1)
    return Markup(text.replace("</", "<\\/").replace("<!--", "<\\!--"))


def rich_segments(value: str, fallback: Iterable[str] = ()) -> list[tuple[str, str]]:
    """Split ``value`` into ("text"|"url"|"en", piece): URLs to link, English shown in place of missing text."""
    marks = sorted({f for f in fallback if f and f in value}, key=len, reverse=True)
    patterns = [URL_RE.pattern] + [re.escape(m) for m in marks]
    pattern = re.compile("|".join(f"({p})" for p in patterns))
    out: list[tuple[str, str]] = []
    pos = 0
    for m in pattern.finditer(value):
        if m.start() > pos:
            out.append(("text", value[pos:m.start()]))
        out.append(("url" if m.group(1) else "en", m.group(0)))
        pos = m.end()
    if pos < len(value):
        out.append(("text", value[pos:]))
    return out


def common_context(model: SiteModel, page: Page, lang: str, path: str, schema_nodes: dict[str, bytes]) -> dict[str, Any]:
    def url(target: str) -> str:
        """Link to a page of this language (``id/paperlab``, ``ontology#Source``, ``index``)."""
        base, _, anchor = target.partition("#")
        file = lang_path(lang, base + ".html") if base else path
        return relative(file, path) + (f"#{anchor}" if anchor else "")

    def asset(target: str) -> str:
        """Link to a language-neutral file (static/site.css, id/paperlab.ttl)."""
        return relative(target, path)

    alternates = [
        {"lang": other, "name": i18n.LANGUAGE_NAMES[other], "href": relative(lang_path(other, page.path + ".html"), path)}
        for other in LANGS
    ]
    schema = schema_nodes.get(page.node) if page.node else None
    title = page.title.get(lang) or page.title.get("en") or Text("kzgraph")
    return {
        "lang": lang,
        "page_path": page.path,
        "url": url,
        "asset": asset,
        "alternates": alternates,
        "title": title,
        "schema_jsonld": schema.decode("utf-8") if schema else None,
        "search": page.search,
        "data_files": page.data_files,
        "node": page.node,
        "lang_names": i18n.LANGUAGE_NAMES,
    }
