"""Turtle and TriG: long form, the project's prefixes that are used, subjects sorted, ``a`` first."""

from __future__ import annotations

from typing import Sequence

import pyoxigraph as ox

from kzgraph import iris

from kzgraph.export.ntriples import _RDF_LANGSTRING, _RDF_TYPE_NT, _XSD_STRING, _nt_lines, nt_iri, nt_unescape, split_nt_literal

INDENT = " " * 4



def _turtle_blocks_from_lines(lines: Sequence[str], indent: str = "") -> tuple[list[str], set[str]]:
    """Turtle subject blocks from sorted N-Triples lines (see ``prepare`` / ``catalogue_lines``)."""
    from kzgraph.export.canonical import _CANONICAL, CONTINUATION, Writer

    writer = Writer()
    iri = writer.iri

    def node(text: str) -> str:
        return text if text[0] == "_" else iri(text[1:-1])

    class Objects(dict):
        """object (N-Triples) -> (its sort key, its Turtle text), each computed once."""

        def __missing__(self, obj: str) -> tuple[tuple, str]:
            # Objects in the order kzgraph fmt uses: IRIs as written, then literals by value.
            if obj[0] != '"':
                shown = node(obj)
                entry = self[obj] = ((0, shown, "", ""), shown)
                return entry
            # Turtle escapes exactly the characters N-Triples does, the same way.
            body, language, datatype = split_nt_literal(obj)
            quoted = '"' + body + '"'
            value = nt_unescape(body)
            if language:
                order, shown = (1, value, language, _RDF_LANGSTRING), quoted + "@" + language
            elif datatype is None:
                order, shown = (1, value, "", _XSD_STRING), quoted
            else:
                order = (1, value, "", datatype)
                pattern = _CANONICAL.get(datatype)
                if pattern is not None and pattern.fullmatch(value):
                    shown = value
                else:
                    shown = quoted + "^^" + iri(datatype)
            entry = self[obj] = (order, shown)
            return entry

    class Predicates(dict):
        """predicate (N-Triples) -> its sort key and text: ``a`` first, then prefixed names, then IRIs."""

        def __missing__(self, predicate: str) -> tuple[int, str]:
            if predicate == _RDF_TYPE_NT:
                entry = (0, "a")
            else:
                shown = node(predicate)
                entry = (2 if shown[0] == "<" else 1, shown)
            self[predicate] = entry
            return entry

    objects, predicates = Objects(), Predicates()
    inner, continuation = indent + INDENT, indent + CONTINUATION
    blocks: list[str] = []

    def flush(subject: str, block: dict[tuple[int, str], list[tuple[tuple, str]]]) -> None:
        # The lines canonical.subject_block writes, built here without its per-subject sorting cost.
        out = [indent + node(subject)]
        items = sorted(block.items()) if len(block) > 1 else list(block.items())
        last = len(items) - 1
        for index, ((_, shown), entries) in enumerate(items):
            end = " ." if index == last else " ;"
            if len(entries) == 1:
                out.append(f"{inner}{shown} {entries[0][1]}{end}")
            else:
                entries.sort()
                out.append(f"{inner}{shown} {entries[0][1]},")
                out.extend(f"{continuation}{text}," for _, text in entries[1:-1])
                out.append(f"{continuation}{entries[-1][1]}{end}")
        blocks.append("\n".join(out))

    block: dict[tuple[int, str], list[tuple[tuple, str]]] = {}
    current = None
    # Sorted lines: the lines of one subject are next to each other (they share "<subject> ").
    for line in lines:
        subject, predicate, obj = line[:-2].split(" ", 2)
        if subject != current:
            if current is not None:
                flush(current, block)
            current, block = subject, {}
        key = predicates[predicate]
        entry = objects[obj]
        entries = block.get(key)
        if entries is None:
            block[key] = [entry]
        else:
            entries.append(entry)
    if current is not None:
        flush(current, block)
    return blocks, writer.used


def _prefix_lines(used: set[str]) -> str:
    return "".join(f"@prefix {name}: <{iris.PREFIXES[name]}> .\n" for name in sorted(used))


def write_turtle(triples: Sequence[ox.Triple]) -> bytes:
    """Return the triples as long-form Turtle with the project's prefixes."""
    return write_turtle_lines(_nt_lines(triples))


def write_turtle_lines(lines: Sequence[str]) -> bytes:
    """``write_turtle`` from the triples' sorted N-Triples lines (see ``catalogue_lines``)."""
    blocks, used = _turtle_blocks_from_lines(lines)
    text = _prefix_lines(used)
    if blocks:
        text += ("\n" if text else "") + "\n\n".join(blocks) + "\n"
    return text.encode("utf-8")


def write_trig(triples: Sequence[ox.Triple], graph: str = iris.GRAPH) -> bytes:
    """Return the triples as TriG, in the named graph ``graph``."""
    return write_trig_lines(_nt_lines(triples), graph)


def write_trig_lines(lines: Sequence[str], graph: str = iris.GRAPH) -> bytes:
    """``write_trig`` from the triples' sorted N-Triples lines (see ``catalogue_lines``)."""
    blocks, used = _turtle_blocks_from_lines(lines, indent=INDENT)
    text = _prefix_lines(used)
    text += ("\n" if text else "") + f"{nt_iri(graph)} {{\n"
    if blocks:
        text += "\n\n".join(blocks) + "\n"
    text += "}\n"
    return text.encode("utf-8")

