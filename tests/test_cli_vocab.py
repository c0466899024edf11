"""Unknown values get the closest suggestions on one short line; `kzgraph vocab` lists the values."""

from __future__ import annotations

import json

import pytest

from kzgraph.cli import main
from kzgraph.suggest import closest

from conftest import needs_catalogue

pytestmark = needs_catalogue


@pytest.mark.parametrize(
    "args,line",
    [
        # a prefix: the review's LGBTQ rights (Aiman Umarova's Law School)
        (["sources", "--topic", "lgbtq"],
         "kzgraph: error: unknown topic 'lgbtq'; did you mean 'lgbtq-rights'? run `kzgraph vocab topic` for the list"),
        (["sources", "--type", "ngos"],
         "kzgraph: error: unknown organization type 'ngos'; did you mean 'ngo'? "
         "run `kzgraph vocab organization-type` for the list"),
        (["sources", "--topic", "violence,lgbtq"],
         "kzgraph: error: unknown topic 'lgbtq'; did you mean 'lgbtq-rights'? run `kzgraph vocab topic` for the list"),
        # the same for a named query's parameter
        (["query", "-n", "sources-by-topic", "--param", "topic=lgbtq"],
         "kzgraph: error: unknown topic 'lgbtq'; did you mean lgbtq-rights? run `kzgraph vocab topic` for the list"),
        (["query", "-n", "sources", "--param", "section=local"],
         "kzgraph: error: unknown section 'local'; did you mean local-ngos? run `kzgraph vocab review-section` for the list"),
    ],
)
def test_unknown_value_suggests_on_one_short_line(runner, args, line):
    result = runner.invoke(main, args)
    assert result.exit_code == 2
    assert result.output == line + "\n"


@pytest.mark.parametrize("args", [["sources", "--topic", "violnce"], ["query", "-n", "sources-by-topic", "--param", "topic=violnce"]])
def test_a_misspelling_is_suggested(runner, args):
    result = runner.invoke(main, args)
    assert result.exit_code == 2
    message = result.output.strip()
    assert "did you mean " in message and "violence" in message.split("did you mean ")[1].split("?")[0]
    assert message.endswith("run `kzgraph vocab topic` for the list")
    assert len(message.splitlines()) == 1 and len(message) <= 160


def test_closest_matches_prefixes_substrings_and_spellings():
    names = ["lgbtq-rights", "violence", "domestic-violence", "human-rights", "health"]
    assert closest("lgbtq", names) == ["lgbtq-rights"]
    assert closest("violnce", names)[0] == "violence"
    assert set(closest("rights", names)) == {"lgbtq-rights", "human-rights"}
    assert closest("zzz", names) == []


def test_vocab_lists_the_schemes(runner):
    result = runner.invoke(main, ["vocab"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split() == ["scheme", "label", "concepts"]
    rows = {ln.split()[0]: ln.split()[-1] for ln in lines[2:]}
    # the review's four sections
    assert rows["review-section"] == "4"
    assert {"topic", "language", "organization-type", "data-format", "country"} <= set(rows)


def test_vocab_topic_indents_narrower_topics(runner):
    result = runner.invoke(main, ["vocab", "topic"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split() == ["value", "label", "codes"]
    violence = next(i for i, ln in enumerate(lines) if ln.startswith("violence "))
    below = []
    for ln in lines[violence + 1:]:
        if not ln.startswith("  "):
            break
        below.append(ln.split()[0])
    # the review's kinds of violence sit under violence
    assert {"gender-based-violence", "sexual-violence", "domestic-violence"} <= set(below)
    assert any(ln.startswith("lgbtq-rights ") or ln.startswith("  lgbtq-rights ") for ln in lines)


def test_vocab_labels_and_aliases(runner):
    result = runner.invoke(main, ["vocab", "section", "--labels", "ru"])
    assert result.exit_code == 0, result.output
    assert "local-ngos" in result.output and "Местные" in result.output
    data = json.loads(runner.invoke(main, ["vocab", "language", "--format", "json"]).output)
    kk = next(d for d in data if d["value"] == "kk")
    assert kk["label"] == "Kazakh" and "kaz" in kk["codes"]


def test_vocab_unknown_scheme(runner):
    result = runner.invoke(main, ["vocab", "topics"])
    assert result.exit_code == 2
    assert "unknown vocabulary 'topics'; did you mean 'topic'" in result.output
