"""Interface text the site shows that comes from code rather than templates.

The group titles and field names of `show`'s entry view are English strings of the view; they
are marked here so that the message catalogue carries their Russian and Kazakh text, and the
entry page translates them where it shows them. Property names cover the standard properties
(DCTERMS, SKOS, ORG, ...) that the ontology does not label itself.
"""

from __future__ import annotations

from kzgraph import iris
from kzgraph.i18n import N_

# `kzgraph show`'s group titles and field names, as the entry view spells them
VIEW_TEXT = (
    N_("Identity"), N_("name"), N_("also known as"), N_("kind"), N_("description"), N_("homepage"),
    N_("landing page"), N_("IRI"),
    N_("Place in the review"), N_("section"), N_("item"),
    N_("Organization and publisher"), N_("organization type"), N_("founded"), N_("dissolved"),
    N_("founded in"), N_("seat"), N_("part of"), N_("branch of"), N_("hosted by"), N_("publisher"),
    N_("organizer"), N_("participants"), N_("founders"), N_("funders"), N_("supported by"),
    N_("collaborates with"), N_("partner countries"),
    N_("Languages"), N_("primary"), N_("only"), N_("occasional"), N_("other"),
    N_("Topics"), N_("topics"),
    N_("Coverage"), N_("places"), N_("period"), N_("frequency"),
    N_("Channels"), N_("channels"), N_("accounts"),
    N_("Transparency assessments"), N_("entry"), N_("parts"),
    N_("Data formats and services"), N_("formats"), N_("services"), N_("in publications"),
    N_("gender disaggregation"), N_("access rights"),
    N_("Gaps"), N_("gaps"),
    N_("Components and waves"), N_("stated number of components"), N_("components"), N_("waves"),
    N_("Publications"), N_("publications"), N_("Programmes"), N_("programmes"),
    N_("Curation flags"), N_("flags"),
    N_("Provenance"), N_("derived from"), N_("sources"), N_("curated on"), N_("comment"),
    N_("Other statements"),
)

# facet names, as `kzgraph sources` calls its options
FACET_NAMES = {
    "section": N_("Review section"),
    "topic": N_("Topic"),
    "language": N_("Language"),
    "type": N_("Organization type"),
    "methodology": N_("Methodology status"),
    "data-format": N_("Data format"),
    "country": N_("Country or region"),
}

PROPERTY_NAMES = {
    iris.RDF + "type": N_("kind"),
    iris.RDFS + "label": N_("name"),
    iris.RDFS + "comment": N_("comment"),
    iris.RDFS + "seeAlso": N_("see also"),
    iris.RDFS + "isDefinedBy": N_("defined by"),
    iris.RDFS + "subClassOf": N_("subclass of"),
    iris.RDFS + "subPropertyOf": N_("subproperty of"),
    iris.RDFS + "domain": N_("domain"),
    iris.RDFS + "range": N_("range"),
    iris.OWL + "inverseOf": N_("inverse of"),
    iris.OWL + "sameAs": N_("same as"),
    iris.OWL + "equivalentClass": N_("equivalent class"),
    iris.OWL + "equivalentProperty": N_("equivalent property"),
    iris.OWL + "versionInfo": N_("version"),
    iris.OWL + "deprecated": N_("deprecated"),
    iris.SKOS + "prefLabel": N_("name"),
    iris.SKOS + "altLabel": N_("also known as"),
    iris.SKOS + "definition": N_("definition"),
    iris.SKOS + "notation": N_("notation"),
    iris.SKOS + "broader": N_("broader concept"),
    iris.SKOS + "narrower": N_("narrower concept"),
    iris.SKOS + "inScheme": N_("scheme"),
    iris.SKOS + "topConceptOf": N_("top concept of"),
    iris.SKOS + "hasTopConcept": N_("top concept"),
    iris.SKOS + "closeMatch": N_("close match"),
    iris.SKOS + "exactMatch": N_("exact match"),
    iris.SKOS + "broadMatch": N_("broad match"),
    iris.SKOS + "narrowMatch": N_("narrow match"),
    iris.SKOS + "relatedMatch": N_("related match"),
    iris.SKOS + "scopeNote": N_("scope note"),
    iris.DCTERMS + "title": N_("title"),
    iris.DCTERMS + "description": N_("description"),
    iris.DCTERMS + "publisher": N_("publisher"),
    iris.DCTERMS + "contributor": N_("participants"),
    iris.DCTERMS + "creator": N_("creator"),
    iris.DCTERMS + "issued": N_("issued"),
    iris.DCTERMS + "created": N_("created"),
    iris.DCTERMS + "modified": N_("modified"),
    iris.DCTERMS + "language": N_("language"),
    iris.DCTERMS + "spatial": N_("places"),
    iris.DCTERMS + "temporal": N_("period"),
    iris.DCTERMS + "source": N_("sources"),
    iris.DCTERMS + "type": N_("kind"),
    iris.DCTERMS + "subject": N_("subject"),
    iris.DCTERMS + "identifier": N_("identifier"),
    iris.DCTERMS + "license": N_("licence"),
    iris.DCTERMS + "isReplacedBy": N_("replaced by"),
    iris.DCTERMS + "accrualPeriodicity": N_("frequency"),
    iris.DCTERMS + "accessRights": N_("access rights"),
    iris.DCAT + "theme": N_("topics"),
    iris.DCAT + "landingPage": N_("landing page"),
    iris.DCAT + "resource": N_("catalogue entries"),
    iris.DCAT + "version": N_("version"),
    iris.DCAT + "startDate": N_("start"),
    iris.DCAT + "endDate": N_("end"),
    iris.FOAF + "homepage": N_("homepage"),
    iris.FOAF + "account": N_("accounts"),
    iris.FOAF + "name": N_("name"),
    iris.ORG + "classification": N_("organization type"),
    iris.ORG + "subOrganizationOf": N_("part of"),
    iris.SCHEMA + "founder": N_("founders"),
    iris.SCHEMA + "funder": N_("funders"),
    iris.SCHEMA + "organizer": N_("organizer"),
    iris.SCHEMA + "foundingLocation": N_("founded in"),
    iris.SCHEMA + "position": N_("position"),
    iris.SCHEMA + "pageStart": N_("first page"),
    iris.SCHEMA + "pageEnd": N_("last page"),
    iris.PROV + "wasDerivedFrom": N_("derived from"),
}

# how pages name the statements that point at a node, by property
INCOMING_NAMES = {
    iris.DCTERMS + "publisher": N_("Entries it publishes"),
    iris.DCTERMS + "contributor": N_("Entries it takes part in"),
    iris.SCHEMA + "organizer": N_("Entries it organizes"),
    iris.SCHEMA + "founder": N_("Entries it founded"),
    iris.SCHEMA + "funder": N_("Entries it funds"),
    iris.ORG + "subOrganizationOf": N_("Entries that are part of it"),
}
