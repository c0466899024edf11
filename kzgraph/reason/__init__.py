"""Entailment: RDFS or OWL 2 RL closure, checked for consistency and cleaned of noise.

RDFS runs on owlrl. OWL 2 RL runs on the native ``reasonable`` reasoner when it is installed
(about 30x faster on the shipped catalogue; owlrl's closure grows about as n^1.8 and takes
minutes at 100x), completed with the schema rules it leaves out (domain/range/sub-property
entailments between terms) and the OWL 2 RL clash rules, so that both engines give the same
closure (tests/test_reasoner_engines.py); otherwise on owlrl. ``KZGRAPH_REASONER=owlrl``
forces owlrl.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Iterable

from kzgraph.errors import NotConforming, UsageError
from kzgraph.iris import OWL, RDF, RDFS, XSD

if TYPE_CHECKING:  # rdflib is imported only when reasoning actually runs
    from rdflib import Graph

    from kzgraph.store import Catalogue
    from kzgraph.store.embedded import EmbeddedCatalogue

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


_LAYOUT_AXIOMS = Path("(the layout's axioms file)")


def infer(catalogue: "Catalogue", mode: str, *, root: str | Path | None = None,
          axioms: Path | None = _LAYOUT_AXIOMS) -> "EmbeddedCatalogue":
    """Return a new catalogue: ``catalogue`` plus what ``mode`` (``rdfs``, ``owlrl``) entails.

    The one way kzgraph makes a closure (query, validate, export and push all come here). The
    asserted triples keep their written lexical forms; an entailed triple is added only when
    rdflib does not already hold it (rdflib may re-spell a literal, which is the same triple).
    Locations stay those of the asserted statements. ``axioms``: the file of the standards'
    axioms the reasoning relies on (default: the axioms file of ``root``'s layout, when it
    exists; None: none).
    Raises NotConforming when the closure is inconsistent.
    """
    from kzgraph.load import from_rdflib
    from kzgraph.store.embedded import EmbeddedCatalogue, from_triples

    if mode not in MODES:
        raise UsageError(f"unknown inference mode {mode!r}; use one of: {', '.join(MODES)}")
    if axioms is _LAYOUT_AXIOMS:
        from kzgraph.paths import resolve_layout

        candidate = resolve_layout(root).axioms_file
        axioms = candidate if candidate.is_file() else None
    if isinstance(catalogue, EmbeddedCatalogue):
        source = catalogue.rdflib_graph()
        asserted = catalogue.triples()
    else:  # a server's graph: reason over a local copy
        asserted = catalogue.triples()
        source = from_triples(asserted).rdflib_graph()
    closed = closure(source, mode, axioms=axioms)
    extra = [t for t in closed if t not in source]
    result = from_triples(asserted + from_rdflib(extra), inferred=mode)
    if isinstance(catalogue, EmbeddedCatalogue):
        result.files = list(catalogue.files)
        result.locations = catalogue.locations
        result.duplicates = catalogue.duplicates
        result.file_info = catalogue.file_info
    return result


def closure(graph: "Graph", mode: str, axioms: Path | None = None) -> "Graph":
    """Return a new graph: `graph` plus what `mode` entails, without owlrl's noise.

    `axioms` is the file of the standards' axioms the reasoning relies on (layout.axioms_file);
    its own triples are used for reasoning but not returned. Raises NotConforming when the
    closure is inconsistent (a member of owl:Nothing or an owlrl error node).
    """
    if mode not in MODES:
        raise UsageError(f"unknown inference mode {mode!r}; use one of: {', '.join(MODES)}")
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
    axiom_triples: set = set()
    if axioms is not None:
        # kzgraph's strict loader, not rdflib's parser: its errors name the file and line and never
        # echo the file's bytes (rdflib quoted them: a symlink to /proc/self/environ leaked secrets)
        from kzgraph.load import load_files, to_rdflib

        axiom_triples = set(to_rdflib(load_files([axioms]).quads))
        for triple in axiom_triples:
            work.add(triple)
    if mode == "owlrl" and engine() == "reasonable":
        _reasonable_closure(work)
    else:
        import owlrl

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
        if triple in axiom_triples and triple not in graph:
            continue
        if not is_noise(triple):
            result.add(triple)
    return result


def engine() -> str:
    """Return the OWL 2 RL engine to use: "reasonable" when installed (unless told), else "owlrl"."""
    if os.environ.get("KZGRAPH_REASONER", "").strip().lower() == "owlrl":
        return "owlrl"
    import importlib.util

    return "reasonable" if importlib.util.find_spec("reasonable") is not None else "owlrl"


def _reasonable_closure(work: "Graph") -> None:
    """Add the OWL 2 RL closure of ``work`` to it, computed by ``reasonable``."""
    import reasonable

    reasoner = reasonable.PyReasoner()
    reasoner.from_graph(work)
    for triple in reasoner.reason():
        work.add(triple)
    _schema_rules(work)
    _clashes(work)


def _schema_rules(work: "Graph") -> None:
    """Apply OWL 2 RL's scm-dom1/2, scm-rng1/2 and scm-spo, which reasonable leaves out.

    They relate terms only (no instance gains a type from them that cax-sco/prp-spo1 did not
    already give), so a fixpoint over the schema triples is enough.
    """
    from rdflib import URIRef

    sub_class, sub_prop = URIRef(RDFS + "subClassOf"), URIRef(RDFS + "subPropertyOf")
    domain, range_ = URIRef(RDFS + "domain"), URIRef(RDFS + "range")
    while True:
        new = set()
        supers = {}
        for c1, c2 in work.subject_objects(sub_class):
            supers.setdefault(c1, set()).add(c2)
        sub_props = {}
        for p1, p2 in work.subject_objects(sub_prop):
            sub_props.setdefault(p2, set()).add(p1)
        for link in (domain, range_):
            for p, c in list(work.subject_objects(link)):
                new.update((p, link, c2) for c2 in supers.get(c, ()))  # scm-dom1, scm-rng1
                new.update((p1, link, c) for p1 in sub_props.get(p, ()))  # scm-dom2, scm-rng2
        for p1, p2 in list(work.subject_objects(sub_prop)):
            new.update((p1, sub_prop, p3) for p3 in work.objects(p2, sub_prop))  # scm-spo
        new = {t for t in new if t not in work}
        if not new:
            return
        for triple in new:
            work.add(triple)


def _clashes(work: "Graph") -> None:
    """Mark what OWL 2 RL's clash rules find, as owlrl does, for _check_consistency to report.

    reasonable does not apply them: cls-nothing2 is checked there already; these add cax-dw,
    cax-adc, cls-com, prp-irp, prp-asyp, prp-pdw and eq-diff1.
    """
    from rdflib import BNode, Literal, URIRef
    from rdflib.collection import Collection

    a = URIRef(RDF + "type")
    error = URIRef(_OWLRL_ERROR_NS + "error")
    found: list[str] = []
    for c1, c2 in work.subject_objects(URIRef(OWL + "disjointWith")):
        found += [f"{x} is in the disjoint classes {c1} and {c2}" for x in work.subjects(a, c1) if (x, a, c2) in work]
    for group in work.subjects(a, URIRef(OWL + "AllDisjointClasses")):
        for members in work.objects(group, URIRef(OWL + "members")):
            classes = list(Collection(work, members))
            for i, c1 in enumerate(classes):
                for c2 in classes[i + 1 :]:
                    found += [f"{x} is in the disjoint classes {c1} and {c2}" for x in work.subjects(a, c1) if (x, a, c2) in work]
    for c1, c2 in work.subject_objects(URIRef(OWL + "complementOf")):
        found += [f"{x} is in {c1} and its complement {c2}" for x in work.subjects(a, c1) if (x, a, c2) in work]
    for p in work.subjects(a, URIRef(OWL + "IrreflexiveProperty")):
        found += [f"{x} {p} itself, which is irreflexive" for x, y in work.subject_objects(p) if x == y]
    for p in work.subjects(a, URIRef(OWL + "AsymmetricProperty")):
        found += [f"{x} {p} {y} both ways, which is asymmetric" for x, y in work.subject_objects(p) if (y, p, x) in work]
    for p1, p2 in work.subject_objects(URIRef(OWL + "propertyDisjointWith")):
        found += [f"{x} {p1} and {p2} {y}, which are disjoint" for x, y in work.subject_objects(p1) if (x, p2, y) in work]
    for x, y in work.subject_objects(URIRef(OWL + "sameAs")):
        if (x, URIRef(OWL + "differentFrom"), y) in work:
            found.append(f"{x} is both the same as and different from {y}")
    for message in found:
        work.add((BNode(), error, Literal(message)))


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
