"""The command-line reference (docs/CLI.md), generated from every command's --help.

``python -m kzgraph.cli.reference > docs/CLI.md`` writes it; tests/test_cli_reference.py checks
that the committed file is current. The text is the help at 100 columns, whatever the terminal.
"""

from __future__ import annotations

import click

WIDTH = 100


def _help(command: click.Command, name: str, parent: click.Context | None) -> str:
    ctx = click.Context(command, info_name=name, parent=parent, terminal_width=WIDTH, max_content_width=WIDTH)
    return command.get_help(ctx)


def render() -> str:
    """docs/CLI.md: the main help, then each command's, in name order."""
    from kzgraph.cli import main

    # the group's own settings (-h as well as --help), as when kzgraph runs
    settings = {k: v for k, v in main.context_settings.items() if k not in ("terminal_width", "max_content_width")}
    root = click.Context(main, info_name="kzgraph", terminal_width=WIDTH, max_content_width=WIDTH, **settings)
    parts = [
        "# kzgraph command-line reference",
        "",
        "Generated from `--help` by `python -m kzgraph.cli.reference > docs/CLI.md`; do not edit by hand.",
        "",
        "## kzgraph",
        "",
        "```",
        main.get_help(root).rstrip(),
        "```",
    ]
    for name in main.list_commands(root):
        command = main.get_command(root, name)
        if command is None or command.hidden:
            continue
        parts += ["", f"## kzgraph {name}", "", "```", _help(command, name, root).rstrip(), "```"]
    return "\n".join(parts) + "\n"


if __name__ == "__main__":
    import sys

    sys.stdout.write(render())
