"""Validate the catalogue: the SHACL shapes of shapes/, the SPARQL checks, one-file subjects.

The data graph is the ontology + vocabularies + data (+ extra files) as loaded, optionally closed
under RDFS or OWL 2 RL by ``kzgraph.reason.closure`` first. The shapes run on kzgraph's own
SHACL engine (``kzgraph.validate.engine``: SHACL Core and SHACL-SPARQL on pyoxigraph); shapes that
use a feature it does not implement run on pyshacl (with ``inference="none"``) instead, and
``KZGRAPH_SHACL=pyshacl`` forces pyshacl. Both give the same report (tested on every fixture).
Every result carries where its focus node is described (file and line).
"""

from __future__ import annotations

import os
import re
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Iterable

from kzgraph import iris
from kzgraph.errors import InputError, one_line
from kzgraph.load import Location
from kzgraph.paths import CHECKS_DIR

if TYPE_CHECKING:
    import rdflib

    from kzgraph.store.embedded import EmbeddedCatalogue as Catalogue

SH = iris.SH
VIOLATION, WARNING, INFO = "Violation", "Warning", "Info"
SEVERITIES = (VIOLATION, WARNING, INFO)
CHECKS_NS = "https://w3id.org/kzgraph/checks#"
SPARQL_COMPONENT = SH + "SPARQLConstraintComponent"
ONE_FILE_CHECK = CHECKS_NS + "one-file-per-subject"

# Longest namespace first, so that a prefixed name uses the most specific prefix.
_NAMESPACES = sorted(iris.PREFIXES.items(), key=lambda item: (-len(item[1]), item[0]))
_LOCAL = re.compile(r"[A-Za-z0-9_](?:[A-Za-z0-9_.\-]*[A-Za-z0-9_\-])?")


@dataclass(frozen=True)
class Result:
    """One validation result.

    ``focus`` and ``path`` are IRIs (``_:id`` for a blank node, N-Triples syntax for a literal
    focus node; a complex path in SPARQL syntax), ``value`` is the offending value in N-Triples
    syntax, ``severity`` one of Violation, Warning, Info (or the IRI of a severity a shape
    defines itself, which counts as none of the three), ``constraint`` the constraint
    component IRI.
    """

    severity: str
    focus: str
    path: str | None
    value: str | None
    message: str
    source_shape: str | None
    constraint: str | None
    location: Location | None
    # for the SHACL report graph only (not compared, not in to_dict): every message as a
    # literal, the result path as a node of the shapes graph, the SPARQL constraint node
    messages: tuple = field(default=(), compare=False, repr=False)
    path_node: object = field(default=None, compare=False, repr=False)
    source_constraint: object = field(default=None, compare=False, repr=False)
    shape_node: object = field(default=None, compare=False, repr=False)  # a blank-node shape

    def to_dict(self) -> dict:
        """Return the result as plain JSON-ready values."""
        return {
            "severity": self.severity,
            "focus": self.focus,
            "path": self.path,
            "value": self.value,
            "message": self.message,
            "source_shape": self.source_shape,
            "constraint": self.constraint,
            "file": str(self.location.path) if self.location else None,
            "line": self.location.line if self.location else None,
        }


