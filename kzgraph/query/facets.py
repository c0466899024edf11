"""Faceted access to the catalogue for people who do not write SPARQL.

What lives here:

- vocabulary lookups: turn what a user types (``kk``, ``KAZ``, ``Kazakh``, ``violence``,
  ``2``) into the one concept IRI it names, or a `UsageError` that lists the valid
  values with their labels and suggests the closest;
- the filter bindings for the ``sources`` named query: every filter is a validated
  term bound to a ``VALUES ?name { UNDEF }`` block, never text pasted into SPARQL;
- running the command queries (``sources``, ``show``, ``flags``, ``stats``) and the
  ``transparency-score`` query through the named-query API, and shaping their rows.

No rdflib here: this is on the query path.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Iterable

import pyoxigraph as ox

from kzgraph import iris

from kzgraph.query import named

from kzgraph.query import sparql
from kzgraph.errors import UsageError
from kzgraph.store import Catalogue, as_catalogue
from kzgraph.suggest import closest, did_you_mean

SCORE_QUERY = "transparency-score"
SCORE_ENTRY_PARAM = "entry"  # optional parameter of the score query: the entries to score
# above this many entries, score every entry instead of listing them in the query (the list is
# bound on the embedded store only). Scoring every entry grows faster than the catalogue (100x:
# 9 s; 1000x: 1,447 s for 94k entries), a list about linearly (1000x, `sources --topic
# violence`, 12,452 entries listed: 140 s in all), so the list pays up to large sizes.
SCORE_ENTRY_LIMIT = 50_000
SOURCES_QUERY = "sources"
SHOW_QUERY = "show"
FLAGS_QUERY = "flags"
STATS_QUERY = "stats"
VOCABULARY_QUERY = "vocabulary"

# score elements in the order the score query returns them (its column names)
SCORE_ELEMENTS = (
    "methodologyNote",
    "dataCollection",
    "machineReadable",
    "genderDisaggregation",
    "kazakh",
    "russian",
    "english",
)
# score-element concept slug for each column, to read weights and labels
SCORE_ELEMENT_SLUGS = {
    "methodologyNote": "methodology-note",
    "dataCollection": "data-collection",
    "machineReadable": "machine-readable",
    "genderDisaggregation": "gender-disaggregation",
    "kazakh": "kazakh",
    "russian": "russian",
    "english": "english",
}

LANGUAGE_ORDER = ("kk", "ru", "en", "uz")
SORT_KEYS = ("section", "name", "score", "founded")


def scheme_iri(name: str) -> str:
    """The IRI of a kzgraph concept scheme (``topic`` -> .../vocab/topic)."""
    return f"{iris.VOCAB}{name}"


# ---------------------------------------------------------------- vocabularies


@dataclass
class Concept:
    """One SKOS concept with what a user may type to name it."""

    iri: str
    scheme: str
    labels: dict[str, str] = field(default_factory=dict)  # lang -> prefLabel
    alt_labels: list[str] = field(default_factory=list)
    codes: list[str] = field(default_factory=list)  # notations, ISO codes
    iso6391: str | None = None
    iso_alpha3: str | None = None
    notation: str | None = None
    broader: list[str] = field(default_factory=list)  # concept IRIs (skos:broader)

    @property
    def slug(self) -> str:
        return self.iri.rstrip("/").rsplit("/", 1)[-1]

    def label(self, lang: str = "en") -> str:
        return self.labels.get(lang) or self.labels.get("en") or next(iter(self.labels.values()), self.slug)

    def keys(self) -> set[str]:
        """Every case-folded string that names this concept."""
        found = {self.slug, *self.codes, *self.labels.values(), *self.alt_labels}
        return {k.casefold() for k in found if k}


@dataclass(frozen=True)
class Facet:
    """A filter option and the concept schemes its values come from."""

    option: str  # the option as users type it, e.g. "--topic"
    noun: str  # how error messages call a value, e.g. "topic"
    schemes: tuple[str, ...]  # scheme IRIs
    display: str = "slug"  # "slug" | "iso6391" | "iso3" | "notation"
    vocab: str = ""  # the scheme `kzgraph vocab` lists its values under

    def vocab_hint(self) -> str:
        return f"run `kzgraph vocab {self.vocab}` for the list" if self.vocab else ""


FACETS: dict[str, Facet] = {
    "language": Facet("--language", "language", (scheme_iri("language"),), "iso6391", "language"),
    "topic": Facet("--topic", "topic", (scheme_iri("topic"),), vocab="topic"),
    "type": Facet("--type", "organization type", (scheme_iri("organization-type"),), vocab="organization-type"),
    "section": Facet("--section", "section", (scheme_iri("review-section"),), vocab="review-section"),
    "methodology": Facet("--methodology", "methodology status", (scheme_iri("methodology-status"),),
                         vocab="methodology-status"),
    "data-format": Facet(
        "--data-format", "data format", (scheme_iri("data-format"), scheme_iri("access-service")),
        vocab="data-format access-service",
    ),
    "country": Facet("--country", "country or region", (scheme_iri("country"), scheme_iri("region")), "iso3",
                     "country region"),
}
# short names `kzgraph vocab` takes for a scheme: the facets' option names and the IRI prefixes
SCHEME_ALIASES: dict[str, str] = {
    "type": "organization-type",
    "section": "review-section",
    "methodology": "methodology-status",
    "format": "data-format",
    **{prefix: scheme for prefix, scheme in iris.VOCAB_SCHEMES.items() if prefix != scheme},
}


class Vocabularies:
    """The concepts of the catalogue's schemes, read once with the `vocabulary` query."""

    def __init__(self, concepts: Iterable[Concept]) -> None:
        self.by_iri: dict[str, Concept] = {}
        self.by_scheme: dict[str, list[Concept]] = {}
        for c in concepts:
            self.by_iri[c.iri] = c
            self.by_scheme.setdefault(c.scheme, []).append(c)
        for members in self.by_scheme.values():
            members.sort(key=_concept_order)

    @classmethod
    def load(cls, catalogue: "Catalogue", queries_dir: Path | None = None) -> "Vocabularies":
        result = run_named(catalogue, VOCABULARY_QUERY, queries_dir=queries_dir)
        concepts: dict[str, Concept] = {}
        for row in _rows(result):
            iri = row["concept"].value
            c = concepts.get(iri)
            if c is None:
                c = concepts[iri] = Concept(iri, row["scheme"].value)
            prop = row["property"].value
            value = row["value"]
            if not isinstance(value, ox.Literal):
                if prop == iris.SKOS + "broader" and isinstance(value, ox.NamedNode):
                    c.broader.append(value.value)
                continue
            if prop == iris.SKOS + "prefLabel":
                c.labels.setdefault(value.language or "", value.value)
            elif prop == iris.SKOS + "altLabel":
                c.alt_labels.append(value.value)
            else:
                c.codes.append(value.value)
                if prop == iris.KZG + "iso6391":
                    c.iso6391 = value.value
                elif prop == iris.KZG + "iso31661alpha3":
                    c.iso_alpha3 = value.value
                elif prop == iris.SKOS + "notation":
                    c.notation = value.value
        return cls(concepts.values())

    def concepts(self, facet: Facet) -> list[Concept]:
        return [c for s in facet.schemes for c in self.by_scheme.get(s, [])]

    def get(self, iri: str | None) -> Concept | None:
        return self.by_iri.get(iri) if iri else None

    def label(self, iri: str | None, lang: str = "en") -> str:
        c = self.get(iri)
        if c is not None:
            return c.label(lang)
        return "" if iri is None else iri.rstrip("/").rsplit("/", 1)[-1]

    def key(self, facet: Facet, concept: Concept) -> str:
        """The value to show for a concept in lists of valid values (what to type)."""
        if facet.display == "iso6391" and concept.iso6391:
            return concept.iso6391
        if facet.display == "iso3" and concept.iso_alpha3:
            return concept.iso_alpha3
        return concept.slug

    def resolve(self, facet_name: str, raw: str) -> Concept:
        """The concept a user's value names; else a UsageError listing valid values."""
        facet = FACETS[facet_name]
        members = self.concepts(facet)
        wanted = raw.strip().casefold()
        # a slug or code wins over a label, so that "independent-media" is never ambiguous
        exact = [c for c in members if wanted in {c.slug.casefold(), *(k.casefold() for k in c.codes)}]
        if not exact:
            exact = [c for c in members if wanted in c.keys()]
        if len(exact) == 1:
            return exact[0]
        hint = facet.vocab_hint()
        if len(exact) > 1:
            names = ", ".join(self.key(facet, c) for c in exact)
            raise UsageError(f"{facet.noun} {raw!r} is ambiguous: it could be {names}; {hint}")
        if not members:
            raise UsageError(f"unknown {facet.noun} {raw!r}: the graph has no {facet.noun} vocabulary")
        close = self._closest(facet, members, wanted)
        if close:
            raise UsageError(f"unknown {facet.noun} {raw!r}; {did_you_mean(close)}{hint}")
        if len(members) <= 8:  # a short vocabulary fits on the line
            listed = ", ".join(self.key(facet, c) for c in members)
            shows = f"`kzgraph vocab {facet.vocab}` shows their labels" if facet.vocab else ""
            raise UsageError(f"unknown {facet.noun} {raw!r}; use one of {listed}" + (f" ({shows})" if shows else ""))
        raise UsageError(f"unknown {facet.noun} {raw!r}; {hint}")

    def _closest(self, facet: Facet, members: list[Concept], wanted: str) -> list[str]:
        by_key: dict[str, str] = {}
        for c in members:
            key = self.key(facet, c)
            for k in sorted(c.keys(), key=lambda k: (k != key.casefold(), k)):
                by_key.setdefault(k, key)
        return closest(wanted, by_key, n=3)


