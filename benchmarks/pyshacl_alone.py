"""Reference: pyshacl alone on an rdflib parse of the same files (what kzgraph's validate wraps).

    python benchmarks/pyshacl_alone.py FILES.txt SHAPES.ttl [SHAPES.ttl ...]
"""

from __future__ import annotations

import sys
from pathlib import Path

import pyshacl
from rdflib import Graph


def main(argv: list[str]) -> int:
    files_list, *shapes = argv
    data = Graph()
    for line in Path(files_list).read_text(encoding="utf-8").splitlines():
        data.parse(line, format="turtle")
    shapes_graph = Graph()
    for path in shapes:
        shapes_graph.parse(path, format="turtle")
    conforms, _, text = pyshacl.validate(data, shacl_graph=shapes_graph, inference="none", advanced=True, allow_warnings=True)
    print(text.splitlines()[1] if text else conforms)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
