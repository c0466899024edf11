"""The shipped pre-commit hooks and GitHub Action, run for real.

pre-commit (from PyPI, the test extra) installs this repository, committed into a temporary git
repository, as a hook repository (``repo:`` a local path, ``rev:`` its commit), in a throwaway
PRE_COMMIT_HOME: a commit of a file with a slip is refused with the file, line and suggestion,
and kzgraph-fmt rewrites a non-canonical file so the next commit passes. Building the hook's
virtual environment takes a minute, so these tests are in the ``servers`` group (they start
programs), outside the default run; nothing is fetched but packages from the package index.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.servers

ENTRY = """@prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> .
@prefix id: <https://w3id.org/kzgraph/id/> .
@prefix kzg: <https://w3id.org/kzgraph/ontology#> .
@prefix lang: <http://publications.europa.eu/resource/authority/language/> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix orgtype: <https://w3id.org/kzgraph/vocab/organization-type/> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix section: <https://w3id.org/kzgraph/vocab/review-section/> .
@prefix status: <https://w3id.org/kzgraph/vocab/methodology-status/> .
@prefix topic: <https://w3id.org/kzgraph/vocab/topic/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .

id:hook-test
    a kzg:Source,
        org:Organization ;
    dcat:theme topic:gender-statistics ;
    dcterms:description "A test organization."@en ;
    foaf:homepage <https://hook-test.example/> ;
    kzg:assessment id:hook-test-assessment ;
    kzg:curatedOn "2026-11-26"^^xsd:date ;
    kzg:primaryLanguage lang:RUS ;
    kzg:reviewItem "99" ;
    kzg:reviewSection section:local-ngos ;
    org:classification orgtype:ngo ;
    prov:wasDerivedFrom id:review ;
    rdfs:label "Hook test"@en .

id:hook-test-assessment
    a kzg:Assessment ;
    kzg:methodologyStatus status:partial ;
    rdfs:label "Hook test: transparency assessment"@en .
"""


def _env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "PRE_COMMIT"))}
    env.update({"HOME": str(home), "PRE_COMMIT_HOME": str(home / "pre-commit-cache"),
                "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org",
                "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org",
                "KZGRAPH_NO_CACHE": "1", "PRE_COMMIT_COLOR": "never", "NO_COLOR": "1"})
    return env


def run(args: list[str], cwd: Path, env: dict[str, str], check: bool = True) -> subprocess.CompletedProcess:
    done = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=900)
    if check and done.returncode != 0:
        raise AssertionError(f"{args} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    return done


def hook_repository(where: Path, env: dict[str, str]) -> str:
    """This repository's installable files, committed into a git repository at ``where``."""
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "node_modules")
    for name in ("kzgraph", "ontology", "data", "shapes"):
        shutil.copytree(REPO / name, where / name, ignore=ignore)
    for name in ("pyproject.toml", "README.md", ".pre-commit-hooks.yaml"):
        shutil.copy(REPO / name, where / name)
    run(["git", "init", "-q", "-b", "main"], where, env)
    run(["git", "add", "-A"], where, env)
    run(["git", "commit", "-q", "-m", "kzgraph"], where, env)
    return run(["git", "rev-parse", "HEAD"], where, env).stdout.strip()


@pytest.fixture(scope="module")
def consumer(tmp_path_factory):
    """A repository that uses both hooks, with pre-commit installed in it."""
    if shutil.which("git") is None:
        pytest.fail("git is needed to test the pre-commit hooks")
    base = tmp_path_factory.mktemp("hooks")
    env = _env(base)
    source = base / "kzgraph-src"
    source.mkdir()
    commit = hook_repository(source, env)
    repo = base / "consumer"
    repo.mkdir()
    run(["git", "init", "-q", "-b", "main"], repo, env)
    (repo / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {source}\n    rev: {commit}\n    hooks:\n"
        "      - id: kzgraph-validate\n      - id: kzgraph-fmt\n", encoding="utf-8")
    run(["git", "add", ".pre-commit-config.yaml"], repo, env)
    run(["git", "commit", "-q", "-m", "hooks"], repo, env)
    run([sys.executable, "-m", "pre_commit", "install"], repo, env)
    # build the hook environment once (pip installs kzgraph from the hook repository)
    run([sys.executable, "-m", "pre_commit", "install-hooks"], repo, env)
    return repo, env


