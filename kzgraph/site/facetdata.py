"""The entries behind each facet value, computed by the `sources` named query itself.

For every value of every facet of ``kzgraph sources`` (topic, language, type, section,
methodology, data format, country), the site runs the `sources` query with that one filter
bound, exactly as ``kzgraph sources --topic violence`` does, and keeps the matching entries.
The browser unites the sets of the values chosen in one facet (``--data-format csv,spss``: any
of them, as the query binds a list as VALUES rows) and intersects across facets: the query's
filters are independent conjuncts, so the intersection of single-filter answers is the answer
of the combined filters (``--topic violence --language kk``). Topic and type include narrower concepts, language matches primary,
only and occasional languages, as the query says; ``primary`` is the ``--primary-only`` set.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox

# the facets in the order the home page shows them (names as in kzgraph.query.facets.FACETS)
FACET_ORDER = ("section", "topic", "language", "type", "methodology", "data-format", "country")


@dataclass
class FacetValue:
    key: str  # what the CLI option takes (slug, ISO 639-1 or ISO 3166 alpha-3 code)
    iri: str
    entries: list[str]  # entry slugs, in the site's entry order
    primary: list[str] | None = None  # language only: --primary-only


@dataclass
class FacetData:
    entries: list[str]  # every entry slug in display order
    facets: dict[str, list[FacetValue]] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """The data the browser script reads: entry indices per facet value."""
        index = {slug: i for i, slug in enumerate(self.entries)}
        out: dict[str, Any] = {"entries": self.entries, "facets": {}}
        for name, values in self.facets.items():
            out["facets"][name] = {v.key: [index[s] for s in v.entries] for v in values}
            if name == "language":
                out["primary"] = {v.key: [index[s] for s in v.primary or []] for v in values}
        return out


def compute(target: Any, vocab: Any, entry_order: list[str]) -> FacetData:
    """Run the `sources` query once per facet value (values no entry has are left out)."""
    from kzgraph.query import facets

    params = {name: param for name, _attr, param in facets.FACET_PARAMS}
    order = {slug: i for i, slug in enumerate(entry_order)}
    data = FacetData(entries=list(entry_order))

    def run(bindings: dict[str, Any]) -> list[str]:
        result = facets.run_named(target, facets.SOURCES_QUERY, bindings)
        col = result.variables.index("entry")
        slugs = {facets.slug_of(row[col].value) for row in result.rows if row[col] is not None}
        return sorted((s for s in slugs if s in order), key=order.__getitem__)

    for name in FACET_ORDER:
        facet = facets.FACETS[name]
        values: list[FacetValue] = []
        for concept in vocab.concepts(facet):
            node = ox.NamedNode(concept.iri)
            entries = run({params[name]: node})
            if not entries:
                continue
            value = FacetValue(vocab.key(facet, concept), concept.iri, entries)
            if name == "language":
                value.primary = run({"language": node, "primaryOnly": facets.bool_lit(True)})
            values.append(value)
        data.facets[name] = values
    return data
