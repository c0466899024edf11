"""RDF/XML: one rdf:Description per subject, in the sorted order of the other writers."""

from __future__ import annotations

import re
from typing import Sequence

import pyoxigraph as ox

from kzgraph import iris
from kzgraph.errors import RuntimeFailure

from kzgraph.export.ntriples import _RDF_TYPE, _XSD_STRING, _NtTerms

_NCNAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.\-]*")
_XML_FORBIDDEN = re.compile(r"[^\x09\x0a\x0d\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _xml_check(text: str) -> str:
    bad = _XML_FORBIDDEN.search(text)
    if bad:
        raise RuntimeFailure(f"cannot write U+{ord(bad[0]):04X} in RDF/XML (XML 1.0 forbids it); use another format")
    return text


def _xml_text(text: str) -> str:
    text = _xml_check(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text.replace("\r", "&#13;")


def _xml_attr(text: str) -> str:
    text = _xml_text(text).replace('"', "&quot;")
    return text.replace("\t", "&#9;").replace("\n", "&#10;")


def _split_predicate(iri: str) -> tuple[str, str]:
    """Split a predicate IRI into namespace and an XML local name (longest known namespace first)."""
    for _, namespace in sorted(iris.PREFIXES.items(), key=lambda item: (-len(item[1]), item[0])):
        local = iri[len(namespace) :]
        if iri.startswith(namespace) and _NCNAME.fullmatch(local):
            return namespace, local
    match = re.search(r"[A-Za-z_][A-Za-z0-9_.\-]*$", iri)
    if not match or match.start() == 0:
        raise RuntimeFailure(f"cannot write the predicate <{iri}> in RDF/XML (no XML local name); use another format")
    return iri[: match.start()], match[0]


def write_rdfxml(triples: Sequence[ox.Triple]) -> bytes:
    """Return the triples as RDF/XML: one rdf:Description per subject, in sorted order."""
    known = {namespace: name for name, namespace in iris.PREFIXES.items()}
    # Each predicate split once, in order of first use (so an error names the same one every run).
    split = {iri: _split_predicate(iri) for iri in dict.fromkeys(t.predicate.value for t in triples)}
    split[_RDF_TYPE] = (iris.RDF, "type")
    namespaces = {iris.RDF} | {namespace for namespace, _ in split.values()}
    prefix_of: dict[str, str] = {}
    others = sorted(ns for ns in namespaces if ns not in known)
    for namespace in namespaces:
        prefix_of[namespace] = known.get(namespace) or f"ns{others.index(namespace) + 1}"

    out = ['<?xml version="1.0" encoding="utf-8"?>', "<rdf:RDF"]
    for namespace, name in sorted(prefix_of.items(), key=lambda item: item[1]):
        out.append(f'    xmlns:{name}="{_xml_attr(namespace)}"')
    out[-1] += ">"

    def node_attr(node: object, about: bool) -> str:
        if isinstance(node, ox.BlankNode):
            return f'rdf:nodeID="{node.value}"'
        return f'rdf:{"about" if about else "resource"}="{_xml_attr(node.value)}"'

    class Resources(dict):
        """object node -> its rdf:resource / rdf:nodeID attribute, written once per node."""

        def __missing__(self, node: object) -> str:
            attr = self[node] = node_attr(node, about=False)
            return attr

    resources = Resources()

    current = None
    nt = _NtTerms()
    for t in triples:
        key = nt[t.subject]
        if key != current:
            if current is not None:
                out.append("  </rdf:Description>")
            out.append(f"  <rdf:Description {node_attr(t.subject, about=True)}>")
            current = key
        namespace, local = split[t.predicate.value]
        element = f"{prefix_of[namespace]}:{local}"
        obj = t.object
        if isinstance(obj, ox.Literal):
            if obj.language:
                attr = f' xml:lang="{_xml_attr(obj.language)}"'
            elif obj.datatype.value == _XSD_STRING:
                attr = ""
            else:
                attr = f' rdf:datatype="{_xml_attr(obj.datatype.value)}"'
            out.append(f"    <{element}{attr}>{_xml_text(obj.value)}</{element}>")
        else:
            out.append(f"    <{element} {resources[obj]}/>")
    if current is not None:
        out.append("  </rdf:Description>")
    out.append("</rdf:RDF>")
    return ("\n".join(out) + "\n").encode("utf-8")

