"""`kzgraph serve`: the catalogue as a read-only SPARQL 1.1 endpoint and dereferenceable IRIs.

- `protocol`: the SPARQL 1.1 Protocol's request side and content negotiation (plain functions);
- `worker`: a child process holding the graph, running queries and the result writers;
- `pool`: the killable workers, driven from the event loop (timeouts really stop a query);
- `linked`: descriptions of ``/id/…``, ``/vocab/…`` and ``/ontology`` in the export formats;
- `app`: the Starlette application (routes, headers, CORS, one log line per request);
- `run`: binds the socket, runs uvicorn, stops gracefully on SIGINT/SIGTERM.

Starlette and uvicorn are imported only by `app` and `run`, which only `kzgraph serve` imports.
"""
