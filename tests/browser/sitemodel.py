"""What the tests know of the built site after one crawl: its pages by language, kind and node.

Nothing here knows the templates: pages are told apart by their ``<html lang>``, their path
(which mirrors the IRI: ``id/{slug}``, ``vocab/{scheme}/{slug}``, ``ontology``) and the Turtle
alternate each page links to (``<link rel="alternate" type="text/turtle">``), which says what
the page's node is.
"""

from __future__ import annotations

import urllib.parse
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property

import pyoxigraph as ox

from . import harness

LANGUAGES = ("en", "ru", "kk")
KZG = "https://w3id.org/kzgraph/ontology#"
ID = "https://w3id.org/kzgraph/id/"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
SOURCE = ox.NamedNode(KZG + "Source")
REVIEW_SECTION = ox.NamedNode(KZG + "reviewSection")
REVIEW_ITEM = ox.NamedNode(KZG + "reviewItem")


@dataclass
class SiteModel:
    base: str  # the site's URL, ending in /
    crawl: harness.Crawl
    turtle: dict[str, str] = field(default_factory=dict)  # page URL -> its Turtle alternate's URL

    def path(self, url: str) -> str:
        return url[len(self.base):] if url.startswith(self.base) else url

    def lang(self, url: str) -> str | None:
        return self.crawl.pages[url].lang

    @cached_property
    def by_lang(self) -> dict[str, list[str]]:
        out = defaultdict(list)
        for url, page in sorted(self.crawl.pages.items()):
            out[(page.lang or "").split("-")[0]].append(url)
        return out

    def alternates(self, url: str, type_: str) -> list[str]:
        page = self.crawl.pages[url]
        out = []
        for ref, _kind, attrs in page.refs:
            if attrs.get("type") == type_ and "alternate" in (attrs.get("rel") or "").split():
                out.append(urllib.parse.urljoin(url, ref))
        return out

    def hreflang(self, url: str) -> dict[str, str]:
        """The page's ``<link rel=alternate hreflang=...>`` targets by language."""
        page = self.crawl.pages[url]
        out = {}
        for ref, _kind, attrs in page.refs:
            if attrs.get("hreflang") and "alternate" in (attrs.get("rel") or "").split():
                out[attrs["hreflang"]] = self._canonical(urllib.parse.urljoin(url, ref))
        return out

    def _canonical(self, url: str) -> str:
        url = urllib.parse.urldefrag(url)[0]
        return url[: -len("index.html")] if url.endswith("/index.html") else url

    def links(self, url: str) -> list[str]:
        """The in-site pages ``url`` links to with <a href> (canonical URLs, in order)."""
        page = self.crawl.pages[url]
        out = []
        for ref, kind, attrs in page.refs:
            if kind == "link" and "href" in attrs and not attrs.get("rel"):
                target = self._canonical(urllib.parse.urljoin(url, ref))
                if target in self.crawl.pages:
                    out.append(target)
        return out

    def reachable(self, start: str, lang: str | None) -> set[str]:
        """Pages reached from ``start`` by following links through pages in ``lang`` (None: any) only."""
        seen, todo = {start}, [start]
        while todo:
            for target in self.links(todo.pop()):
                if target not in seen and (lang is None or (self.lang(target) or "").startswith(lang)):
                    seen.add(target)
                    todo.append(target)
        return seen

    @cached_property
    def orphans(self) -> list[str]:
        """Pages that no chain of links from the home page reaches."""
        reached = self.reachable(self.base, None)
        return sorted(u for u in self.crawl.pages if u not in reached)

    def home(self, lang: str) -> str:
        """The home page in ``lang``: the root page itself, or its hreflang alternate."""
        root = self.base
        if (self.lang(root) or "").startswith(lang):
            return root
        alt = self.hreflang(root).get(lang)
        assert alt, f"the home page has no hreflang alternate for {lang}"
        return alt

    def node_graph(self, url: str) -> ox.Store | None:
        """The page's Turtle alternate, parsed (None for a page without one)."""
        targets = self.alternates(url, "text/turtle")
        if not targets:
            return None
        status, _headers, body, _ = harness.get(targets[0])
        assert status == 200, f"{targets[0]} ({status}), the Turtle alternate of {url}"
        store = ox.Store()
        store.load(body, format=ox.RdfFormat.TURTLE, base_iri=targets[0])
        return store

    @cached_property
    def entries(self) -> dict[str, dict[str, str]]:
        """Entry pages: lang -> {entry IRI: page URL}, from the pages under id/ whose node is a kzg:Source."""
        out: dict[str, dict[str, str]] = defaultdict(dict)
        for url, page in self.crawl.pages.items():
            segments = [s for s in self.path(url).split("/") if s]
            if "id" not in segments[:-1]:
                continue
            slug = segments[segments.index("id") + 1].removesuffix(".html")
            node = ox.NamedNode(ID + slug)
            graph = self.node_graph(url)
            if graph is not None and any(graph.quads_for_pattern(node, RDF_TYPE, SOURCE)):
                out[(page.lang or "").split("-")[0]][node.value] = url
        return out

    @cached_property
    def review_places(self) -> dict[str, tuple[str, str]]:
        """Entry IRI -> (review section slug, item), read from the entry pages' Turtle."""
        out = {}
        for iri, url in self.entries.get("en", {}).items():
            graph = self.node_graph(url)
            node = ox.NamedNode(iri)
            sections = [q.object.value.rstrip("/").rsplit("/", 1)[-1] for q in graph.quads_for_pattern(node, REVIEW_SECTION, None)]
            items = [q.object.value for q in graph.quads_for_pattern(node, REVIEW_ITEM, None)]
            out[iri] = (sections[0] if sections else "", items[0] if items else "")
        return out

    def kinds(self, lang: str) -> dict[str, str]:
        """One page of each kind in ``lang``: kind (path shape) -> page URL (the first in order)."""
        entries = set(self.entries.get(lang, {}).values())
        out: dict[str, str] = {}
        for url in self.by_lang.get(lang, []):
            segments = [s for s in self.path(url).split("/") if s and s != "index.html"]
            if segments and segments[0] in LANGUAGES:
                segments = segments[1:]
            if len(segments) >= 2:
                kind = "/".join(segments[:-1]) + "/*"
            else:
                kind = "/".join(segments) or "(home)"
            if url in entries:
                kind += " (entry)"
            out.setdefault(kind, url)
        return out
