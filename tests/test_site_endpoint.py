"""`kzgraph site --endpoint`: the site built from a SPARQL server's graph is the site of the files."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

import servers
from conftest import needs_catalogue
from kzgraph.cli import main

pytestmark = [pytest.mark.servers, needs_catalogue]


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_site_from_an_endpoint_equals_the_site_from_the_files(tmp_path: Path, layout) -> None:
    from kzgraph import export
    from kzgraph.load import load_catalogue
    from kzgraph.store import push, remote

    (tmp_path / "oxigraph").mkdir()
    server = servers.start_oxigraph(tmp_path / "oxigraph")
    try:
        triples = export.prepare(export.catalogue_triples(load_catalogue(layout)))
        push.push(remote.Endpoint.from_options(server.query_url, timeout=60), triples)
        served = CliRunner().invoke(main, ["site", str(tmp_path / "served"), "--endpoint", server.query_url])
        assert served.exit_code == 0, served.output
    finally:
        server.stop()
    local = CliRunner().invoke(main, ["site", str(tmp_path / "local")])
    assert local.exit_code == 0, local.output
    a, b = tree(tmp_path / "served"), tree(tmp_path / "local")
    assert sorted(a) == sorted(b)
    differ = [name for name in a if a[name] != b[name]]
    # a server keeps values, not spellings ("0.20"^^xsd:decimal comes back as "0.2"): only the
    # dumps of the whole graph (and the page listing their hashes) may differ, not in size
    assert all(n.startswith("download/") or n.endswith("downloads.html") for n in differ), differ
    assert a["download/kzgraph.nt"].count(b"\n") == b["download/kzgraph.nt"].count(b"\n")
