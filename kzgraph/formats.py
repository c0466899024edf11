"""The one table of output format names, their aliases, and what each serves."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

import click

GRAPH = "graph"  # an RDF serialization of triples or quads
RESULTS = "results"  # a rendering of SPARQL SELECT/ASK results
REPORT = "report"  # a readable text report (validate)

# The views `export --profile` writes (kzgraph/profiles/NAME.rq) and the closures `--infer` adds.
PROFILES = ("dcat-ap", "schema-org")
INFER_MODES = ("rdfs", "owlrl")


@dataclass(frozen=True)
class Format:
    """One output format: its canonical name, aliases, kind and file suffix."""

    name: str
    kind: str
    aliases: tuple[str, ...] = ()
    suffix: str = ""
    media_type: str = ""


FORMATS: tuple[Format, ...] = (
    Format("ttl", GRAPH, ("turtle",), ".ttl", "text/turtle"),
    Format("nt", GRAPH, ("ntriples", "n-triples"), ".nt", "application/n-triples"),
    Format("nq", GRAPH, ("nquads", "n-quads"), ".nq", "application/n-quads"),
    Format("trig", GRAPH, (), ".trig", "application/trig"),
    Format("jsonld", GRAPH, ("json-ld",), ".jsonld", "application/ld+json"),
    Format("rdfxml", GRAPH, ("rdf-xml", "xml-rdf"), ".rdf", "application/rdf+xml"),
    Format("table", RESULTS, (), ".txt", "text/plain"),
    Format("csv", RESULTS, (), ".csv", "text/csv"),
    Format("tsv", RESULTS, (), ".tsv", "text/tab-separated-values"),
    Format("json", RESULTS, (), ".json", "application/sparql-results+json"),
    # rows for people and tools: a Markdown table; one JSON object per row and line
    Format("markdown", RESULTS, ("md",), ".md", "text/markdown"),
    Format("ndjson", RESULTS, ("jsonl", "jsonlines"), ".ndjson", "application/x-ndjson"),
    # SPARQL results XML; RDF/XML is "rdfxml" and the two are never confused.
    Format("xml", RESULTS, (), ".xml", "application/sparql-results+xml"),
    Format("text", REPORT, (), ".txt", "text/plain"),
)

BY_NAME: dict[str, Format] = {f.name: f for f in FORMATS}
_ALIASES: dict[str, str] = {a: f.name for f in FORMATS for a in (f.name, *f.aliases)}


def names(kind: str | None = None) -> list[str]:
    """Return the canonical format names, optionally only those of one kind."""
    return [f.name for f in FORMATS if kind is None or f.kind == kind]


def normalize(name: str) -> str:
    """Return the canonical name for a format name or alias; raise KeyError if unknown."""
    return _ALIASES[name.lower()]


def get(name: str) -> Format:
    """Return the Format for a name or alias."""
    return BY_NAME[normalize(name)]


def choice(allowed: Iterable[str] | str) -> click.Choice:
    """Return a click.Choice accepting the given names (or every name of a kind) and their aliases."""
    if isinstance(allowed, str):
        allowed = names(allowed)
    canonical = {normalize(n) for n in allowed}
    return FormatChoice([a for a, target in _ALIASES.items() if target in canonical])


class FormatChoice(click.Choice):
    """A case-insensitive click.Choice that returns the canonical name of an alias."""

    def __init__(self, accepted: list[str]) -> None:
        super().__init__(accepted, case_sensitive=False)

    def convert(self, value, param, ctx):
        return normalize(super().convert(value, param, ctx))


def for_path(path: str | None, allowed: Iterable[str]) -> str | None:
    """The allowed format a file name's suffix names (``scores.csv`` → csv), or None."""
    if not path:
        return None
    suffix = "." + str(path).rsplit(".", 1)[-1].lower() if "." in str(path).rsplit("/", 1)[-1] else ""
    if not suffix:
        return None
    canonical = [normalize(name) for name in allowed]
    found = [name for name in canonical if BY_NAME[name].suffix == suffix]
    return found[0] if len(found) == 1 else None
