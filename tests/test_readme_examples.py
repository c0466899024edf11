"""The README's console examples marked as real output are what the commands print at 100 columns.

A block that follows the line ``<!-- real output, COLUMNS=100 -->`` is a run of ``$ kzgraph ...``
lines, each followed by what it prints (stdout and stderr, as a terminal shows them) at
COLUMNS=100. To regenerate them after a change: ``python tests/test_readme_examples.py``.
"""

from __future__ import annotations

import os
import re
import shlex
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
README = REPO / "README.md"
MARKER = "<!-- real output, COLUMNS=100 -->"
WIDTH = 100
_BLOCK = re.compile(re.escape(MARKER) + r"\n```console\n(.*?)```", re.DOTALL)


def commands(block: str) -> list[str]:
    return [line[2:] for line in block.splitlines() if line.startswith("$ ")]


def run(command: str) -> str:
    from click.testing import CliRunner

    from kzgraph.cli import main

    args = shlex.split(command)
    assert args[0] == "kzgraph", command
    result = CliRunner().invoke(main, args[1:], env={"COLUMNS": str(WIDTH)})
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.output


def render(block: str) -> str:
    parts = []
    for command in commands(block):
        out = run(command)
        parts.append(f"$ {command}\n{out}")
    return "\n".join(parts)


def blocks(text: str) -> list[str]:
    return _BLOCK.findall(text)


def test_readme_examples_are_real_output(monkeypatch):
    monkeypatch.chdir(REPO)
    monkeypatch.delenv("COLUMNS", raising=False)
    found = blocks(README.read_text(encoding="utf-8"))
    assert len(found) >= 2
    for block in found:
        assert block == render(block)


def test_readme_examples_fit_100_columns():
    for block in blocks(README.read_text(encoding="utf-8")):
        assert max(len(line) for line in block.splitlines()) <= WIDTH


if __name__ == "__main__":
    os.chdir(REPO)
    os.environ.pop("COLUMNS", None)
    sys.path.insert(0, str(REPO / "tests"))
    text = README.read_text(encoding="utf-8")
    text = _BLOCK.sub(lambda m: f"{MARKER}\n```console\n{render(m.group(1))}```", text)
    README.write_text(text, encoding="utf-8")
