"""A pool of killable query workers (`kzgraph.serve.worker`), driven from the server's event loop.

Each worker is a child process that loaded the graph's N-Quads dump once. A job waits for an
idle worker, runs there, and its answer comes back over a pipe; a job that outlives its
timeout gets `QueryTimeout`, and its worker is killed and replaced, so a runaway query costs
one process for a moment and never blocks the others for longer than its own deadline.
"""

from __future__ import annotations

import asyncio
import os
import pickle
import sys
from typing import Any

from kzgraph.errors import RuntimeFailure
from kzgraph.serve.worker import HEADER


class QueryTimeout(RuntimeFailure):
    """The query did not finish within its time limit (its worker was killed)."""


class PoolBusy(RuntimeFailure):
    """No worker became free in time (the server is overloaded)."""


class Worker:
    """One child process and its pipes."""

    def __init__(self, proc: asyncio.subprocess.Process) -> None:
        self.proc = proc
        self.jobs = 0

    async def send(self, message: Any) -> None:
        data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
        assert self.proc.stdin is not None
        self.proc.stdin.write(HEADER.pack(len(data)) + data)
        await self.proc.stdin.drain()

    async def receive(self) -> Any:
        assert self.proc.stdout is not None
        head = await self.proc.stdout.readexactly(HEADER.size)
        (size,) = HEADER.unpack(head)
        return pickle.loads(await self.proc.stdout.readexactly(size))

    def kill(self) -> None:
        if self.proc.returncode is None:
            try:
                self.proc.kill()
            except ProcessLookupError:
                pass


class Pool:
    """``size`` workers over the dump at ``dump``; `run` a job with a timeout."""

    def __init__(self, dump: str, size: int, startup_timeout: float = 120.0) -> None:
        self.dump = dump
        self.size = max(1, size)
        self.startup_timeout = startup_timeout
        self.idle: asyncio.Queue[Worker] = asyncio.Queue()
        self.workers: set[Worker] = set()
        self.replaced = 0
        self.closing = False
        self._spawning: set[asyncio.Task] = set()

    async def start(self) -> None:
        """Start every worker and wait until each has loaded the graph."""
        started = await asyncio.gather(*(self._spawn() for _ in range(self.size)))
        for worker in started:
            self.idle.put_nowait(worker)

    async def _spawn(self) -> Worker:
        env = dict(os.environ)
        # the worker imports kzgraph from where this process found it (a checkout or an install)
        package_root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
        env["PYTHONPATH"] = package_root + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "kzgraph.serve.worker", self.dump,
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, env=env,
            # its own process group: a Ctrl-C at the terminal is for the server, which stops it
            start_new_session=True,
        )
        worker = Worker(proc)
        try:
            ready = await asyncio.wait_for(worker.receive(), self.startup_timeout)
        except (asyncio.TimeoutError, asyncio.IncompleteReadError, EOFError):
            worker.kill()
            await proc.wait()
            raise RuntimeFailure(
                f"a query worker did not start (exit code {proc.returncode}); see the messages above"
            ) from None
        if not (isinstance(ready, tuple) and ready[0] == "ready"):
            worker.kill()
            raise RuntimeFailure(f"a query worker sent {ready!r} instead of 'ready'")
        self.workers.add(worker)
        return worker

    def _replace(self, worker: Worker) -> None:
        """Kill a worker and start another in its place, in the background."""
        worker.kill()
        self.workers.discard(worker)
        if self.closing:
            return
        self.replaced += 1

        async def respawn() -> None:
            await worker.proc.wait()
            try:
                fresh = await self._spawn()
            except RuntimeFailure as err:
                print(f"kzgraph serve: {err}", file=sys.stderr, flush=True)
                return
            if self.closing:
                fresh.kill()
                return
            self.idle.put_nowait(fresh)

        task = asyncio.get_running_loop().create_task(respawn())
        self._spawning.add(task)
        task.add_done_callback(self._spawning.discard)

    async def run(self, job: dict[str, Any], timeout: float, wait: float) -> tuple:
        """Run one job on a worker for at most ``timeout`` seconds, after waiting at most ``wait`` for one.

        The time limit is the query's own: it starts when a worker takes the job.
        """
        try:
            worker = await asyncio.wait_for(self.idle.get(), wait)
        except asyncio.TimeoutError:
            raise PoolBusy(f"every query worker stayed busy for {wait:g} s; try again later") from None
        try:
            await worker.send(job)
            reply = await asyncio.wait_for(worker.receive(), timeout)
        except asyncio.TimeoutError:
            self._replace(worker)
            raise QueryTimeout(f"the query ran out of time after {timeout:g} s and was stopped") from None
        except (asyncio.IncompleteReadError, BrokenPipeError, ConnectionResetError, EOFError):
            code = worker.proc.returncode
            self._replace(worker)
            raise RuntimeFailure(f"the query worker died (exit code {code}); the query was not answered") from None
        except BaseException:
            # cancelled (the client went away, or shutdown): the worker may still be busy
            self._replace(worker)
            raise
        worker.jobs += 1
        self.idle.put_nowait(worker)
        return reply

    async def close(self) -> None:
        """Stop every worker (closing its input ends it; a busy one is killed)."""
        self.closing = True
        for task in list(self._spawning):
            task.cancel()
        for worker in list(self.workers):
            if worker.proc.stdin is not None:
                worker.proc.stdin.close()
        for worker in list(self.workers):
            try:
                await asyncio.wait_for(worker.proc.wait(), 2)
            except asyncio.TimeoutError:
                worker.kill()
                await worker.proc.wait()
        self.workers.clear()
