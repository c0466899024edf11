"""Help for curators: the skeleton of a new catalogue entry, and its place in the catalogue record.

``kzgraph new`` writes ``data/entries/{slug}.ttl`` with the facts the core shapes require, each
one the curator must supply given as a ``"FILL IN: …"`` placeholder that says what to write
(``kzgraph/checks/placeholder-violation.rq`` fails on every one left), and adds the entry to
``dcat:resource`` of the catalogue record. Both files are written in canonical form.
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from kzgraph import iris
from kzgraph.errors import InputError, UsageError

SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
PLACEHOLDER = "FILL IN"
CATALOGUE_FILE = "catalogue.ttl"
ENTRIES_DIR = "entries"
HEADER = (
    "# New entry written by `kzgraph new`: replace every \"FILL IN: …\" value (it says what to write),\n"
    "# add what else the review says (see docs/DATA-GUIDE.md), then run `kzgraph validate` on this file\n"
    "# and `kzgraph fmt` on it.\n"
)


@dataclass(frozen=True)
class NewEntry:
    """What ``new_entry`` wrote."""

    path: Path
    catalogue: Path
    subject: str


def _n(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


def _fill(text: str, language: str | None = None) -> ox.Literal:
    return ox.Literal(f"{PLACEHOLDER}: {text}", language=language)


def skeleton(slug: str, name: str, section: str, organization: bool, today: _dt.date) -> list[ox.Triple]:
    """Return the triples of a new entry: its required facts, placeholders where the curator must write."""
    entry = _n(iris.ID + slug)
    types = [iris.KZG + "Source"] + ([iris.ORG + "Organization"] if organization else [])
    triples = [ox.Triple(entry, _n(iris.RDF + "type"), _n(t)) for t in types]
    facts: list[tuple[str, ox.NamedNode | ox.Literal]] = [
        (iris.RDFS + "label", ox.Literal(name, language="en")),
        (iris.DCTERMS + "description", _fill(
            "what the source is and publishes, in our own words: facts and figures from the review, "
            "never its sentences", "en")),
        (iris.DCAT + "theme", _fill(
            "one or more topics, as IRIs: dcat:theme topic:… (the most specific that fit, see "
            "ontology/vocab/topic.ttl; declare @prefix topic: <https://w3id.org/kzgraph/vocab/topic/> .)")),
        (iris.KZG + "reviewSection", _n(section)),
        (iris.KZG + "reviewItem", _fill('the item number as printed in the review, e.g. "2.7"')),
        (iris.PROV + "wasDerivedFrom", _n(iris.ID + "review")),
        (iris.KZG + "curatedOn", ox.Literal(today.isoformat(), datatype=_n(iris.XSD + "date"))),
    ]
    if organization:
        facts.append((iris.FOAF + "homepage", _fill("the organization's web address, as an IRI: <https://…/>")))
    else:
        facts += [
            (iris.DCAT + "landingPage", _fill("the resource's web address, as an IRI: <https://…/>")),
            (iris.DCTERMS + "publisher", _fill(
                "the organization behind the resource, as an IRI: id:{organization} "
                "(a file of data/organizations/); or give --organization if the entry is one")),
        ]
    triples += [ox.Triple(entry, _n(p), o) for p, o in facts]
    return triples


def new_entry(
    data_dir: Path,
    slug: str,
    name: str,
    section_iri: str,
    organization: bool = False,
    known_subjects: "set[str] | frozenset[str]" = frozenset(),
    today: _dt.date | None = None,
) -> NewEntry:
    """Write ``data/entries/{slug}.ttl`` and list the entry in ``data/catalogue.ttl``.

    Refuses (UsageError) a slug that is not kebab-case, or that names an existing file or subject.
    """
    from kzgraph.output import write_atomically
    from kzgraph.export.canonical import canonical_text, render
    from kzgraph.paths import display_path

    from kzgraph.paths import CATALOGUE_DIR

    if Path(data_dir).resolve().parent == CATALOGUE_DIR.resolve():
        raise UsageError("this is the copy of the graph installed with kzgraph; run kzgraph new in a checkout "
                         "(cd into it, or give --root DIR)")
    if not SLUG.fullmatch(slug):
        raise UsageError(f"slug {slug!r} is not lowercase ASCII kebab-case; use e.g. {_suggest_slug(slug)!r}")
    if not name.strip():
        raise UsageError("--name is empty; give the entry's English name as the review prints it")
    subject = iris.ID + slug
    path = Path(data_dir) / ENTRIES_DIR / f"{slug}.ttl"
    if path.exists():
        raise UsageError(f"{display_path(path)} exists already; edit it, or choose another slug")
    if subject in known_subjects:
        raise UsageError(f"id:{slug} is already described in the catalogue; choose another slug")
    catalogue_path = Path(data_dir) / CATALOGUE_FILE
    if not catalogue_path.is_file():
        raise InputError("no catalogue record; the entry must be listed in it", display_path(catalogue_path))
    catalogue_text = _with_resource(catalogue_path, subject)
    text = render(skeleton(slug, name.strip(), section_iri, organization, today or _dt.date.today()),
                  main_subject=subject, header=HEADER)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomically(path, text.encode("utf-8"))
    write_atomically(catalogue_path, catalogue_text.encode("utf-8"))
    # the skeleton is canonical as written (fmt would leave it unchanged)
    assert canonical_text(path) == text
    return NewEntry(path, catalogue_path, subject)


def _with_resource(catalogue_path: Path, subject: str) -> str:
    """Return the catalogue record's canonical text with ``subject`` added to its dcat:resource."""
    from kzgraph.export.canonical import leading_comments, render
    from kzgraph.load import load_files

    loaded = load_files([catalogue_path])
    quads = list(loaded.quads)
    record = _n(iris.ID + "catalogue")
    quads.append(ox.Quad(record, _n(iris.DCAT + "resource"), _n(subject), ox.DefaultGraph()))
    header = leading_comments(catalogue_path.read_text(encoding="utf-8-sig"))
    return render(quads, main_subject=record.value, header=header)


def _suggest_slug(text: str) -> str:
    import unicodedata

    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "-".join(re.findall(r"[a-z0-9]+", ascii_text.lower())) or "my-entry"
