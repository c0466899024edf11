"""`kzgraph sources`: list catalogue entries, filtered by facets, without writing SPARQL."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any, Sequence

import click

from kzgraph.cli.complete import facet_completer
from kzgraph.cli.options import (
    source_options,
    bom_option,
    display_width,
    labels_option,
    open_from_options,
    output_options,
    pager_option,
)

SOURCE_COLUMNS = ("slug", "name", "item", "type", "languages", "methodology", "score", "link")


def write_rows(
    columns: Sequence[str],
    rows: Sequence[Sequence[Any]],
    fmt: str,
    json_doc: Any = None,
    *,
    width: int | None = None,
    shorten: Sequence[str] = (),
    keep: Sequence[str] = (),
) -> bytes:
    """Render rows as an aligned table, CSV (RFC 4180, CRLF), Markdown, or JSON / NDJSON (json_doc, else
    a list of objects; NDJSON: one object per line).

    The table is fitted to ``width`` when given (`kzgraph.tables.text_table`: ``shorten``
    columns cut with …, ``keep`` columns whole), else plain, one row per line.
    """
    from kzgraph import tables

    if fmt in ("json", "ndjson"):
        doc = json_doc if json_doc is not None else [dict(zip(columns, r)) for r in rows]
        if fmt == "ndjson":
            return tables.ndjson(doc if isinstance(doc, list) else [doc]).encode("utf-8")
        return (json.dumps(doc, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    if fmt == "markdown":
        return tables.markdown_table(columns, rows).encode("utf-8")
    cells = [["" if c is None else str(c) for c in r] for r in rows]
    if fmt == "csv":
        buf = io.StringIO(newline="")
        w = csv.writer(buf, lineterminator="\r\n")
        w.writerow(columns)
        w.writerows(cells)
        return buf.getvalue().encode("utf-8")
    cells = [[c.replace("\n", " ") for c in r] for r in cells]
    return tables.text_table(columns, cells, width, shorten=shorten, keep=keep).encode("utf-8")


def languages_cell(primary: Sequence[str], occasional: Sequence[str]) -> str:
    """Primary language codes, then occasional ones in parentheses: 'kk, ru (en)'."""
    text = ", ".join(primary)
    if occasional:
        text = f"{text} ({', '.join(occasional)})".strip()
    return text


@click.command("sources", short_help="List catalogue entries, filtered by language, topic, type, format, ...")
@click.option("--language", metavar="LANG", multiple=True, shell_complete=facet_completer("language"), help="Available in this language: a code (kk, kaz, KAZ) or a name (Kazakh); primary or occasional.")
@click.option("--primary-only", is_flag=True, help="With --language: leave out entries that have the language only in occasional translations.")
@click.option("--topic", metavar="TOPIC", multiple=True, shell_complete=facet_completer("topic"), help="About this topic or a narrower one: a slug (violence) or a label.")
@click.option("--type", "org_type", metavar="TYPE", multiple=True, shell_complete=facet_completer("organization-type"), help="Organization type, narrower types included (un-body, ngo, independent-media, ...); a resource takes its publisher's type.")
@click.option("--section", metavar="SECTION", multiple=True, shell_complete=facet_completer("review-section"), help="Review section: a slug (local-ngos) or its number 1-4.")
@click.option("--methodology", metavar="STATUS", multiple=True, shell_complete=facet_completer("methodology-status"), help="Entry-level methodology status (available, partial, not-available, unclear, not-stated).")
@click.option("--data-format", metavar="FORMAT", multiple=True, shell_complete=facet_completer("data-format", "access-service"), help="Data offered as csv, excel, spss, stata, or through an api or databank, by the entry or any of its parts.")
@click.option("--country", metavar="COUNTRY", multiple=True, shell_complete=facet_completer("country", "region"), help="Coverage: a country (ISO code KAZ or KZ, or a name) or a region (central-asia).")
@click.option("--founded-after", type=int, metavar="YEAR", help="Founded in YEAR or later (inclusive; entries without a founding year are left out).")
@click.option("--founded-before", type=int, metavar="YEAR", help="Founded in YEAR or earlier (inclusive).")
@click.option("--active", is_flag=True, help="Only entries that have not been dissolved.")
@click.option("--search", metavar="TEXT", help="Case-insensitive text in a name, description or topic label, in English, Russian or Kazakh.")
@click.option("--sort", "sort_key", type=click.Choice(("section", "name", "score", "founded")), default="section", show_default=True, help="Order of the rows (score: highest first; founded: oldest first).")
@labels_option
@output_options(["table", "json", "csv", "markdown", "ndjson"], "table")
@bom_option
@pager_option
@source_options
def sources(
    language: tuple[str, ...],
    primary_only: bool,
    topic: tuple[str, ...],
    org_type: tuple[str, ...],
    section: tuple[str, ...],
    methodology: tuple[str, ...],
    data_format: tuple[str, ...],
    country: tuple[str, ...],
    founded_after: int | None,
    founded_before: int | None,
    active: bool,
    search: str | None,
    sort_key: str,
    labels: str,
    format_: str,
    output: Path | None,
    root: Path | None,
    data: tuple[Path, ...],
    infer: str | None = None,
    endpoint=None,
) -> None:
    """List the catalogue entries that match the filters given.

    A filter given twice, or with a comma list, matches ANY of its values (OR);
    different filters must ALL match (AND), as in faceted search:
    '--data-format csv --data-format spss' (or '--data-format csv,spss') lists
    the entries with CSV or SPSS data; adding '--language kk' keeps those of
    them available in Kazakh. A value that names nothing is refused with the
    closest valid values ('kzgraph vocab SCHEME' lists them all).

    Columns: slug, name, section/item in the review, organization type,
    languages (primary, occasional in parentheses), entry-level methodology
    status, transparency score (0-1, see 'kzgraph show SLUG' for its
    breakdown), link (the homepage, else the landing page; shortened to fit
    the terminal in the table, in full in CSV and JSON).

    \b
    Example:
      kzgraph sources --topic violence
      kzgraph sources --data-format csv --data-format spss
      kzgraph sources --language kk,ru --topic violence
      kzgraph sources --language kk --section local-ngos --methodology partial
      kzgraph sources --country UZB --type independent-media --format csv
      kzgraph sources --founded-after 2018 --founded-before 2018 --sort name
      kzgraph sources --search barometer --labels ru --format json
      kzgraph sources --topic violence --endpoint http://127.0.0.1:7878/query
    """
    from kzgraph.query import facets
    from kzgraph.cli.query import write_output
    from kzgraph.errors import UsageError

    filters = facets.Filters(
        language=language,
        primary_only=primary_only,
        topic=topic,
        type=org_type,
        section=section,
        methodology=methodology,
        data_format=data_format,
        country=country,
        founded_after=founded_after,
        founded_before=founded_before,
        active=active,
        search=search,
    )
    if primary_only and not language:
        raise UsageError("--primary-only needs --language")
    catalogue = open_from_options(root, data, endpoint, infer=infer)
    vocab = facets.Vocabularies.load(catalogue)
    rows = facets.find_sources(catalogue, vocab, filters, labels=labels)
    scores = facets.scores(catalogue, labels=labels, entries=[r.iri for r in rows])
    if scores is None and sort_key == "score":
        raise UsageError("--sort score needs the transparency-score named query, which is not installed")
    for r in rows:
        r.score = (scores or {}).get(r.iri)
    rows = facets.sort_sources(rows, sort_key)

    def type_labels(r) -> str:
        return ", ".join(vocab.label(t, labels) for t in r.types)

    def status(r) -> str:
        return vocab.label(r.methodology or facets.scheme_iri("methodology-status") + "/not-stated", labels)

    table = [
        (
            r.slug,
            r.name,
            r.place,
            type_labels(r),
            languages_cell(r.primary, r.occasional),
            status(r),
            facets.format_score(r.score.score) if r.score else "",
            r.link or "",
        )
        for r in rows
    ]
    doc = None
    if format_ in ("json", "ndjson"):
        from kzgraph.query.documents import sources_document

        doc = sources_document(rows, vocab, labels)
    write_output(write_rows(SOURCE_COLUMNS, table, format_, doc, width=display_width(output),
                            shorten=("link",), keep=("slug",)), output)