def _concept_order(c: Concept) -> tuple:
    n = c.notation
    return (0, int(n), c.slug) if n and n.isdigit() else (1, 0, c.slug)


# ---------------------------------------------------------------- running named queries


def run_named(
    catalogue: "Catalogue",
    name: str,
    params: dict[str, sparql.Term | list[sparql.Term]] | None = None,
    *,
    labels: str = "en",
    queries_dir: Path | None = None,
) -> sparql.Result:
    """Run a named query with validated terms bound to its declared parameters (a list: each term)."""
    nq = named.get_named(name, queries_dir)
    declared = {p.name for p in nq.params}
    bindings = {k: v for k, v in (params or {}).items() if v is not None}
    unknown = set(bindings) - declared
    if unknown:  # a programming error, but say it plainly
        raise UsageError(f"the named query {name!r} has no parameter(s) {', '.join(sorted(unknown))}")
    if named.LABELS_PARAM in declared and named.LABELS_PARAM not in bindings:
        bindings[named.LABELS_PARAM] = ox.Literal(labels)
    return sparql.run_query(catalogue, nq.text, bindings=bindings, prefixes=iris.PREFIXES)


def _rows(result: sparql.Result) -> list[dict[str, sparql.Term]]:
    return [
        {v: t for v, t in zip(result.variables, row) if t is not None} for row in result.rows
    ]


