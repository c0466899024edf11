"""Views of the graph for other ecosystems: DCAT-AP 3 and schema.org, as SPARQL CONSTRUCT queries.

Each profile is ``kzgraph/profiles/{name}.rq``, run by pyoxigraph on the graph being exported
(asserted, or with ``--infer`` the entailed graph), so a view is as deterministic as the graph.
"""

from __future__ import annotations

from typing import Iterable

import pyoxigraph as ox

from kzgraph.formats import PROFILES
from kzgraph.errors import RuntimeFailure, UsageError
from kzgraph.paths import PROFILES_DIR



def query_text(name: str) -> str:
    """Return the CONSTRUCT query of profile ``name``."""
    if name not in PROFILES:
        raise UsageError(f"unknown profile {name!r}; use one of: {', '.join(PROFILES)}")
    path = PROFILES_DIR / f"{name}.rq"
    try:
        return path.read_text(encoding="utf-8")
    except OSError as err:
        raise RuntimeFailure(f"the {name} profile query is missing ({path}): reinstall kzgraph") from err


def view(triples: Iterable[ox.Triple], name: str) -> list[ox.Triple]:
    """Return the triples of the ``name`` view of ``triples`` (unsorted; see export.prepare)."""
    text = query_text(name)
    store = ox.Store()
    store.bulk_extend(ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in triples)
    try:
        result = store.query(text)
    except (SyntaxError, ValueError, OSError) as err:
        raise RuntimeFailure(f"the {name} profile query failed: {err}") from None
    return [ox.Triple(t.subject, t.predicate, t.object) for t in result]
