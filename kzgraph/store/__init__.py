"""Where the graph lives: one protocol, two implementations, one factory.

`Catalogue` is what every step after loading works on: ``query`` (a checked, bound SPARQL
query), ``match`` (a triple pattern), ``count``, ``triples``, slug and code look-ups, and the
``capabilities`` that let callers choose without guessing what they were given. The embedded
catalogue (`kzgraph.store.embedded`: the files in a pyoxigraph store) and the remote one
(`kzgraph.store.remote`: a SPARQL 1.1 Protocol server; each server's quirks stay there)
implement it; `open_catalogue` chooses between them.

Nothing heavy is imported here: `open_catalogue` imports what it opens.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Iterator, Protocol, Sequence, runtime_checkable

if TYPE_CHECKING:
    import pyoxigraph as ox

    from kzgraph.query.sparql import Result
    from kzgraph.store.remote import Endpoint


@dataclass(frozen=True)
class Capabilities:
    """What a catalogue can do beyond the protocol, so callers need not guess its kind.

    ``long_values``: binds a long ``VALUES`` list inside a subquery in reasonable time (Virtuoso
    7.2 never finishes the score query with one). ``locations``: knows the file and line of each
    subject. ``timeout``: a query's ``timeout`` kills it (embedded: a child process), rather than
    only ending the wait for an answer. ``server``: the server's kind when remote (``oxigraph``,
    ``virtuoso``, ``sparql`` for any other), else None.
    """

    name: str
    long_values: bool = True
    locations: bool = False
    timeout: bool = False
    server: str | None = None


@runtime_checkable
class Catalogue(Protocol):
    """The graph, wherever it lives (see the module docstring)."""

    capabilities: Capabilities

    def query(
        self,
        text: str,
        *,
        prefixes: dict[str, str] | None = None,
        timeout: float | None = None,
        native_format: str | None = None,
    ) -> "Result":
        """Run a read-only query that `kzgraph.query.sparql.run_query` checked and bound."""
        ...

    def match(self, subject=None, predicate=None, object=None) -> Iterator["ox.Triple"]:  # noqa: A002
        """The triples matching a pattern (None matches anything)."""
        ...

    def count(self) -> int:
        """How many triples the catalogue holds."""
        ...

    def triples(self) -> list["ox.Triple"]:
        """Every triple."""
        ...

    def resolve_slug(self, slug: str) -> list["ox.NamedNode"]:
        """The IRIs under the id/ and vocab/ namespaces whose last segments are ``slug``."""
        ...

    def resolve_code(self, code: str) -> list["ox.NamedNode"]:
        """The concepts whose ISO code or notation is ``code`` (case-insensitive)."""
        ...


def open_catalogue(
    root: str | Path | None = None,
    data: Sequence[str | Path] = (),
    endpoint: "str | Endpoint | None" = None,
    *,
    graph: str | None = None,
    user: str | None = None,
    password: str | None = None,
    infer: str | None = None,
    timeout: float | None = None,
) -> Catalogue:
    """Open the catalogue: the files of a checkout (``root`` plus ``data``), or a SPARQL server.

    ``root``: a kzgraph checkout (default: the one around the working directory, else the copy
    installed with kzgraph). ``data``: more RDF files or folders. ``endpoint``: a server's query
    URL (or an `Endpoint`) instead of the files; ``graph`` the named graph that holds the
    catalogue there, ``user``/``password`` its credentials, ``timeout`` seconds to wait for it.
    ``infer`` (``rdfs`` or ``owlrl``): the closure (`kzgraph.reason.infer`) of the local graph.

    >>> from kzgraph import open_catalogue
    >>> catalogue = open_catalogue()
    >>> catalogue.capabilities.name
    'embedded'
    """
    from kzgraph.errors import UsageError

    if endpoint is None:
        given = [name for name, value in (("graph", graph), ("user", user), ("password", password)) if value is not None]
        if given:
            raise UsageError(f"--{given[0]} needs --endpoint URL")
        from kzgraph.load import load_catalogue
        from kzgraph.paths import resolve_layout

        catalogue = load_catalogue(resolve_layout(root), extra=data)
        if infer:
            from kzgraph import reason

            return reason.infer(catalogue, infer, root=root)
        return catalogue
    if data:
        raise UsageError("--data adds files to the local graph; with --endpoint the server's graph is used "
                         "(push the files first: kzgraph push --endpoint URL --data PATH)")
    if infer:
        raise UsageError("--infer works on the local graph; to query the closure on a server, "
                         "push it: kzgraph push --endpoint URL --infer " + infer)
    from kzgraph.store import remote

    if isinstance(endpoint, remote.Endpoint):
        return remote.RemoteCatalogue(endpoint)
    return remote.RemoteCatalogue(
        remote.Endpoint.from_options(endpoint, graph=graph, user=user, password=password, timeout=timeout)
    )


def as_catalogue(target: object) -> Catalogue:
    """``target`` if it is a catalogue; a pyoxigraph store becomes an embedded one."""
    import pyoxigraph as ox

    if isinstance(target, ox.Store):
        from kzgraph.store.embedded import from_store

        return from_store(target)
    return target  # type: ignore[return-value]


__all__: Iterable[str] = ("Capabilities", "Catalogue", "as_catalogue", "open_catalogue")