def literal_value(term: sparql.Term | None) -> str | None:
    return None if term is None else term.value


def int_lit(value: int) -> ox.Literal:
    return ox.Literal(str(int(value)), datatype=ox.NamedNode(iris.XSD + "integer"))


def bool_lit(value: bool) -> ox.Literal:
    return ox.Literal("true" if value else "false", datatype=ox.NamedNode(iris.XSD + "boolean"))


def year_of(text: str | None) -> int | None:
    """The year of an xsd:gYear lexical form ("2018", "2018Z", "-0044"), as an int."""
    if not text:
        return None
    m = re.match(r"^(-?\d{4,})", text)
    return int(m.group(1)) if m else None


# ---------------------------------------------------------------- transparency score


@dataclass
class Score:
    """One entry's transparency score and its per-element values (0, 0.5, 1 or None)."""

    entry: str
    score: Decimal | None
    elements: dict[str, Decimal | None]
    # why each element scored what it did ("available", "not-stated", "primary", ...),
    # from the query's ?<element>Status columns where it has them
    statuses: dict[str, str | None] = field(default_factory=dict)


def scores(
    catalogue: "Catalogue",
    *,
    labels: str = "en",
    queries_dir: Path | None = None,
    entries: Iterable[str] | None = None,
) -> dict[str, Score] | None:
    """Scores per entry IRI from the `transparency-score` named query; None if it is not installed.

    ``entries`` (IRIs): only these are needed. When the query declares an ``entry`` parameter,
    it is bound to them, so only they are scored (each entry's score depends on that entry
    alone); a query without it, more than `SCORE_ENTRY_LIMIT` entries, or a catalogue that
    does not bind long VALUES lists (``capabilities.long_values``: Virtuoso 7.2 does not finish
    the query with a list in its subquery) scores every entry.
    """
    try:
        nq = named.get_named(SCORE_QUERY, queries_dir)
    except UsageError:
        return None
    params: dict[str, Any] = {}
    catalogue = as_catalogue(catalogue)
    lists = catalogue.capabilities.long_values
    if entries is not None and lists and SCORE_ENTRY_PARAM in sparql.declared_parameters(nq.text):
        wanted = sorted(set(entries))
        if not wanted:
            return {}
        if len(wanted) <= SCORE_ENTRY_LIMIT:
            params[SCORE_ENTRY_PARAM] = [ox.NamedNode(iri) for iri in wanted]
    result = run_named(catalogue, SCORE_QUERY, params, labels=labels, queries_dir=queries_dir)
    out: dict[str, Score] = {}
    for row in _rows(result):
        entry = row.get("entry")
        if entry is None:
            continue
        out[entry.value] = Score(
            entry.value,
            _decimal(row.get("score")),
            {e: _decimal(row.get(e)) for e in SCORE_ELEMENTS},
            {e: literal_value(row.get(e + "Status")) for e in SCORE_ELEMENTS},
        )
    return out


