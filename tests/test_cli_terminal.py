"""Output fits the terminal: COLUMNS and a real terminal (a pty) are honoured, pipes stay plain."""

from __future__ import annotations

import fcntl
import os
import pty
import select
import struct
import subprocess
import sys
import termios

import pytest
from click.testing import CliRunner

from kzgraph.cli import main
from kzgraph.tables import cell_width, text_table, wrap_cell

from conftest import needs_catalogue

SPOTLIGHT = "https://www.undp.org/kazakhstan/projects/spotlight-initiative-regional-programme-central-asia-and-afghanistan"

COMMANDS = [
    ["sources"],
    ["sources", "--topic", "violence"],
    ["queries"],
    ["flags"],
    ["stats"],
    ["validate"],
    ["show", "paperlab"],
    ["show", "world-values-survey"],
    ["query", "-n", "gaps-with-figures"],
]


def run(args, columns=None):
    env = {"COLUMNS": str(columns)} if columns else {}
    result = CliRunner().invoke(main, args, env=env)
    assert result.exit_code == 0, result.output
    return result.output


@needs_catalogue
@pytest.mark.parametrize("width", [80, 200])
@pytest.mark.parametrize("args", COMMANDS, ids=" ".join)
def test_every_line_fits_columns(args, width):
    out = run(args, width)
    widest = max(cell_width(line) for line in out.splitlines())
    assert widest <= width


@needs_catalogue
def test_piped_output_is_plain_and_unwrapped():
    out = run(["sources", "--topic", "violence"])
    lines = out.splitlines()
    assert lines[0].split() == ["slug", "name", "item", "type", "languages", "methodology", "score", "link"]
    assert len(lines) == 2 + 5  # header, rule, one line per entry
    spotlight = next(line for line in lines if line.startswith("spotlight-initiative-central-asia "))
    assert spotlight.endswith(SPOTLIGHT) and "…" not in out
    assert "Spotlight Initiative Regional Programme for Central Asia and Afghanistan" in spotlight


@needs_catalogue
def test_sources_at_80_columns_shortens_the_link_and_keeps_the_slug():
    out = run(["sources", "--topic", "violence"], 80)
    # too wide for 80 columns as a table: one block per entry, the long link cut with …
    assert "\nslug         spotlight-initiative-central-asia\n" in out
    link = next(line for line in out.splitlines() if line.startswith("link") and "undp.org/kazakhstan/projects" in line)
    assert link.endswith("…") and len(link) == 80
    assert SPOTLIGHT.startswith(link.split()[1].rstrip("…"))
    assert "name         Spotlight Initiative Regional Programme for Central Asia and" in out


@needs_catalogue
def test_sources_at_200_columns_is_a_table_with_the_link_shortened():
    out = run(["sources", "--topic", "violence"], 200)
    lines = out.splitlines()
    assert lines[0].split() == ["slug", "name", "item", "type", "languages", "methodology", "score", "link"]
    assert lines[1].startswith("-----")
    paperlab = next(line for line in lines if line.startswith("paperlab "))
    assert paperlab.endswith("https://paperlab.kz/")
    spotlight = next(line for line in lines if line.startswith("spotlight-initiative-central-asia "))
    assert spotlight.endswith("…") and SPOTLIGHT[:25] in spotlight


@needs_catalogue
def test_show_wraps_under_the_value():
    out = run(["show", "paperlab"], 80)
    lines = out.splitlines()
    i = next(k for k, line in enumerate(lines) if line.startswith("  description "))
    start = lines[i].index("Kazakhstani")
    assert lines[i + 1].startswith(" " * start) and lines[i + 1][start] != " "
    plain = run(["show", "paperlab"])
    assert any(len(line) > 80 and line.startswith("  description ") for line in plain.splitlines())


@needs_catalogue
def test_validate_wraps_with_the_place_first():
    out = run(["validate"], 80)
    first = next(line for line in out.splitlines() if line.startswith("data/entries/adamdar-ca.ttl:"))
    assert ": warning: " in first and len(first) <= 80
    plain = run(["validate"])
    assert max(len(line) for line in plain.splitlines()) > 200


def test_text_table_fits_and_cuts():
    cols = ("slug", "note", "link")
    rows = [("a-slug", "word " * 30, "https://example.org/" + "x" * 80)]
    plain = text_table(cols, rows)
    assert len(plain.splitlines()) == 3
    fitted = text_table(cols, rows, 60, shorten=("link",), keep=("slug",))
    assert all(cell_width(line) <= 60 for line in fitted.splitlines())
    assert "a-slug" in fitted and "…" in fitted
    assert text_table(cols, rows, 1000) == plain


def test_wide_characters_count_twice():
    assert cell_width("казах") == 5 and cell_width("漢字") == 4
    assert all(cell_width(line) <= 6 for line in wrap_cell("漢字漢字漢字 ab", 6))


# ---------------------------------------------------------------- on a real terminal


def run_on_pty(args, cols, rows=24, env_extra=None):
    """Run kzgraph with a pty (of cols x rows) as its terminal; return what it wrote there."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES", "KZGRAPH_NO_PAGER")}
    env.update({"TERM": "dumb", "PAGER": "sed s/^/paged:/"}, **(env_extra or {}))
    proc = subprocess.Popen([sys.executable, "-m", "kzgraph", *args], stdin=slave, stdout=slave,
                            stderr=subprocess.PIPE, env=env, close_fds=True)
    os.close(slave)
    chunks = []
    while True:
        ready, _, _ = select.select([master], [], [], 60)
        if not ready:
            break
        try:
            data = os.read(master, 65536)
        except OSError:  # the child closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    proc.wait(timeout=60)
    os.close(master)
    assert proc.returncode == 0, proc.stderr.read()
    return b"".join(chunks).decode("utf-8").replace("\r\n", "\n")


@needs_catalogue
@pytest.mark.parametrize("cols", [80, 200])
def test_on_a_terminal_the_width_is_the_terminals(cols):
    out = run_on_pty(["sources", "--topic", "violence", "--no-pager"], cols)
    assert "paged:" not in out
    assert max(cell_width(line) for line in out.splitlines()) <= cols
    if cols == 80:
        assert "\nslug         paperlab\n" in out
    else:
        assert out.startswith("slug ") and "https://paperlab.kz/" in out


@needs_catalogue
def test_long_output_on_a_terminal_goes_through_the_pager():
    out = run_on_pty(["sources"], 200, rows=24)
    lines = out.splitlines()
    assert len(lines) > 24 and all(line.startswith("paged:") for line in lines if line)
    short = run_on_pty(["sources", "--data-format", "spss"], 200, rows=24)
    assert "paged:" not in short and "central-asia-barometer" in short
