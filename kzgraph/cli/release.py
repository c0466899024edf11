"""kzgraph release: a versioned, checksummed, reproducible release of the catalogue."""

from __future__ import annotations

from pathlib import Path

import click

from kzgraph.cli.options import root_option


@click.command("release")
@root_option
@click.option("-o", "--output", type=click.Path(file_okay=False, path_type=Path), default=None, metavar="DIR",
              help="Write the release into DIR (must not exist or be empty; default: dist/VERSION in the checkout).")
@click.option("--previous", metavar="REV|DIR", default=None,
              help="Compare with this git revision or folder for the CHANGELOG entry "
              "(default: the commit that set the current version).")
@click.option("--date", metavar="YYYY-MM-DD", default=None,
              help="The release date (default: the last commit's date, else the latest kzg:curatedOn; never the clock).")
@click.argument("version")
def release(root: Path | None, output: Path | None, previous: str | None, date: str | None, version: str) -> None:
    """Release the catalogue as VERSION: versioned sources, dumps, checksums, changelog.

    Sets VERSION in owl:versionInfo and owl:versionIRI of the ontology and in
    dcat:version and owl:versionInfo of the catalogue record, with dcterms:modified
    the date of the last commit (never the clock: the same inputs give the same
    bytes); validates; writes the dumps of export --all, release.ttl (a DCAT
    distribution per dump with its byte size and spdx:checksum) and SHA256SUMS
    into DIR; and puts an entry made by kzgraph diff against the previous release
    on top of CHANGELOG.md. A VERSION not newer than the current one is refused
    (exit 2); a graph with violations is not released (exit 1). The checkout is
    changed only when everything succeeded: commit it to record the release.

    \b
    Example:
      kzgraph release 0.2.0
      kzgraph release 0.2.1 -o /tmp/kzgraph-0.2.1
      kzgraph release 1.0.0 --previous v0.2.1
    """
    from kzgraph.paths import display_path, resolve_layout
    from kzgraph.release import make_release

    made = make_release(resolve_layout(root), version, output=output, previous=previous, date=date)
    click.echo(f"released {made.version} (was {made.previous}, dated {made.date}): "
               f"{len(made.files)} files in {display_path(made.directory)}")
    click.echo(made.changelog_entry, nl=False)