def _decimal(term: sparql.Term | None) -> Decimal | None:
    if term is None:
        return None
    try:
        return Decimal(term.value)
    except (InvalidOperation, ValueError):
        return None


def format_score(value: Decimal | None, places: int = 2) -> str:
    if value is None:
        return ""
    q = Decimal(1).scaleb(-places)
    return str(value.quantize(q))


def score_weights(vocab: Vocabularies, catalogue: "Catalogue") -> dict[str, Decimal]:
    """The published weight of each score element (kzg:weight on the score-element concepts)."""
    out: dict[str, Decimal] = {}
    base = f"{iris.VOCAB}score-element/"
    catalogue = as_catalogue(catalogue)
    for col, slug in SCORE_ELEMENT_SLUGS.items():
        for q in catalogue.match(ox.NamedNode(base + slug), ox.NamedNode(iris.KZG + "weight"), None):
            try:
                out[col] = Decimal(q.object.value)
            except (InvalidOperation, ValueError):
                pass
    return out


def score_element_label(vocab: Vocabularies, column: str, lang: str) -> str:
    return vocab.label(f"{iris.VOCAB}score-element/{SCORE_ELEMENT_SLUGS[column]}", lang)


# ---------------------------------------------------------------- sources


# the `sources` query's parameter for each facet that takes vocabulary values
FACET_PARAMS = (
    ("language", "language", "language"),
    ("topic", "topic", "topic"),
    ("type", "type", "orgType"),
    ("section", "section", "section"),
    ("methodology", "methodology", "methodology"),
    ("data-format", "data_format", "dataFormat"),
    ("country", "country", "coverage"),
)

def facet_values(given: "str | Iterable[str] | None") -> list[str]:
    """What a user gave for one facet, as a list: repeated options and comma lists (``csv,spss``)."""
    if given is None:
        return []
    items = [given] if isinstance(given, str) else list(given)
    out: list[str] = []
    for item in items:
        parts = [part.strip() for part in item.split(",") if part.strip()]
        if not parts:
            raise UsageError(f"empty value {item!r}: give a value or leave the option out")
        out += [part for part in parts if part not in out]
    return out


@dataclass
class Filters:
    """What the user asked `kzgraph sources` for, as typed (validated by `bindings`).

    A facet takes one value, a comma list (``"csv,spss"``) or several (``["kk", "ru"]``):
    an entry matches ANY value of a facet (OR) and EVERY facet given (AND), as faceted
    search does.
    """

    language: Any = None
    primary_only: bool = False
    topic: Any = None
    type: Any = None
    section: Any = None
    methodology: Any = None
    data_format: Any = None
    country: Any = None
    founded_after: int | None = None
    founded_before: int | None = None
    active: bool = False
    search: str | None = None

    def bindings(self, vocab: Vocabularies) -> dict[str, sparql.Term | list[sparql.Term]]:
        """Validated terms for the `sources` query's parameters (UsageError on unknown values).

        A facet with several values binds its parameter to the list: ``VALUES ?topic { t1 t2 }``.
        """
        b: dict[str, sparql.Term | list[sparql.Term]] = {}
        for facet, attr, param in FACET_PARAMS:
            wanted = facet_values(getattr(self, attr))
            if wanted:
                terms: list[sparql.Term] = []
                for value in wanted:
                    term = ox.NamedNode(vocab.resolve(facet, value).iri)
                    if term not in terms:
                        terms.append(term)
                b[param] = terms if len(terms) > 1 else terms[0]
        if self.primary_only:
            if not facet_values(self.language):
                raise UsageError("--primary-only needs --language")
            b["primaryOnly"] = bool_lit(True)
        if self.founded_after is not None:
            b["foundedAfter"] = int_lit(self.founded_after)
        if self.founded_before is not None:
            b["foundedBefore"] = int_lit(self.founded_before)
        if self.active:
            b["active"] = bool_lit(True)
        if self.search is not None:
            if not self.search.strip():
                raise UsageError("--search needs some text")
            b["text"] = ox.Literal(self.search)
        return b