def _commit(repo: Path, env: dict[str, str], path: str, message: str) -> subprocess.CompletedProcess:
    run(["git", "add", path], repo, env)
    return run(["git", "commit", "-m", message], repo, env, check=False)


def test_a_slip_is_refused_with_file_line_and_suggestion(consumer):
    repo, env = consumer
    bad = repo / "entries" / "hook-test.ttl"
    bad.parent.mkdir(exist_ok=True)
    bad.write_text(ENTRY.replace("kzg:primaryLanguage lang:RUS", "kzg:primaryLangauge lang:RUS"), encoding="utf-8")
    line = bad.read_text(encoding="utf-8").splitlines().index("    kzg:primaryLangauge lang:RUS ;") + 1
    done = _commit(repo, env, "entries/hook-test.ttl", "a slip")
    output = done.stdout + done.stderr
    assert done.returncode != 0, output
    assert re.search(r"kzgraph validate\.+Failed", output), output
    assert (f"entries/hook-test.ttl:{line}: violation: kzg:primaryLangauge is not a term of the kzgraph "
            "ontology (ontology/kzg.ttl): did you mean kzg:primaryLanguage?") in output
    assert run(["git", "rev-list", "--count", "HEAD"], repo, env).stdout.strip() == "1"  # nothing committed
    # fixed, it goes in
    bad.write_text(ENTRY, encoding="utf-8")
    done = _commit(repo, env, "entries/hook-test.ttl", "fixed")
    assert done.returncode == 0, done.stdout + done.stderr
    assert re.search(r"kzgraph validate\.+Passed", done.stdout + done.stderr)
    run(["git", "rm", "-q", "entries/hook-test.ttl"], repo, env)
    run(["git", "commit", "-q", "-m", "clean up"], repo, env)


def test_fmt_rewrites_a_non_canonical_file_and_the_next_commit_passes(consumer):
    repo, env = consumer
    messy = repo / "entries" / "hook-test.ttl"
    messy.parent.mkdir(exist_ok=True)
    # same triples, other order and layout, and a comment that must survive
    text = ENTRY.replace("    a kzg:Source,\n        org:Organization ;", "    a kzg:Source, org:Organization ; # both")
    messy.write_text(text, encoding="utf-8")
    done = _commit(repo, env, "entries/hook-test.ttl", "messy")
    output = done.stdout + done.stderr
    assert done.returncode != 0, output
    assert re.search(r"kzgraph fmt\.+Failed", output) and "files were modified by this hook" in output
    fixed = messy.read_text(encoding="utf-8")
    assert fixed != text and "    # both\n    a kzg:Source,\n        org:Organization ;" in fixed
    done = _commit(repo, env, "entries/hook-test.ttl", "formatted")
    assert done.returncode == 0, done.stdout + done.stderr
    assert re.search(r"kzgraph fmt\.+Passed", done.stdout + done.stderr)


def test_the_action_validates_the_repository_turtle(consumer, tmp_path):
    """The Action's validate step, run as GitHub would run it (kzgraph already installed here)."""
    import yaml

    action = yaml.safe_load((REPO / "action.yml").read_text(encoding="utf-8"))
    assert action["runs"]["using"] == "composite"
    steps = action["runs"]["steps"]
    assert steps[0]["uses"].startswith("actions/setup-python@")
    assert "pip install" in steps[1]["run"] and steps[1]["env"]["ACTION_PATH"] == "${{ github.action_path }}"
    script = steps[2]["run"]
    repo, env = consumer
    env = {**env, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"}
    (repo / "entries").mkdir(exist_ok=True)
    good = repo / "entries" / "hook-test.ttl"
    good.write_text(ENTRY, encoding="utf-8")
    run(["git", "add", "-A"], repo, env)
    ok = run(["bash", "-c", script], repo, {**env, "FILES": "", "ARGS": ""}, check=False)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert ok.stdout.startswith("0 violations, ")
    good.write_text(ENTRY.replace("dcterms:description", "dcterms:descripton"), encoding="utf-8")
    bad = run(["bash", "-c", script], repo, {**env, "FILES": "entries", "ARGS": "--strict"}, check=False)
    assert bad.returncode == 1
    assert "did you mean dcterms:description?" in bad.stdout
    run(["git", "checkout", "--", "."], repo, env, check=False)
