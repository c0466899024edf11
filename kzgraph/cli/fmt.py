"""kzgraph fmt: rewrite Turtle data files in their one canonical form."""

from __future__ import annotations

from pathlib import Path

import click

from kzgraph.cli.options import root_option


@click.command("fmt")
@root_option
@click.option("--check", is_flag=True, help="Change nothing; list the files that are not canonical (exit 1 if any).")
@click.option("--diff", "show_diff", is_flag=True,
              help="Change nothing; print what would change, as a unified diff (with --check: exit 1 if any).")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
def fmt(root: Path | None, check: bool, show_diff: bool, paths: tuple[Path, ...]) -> None:
    """Rewrite Turtle files in the canonical, diff-friendly form (default: every file under data/).

    Prefixes used, sorted; the file's main subject (id: + file name) first, then the
    others by IRI; rdf:type first, then predicates and objects sorted, one per line.
    The graph is never changed (only its text), and a file is replaced atomically,
    never lost. A file that does not parse, or has blank nodes, is reported as
    path:line: message and left untouched (exit code 2). Comments are kept, each
    above the subject or property line it belongs to (the one that follows it, or
    the one it ends). --diff prints the changes instead of writing them.

    \b
    Example:
      kzgraph fmt
      kzgraph fmt data/entries/paperlab.ttl
      kzgraph fmt --check
      kzgraph fmt --diff data/entries/paperlab.ttl
    """
    from kzgraph.export.canonical import format_file, turtle_files
    from kzgraph.errors import InputError
    from kzgraph.paths import display_path, resolve_layout

    if not paths:
        paths = (resolve_layout(root).data_dir,)
    files = turtle_files(paths)
    changed: list[Path] = []
    failed = 0
    for path in files:
        try:
            result = format_file(path, check=check or show_diff)
        except InputError as err:
            failed += 1
            click.echo(f"kzgraph: error: {err}", err=True)
            continue
        if result.changed:
            changed.append(path)
            if show_diff:
                import difflib

                shown = display_path(path)
                click.echo("".join(difflib.unified_diff(
                    result.before.splitlines(keepends=True), result.after.splitlines(keepends=True),
                    fromfile=f"{shown} (as written)", tofile=f"{shown} (canonical)")), nl=False)
            else:
                click.echo(f"{'not canonical' if check else 'reformatted'}: {display_path(path)}")
    unchanged = len(files) - len(changed) - failed
    verb = "would be reformatted" if check or show_diff else "reformatted"
    summary = f"{len(changed)} {_files(len(changed))} {verb}, {unchanged} {_files(unchanged)} canonical"
    if failed:
        summary += f", {failed} {_files(failed)} could not be read"
    click.echo(summary, err=True)
    if failed:
        click.get_current_context().exit(2)
    if check and changed:
        click.echo("run `kzgraph fmt` to rewrite them", err=True)
        click.get_current_context().exit(1)


def _files(count: int) -> str:
    return "file" if count == 1 else "files"