@dataclass
class SourceRow:
    """One catalogue entry as `kzgraph sources` lists it."""

    iri: str
    slug: str
    name: str
    section: str | None  # section concept IRI
    section_number: str | None
    item: str | None
    types: list[str]  # type concept IRIs
    primary: list[str]  # language codes
    occasional: list[str]
    methodology: str | None  # status concept IRI (None: not stated)
    founded: int | None
    dissolved: int | None
    link: str | None = None  # the homepage, else the landing page
    score: Score | None = None

    @property
    def place(self) -> str:
        if self.section_number and self.item:
            return f"{self.section_number}/{self.item}"
        return self.item or self.section_number or ""


def _split(value: str | None) -> list[str]:
    return sorted({v for v in (value or "").split(" ") if v})


def _lang_sort(codes: Iterable[str]) -> list[str]:
    return sorted(set(codes), key=lambda c: (LANGUAGE_ORDER.index(c) if c in LANGUAGE_ORDER else 99, c))


def find_sources(
    catalogue: "Catalogue",
    vocab: Vocabularies,
    filters: Filters,
    *,
    labels: str = "en",
    queries_dir: Path | None = None,
) -> list[SourceRow]:
    """Entries matching every given facet (any of its values) and filter, unsorted."""
    bindings = filters.bindings(vocab)
    result = run_named(catalogue, SOURCES_QUERY, bindings, labels=labels, queries_dir=queries_dir)
    out: list[SourceRow] = []
    for row in _rows(result):
        iri = row["entry"].value
        primary = _split(literal_value(row.get("primary")))
        occasional = [c for c in _split(literal_value(row.get("occasional"))) if c not in primary]
        out.append(
            SourceRow(
                iri=iri,
                slug=slug_of(iri),
                name=literal_value(row.get("label")) or slug_of(iri),
                section=literal_value(row.get("sectionConcept")),
                section_number=literal_value(row.get("sectionNumber")),
                item=literal_value(row.get("item")),
                types=_split(literal_value(row.get("types"))),
                primary=_lang_sort(primary),
                occasional=_lang_sort(occasional),
                methodology=literal_value(row.get("status")),
                founded=year_of(literal_value(row.get("founded"))),
                dissolved=year_of(literal_value(row.get("dissolved"))),
                link=literal_value(row.get("homepage")),
            )
        )
    return out


def slug_of(iri: str) -> str:
    return iri[len(iris.ID) :] if iri.startswith(iris.ID) else iri


def _item_key(item: str | None) -> tuple:
    parts = re.findall(r"\d+", item or "")
    return tuple(int(p) for p in parts) if parts else (10**9,)


def sort_sources(rows: list[SourceRow], key: str) -> list[SourceRow]:
    """Sort rows by section (review order), name, score (highest first) or founding year."""
    by_name = lambda r: (r.name.casefold(), r.slug)  # noqa: E731
    by_section = lambda r: (  # noqa: E731
        int(r.section_number) if (r.section_number or "").isdigit() else 99,
        _item_key(r.item),
        r.slug,
    )
    if key == "name":
        return sorted(rows, key=by_name)
    if key == "section":
        return sorted(rows, key=by_section)
    if key == "founded":
        return sorted(rows, key=lambda r: (r.founded is None, r.founded or 0, *by_name(r)))
    if key == "score":
        def score_key(r: SourceRow):
            s = r.score.score if r.score else None
            return (s is None, -(s or 0), *by_name(r))

        return sorted(rows, key=score_key)
    raise UsageError(f"unknown sort key {key!r}; use one of {', '.join(SORT_KEYS)}")


def entry_slugs(catalogue: "Catalogue") -> list[str]:
    """Slugs of every catalogue entry (for suggestions)."""
    src = ox.NamedNode(iris.KZG + "Source")
    typ = ox.NamedNode(iris.RDF + "type")
    return sorted(
        slug_of(q.subject.value)
        for q in as_catalogue(catalogue).match(None, typ, src)
        if isinstance(q.subject, ox.NamedNode)
    )


def resolve_entry(catalogue: "Catalogue", slug: str) -> ox.NamedNode:
    """The entry IRI for a slug (or full IRI); an unknown one suggests the closest slugs."""
    known = entry_slugs(catalogue)
    given = slug.strip()
    if given.startswith(iris.ID):
        given = given[len(iris.ID) :]
    if given in known:
        return ox.NamedNode(iris.ID + given)
    lowered = given.casefold()
    close = difflib.get_close_matches(lowered, known, n=3, cutoff=0.5)
    close += [k for k in known if lowered and lowered in k and k not in close][: max(0, 3 - len(close))]
    hint = f"did you mean {' or '.join(close)}? " if close else ""
    raise UsageError(f"unknown entry {slug!r}; {hint}run 'kzgraph sources' to list the entries")
