"""`kzgraph query`: run a read-only SPARQL query on the catalogue."""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

import click

from kzgraph import formats
from kzgraph.cli.complete import complete_param, complete_query
from kzgraph.cli.options import (
    source_options,
    SECONDS,
    bom_option,
    display_width,
    labels_option,
    open_from_options,
    output_options,
    pager_option,
)
from kzgraph.errors import InputError, UsageError

QUERY_FORMATS = ("table", "csv", "tsv", "json", "xml", "markdown", "ndjson", "ttl", "nt", "jsonld")


@click.command(
    "query",
    short_help="Run a read-only SPARQL query (inline, from a file, or a named one).",
)
@click.argument("query_text", metavar="[QUERY]", required=False)
@click.option("-f", "--file", "query_file", metavar="FILE", help="Read the query from FILE ('-' for standard input).")
@click.option("-n", "--name", "query_name", metavar="NAME", shell_complete=complete_query, help="Run the named query NAME (see 'kzgraph queries').")
@click.option(
    "--param",
    "params",
    multiple=True,
    metavar="NAME=VALUE",
    shell_complete=complete_param,
    help="Bind a parameter declared as 'VALUES ?NAME { UNDEF }'. An IRI parameter takes an IRI, "
    "prefix:local, or a slug such as 'violence', or a comma list of them. A parameter given twice "
    "(or a list) is bound to each value, VALUES ?NAME { v1 v2 }: in 'sources', any of them matches.",
)
@output_options(
    QUERY_FORMATS,
    None,
    help="Output format: table (default), csv, tsv, json, xml, markdown, ndjson for SELECT; table, json, xml "
    "for ASK; ttl (default), nt, jsonld for CONSTRUCT/DESCRIBE; without it, the one -o FILE's "
    "extension names.",
)
@bom_option
@pager_option
@source_options
@labels_option
@click.option(
    "--timeout",
    type=SECONDS,
    default=None,
    metavar="SECONDS",
    help="Stop the query after SECONDS (it runs in a child process that is killed).",
)
@click.option(
    "--allow-service",
    is_flag=True,
    help="Allow SERVICE (federated queries), which fetch from the network.",
)
def query(
    query_text: str | None,
    query_file: str | None,
    query_name: str | None,
    params: tuple[str, ...],
    format_: str | None,
    output: Path | None,
    root: Path | None,
    data: tuple[Path, ...],
    infer: str | None,
    labels: str,
    timeout: float | None,
    allow_service: bool,
    endpoint=None,
) -> None:
    """Run a read-only SPARQL 1.1 query on the catalogue.

    Give exactly one of QUERY, -f FILE or -n NAME. Updates are refused,
    SERVICE is refused unless --allow-service, and FROM / FROM NAMED never read
    a file or URL (they name graphs in the store). Named queries set their
    label language from --labels.

    \b
    Example:
      kzgraph query 'SELECT ?s WHERE { ?s a kzg:Source } LIMIT 5'
      kzgraph query -f my.rq --format csv -o answers.csv
      kzgraph query -n sources-by-topic --param topic=violence --labels ru
      kzgraph query -n founded-in-year --param year=2018 --format json
      kzgraph query -n sources --param dataFormat=csv,spss
      kzgraph query -n dissolved --endpoint http://127.0.0.1:7878/query
    """
    from kzgraph import iris
    from kzgraph.query import named
    from kzgraph.query import results
    from kzgraph.query import sparql

    given = [x for x in (query_text, query_file, query_name) if x is not None]
    if len(given) != 1:
        raise UsageError("give exactly one of QUERY, -f FILE or -n NAME (see 'kzgraph query --help')")

    source_path: str | None = None
    declared_kinds: dict[str, str] = {}
    required: list[str] = []
    if query_name is not None:
        nq = named.get_named(query_name)
        text = nq.text
        source_path = str(nq.path)
        declared_kinds = {p.name: p.kind for p in nq.params}
        required = [p.name for p in nq.params if p.required]
    elif query_file is not None:
        text = _read_query_file(query_file)
        source_path = "<stdin>" if query_file == "-" else query_file
    else:
        text = query_text or ""
    if not text.strip():
        raise UsageError("the query is empty")

    # Check before loading anything: a refused query costs nothing.
    sparql.check_query(text, allow_service=allow_service)

    declared = sparql.declared_parameters(text)
    raw_params = _parse_params(params)
    for name in raw_params:
        if name not in declared:
            listed = ", ".join(declared) or "none"
            raise UsageError(f"unknown parameter {name!r}: the query declares {listed}")
    missing = [n for n in required if n not in raw_params]
    if missing:
        raise UsageError(f"the named query {query_name!r} needs --param {missing[0]}=VALUE")

    target = open_from_options(root, data, endpoint, infer=infer, timeout=timeout)

    bindings: dict[str, sparql.Term | list[sparql.Term]] = {}
    for name, values in raw_params.items():
        kind = declared_kinds.get(name, "auto")
        if kind == "iri":
            values = [part.strip() for raw in values
                      for part in ([raw] if raw.startswith("<") else raw.split(",")) if part.strip()]
        terms: list[sparql.Term] = []
        for raw in values:
            term = sparql.parse_param_value(raw, kind, catalogue=target, prefixes=iris.PREFIXES, name=name)
            if term not in terms:
                terms.append(term)
        if not terms:
            raise UsageError(f"--param {name}= needs a value")
        bindings[name] = terms if len(terms) > 1 else terms[0]
    if named.LABELS_PARAM in declared and named.LABELS_PARAM not in bindings:
        bindings[named.LABELS_PARAM] = sparql.parse_param_value(labels, "lang")

    if timeout is None and endpoint is None and sys.stdin.isatty() and sys.stderr.isatty():
        # At a terminal, run the query where Ctrl-C can stop it: pyoxigraph's native evaluation
        # does not see signals, a child process can be killed (no deadline: timeout=inf).
        timeout = float("inf")
    def run(native_format: str | None):
        return sparql.run_query(
            target,
            text,
            bindings=bindings,
            allow_service=allow_service,
            timeout=timeout,
            prefixes=iris.PREFIXES,
            native_format=native_format,
        )

    try:
        # TSV rows need no Python objects: pyoxigraph writes them (results.write_tsv fixes up
        # the two ways its TSV differs from ours); a triple term in them: read the rows instead
        result = run("tsv" if format_ == "tsv" else None)
        if not results.native_is_exact(result):
            result = run(None)
    except InputError as err:
        if err.path is None and err.line is not None:
            # name the place once, as path:line:column, like every other input error
            err.path = source_path or "<query>"
            err.message = re.sub(r" at line \d+, column \d+", "", err.message)
        raise
    data_out = results.render(result, format_, width=display_width(output))
    write_output(data_out, output)


