"""Shell completion: click's protocol (_KZGRAPH_COMPLETE) completes slugs, values and query names."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from conftest import needs_catalogue


def complete(words: str, shell: str = "bash") -> list[str]:
    """What bash would offer for the last word of ``words`` (a trailing space: a new word)."""
    parts = words.split()
    cword = len(parts) if words.endswith(" ") else len(parts) - 1
    env = {**os.environ, "_KZGRAPH_COMPLETE": f"{shell}_complete", "COMP_WORDS": words, "COMP_CWORD": str(cword)}
    code = ("import sys; from kzgraph.cli import main\n"
            "try: main(prog_name='kzgraph')\n"
            "except SystemExit: pass\n"
            "print('ENGINES', [m for m in ('pyoxigraph', 'rdflib', 'pyshacl') if m in sys.modules])\n")
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[-1] == "ENGINES []"  # completion never loads the graph
    return [ln.split(",", 1)[1] for ln in lines[:-1] if ln.startswith("plain,")]


@needs_catalogue
@pytest.mark.parametrize(
    "words,expected",
    [
        ("kzgraph sources --topic lgbt", ["lgbtq-rights"]),
        ("kzgraph sources --data-format csv,s", ["csv,spss", "csv,stata"]),
        ("kzgraph sources --language ", ["en", "kk", "ru", "uz"]),
        ("kzgraph sources --country K", ["KAZ", "KGZ"]),
        ("kzgraph sources --section local", ["local-ngos"]),
        ("kzgraph show paper", ["paperlab"]),
        # an organization behind entries (the statistics bureau of section 3)
        ("kzgraph show bureau", ["bureau-of-national-statistics"]),
        ("kzgraph query -n founded", ["founded-between", "founded-in-year"]),
        ("kzgraph queries wvs", ["wvs-sample-sizes"]),
        ("kzgraph vocab orga", ["organization-type"]),
        ("kzgraph query -n sources-by-topic --param to", ["topic="]),
        ("kzgraph query -n sources-by-topic --param topic=lgb", ["topic=lgbtq-rights"]),
    ],
)
def test_completion(words, expected):
    assert complete(words) == expected


@needs_catalogue
def test_topic_completion_offers_every_topic():
    topics = complete("kzgraph sources --topic ")
    # 58, and 14 more topics the review names (issue 14: investigative journalism, public opinion, ...)
    assert len(topics) == 72 and {"violence", "lgbtq-rights", "harmful-practices"} <= set(topics)


def test_commands_complete():
    assert "sources" in complete("kzgraph so")
    assert complete("kzgraph vo") == ["vocab"]


def test_zsh_script_is_printed():
    env = {**os.environ, "_KZGRAPH_COMPLETE": "zsh_source"}
    out = subprocess.run([sys.executable, "-m", "kzgraph"], env=env, capture_output=True, text=True, timeout=60)
    assert "compdef" in out.stdout and "_KZGRAPH_COMPLETE" in out.stdout
