"""rdflib namespaces for rdflib-side code (SHACL, reasoning, export); the query path uses iris.py."""

from rdflib import Namespace, URIRef
from rdflib.namespace import DefinedNamespace

from . import iris


class KZG(DefinedNamespace):
    """The kzgraph ontology; a misspelt term raises instead of minting a wrong IRI."""

    _NS = Namespace(iris.KZG)
    _fail = True

    Assessment: URIRef
    Component: URIRef
    CurationFlag: URIRef
    DataPortal: URIRef
    Database: URIRef
    Gap: URIRef
    Guide: URIRef
    Infographic: URIRef
    LegalAct: URIRef
    Programme: URIRef
    Publication: URIRef
    PublicationSeries: URIRef
    Report: URIRef
    Source: URIRef
    Survey: URIRef
    SurveyWave: URIRef
    accountUrl: URIRef
    accountUrlPattern: URIRef
    assessment: URIRef
    assessmentOf: URIRef
    branchOf: URIRef
    channel: URIRef
    collaboratesWith: URIRef
    component: URIRef
    componentCount: URIRef
    curatedOn: URIRef
    dataCollectionStatus: URIRef
    dataFormat: URIRef
    dataService: URIRef
    dissolutionYear: URIRef
    documentCountMoreThan: URIRef
    economyCount: URIRef
    evidence: URIRef
    exclusiveLanguage: URIRef
    flagReason: URIRef
    flaggedProperty: URIRef
    flaggedSubject: URIRef
    foundingYear: URIRef
    gap: URIRef
    gapKind: URIRef
    genderDisaggregation: URIRef
    hostedBy: URIRef
    indicatorCount: URIRef
    Translation: URIRef
    flagKind: URIRef
    recordedValue: URIRef
    sourceText: URIRef
    translationStatus: URIRef
    audience: URIRef
    focusGroup: URIRef
    statesSampleSize: URIRef
    genderPublicationCount: URIRef
    iso31661alpha2: URIRef
    iso31661alpha3: URIRef
    iso6391: URIRef
    iso6393: URIRef
    methodologyStatus: URIRef
    missingShareAtLeast: URIRef
    occasionalLanguage: URIRef
    partnerCountry: URIRef
    platform: URIRef
    primaryLanguage: URIRef
    programme: URIRef
    publication: URIRef
    respondentCountMoreThan: URIRef
    reviewItem: URIRef
    reviewSection: URIRef
    sampleSize: URIRef
    seat: URIRef
    statedValue: URIRef
    supportedBy: URIRef
    wave: URIRef
    waveNumber: URIRef
    weight: URIRef


ID = Namespace(iris.ID)
VOCAB = Namespace(iris.VOCAB)
DCAT = Namespace(iris.DCAT)
DCTERMS = Namespace(iris.DCTERMS)
ORG = Namespace(iris.ORG)
PROV = Namespace(iris.PROV)
SCHEMA = Namespace(iris.SCHEMA)
SKOS = Namespace(iris.SKOS)
