"""kzgraph new: write the skeleton of a new catalogue entry and list it in the catalogue record."""

from __future__ import annotations

from pathlib import Path

import click

from kzgraph.cli.options import root_option


@click.command("new")
@root_option
@click.option("--section", required=True, metavar="SECTION",
              help="The review section: a slug, number or name (local-ngos, 2, government, ...).")
@click.option("--name", required=True, metavar="NAME", help="The entry's English name, as the review prints it.")
@click.option("--organization", is_flag=True,
              help="The entry is an organization itself (typed org:Organization, with a homepage); "
              "default: a resource of an organization (landing page and publisher).")
@click.argument("slug")
def new(root: Path | None, section: str, name: str, organization: bool, slug: str) -> None:
    """Write a new catalogue entry data/entries/SLUG.ttl with its required facts as placeholders.

    The file has the facts every entry needs, in canonical form: the name, the
    review section, the provenance (prov:wasDerivedFrom id:review) and today's
    date as kzg:curatedOn; every fact only you can supply (description, topics,
    item number, link, publisher) is a "FILL IN: ..." placeholder saying what to
    write. The entry is added to dcat:resource of the catalogue record
    (data/catalogue.ttl), then validated: each placeholder left is a violation.
    A slug that is not kebab-case, or that is already used, is refused (exit 2).

    \b
    Example:
      kzgraph new example-ngo --section local-ngos --name "Example NGO" --organization
      kzgraph new example-portal --section 1 --name "Example data portal"
    """
    from kzgraph.cli.validate import render_text
    from kzgraph.curate import new_entry
    from kzgraph.query.facets import Vocabularies
    from kzgraph.load import load_catalogue, load_shapes
    from kzgraph.paths import display_path, resolve_layout
    from kzgraph.validate import validate

    layout = resolve_layout(root)
    catalogue = load_catalogue(layout)
    section_iri = Vocabularies.load(catalogue).resolve("section", section).iri
    known = {key for key in catalogue.locations if not key.startswith("_:")}
    written = new_entry(layout.data_dir, slug, name, section_iri, organization=organization, known_subjects=known)
    click.echo(f"wrote {display_path(written.path)}; listed id:{slug} in {display_path(written.catalogue)}")
    report = validate(load_catalogue(layout), load_shapes(layout), data_dir=layout.data_dir)
    report = report.only_files([written.path])
    click.echo(render_text(report), nl=False)
    click.echo(f"next: replace each FILL IN value in {display_path(written.path)}, then "
               f"kzgraph validate {display_path(written.path)}")
