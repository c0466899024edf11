"""docs/CLI.md is the --help of every command, as generated: it never drifts from the code."""

from __future__ import annotations

from conftest import REPO


def test_cli_reference_is_current():
    from kzgraph.cli import COMMANDS
    from kzgraph.cli.reference import render

    expected = render()
    committed = (REPO / "docs" / "CLI.md").read_text(encoding="utf-8")
    assert committed == expected, "docs/CLI.md is out of date: run python -m kzgraph.cli.reference > docs/CLI.md"
    for name in COMMANDS:
        assert f"## kzgraph {name}\n" in committed
