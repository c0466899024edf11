"""Namespace IRIs as plain strings, so that light code paths need not import rdflib."""

from __future__ import annotations

# The named graph the catalogue lives in: N-Quads/TriG exports, `kzgraph push`, --graph's default.
GRAPH = "https://w3id.org/kzgraph/graph"

KZG = "https://w3id.org/kzgraph/ontology#"
# The vocabulary of kzgraph/views/*.ttl (how the entry view groups and writes statements).
VIEW = "https://w3id.org/kzgraph/view#"
ID = "https://w3id.org/kzgraph/id/"
VOCAB = "https://w3id.org/kzgraph/vocab/"

LANG = "http://publications.europa.eu/resource/authority/language/"
COUNTRY = "http://publications.europa.eu/resource/authority/country/"
FILETYPE = "http://publications.europa.eu/resource/authority/file-type/"
SDG = "http://metadata.un.org/sdg/"

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"
XSD = "http://www.w3.org/2001/XMLSchema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCTERMS = "http://purl.org/dc/terms/"
DCAT = "http://www.w3.org/ns/dcat#"
ORG = "http://www.w3.org/ns/org#"
FOAF = "http://xmlns.com/foaf/0.1/"
PROV = "http://www.w3.org/ns/prov#"
SCHEMA = "http://schema.org/"
DCTYPE = "http://purl.org/dc/dcmitype/"
SH = "http://www.w3.org/ns/shacl#"
DQV = "http://www.w3.org/ns/dqv#"

# Prefix → concept-scheme slug; each scheme's concepts live at VOCAB + slug + "/".
VOCAB_SCHEMES = {
    "topic": "topic",
    "orgtype": "organization-type",
    "status": "methodology-status",
    "disagg": "gender-disaggregation",
    "format": "data-format",
    "access": "access-service",
    "channel": "channel",
    "section": "review-section",
    "region": "region",
    "place": "place",
    "gapkind": "gap-kind",
    "score": "score-element",
    "flagkind": "flag-kind",
    "group": "population-group",
    "tstatus": "translation-status",
}
FREQ = "http://publications.europa.eu/resource/authority/frequency/"
ACCESS_RIGHT = "http://publications.europa.eu/resource/authority/access-right/"

PREFIXES: dict[str, str] = {
    "kzg": KZG,
    "id": ID,
    "vocab": VOCAB,
    **{prefix: f"{VOCAB}{scheme}/" for prefix, scheme in VOCAB_SCHEMES.items()},
    "lang": LANG,
    "country": COUNTRY,
    "filetype": FILETYPE,
    "freq": FREQ,
    "sdg": SDG,
    "rdf": RDF,
    "rdfs": RDFS,
    "owl": OWL,
    "xsd": XSD,
    "skos": SKOS,
    "dcterms": DCTERMS,
    "dcat": DCAT,
    "org": ORG,
    "foaf": FOAF,
    "prov": PROV,
    "schema": SCHEMA,
    "dctype": DCTYPE,
    "sh": SH,
    "dqv": DQV,
}
