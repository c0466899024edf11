"""kzgraph new: a canonical skeleton entry, listed in the catalogue record, whose placeholders fail."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from kzgraph.cli import main

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture
def checkout(tmp_path, monkeypatch) -> Path:
    for name in ("ontology", "data", "shapes"):
        shutil.copytree(REPO / name, tmp_path / name)
    shutil.copy(REPO / "pyproject.toml", tmp_path / "pyproject.toml")
    monkeypatch.chdir(tmp_path)  # paths are shown relative to the working directory
    return tmp_path


def test_new_writes_a_canonical_skeleton_listed_in_the_catalogue(runner, checkout):
    result = runner.invoke(main, ["new", "example-ngo", "--section", "2", "--name", "Example NGO", "--organization"])
    assert result.exit_code == 0, result.output
    entry = checkout / "data" / "entries" / "example-ngo.ttl"
    lines = result.output.splitlines()
    assert lines[0] == "wrote data/entries/example-ngo.ttl; listed id:example-ngo in data/catalogue.ttl"
    # the validation report of the new file: a violation per placeholder, at its line
    assert lines[1] == "4 violations, 3 warnings, 0 infos in 1 file"
    text = entry.read_text(encoding="utf-8")
    violations = [l for l in lines if ": violation: " in l]
    for predicate in ("dcat:theme", "dcterms:description", "foaf:homepage", "kzg:reviewItem"):
        number = next(i for i, l in enumerate(text.splitlines(), 1) if l.strip().startswith(predicate))
        [hit] = [v for v in violations if f"(id:example-ngo, {predicate}, " in v]
        assert hit.startswith(f"data/entries/example-ngo.ttl:{number}: violation: Placeholder left by kzgraph new: FILL IN: ")
    assert lines[-1] == ("next: replace each FILL IN value in data/entries/example-ngo.ttl, "
                         "then kzgraph validate data/entries/example-ngo.ttl")
    # the facts kzgraph can know are written, not left as placeholders
    assert "kzg:reviewSection section:local-ngos ;" in text
    assert "prov:wasDerivedFrom id:review ;" in text
    assert f'kzg:curatedOn "{dt.date.today().isoformat()}"^^xsd:date ;' in text
    assert 'rdfs:label "Example NGO"@en .' in text
    assert "    a kzg:Source,\n        org:Organization ;" in text
    # both files are canonical, and the entry is a resource of the catalogue record
    check = runner.invoke(main, ["fmt", "--check"])
    assert check.exit_code == 0, check.output
    assert "        id:example-ngo," in (checkout / "data" / "catalogue.ttl").read_text(encoding="utf-8")


def test_filling_in_the_placeholders_makes_the_entry_valid(runner, checkout):
    assert runner.invoke(main, ["new", "example-portal", "--section", "international-organizations",
                                "--name", "Example portal"]).exit_code == 0
    entry = checkout / "data" / "entries" / "example-portal.ttl"
    filled = []
    for line in entry.read_text(encoding="utf-8").splitlines():
        if "FILL IN" in line and not line.startswith("#"):
            predicate = line.split()[0]
            value = {
                "dcat:theme": "topic:gender-statistics",
                "dcat:landingPage": "<https://portal.example/>",
                "dcterms:description": '"A test portal."@en',
                "dcterms:publisher": "id:un-women",
                "kzg:reviewItem": '"99"',
            }[predicate]
            line = f"    {predicate} {value} " + line.rstrip()[-1]
        filled.append(line)
    # as the theme placeholder says, the topic: prefix is declared
    filled.insert(filled.index("@prefix xsd: <http://www.w3.org/2001/XMLSchema#> ."),
                  "@prefix topic: <https://w3id.org/kzgraph/vocab/topic/> .")
    entry.write_text("\n".join(filled) + "\n", encoding="utf-8")
    result = runner.invoke(main, ["validate", "--quiet", "data/entries/example-portal.ttl"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("0 violations, ")


@pytest.mark.parametrize(
    "args, message",
    [
        (["Bad_Slug", "--section", "2", "--name", "X"], "slug 'Bad_Slug' is not lowercase ASCII kebab-case; use e.g. 'bad-slug'"),
        (["paperlab", "--section", "2", "--name", "X"], "data/entries/paperlab.ttl exists already; edit it, or choose another slug"),
        (["un-women", "--section", "2", "--name", "X"], "id:un-women is already described in the catalogue; choose another slug"),
        (["example", "--section", "ngo", "--name", "X"], "unknown section 'ngo'"),
        (["example", "--section", "2", "--name", " "], "--name is empty"),
    ],
    ids=["not-kebab", "file-exists", "subject-exists", "unknown-section", "empty-name"],
)
def test_new_refuses_bad_input_in_one_line(runner, checkout, args, message):
    before = (checkout / "data" / "catalogue.ttl").read_bytes()
    result = runner.invoke(main, ["new", *args])
    assert result.exit_code == 2
    assert result.output.startswith("kzgraph: error: ") and message in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert (checkout / "data" / "catalogue.ttl").read_bytes() == before
    assert not (checkout / "data" / "entries" / "example.ttl").exists()


def test_new_never_writes_into_the_installed_copy():
    from kzgraph.curate import new_entry
    from kzgraph.errors import UsageError
    from kzgraph.paths import CATALOGUE_DIR

    with pytest.raises(UsageError, match="the copy of the graph installed with kzgraph"):
        new_entry(CATALOGUE_DIR / "data", "example", "Example", "https://w3id.org/kzgraph/vocab/review-section/local-ngos")
