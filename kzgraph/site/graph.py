"""The graph as the site reads it: every statement indexed once by subject and by object.

Pages about organizations, concepts, ontology terms and the parts of entries show the
statements of their node (and the statements that point at it); labels are looked up here in
the page's language with English as the fallback, and the fallback is reported so that the
page can mark it with ``lang="en"``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable

import pyoxigraph as ox

from kzgraph import iris

LABEL_PROPERTIES = (
    iris.RDFS + "label",
    iris.SKOS + "prefLabel",
    iris.FOAF + "name",
    iris.DCTERMS + "title",
)
RDF_TYPE = iris.RDF + "type"


@dataclass(frozen=True)
class Text:
    """A piece of catalogue text and the language it is in ("" for none)."""

    value: str
    lang: str = ""


def term_key(term: Any) -> tuple:
    """A sort key that orders terms the same way on every run."""
    if isinstance(term, ox.Literal):
        return (2, term.value, term.language or "", term.datatype.value if term.datatype else "")
    if isinstance(term, ox.BlankNode):
        return (1, term.value, "", "")
    return (0, term.value, "", "")


class GraphIndex:
    """Statements by subject and by object, and labels by node and language."""

    def __init__(self, quads: Iterable[Any]) -> None:
        self.out: dict[str, dict[str, list[Any]]] = {}
        self.inc: dict[str, dict[str, list[str]]] = {}
        self.triples: list[ox.Triple] = []
        self._labels: dict[tuple[str, str], Text] = {}
        seen: set[tuple] = set()
        for q in quads:
            s, p, o = q.subject, q.predicate, q.object
            key = (str(s), str(p), str(o))
            if key in seen:
                continue
            seen.add(key)
            self.triples.append(ox.Triple(s, p, o))
            sk = node_id(s)
            self.out.setdefault(sk, {}).setdefault(p.value, []).append(o)
            if not isinstance(o, ox.Literal):
                self.inc.setdefault(node_id(o), {}).setdefault(p.value, []).append(sk)
        for props in self.out.values():
            for values in props.values():
                values.sort(key=term_key)
        for props in self.inc.values():
            for subjects in props.values():
                subjects.sort()

    # ------------------------------------------------------------ statements

    def values(self, node: str, prop: str) -> list[Any]:
        return self.out.get(node, {}).get(prop, [])

    def iris_of(self, node: str, prop: str) -> list[str]:
        return [v.value for v in self.values(node, prop) if isinstance(v, ox.NamedNode)]

    def subjects(self, prop: str, node: str) -> list[str]:
        return self.inc.get(node, {}).get(prop, [])

    def types(self, node: str) -> set[str]:
        return set(self.iris_of(node, RDF_TYPE))

    def instances(self, cls: str) -> list[str]:
        return self.subjects(RDF_TYPE, cls)

    # ------------------------------------------------------------ text in a language

    def texts(self, node: str, prop: str, lang: str) -> list[Text]:
        """The literals of ``prop`` in ``lang``; else in English; else untagged or any language."""
        lits = [v for v in self.values(node, prop) if isinstance(v, ox.Literal)]
        for wanted in (lang, "en"):
            found = [Text(v.value, wanted) for v in lits if (v.language or "") == wanted]
            if found:
                return found
        return [Text(v.value, v.language or "") for v in lits]

    def all_texts(self, node: str, prop: str) -> list[Text]:
        return [Text(v.value, v.language or "") for v in self.values(node, prop) if isinstance(v, ox.Literal)]

    def label(self, node: str, lang: str) -> Text:
        """The node's name in ``lang`` (else English, else any), or its last IRI segment."""
        key = (node, lang)
        if key not in self._labels:
            self._labels[key] = next(
                (found[0] for prop in LABEL_PROPERTIES if (found := self.texts(node, prop, lang))),
                Text(local_name(node), ""),
            )
        return self._labels[key]

    def has_label(self, node: str) -> bool:
        return any(self.values(node, p) for p in LABEL_PROPERTIES)


def node_id(term: Any) -> str:
    """The key of a subject or object: its IRI, or ``_:label`` for a blank node."""
    if isinstance(term, ox.BlankNode):
        return "_:" + term.value
    return term.value


def local_name(iri: str) -> str:
    """The last segment of an IRI (after ``#`` or the last ``/``)."""
    tail = iri.rstrip("/")
    if "#" in tail:
        return tail.rsplit("#", 1)[-1]
    return tail.rsplit("/", 1)[-1]