@dataclass
class Report:
    """The outcome of one validation run.

    ``results`` has one result per problem (see ``_one_per_problem``); ``all_results`` every
    result the engine found, which is what the SHACL report graph (``graph``) lists.
    """

    results: list[Result]
    conforms: bool  # the standard SHACL sh:conforms: no result at all
    all_results: list[Result] = field(default_factory=list, repr=False)
    shapes_index: object = field(default=None, repr=False)  # for complex result paths
    _graph: "rdflib.Graph | None" = field(default=None, repr=False)  # pyshacl's, when it ran

    @property
    def graph(self) -> "rdflib.Graph":
        """The SHACL validation report graph (built on first use)."""
        if self._graph is None:
            self._graph = _report_graph(self.all_results, self.shapes_index)
        return self._graph

    def count(self, severity: str) -> int:
        return sum(1 for r in self.results if r.severity == severity)

    @property
    def files(self) -> list[Path]:
        """Return the files that have results, in report order."""
        seen: dict[Path, None] = {}
        for result in self.results:
            if result.location is not None:
                seen.setdefault(result.location.path, None)
        return list(seen)

    def exit_code(self, strict: bool = False) -> int:
        """Return 1 when there is a violation (or, with ``strict``, a warning), else 0."""
        if self.count(VIOLATION) or (strict and self.count(WARNING)):
            return 1
        return 0

    def only_files(self, paths: Iterable[Path]) -> "Report":
        """Return the report restricted to results on nodes described in ``paths``.

        The rest of the catalogue is validated alongside as context (an entry's publisher may
        live in another file); only the named files' problems are reported.
        """
        wanted = {Path(p).resolve() for p in paths}

        def kept(results: list[Result]) -> list[Result]:
            return [r for r in results
                    if r.location is not None and Path(r.location.path).resolve() in wanted]

        keep = kept(self.results)
        return Report(results=keep, conforms=not keep, all_results=kept(self.all_results),
                      shapes_index=self.shapes_index)

    def summary(self) -> str:
        counts = [(self.count(s), s.lower()) for s in SEVERITIES]
        parts = [f"{n} {word}{'' if n == 1 else 's'}" for n, word in counts]
        files = len(self.files)
        return f"{', '.join(parts)} in {files} file{'' if files == 1 else 's'}"


def validate(
    catalogue: "Catalogue",
    shapes: "Catalogue | rdflib.Graph",
    infer: str | None = None,
    axioms: Path | None = None,
    checks_dir: Path | None = CHECKS_DIR,
    engine: str | None = None,
    data_dir: Path | None = None,
) -> Report:
    """Validate ``catalogue`` against ``shapes``; return every result with its file and line.

    Besides the shapes: the SPARQL checks of ``checks_dir``, subjects described in two files,
    unknown terms (``kzgraph.validate.terms``) and, for the files under ``data_dir``, that each describes
    ``id:`` + its file name.

    ``engine`` is "native" (kzgraph's SHACL engine, falling back to pyshacl for shapes it does
    not support) or "pyshacl"; by default ``$KZGRAPH_SHACL``, else native.
    """
    engine = engine or os.environ.get("KZGRAPH_SHACL") or "native"
    if engine not in ("native", "pyshacl"):
        raise InputError(f"unknown SHACL engine {engine!r} (KZGRAPH_SHACL); use native or pyshacl")
    guard_shapes_sparql(shapes)
    data_graph = None
    store = catalogue.store
    triples: object = catalogue.quads
    if infer:
        from kzgraph import reason

        inferred = reason.infer(catalogue, infer, axioms=axioms)
        data_graph = inferred.rdflib_graph()
        triples = inferred.quads
        store = inferred.oxigraph()
    shapes_index = None
    if engine == "native":
        from kzgraph.validate import engine as shacl_engine

        try:
            raw, shapes_index = _run_native(triples, store, shapes)
        except shacl_engine.Unsupported:
            engine = "pyshacl"
        except shacl_engine.ShapesError as err:
            raise InputError(f"the SHACL shapes are malformed: {_one_line(err)}") from None
    if engine == "native":
        results = [_native_result(r, catalogue) for r in raw]
        report_graph = None
    else:
        if data_graph is None:
            data_graph = catalogue.rdflib_graph()
        report_graph = _run_pyshacl(data_graph, shapes, store)
        results = [_result(report_graph, node, catalogue) for node in _result_nodes(report_graph)]
    from kzgraph.validate import terms

    extra = (
        _check_results(store, catalogue, checks_dir)
        + (_rule_results(store, catalogue) if checks_dir is not None else [])
        + _duplicate_results(catalogue)
        + terms.term_results(catalogue, _shape_triples(shapes))
        + terms.file_subject_results(catalogue, data_dir)
    )
    if extra and report_graph is not None:
        _add_to_report(report_graph, extra)
    results += extra
    results = _placeholders_once(results)
    return Report(results=_one_per_problem(results), conforms=not results, all_results=results,
                  shapes_index=shapes_index, _graph=report_graph)


PLACEHOLDER_CHECK = CHECKS_NS + "placeholder"


def _placeholders_once(results: list[Result]) -> list[Result]:
    """Leave out shape results on a "FILL IN: …" placeholder: the placeholder check reports it,
    saying what to write; a datatype or class complaint about it says nothing more."""
    if not any(r.source_shape == PLACEHOLDER_CHECK for r in results):
        return results
    return [r for r in results if r.source_shape == PLACEHOLDER_CHECK or not (r.value or "").startswith('"FILL IN')]


def _shape_triples(shapes: "Catalogue | rdflib.Graph"):
    if hasattr(shapes, "quads"):
        return shapes.quads
    from kzgraph.load import from_rdflib

    return list(from_rdflib(shapes))


def _simple_path(path: str | None) -> str | None:
    """The predicate of a result path that is one IRI (complex paths are written in SPARQL syntax)."""
    if path is None or path.startswith(("_:", "(", "^", "<")) or " " in path or "://" not in path:
        return None
    return path


def _run_native(triples, store, shapes: "Catalogue | rdflib.Graph"):
    from kzgraph.validate.engine import Engine, Index

    shape_triples = _shape_triples(shapes)
    shapes_index = Index(shape_triples)
    engine = Engine(Index(triples), store, shapes_index)
    return engine.run(), shapes_index


def _native_result(raw, catalogue: "Catalogue") -> Result:
    import pyoxigraph as ox

    from kzgraph.load import node_key

    english = [m for m in raw.messages if m.language in ("en", None, "")]
    chosen = (english or raw.messages or [None])[0]
    # a literal focus node (sh:targetNode 42) is written in N-Triples syntax, like a value
    focus = str(raw.focus) if isinstance(raw.focus, ox.Literal) else node_key(raw.focus)
    return Result(
        severity=raw.severity,
        focus=focus,
        path=raw.path,
        value=str(raw.value) if raw.value is not None else None,
        message=chosen.value if chosen is not None else _default_message(raw),
        source_shape=raw.source_shape.value if isinstance(raw.source_shape, ox.NamedNode) else None,
        constraint=raw.constraint,
        location=catalogue.triple_location(focus, _simple_path(raw.path),
                                           str(raw.value) if raw.value is not None else None),
        messages=tuple(raw.messages),
        path_node=raw.path_node,
        source_constraint=raw.source_constraint,
        shape_node=raw.source_shape if isinstance(raw.source_shape, ox.BlankNode) else None,
    )


def _default_message(raw) -> str:
    """The message of a shape that has no sh:message (kzgraph's own shapes all have one)."""
    import pyoxigraph as ox

    component = raw.constraint.removeprefix(SH).removesuffix("ConstraintComponent")
    if component != "SPARQL":
        component = "sh:" + component[0].lower() + component[1:]
    if isinstance(raw.source_shape, ox.NamedNode):
        shape = f"the shape {compact(raw.source_shape.value)}"
    else:
        shape = "a shape without an IRI"
    what = f"the value {raw.value}" if raw.value is not None else "the node"
    return f"{what} does not satisfy the {component} constraint of {shape}"


def _run_pyshacl(data: "rdflib.Graph", shapes: "Catalogue | rdflib.Graph", store) -> "rdflib.Graph":
    import pyshacl
    from pyparsing import ParseException
    from pyshacl.errors import (
        ConstraintLoadError,
        ReportableRuntimeError,
        ShapeLoadError,
        ValidationFailure,
    )
    from rdflib import Graph

    shapes_graph = shapes if isinstance(shapes, Graph) else shapes.rdflib_graph()
    shapes_graph = _resolve_sparql_targets(shapes_graph, store)
    try:
        with _prepared_queries(), _quiet_loggers("pyshacl", "rdflib"):
            _, report_graph, _ = pyshacl.validate(
                data,
                shacl_graph=shapes_graph,
                inference="none",
                advanced=True,
                abort_on_first=False,
                allow_infos=False,
                allow_warnings=False,
                meta_shacl=False,
                js=False,
            )
    except (ShapeLoadError, ConstraintLoadError, ReportableRuntimeError, ValidationFailure) as err:
        raise InputError(f"the SHACL shapes are malformed: {_one_line(err)}") from None
    except ParseException as err:  # a SPARQL constraint that does not parse
        raise InputError(f"the SHACL shapes are malformed: SPARQL syntax error: {_one_line(err)}") from None
    except Exception as err:  # noqa: BLE001 - pyshacl raises plain Python errors on odd shapes
        raise InputError(
            f"the SHACL shapes cannot be applied (pyshacl: {type(err).__name__}: {_one_line(err)}); "
            "check the shapes this engine could not run natively"
        ) from None
    if not isinstance(report_graph, Graph):  # pyshacl returns its ValidationFailure instead
        raise InputError(f"the SHACL shapes cannot be applied: {_one_line(report_graph)}")
    return report_graph


def _one_per_problem(results: list[Result]) -> list[Result]:
    """Sort the results; keep one of those that say the same thing about the same value.

    A value can break two constraints of one shape ("1,500" for a sample size is neither an
    integer nor above 0); both carry the shape's message, and a curator needs one line. The
    first constraint component in alphabetical order is kept (the datatype, before a range).
    The Turtle report keeps every result, as pyshacl wrote it.
    """
    kept: list[Result] = []
    seen: set[tuple] = set()
    for result in sorted(results, key=_order):
        key = (result.severity, result.focus, result.path, result.value, result.message, result.source_shape)
        if key not in seen:
            seen.add(key)
            kept.append(result)
    return kept


@contextmanager
def _quiet_loggers(*names: str):
    """Keep libraries' log lines off stderr while they run: errors come back as one message."""
    import logging

    loggers = [logging.getLogger(name) for name in names]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.CRITICAL + 1)
    try:
        yield
    finally:
        for logger, level in zip(loggers, levels):
            logger.setLevel(level)


@contextmanager
def _prepared_queries():
    """Parse each SPARQL text once while pyshacl runs.

    pyshacl hands rdflib the same query text for every focus node of a SPARQL constraint, and
    rdflib parses it again each time; parsing costs ~20 ms, evaluation ~2 ms. A parsed and
    translated query is reusable (it is what ``prepareQuery`` returns).
    """
    from rdflib.plugins.sparql import processor

    original = processor.SPARQLProcessor.query
    cache: dict = {}

    def query(self, strOrQuery, initBindings=None, initNs=None, base=None, DEBUG=False):  # noqa: N803
        if isinstance(strOrQuery, str):
            key = (strOrQuery, base, tuple(sorted((str(k), str(v)) for k, v in (initNs or {}).items())))
            prepared = cache.get(key)
            if prepared is None:
                prepared = cache[key] = processor.translateQuery(
                    processor.parseQuery(strOrQuery), base, initNs
                )
            strOrQuery = prepared
        return original(self, strOrQuery, initBindings, initNs, base, DEBUG)

    processor.SPARQLProcessor.query = query
    try:
        yield
    finally:
        processor.SPARQLProcessor.query = original


def _one_line(err: Exception) -> str:
    return one_line(getattr(err, "message", None) or err)


def _order(result: Result) -> tuple:
    loc = result.location
    return (
        str(loc.path) if loc else "\uffff",
        loc.line if loc else 0,
        SEVERITIES.index(result.severity) if result.severity in SEVERITIES else len(SEVERITIES),
        result.focus,
        result.path or "",
        result.message,
        result.value or "",
        result.constraint or "",
        result.source_shape or "",
    )


# ---------------------------------------------------------------- reading pyshacl's report


def _result_nodes(graph: "rdflib.Graph") -> list:
    """Return the report's own results (not the nested sh:detail results of sh:node and the like)."""
    from rdflib import RDF, URIRef

    nodes = []
    for report in graph.subjects(RDF.type, URIRef(SH + "ValidationReport")):
        nodes += graph.objects(report, URIRef(SH + "result"))
    return nodes


def _result(graph: "rdflib.Graph", node, catalogue: "Catalogue") -> Result:
    from rdflib import BNode, URIRef

    def one(name: str):
        return graph.value(node, URIRef(SH + name))

    focus = one("focusNode")
    path = one("resultPath")
    value = one("value")
    severity = str(one("resultSeverity") or SH + "Violation").removeprefix(SH)
    messages = list(graph.objects(node, URIRef(SH + "resultMessage")))
    english = [m for m in messages if getattr(m, "language", None) in ("en", None)]
    message = str((english or messages or ["(no message)"])[0])
    shape = one("sourceShape")
    constraint = one("sourceConstraintComponent")
    return Result(
        severity=severity,
        focus=_key(focus),
        path=_path_text(graph, path) if path is not None else None,
        value=value.n3() if value is not None else None,
        message=message,
        source_shape=str(shape) if isinstance(shape, URIRef) else None,
        constraint=str(constraint) if constraint is not None else None,
        location=(catalogue.triple_location(_key(focus), _simple_path(str(path)) if isinstance(path, URIRef) else None,
                                            (f"<{value}>" if isinstance(value, URIRef) else _literal_n3(value))
                                            if value is not None and not isinstance(value, BNode) else None)
                  if focus is not None else None),
    )


def _key(node) -> str:
    from rdflib import BNode, Literal

    if isinstance(node, BNode):
        return "_:" + str(node)
    if isinstance(node, Literal):
        return _literal_n3(node)
    return str(node)


def _literal_n3(literal) -> str:
    """A literal in N-Triples syntax, as pyoxigraph writes it (``str(ox.Literal)``)."""
    import pyoxigraph as ox

    if literal.language:
        return str(ox.Literal(str(literal), language=literal.language))
    if literal.datatype is not None:
        return str(ox.Literal(str(literal), datatype=ox.NamedNode(str(literal.datatype))))
    return str(ox.Literal(str(literal)))


def _path_text(graph: "rdflib.Graph", path) -> str:
    """Return a SHACL path as an IRI, or in SPARQL property-path syntax when it is complex.

    The same text the native engine writes (``shacl_engine.Path.text``): the path is read from
    the triples under its node and compiled by the engine's own path compiler.
    """
    from rdflib import BNode

    from kzgraph.load import from_rdflib
    from kzgraph.validate.engine import Index, ShapesError, compile_path

    if not isinstance(path, BNode):
        return str(path)
    triples, todo, seen = [], [path], set()
    while todo:
        node = todo.pop()
        if node in seen:
            continue
        seen.add(node)
        for p, o in graph.predicate_objects(node):
            triples.append((node, p, o))
            if isinstance(o, BNode):
                todo.append(o)
    if not triples:
        return "_:" + str(path)
    converted = from_rdflib(triples)  # in order: the first triples are the path node's own
    try:
        return compile_path(Index(converted), converted[0].subject).text()
    except ShapesError:
        return "_:" + str(path)


# ---------------------------------------------------------------- checks that are not SHACL


# Rules written once, as a named query, and checked by validate: every row is a violation.
# named query -> the local name of its check IRI (CHECKS_NS)
RULE_CHECKS: dict[str, str] = {"entry-status-consistency": "entry-status"}


def _status(term) -> str:
    return "status:" + term.value.rsplit("/", 1)[-1] if term is not None else "none"


def _rule_results(store, catalogue: "Catalogue") -> list[Result]:
    """The named queries of `RULE_CHECKS`, run as checks (the entry-level status rule)."""
    import pyoxigraph as ox

    from kzgraph.load import node_key
    from kzgraph.query import named

    results: list[Result] = []
    for name, local in RULE_CHECKS.items():
        rows = store.query(named.get_named(name).text)
        for row in rows:
            this = row["entryAssessment"] or row["entry"]
            aspect = row["aspect"]
            stated, expected, parts = row["entryStatus"], row["expectedStatus"], row["parts"]
            if stated is None:
                message = (f"The entry states no {aspect.value.rsplit('#', 1)[-1]}; following the statuses of its "
                           f"{parts.value} assessed part(s) it should be {_status(expected)}")
            else:
                message = (f"The entry-level status should be {_status(expected)}, following the statuses of its "
                           f"{parts.value} assessed part(s)")
            message += (": available only if every part is available, not-available or unclear if every part is, "
                        "otherwise partial; correct the entry's assessment or the parts'.")
            focus = node_key(this)
            value = str(stated) if stated is not None else None
            results.append(Result(
                severity=VIOLATION, focus=focus, path=aspect.value if isinstance(aspect, ox.NamedNode) else None,
                value=value, message=message, source_shape=CHECKS_NS + local, constraint=SPARQL_COMPONENT,
                location=catalogue.triple_location(focus, aspect.value, value),
            ))
    return results


def check_files(checks_dir: Path | None = CHECKS_DIR) -> list[Path]:
    """Return the SPARQL quality checks (``*-violation.rq``: any row fails), sorted."""
    if checks_dir is None or not checks_dir.is_dir():
        return []
    return sorted(checks_dir.glob("*-violation.rq"))


SPARQL_TEXT_PREDICATES = tuple(iris.SH + name for name in ("select", "ask", "construct", "update"))


def guard_shapes_sparql(shapes: "Catalogue | rdflib.Graph") -> None:
    """Refuse shapes whose SPARQL (constraints, targets, ...) has SERVICE or FROM, before any engine runs.

    Both engines would act on them: Oxigraph and rdflib send SERVICE requests, rdflib reads FROM IRIs.
    """
    from kzgraph.query import guard as sparql_guard

    if hasattr(shapes, "quads"):
        texts = [(q.subject, q.object.value) for q in shapes.quads
                 if q.predicate.value in SPARQL_TEXT_PREDICATES and hasattr(q.object, "datatype")]
    else:
        from rdflib import Literal, URIRef

        texts = [(s, str(o)) for p in SPARQL_TEXT_PREDICATES for s, o in shapes.subject_objects(URIRef(p))
                 if isinstance(o, Literal)]
    for node, text in texts:
        where = _shape_where(shapes, node)
        try:
            sparql_guard.check(text, allow_from=False, what=f"the SPARQL of shape {where}")
        except sparql_guard.Refused as err:
            raise InputError(f"the SHACL shapes are refused: {err}") from None


def _shape_where(shapes, node) -> str:
    location = shapes.location_of(node) if hasattr(shapes, "location_of") else None
    name = getattr(node, "value", None) or str(node)
    return f"{name} ({location.path}:{location.line})" if location is not None else name


def _check_results(store, catalogue: "Catalogue", checks_dir: Path | None) -> list[Result]:
    import pyoxigraph as ox

    from kzgraph.query import guard as sparql_guard

    from kzgraph.load import node_key

    results: list[Result] = []
    for path in check_files(checks_dir):
        title = _header(path, "title") or path.stem
        check_iri = CHECKS_NS + path.stem.removesuffix("-violation")
        try:
            text = path.read_text(encoding="utf-8")
            if path.parent.resolve() == CHECKS_DIR:
                # kzgraph's own shipped checks, like the named queries (kzgraph/named.py): vouched,
                # so that "kzg:dataService" is not read as a possible SERVICE by a second parser
                sparql_guard.vouch(text)
            # the checks run on Oxigraph only, where FROM names a graph and is never fetched
            # (sparql_guard's docstring): only SERVICE is refused
            sparql_guard.check(text, what=f"check {path.name}")
            rows = list(store.query(text))
        except (SyntaxError, ValueError, OSError, sparql_guard.Refused) as err:
            raise InputError(f"check {path.name} does not run: {_one_line(err)}") from None
        for row in rows:
            this = row["this"]
            if this is None:
                continue
            focus = node_key(this)
            path_term = row["path"]
            value = row["value"]
            message = row["message"]
            results.append(
                Result(
                    severity=VIOLATION,
                    focus=focus,
                    path=path_term.value if isinstance(path_term, ox.NamedNode) else None,
                    value=str(value) if value is not None else None,
                    message=message.value if message is not None else title,
                    source_shape=check_iri,
                    constraint=SPARQL_COMPONENT,
                    location=catalogue.triple_location(
                        focus, path_term.value if isinstance(path_term, ox.NamedNode) else None,
                        str(value) if value is not None else None),
                )
            )
    return results


