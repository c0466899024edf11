"""Shell completion for kzgraph: slugs, vocabulary values, query and scheme names.

Completion runs on every Tab press, so it reads the data files' names and a light regex
scan of the vocabulary files, never loading the graph or importing the engines.
"""

from __future__ import annotations


def scheme_names() -> list[str]:
    return []
