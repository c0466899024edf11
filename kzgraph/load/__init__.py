"""Load RDF files into one store, strictly, remembering where each subject is described."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Sequence
from urllib.parse import urljoin

import pyoxigraph as ox

from kzgraph.errors import InputError
from kzgraph.paths import Layout, display_path
from kzgraph.store.embedded import EmbeddedCatalogue, FileInfo, Location, node_key  # noqa: F401 - node_key is part of load's API

if TYPE_CHECKING:
    import rdflib

# Suffix -> pyoxigraph format. ".owl" is RDF/XML by convention; pyoxigraph does not guess it.
RDF_SUFFIXES: dict[str, ox.RdfFormat] = {
    ".ttl": ox.RdfFormat.TURTLE,
    ".nt": ox.RdfFormat.N_TRIPLES,
    ".nq": ox.RdfFormat.N_QUADS,
    ".trig": ox.RdfFormat.TRIG,
    ".jsonld": ox.RdfFormat.JSON_LD,
    ".rdf": ox.RdfFormat.RDF_XML,
    ".owl": ox.RdfFormat.RDF_XML,
}
# Formats whose statements start with their subject, so the Turtle scan can locate subjects.
TURTLE_FAMILY = {ox.RdfFormat.TURTLE, ox.RdfFormat.N_TRIPLES, ox.RdfFormat.N_QUADS, ox.RdfFormat.TRIG}
# Formats that can put triples in named graphs (flattened into the default graph on load).
_DATASET_FORMATS = {ox.RdfFormat.N_QUADS, ox.RdfFormat.TRIG, ox.RdfFormat.JSON_LD}
_UTF8_BOM = b"\xef\xbb\xbf"
_SUFFIX_LIST = ", ".join(RDF_SUFFIXES)


def load_catalogue(
    layout: Layout, extra: Sequence[str | Path] = (), include_axioms: bool = False, store: bool = True
) -> EmbeddedCatalogue:
    """Load the ontology, vocabularies and data of ``layout``, plus any extra files or folders.

    ``store=False``: the caller needs only the quads; a catalogue from the parse cache then comes
    without a store (``EmbeddedCatalogue.store`` is None), which saves filling one.
    """
    files = layout.graph_files()
    if include_axioms:
        files.append(layout.axioms_file)
    _refuse_links_out_of(layout.root, files, {})
    files += expand_inputs(extra)
    return _load(files, store=store)


def load_files(paths: Iterable[str | Path]) -> EmbeddedCatalogue:
    """Load the given files and folders (folders are walked for RDF files)."""
    return _load(expand_inputs(paths))


def load_shapes(layout: Layout) -> EmbeddedCatalogue:
    """Load the SHACL shapes files of ``layout``."""
    files = layout.shape_files()
    _refuse_links_out_of(layout.root, files, {})
    return _load(files)


def expand_inputs(paths: Iterable[str | Path]) -> list[Path]:
    """Return the RDF files named by ``paths``, walking folders in sorted order."""
    files: list[Path] = []
    real_dirs: dict[str, str] = {}
    for given in paths:
        path = Path(given)
        if path.is_dir():
            found = sorted(
                (p for p in path.rglob("*") if p.suffix.lower() in RDF_SUFFIXES and p.is_file()),
                key=lambda p: p.relative_to(path).as_posix(),
            )
            if not found:
                raise InputError(
                    f"folder holds no RDF files ({_SUFFIX_LIST}); give a folder or file with RDF",
                    display_path(path),
                )
            _refuse_links_out_of(path, found, real_dirs)
            files += found
        elif not path.exists():
            raise InputError("no such file or folder; check the path", display_path(path))
        elif path.suffix.lower() not in RDF_SUFFIXES:
            raise InputError(
                f"unknown RDF file type {path.suffix or '(no suffix)'!r}; use one of {_SUFFIX_LIST}",
                display_path(path),
            )
        else:
            files.append(path)
    return files


# Pseudo-file systems: a link into them is never read as RDF (their bytes are the process's
# environment, memory maps, devices), whoever made the link.
_SYSTEM_DIRS = ("/proc/", "/sys/", "/dev/")


def _refuse_links_out_of(folder: Path, found: Sequence[Path], real_dirs: dict[str, str]) -> None:
    """Refuse files of a walked folder that are links (or in linked folders) leading out of it.

    A checkout or a --data folder someone else prepared must not make kzgraph read files
    elsewhere on the machine; a file given by name is read wherever its link points.
    """
    real_folder = os.path.realpath(folder)
    for path in found:
        real = os.fspath(_real_path(path, real_dirs))
        if not real.startswith(real_folder + os.sep):
            raise InputError(
                f"is a link to {real}, outside {display_path(folder)}; kzgraph does not follow links out "
                "of a folder it reads: copy the file in, or name it with --data",
                display_path(path),
            )


def _load(paths: Sequence[Path], store: bool = True) -> EmbeddedCatalogue:
    given: list[tuple[Path, Path]] = []  # (resolved, as given)
    seen: set[Path] = set()
    real_dirs: dict[str, str] = {}
    for path in paths:
        resolved = _real_path(Path(path), real_dirs)
        if os.fspath(resolved).startswith(_SYSTEM_DIRS):
            raise InputError(f"is a link to the system file {resolved}, which is not RDF; kzgraph does not "
                             "read it", display_path(path))
        # The same file given twice (e.g. --data data/) would look like a duplicate description.
        if resolved in seen:
            continue
        seen.add(resolved)
        given.append((resolved, Path(path)))
    files = [resolved for resolved, _ in given]
    key = _cache_key(files)
    if key is not None:
        cached = _from_cache(key, files, store=store)
        if cached is not None:
            return cached
    catalogue = _parse_all(given)
    if key is not None:
        _to_cache(key, catalogue)
    return catalogue


def _parse_all(given: Sequence[tuple[Path, Path]]) -> EmbeddedCatalogue:
    store = ox.Store()
    files: list[Path] = []
    locations: dict[str, Location] = {}
    duplicates: dict[str, list[Location]] = {}
    infos: list[FileInfo] = []
    everything: list[ox.Quad] = []
    for resolved, shown in given:
        quads, lines, subject_count = _parse_file(resolved, shown, index=len(files))
        store.bulk_extend(quads)
        everything += quads
        files.append(resolved)
        for key, line in lines.items():
            here = Location(resolved, line)
            if key not in locations:
                locations[key] = here
            elif not key.startswith("_:"):
                duplicates.setdefault(key, [locations[key]]).append(here)
        fmt = RDF_SUFFIXES[resolved.suffix.lower()]
        infos.append(FileInfo(resolved, fmt.name, len(quads), subject_count))
    return EmbeddedCatalogue(
        store=store,
        files=files,
        locations=locations,
        duplicates=duplicates,
        file_info=infos,
        triple_count=len(store),
        quads=everything,
    )


def _real_path(path: Path, real_dirs: dict[str, str]) -> Path:
    """Return ``path`` with symlinks resolved, resolving each folder once (it is slow)."""
    parent, name = os.path.split(os.fspath(path))  # cheaper than Path.parent / .name
    real = real_dirs.get(parent)
    if real is None:
        real = real_dirs[parent] = os.path.realpath(parent or ".")
    full = os.path.join(real, name)
    if os.path.islink(full):
        full = os.path.realpath(full)
    return Path(full)


# --- The persistent parse cache (kzgraph/load/cache.py) ----------------------------------------


def _cache_key(files: Sequence[Path]) -> str | None:
    from kzgraph.load import cache

    if cache.cache_dir() is None:
        return None
    try:
        digests = [cache.file_digest(path) for path in files]
    except OSError:
        return None  # the parser reports the unreadable file
    return cache.entry_key(files, digests)


def _from_cache(key: str, files: Sequence[Path], store: bool = True) -> EmbeddedCatalogue | None:
    """Return the cached catalogue for ``key``, or None (never a partial or stale one).

    ``store=False``: leave the store out (None); the quads are still read on first use.
    """
    from kzgraph.load import cache

    entry = cache.lookup(key)
    if entry is None:
        return None
    try:
        meta = entry.read_meta()
        if meta["files"] != [str(path) for path in files]:
            return None
        # Open now: an entry pruned by another process stays readable through these handles.
        quads_file = open(entry.folder / cache.QUADS, "rb")
        locations_file = open(entry.folder / cache.LOCATIONS, "rb")
        with_bnodes = list(ox.parse(path=entry.folder / cache.BNODE_QUADS, format=ox.RdfFormat.N_QUADS))
        positions = meta["bnode_positions"]
        if len(positions) != len(with_bnodes):
            return None
        oxstore: ox.Store | None = None
        if store:
            oxstore = ox.Store()
            oxstore.load(quads_file, format=ox.RdfFormat.N_QUADS)  # faster than bulk_load in memory
            oxstore.bulk_extend(with_bnodes)
            if len(oxstore) != meta["triple_count"]:
                return None
        triple_count = meta["triple_count"]
        quad_count = meta["quads"]
        file_info = [FileInfo(files[i], fmt, triples, subjects) for i, fmt, triples, subjects in meta["file_info"]]
        duplicates = {
            key: [Location(files[i], line) for i, line in places] for key, places in meta["duplicates"].items()
        }
    except (OSError, ValueError, SyntaxError, KeyError, TypeError, IndexError):
        return None

    def read_quads() -> list[ox.Quad]:
        quads_file.seek(0)
        plain = list(ox.parse(quads_file, format=ox.RdfFormat.N_QUADS))
        return cache.merge_quads(plain, with_bnodes, positions)

    def read_nquads() -> bytes | None:
        if with_bnodes:
            return None
        quads_file.seek(0)
        data = quads_file.read()
        # One line per quad; anything else (a damaged entry) goes the slow way.
        return data if data.count(b"\n") == quad_count else None

    def read_locations() -> dict[str, list[int]]:
        locations_file.seek(0)
        return json.load(locations_file)

    return EmbeddedCatalogue(
        store=oxstore,  # type: ignore[arg-type]
        files=list(files),
        locations=cache.LazyLocations(read_locations, lambda i, line: Location(files[i], line)),
        duplicates=duplicates,
        file_info=file_info,
        triple_count=triple_count,
        quads=cache.LazyQuads(read_quads, quad_count),
        _nquads=read_nquads,
    )


def _to_cache(key: str, catalogue: EmbeddedCatalogue) -> None:
    from kzgraph.load import cache

    index = {path: i for i, path in enumerate(catalogue.files)}
    meta = {
        "files": [str(path) for path in catalogue.files],
        "file_info": [[index[i.path], i.format, i.triples, i.subjects] for i in catalogue.file_info],
        "duplicates": {
            key: [[index[loc.path], loc.line] for loc in places] for key, places in catalogue.duplicates.items()
        },
        "triple_count": catalogue.triple_count,
        "quads": len(catalogue.quads),
    }
    locations = {key: [index[loc.path], loc.line] for key, loc in catalogue.locations.items()}
    cache.save(key, catalogue.quads, meta, locations)


def _parse_file(path: Path, shown: Path, index: int) -> tuple[list[ox.Quad], dict[str, int], int]:
    """Parse one file; return its triples, the first line of each located subject, and the subject count."""
    try:
        return _parse_file_at(path, index)
    except InputError as err:
        # Worked out only on error: display_path resolves paths, which is slow for many files.
        if err.path is None:
            err.path = display_path(shown)
        raise


def _parse_file_at(path: Path, index: int) -> tuple[list[ox.Quad], dict[str, int], int]:
    where = None  # filled in by _parse_file on error
    fmt = RDF_SUFFIXES.get(path.suffix.lower())
    if fmt is None:
        raise InputError(f"unknown RDF file type {path.suffix!r}; use one of {_SUFFIX_LIST}", where)
    data = _read(path, where)
    if data.startswith(_UTF8_BOM):
        data = data[len(_UTF8_BOM) :]
    text = _decode(data, where)
    if fmt is ox.RdfFormat.RDF_XML:
        _refuse_xml_declarations(data, where)
    try:
        parsed = list(ox.parse(data, format=fmt, base_iri=path.as_uri(), lenient=False))
    except SyntaxError as err:
        raise _syntax_error(err, text, where) from None
    except RecursionError:
        raise InputError("nested too deeply to parse; flatten the structure", where) from None
    except (ValueError, OSError) as err:
        raise InputError(f"cannot parse: {err}", where) from None

    quads, bnode_ids, subjects = _flatten(parsed, index, datasets=fmt in _DATASET_FORMATS)
    if fmt in TURTLE_FAMILY:
        found = scan_turtle_subjects(text, base=path.as_uri())
    else:
        found = {}
    lines: dict[str, int] = {}
    for key in subjects:
        if key.startswith("_:"):
            continue
        # pyoxigraph keeps no positions; a subject the scan missed is at least in this file.
        lines[key] = found.get(key) or _find_line(text, key)
    for key, line in found.items():
        if key.startswith("_:") and key[2:] in bnode_ids:
            lines["_:" + bnode_ids[key[2:]]] = line
    return quads, lines, len(subjects)


def _read(path: Path, where: str | None) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise InputError("no such file; check the path", where) from None
    except IsADirectoryError:
        raise InputError("is a folder, expected an RDF file", where) from None
    except PermissionError:
        raise InputError("cannot read the file: permission denied", where) from None
    except OSError as err:
        raise InputError(f"cannot read the file: {err.strerror or err}", where) from None


def _decode(data: bytes, where: str | None) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data.count(b"\n", 0, err.start) + 1
        column = err.start - (data.rfind(b"\n", 0, err.start) + 1) + 1
        raise InputError(
            f"not UTF-8 (byte 0x{data[err.start]:02x}); save the file as UTF-8", where, line, column
        ) from None


def _refuse_xml_declarations(data: bytes, where: str | None) -> None:
    # pyoxigraph expands internal entities; a DOCTYPE could hide IRIs or blow up in size.
    for marker in (b"<!DOCTYPE", b"<!ENTITY"):
        at = data.find(marker)
        if at >= 0:
            raise InputError(
                "XML DOCTYPE and entity declarations are not supported; write IRIs out in full",
                where,
                data.count(b"\n", 0, at) + 1,
            )


# pyoxigraph's forms: "Parser error at line L between columns C and D: ...",
# "... at line L column C: ...", "Parser error between line L column C and line M column D: ...".
_PARSER_MESSAGE = re.compile(
    r"^Parser error (?:at line (?P<line>\d+)"
    r"(?: between columns (?P<col>\d+) and \d+| column (?P<col2>\d+))?"
    r"|between line (?P<line3>\d+) column (?P<col3>\d+) and line \d+ column \d+)"
    r": (?P<msg>.*?)(?: \(line \d+\))?$",
    re.S,
)


def _syntax_error(err: SyntaxError, text: str, where: str | None) -> InputError:
    """Turn a pyoxigraph SyntaxError into a one-line InputError with line and column."""
    raw = str(err.msg if err.msg is not None else err)
    match = _PARSER_MESSAGE.match(raw)
    line, column, message = err.lineno, err.offset, raw
    if match:
        line = int(match["line"] or match["line3"])
        col = match["col"] or match["col2"] or match["col3"]
        column = int(col) if col else column
        message = match["msg"]
    if "LoadDocumentCallback" in message or "remote context" in message:
        at = text.find('"@context"')
        line = text.count("\n", 0, at) + 1 if at >= 0 else line
        column = None
        message = (
            "remote JSON-LD contexts are never fetched; put the @context inline in the file"
        )
    elif "Max stack size" in message:
        message = "nested too deeply to parse; flatten the structure"
    message = " ".join(message.split())
    if line is None:
        column = None
    return InputError(message, where, line, column)


def _flatten(
    parsed: list[ox.Quad], index: int, datasets: bool
) -> tuple[list[ox.Quad], dict[str, str], dict[str, None]]:
    """Move every quad to the default graph and give blank nodes ids unique to this file."""
    # This loop runs once per triple; type() identity tests and skipping the graph check
    # for triple-only formats keep it about twice as fast as the obvious version.
    blank, quad_type = ox.BlankNode, ox.Quad
    default = ox.DefaultGraph()
    bnode_ids: dict[str, str] = {}
    subjects: dict[str, None] = {}  # insertion-ordered set
    prefix = f"f{index}b"

    def rename(node: ox.BlankNode) -> ox.BlankNode:
        new = bnode_ids.get(node.value)
        if new is None:
            new = bnode_ids[node.value] = f"{prefix}{len(bnode_ids)}"
        return blank(new)

    quads: list[ox.Quad] = []
    append = quads.append
    for quad in parsed:
        s, o = quad.subject, quad.object
        s_blank = type(s) is blank
        o_blank = type(o) is blank
        in_named_graph = datasets and type(quad.graph_name) is not ox.DefaultGraph
        if s_blank or o_blank or in_named_graph:
            if s_blank:
                s = rename(s)
            if o_blank:
                o = rename(o)
            quad = quad_type(s, quad.predicate, o, default)
        append(quad)
        subjects["_:" + s.value if s_blank else s.value] = None
    return quads, bnode_ids, subjects


def _find_line(text: str, iri: str) -> int:
    at = text.find(iri)
    return text.count("\n", 0, at) + 1 if at >= 0 else 1


# --- Locating subjects in Turtle-family text -------------------------------------------
# pyoxigraph reports no positions, so a light scan finds where each statement begins. The
# file has already parsed strictly, so the scan only needs to tell strings, IRIs, comments,
# brackets and statement-ending dots apart; it never recurses, whatever the nesting.

_WS = r"(?:[ \t\r\n]|#[^\n]*)*"
_IRI = r"<(?:[^<>\"{}|^`\\\x00-\x20]++|\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8})*+>"
_STRING = (
    r'"""(?:[^"\\]++|\\.|"(?!""))*+"""'
    r"|'''(?:[^'\\]++|\\.|'(?!''))*+'''"
    r'|"(?:[^"\\\n\r]++|\\.)*+"'
    r"|'(?:[^'\\\n\r]++|\\.)*+'"
)
_NAME_CHAR = r"[\w\-:%\\]"
# Inside a statement: what to skip, what nests, and the dot that ends a statement (a dot
# inside a prefixed name or a number is followed or preceded by a name character).
_TOKEN = re.compile(
    r"(?<!\\)(?:"
    rf"(?P<skip>#[^\n]*|{_STRING}|{_IRI})"
    r"|(?P<open>[\[(])|(?P<close>[\])])|(?P<brace>[{}])"
    rf"|(?P<dot>\.(?!{_NAME_CHAR}|\.)|(?<!{_NAME_CHAR})\.(?!\d))"
    r")",
    re.S,
)
# At the start of a statement: a directive, or the subject.
_START = re.compile(
    _WS
    + r"(?:(?P<prefix>@prefix|(?i:prefix)(?=[ \t\r\n]))"
    r"|(?P<base>@base|(?i:base)(?=[ \t\r\n<]))"
    r"|(?P<graph>(?i:graph)(?=[ \t\r\n<\[]))"
    r"|(?P<nest><<|[\[(])"
    rf"|(?P<iri>{_IRI})"
    r"|(?P<brace>[{}])|(?P<dot>\.)"
    r"|(?P<word>(?:\\.|[^\s<>\"'\[\](){},;#\\])+)"
    r"|(?P<end>\Z))",
    re.S,
)
_PREFIX_ARGS = re.compile(_WS + r"(?P<name>[^\s:]*):" + _WS + rf"(?P<iri>{_IRI})")
_BASE_ARGS = re.compile(_WS + rf"(?P<iri>{_IRI})")
_OPEN_GRAPH = re.compile(_WS + r"\{")
_ABSOLUTE = re.compile(r"[A-Za-z][A-Za-z0-9+\-.]*:")
_UCHAR = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_LOCAL_ESCAPE = re.compile(r"\\(.)")


def scan_turtle_subjects(text: str, base: str | None = None) -> dict[str, int]:
    """Return the 1-based line where each subject's first statement begins in Turtle/TriG text.

    Keys are IRIs, or ``_:label`` for labelled blank nodes as written in the file.
    """
    found: dict[str, int] = {}
    prefixes: dict[str, str] = {}
    pos, depth, at_start = 0, 0, True
    line, line_pos = 1, 0
    size = len(text)
    while pos < size:
        if at_start and depth == 0:
            m = _START.match(text, pos)
            if m is None:  # not Turtle after all; keep what was found
                break
            kind = m.lastgroup
            pos = m.end()
            if kind == "end":
                break
            if kind == "prefix":
                args = _PREFIX_ARGS.match(text, pos)
                if args:
                    prefixes[args["name"]] = _resolve(args["iri"], base)
                    pos = args.end()
            elif kind == "base":
                args = _BASE_ARGS.match(text, pos)
                if args:
                    base = _resolve(args["iri"], base)
                    pos = args.end()
            elif kind == "nest":
                # "[ ... ] :p :o" or a collection as subject: anonymous, nothing to record.
                depth += 0 if m["nest"] == "<<" else 1
                at_start = False
            elif kind in ("iri", "word"):
                if _OPEN_GRAPH.match(text, pos):  # TriG: a graph name, not a subject
                    pos = _OPEN_GRAPH.match(text, pos).end()
                    continue
                key = _resolve(m["iri"], base) if kind == "iri" else _pname(m["word"], prefixes)
                if key is not None and key not in found:
                    start = m.start(kind)
                    line += text.count("\n", line_pos, start)
                    line_pos = start
                    found[key] = line
                at_start = False
            # "graph", "brace" and "dot" leave us at the start of a statement.
            continue
        m = _TOKEN.search(text, pos)
        if m is None:
            break
        pos = m.end()
        kind = m.lastgroup
        if kind == "open":
            depth += 1
        elif kind == "close":
            depth = max(depth - 1, 0)
        elif kind == "brace" or (kind == "dot" and depth == 0):
            at_start = True
    return found


def _resolve(iri: str, base: str | None) -> str:
    inner = iri[1:-1]
    if "\\" in inner:
        inner = _UCHAR.sub(lambda m: chr(int(m[1] or m[2], 16)), inner)
    if base is None or _ABSOLUTE.match(inner):
        return inner
    return urljoin(base, inner)


def _pname(word: str, prefixes: dict[str, str]) -> str | None:
    word = word.rstrip(".")
    if word.startswith("_:"):
        return word
    name, colon, local = word.partition(":")
    if not colon or name not in prefixes:
        return None
    if "\\" in local:
        local = _LOCAL_ESCAPE.sub(r"\1", local)
    return prefixes[name] + local


# --- Conversion to rdflib ----------------------------------------------------------------

_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


def to_rdflib_term(node):
    """Return one pyoxigraph term as the rdflib term ``to_rdflib`` would make of it."""
    from rdflib import BNode, Literal, URIRef

    if isinstance(node, ox.NamedNode):
        return URIRef(node.value)
    if isinstance(node, ox.BlankNode):
        return BNode(node.value)
    if isinstance(node, ox.Literal):
        if node.language:
            return Literal(node.value, lang=node.language)
        if node.datatype.value == _XSD_STRING:
            return Literal(node.value)
        return Literal(node.value, datatype=URIRef(node.datatype.value), normalize=False)
    raise InputError(f"cannot convert {node} to rdflib (RDF 1.2 triple terms are not supported)")


def to_rdflib(quads: Iterable[ox.Quad]) -> "rdflib.Graph":
    """Copy triples into a new rdflib.Graph, keeping every term exactly as parsed."""
    from rdflib import BNode, Graph, Literal, URIRef

    graph = Graph()
    iris: dict[str, URIRef] = {}

    def term(node):
        if isinstance(node, ox.NamedNode):
            ref = iris.get(node.value)
            if ref is None:
                ref = iris[node.value] = URIRef(node.value)
            return ref
        if isinstance(node, ox.BlankNode):
            return BNode(node.value)
        if isinstance(node, ox.Literal):
            if node.language:
                return Literal(node.value, lang=node.language)
            datatype = node.datatype.value
            # rdflib writes xsd:string literals as plain strings; keep them plain so they
            # compare equal to what rdflib's own parser produces.
            if datatype == _XSD_STRING:
                return Literal(node.value)
            # normalize=False keeps the lexical form exactly as written ("01" stays "01").
            return Literal(node.value, datatype=URIRef(datatype), normalize=False)
        raise InputError(f"cannot convert {node} to rdflib (RDF 1.2 triple terms are not supported)")

    graph.addN(
        (term(q.subject), term(q.predicate), term(q.object), graph)
        for q in quads
    )
    return graph


def from_rdflib(graph: "rdflib.Graph | Iterable[tuple]") -> list[ox.Triple]:
    """Convert rdflib triples (a graph or any iterable of triples) to pyoxigraph triples."""
    from rdflib import BNode, Literal, URIRef

    def convert(node: object) -> ox.NamedNode | ox.BlankNode | ox.Literal:
        if isinstance(node, URIRef):
            return ox.NamedNode(str(node))
        if isinstance(node, BNode):
            return ox.BlankNode(_bnode_id(str(node)))
        if isinstance(node, Literal):
            if node.language:
                return ox.Literal(str(node), language=node.language)
            if node.datatype is not None:
                return ox.Literal(str(node), datatype=ox.NamedNode(str(node.datatype)))
            return ox.Literal(str(node))
        raise InputError(f"cannot convert the RDF term {node!r}")

    triples = []
    for s, p, o in graph:
        try:
            triples.append(ox.Triple(convert(s), convert(p), convert(o)))
        except (ValueError, TypeError) as err:
            raise InputError(f"cannot convert the triple {s} {p} {o}: {err}") from None
    return triples


def _bnode_id(label: str) -> str:
    import hashlib

    # pyoxigraph accepts only N-Triples blank node labels; rdflib's are usually fine, but be safe.
    return label if re.fullmatch(r"[A-Za-z0-9_]+", label) else "h" + hashlib.sha256(label.encode()).hexdigest()[:16]
