"""kzgraph: a linked-data knowledge graph of gender data sources about Kazakhstan.

The public Python API (docs/API.md): `open_catalogue` opens the graph (files or a SPARQL
server); `kzgraph.query`, `kzgraph.validate`, `kzgraph.reason` and `kzgraph.export` work on
what it returns. Names are imported on first use, so ``import kzgraph`` stays light.
"""

__version__ = "0.1.0"

__all__ = ["__version__", "open_catalogue"]


def __getattr__(name: str):
    if name == "open_catalogue":
        from kzgraph.store import open_catalogue

        return open_catalogue
    raise AttributeError(f"module 'kzgraph' has no attribute {name!r}")
