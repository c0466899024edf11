"""Where output goes (-o, --format), the same for every command (kzgraph.output, the output bundle).

Measured bugs this fixes: -o renamed a temporary file over whatever the target was (a symlink
was replaced and its target left alone, a FIFO was replaced, as root /dev/full became a regular
file); -o - wrote a file named "-"; export --all wrote file by file; the format ignored -o's
extension (sources -o scores.csv wrote the text table, export -o x.jsonld wrote Turtle).
"""

from __future__ import annotations

import csv
import io
import json
import os
import stat
import threading

import pytest

from kzgraph.cli import main

from conftest import GOOD_ROOT, needs_catalogue

# every command that writes output, with arguments that make it write (on the small fixture graph)
WRITERS = {
    "export": ["export", "--root", str(GOOD_ROOT)],
    "query": ["query", "--root", str(GOOD_ROOT), "SELECT ?s WHERE { ?s ?p ?o } LIMIT 1"],
    "validate": ["validate", "--root", str(GOOD_ROOT)],
    "queries": ["queries"],
}


# the commands that read the real catalogue (the same writer; checked once each on /dev/full)
CATALOGUE_WRITERS = {
    "sources": ["sources", "--topic", "violence"],
    "show": ["show", "paperlab"],
    "stats": ["stats"],
    "flags": ["flags"],
}


def _run(runner, args):
    result = runner.invoke(main, args)
    return result


@pytest.mark.parametrize("name", sorted(WRITERS))
def test_dash_is_standard_output(runner, tmp_path, monkeypatch, name):
    monkeypatch.chdir(tmp_path)
    to_stdout = _run(runner, WRITERS[name])
    dashed = _run(runner, [*WRITERS[name], "-o", "-"])
    # (validate may find problems in the fixture: exit 1, with the report written all the same)
    assert dashed.exit_code == to_stdout.exit_code and dashed.exit_code in (0, 1), dashed.output
    assert dashed.stdout == to_stdout.stdout and dashed.stdout
    assert not (tmp_path / "-").exists()


@pytest.mark.parametrize("name", sorted(WRITERS))
def test_a_symlink_is_written_through_and_stays_a_link(runner, tmp_path, name):
    target = tmp_path / "real.out"
    target.write_bytes(b"old\n")
    link = tmp_path / "link.out"
    link.symlink_to(target)
    result = _run(runner, [*WRITERS[name], "-o", str(link)])
    assert result.exit_code in (0, 1) and result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert target.read_bytes() == _run(runner, WRITERS[name]).stdout_bytes
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.out", "real.out"]