def _resolve_sparql_targets(shapes: "rdflib.Graph", store) -> "rdflib.Graph":
    """Return the shapes with each SPARQL-based target replaced by the nodes it selects.

    The targets select suspects over the whole graph (duplicates, missing labels); Oxigraph
    evaluates them in milliseconds where rdflib takes a tenth of a second each. The shapes then
    check exactly those nodes (sh:targetNode), with the same result as the SPARQL target.
    """
    from rdflib import RDF, BNode, Graph, URIRef

    sh = lambda name: URIRef(SH + name)  # noqa: E731
    targets = [
        (shape, target)
        for shape, target in shapes.subject_objects(sh("target"))
        if (target, RDF.type, sh("SPARQLTarget")) in shapes
    ]
    if not targets:
        return shapes
    declared = {
        str(shapes.value(d, sh("prefix"))): str(shapes.value(d, sh("namespace")))
        for d in shapes.objects(None, sh("declare"))
    }
    prologue = "".join(f"PREFIX {name}: <{ns}>\n" for name, ns in sorted(declared.items()))
    resolved = Graph()
    resolved += shapes
    for shape, target in targets:
        query = prologue + str(shapes.value(target, sh("select")))
        try:
            rows = list(store.query(query))
        except (SyntaxError, ValueError, OSError) as err:
            raise InputError(f"the SHACL shapes are malformed: SPARQL target {target}: {_one_line(err)}") from None
        resolved.remove((shape, sh("target"), target))
        for row in rows:
            node = row["this"]
            if node is None:
                continue
            term = BNode(node.value) if type(node).__name__ == "BlankNode" else URIRef(node.value)
            resolved.add((shape, sh("targetNode"), term))
        if not rows:
            # keep the shape a shape (pyshacl drops shapes without targets silently anyway)
            resolved.add((shape, RDF.type, sh("NodeShape")))
    return resolved


def _header(path: Path, name: str) -> str | None:
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            break
        key, _, value = line.lstrip("# ").partition(":")
        if key.strip() == name:
            return value.strip()
    return None


def _duplicate_results(catalogue: "Catalogue") -> list[Result]:
    """One violation per place a subject is described in when there are several files.

    Each names the other places, so that ``validate FILE`` on either file reports it.
    """
    from kzgraph.paths import display_path

    results: list[Result] = []
    for subject, places in sorted(catalogue.duplicates.items()):
        for here in places:
            others = ", ".join(f"{display_path(p.path)}:{p.line}" for p in places if p is not here)
            results.append(
                Result(
                    severity=VIOLATION,
                    focus=subject,
                    path=None,
                    value=None,
                    message=(
                        f"{compact(subject)} is also described in {others}; "
                        "describe a subject in exactly one file: move these statements into one of them "
                        "(a copied entry needs its own id:{slug})"
                    ),
                    source_shape=ONE_FILE_CHECK,
                    constraint=None,
                    location=here,
                )
            )
    return results


def _report_graph(results: list[Result], shapes_index=None) -> "rdflib.Graph":
    """Return the standard SHACL validation report graph of ``results``."""
    from rdflib import BNode, Graph, Literal, URIRef
    from rdflib.namespace import RDF

    graph = Graph()
    report = BNode()
    graph.add((report, RDF.type, URIRef(SH + "ValidationReport")))
    graph.add((report, URIRef(SH + "conforms"), Literal(not results)))
    _add_to_report(graph, results, shapes_index)
    return graph


