"""The kzgraph command: a click group whose commands are imported only when run."""

from __future__ import annotations

import importlib
import os
import sys

import click

from kzgraph import __version__
from kzgraph.errors import KzgraphError, one_line

# name -> ("module:function", one-line summary). The summary lives here so that
# `kzgraph --help` lists every command without importing it (and its engines).
# To add a command: write kzgraph/cli/<module>.py and add one line here.
COMMANDS: dict[str, tuple[str, str]] = {
    "diff": ("kzgraph.cli.diff:diff", "Compare two versions of the graph (folders or git revisions), entry by entry."),
    "export": ("kzgraph.cli.export:export", "Write the graph as Turtle, JSON-LD, N-Triples, N-Quads, TriG or RDF/XML, or a DCAT-AP / schema.org view."),
    "files": ("kzgraph.cli.files:files", "List the files of the graph with triple and subject counts."),
    "flags": ("kzgraph.cli.flags:flags", "List the curation flags: doubtful claims awaiting verification."),
    "fmt": ("kzgraph.cli.fmt:fmt", "Rewrite Turtle data files in their canonical form (--check: only list them)."),
    "new": ("kzgraph.cli.new:new", "Write a new catalogue entry with its required facts as placeholders."),
    "push": ("kzgraph.cli.push:push", "Load the graph into a SPARQL server, replacing its named graph atomically."),
    "queries": ("kzgraph.cli.queries:queries", "List the named queries with their titles and parameters."),
    "query": ("kzgraph.cli.query:query", "Run a read-only SPARQL query (inline, from a file, or a named one)."),
    "release": ("kzgraph.cli.release:release", "Release the catalogue as VERSION: versioned sources, dumps, SHA256SUMS, CHANGELOG entry."),
    "report": ("kzgraph.cli.report:report", "Draw the coverage-gap charts (topic x language, methodology, ...) as HTML, Markdown, SVG, PNG and CSV."),
    "serve": ("kzgraph.cli.serve:serve", "Serve the graph over HTTP: a read-only SPARQL endpoint and its IRIs as linked data."),
    "show": ("kzgraph.cli.show:show", "Show everything the catalogue knows about one entry, organization, publication or concept."),
    "site": ("kzgraph.cli.site:site", "Build the static website of the catalogue (en/ru/kk) into a folder."),
    "sources": ("kzgraph.cli.sources:sources", "List catalogue entries, filtered by language, topic, type, format, ..."),
    "stats": ("kzgraph.cli.stats:stats", "Summarize the catalogue: entries per section, type, language, topic, ..."),
    "validate": ("kzgraph.cli.validate:validate", "Validate the graph against the SHACL shapes; report file:line per problem."),
    "vocab": ("kzgraph.cli.vocab:vocab", "List a vocabulary's concepts (the values of a filter) with labels, narrower ones indented."),
}

EXIT_INTERRUPTED = 130
CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


class LazyGroup(click.Group):
    """A click group that imports a command's module only when that command runs."""

    def __init__(self, *args, lazy_commands: dict[str, tuple[str, str]], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.lazy_commands = lazy_commands

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*self.lazy_commands, *self.commands})

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name in self.commands:
            return self.commands[name]
        if name not in self.lazy_commands:
            return None
        module_name, _, attr = self.lazy_commands[name][0].partition(":")
        command = getattr(importlib.import_module(module_name), attr)
        self.commands[name] = command
        return command

    def resolve_command(self, ctx: click.Context, args: list[str]):
        name = args[0] if args else ""
        if name and not name.startswith("-") and self.get_command(ctx, name) is None:
            import difflib

            close = difflib.get_close_matches(name, self.list_commands(ctx), n=2)
            hint = f"; did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
            ctx.fail(f"no such command {name!r}{hint}")
        return super().resolve_command(ctx, args)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [
            (name, self.lazy_commands[name][1] if name in self.lazy_commands
             else self.commands[name].get_short_help_str())
            for name in self.list_commands(ctx)
        ]
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        """Run the CLI; usage errors become the same single `kzgraph: error:` line as any other."""
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode, **extra)
        try:
            code = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except click.exceptions.Abort:
            click.echo("kzgraph: interrupted", err=True)
            sys.exit(EXIT_INTERRUPTED)
        except click.ClickException as err:
            hint = ""
            if isinstance(err, click.UsageError) and err.ctx is not None:
                hint = f" (see '{err.ctx.command_path} --help')"
            click.echo(f"kzgraph: error: {one_line(err.format_message())}{hint}", err=True)
            sys.exit(err.exit_code)
        sys.exit(code if isinstance(code, int) else 0)

    def invoke(self, ctx: click.Context):
        """Run the command; turn errors into one line on stderr and a documented exit code."""
        try:
            return super().invoke(ctx)
        except (click.exceptions.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            raise
        except KzgraphError as err:
            _debug_traceback()
            click.echo(f"kzgraph: error: {one_line(str(err))}", err=True)
            ctx.exit(err.exit_code)
        except KeyboardInterrupt:
            click.echo("kzgraph: interrupted", err=True)
            ctx.exit(EXIT_INTERRUPTED)
        except BrokenPipeError:
            # The reader (e.g. `| head`) went away: stop quietly, without a second error at exit.
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            ctx.exit(1)
        except OSError as err:
            # e.g. writing to a full disk or a closed stream: an environment failure, not a bug
            _debug_traceback()
            reason = err.strerror or type(err).__name__
            where = f" {one_line(err.filename)}" if err.filename else ""
            click.echo(f"kzgraph: error: cannot read or write{where}: {reason}", err=True)
            ctx.exit(KzgraphError.exit_code)
        except Exception as err:  # noqa: BLE001 - the one place that reports unexpected failures
            _debug_traceback()
            # the exception's own text may quote input bytes (a file's content, the environment):
            # shown only with KZGRAPH_DEBUG, which also prints the traceback
            click.echo(
                f"kzgraph: internal error: {type(err).__name__} "
                "(please report it; set KZGRAPH_DEBUG=1 for the details and a traceback)",
                err=True,
            )
            ctx.exit(KzgraphError.exit_code)


def _debug_traceback() -> None:
    if os.environ.get("KZGRAPH_DEBUG") == "1":
        import traceback  # only when asked: `kzgraph --help` must start as fast as click

        traceback.print_exc()


@click.group(cls=LazyGroup, lazy_commands=COMMANDS, context_settings=CONTEXT_SETTINGS)
@click.version_option(__version__, "--version", prog_name="kzgraph", message="%(prog)s %(version)s")
def main() -> None:
    """Validate, query and export kzgraph, the knowledge graph of sources of
    gender data and research about Kazakhstan.

    Commands work on the graph installed with kzgraph, or on a checkout given
    with --root. Exit codes: 0 success, 1 the graph does not conform or a
    check failed, 2 bad usage or unreadable input, 3 runtime failure.

    \b
    Example:
      kzgraph validate
      kzgraph sources --topic violence --language kk
      kzgraph show paperlab --labels ru
      kzgraph query -n founded-in-year --param year=2018
    """
