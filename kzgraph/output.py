"""Atomic file writes: a temporary file in the same folder, renamed into place."""

from __future__ import annotations

import os
from pathlib import Path

from kzgraph.errors import RuntimeFailure, UsageError


def write_atomically(path: str | Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` so that readers see the old file or the new one, never half.

    On any failure the temporary file is removed and an existing ``path`` is left untouched; an
    existing file keeps its permission bits, a new one gets the usual ones (0666 less the umask).
    """
    import tempfile  # only when writing a file: keeps the start of every query short

    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise UsageError(f"cannot write {path}: the folder {folder} does not exist")
    try:
        handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except OSError as err:
        raise RuntimeFailure(f"cannot write {path}: {err.strerror or err}") from None
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temp, _target_mode(path))
        os.replace(temp, path)
    except BaseException as err:
        try:
            os.unlink(temp)
        except OSError:
            pass
        if isinstance(err, OSError):
            raise RuntimeFailure(f"cannot write {path}: {err.strerror or err}") from None
        raise


def _target_mode(path: Path) -> int:
    try:
        return path.stat().st_mode & 0o7777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask
