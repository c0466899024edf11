"""One query worker of `kzgraph serve`: a child process that holds the graph and answers queries.

Run as ``python -m kzgraph.serve.worker DUMP``: it loads the N-Quads file ``DUMP`` (the graph
the server loaded, inference included) into a pyoxigraph store once, then answers jobs read
from standard input and writes the answers to standard output, each a pickled message with a
4-byte length in front. The server kills a worker whose query outlives its timeout (a signal
cannot stop pyoxigraph's native evaluation; a process can be killed) and starts another.

Queries run here, and so do the result writers (``kzgraph.query.results``, ``kzgraph.export``), so
the server's event loop only moves bytes. No Starlette, no rdflib here.
"""

from __future__ import annotations

import functools
import itertools
import json
import os
import pickle
import struct
import sys
from typing import Any, BinaryIO

import pyoxigraph as ox

from kzgraph import iris

# The named graph `kzgraph push` writes the catalogue to (iris.GRAPH): the server keeps a copy
# of the default graph under that name, so that a client asking for it with default-graph-uri
# (kzgraph query --endpoint does) sees the catalogue.
CATALOGUE_GRAPH = iris.GRAPH
# The `link` a cut SELECT result carries in its head (SPARQL JSON and XML results allow links there).
TRUNCATED_LINK = "urn:kzgraph:truncated"
HEADER = struct.Struct(">I")


def read_message(stream: BinaryIO) -> Any:
    """Read one length-prefixed pickled message; None at the end of the stream."""
    head = stream.read(HEADER.size)
    if len(head) < HEADER.size:
        return None
    (size,) = HEADER.unpack(head)
    return pickle.loads(stream.read(size))


def write_message(stream: BinaryIO, message: Any) -> None:
    """Write one length-prefixed pickled message and flush it."""
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(HEADER.pack(len(data)) + data)
    stream.flush()


def load_store(dump: str) -> ox.Store:
    """The store of the worker: the dump, plus its default graph again under `CATALOGUE_GRAPH`."""
    store = ox.Store()
    store.bulk_load(path=dump, format=ox.RdfFormat.N_QUADS)
    graph = ox.NamedNode(CATALOGUE_GRAPH)
    if not any(True for _ in store.quads_for_pattern(None, None, None, graph)):
        store.bulk_extend(
            ox.Quad(q.subject, q.predicate, q.object, graph)
            for q in store.quads_for_pattern(None, None, None, ox.DefaultGraph())
        )
    return store


def _dataset_arguments(default: list[str] | None, named: list[str] | None) -> dict[str, Any]:
    """pyoxigraph's dataset arguments for the protocol's default-graph-uri / named-graph-uri."""
    args: dict[str, Any] = {}
    if default:
        args["default_graph"] = [ox.NamedNode(iri) for iri in default]
    if named:
        args["named_graphs"] = [ox.NamedNode(iri) for iri in named]
    if named and not default:
        # the protocol's dataset replaces the query's: without a default graph it is empty
        args["default_graph"] = []
    return args


@functools.lru_cache(maxsize=4096)
def check(text: str) -> None:
    """The guard of `kzgraph query` (`kzgraph.query.sparql.check_query`), for a public endpoint.

    Run here rather than in the server's event loop: where the text mentions SERVICE (even in a
    comment or an IRI) the guard parses it a second time with rdflib, which can take 100 ms; a
    text that passed is remembered, so a query sent again costs nothing.
    """
    from kzgraph.query import sparql

    sparql.check_query(text, allow_file_datasets=False)


