"""What a reviewer checks by hand in the ontology and vocabularies (issue 3)."""

from __future__ import annotations

import re
from pathlib import Path
from collections import Counter, defaultdict

import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from kzgraph import iris
from kzgraph.paths import resolve_layout

LAYOUT = resolve_layout(None)
KZG = Namespace(iris.KZG)
PACKAGE = Path(__file__).resolve().parent.parent / "kzgraph"
LANGS = ("en", "ru", "kk")
TERM_TYPES = {OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, RDF.Property, OWL.AnnotationProperty}


def _parse(paths) -> Graph:
    graph = Graph()
    for path in paths:
        graph.parse(path, format="turtle")
    return graph


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return _parse([LAYOUT.ontology_file])


@pytest.fixture(scope="module")
def vocab() -> Graph:
    return _parse(sorted(LAYOUT.vocab_dir.glob("*.ttl")))


@pytest.fixture(scope="module")
def data() -> Graph:
    return _parse(sorted(LAYOUT.data_dir.rglob("*.ttl")))


def _kzg_terms(graph: Graph) -> set[URIRef]:
    return {s for s, o in graph.subject_objects(RDF.type)
            if isinstance(s, URIRef) and str(s).startswith(iris.KZG) and o in TERM_TYPES}


def _langs(graph: Graph, subject, predicate) -> Counter:
    return Counter(o.language for o in graph.objects(subject, predicate) if isinstance(o, Literal))


def test_ontology_header(ontology):
    onto = URIRef("https://w3id.org/kzgraph/ontology")
    assert (onto, RDF.type, OWL.Ontology) in ontology
    for predicate in (OWL.versionIRI, OWL.versionInfo):
        assert ontology.value(onto, predicate) is not None, predicate
    dcterms = "http://purl.org/dc/terms/"
    for name in ("title", "description", "license", "creator", "created", "modified"):
        assert ontology.value(onto, URIRef(dcterms + name)) is not None, name
    assert ontology.value(onto, URIRef(dcterms + "license")) == URIRef("https://creativecommons.org/licenses/by/4.0/")
    assert not list(ontology.objects(onto, OWL.imports)), "nothing is imported over the network"


def test_every_term_is_labelled_in_three_languages_and_defined(ontology):
    terms = _kzg_terms(ontology)
    assert len(terms) > 40
    problems = []
    for term in sorted(terms):
        langs = _langs(ontology, term, RDFS.label)
        if any(langs[lang] != 1 for lang in LANGS):
            problems.append(f"{term}: labels {dict(langs)}")
        definitions = [o for p in (RDFS.comment, SKOS.definition) for o in ontology.objects(term, p)
                       if isinstance(o, Literal) and o.language == "en"]
        if not definitions:
            problems.append(f"{term}: no English definition")
    assert not problems, "\n".join(problems)


# Terms for which no standard vocabulary has a counterpart worth a sub-property axiom: exact
# counts and codes, and facets whose values are our own concepts. Adding to this list needs a reason.
UNALIGNED_BY_DESIGN = {
    "channel", "platform", "genderDisaggregation", "methodologyStatus", "dataCollectionStatus",
    "accountUrlPattern", "weight", "waveNumber", "missingShareAtLeast", "indicatorCount",
    "sampleSize", "respondentCountMoreThan", "documentCountMoreThan", "economyCount",
    "componentCount", "flaggedProperty",
    # issue 14: a yes/no and a count the review states, with no standard counterpart
    "statesSampleSize", "genderPublicationCount",
}


def test_every_term_is_aligned_to_a_standard(ontology):
    """Each kzg: class and property sits under or beside a standard term, unless listed above."""
    unaligned = set()
    for term in _kzg_terms(ontology):
        links = {o for p in (RDFS.subClassOf, RDFS.subPropertyOf, SKOS.closeMatch, OWL.inverseOf,
                             OWL.equivalentProperty, OWL.equivalentClass) for o in ontology.objects(term, p)}
        if not links:
            unaligned.add(str(term)[len(iris.KZG):])
    assert unaligned == UNALIGNED_BY_DESIGN


def test_every_ontology_term_the_code_names_is_declared(ontology):
    """Namespaces are checked against the ontology: a misspelt kzg: term in a query, a shape or the
    code would silently match nothing."""
    declared = {str(t)[len(iris.KZG):] for t in _kzg_terms(ontology)}
    used: dict[str, set[str]] = defaultdict(set)
    sources = [*PACKAGE.rglob("*.rq"), *PACKAGE.rglob("*.py"), *PACKAGE.glob("views/*.ttl"), *LAYOUT.shape_files()]
    for path in sources:
        text = path.read_text(encoding="utf-8")
        if path.suffix == ".py":
            # misspellings shown as examples in comments and ``docs`` are not terms the code uses
            text = re.sub(r"``[^`]*``|#[^\n]*", "", text)
        for name in re.findall(r"(?<![\w:])kzg:([A-Za-z][A-Za-z0-9_]*)", text):
            used[name].add(path.name)
        for name in re.findall(r'iris\.KZG \+ "([A-Za-z][A-Za-z0-9_]*)"', text):
            used[name].add(path.name)
    assert len(used) > 20  # the scan found the terms (queries name dozens)
    undeclared = {name: sorted(files) for name, files in used.items() if name not in declared}
    assert not undeclared


def test_language_properties_have_no_domain(ontology):
    """A domain on a language property would make every publication a catalogue entry."""
    for prop in (KZG.primaryLanguage, KZG.occasionalLanguage, KZG.exclusiveLanguage, KZG.dataFormat, KZG.channel):
        assert ontology.value(prop, RDFS.domain) is None, prop
    assert (KZG.primaryLanguage, RDFS.subPropertyOf, URIRef(iris.DCTERMS + "language")) in ontology
    assert (KZG.occasionalLanguage, RDFS.subPropertyOf, URIRef(iris.DCTERMS + "language")) in ontology


