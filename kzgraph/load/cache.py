"""A persistent cache of parsed catalogues, so that repeated commands skip parsing.

An entry is keyed by the kzgraph and pyoxigraph versions and, for every input file in order, its
resolved path and the sha256 of its bytes: any edit, addition, removal or reordering of a file
gives another key, so a stale entry is never served. An entry holds the parsed triples exactly
as written (N-Quads: ``quads.nq`` without blank nodes, fast to bulk-load, and ``bnodes.nq``
with them), the files' counts (``meta.json``) and where each subject is described
(``locations.json``, read only when a command asks for a location).

Entries live in ``$XDG_CACHE_HOME/kzgraph/catalogues`` (default ``~/.cache/kzgraph/...``); only
the newest few are kept. ``KZGRAPH_NO_CACHE=1`` turns the cache off. A cache folder that cannot
be created or written, or an entry that cannot be read, is skipped silently: the cache only
ever saves time.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Callable, Iterator

import pyoxigraph as ox

from kzgraph import __version__

ENV_DISABLE = "KZGRAPH_NO_CACHE"
# Bump when the layout or meaning of an entry changes.
FORMAT = 1
KEEP_ENTRIES = 4
QUADS = "quads.nq"
# Store loaders give blank nodes new labels, but locations and exports need the loader's labels
# ("_:f3b0"): the few quads with blank nodes are kept apart and inserted as parsed.
BNODE_QUADS = "bnodes.nq"
META = "meta.json"
LOCATIONS = "locations.json"


def cache_dir() -> Path | None:
    """Return the folder of cached catalogues, or None when caching is turned off."""
    if os.environ.get(ENV_DISABLE, "").strip() not in ("", "0"):
        return None
    base = os.environ.get("XDG_CACHE_HOME", "").strip()
    if not base or not os.path.isabs(base):
        try:
            base = os.path.join(Path.home(), ".cache")
        except RuntimeError:  # no home directory
            return None
    return Path(base) / "kzgraph" / "catalogues"


def file_digest(path: Path) -> str:
    """Return the sha256 of a file's bytes (raises OSError when it cannot be read)."""
    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def entry_key(files: Sequence[Path], digests: Sequence[str]) -> str:
    """Return the key of the catalogue made of ``files`` (resolved) with these contents."""
    h = hashlib.sha256()
    h.update(f"kzgraph {__version__}\0pyoxigraph {ox.__version__}\0format {FORMAT}\0".encode())
    for path, digest in zip(files, digests):
        h.update(os.fsencode(path))
        h.update(b"\0" + digest.encode() + b"\n")
    return h.hexdigest()


class Entry:
    """One cached catalogue on disk."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def read_meta(self) -> dict[str, Any]:
        with open(self.folder / META, encoding="utf-8") as handle:
            meta = json.load(handle)
        if meta.get("format") != FORMAT:
            raise ValueError("another cache format")
        return meta


def lookup(key: str) -> Entry | None:
    """Return the entry for ``key`` if one is cached and complete."""
    root = cache_dir()
    if root is None:
        return None
    folder = root / key
    if not (folder / META).is_file():
        return None
    try:
        os.utime(folder)  # newest-used entries are the ones kept
    except OSError:
        pass
    return Entry(folder)


def save(
    key: str,
    quads: Sequence[ox.Quad],
    meta: dict[str, Any],
    locations: dict[str, list[int]],
) -> None:
    """Store an entry atomically (write a temporary folder, then rename); never raise."""
    import shutil
    import tempfile

    root = cache_dir()
    if root is None:
        return
    tmp: str | None = None
    try:
        root.mkdir(parents=True, exist_ok=True)
        tmp = tempfile.mkdtemp(prefix=".tmp-", dir=root)
        plain: list[ox.Quad] = []
        with_bnodes: list[ox.Quad] = []
        positions: list[int] = []
        for i, quad in enumerate(quads):
            if isinstance(quad.subject, ox.BlankNode) or isinstance(quad.object, ox.BlankNode):
                with_bnodes.append(quad)
                positions.append(i)
            else:
                plain.append(quad)
        ox.serialize(plain, os.path.join(tmp, QUADS), format=ox.RdfFormat.N_QUADS)
        ox.serialize(with_bnodes, os.path.join(tmp, BNODE_QUADS), format=ox.RdfFormat.N_QUADS)
        meta = {**meta, "bnode_positions": positions}
        with open(os.path.join(tmp, LOCATIONS), "w", encoding="utf-8") as handle:
            json.dump(locations, handle, separators=(",", ":"))
        # meta.json last: an entry counts as complete only once it exists.
        with open(os.path.join(tmp, META), "w", encoding="utf-8") as handle:
            json.dump({"format": FORMAT, **meta}, handle, separators=(",", ":"))
        try:
            os.rename(tmp, root / key)
            tmp = None
        except OSError:  # another process stored the same entry first
            pass
        _prune(root)
    except (OSError, ValueError):
        pass
    finally:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)


def _prune(root: Path) -> None:
    import shutil

    entries = []
    for child in root.iterdir():
        if child.name.startswith(".tmp-"):
            continue
        try:
            entries.append((child.stat().st_mtime, child))
        except OSError:
            continue
    entries.sort(reverse=True)
    for _, child in entries[KEEP_ENTRIES:]:
        shutil.rmtree(child, ignore_errors=True)


def merge_quads(plain: list[ox.Quad], with_bnodes: list[ox.Quad], positions: list[int]) -> list[ox.Quad]:
    """Put the quads with blank nodes back at their places among the others."""
    if not with_bnodes:
        return plain
    merged: list[ox.Quad] = []
    start = 0
    for quad, at in zip(with_bnodes, positions):
        take = at - len(merged)
        merged += plain[start : start + take]
        start += take
        merged.append(quad)
    merged += plain[start:]
    return merged


class LazyQuads(Sequence):
    """A list of quads read from the cache on first use (most commands never need it)."""

    def __init__(self, load: Callable[[], list[ox.Quad]], count: int) -> None:
        self._load = load
        self._count = count
        self._items: list[ox.Quad] | None = None

    def _list(self) -> list[ox.Quad]:
        if self._items is None:
            self._items = self._load()
        return self._items

    def __len__(self) -> int:
        return self._count if self._items is None else len(self._items)

    def __getitem__(self, index):  # type: ignore[override]
        return self._list()[index]

    def __iter__(self) -> Iterator[ox.Quad]:
        return iter(self._list())

    def __eq__(self, other: object) -> bool:
        return list(self) == list(other) if isinstance(other, (list, LazyQuads)) else NotImplemented


class LazyLocations(Mapping):
    """Subject -> Location, read from the cache on first use and built per lookup."""

    def __init__(self, load: Callable[[], dict[str, list[int]]], make: Callable[[int, int], Any]) -> None:
        self._load = load
        self._make = make
        self._raw: dict[str, list[int]] | None = None

    def _data(self) -> dict[str, list[int]]:
        if self._raw is None:
            self._raw = self._load()
        return self._raw

    def __getitem__(self, key: str):
        index, line = self._data()[key]
        return self._make(index, line)

    def __contains__(self, key: object) -> bool:
        return key in self._data()

    def __iter__(self) -> Iterator[str]:
        return iter(self._data())

    def __len__(self) -> int:
        return len(self._data())