UTF8_BOM = b"\xef\xbb\xbf"


def _wants_pager(data: bytes) -> bool:
    """A pager for output taller than the terminal, when standard output is one (not --no-pager)."""
    ctx = click.get_current_context(silent=True)
    if ctx is not None and (ctx.find_root().meta.get("kzgraph.no_pager") or ctx.find_root().meta.get("kzgraph.bom")):
        return False
    if os.environ.get("KZGRAPH_NO_PAGER"):
        return False
    try:
        if not (sys.stdout.isatty() and sys.stdin.isatty()):
            return False
    except (AttributeError, ValueError):
        return False
    import shutil

    return data.count(b"\n") >= shutil.get_terminal_size().lines


def _read_query_file(name: str) -> str:
    if name == "-":
        return sys.stdin.read()
    try:
        return Path(name).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError("no such query file; check the path", path=name) from None
    except (OSError, UnicodeDecodeError) as e:
        raise InputError(f"cannot read the query file: {e}", path=name) from None


def _parse_params(params: tuple[str, ...]) -> dict[str, list[str]]:
    """NAME=VALUE items by name; a name given twice keeps every value, in order."""
    out: dict[str, list[str]] = {}
    for item in params:
        name, sep, value = item.partition("=")
        name = name.strip()
        if not sep or not name:
            raise UsageError(f"--param {item!r}: write it as NAME=VALUE")
        out.setdefault(name, []).append(value)
    return out


def write_output(data: bytes, output: Path | None) -> None:
    """Write to -o FILE atomically, else to standard output (through a pager when it helps)."""
    ctx = click.get_current_context(silent=True)
    if ctx is not None and ctx.find_root().meta.get("kzgraph.bom") and not data.startswith(UTF8_BOM):
        data = UTF8_BOM + data
    if output is None:
        if _wants_pager(data):
            click.echo_via_pager(data.decode("utf-8", "replace"))
            return
        stream = click.get_binary_stream("stdout")
        stream.write(data)
        stream.flush()
        return
    from kzgraph.output import write_file

    write_file(output, data)