def _add_to_report(graph: "rdflib.Graph", results: Iterable[Result], shapes_index=None) -> None:
    """Add ``results`` to a report graph as standard validation results."""
    from rdflib import BNode, Literal, URIRef
    from rdflib.namespace import RDF
    from rdflib.util import from_n3

    from kzgraph.load import to_rdflib_term

    sh = lambda name: URIRef(SH + name)  # noqa: E731
    report = next(iter(graph.subjects(RDF.type, sh("ValidationReport"))), None)
    if report is None:
        report = BNode()
        graph.add((report, RDF.type, sh("ValidationReport")))
    results = list(results)
    if results:
        graph.set((report, sh("conforms"), Literal(False)))
    for result in results:
        node = BNode()
        graph.add((report, sh("result"), node))
        graph.add((node, RDF.type, sh("ValidationResult")))
        if result.focus.startswith("_:"):
            focus = BNode(result.focus[2:])
        elif result.focus.startswith('"'):
            focus = from_n3(result.focus)
        else:
            focus = URIRef(result.focus)
        graph.add((node, sh("focusNode"), focus))
        # Violation, Warning, Info; a shape may name its own severity IRI (sh:severity ex:Minor)
        severity = sh(result.severity) if result.severity in SEVERITIES else URIRef(result.severity)
        graph.add((node, sh("resultSeverity"), severity))
        for message in result.messages or (Literal(result.message),):
            graph.add((node, sh("resultMessage"), to_rdflib_term(message) if not isinstance(message, Literal) else message))
        if result.source_shape:
            graph.add((node, sh("sourceShape"), URIRef(result.source_shape)))
        elif result.shape_node is not None:  # a blank-node shape: its node and its description
            graph.add((node, sh("sourceShape"), to_rdflib_term(result.shape_node)))
            _copy_description(graph, result.shape_node, shapes_index)
        if result.constraint:
            graph.add((node, sh("sourceConstraintComponent"), URIRef(result.constraint)))
        if result.source_constraint is not None:
            graph.add((node, sh("sourceConstraint"), to_rdflib_term(result.source_constraint)))
        if result.path_node is not None:
            graph.add((node, sh("resultPath"), to_rdflib_term(result.path_node)))
            _copy_description(graph, result.path_node, shapes_index)
        elif result.path and "://" in result.path and not result.path.startswith(("(", "^")):
            graph.add((node, sh("resultPath"), URIRef(result.path)))
        if result.value:
            graph.add((node, sh("value"), from_n3(result.value)))


def _copy_description(graph: "rdflib.Graph", node, index) -> None:
    """Copy what the shapes graph says about a blank node (a complex path), recursively."""
    from kzgraph.load import to_rdflib_term

    if index is None or type(node).__name__ != "BlankNode":
        return
    todo, seen = [node], set()
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        for predicate, objects in index.out.get(current, {}).items():
            for obj in objects:
                graph.add((to_rdflib_term(current), to_rdflib_term(predicate), to_rdflib_term(obj)))
                if type(obj).__name__ == "BlankNode":
                    todo.append(obj)


# ---------------------------------------------------------------- display


def compact(iri: str | None) -> str:
    """Return an IRI as a prefixed name when a kzgraph prefix fits, else ``<iri>``."""
    if iri is None:
        return ""
    if iri.startswith("_:"):
        return iri
    for name, namespace in _NAMESPACES:
        if iri.startswith(namespace) and _LOCAL.fullmatch(iri[len(namespace) :]):
            return f"{name}:{iri[len(namespace):]}"
    return f"<{iri}>"


def compact_value(value: str | None) -> str:
    """Return an N-Triples term with its IRIs (and datatype) as prefixed names."""
    if value is None:
        return ""
    if value.startswith("<") and value.endswith(">"):
        return compact(value[1:-1])
    match = re.fullmatch(r'(".*")\^\^<([^>]*)>', value, re.S)
    if match:
        return f"{match[1]}^^{compact(match[2])}"
    return value


def compact_path(path: str | None) -> str:
    """Return a result path with its IRIs as prefixed names."""
    if path is None:
        return ""
    if path.startswith("_:") or "://" not in path:
        return path
    if "<" not in path:  # a plain IRI; complex paths write their IRIs as <...>
        return compact(path)
    return re.sub(r"<([^>]*)>", lambda m: compact(m[1]), path)
