"""Where output goes: every file kzgraph writes, written safely.

- a regular file or a new path is replaced atomically: a temporary file in the same folder,
  renamed into place, so readers see the old file or the new one, never half of it;
- a symbolic link is followed: the file it points to is replaced that way and the link stays;
- a FIFO or a character device (a pipe, ``/dev/null``, ``/dev/full``, a terminal) is written
  through, never replaced; its write errors are one-line failures (``/dev/full``: no space);
- anything else (a folder, a block device, a socket) is refused;
- a set of files (``export --all``) is written into a temporary folder beside the target,
  which then takes the target's place, so readers see the old set or the new one.

``-`` means standard output (`is_stdout`); the CLI writes it there.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Mapping

from kzgraph.errors import RuntimeFailure, UsageError

STDOUT = "-"


def is_stdout(path: str | Path | None) -> bool:
    """Whether ``-o`` names standard output (absent, or ``-``)."""
    return path is None or str(path) == STDOUT


def write_file(path: str | Path, data: bytes) -> None:
    """Write ``data`` to ``path`` as the module docstring says (atomic, through, or refused)."""
    path = Path(path)
    try:
        st = os.stat(path)  # follows symbolic links
    except FileNotFoundError:
        st = None
    except OSError as err:
        raise RuntimeFailure(f"cannot write {path}: {err.strerror or err}") from None
    if st is not None and (stat.S_ISFIFO(st.st_mode) or stat.S_ISCHR(st.st_mode)):
        _write_through(path, data)
        return
    if st is not None and stat.S_ISDIR(st.st_mode):
        raise UsageError(f"cannot write {path}: it is a folder; give a file name")
    if st is not None and not stat.S_ISREG(st.st_mode):
        raise UsageError(f"cannot write {path}: not a regular file, a pipe or a character device")
    target = Path(os.path.realpath(path)) if os.path.islink(path) else path
    write_atomically(target, data)


def _write_through(path: Path, data: bytes) -> None:
    try:
        # no O_CREAT, no O_TRUNC: the node is written to as it is, never made anew
        fd = os.open(path, os.O_WRONLY)
    except OSError as err:
        raise RuntimeFailure(f"cannot write {path}: {err.strerror or err}") from None
    try:
        view = memoryview(data)
        while view:
            written = os.write(fd, view)
            view = view[written:]
    except OSError as err:
        raise RuntimeFailure(f"cannot write {path}: {err.strerror or err}") from None
    finally:
        os.close(fd)


def write_atomically(path: str | Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` so that readers see the old file or the new one, never half.

    On any failure the temporary file is removed and an existing ``path`` is left untouched; an
    existing file keeps its permission bits, a new one gets the usual ones (0666 less the umask).
    Use `write_file`, which sends pipes and devices elsewhere: this replaces whatever is there.
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


def write_folder(directory: str | Path, files: Mapping[str, bytes]) -> None:
    """Make ``directory`` hold exactly ``files`` (name -> bytes), atomically as a set.

    The files go into a temporary folder beside ``directory``; a new ``directory`` is that
    folder renamed; an existing one is swapped with it (the old one is removed afterwards), so
    a reader sees the whole old set or the whole new one. A failure leaves ``directory`` as it was.
    """
    import shutil
    import tempfile

    directory = Path(directory)
    if os.path.islink(directory):
        directory = Path(os.path.realpath(directory))
    if directory.exists() and not directory.is_dir():
        raise UsageError(f"{directory}: not a folder; give a folder (it is created if missing)")
    parent = directory.parent if str(directory.parent) else Path(".")
    try:
        parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{directory.name}.", suffix=".tmp", dir=parent))
    except OSError as err:
        raise RuntimeFailure(f"cannot create {directory}: {err.strerror or err}") from None
    old: Path | None = None
    try:
        for name in sorted(files):
            with open(staging / name, "wb") as out:
                out.write(files[name])
                out.flush()
                os.fsync(out.fileno())
        umask = os.umask(0)
        os.umask(umask)
        mode = directory.stat().st_mode & 0o7777 if directory.exists() else 0o777 & ~umask
        os.chmod(staging, mode)
        if directory.exists():
            # what else the folder holds stays in it
            for entry in os.scandir(directory):
                if entry.name in files:
                    continue
                if entry.is_dir(follow_symlinks=False):
                    shutil.copytree(entry.path, staging / entry.name, symlinks=True)
                else:
                    shutil.copy2(entry.path, staging / entry.name, follow_symlinks=False)
            if _exchange(staging, directory):
                old = staging  # now holds the old set
            else:
                old = Path(tempfile.mkdtemp(prefix=f".{directory.name}.", suffix=".old", dir=parent))
                os.rmdir(old)
                os.rename(directory, old)
                try:
                    os.rename(staging, directory)
                except BaseException:
                    os.rename(old, directory)
                    old = None
                    raise
        else:
            os.rename(staging, directory)
    except BaseException as err:
        if staging.exists() and staging != directory:
            shutil.rmtree(staging, ignore_errors=True)
        if isinstance(err, OSError):
            raise RuntimeFailure(f"cannot write {directory}: {err.strerror or err}") from None
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two folders in one step (Linux renameat2 RENAME_EXCHANGE); False where it is not available."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    done = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange)
    return done == 0


def _target_mode(path: Path) -> int:
    try:
        return path.stat().st_mode & 0o7777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask
