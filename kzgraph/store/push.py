"""Replace the catalogue's named graph on a SPARQL 1.1 server, atomically for readers.

1. Upload the triples into a fresh temporary graph (``urn:kzgraph:push:<uuid>``): through the
   Graph Store HTTP Protocol (``PUT`` the first chunk of N-Triples to ``…?graph=<tmp>``,
   ``POST`` the others) where the server has one, else with SPARQL Update ``INSERT DATA``.
2. ``MOVE <tmp> TO <graph>`` in one SPARQL update: the server drops the old graph and renames
   the new one in a single transaction, so a reader sees the old graph or the new one, never a
   half-loaded or empty one. (A direct ``PUT`` to the graph is not enough: Oxigraph clears the
   graph and then loads it as two steps.) Virtuoso (recognized by its ``Server`` header) runs
   MOVE, PUT and large updates in autocommit steps, so its readers saw counts between the old
   and the new size (measured, 7.2.5); there the replacement is one ``DELETE … INSERT … WHERE``
   operation under ``DEFINE sql:log-enable 1`` (transactional), then the temporary graph is
   dropped. Readers then see the old or the new graph when the server runs at repeatable read
   (``DefaultIsolation = 4`` in virtuoso.ini); at its default, read committed, they still saw
   partial counts now and then (measured with tests/test_remote.py; see README).
3. Count the triples of the graph on the server and compare with what was sent.

If anything before the MOVE fails, the temporary graph is dropped and the server's graph is as
it was. Large graphs go in chunks (one request per chunk), except graphs with blank nodes: a
blank node label is local to one request, so those go in one request.
"""

from __future__ import annotations

import time
import urllib.parse
import uuid
from dataclasses import dataclass
from typing import Sequence

import pyoxigraph as ox

from kzgraph.errors import KzgraphError, RuntimeFailure, UsageError
from kzgraph.store.remote import FORM, N_TRIPLES, Client, Endpoint, RemoteCatalogue, Response, check_graph

CHUNK_TRIPLES = 100_000
# SPARQL Update bodies are parsed whole: Virtuoso 7.2's SPARQL compiler runs out of memory on an
# INSERT DATA of the catalogue's RDFS closure in one request ("SP030 ... memory exhausted"), so
# updates go in smaller chunks than Graph Store uploads.
UPDATE_CHUNK_TRIPLES = 2_000
TEMP_PREFIX = "urn:kzgraph:push:"
METHODS = ("auto", "gsp", "update")


@dataclass(frozen=True)
class PushReport:
    graph: str
    triples: int
    method: str  # "gsp" | "update"
    requests: int
    seconds: float


def chunks(triples: Sequence[ox.Triple], size: int) -> list[Sequence[ox.Triple]]:
    """Split the triples into uploads; one upload when they contain blank nodes."""
    has_bnode = any(isinstance(t.subject, ox.BlankNode) or isinstance(t.object, ox.BlankNode) for t in triples)
    if has_bnode or size <= 0 or len(triples) <= size:
        return [triples]
    return [triples[i : i + size] for i in range(0, len(triples), size)]


def serialize_chunk(triples: Sequence[ox.Triple]) -> bytes:
    """N-Triples for one upload (also valid as the body of INSERT DATA)."""
    from kzgraph.export import write_ntriples

    return write_ntriples(triples)


def _with_graph(url: str, graph: str) -> str:
    parts = urllib.parse.urlsplit(url)
    query = parts.query + ("&" if parts.query else "") + urllib.parse.urlencode({"graph": graph})
    return urllib.parse.urlunsplit(parts._replace(query=query))


def _update(client: Client, endpoint: Endpoint, text: str) -> Response:
    assert endpoint.update_url is not None
    body = urllib.parse.urlencode({"update": text}).encode("ascii")
    return client.request("POST", endpoint.update_url, data=body, content_type=FORM)


# Virtuoso rolls a transaction back when it waits too long for the locks readers hold at
# repeatable read (measured on a loaded machine: "SR171: Transaction timed out"); the graph is
# then unchanged and the replacement can run again.
_ROLLED_BACK = ("SR171", "40001")
REPLACE_ATTEMPTS = 3


