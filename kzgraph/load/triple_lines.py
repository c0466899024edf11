"""Where each triple of a Turtle-family file is written: (subject, predicate, object) -> line.

The loader records only where each subject's first statement begins (that is all the parse
cache keeps). A validation result is about one triple, so a curator should be sent to the line
of that triple, not to the top of the subject's block. This scan is run on demand, only for the
files that have results (``Catalogue.triple_location``), so loading stays as fast as before.

The file has already parsed strictly, so the scan needs only to tell terms and punctuation apart;
it never recurses. Anonymous blank nodes (``[ ... ]``, collections) have no name to look up:
triples inside them are skipped, and results on them keep the statement's line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pyoxigraph as ox

_XSD = "http://www.w3.org/2001/XMLSchema#"
_RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"

# the same IRI and string grammar as the loader's subject scan
from kzgraph.load import _IRI, _STRING  # noqa: E402

_WORD = r"(?:\\.|[^\s<>\"'\[\](){},;#\\^])+"
_TOKEN = re.compile(
    r"(?:[ \t\r\n]+|#[^\n]*)*+(?:"
    rf"(?P<string>{_STRING})(?:(?P<lang>@[A-Za-z]+(?:-[A-Za-z0-9]+)*)|\^\^(?:(?P<dtiri>{_IRI})|(?P<dtword>{_WORD})))?"
    rf"|(?P<iri>{_IRI})"
    r"|(?P<quoted><<|>>)"
    r"|(?P<punct>[\[\](){},;])"
    rf"|(?P<word>{_WORD})"
    r"|(?P<end>\Z))",
    re.S,
)
_INTEGER = re.compile(r"[+-]?\d+")
_DECIMAL = re.compile(r"[+-]?\d*\.\d+")
_DOUBLE = re.compile(r"[+-]?(?:\d+\.\d*|\.\d+|\d+)[eE][+-]?\d+")
_ESCAPE = re.compile(r"\\(?:u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|(.))", re.S)
_SIMPLE_ESCAPES = {"t": "\t", "b": "\b", "n": "\n", "r": "\r", "f": "\f", '"': '"', "'": "'", "\\": "\\"}


@dataclass
class Comments:
    """The comments of a file, each attached to what follows it (or, on the same line, precedes it).

    ``before_subject[s]`` are written above the subject's block, ``before_predicate[(s, p)]`` above
    the predicate's line, ``end`` after the last block; ``lost`` are (line, text) of comments with
    nothing to attach to (inside a blank node or a collection).
    """

    before_subject: dict[str, list[str]] = field(default_factory=dict)
    before_predicate: dict[tuple[str, str], list[str]] = field(default_factory=dict)
    end: list[str] = field(default_factory=list)
    lost: list[tuple[int, str]] = field(default_factory=list)

    def count(self) -> int:
        return (sum(map(len, self.before_subject.values())) + sum(map(len, self.before_predicate.values()))
                + len(self.end) + len(self.lost))


@dataclass
class TripleLines:
    """The lines of one file's triples: exact (s, p, o) and, for a missing object, (s, p).

    Subjects are IRIs or ``_:label``; objects are in N-Triples syntax (``str()`` of a
    pyoxigraph term), the form validation results carry their values in. Object terms are
    worked out only for the (subject, predicate) pairs looked up.
    """

    predicates: dict[tuple[str, str], int] = field(default_factory=dict)
    # (s, p) -> [(line, object token, prefixes then, base then)]
    objects: dict[tuple[str, str], list] = field(default_factory=dict)
    # with comments=True: where each comment belongs, for `kzgraph fmt` to keep it
    comments: "Comments | None" = None


    def _keys(self, pair: tuple[str, str]) -> list[tuple[str | None, int]]:
        return [(_term_key(m, prefixes, base), line) for line, m, prefixes, base in self.objects.get(pair, ())]

    @property
    def triples(self) -> dict[tuple[str, str, str], int]:
        """Every (s, p, o) -> line (all object terms worked out)."""
        found: dict[tuple[str, str, str], int] = {}
        for pair in self.objects:
            for key, line in self._keys(pair):
                if key is not None:
                    found.setdefault((*pair, key), line)
        return found

    def line(self, subject: str, predicate: str | None = None, value: str | None = None) -> int | None:
        """Return the line of the triple, else of the subject's first use of the predicate."""
        if predicate is None:
            return None
        if value is not None:
            for key, line in self._keys((subject, predicate)):
                if key == value:
                    return line
        return self.predicates.get((subject, predicate))


def _unescape(text: str) -> str:
    if "\\" not in text:
        return text
    return _ESCAPE.sub(lambda m: chr(int(m[1] or m[2], 16)) if (m[1] or m[2]) else _SIMPLE_ESCAPES.get(m[3], m[3]), text)


def _term_key(m: re.Match, prefixes: dict[str, str], base: str | None) -> str | None:
    from kzgraph.load import _pname, _resolve

    kind = m.lastgroup if m.lastgroup not in ("lang", "dtiri", "dtword") else "string"
    if m["string"] is not None:
        raw = m["string"]
        quote = 3 if raw[:3] in ('"""', "'''") else 1
        value = _unescape(raw[quote:-quote])
        if m["lang"]:
            return str(ox.Literal(value, language=m["lang"][1:]))
        datatype = None
        if m["dtiri"]:
            datatype = _resolve(m["dtiri"], base)
        elif m["dtword"]:
            datatype = _pname(m["dtword"], prefixes)
        try:
            return str(ox.Literal(value, datatype=ox.NamedNode(datatype) if datatype else None))
        except ValueError:
            return None
    if kind == "iri":
        return "<" + _resolve(m["iri"], base) + ">"
    word = m["word"]
    if word in ("true", "false"):
        return str(ox.Literal(word, datatype=ox.NamedNode(_XSD + "boolean")))
    for pattern, name in ((_INTEGER, "integer"), (_DECIMAL, "decimal"), (_DOUBLE, "double")):
        if pattern.fullmatch(word):
            return str(ox.Literal(word, datatype=ox.NamedNode(_XSD + name)))
    if word.startswith("_:"):
        return word
    iri = _pname(word, prefixes)
    return f"<{iri}>" if iri is not None else None


_COMMENT = re.compile(r"#[^\n]*")


