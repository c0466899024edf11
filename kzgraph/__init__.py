"""kzgraph: a linked-data knowledge graph of gender data sources about Kazakhstan."""

__version__ = "0.1.0"