def _replace(client: Client, endpoint: Endpoint, update: str) -> int:
    """Run the replacement, again when the server says it rolled it back; return the requests sent."""
    for attempt in range(1, REPLACE_ATTEMPTS + 1):
        try:
            _update(client, endpoint, update)
            return attempt
        except RuntimeFailure as err:
            if attempt == REPLACE_ATTEMPTS or not any(code in str(err) for code in _ROLLED_BACK):
                raise
            time.sleep(attempt)
    raise AssertionError("unreachable")


def replace_update(temp: ox.NamedNode, target: ox.NamedNode, server: str) -> str:
    """The SPARQL update that puts the temporary graph in the target's place, in one transaction."""
    if "virtuoso" not in server.lower():
        return f"MOVE {temp} TO {target}"
    return (
        "DEFINE sql:log-enable 1\n"
        f"DELETE {{ GRAPH {target} {{ ?s ?p ?o }} }}\n"
        f"INSERT {{ GRAPH {target} {{ ?s2 ?p2 ?o2 }} }}\n"
        f"WHERE {{ {{ GRAPH {target} {{ ?s ?p ?o }} }} UNION {{ GRAPH {temp} {{ ?s2 ?p2 ?o2 }} }} }}"
    )


def push(
    endpoint: Endpoint,
    triples: Sequence[ox.Triple],
    *,
    method: str = "auto",
    chunk_size: int = CHUNK_TRIPLES,
) -> PushReport:
    """Replace ``endpoint.graph`` on the server by ``triples``; see the module docstring."""
    started = time.monotonic()
    if method not in METHODS:
        raise UsageError(f"unknown push method {method!r}; use one of {', '.join(METHODS)}")
    if method == "auto":
        method = "gsp" if endpoint.store_url else "update"
    if method == "gsp" and not endpoint.store_url:
        raise UsageError("no Graph Store URL is known for this server; give --store-url, or --method update")
    if not endpoint.update_url:
        raise UsageError("no SPARQL Update URL is known for this server; give --update-url")
    if not triples:
        raise UsageError("nothing to push: the graph is empty")

    target = check_graph(endpoint.graph)
    temp = ox.NamedNode(TEMP_PREFIX + uuid.uuid4().hex)
    client = Client(endpoint)
    requests = 0
    moved = False
    server = ""
    try:
        size = chunk_size if method == "gsp" else min(chunk_size, UPDATE_CHUNK_TRIPLES)
        for i, part in enumerate(chunks(triples, size)):
            data = serialize_chunk(part)
            if method == "gsp":
                assert endpoint.store_url is not None
                answer = client.request(
                    "PUT" if i == 0 else "POST",
                    _with_graph(endpoint.store_url, temp.value),
                    data=data,
                    content_type=N_TRIPLES,
                )
            else:
                text = f"INSERT DATA {{ GRAPH {temp} {{\n{data.decode('utf-8')}}} }}"
                answer = _update(client, endpoint, text)
            server = server or answer.server
            requests += 1
        moved = True  # from here on the server may have replaced the graph
        update = replace_update(temp, target, server)
        requests += _replace(client, endpoint, update)
    except KzgraphError as err:
        _drop_quietly(client, endpoint, temp)
        if moved:
            raise RuntimeFailure(
                f"push failed while replacing {target} (the server may or may not have replaced it: "
                f"check with kzgraph query --endpoint): {err}"
            ) from None
        raise RuntimeFailure(f"push failed, {target} on the server is unchanged: {err}") from None
    if not update.startswith("MOVE"):  # DELETE/INSERT copied the temporary graph
        _drop_quietly(client, endpoint, temp)
        requests += 1

    expected = len(set(triples))
    found = RemoteCatalogue(endpoint, client=client).count()
    if found != expected:
        raise RuntimeFailure(
            f"the server holds {found} triples in {target} after the push, not the {expected} sent"
        )
    return PushReport(endpoint.graph, expected, method, requests, time.monotonic() - started)


def _drop_quietly(client: Client, endpoint: Endpoint, temp: ox.NamedNode) -> None:
    try:
        _update(client, endpoint, f"DROP SILENT GRAPH {temp}")
    except KzgraphError:
        pass  # the first failure is the one to report (a server that is down cannot drop it)
