"""The persistent parse cache: same catalogue as a fresh parse, never stale, never in the way."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

from kzgraph.load import cache
from kzgraph.cli import main
from kzgraph.load import load_catalogue
from kzgraph.paths import Layout

from conftest import GOOD_ROOT, REPO, needs_catalogue

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


@pytest.fixture
def cache_home(tmp_path, monkeypatch) -> Path:
    """Point the cache at a fresh folder and turn it on."""
    home = tmp_path / "cache-home"
    monkeypatch.setenv("XDG_CACHE_HOME", str(home))
    monkeypatch.delenv(cache.ENV_DISABLE, raising=False)
    return home


@pytest.fixture
def root(tmp_path) -> Path:
    """A copy of the small good layout that tests may edit."""
    copy = tmp_path / "graph"
    shutil.copytree(GOOD_ROOT, copy)
    return copy


def entries(home: Path) -> list[Path]:
    folder = home / "kzgraph" / "catalogues"
    return sorted(p for p in folder.iterdir() if not p.name.startswith(".")) if folder.is_dir() else []


def snapshot(catalogue) -> dict:
    """Everything a command can see of a loaded catalogue, in comparable form."""
    return {
        "files": catalogue.files,
        "quads": sorted(str(q) for q in catalogue.quads),
        "store": sorted(str(q) for q in catalogue.store),
        "locations": {key: catalogue.locations[key] for key in catalogue.locations},
        "duplicates": catalogue.duplicates,
        "file_info": catalogue.file_info,
        "triple_count": catalogue.triple_count,
        "rdflib": len(catalogue.rdflib_graph()),
    }


def load_fresh(layout: Layout, monkeypatch) -> dict:
    with monkeypatch.context() as m:
        m.setenv(cache.ENV_DISABLE, "1")
        return snapshot(load_catalogue(layout))


def test_a_cached_load_equals_a_fresh_parse(cache_home, root, monkeypatch):
    layout = Layout(root)
    first = load_catalogue(layout)
    assert len(entries(cache_home)) == 1
    second = load_catalogue(layout)
    assert isinstance(second.quads, cache.LazyQuads)  # served from the cache
    assert snapshot(first) == snapshot(second) == load_fresh(layout, monkeypatch)


@needs_catalogue
def test_the_real_catalogue_is_the_same_from_the_cache(cache_home, monkeypatch):
    layout = Layout(REPO)
    load_catalogue(layout)
    cached = load_catalogue(layout)
    assert isinstance(cached.quads, cache.LazyQuads)
    assert snapshot(cached) == load_fresh(layout, monkeypatch)


def test_duplicates_and_locations_survive_the_cache(cache_home, tmp_path, monkeypatch):
    (tmp_path / "g" / "ontology").mkdir(parents=True)
    (tmp_path / "g" / "ontology" / "kzg.ttl").write_text("<http://e/o> a <http://e/O> .\n")
    data = tmp_path / "g" / "data"
    data.mkdir()
    (data / "a.ttl").write_text("\n<http://e/s> <http://e/p> 1 .\n")
    (data / "b.ttl").write_text("<http://e/s> <http://e/p> 2 .\n[] <http://e/p> <http://e/s> .\n")
    layout = Layout(tmp_path / "g")
    load_catalogue(layout)
    cached = load_catalogue(layout)
    assert isinstance(cached.quads, cache.LazyQuads)
    assert [(loc.path.name, loc.line) for loc in cached.duplicates["http://e/s"]] == [("a.ttl", 2), ("b.ttl", 1)]
    assert cached.location_of("http://e/s").line == 2
    assert snapshot(cached) == load_fresh(layout, monkeypatch)


def test_editing_a_file_gives_a_fresh_result(cache_home, root):
    layout = Layout(root)
    before = load_catalogue(layout).triple_count
    entry = root / "data" / "entries" / "one.ttl"
    stat = entry.stat()
    text = entry.read_text(encoding="utf-8")
    entry.write_text(text + "\n<http://example.org/new> <http://example.org/p> 1 .\n", encoding="utf-8")
    # Same timestamps as before: the cache is keyed by contents, not by mtime.
    os.utime(entry, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    after = load_catalogue(layout)
    assert after.triple_count == before + 1
    assert "http://example.org/new" in after.locations


def test_adding_or_removing_a_file_gives_a_fresh_result(cache_home, root):
    layout = Layout(root)
    before = load_catalogue(layout).triple_count
    extra = root / "data" / "entries" / "added.ttl"
    extra.write_text("<http://example.org/added> <http://example.org/p> 2 .\n", encoding="utf-8")
    assert load_catalogue(layout).triple_count == before + 1
    extra.unlink()
    assert load_catalogue(layout).triple_count == before


def test_the_cli_answers_from_the_edited_file(cache_home, root, runner):
    args = ["query", "--root", str(root), "--format", "csv", COUNT]
    first = runner.invoke(main, args)
    assert first.exit_code == 0, first.output
    again = runner.invoke(main, args)
    assert again.output == first.output
    entry = root / "data" / "entries" / "one.ttl"
    entry.write_text(entry.read_text(encoding="utf-8") + "\n<http://e/x> <http://e/p> 3 .\n", encoding="utf-8")
    edited = runner.invoke(main, args)
    n_before = int(first.output.split()[-1])
    assert int(edited.output.split()[-1]) == n_before + 1


def test_a_broken_file_is_reported_even_if_it_parsed_before(cache_home, root, runner):
    load_catalogue(Layout(root))
    entry = root / "data" / "entries" / "one.ttl"
    entry.write_text(entry.read_text(encoding="utf-8") + "\n<http://e/x> <http://e/p> .\n", encoding="utf-8")
    result = runner.invoke(main, ["query", "--root", str(root), COUNT])
    assert result.exit_code == 2
    assert "one.ttl:" in result.output


def test_no_cache_variable_turns_it_off(cache_home, root, monkeypatch):
    monkeypatch.setenv(cache.ENV_DISABLE, "1")
    catalogue = load_catalogue(Layout(root))
    assert not isinstance(catalogue.quads, cache.LazyQuads)
    assert entries(cache_home) == []


@pytest.mark.parametrize("kind", ["file", "read-only"])
def test_an_unwritable_cache_is_skipped(tmp_path, root, monkeypatch, kind):
    if kind == "file":
        # The cache folder cannot be created: its parent is a file.
        blocker = tmp_path / "not-a-folder"
        blocker.write_text("x")
        monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    else:
        home = tmp_path / "ro"
        (home / "kzgraph" / "catalogues").mkdir(parents=True)
        monkeypatch.setenv("XDG_CACHE_HOME", str(home))
        monkeypatch.setattr(tempfile, "mkdtemp", _refuse)
    monkeypatch.delenv(cache.ENV_DISABLE, raising=False)
    first = load_catalogue(Layout(root))
    second = load_catalogue(Layout(root))
    assert snapshot(first) == snapshot(second)
    assert not isinstance(second.quads, cache.LazyQuads)


def _refuse(*args, **kwargs):
    raise PermissionError(13, "Permission denied")


@pytest.mark.parametrize("damage", ["truncate-quads", "bad-meta", "missing-locations-ok"])
def test_a_damaged_entry_is_never_served(cache_home, root, monkeypatch, damage):
    layout = Layout(root)
    load_catalogue(layout)
    (entry,) = entries(cache_home)
    if damage == "truncate-quads":
        quads = entry / cache.QUADS
        quads.write_bytes(quads.read_bytes()[:-40])
    elif damage == "bad-meta":
        (entry / cache.META).write_text("{not json", encoding="utf-8")
    else:
        (entry / cache.QUADS).write_bytes(b"")
    catalogue = load_catalogue(layout)
    assert snapshot(catalogue) == load_fresh(layout, monkeypatch)


def test_only_the_newest_entries_are_kept(cache_home, root):
    layout = Layout(root)
    entry = root / "data" / "entries" / "one.ttl"
    text = entry.read_text(encoding="utf-8")
    for i in range(cache.KEEP_ENTRIES + 2):
        entry.write_text(text + f"\n<http://e/x> <http://e/p> {i} .\n", encoding="utf-8")
        load_catalogue(layout)
    assert len(entries(cache_home)) == cache.KEEP_ENTRIES
