"""Shared fixtures: the fixture folders, a CLI runner, and the real catalogue's layout."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

REPO = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
LOAD_FIXTURES = FIXTURES / "load"
GOOD_ROOT = LOAD_FIXTURES / "good"

# The few tests that need the real graph skip only while ontology/kzg.ttl is absent.
needs_catalogue = pytest.mark.skipif(
    not (REPO / "ontology" / "kzg.ttl").is_file(), reason="ontology/kzg.ttl not written yet"
)


@pytest.fixture
def runner() -> CliRunner:
    """Return a click test runner."""
    return CliRunner()


@pytest.fixture(scope="session")
def layout():
    """Return the layout of the real catalogue (the checkout the tests run in)."""
    if not (REPO / "ontology" / "kzg.ttl").is_file():
        pytest.skip("ontology/kzg.ttl not written yet")
    from kzgraph.paths import resolve_layout

    return resolve_layout(None)


@pytest.fixture(scope="session")
def good_root() -> Path:
    """Return the root of a small, valid graph layout used by loader and CLI tests."""
    return GOOD_ROOT


@pytest.fixture(autouse=True)
def _plain_width(monkeypatch):
    """Tests see output as a pipe does: no $COLUMNS from the shell that runs them."""
    monkeypatch.delenv("COLUMNS", raising=False)
