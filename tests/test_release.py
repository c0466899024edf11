"""kzgraph release on two commits of this repository's graph: versioned, checksummed, reproducible."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
from pathlib import Path

import pyoxigraph as ox
import pytest

from kzgraph.cli import main

REPO = Path(__file__).resolve().parent.parent
DUMPS = ("kzgraph.ttl", "kzgraph.nt", "kzgraph.nq", "kzgraph.trig", "kzgraph.rdf", "kzgraph.jsonld",
         "kzgraph-expanded.jsonld", "kzgraph-dcat-ap.ttl", "kzgraph-schema-org.jsonld", "context.jsonld")
DATE = "2026-12-01"
ENV = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "t",
       "GIT_COMMITTER_EMAIL": "t@example.org", "GIT_AUTHOR_DATE": f"{DATE}T12:00:00Z",
       "GIT_COMMITTER_DATE": f"{DATE}T12:00:00Z", "PATH": "/usr/bin:/bin"}


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, check=True,
                          env={**ENV, "HOME": str(repo)}).stdout.strip()


def checkout(where: Path) -> Path:
    """A git checkout whose first commit is this repository's graph as it is."""
    for name in ("ontology", "data", "shapes"):
        shutil.copytree(REPO / name, where / name)
    shutil.copy(REPO / "pyproject.toml", where / "pyproject.toml")
    (where / ".gitignore").write_text("dist/\n", encoding="utf-8")
    git(where, "init", "-q", "-b", "main")
    git(where, "add", "-A")
    git(where, "commit", "-q", "-m", "the graph")
    return where


def _release(runner, root: Path, version: str, *more: str):
    return runner.invoke(main, ["release", "--root", str(root), version, *more])


def test_release_sets_the_version_everywhere_and_checksums_every_dump(runner, tmp_path):
    root = checkout(tmp_path / "a")
    first = git(root, "rev-parse", "HEAD")
    result = _release(runner, root, "0.2.0")
    assert result.exit_code == 0, result.output
    out = root / "dist" / "0.2.0"
    lines = result.output.splitlines()
    assert lines[0] == f"released 0.2.0 (was 0.1.0, dated {DATE}): 14 files in {out}"
    names = sorted(p.name for p in out.iterdir())
    assert names == sorted([*DUMPS, "README.md", "VERSION", "release.ttl", "SHA256SUMS"])
    assert (out / "VERSION").read_text() == "0.2.0\n"
    # SHA256SUMS checks every other file, as sha256sum -c would
    sums = dict(reversed(line.split("  ")) for line in (out / "SHA256SUMS").read_text().splitlines())
    assert sorted(sums) == sorted(n for n in names if n != "SHA256SUMS")
    assert all(hashlib.sha256((out / n).read_bytes()).hexdigest() == h for n, h in sums.items())
    # the version, consistently: ontology and catalogue record in the dump and in the sources
    store = ox.Store()
    store.load(path=str(out / "kzgraph.nt"), format=ox.RdfFormat.N_TRIPLES)
    answer = list(store.query("""
        PREFIX owl: <http://www.w3.org/2002/07/owl#> PREFIX dcat: <http://www.w3.org/ns/dcat#>
        PREFIX dcterms: <http://purl.org/dc/terms/>
        SELECT ?info ?iri ?version ?catInfo ?modified WHERE {
          <https://w3id.org/kzgraph/ontology> owl:versionInfo ?info ; owl:versionIRI ?iri .
          <https://w3id.org/kzgraph/id/catalogue> dcat:version ?version ; owl:versionInfo ?catInfo ;
              dcterms:modified ?modified . }"""))
    assert [[t.value for t in row] for row in answer] == [
        ["0.2.0", "https://w3id.org/kzgraph/ontology/0.2.0", "0.2.0", "0.2.0", DATE]]
    assert 'dcat:version "0.2.0" ;' in (root / "data" / "catalogue.ttl").read_text(encoding="utf-8")
    assert 'owl:versionInfo "0.2.0" ;' in (root / "ontology" / "kzg.ttl").read_text(encoding="utf-8")
    # a distribution per dump, with its size and SHA-256
    record = ox.Store()
    record.load(path=str(out / "release.ttl"), format=ox.RdfFormat.TURTLE)
    rows = list(record.query("""
        PREFIX dcat: <http://www.w3.org/ns/dcat#> PREFIX dcterms: <http://purl.org/dc/terms/>
        PREFIX spdx: <http://spdx.org/rdf/terms#>
        SELECT ?name ?size ?value WHERE {
          <https://w3id.org/kzgraph/id/catalogue> dcat:distribution ?d .
          ?d a dcat:Distribution ; dcterms:identifier ?name ; dcat:byteSize ?size ; spdx:checksum ?c .
          ?c spdx:algorithm spdx:checksumAlgorithm_sha256 ; spdx:checksumValue ?value . }"""))
    found = {r["name"].value: (int(r["size"].value), r["value"].value) for r in rows}
    assert found == {n: ((out / n).stat().st_size, sums[n]) for n in DUMPS}
    # the changelog entry, from kzgraph diff against the commit that set 0.1.0
    changelog = (root / "CHANGELOG.md").read_text(encoding="utf-8")
    assert changelog.startswith("# Changelog\n")
    assert f"## 0.2.0 — {DATE}\n\nCompared with 0.1.0 (commit {first[:12]}): 0 entries added" in changelog
    assert lines[1] == f"## 0.2.0 — {DATE}"


