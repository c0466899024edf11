"""The output folder of `kzgraph site`: checked before any work, replaced whole at the end.

The site is written into a temporary folder beside OUT_DIR and renamed into place, so a reader
(or a web server) sees the previous site or the new one, never half of one. A folder holds an
earlier site when it has the marker file that every build writes.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from kzgraph.errors import RuntimeFailure, UsageError

MARKER = ".kzgraph-site"
MARKER_TEXT = b"This folder was written by 'kzgraph site'; the next build replaces it whole.\n"


def check(out_dir: Path, force: bool, keep: tuple[Path, ...] = ()) -> None:
    """Refuse an OUT_DIR that is a file, a link, not writable, or foreign and non-empty.

    Never, even with ``force``: the working folder or one of its parents, or a folder that
    holds one of ``keep`` (the graph's own files), since the build replaces OUT_DIR whole.
    """
    if out_dir.is_symlink():
        raise UsageError(f"{out_dir} is a symbolic link: give the folder it points to, or another folder")
    if out_dir.exists() and not out_dir.is_dir():
        raise UsageError(f"{out_dir} is not a folder: give a new or empty folder, or an earlier kzgraph site")
    target = out_dir.resolve()
    for inside in (Path.cwd(), *keep):
        inside = inside.resolve()
        if inside == target or target in inside.parents:
            raise UsageError(f"{out_dir} holds {inside}, which the build would replace: give a folder of its own")
    parent = _existing_parent(out_dir)
    if not parent.is_dir():
        raise UsageError(f"cannot create {out_dir}: {parent} is not a folder")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise UsageError(f"cannot write {out_dir}: {parent} is not writable")
    if out_dir.is_dir():
        if not os.access(out_dir, os.W_OK | os.X_OK):
            raise UsageError(f"cannot write {out_dir}: the folder is not writable")
        try:
            names = os.listdir(out_dir)
        except OSError as err:
            raise UsageError(f"cannot read {out_dir}: {err.strerror or err}") from None
        if names and MARKER not in names and not force:
            raise UsageError(
                f"{out_dir} is not empty and holds no earlier kzgraph site: give another folder, "
                "or --force to replace it"
            )


def _existing_parent(path: Path) -> Path:
    parent = path.absolute().parent
    while not parent.exists() and parent != parent.parent:
        parent = parent.parent
    return parent


def write(out_dir: Path, files: dict[str, bytes]) -> None:
    """Write ``files`` (site path -> bytes) into a temporary folder, then put it at ``out_dir``."""
    out_dir = out_dir.absolute()
    try:
        out_dir.parent.mkdir(parents=True, exist_ok=True)
        temp = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.", suffix=".tmp", dir=out_dir.parent))
    except OSError as err:
        raise UsageError(f"cannot write {out_dir}: {err.strerror or err}") from None
    old: Path | None = None
    try:
        os.chmod(temp, 0o755)
        dirs = {temp}
        for name in sorted(files):
            target = temp / name
            if target.parent not in dirs:
                target.parent.mkdir(parents=True, exist_ok=True)
                dirs.add(target.parent)
            target.write_bytes(files[name])
        (temp / MARKER).write_bytes(MARKER_TEXT)
        if out_dir.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.", suffix=".old", dir=out_dir.parent))
            os.rmdir(old)
            os.rename(out_dir, old)
        os.rename(temp, out_dir)
    except BaseException as err:
        shutil.rmtree(temp, ignore_errors=True)
        if old is not None and old.exists() and not out_dir.exists():
            os.rename(old, out_dir)  # put the previous site back
        if isinstance(err, OSError):
            raise RuntimeFailure(f"cannot write {out_dir}: {err.strerror or err}") from None
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
