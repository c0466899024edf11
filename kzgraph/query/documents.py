"""The JSON documents of validate, sources and stats, built in the library.

The command line prints them with ``--format json``; the site and server can serve the same
objects. Each is plain data (dicts, lists, strings, numbers). No rdflib here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Iterable, Sequence

if TYPE_CHECKING:
    from kzgraph.query.facets import SourceRow, Vocabularies
    from kzgraph.store import Catalogue
    from kzgraph.validate import Report, Result

# dimension names of the stats query, in the order they are printed
STATS_DIMENSIONS = (
    "section",
    "type",
    "primary language",
    "occasional language",
    "topic",
    "methodology",
    "format",
    "missing",
)
# the key facts stats counts the entries lacking, in their order
MISSING_KEYS = ("founding year", "assessment", "language", "topic", "coverage", "channel")


def stats_counts(catalogue: "Catalogue", labels: str = "en") -> tuple[int, dict[str, list[dict[str, Any]]]]:
    """The number of entries and, per dimension, ``{"key", "label", "entries"}`` items (the stats query)."""
    import pyoxigraph as ox

    from kzgraph.query import facets

    result = facets.run_named(catalogue, facets.STATS_QUERY, labels=labels)
    total = 0
    by_dim: dict[str, list[dict[str, Any]]] = {d: [] for d in STATS_DIMENSIONS}
    for row in result.rows:
        r = dict(zip(result.variables, row))
        dim, key, count = r["dimension"].value, r["key"], int(r["entries"].value)
        if dim == "total":
            total = count
            continue
        by_dim.setdefault(dim, []).append(
            {
                "key": facets.slug_of(key.value).rsplit("/", 1)[-1] if isinstance(key, ox.NamedNode) else key.value,
                "label": r["label"].value if r.get("label") is not None else key.value,
                "entries": count,
            }
        )
    have = {item["key"] for item in by_dim["missing"]}
    for key in MISSING_KEYS:
        if key not in have:
            by_dim["missing"].append({"key": key, "label": key, "entries": 0})
    by_dim["missing"].sort(key=lambda item: MISSING_KEYS.index(item["key"]) if item["key"] in MISSING_KEYS else 99)
    return total, by_dim


def stats_document(catalogue: "Catalogue", labels: str = "en", counts=None) -> dict[str, Any]:
    """``kzgraph stats --format json``: ``{"entries": N, "section": [...], "primary_language": [...], ...}``.

    ``counts``: what `stats_counts` returned, when the caller has it already.
    """
    total, by_dim = counts if counts is not None else stats_counts(catalogue, labels)
    return {"entries": total, **{dim.replace(" ", "_"): items for dim, items in by_dim.items()}}


def sources_document(rows: Iterable["SourceRow"], vocab: "Vocabularies", labels: str = "en") -> list[dict[str, Any]]:
    """``kzgraph sources --format json``: one object per entry, in the rows' order."""
    return [
        {
            "slug": r.slug,
            "iri": r.iri,
            "name": r.name,
            "section": vocab.get(r.section).slug if vocab.get(r.section) else None,
            "sectionNumber": r.section_number,
            "item": r.item,
            "types": [{"slug": vocab.get(t).slug if vocab.get(t) else t, "label": vocab.label(t, labels)} for t in r.types],
            "languages": {"primary": r.primary, "occasional": r.occasional},
            "methodology": (vocab.get(r.methodology).slug if vocab.get(r.methodology) else "not-stated"),
            "founded": r.founded,
            "dissolved": r.dissolved,
            "score": float(r.score.score) if r.score and r.score.score is not None else None,
            "link": r.link,
        }
        for r in rows
    ]


def validate_document(report: "Report", results: Sequence["Result"] | None = None, *, strict: bool = False) -> dict[str, Any]:
    """``kzgraph validate --format json``: conformance, the summary, and the results listed."""
    return {
        # the standard SHACL sh:conforms (false with any result, warnings included);
        # "passes" follows the exit code: no violation (and, with --strict, no warning)
        "conforms": report.conforms,
        "passes": report.exit_code(strict=strict) == 0,
        "summary": {
            "violations": report.count("Violation"),
            "warnings": report.count("Warning"),
            "infos": report.count("Info"),
            "files": len(report.files),
            "text": report.summary(),
        },
        "results": [r.to_dict() for r in (report.results if results is None else results)],
    }
