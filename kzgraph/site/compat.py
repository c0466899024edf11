"""Where the site finds the library's parts, in the flat package or the reshaped one.

The package is being reshaped into subpackages (``kzgraph.query.facets``, ``kzgraph.load``,
``kzgraph.validate``, ``kzgraph.export.profiles``, ``kzgraph.store.remote``); the site asks
here, so that it follows whichever layout the installed kzgraph has. Each function imports
on first use (the CLI stays light).
"""

from __future__ import annotations

import importlib
from types import ModuleType


def _first(*names: str) -> ModuleType:
    for name in names:
        try:
            return importlib.import_module(name)
        except ModuleNotFoundError as err:
            if err.name is None or not name.startswith(err.name):
                raise  # a module that exists but fails to import: say so
    raise ModuleNotFoundError(f"none of {', '.join(names)} is installed")


def facets() -> ModuleType:
    """The faceted-access module (`sources`' filters, vocabularies, named-query runner)."""
    return _first("kzgraph.query.facets", "kzgraph.facets")


def profiles() -> ModuleType:
    """The DCAT-AP and schema.org views."""
    return _first("kzgraph.export.profiles", "kzgraph.profiles")


def loader() -> ModuleType:
    """``load_catalogue`` and ``load_shapes``."""
    return _first("kzgraph.load", "kzgraph.loader")


def validation() -> ModuleType:
    """SHACL validation (``validate``)."""
    module = _first("kzgraph.validate", "kzgraph.shacl")
    return module


def remote() -> ModuleType:
    """A SPARQL server in the store's place (``fetch_catalogue``)."""
    return _first("kzgraph.store.remote", "kzgraph.remote")
