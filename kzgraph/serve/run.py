"""Run the server: bind the socket first (a busy port is one line and exit 3), then uvicorn.

uvicorn serves the Starlette app on a socket we bound ourselves, so that a port in use or a host
that cannot be bound is reported before anything else starts. SIGINT and SIGTERM stop it
gracefully: no new connections, requests in flight get ``shutdown_timeout`` seconds to finish,
then the workers are stopped and the process exits 0 (uvicorn alone would re-raise the signal).
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import sys
import tempfile
import threading
from pathlib import Path

from kzgraph.errors import RuntimeFailure


def bind(host: str, port: int) -> socket.socket:
    """A listening TCP socket on host:port; `RuntimeFailure` (exit 3) in one line if it cannot be."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as err:
        raise RuntimeFailure(f"cannot listen on {host}:{port}: unknown host ({err.strerror})") from None
    family, kind, proto, _, address = infos[0]
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(1024)
    except OSError as err:
        sock.close()
        reason = err.strerror or str(err)
        hint = "; is another server running there? choose another --port" if err.errno == 98 else ""
        raise RuntimeFailure(f"cannot listen on {host}:{port}: {reason}{hint}") from None
    sock.setblocking(False)
    return sock


def dump_graph(store) -> Path:
    """Write the loaded graph as N-Quads into a private temporary file, for the workers."""
    import pyoxigraph as ox

    handle, name = tempfile.mkstemp(prefix="kzgraph-serve-", suffix=".nq")
    with os.fdopen(handle, "wb") as out:
        store.dump(out, format=ox.RdfFormat.N_QUADS)
    return Path(name)


def serve(state, host: str, port: int, sock: socket.socket | None = None, log=None) -> None:
    """Serve until SIGINT/SIGTERM; return normally (exit code 0) after a graceful stop."""
    import asyncio

    import uvicorn

    from kzgraph.serve.app import create_app

    sock = sock or bind(host, port)
    app = create_app(state, log)
    config = uvicorn.Config(
        app,
        log_config=None,
        log_level="critical",
        access_log=False,
        lifespan="on",
        http="httptools",
        timeout_graceful_shutdown=state.settings.shutdown_timeout,
        timeout_keep_alive=5,
        h11_max_incomplete_event_size=64 * 1024,
        server_header=False,
        # behind a reverse proxy on this machine: take the client address and scheme it forwards
        proxy_headers=True,
        forwarded_allow_ips="127.0.0.1",
    )
    server = _Server(config)
    shown = f"[{host}]" if ":" in host else host
    bound_port = sock.getsockname()[1]
    server.announce = (
        f"kzgraph serve: http://{shown}:{bound_port}/ (SPARQL at /sparql, {state.settings.workers} workers, "
        f"timeout {state.settings.timeout:g} s, max {state.settings.max_timeout:g} s); Ctrl-C stops it"
    )
    asyncio.run(server.serve(sockets=[sock]))
    if server.startup_failed:
        raise RuntimeFailure("the server did not start; see the message above")
    print("kzgraph serve: stopped", file=sys.stderr, flush=True)


class _Server:
    """uvicorn.Server that stops on SIGINT/SIGTERM without re-raising them, and says when it is up."""

    def __new__(cls, config):
        import uvicorn

        class Server(uvicorn.Server):
            announce = ""
            startup_failed = False

            @contextlib.contextmanager
            def capture_signals(self):
                if threading.current_thread() is not threading.main_thread():
                    yield
                    return
                previous = {sig: signal.signal(sig, self.handle_exit) for sig in (signal.SIGINT, signal.SIGTERM)}
                try:
                    yield
                finally:
                    for sig, handler in previous.items():
                        signal.signal(sig, handler)

            async def startup(self, sockets=None):
                try:
                    await super().startup(sockets)
                except SystemExit:
                    self.startup_failed = True
                    raise
                if self.started and self.announce:
                    print(self.announce, file=sys.stderr, flush=True)

        return Server(config)