def test_every_concept_is_in_exactly_one_scheme_and_labelled(vocab):
    concepts = set(vocab.subjects(RDF.type, SKOS.Concept))
    assert len(concepts) > 100
    problems = []
    for concept in sorted(concepts):
        schemes = set(vocab.objects(concept, SKOS.inScheme))
        if len(schemes) != 1:
            problems.append(f"{concept}: in {len(schemes)} schemes")
        langs = _langs(vocab, concept, SKOS.prefLabel)
        if any(langs[lang] != 1 for lang in LANGS):
            problems.append(f"{concept}: prefLabels {dict(langs)}")
        if not any(o.language == "en" for o in vocab.objects(concept, SKOS.definition)):
            problems.append(f"{concept}: no English definition")
        broader = set(vocab.objects(concept, SKOS.broader))
        top = set(vocab.objects(concept, SKOS.topConceptOf))
        if not broader and not top:
            problems.append(f"{concept}: neither broader nor topConceptOf")
    assert not problems, "\n".join(problems)


def test_preflabels_unique_per_language_per_scheme(vocab):
    seen = defaultdict(list)
    for concept, label in vocab.subject_objects(SKOS.prefLabel):
        for scheme in vocab.objects(concept, SKOS.inScheme):
            seen[(scheme, label.language, str(label))].append(concept)
    clashes = {k: v for k, v in seen.items() if len(v) > 1}
    assert not clashes, clashes


def test_nothing_declares_broader_or_suborganization_transitive():
    graph = _parse([LAYOUT.ontology_file, LAYOUT.axioms_file, *sorted(LAYOUT.vocab_dir.glob("*.ttl"))])
    for prop in (SKOS.broader, URIRef(iris.ORG + "subOrganizationOf")):
        assert (prop, RDF.type, OWL.TransitiveProperty) not in graph, prop
    assert (SKOS.broaderTransitive, RDF.type, OWL.TransitiveProperty) in graph
    assert (URIRef(iris.ORG + "transitiveSubOrganizationOf"), RDF.type, OWL.TransitiveProperty) in graph


def test_axioms_type_no_external_iri():
    """The local axioms carry no domain or range that would retype SDG, EU or schema.org IRIs."""
    axioms = _parse([LAYOUT.axioms_file])
    assert not list(axioms.triples((None, RDFS.domain, None)))
    assert not list(axioms.triples((None, RDFS.range, None)))


def test_topic_hierarchy_follows_the_sdg_split(vocab):
    topic = lambda slug: URIRef(iris.VOCAB + "topic/" + slug)  # noqa: E731
    closure = lambda c: set(vocab.transitive_objects(c, SKOS.broader))  # noqa: E731
    for narrower in ("gender-based-violence", "domestic-violence", "sexual-violence", "violence-against-women"):
        assert topic("violence") in closure(topic(narrower)), narrower
    assert topic("violence") not in closure(topic("harmful-practices"))
    assert topic("human-rights") in closure(topic("lgbtq-rights"))
    assert (topic("harmful-practices"), SKOS.closeMatch, URIRef(iris.SDG + "5.3")) in vocab
    assert (topic("gender-based-violence"), SKOS.closeMatch, URIRef(iris.SDG + "5.2")) in vocab


AUTHORITY_PATTERNS = {
    iris.LANG: re.compile(r"^http://publications\.europa\.eu/resource/authority/language/[A-Z]{3}$"),
    iris.COUNTRY: re.compile(r"^http://publications\.europa\.eu/resource/authority/country/[A-Z]{3}$"),
    iris.FILETYPE: re.compile(r"^http://publications\.europa\.eu/resource/authority/file-type/[A-Z0-9_]+$"),
    iris.SDG: re.compile(r"^http://metadata\.un\.org/sdg/\d+(\.[0-9a-z]+)?$"),
}


def test_external_authority_iris_match_their_patterns(vocab, data):
    bad = []
    for graph in (vocab, data):
        for triple in graph:
            for node in triple:
                if isinstance(node, URIRef):
                    for base, pattern in AUTHORITY_PATTERNS.items():
                        if str(node).startswith(base) and not pattern.match(str(node)):
                            bad.append(str(node))
    assert not bad, sorted(set(bad))


def test_languages_and_countries_are_described_locally(vocab, data):
    used = {o for p in (KZG.primaryLanguage, KZG.occasionalLanguage, KZG.exclusiveLanguage)
            for o in data.objects(None, p)}
    used |= {o for o in data.objects(None, URIRef(iris.DCTERMS + "spatial")) if str(o).startswith(iris.COUNTRY)}
    assert used, "the data uses languages and countries"
    missing = [str(t) for t in used if (t, RDF.type, SKOS.Concept) not in vocab]
    assert not missing, missing


def test_data_uses_only_defined_kzg_terms(ontology, data):
    defined = {str(t) for t in _kzg_terms(ontology)}
    used = set()
    for s, p, o in data:
        for node in (p, o) if p != RDF.type else (o,):
            if isinstance(node, URIRef) and str(node).startswith(iris.KZG):
                used.add(str(node))
        if isinstance(p, URIRef) and str(p).startswith(iris.KZG):
            used.add(str(p))
    assert used - defined == set()


def test_data_uses_only_existing_concepts(vocab, data):
    concepts = {str(c) for c in vocab.subjects(RDF.type, SKOS.Concept)}
    used = {str(o) for o in data.objects() if isinstance(o, URIRef) and str(o).startswith(iris.VOCAB)}
    assert used - concepts == set()