def scan_triple_lines(text: str, base: str | None = None, comments: bool = False,
                      skip_lines: int = 0, start: int = 0, start_line: int = 1,
                      prefixes: dict[str, str] | None = None, one_statement: bool = False) -> TripleLines:
    """Return where each triple with a named subject is written in Turtle / TriG / N-Triples text.

    ``comments``: also attach every comment after line ``skip_lines`` (the file's leading block,
    which ``kzgraph fmt`` keeps as it is) to the subject or predicate it belongs to.
    ``start``/``start_line``/``prefixes``/``one_statement``: scan only the statement that begins at
    offset ``start`` (on line ``start_line``), with the prefixes declared before it.
    """
    from kzgraph.load import _resolve

    found = TripleLines()
    notes = found.comments = Comments() if comments else None
    pending: list[tuple[int, str]] = []
    last_line, last_place = 0, None  # the line of the last term read, and what it belongs to

    def attach(place) -> None:
        for number, note in pending:
            if place is None:
                notes.lost.append((number, note))
            elif place[0] == "s":
                notes.before_subject.setdefault(place[1], []).append(note)
            else:
                notes.before_predicate.setdefault(place[1:], []).append(note)
        pending.clear()
    prefixes = dict(prefixes or {})
    # frames: [subject key or None, predicate or None, state] ; state: "s" subject, "p" predicate,
    # "o" object, "after" (after an object: , ; . or ]), "list" (inside a collection)
    stack: list[list] = [[None, None, "s"]]
    directive: str | None = None
    directive_args: list[str] = []
    quoted = 0
    line, line_pos = start_line, start
    pos, size = start, len(text)

    def subject_of(key: str | None) -> str | None:
        if key is None:
            return None
        return key[1:-1] if key.startswith("<") else key if key.startswith("_:") else None

    while pos < size:
        m = _TOKEN.match(text, pos)
        if m is None:  # not Turtle after all; keep what was found
            break
        kind = m.lastgroup
        if kind == "end":
            if notes is not None and "#" in text[m.start():]:
                for c in _COMMENT.finditer(text, m.start()):
                    line += text.count("\n", line_pos, c.start())
                    line_pos = c.start()
                    if line > skip_lines:
                        pending.append((line, c[0].rstrip()))
            break
        if kind in ("lang", "dtiri", "dtword"):
            kind = "string"
        start, pos = m.start(kind), m.end()
        if notes is not None and start > m.start() and "#" in text[m.start():start]:
            for c in _COMMENT.finditer(text, m.start(), start):
                line += text.count("\n", line_pos, c.start())
                line_pos = c.start()
                if line <= skip_lines:
                    continue
                if line == last_line and last_place is not None:  # a comment at the end of a line
                    pending.append((line, c[0].rstrip()))
                    attach(last_place)
                else:
                    pending.append((line, c[0].rstrip()))
        tokens: list[tuple[str, re.Match | str]]
        if kind == "word" and m["word"].endswith(".") and not _DECIMAL.fullmatch(m["word"]):
            # "ex:o." : the statement's dot is glued to the term
            word = m["word"].rstrip(".")
            dots = len(m["word"]) - len(word)
            tokens = ([("word", _TOKEN.match(word))] if word else []) + [("dot", ".")] * dots
        else:
            tokens = [(kind, m)]
        for kind, tok in tokens:
            word = "." if kind == "dot" else tok.group(kind)
            if kind == "quoted":
                quoted += 1 if word == "<<" else -1
                if quoted == 0:  # a quoted triple as a term: nothing to record
                    frame = stack[-1]
                    frame[2] = "p" if frame[2] == "s" else "after"
                continue
            if quoted:
                continue
            # directives: @prefix p: <iri> .  PREFIX p: <iri>  @base <iri> .  BASE <iri>
            if directive is not None:
                directive_args.append(word)
                if len(directive_args) == (2 if directive in ("@prefix", "PREFIX") else 1):
                    if directive in ("@prefix", "PREFIX"):  # a new dict: earlier tokens keep theirs
                        prefixes = {**prefixes, directive_args[0].rstrip(":"): _resolve(directive_args[1], base)}
                    else:
                        base = _resolve(directive_args[0], base)
                    directive, directive_args = None, []
                continue
            frame = stack[-1]
            state = frame[2]
            if kind == "word" and state == "s" and len(stack) == 1:
                upper = word.upper()
                if word in ("@prefix", "@base") or upper in ("PREFIX", "BASE"):
                    directive = word if word.startswith("@") else upper
                    continue
                if upper == "GRAPH":
                    continue
            if kind == "punct":
                if word == "[":
                    if state == "o":
                        stack.append([None, None, "p"])
                    elif state == "list":
                        stack.append([None, None, "p", "inlist"])
                    else:  # "[ ... ] :p :o ." as a subject
                        frame[0], frame[2] = None, "p"
                        stack.append([None, None, "p", "subject"])
                elif word == "]":
                    if len(stack) > 1:
                        closed = stack.pop()
                        outer = stack[-1]
                        if len(closed) > 3 and closed[3] == "inlist":
                            outer[2] = "list"
                        elif len(closed) > 3 and closed[3] == "subject":
                            outer[2] = "p"
                        else:
                            outer[2] = "after"
                elif word == "(":
                    stack.append([None, None, "list", "collection", state])
                elif word == ")":
                    if len(stack) > 1:
                        closed = stack.pop()
                        outer = stack[-1]
                        if outer[2] == "list":
                            pass
                        elif len(closed) > 4 and closed[4] == "s":
                            outer[0], outer[2] = None, "p"
                        else:
                            outer[2] = "after"
                elif word == ",":
                    frame[2] = "o"
                elif word == ";":
                    frame[2] = "p"
                elif word in "{}":
                    stack = [[None, None, "s"]]
                continue
            if kind == "dot":
                if one_statement and len(stack) == 1:
                    return found
                stack = [[None, None, "s"]]
                continue
            if state == "list":
                continue
            line += text.count("\n", line_pos, start)
            line_pos = start
            if state == "s":
                frame[0] = subject_of(_term_key(tok, prefixes, base))
                # TriG: "name {" names a graph; the brace resets the frame
                frame[2] = "p"
                place = ("s", frame[0]) if frame[0] is not None and len(stack) == 1 else None
            elif state == "p":
                frame[1] = _RDF_TYPE if word == "a" else (subject_of(_term_key(tok, prefixes, base)) if kind != "string" else None)
                frame[2] = "o"
                if frame[0] is not None and frame[1] is not None:
                    found.predicates.setdefault((frame[0], frame[1]), line)
                place = ("p", frame[0], frame[1]) if frame[0] is not None and frame[1] is not None else None
            else:
                if frame[0] is not None and frame[1] is not None:
                    found.objects.setdefault((frame[0], frame[1]), []).append((line, tok, prefixes, base))
                frame[2] = "after"
                place = ("p", frame[0], frame[1]) if frame[0] is not None and frame[1] is not None else None
            if notes is not None:
                if pending:
                    attach(place)
                last_line, last_place = line, place
    if notes is not None:
        notes.end += [note for _, note in pending]
    return found


_PREFIX_DIRECTIVE = re.compile(r"(?:@prefix|(?i:prefix))[ \t]+([^\s:]*):[ \t]*(<[^>\s]*>)")


def declared_prefixes(text: str, base: str | None = None) -> dict[str, str]:
    """The prefixes a Turtle text declares (the last declaration of a name wins)."""
    from kzgraph.load import _resolve

    return {m[1]: _resolve(m[2], base) for m in _PREFIX_DIRECTIVE.finditer(text)}