def test_a_fifo_is_written_through_not_replaced(runner, tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []

    def read():
        with open(fifo, "rb") as pipe:
            received.append(pipe.read())

    reader = threading.Thread(target=read)
    reader.start()
    result = _run(runner, [*WRITERS["export"], "--format", "nt", "-o", str(fifo)])
    reader.join(30)
    assert result.exit_code == 0, result.output
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert received == [_run(runner, [*WRITERS["export"], "--format", "nt"]).stdout_bytes]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pipe"]


def _device(tmp_path, name: str, minor: int):
    """A character device node like /dev/null (1, 3) or /dev/full (1, 7), made in tmp_path."""
    node = tmp_path / name
    try:
        os.mknod(node, stat.S_IFCHR | 0o666, os.makedev(1, minor))
    except (PermissionError, OSError) as err:
        pytest.skip(f"cannot make a device node here ({err.strerror}); needs root")
    return node


def test_a_null_device_is_written_to_not_replaced(runner, tmp_path):
    null = _device(tmp_path, "null", 3)
    result = _run(runner, [*WRITERS["export"], "-o", str(null)])
    assert result.exit_code == 0, result.output
    assert stat.S_ISCHR(os.lstat(null).st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["null"]


@pytest.mark.parametrize("name", sorted(WRITERS))
def test_a_full_device_is_one_line_exit_3_and_stays_a_device(runner, tmp_path, name):
    full = _device(tmp_path, "full", 7)
    result = _run(runner, [*WRITERS[name], "-o", str(full)])
    assert result.exit_code == 3, result.output
    assert result.output.count("\n") == 1 and "No space left on device" in result.output
    assert stat.S_ISCHR(os.lstat(full).st_mode)
    assert stat.S_ISCHR(os.lstat("/dev/full").st_mode)


@needs_catalogue
@pytest.mark.parametrize("name", sorted(CATALOGUE_WRITERS))
def test_every_command_refuses_a_full_device_in_one_line(runner, tmp_path, name):
    full = _device(tmp_path, "full", 7)
    result = _run(runner, [*CATALOGUE_WRITERS[name], "-o", str(full)])
    assert result.exit_code == 3, result.output
    assert result.output.count("\n") == 1 and "No space left on device" in result.output
    assert stat.S_ISCHR(os.lstat(full).st_mode)


def test_the_real_dev_full_is_never_replaced(runner):
    result = _run(runner, [*WRITERS["export"], "-o", "/dev/full"])
    assert result.exit_code == 3 and "No space left on device" in result.output
    assert stat.S_ISCHR(os.lstat("/dev/full").st_mode)


def test_a_folder_is_refused_in_one_line(runner, tmp_path):
    result = _run(runner, [*WRITERS["export"], "-o", str(tmp_path)])
    assert result.exit_code == 2
    assert result.output.count("\n") == 1


def test_export_all_replaces_the_set_at_once_and_keeps_other_files(runner, tmp_path, monkeypatch):
    from kzgraph import output

    target = tmp_path / "dist"
    assert _run(runner, [*WRITERS["export"], "--all", str(target)]).exit_code == 0
    names = sorted(p.name for p in target.iterdir())
    assert "kzgraph.ttl" in names and "README.md" in names
    (target / "NOTES.txt").write_text("mine\n")
    (target / "kzgraph.ttl").write_text("stale\n")
    # a failure half way through writing the new set leaves the old set whole
    real_open = open
    calls = []

    def failing_open(path, mode="r", *args, **kwargs):
        if "w" in mode and ".tmp" in str(path):
            calls.append(path)
            if len(calls) == 3:
                raise OSError(28, "No space left on device")
        return real_open(path, mode, *args, **kwargs)

    monkeypatch.setattr("builtins.open", failing_open)
    failed = _run(runner, [*WRITERS["export"], "--all", str(target)])
    monkeypatch.undo()
    assert failed.exit_code == 3 and "No space left" in failed.output
    assert (target / "kzgraph.ttl").read_text() == "stale\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dist"]
    assert _run(runner, [*WRITERS["export"], "--all", str(target)]).exit_code == 0
    assert (target / "kzgraph.ttl").read_bytes() == _run(runner, WRITERS["export"]).stdout_bytes
    assert (target / "NOTES.txt").read_text() == "mine\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dist"]


# ---------------------------------------------------------------- the format follows -o's extension


def test_export_format_follows_the_extension(runner, tmp_path):
    target = tmp_path / "x.jsonld"
    assert _run(runner, [*WRITERS["export"], "-o", str(target)]).exit_code == 0
    doc = json.loads(target.read_text(encoding="utf-8"))
    assert "@context" in doc
    nt = tmp_path / "x.nt"
    assert _run(runner, [*WRITERS["export"], "-o", str(nt)]).exit_code == 0
    assert nt.read_bytes() == _run(runner, [*WRITERS["export"], "--format", "nt"]).stdout_bytes


@needs_catalogue
def test_sources_csv_by_extension(runner, tmp_path):
    target = tmp_path / "scores.csv"
    assert _run(runner, ["sources", "--topic", "violence", "-o", str(target)]).exit_code == 0
    rows = list(csv.reader(io.StringIO(target.read_text(encoding="utf-8"))))
    assert rows[0][0] and len(rows) > 2 and all(len(r) == len(rows[0]) for r in rows)
    assert target.read_bytes() == _run(runner, ["sources", "--topic", "violence", "--format", "csv"]).stdout_bytes


@pytest.mark.parametrize(
    "args, target",
    [
        (["export", "--root", str(GOOD_ROOT), "--format", "ttl"], "x.jsonld"),
        (["query", "--root", str(GOOD_ROOT), "--format", "json", "SELECT * WHERE { ?s ?p ?o }"], "x.csv"),
        (["validate", "--root", str(GOOD_ROOT), "--format", "json"], "report.ttl"),
        (["queries", "--format", "table"], "q.json"),
    ],
)
def test_a_format_that_contradicts_the_extension_is_refused(runner, tmp_path, args, target):
    result = _run(runner, [*args, "-o", str(tmp_path / target)])
    assert result.exit_code == 2
    assert result.output.count("\n") == 1 and "contradicts" in result.output
    assert list(tmp_path.iterdir()) == []


def test_an_extension_the_command_does_not_write_keeps_the_default(runner, tmp_path):
    target = tmp_path / "graph.out"
    assert _run(runner, [*WRITERS["export"], "-o", str(target)]).exit_code == 0
    assert target.read_bytes() == _run(runner, WRITERS["export"]).stdout_bytes