def answer(store: ox.Store, job: dict[str, Any]) -> tuple:
    """Run one job; return ("ok", body, kind, truncated) or ("error", kind, message).

    Error kinds: "refused" (the guard said no: an update, SERVICE, FROM <file:…>), "syntax",
    "format" (the chosen format cannot carry the result), "failure".
    """
    from kzgraph.query import sparql
    from kzgraph.errors import InputError, KzgraphError, UsageError

    try:
        if not job.get("checked"):  # the server remembers texts a worker's guard let through
            check(job["query"])
    except UsageError as err:
        return ("error", "refused", str(err).replace("; pass --allow-service to permit it", ""))
    except InputError as err:
        return ("error", "syntax", str(err))
    try:
        raw = store.query(
            job["query"],
            prefixes=job.get("prefixes") or None,
            base_iri=job.get("base") or None,
            **_dataset_arguments(job.get("default"), job.get("named")),
        )
    except SyntaxError as err:
        return ("error", "syntax", str(sparql.syntax_error(err, job["query"])))
    except (OSError, ValueError, TypeError) as err:
        return ("error", "failure", f"the query failed: {' '.join(str(err).split())}")
    cap = job["max_rows"]
    truncated = False
    try:
        if isinstance(raw, ox.QueryBoolean):
            result = sparql.Result("ask", boolean=bool(raw))
        elif isinstance(raw, ox.QuerySolutions):
            names = [v.value for v in raw.variables]
            rows = [tuple(sol[n] for n in names) for sol in itertools.islice(raw, cap + 1)]
            truncated = len(rows) > cap
            result = sparql.Result("select", variables=names, rows=rows[:cap])
        else:
            triples = list(itertools.islice(raw, cap + 1))
            truncated = len(triples) > cap
            result = sparql.Result("graph", triples=triples[:cap])
    except (OSError, ValueError) as err:  # evaluation errors surface while iterating
        return ("error", "failure", f"the query failed: {' '.join(str(err).split())}")
    fmt = job["formats"]["graph" if result.kind == "graph" else "results"]
    try:
        body = render(result, fmt, job.get("prefixes"))
    except KzgraphError as err:
        return ("error", "format", str(err))
    if truncated:
        body = mark_truncated(body, fmt, cap)
    return ("ok", body, result.kind, truncated)


def render(result, fmt: str, prefixes: dict[str, str] | None) -> bytes:
    """Write a result with the project's writers (results; export for RDF/XML)."""
    from kzgraph.query import results

    if fmt == "rdfxml":
        if result.kind != "graph":
            from kzgraph.errors import UsageError

            raise UsageError("RDF/XML is for CONSTRUCT/DESCRIBE results")
        from kzgraph import export

        return export.write_rdfxml(export.prepare(result.triples))
    return results.render(result, fmt, prefixes)


def mark_truncated(body: bytes, fmt: str, cap: int) -> bytes:
    """Say in the body that the result was cut at ``cap``, where the format has a place for it.

    SPARQL JSON and XML results: a ``link`` in the head; Turtle and N-Triples: a comment line
    first; RDF/XML: a comment after the XML declaration. CSV, TSV and JSON-LD have no place:
    the ``X-Kzgraph-Truncated`` header says it for every format.
    """
    note = f"kzgraph: result cut at {cap} rows (the server's --max-rows)"
    if fmt == "json":
        doc = json.loads(body)
        doc.setdefault("head", {})["link"] = [TRUNCATED_LINK]
        return (json.dumps(doc, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    if fmt == "xml":
        return body.replace(b"  </head>", f'    <link href="{TRUNCATED_LINK}"/>\n  </head>'.encode(), 1)
    if fmt in ("ttl", "nt"):
        return f"# {note}\n".encode() + body
    if fmt == "rdfxml" and body.startswith(b"<?xml"):
        end = body.index(b"?>") + 2
        return body[:end] + f"\n<!-- {note} -->".encode() + body[end:]
    return body


def _die_with_parent() -> None:
    try:
        import ctypes
        import signal

        ctypes.CDLL(None, use_errno=True).prctl(1, int(signal.SIGKILL), 0, 0, 0)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def main(argv: list[str] | None = None) -> int:
    """Load the dump, say "ready", then answer jobs until standard input closes."""
    import signal

    argv = sys.argv[1:] if argv is None else argv
    _die_with_parent()
    # Ctrl-C at the terminal reaches the whole process group: the server decides when we stop.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    # nothing else may write to the answer stream
    sys.stdout = sys.stderr
    store = load_store(argv[0])
    try:  # the guard's second parser, loaded now rather than on the first query that needs it
        from rdflib.plugins.sparql import parser  # noqa: F401
    except ImportError:
        pass
    write_message(stdout, ("ready", os.getpid(), len(store)))
    while True:
        job = read_message(stdin)
        if job is None:
            return 0
        try:
            reply = answer(store, job)
        except Exception as err:  # noqa: BLE001 - one answer per job, whatever happens
            reply = ("error", "failure", f"the query failed: {type(err).__name__}: {' '.join(str(err).split())}")
        write_message(stdout, reply)


if __name__ == "__main__":
    sys.exit(main())
