"""docs/API.md's examples run and give what the page says (they are doctests)."""

from __future__ import annotations

import doctest

from conftest import REPO, needs_catalogue

pytestmark = needs_catalogue


def test_api_examples_run():
    text = (REPO / "docs" / "API.md").read_text(encoding="utf-8")
    parser = doctest.DocTestParser()
    test = parser.get_doctest(text, {}, "docs/API.md", str(REPO / "docs" / "API.md"), 0)
    assert len(test.examples) >= 15, "the page lost its examples"
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    runner.run(test)
    failed, attempted = runner.summarize(verbose=False)
    assert attempted == len(test.examples)
    assert failed == 0, f"{failed} of {attempted} examples in docs/API.md fail (run: python -m doctest docs/API.md)"


def test_library_docstring_examples_run():
    """The examples in the docstrings of the public entry points."""
    import kzgraph.query.entry
    import kzgraph.store

    for module in (kzgraph.store, kzgraph.query.entry):
        failed, attempted = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
        assert attempted and failed == 0, module.__name__
