"""The command line: lazy group, help and README coverage, errors, formats, `kzgraph files`."""

from __future__ import annotations

import subprocess
import sys

import click
import pytest

from kzgraph import __version__, formats
from kzgraph.cli import COMMANDS, LazyGroup, main
from kzgraph.errors import InputError, NotConforming, UsageError

from conftest import LOAD_FIXTURES, REPO, needs_catalogue

BAD = LOAD_FIXTURES / "bad"
HEAVY = ("rdflib", "pyshacl", "owlrl", "pyoxigraph")


def test_version(runner):
    result = runner.invoke(main, ["--version"])
    assert result.exit_code == 0
    assert result.output == f"kzgraph {__version__}\n"


@pytest.mark.parametrize("args", [["--help"], ["--version"]])
def test_help_and_version_import_no_engine(args):
    code = (
        "import sys\n"
        "from kzgraph.cli import main\n"
        f"try: main({args!r}, prog_name='kzgraph')\n"
        "except SystemExit: pass\n"
        f"print([m for m in {HEAVY!r} if m in sys.modules])\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "[]"


def test_python_dash_m_runs(tmp_path):
    out = subprocess.run(
        [sys.executable, "-m", "kzgraph", "--version"], capture_output=True, text=True, cwd=tmp_path
    )
    assert (out.returncode, out.stdout) == (0, f"kzgraph {__version__}\n")


def test_main_help_lists_every_command_with_its_summary(runner):
    result = runner.invoke(main, ["--help"])
    assert result.exit_code == 0
    for name, (_, summary) in COMMANDS.items():
        assert name in result.output
        assert summary.split()[0] in result.output


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_command_has_an_example_and_is_in_the_readme(runner, name):
    result = runner.invoke(main, [name, "--help"])
    assert result.exit_code == 0, result.output
    assert "Example:" in result.output
    assert f"kzgraph {name}" in result.output.split("Example:", 1)[1]
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert f"kzgraph {name}" in readme, f"README.md does not mention `kzgraph {name}`"


def test_readme_opens_with_the_install_and_test_commands():
    lines = [ln for ln in (REPO / "README.md").read_text(encoding="utf-8").splitlines() if ln]
    commands = [ln for ln in lines[:12] if ln.startswith("python3 -m venv")]
    assert commands[0].startswith("python3 -m venv .venv && .venv/bin/pip install . && ")
    assert commands[1] == (
        "python3 -m venv .venv && .venv/bin/pip install -e '.[test]' && .venv/bin/python -m pytest -q"
    )


def _group_raising(exc: BaseException) -> click.Group:
    group = LazyGroup(name="kzgraph", lazy_commands={})

    @group.command("boom")
    def boom():
        """Raise."""
        raise exc

    return group


@pytest.mark.parametrize(
    ("exc", "code", "message"),
    [
        (InputError("bad thing", "a.ttl", 3, 7), 2, "kzgraph: error: a.ttl:3:7: bad thing"),
        (UsageError("wrong option"), 2, "kzgraph: error: wrong option"),
        (NotConforming("2 violations"), 1, "kzgraph: error: 2 violations"),
        (KeyboardInterrupt(), 130, "kzgraph: interrupted"),
        # an unexpected error's text may quote input (file bytes, environment): only its type is shown
        (ValueError("oops\nsecond line"), 3, "kzgraph: internal error: ValueError (please report it"),
    ],
)
def test_errors_become_one_line_and_an_exit_code(exc, code, message, monkeypatch):
    monkeypatch.delenv("KZGRAPH_DEBUG", raising=False)
    runner = click.testing.CliRunner()
    result = runner.invoke(_group_raising(exc), ["boom"])
    assert result.exit_code == code
    assert result.stderr.splitlines() == [result.stderr.strip()]
    assert result.stderr.startswith(message)
    assert "Traceback" not in result.stderr


def test_debug_shows_the_traceback(monkeypatch):
    monkeypatch.setenv("KZGRAPH_DEBUG", "1")
    result = click.testing.CliRunner().invoke(_group_raising(ValueError("oops")), ["boom"])
    assert result.exit_code == 3 and "Traceback" in result.stderr


def test_input_error_str_forms():
    assert str(InputError("m", "p", 1, 2)) == "p:1:2: m"
    assert str(InputError("m", "p", 1)) == "p:1: m"
    assert str(InputError("m", "p")) == "p: m"
    assert str(InputError("m")) == "m"


@pytest.mark.parametrize(
    ("alias", "name"),
    [("turtle", "ttl"), ("TTL", "ttl"), ("n-triples", "nt"), ("nquads", "nq"),
     ("json-ld", "jsonld"), ("rdf-xml", "rdfxml"), ("xml-rdf", "rdfxml"), ("xml", "xml")],
)
def test_format_aliases(alias, name):
    assert formats.normalize(alias) == name


def test_rdfxml_and_results_xml_are_different_kinds():
    assert formats.get("rdfxml").kind == formats.GRAPH
    assert formats.get("xml").kind == formats.RESULTS
    assert "xml" not in formats.names(formats.GRAPH)


def test_unknown_format_is_a_usage_error_listing_choices():
    @click.command()
    @click.option("--format", "format_", type=formats.choice(formats.GRAPH), default="ttl")
    def cmd(format_):
        click.echo(format_)

    runner = click.testing.CliRunner()
    assert runner.invoke(cmd, ["--format", "turtle"]).output == "ttl\n"
    result = runner.invoke(cmd, ["--format", "xml"])
    assert result.exit_code == 2
    assert "rdfxml" in result.output and "jsonld" in result.output


def test_files_lists_counts(runner, good_root):
    result = runner.invoke(main, ["files", "--root", str(good_root)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split() == ["file", "format", "triples", "subjects"]
    assert any(ln.endswith("one.ttl") is False and "one.ttl" in ln for ln in lines)
    assert lines[-1].split()[0] == "total"


def test_files_with_extra_data(runner, good_root):
    extra = LOAD_FIXTURES / "formats"
    result = runner.invoke(main, ["files", "--root", str(good_root), "--data", str(extra)])
    assert result.exit_code == 0, result.output
    assert "doc.jsonld" in result.output and "graph.trig" in result.output


def _bad_cases():
    rows = []
    for raw in (BAD / "expected.tsv").read_text(encoding="utf-8").splitlines():
        if raw and not raw.startswith("#"):
            name, line = raw.split("\t")[:2]
            rows.append((name, None if line == "-" else int(line)))
    return rows


@pytest.mark.parametrize(("name", "line"), _bad_cases())
def test_files_reports_bad_input_in_one_line(runner, good_root, name, line):
    result = runner.invoke(main, ["files", "--root", str(good_root), "--data", str(BAD / name)])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert len(result.stderr.splitlines()) == 1
    assert result.stderr.startswith("kzgraph: error: ")
    where = f"{name}:{line}:" if line else f"{name}:"
    assert where in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--data", "no/such/file.ttl"], "file.ttl: no such file"),
        (["--root", "no/such/dir"], "no such directory"),
    ],
)
def test_files_reports_missing_paths(runner, good_root, args, words):
    if args[0] == "--data":
        args = ["--root", str(good_root), *args]
    result = runner.invoke(main, ["files", *args])
    assert result.exit_code == 2
    assert words in result.stderr and len(result.stderr.splitlines()) == 1


def test_files_reports_folder_without_rdf(runner, good_root, tmp_path):
    result = runner.invoke(main, ["files", "--root", str(good_root), "--data", str(tmp_path)])
    assert result.exit_code == 2
    assert f"{tmp_path.name}: folder holds no RDF files" in result.stderr


def test_installed_entry_point_reports_errors_without_traceback(tmp_path, good_root):
    bad = tmp_path / "bad.ttl"
    bad.write_text("<http://e/a> <http://e/p> <http://e/has space> .\n")
    out = subprocess.run(
        [sys.executable, "-m", "kzgraph", "files", "--root", str(good_root), "--data", str(bad)],
        capture_output=True, text=True, cwd=tmp_path,
    )
    assert out.returncode == 2
    assert out.stderr.startswith("kzgraph: error: bad.ttl:1:")
    assert "Traceback" not in out.stderr


@needs_catalogue
def test_files_on_the_real_catalogue(runner):
    result = runner.invoke(main, ["files"])
    assert result.exit_code == 0, result.output
    assert "kzg.ttl" in result.output


def test_ci_runs_exactly_the_readme_test_command():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    test_command = next(
        ln for ln in readme.splitlines() if ln.startswith("python3 -m venv") and "pytest" in ln
    )
    ci_lines = (REPO / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert test_command in ci_lines
    # ... and after it the marked groups that the default run deselects, where "no test
    # collected" (exit 5) is success for that run only.
    marked = '.venv/bin/python -m pytest -q -m "servers or browser" || status=$?'
    assert marked in ci_lines
    assert ci_lines.index(marked) > ci_lines.index(test_command)
    assert any("-ne 5" in line for line in ci_lines[ci_lines.index(marked):])


def test_default_run_deselects_exactly_the_registered_groups():
    import tomllib

    options = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["pytest"]["ini_options"]
    registered = {line.split(":", 1)[0] for line in options["markers"]}
    assert registered == {"servers", "browser"}
    assert "-m 'not servers and not browser'" in options["addopts"]


def test_readme_files_example_is_real_output(runner, monkeypatch):
    monkeypatch.chdir(REPO)
    command = "kzgraph files --root tests/fixtures/load/good"
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    shown = readme.split(f"$ {command}\n", 1)[1].split("```", 1)[0]
    result = runner.invoke(main, command.split()[1:])
    assert result.exit_code == 0
    assert result.output == shown
