"""`kzgraph site OUT_DIR`: the static, multilingual website of the catalogue."""

from __future__ import annotations

from pathlib import Path

import click

from kzgraph.cli.options import data_option, endpoint_option, open_from_options, root_option


@click.command("site", short_help="Build the static website of the catalogue (en/ru/kk) into a folder.")
@click.argument("out_dir", type=click.Path(path_type=Path), metavar="OUT_DIR")
@root_option
@data_option
@click.option("--force", is_flag=True, help="Replace OUT_DIR even when it holds something other than an earlier site.")
@click.option("--no-validate", "no_validate", is_flag=True,
              help="Build even when the graph has SHACL violations (default: refuse, exit 1).")
@click.option("--base-url", metavar="URL", default=None,
              help="Where the site will be published (e.g. https://example.org/kzgraph/): also write "
              "w3id/kzgraph/.htaccess, the w3id.org redirect rules that send the IRIs there.")
@click.option("--no-report", "no_report", is_flag=True,
              help="Leave the coverage report's charts (kzgraph report) out of the report page: they are "
              "drawn in three languages and take most of the build's time.")
@endpoint_option
def site(out_dir: Path, root: Path | None, data: tuple[Path, ...], force: bool, no_validate: bool,
         base_url: str | None, no_report: bool, endpoint=None) -> None:
    """Build the catalogue's website into OUT_DIR: plain HTML pages in English,
    Russian and Kazakh that work from any static host and from file://.

    One page per catalogue entry, organization, vocabulary concept and scheme,
    the ontology's documentation, downloads (every file of 'export --all' with
    its size and SHA-256), licence and citation, and how to propose a
    correction. Each page links its node's Turtle and JSON-LD, embeds its
    schema.org JSON-LD, and has a language switcher. The home page filters
    entries as 'kzgraph sources' does and searches in all three languages
    (JavaScript, with nothing fetched from elsewhere). OUT_DIR gets an
    .htaccess for Apache content negotiation. The site is written to a
    temporary folder and renamed into place; the same graph gives the same
    bytes. OUT_DIR must be new, empty or an earlier site (else --force); a
    graph with SHACL violations is refused unless --no-validate. With
    --endpoint, the server's graph is fetched (one CONSTRUCT) and built from.

    \b
    Example:
      kzgraph site build/site
      kzgraph site build/site --base-url https://example.org/kzgraph/
      kzgraph site /tmp/site --no-validate --data my-entries/
      kzgraph site build/site --endpoint http://127.0.0.1:7878/query
    """
    import time

    from kzgraph.errors import NotConforming, UsageError
    from kzgraph.paths import resolve_layout
    from kzgraph.load import load_catalogue, load_shapes
    from kzgraph.site import build_site, outdir
    from kzgraph.validate import validate

    started = time.perf_counter()
    if base_url is not None:
        if not base_url.startswith(("http://", "https://")) or any(c.isspace() for c in base_url):
            raise UsageError(f"--base-url {base_url!r}: give an http:// or https:// URL")
        if not base_url.endswith("/"):
            base_url += "/"
    layout = resolve_layout(root)
    outdir.check(out_dir, force, keep=(layout.root,))  # before any work: a bad OUT_DIR costs nothing
    if endpoint is not None:
        catalogue = open_from_options(root, data, endpoint).local_copy()
    else:
        catalogue = load_catalogue(layout, extra=data)
    if not no_validate:
        report = validate(catalogue, load_shapes(layout))
        violations = report.count("Violation")
        if violations:
            raise NotConforming(
                f"the graph has {violations} SHACL violation{'s' if violations != 1 else ''} "
                f"({report.summary()}): run 'kzgraph validate' to see them, or build with --no-validate"
            )
    result = build_site(catalogue, layout, out_dir, force=force, base_url=base_url, keep=(layout.root,),
                        report=not no_report)
    elapsed = time.perf_counter() - started
    click.echo(
        f"wrote {result.pages} pages ({result.entries} entries × 3 languages and more), "
        f"{len(result.files)} files, to {out_dir} in {elapsed:.1f} s; "
        f"search data {result.search_index_bytes:,} bytes, facet data {result.facet_data_bytes:,} bytes",
        err=True,
    )
