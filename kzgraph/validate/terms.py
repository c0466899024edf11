"""Checks that catch slips SHACL shapes cannot see: unknown terms, misnamed files.

A misspelt class (``a kzg:Sourse``) or property (``kzg:primaryLangauge``, ``dcterms:spacial``)
breaks no shape: the node simply falls out of every target and every query. So, besides the
shapes, ``kzgraph validate`` checks that

- every ``kzg:`` term used anywhere is declared (typed as a class or property) in the graph,
  i.e. in the ontology;
- every class of a catalogue node (an ``id:`` IRI) is known: declared, named by an ontology
  axiom (sub-class, domain, range, equivalence), or by a shape (``sh:targetClass``, ``sh:class``);
- every predicate of a catalogue node is known (closed world): declared, named by an ontology
  axiom (sub-property, inverse, equivalence, restriction), or by a shape (``sh:path``,
  ``sh:targetSubjectsOf``/``sh:targetObjectsOf``; ``shapes/terms.ttl`` lists the standard terms
  nothing else names);
- a file of ``data/`` describes its main subject, ``id:`` + the file name.

Each problem is a violation on the line of the offending triple, with the closest known term.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Iterable

import pyoxigraph as ox

from kzgraph import iris

if TYPE_CHECKING:
    from kzgraph.load import Catalogue
    from kzgraph.validate import Result

CHECKS_NS = "https://w3id.org/kzgraph/checks#"
KNOWN_TERMS_CHECK = CHECKS_NS + "known-terms"
FILE_SUBJECT_CHECK = CHECKS_NS + "file-names-its-subject"
# The constraint component the report names for these results (kzgraph's own, not SHACL's).
KNOWN_TERM_COMPONENT = CHECKS_NS + "KnownTermConstraintComponent"
FILE_SUBJECT_COMPONENT = CHECKS_NS + "FileSubjectConstraintComponent"

_RDF_TYPE = iris.RDF + "type"
_CLASS_KINDS = {iris.OWL + "Class", iris.RDFS + "Class", iris.RDFS + "Datatype"}
_PROPERTY_KINDS = {iris.RDF + "Property"} | {
    iris.OWL + kind
    for kind in (
        "ObjectProperty", "DatatypeProperty", "AnnotationProperty", "OntologyProperty",
        "TransitiveProperty", "SymmetricProperty", "AsymmetricProperty", "ReflexiveProperty",
        "IrreflexiveProperty", "FunctionalProperty", "InverseFunctionalProperty",
    )
}
_INDIVIDUAL_KINDS = {iris.OWL + "NamedIndividual"}
_CLASS_AXIOMS = {iris.RDFS + "subClassOf", iris.OWL + "equivalentClass", iris.RDFS + "domain", iris.RDFS + "range",
                 iris.OWL + "disjointWith", iris.OWL + "someValuesFrom", iris.OWL + "allValuesFrom"}
_PROPERTY_AXIOMS = {iris.RDFS + "subPropertyOf", iris.OWL + "equivalentProperty", iris.OWL + "inverseOf",
                    iris.OWL + "onProperty", iris.OWL + "propertyDisjointWith"}
_SHAPE_CLASSES = {iris.SH + "targetClass", iris.SH + "class"}
_SHAPE_PREDICATES = {iris.SH + name for name in (
    "path", "inversePath", "zeroOrMorePath", "oneOrMorePath", "zeroOrOnePath", "targetSubjectsOf",
    "targetObjectsOf", "equals", "disjoint", "lessThan", "lessThanOrEquals",
)}


@dataclass(frozen=True)
class Known:
    """The terms the ontology and the shapes know."""

    classes: frozenset[str]
    predicates: frozenset[str]
    declared: frozenset[str]  # every subject with an rdf:type (terms the graph declares)


def known_terms(graph: Iterable[ox.Quad | ox.Triple], shapes: Iterable[ox.Quad | ox.Triple]) -> Known:
    """Collect the classes and predicates that ``graph`` (ontology and vocabularies) and ``shapes`` name."""
    classes: set[str] = set()
    predicates: set[str] = {_RDF_TYPE}
    declared: set[str] = set()
    named = ox.NamedNode
    for quad in graph:
        p, o = quad.predicate.value, quad.object
        if type(o) is not named:
            continue
        if p == _RDF_TYPE:
            if type(quad.subject) is named:
                declared.add(quad.subject.value)
                if o.value in _CLASS_KINDS:
                    classes.add(quad.subject.value)
                elif o.value in _PROPERTY_KINDS:
                    predicates.add(quad.subject.value)
        elif p in _CLASS_AXIOMS:
            classes.add(o.value)
            if p == iris.RDFS + "subClassOf" and type(quad.subject) is named:
                classes.add(quad.subject.value)
        elif p in _PROPERTY_AXIOMS:
            predicates.add(o.value)
    # sh:path (a b c) lists its steps with rdf:first
    in_lists: set = set()
    path_nodes: set = set()
    triples = list(shapes)
    for quad in triples:
        p, o = quad.predicate.value, quad.object
        if p in _SHAPE_CLASSES and type(o) is named:
            classes.add(o.value)
        elif p in _SHAPE_PREDICATES:
            if type(o) is named:
                predicates.add(o.value)
            else:
                path_nodes.add(o)
        elif p == iris.SH + "alternativePath":
            path_nodes.add(o)
    if path_nodes:
        out: dict = {}
        for quad in triples:
            out.setdefault(quad.subject, []).append(quad)
        todo = list(path_nodes)
        while todo:
            node = todo.pop()
            if node in in_lists:
                continue
            in_lists.add(node)
            for quad in out.get(node, ()):
                if type(quad.object) is named and quad.predicate.value != _RDF_TYPE:
                    if quad.predicate.value != iris.RDF + "rest":
                        predicates.add(quad.object.value)
                elif type(quad.object) is ox.BlankNode:
                    todo.append(quad.object)
    predicates.discard(iris.RDF + "nil")
    return Known(frozenset(classes), frozenset(predicates), frozenset(declared))


def suggestion(term: str, candidates: Iterable[str]) -> str | None:
    """Return the known term closest to ``term`` (compared as prefixed names, case-insensitively)."""
    from kzgraph.validate import compact

    shown = {compact(c).lower(): c for c in candidates}
    wanted = compact(term).lower()
    # same namespace first: dcterms:spacial is dcterms:spatial, not kzg:spatial
    namespace = wanted.split(":", 1)[0] + ":" if ":" in wanted else ""
    same = [s for s in shown if namespace and s.startswith(namespace)]
    for pool in (same, list(shown)):
        close = difflib.get_close_matches(wanted, pool, n=1, cutoff=0.75)
        if close:
            return shown[close[0]]
    return None


def term_results(catalogue: "Catalogue", shape_triples: Iterable[ox.Quad | ox.Triple]) -> list["Result"]:
    """Return a violation per triple that uses an undeclared kzg: term or an unknown class or predicate."""
    from kzgraph.validate import VIOLATION, Result, compact

    known = known_terms(catalogue.quads, shape_triples)
    kzg_terms = [t for t in known.declared if t.startswith(iris.KZG)]
    results: list[Result] = []
    named = ox.NamedNode
    seen: set[tuple] = set()
    for quad in catalogue.quads:
        s, p, o = quad.subject, quad.predicate.value, quad.object
        is_entry = type(s) is named and s.value.startswith(iris.ID)
        problem = None  # (term, kind, candidates)
        if p.startswith(iris.KZG) and p not in known.declared:
            problem = (p, "property", [t for t in known.predicates if t.startswith(iris.KZG)])
        elif is_entry and p not in known.predicates:
            problem = (p, "predicate", known.predicates)
        elif type(o) is named and o.value.startswith(iris.KZG) and o.value not in known.declared:
            kind = "class" if p == _RDF_TYPE else "term"
            problem = (o.value, kind, [t for t in known.classes if t.startswith(iris.KZG)] if p == _RDF_TYPE else kzg_terms)
        elif is_entry and p == _RDF_TYPE and type(o) is named and o.value not in known.classes:
            problem = (o.value, "class", known.classes)
        elif type(s) is named and s.value.startswith(iris.KZG) and s.value not in known.declared:
            problem = (s.value, "term", kzg_terms)
        if problem is None:
            continue
        term, kind, candidates = problem
        key = (s, p, o)
        if key in seen:
            continue
        seen.add(key)
        close = suggestion(term, candidates)
        hint = f"did you mean {compact(close)}?" if close else _no_hint(kind)
        if term.startswith(iris.KZG):
            what = f"{compact(term)} is not a term of the kzgraph ontology (ontology/kzg.ttl)"
        elif kind == "class":
            what = f"{compact(term)} is not a class the ontology or the shapes know"
        else:
            what = f"{compact(term)} is not a predicate the ontology or the shapes know"
        focus = "_:" + s.value if type(s) is ox.BlankNode else s.value
        results.append(
            Result(
                severity=VIOLATION,
                focus=focus,
                path=p,
                value=str(o),
                message=f"{what}: {hint}",
                source_shape=KNOWN_TERMS_CHECK,
                constraint=KNOWN_TERM_COMPONENT,
                location=catalogue.triple_location(focus, p, str(o)),
            )
        )
    return results


def _no_hint(kind: str) -> str:
    if kind == "class":
        return "check the spelling, or declare the class in ontology/kzg.ttl"
    return "check the spelling, or declare the term in ontology/kzg.ttl (or constrain it in shapes/)"


def file_subject_results(catalogue: "Catalogue", data_dir: Path | None) -> list["Result"]:
    """Return a violation for each file under ``data_dir`` that does not describe ``id:`` + its name."""
    from kzgraph.load import Location
    from kzgraph.paths import display_path
    from kzgraph.validate import VIOLATION, Result, compact

    if data_dir is None:
        return []
    root = Path(data_dir).resolve()
    files = [f for f in catalogue.files if f.suffix.lower() == ".ttl" and root in f.parents]
    if not files:
        return []
    wanted = set(files)
    described: dict[Path, list[tuple[int, str]]] = {}
    for key, place in catalogue.locations.items():
        if place.path in wanted and not key.startswith("_:"):
            described.setdefault(place.path, []).append((place.line, key))
    for key, places in catalogue.duplicates.items():
        for place in places:
            if place.path in wanted:
                described.setdefault(place.path, []).append((place.line, key))
    results: list[Result] = []
    for path in files:
        subjects = sorted(described.get(path, ()))
        main = iris.ID + path.stem
        if not subjects or main in {key for _, key in subjects}:
            continue
        line, first = subjects[0]
        results.append(
            Result(
                severity=VIOLATION,
                focus=first,
                path=None,
                value=None,
                message=(
                    f"{display_path(path)} does not describe {compact(main)}: a file of data/ describes its "
                    f"main subject, id: + the file name; rename the file after its subject "
                    f"({compact(first)}) or give the subject the IRI {compact(main)}"
                ),
                source_shape=FILE_SUBJECT_CHECK,
                constraint=FILE_SUBJECT_COMPONENT,
                location=Location(path, line),
            )
        )
    return results
