"""kzgraph diff: entries added and removed, facts per entry, between folders or git revisions."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from kzgraph.cli import main

REPO = Path(__file__).resolve().parent.parent


def git(repo: Path, *args: str) -> str:
    done = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, check=True,
                          env={"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org",
                               "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org",
                               "GIT_AUTHOR_DATE": "2026-12-01T00:00:00Z", "GIT_COMMITTER_DATE": "2026-12-01T00:00:00Z",
                               "HOME": str(repo), "PATH": "/usr/bin:/bin"})
    return done.stdout.strip()


@pytest.fixture
def history(tmp_path) -> Path:
    """A git checkout of the graph with two commits: the shipped catalogue, then curators' edits."""
    repo = tmp_path / "repo"
    for name in ("ontology", "data", "shapes"):
        shutil.copytree(REPO / name, repo / name)
    shutil.copy(REPO / "pyproject.toml", repo / "pyproject.toml")
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "first")
    entries = repo / "data" / "entries"
    # one fact changed, one added, one entry removed, one file only reformatted
    paperlab = entries / "paperlab.ttl"
    paperlab.write_text(paperlab.read_text(encoding="utf-8")
                        .replace('kzg:reviewItem "1"', 'kzg:reviewItem "11"')
                        .replace("    kzg:primaryLanguage lang:KAZ,", "    kzg:primaryLanguage lang:KAZ,\n        lang:UZB,", 1),
                        encoding="utf-8")
    (entries / "kok-team.ttl").unlink()
    svet = entries / "svet.ttl"
    svet.write_text(svet.read_text(encoding="utf-8").replace(" ;\n", " ;\n\n"), encoding="utf-8")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "second")
    return repo


def test_diff_of_two_revisions(runner, history):
    before = git(history, "status", "--porcelain")
    result = runner.invoke(main, ["diff", "--root", str(history), "HEAD~1", "HEAD"])
    assert result.exit_code == 0, result.output
    first, second = git(history, "rev-parse", "HEAD~1")[:12], git(history, "rev-parse", "HEAD")[:12]
    assert result.output.splitlines() == [
        f"HEAD~1 ({first}) → HEAD ({second}): 0 entries added, 1 entry removed, 1 entry changed, "
        "0 other nodes changed (2 facts added, removed or changed)",
        "",
        "Entries removed:",
        "  - id:kok-team (Kok.team)",
        "",
        "Entries changed:",
        "  ~ id:paperlab (PaperLab)",
        "      + kzg:primaryLanguage lang:UZB",
        '      ~ kzg:reviewItem "1" → "11"',
    ]
    # the work tree and the index are never touched
    assert git(history, "status", "--porcelain") == before


def test_diff_of_two_folders_as_json(runner, history, tmp_path):
    old = tmp_path / "old"
    for name in ("ontology", "data", "shapes"):
        shutil.copytree(REPO / name, old / name)
    result = runner.invoke(main, ["diff", str(old), str(history), "--format", "json"])
    assert result.exit_code == 0, result.output
    found = json.loads(result.output)
    assert found["entries"]["removed"] == [{"entry": "https://w3id.org/kzgraph/id/kok-team", "label": "Kok.team"}]
    assert found["entries"]["added"] == []
    changed = found["entries"]["changed"]["https://w3id.org/kzgraph/id/paperlab"]
    assert changed["added"] == [["https://w3id.org/kzgraph/id/paperlab", "https://w3id.org/kzgraph/ontology#primaryLanguage",
                                 "http://publications.europa.eu/resource/authority/language/UZB"]]
    assert changed["changed"] == [{"subject": "https://w3id.org/kzgraph/id/paperlab",
                                   "predicate": "https://w3id.org/kzgraph/ontology#reviewItem",
                                   "old": '"1"', "new": '"11"'}]
    assert found["nodes"] == {}


def test_added_entry_and_its_nodes(runner, history):
    result = runner.invoke(main, ["diff", "--root", str(history), "HEAD", "HEAD~1"])
    assert "Entries added:\n  + id:kok-team (Kok.team)\n" in result.output
    # the entry's own nodes (its assessment, accounts, ...) are not listed as other nodes
    assert "Other nodes changed" not in result.output


def test_blank_nodes_compare_by_structure(tmp_path):
    from kzgraph.graphdiff import compare, load_side

    a, b, c = (tmp_path / n for n in "abc")
    for folder, label, value in ((a, "x1", "1"), (b, "other", "1"), (c, "x1", "2")):
        folder.mkdir()
        (folder / "g.ttl").write_text(
            f"<https://e.org/s> <https://e.org/p> _:{label} .\n_:{label} <https://e.org/q> \"{value}\" .\n",
            encoding="utf-8")
    assert compare(load_side(a), load_side(b)).empty
    changed = compare(load_side(a), load_side(c))
    [(node, change)] = changed.nodes.items()
    assert node.startswith("_:") and change.added == change.removed == []
    assert change.changed == [(node, "https://e.org/q", '"1"', '"2"')]


@pytest.mark.parametrize("args, message", [
    (["no-such-rev"], "'no-such-rev' is neither a folder nor a git revision"),
])
def test_bad_side_is_one_line(runner, history, args, message):
    result = runner.invoke(main, ["diff", "--root", str(history), *args])
    assert result.exit_code == 2
    assert message in result.output and len(result.output.strip().splitlines()) == 1
