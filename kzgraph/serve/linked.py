"""Linked data: what the server says about one IRI of the catalogue, and in which formats.

A thing ``/id/{slug}`` is described by its own triples, the triples of the parts named after
it (``id:paperlab`` → ``id:paperlab-assessment``) and of blank nodes below them; a concept
``/vocab/{scheme}/{slug}`` by its own triples; a scheme ``/vocab/{scheme}`` by its triples and
its concepts'; ``/ontology`` by every triple about the ontology and its ``kzg:`` terms. Each is
written by the export writers (``kzgraph.export``: the same bytes as ``kzgraph export``).
"""

from __future__ import annotations

import difflib
import functools
from typing import Any

import pyoxigraph as ox

from kzgraph import iris

ONTOLOGY = iris.KZG.rstrip("#")
SKOS_IN_SCHEME = ox.NamedNode(iris.SKOS + "inScheme")


class LinkedData:
    """Descriptions of the catalogue's IRIs, computed from the store once per IRI and format."""

    def __init__(self, store: ox.Store, context: dict[str, Any] | None) -> None:
        self.store = store
        self.context = context
        subjects = {q.subject.value for q in store.quads_for_pattern(None, None, None, ox.DefaultGraph())
                    if isinstance(q.subject, ox.NamedNode)}
        self.things = sorted(s[len(iris.ID):] for s in subjects if s.startswith(iris.ID))
        self.concepts = sorted(s[len(iris.VOCAB):] for s in subjects if s.startswith(iris.VOCAB))
        self._subjects = subjects

    def exists(self, iri: str) -> bool:
        return iri in self._subjects or (iri == ONTOLOGY and ONTOLOGY in self._subjects)

    def _about(self, subject: ox.NamedNode | ox.BlankNode, seen: set) -> list[ox.Triple]:
        if subject in seen:
            return []
        seen.add(subject)
        out = []
        for q in self.store.quads_for_pattern(subject, None, None, ox.DefaultGraph()):
            out.append(ox.Triple(q.subject, q.predicate, q.object))
            if isinstance(q.object, ox.BlankNode):
                out += self._about(q.object, seen)
        return out

    def describe(self, iri: str) -> list[ox.Triple]:
        """The triples that describe ``iri`` (see the module docstring); empty if unknown."""
        node = ox.NamedNode(iri)
        seen: set = set()
        triples = self._about(node, seen)
        if iri == ONTOLOGY:
            for s in sorted(self._subjects):
                if s.startswith(iris.KZG):
                    triples += self._about(ox.NamedNode(s), seen)
        elif iri.startswith(iris.ID):
            for t in list(triples):
                o = t.object
                if isinstance(o, ox.NamedNode) and o.value.startswith(iri + "-") and o.value in self._subjects:
                    triples += self._about(o, seen)
        elif iri.startswith(iris.VOCAB) and "/" not in iri[len(iris.VOCAB):]:
            for q in self.store.quads_for_pattern(None, SKOS_IN_SCHEME, node, ox.DefaultGraph()):
                triples += self._about(q.subject, seen)
        return triples

    @functools.lru_cache(maxsize=2048)
    def render(self, iri: str, fmt: str) -> bytes:
        """The description of ``iri`` in a graph format of the registry (ttl, nt, jsonld, rdfxml)."""
        from kzgraph import export

        return export.serialize(export.prepare(self.describe(iri)), fmt, self.context)

    def close_slugs(self, slug: str, kind: str = "id", n: int = 8) -> list[str]:
        """Known slugs near ``slug`` (``kind`` "id": things; "vocab": scheme/concept paths)."""
        pool = self.things if kind == "id" else self.concepts
        close = difflib.get_close_matches(slug, pool, n=n, cutoff=0.5)
        if len(close) < n:
            tail = slug.rsplit("/", 1)[-1]
            close += [s for s in pool if tail and tail in s and s not in close][: n - len(close)]
        return close
