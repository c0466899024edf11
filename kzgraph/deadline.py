"""Run a step of work in a child process that is killed at a deadline, or on Ctrl-C.

pyoxigraph's query evaluation and a SHACL-SPARQL constraint run in native code that no Python
signal interrupts, and owlrl can grow a closure without bound: a time limit that really stops
them needs a process that can be killed. The child is forked, so it shares the loaded graph
without copying it; it sends back its (picklable) result, or the kzgraph error it raised.
"""

from __future__ import annotations

import os
from typing import Any, Callable, TypeVar

from kzgraph import errors
from kzgraph.errors import KzgraphError, RuntimeFailure

T = TypeVar("T")

NO_DEADLINE = float("inf")


def die_with_parent() -> None:
    """Ask Linux to kill this process when its parent dies, so a killed kzgraph leaves no work running."""
    try:
        import ctypes
        import signal

        libc = ctypes.CDLL(None, use_errno=True)
        pr_set_pdeathsig = 1
        libc.prctl(pr_set_pdeathsig, int(signal.SIGKILL), 0, 0, 0)
    except (OSError, AttributeError):  # not Linux: the parent's own deadline still applies
        pass


def _child(work: Callable[[], Any], conn: Any, parent_pid: int) -> None:
    die_with_parent()
    if os.getppid() != parent_pid:
        os._exit(1)  # the parent died before prctl took effect
    try:
        conn.send(("ok", work()))
    except KzgraphError as err:
        conn.send(("error", type(err).__name__, str(err), getattr(err, "exit_code", 3)))
    except MemoryError:
        conn.send(("error", "RuntimeFailure", "ran out of memory", 3))
    except BaseException as err:  # noqa: BLE001 - report anything else instead of dying silently
        conn.send(("error", "RuntimeFailure", f"internal error: {type(err).__name__}: {errors.one_line(err, 300)}", 3))
    finally:
        conn.close()


def run(work: Callable[[], T], timeout: float | None, what: str, hint: str) -> T:
    """Return ``work()``, computed in a child process killed after ``timeout`` seconds.

    ``timeout`` None runs ``work`` here; `NO_DEADLINE` runs it in a child with no deadline (so
    that Ctrl-C still stops it). ``what`` and ``hint`` make the message: "validation timed out
    after 5 s; raise --timeout". Where fork is not available, ``work`` runs here.
    """
    import multiprocessing

    if timeout is None or "fork" not in multiprocessing.get_all_start_methods():
        return work()
    ctx = multiprocessing.get_context("fork")
    parent, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(work, child, os.getpid()), daemon=True)
    proc.start()
    child.close()
    try:
        if not parent.poll(None if timeout == NO_DEADLINE else timeout):
            raise RuntimeFailure(f"{what} timed out after {timeout:g} s; {hint}")
        try:
            message = parent.recv()
        except EOFError:
            raise RuntimeFailure(f"{what} ended without an answer (exit code {proc.exitcode}); "
                                 "it may have run out of memory") from None
    finally:
        if proc.is_alive():
            proc.kill()
        proc.join(5)
        parent.close()
    if message[0] == "ok":
        return message[1]
    _, kind, text, exit_code = message
    error_class = getattr(errors, kind, RuntimeFailure)
    error = error_class(text) if issubclass(error_class, KzgraphError) else RuntimeFailure(text)
    error.exit_code = exit_code
    raise error
