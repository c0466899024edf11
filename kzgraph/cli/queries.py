"""`kzgraph queries`: list the named queries shipped with kzgraph."""

from __future__ import annotations

import json

import click

from kzgraph.cli.options import display_width, output_options, pager_option


def complete_query_name(ctx, param, incomplete):
    from kzgraph.cli.complete import query_names

    return query_names(incomplete)


@click.command("queries", short_help="List the named queries with their titles and parameters.")
@click.argument("name", required=False, shell_complete=complete_query_name)
@output_options(["table", "json"], "table")
@pager_option
def queries(name: str | None, format_: str, output) -> None:
    """List the named queries with their titles, questions and parameters; or print one.

    With NAME: the query's header (title, question, parameters) and its SPARQL text,
    as in its .rq file, ready to copy and change ('kzgraph query -f my.rq').
    Run one with 'kzgraph query -n NAME [--param NAME=VALUE ...]'.

    \b
    Example:
      kzgraph queries
      kzgraph queries founded-in-year
      kzgraph queries --format json
      kzgraph query -n founded-in-year --param year=2018
    """
    import pyoxigraph as ox

    from kzgraph.query import named

    from kzgraph.query import results
    from kzgraph.cli.query import write_output
    from kzgraph.query.sparql import Result

    def describe(q) -> dict:
        return {
            "name": q.name,
            "title": q.title,
            "question": q.question,
            "params": [
                {"name": p.name, "kind": p.kind, "required": p.required, "description": p.description}
                for p in q.params
            ],
        }

    if name is not None:
        nq = named.get_named(name)
        if format_ == "json":
            doc = {**describe(nq), "text": nq.text}
            write_output((json.dumps(doc, ensure_ascii=False, indent=2) + "\n").encode("utf-8"), output)
        else:
            write_output(nq.text.encode("utf-8") + (b"" if nq.text.endswith("\n") else b"\n"), output)
        return

    found = named.list_named()
    if format_ == "json":
        doc = [describe(q) for q in found]
        data = (json.dumps(doc, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    else:
        rows = [
            (
                ox.Literal(q.name),
                ox.Literal(q.title),
                ox.Literal(", ".join(p.name + ("*" if p.required else "") for p in q.params)),
            )
            for q in found
        ]
        data = results.write_table(Result("select", ["name", "title", "params"], rows), {},
                                   width=display_width(output), keep=("name",))
        if any(p.required for q in found for p in q.params):
            data += b"(* required)\n"
    write_output(data, output)
