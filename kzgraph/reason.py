"""Entailment with owlrl: RDFS or OWL 2 RL closure, checked for consistency and cleaned of noise."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Iterable

from .errors import NotConforming, UsageError
from .iris import OWL, RDF, RDFS, XSD

if TYPE_CHECKING:  # rdflib is imported only when reasoning actually runs
    from rdflib import Graph

MODES = ("rdfs", "owlrl")

# owlrl reports a clash as a node of this type carrying the message (owlrl.Namespaces.ERRNS).
_LITERAL_STAND_IN = "urn:kzgraph:literal:"
_OWLRL_ERROR_NS = "http://www.daml.org/2002/03/agents/agent-ont#"
_STANDARD_NAMESPACES = (RDF, RDFS, OWL, XSD)
_REFLEXIVE_NOISE = (OWL + "sameAs", RDFS + "subClassOf", RDFS + "subPropertyOf",
                    OWL + "equivalentClass", OWL + "equivalentProperty")
_BLANKET_TYPES = (RDFS + "Resource", OWL + "Thing")
# "x a owl:Thing", "C subClassOf owl:Thing", "p domain owl:Thing": true of everything, said of everything.
_BLANKET_PREDICATES = (RDF + "type", RDFS + "subClassOf", RDFS + "domain", RDFS + "range")


def closure(graph: "Graph", mode: str, axioms: Path | None = None) -> "Graph":
    """Return a new graph: `graph` plus what `mode` entails, without owlrl's noise.

    `axioms` is the file of the standards' axioms the reasoning relies on (layout.axioms_file);
    its own triples are used for reasoning but not returned. Raises NotConforming when the
    closure is inconsistent (a member of owl:Nothing or an owlrl error node).
    """
    if mode not in MODES:
        raise UsageError(f"unknown inference mode {mode!r}; use one of: {', '.join(MODES)}")
    import owlrl
    from rdflib import Graph, Literal, URIRef

    # owlrl identifies literals by their text, so "X"@ru and "X"@kk can swap places (a Russian
    # altLabel became a second Russian prefLabel). Reason over stand-in IRIs instead and put the
    # literals back afterwards; nothing kzgraph entails depends on a literal's value.
    literals: dict = {}
    stand_ins: dict = {}

    def hide(node):
        if isinstance(node, Literal):
            if node not in literals:
                stand_in = URIRef(f"{_LITERAL_STAND_IN}{len(literals)}")
                literals[node] = stand_in
                stand_ins[stand_in] = node
            return literals[node]
        return node

    work = Graph()
    for s, p, o in graph:
        work.add((s, p, hide(o)))
    axiom_graph = Graph()
    if axioms is not None:
        axiom_graph.parse(axioms, format="turtle")
        for triple in axiom_graph:
            work.add(triple)
    semantics = owlrl.OWLRL_Semantics if mode == "owlrl" else owlrl.RDFS_Semantics
    # improved_datatypes=False: owlrl would otherwise swap rdflib's literal conversions for the
    # rest of the process, changing how later code (SHACL) sees typed values.
    owlrl.DeductiveClosure(semantics, axiomatic_triples=False, datatype_axioms=False,
                           improved_datatypes=False).expand(work)
    _check_consistency(work)
    result = Graph()
    for prefix, namespace in graph.namespaces():
        result.bind(prefix, namespace, override=True)
    for s, p, o in work:
        if s in stand_ins or p in stand_ins:
            continue  # statements about a literal (its datatype, sameAs itself, ...)
        triple = (s, p, stand_ins.get(o, o))
        if triple in axiom_graph and triple not in graph:
            continue
        if not is_noise(triple):
            result.add(triple)
    return result


def is_noise(triple) -> bool:
    """Tell whether an entailed triple says nothing a consumer of the catalogue needs."""
    from rdflib import Literal, URIRef

    s, p, o = triple
    if isinstance(s, Literal):
        return True
    if isinstance(s, URIRef) and str(s).startswith(_STANDARD_NAMESPACES):
        return True
    if str(p) in _REFLEXIVE_NOISE and s == o:
        return True
    if str(o) in _BLANKET_TYPES and str(p) in _BLANKET_PREDICATES:
        return True
    if str(p).startswith(_OWLRL_ERROR_NS) or str(o).startswith(_OWLRL_ERROR_NS):
        return True
    return False


def _check_consistency(graph: "Graph") -> None:
    from rdflib import URIRef

    errors = sorted(str(o) for s, p, o in graph if str(p) == _OWLRL_ERROR_NS + "error")
    nothing = sorted(str(s) for s in graph.subjects(URIRef(RDF + "type"), URIRef(OWL + "Nothing")))
    if errors or nothing:
        detail = errors[0] if errors else f"{nothing[0]} is a member of owl:Nothing"
        count = len(errors) + len(nothing)
        raise NotConforming(f"the closure is inconsistent ({count} clash(es)); first: {detail}")


def noise_in(triples: Iterable) -> list:
    """Return the triples of `triples` that the noise filter would drop (for tests and checks)."""
    return [t for t in triples if is_noise(t)]
