"""The peers kzgraph is timed against: plain pyoxigraph scripts doing the same work.

    python benchmarks/peers.py query FILES.txt PREFIXES.json QUERY.rq [QUERY.rq ...]
    python benchmarks/peers.py export FILES.txt PREFIXES.json ttl|jsonld OUT
    python benchmarks/peers.py reasonable FILES.txt OUT.nt

``FILES.txt`` lists the files kzgraph loads, one per line (benchmarks/run.py writes it);
each query is run exactly as kzgraph ran it (checked, parameters bound), with the same
predeclared prefixes, and its results are written as W3C TSV to standard output.
This file imports nothing of kzgraph, so its timings are pyoxigraph's alone.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pyoxigraph as ox


def load(files_list: str) -> ox.Store:
    store = ox.Store()
    for line in Path(files_list).read_text(encoding="utf-8").splitlines():
        path = Path(line)
        # Store.load is the fastest in-memory path for many small files.
        store.load(path=str(path), format=ox.RdfFormat.TURTLE, base_iri=path.as_uri())
    return store


def query(files_list: str, prefixes_file: str, *queries: str) -> None:
    store = load(files_list)
    prefixes = json.loads(Path(prefixes_file).read_text(encoding="utf-8"))
    out = sys.stdout.buffer
    for query_file in queries:
        result = store.query(Path(query_file).read_text(encoding="utf-8"), prefixes=prefixes)
        if isinstance(result, ox.QuerySolutions):
            out.write(result.serialize(format=ox.QueryResultsFormat.TSV))
        elif isinstance(result, ox.QueryBoolean):
            out.write(b"true\n" if result else b"false\n")
        else:
            out.write(ox.serialize(result, format=ox.RdfFormat.N_TRIPLES))


def export(files_list: str, prefixes_file: str, fmt: str, output: str) -> None:
    store = load(files_list)
    prefixes = json.loads(Path(prefixes_file).read_text(encoding="utf-8"))
    rdf_format = {"ttl": ox.RdfFormat.TURTLE, "jsonld": ox.RdfFormat.JSON_LD, "nt": ox.RdfFormat.N_TRIPLES}[fmt]
    triples = (q.triple for q in store)
    if rdf_format is ox.RdfFormat.N_TRIPLES:
        ox.serialize(triples, output, format=rdf_format)
    else:
        ox.serialize(triples, output, format=rdf_format, prefixes=prefixes)


def reasonable(files_list: str, output: str) -> None:
    """OWL 2 RL closure with the `reasonable` package (a native reasoner), for comparison."""
    import reasonable as rs

    reasoner = rs.PyReasoner()
    for line in Path(files_list).read_text(encoding="utf-8").splitlines():
        reasoner.load_file(line)
    triples = reasoner.reason()
    with open(output, "w", encoding="utf-8") as handle:
        handle.write(f"{len(triples)}\n")


def main(argv: list[str]) -> int:
    command, *args = argv
    {"query": query, "export": export, "reasonable": reasonable}[command](*args)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