def test_same_inputs_give_the_same_bytes(runner, tmp_path):
    roots = [checkout(tmp_path / name) for name in ("a", "b")]
    for root in roots:
        assert _release(runner, root, "0.2.0").exit_code == 0
    a, b = (root / "dist" / "0.2.0" for root in roots)
    assert sorted(p.name for p in a.iterdir()) == sorted(p.name for p in b.iterdir())
    for path in a.iterdir():
        assert path.read_bytes() == (b / path.name).read_bytes(), path.name


def test_second_release_lists_what_changed_since_the_first(runner, tmp_path):
    root = checkout(tmp_path / "a")
    assert _release(runner, root, "0.2.0").exit_code == 0
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "release 0.2.0")
    released = git(root, "rev-parse", "HEAD")
    entry = root / "data" / "entries" / "paperlab.ttl"
    text = entry.read_text(encoding="utf-8")
    entry.write_text(text.replace("    kzg:primaryLanguage lang:KAZ,", "    kzg:primaryLanguage lang:KAZ,\n        lang:UZB,", 1),
                     encoding="utf-8")
    git(root, "commit", "-q", "-am", "PaperLab in Uzbek too")
    result = _release(runner, root, "0.3.0")
    assert result.exit_code == 0, result.output
    changelog = (root / "CHANGELOG.md").read_text(encoding="utf-8")
    newest, older = changelog.split("\n## ")[1:3]
    assert newest.startswith(f"0.3.0 — {DATE}\n\nCompared with 0.2.0 (commit {released[:12]}): "
                             "0 entries added, 0 entries removed, 1 entry changed")
    assert "- Changed: id:paperlab (PaperLab), 1 fact" in newest
    assert older.startswith("0.2.0 — ")
    # and a version that is not newer is refused in one line, changing nothing
    before = (root / "data" / "catalogue.ttl").read_bytes()
    for version in ("0.3.0", "0.2.9"):
        refused = _release(runner, root, version, "-o", str(tmp_path / "x"))
        assert refused.exit_code == 2
        assert refused.output == (f"kzgraph: error: version {version} is not newer than the last release, 0.3.0 "
                                  "(dcat:version in data/catalogue.ttl); give a higher version\n")
    assert (root / "data" / "catalogue.ttl").read_bytes() == before
    assert not (tmp_path / "x").exists()


@pytest.mark.parametrize("args, message", [
    (["1.0"], "version '1.0' is not MAJOR.MINOR.PATCH (e.g. 0.2.0)"),
    (["0.2.0", "--date", "1 Dec"], "--date '1 Dec' is not YYYY-MM-DD"),
])
def test_bad_release_arguments(runner, tmp_path, args, message):
    root = checkout(tmp_path / "a")
    result = _release(runner, root, *args)
    assert result.exit_code == 2 and result.output == f"kzgraph: error: {message}\n"


def test_the_installed_copy_is_never_released():
    from kzgraph.errors import UsageError
    from kzgraph.paths import CATALOGUE_DIR, Layout
    from kzgraph.release import make_release

    with pytest.raises(UsageError, match="the copy of the graph installed with kzgraph"):
        make_release(Layout(CATALOGUE_DIR), "9.9.9")
