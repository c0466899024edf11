"""Text tables for people: aligned columns, and fitted to a terminal's width when asked.

`text_table` writes the plain table (every cell on one line, columns two spaces apart) when no
width is given or the table fits in it; that is what pipes and files get. Given a width the
table is wider than, the columns are sized to their content and the width, long cells are
wrapped at spaces (folded inside a long word) and cells of the ``shorten`` columns (links,
IRIs) are cut with ``…``; identifier columns (``keep``: slugs) stay whole while the width allows.

Our own layout, not rich's or tabulate's: rich's table (tried) hides a column that does not
fit at 80 columns and cuts long words without an ellipsis below a column's minimum; tabulate
wraps only at widths given per column and does not share out the terminal's width. Here the
widest columns give way first, in a fixed order of what matters (links, then text; never
identifiers), cells are measured in terminal columns (wide and combining characters), and a
table that cannot fit without folding every word is shown one block per row (`records`, as
psql's expanded view does).
"""

from __future__ import annotations

import os
import shutil
import sys
from typing import Any, Iterable, Sequence

ELLIPSIS = "…"


def _clean(value: Any) -> str:
    text = "" if value is None else str(value)
    # one row per line: show line breaks and tabs instead of breaking the table; other control
    # characters (terminal escapes from someone's data) are shown escaped
    from kzgraph.errors import printable

    text = text.replace("\r\n", "\u21b5").replace("\n", "\u21b5").replace("\r", "\u21b5").replace("\t", " ")
    return printable(text)


def terminal_width(stream=None) -> int | None:
    """The width to fit output to: $COLUMNS when set, else the terminal's when ``stream`` is one.

    None (do not fit) for a pipe or a file without $COLUMNS.
    """
    raw = os.environ.get("COLUMNS", "").strip()
    if raw.isdigit() and int(raw) > 0:
        return int(raw)
    stream = sys.stdout if stream is None else stream
    try:
        if stream.isatty():
            return shutil.get_terminal_size().columns
    except (AttributeError, ValueError, OSError):
        pass
    return None


def plain_table(columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """Aligned columns two spaces apart, a dashed rule under the header, nothing wrapped."""
    cells = [[_clean(c) for c in r] for r in rows]
    widths = [max([len(h)] + [len(r[i]) for r in cells]) for i, h in enumerate(columns)]

    def line(parts: Sequence[str]) -> str:
        return "  ".join(p.ljust(w) for p, w in zip(parts, widths)).rstrip()

    out = [line(columns), line(["-" * w for w in widths])] + [line(r) for r in cells]
    return "\n".join(out) + "\n"


def text_table(
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
    width: int | None = None,
    *,
    shorten: Iterable[str] = (),
    keep: Iterable[str] = (),
) -> str:
    """The table as text; fitted to ``width`` columns when given and the plain table is wider.

    ``shorten``: columns whose cells stay on one line, cut with ``…`` (links, IRIs);
    ``keep``: columns never wrapped nor cut (identifiers such as slugs) while the width allows.
    """
    rows = [list(r) for r in rows]
    plain = plain_table(columns, rows)
    if width is None or max(cell_width(line) for line in plain.splitlines()) <= width:
        return plain
    return _fitted(columns, rows, width, set(shorten), set(keep))


def cell_width(text: str) -> int:
    """Terminal columns ``text`` takes: wide (CJK) characters two, combining marks none."""
    if text.isascii():
        return len(text)
    import unicodedata

    return sum(0 if unicodedata.combining(c) else 2 if unicodedata.east_asian_width(c) in "WF" else 1
               for c in text)


def cut(text: str, width: int) -> str:
    """``text`` in at most ``width`` columns, its end replaced by ``…`` when it does not fit."""
    if cell_width(text) <= width:
        return text
    out, used = "", 0
    for c in text:
        w = cell_width(c)
        if used + w > width - 1:
            break
        out, used = out + c, used + w
    return out + ELLIPSIS


def wrap_cell(text: str, width: int) -> list[str]:
    """Lines of at most ``width`` columns, broken at spaces; a longer word is folded."""
    lines: list[str] = []
    line = ""
    for word in text.split(" "):
        while cell_width(word) > width:  # fold a word that fills a line by itself
            room = width - cell_width(line) - (1 if line else 0)
            if room < max(3, width // 3):
                if line:
                    lines.append(line)
                line, room = "", width
            head, rest = _split_at(word, room)
            lines.append(f"{line} {head}" if line else head)
            line, word = "", rest
        if not line:
            line = word
        elif cell_width(line) + 1 + cell_width(word) <= width:
            line = f"{line} {word}"
        else:
            lines.append(line)
            line = word
    lines.append(line)
    return [ln.rstrip() for ln in lines] or [""]


def _split_at(word: str, width: int) -> tuple[str, str]:
    used = 0
    for i, c in enumerate(word):
        used += cell_width(c)
        if used > width:
            return word[:i], word[i:]
    return word, ""


def column_widths(
    columns: Sequence[str], cells: list[list[str]], width: int, shorten: set[str], keep: set[str]
) -> list[int] | None:
    """How wide each column may be so that the table fits ``width`` (two spaces between columns).

    Links and IRIs (``shorten``) give way first, down to 30 columns; then text columns share
    the width left above their floors (their longest word, at most 16, at least 4) in
    proportion to what more each needs; then links down to 12; identifiers (``keep``) never. None when that is not
    enough: the table does not fit as columns.
    """
    natural = [max([cell_width(h)] + [cell_width(r[i]) for r in cells]) for i, h in enumerate(columns)]
    room = width - 2 * (len(columns) - 1)
    widths = list(natural)

    def longest_word(i: int) -> int:
        words = [w for r in cells for w in r[i].split(" ")] + columns[i].split(" ")
        return max((cell_width(w) for w in words), default=1)

    floors = []
    for i, name in enumerate(columns):
        if name in keep or name in shorten:
            floors.append(natural[i])
        else:
            floors.append(min(natural[i], max(min(longest_word(i), 16), 4)))
    # links give way first, to 30 columns; then every text column keeps its floor plus a share
    # of what is left, in proportion to how much more it would take (a long text gets most);
    # then links down to 12
    links = [i for i, n in enumerate(columns) if n in shorten]
    texts = [i for i, n in enumerate(columns) if n not in shorten and n not in keep]

    def narrow_links(floor: int) -> None:
        for i in sorted(links, key=lambda i: -widths[i]):
            excess = sum(widths) - room
            if excess <= 0:
                return
            widths[i] -= max(0, min(widths[i] - min(natural[i], floor), excess))

    narrow_links(30)
    excess = sum(widths) - room
    if excess > 0:
        spare = sum(widths[i] - floors[i] for i in texts)
        left = max(spare - excess, 0)  # what the text columns keep above their floors
        for i in texts:
            widths[i] = floors[i] + ((widths[i] - floors[i]) * left // spare if spare else 0)
        rest = room - sum(widths)
        for i in sorted(texts, key=lambda i: -(natural[i] - widths[i])):
            if rest <= 0:
                break
            if widths[i] < natural[i]:
                widths[i] += 1
                rest -= 1
    narrow_links(12)
    return widths if sum(widths) <= room else None


def _fitted(columns: Sequence[str], rows: list[list[Any]], width: int, shorten: set[str], keep: set[str]) -> str:
    cells = [[_clean(c) for c in r] for r in rows]
    widths = column_widths(columns, cells, width, shorten, keep)
    if widths is None:
        return records(columns, cells, width, shorten | keep)

    def block(parts: Sequence[str], header: bool = False) -> list[str]:
        columns_lines = []
        for i, (text, w) in enumerate(zip(parts, widths)):
            one_line = columns[i] in shorten or columns[i] in keep
            columns_lines.append([cut(text, w)] if one_line and not header else wrap_cell(text, w))
        height = max(len(c) for c in columns_lines)
        out = []
        for k in range(height):
            segs = [(c[k] if k < len(c) else "") for c in columns_lines]
            out.append("  ".join(seg + " " * (w - cell_width(seg)) for seg, w in zip(segs, widths)).rstrip())
        return out

    lines = block(columns, header=True) + ["  ".join("-" * w for w in widths)]
    for r in cells:
        lines += block(r)
    return "\n".join(lines) + "\n"


def records(columns: Sequence[str], cells: list[list[str]], width: int, one_line: set[str]) -> str:
    """One block per row, ``column  value`` lines (psql's expanded view), for tables too wide
    to read as columns: values wrapped under themselves, ``one_line`` columns cut with ``…``."""
    key = max(cell_width(c) for c in columns)
    room = max(width - key - 2, 8)
    out: list[str] = []
    for n, r in enumerate(cells):
        if n:
            out.append("")
        for name, value in zip(columns, r):
            if not value:
                continue
            lines = [cut(value, room)] if name in one_line else wrap_cell(value, room)
            out.append(f"{name.ljust(key)}  {lines[0]}".rstrip())
            out += [" " * (key + 2) + ln for ln in lines[1:]]
    return "\n".join(out) + "\n"


def wrap_text(text: str, width: int | None, *, indent_after: str = "  ") -> str:
    """Wrap each line longer than ``width`` at spaces, continuing under its own text.

    A continuation line starts with the line's leading spaces plus its key column (the text
    up to the first run of two spaces after the indent), so a ``key  value`` listing stays
    readable. Nothing changes without a width.
    """
    if width is None:
        return text
    import re
    import textwrap

    out: list[str] = []
    for line in text.splitlines():
        if len(line) <= width:
            out.append(line)
            continue
        lead = re.match(r"^\s*", line).group()
        m = re.match(r"^(\s*\S+(?: \S+)*\s{2,})\S", line)
        if len(lead) >= 4:  # a value under the previous key
            hang = lead
        elif m and len(m.group(1)) < width // 2:  # "key  value"
            hang = " " * len(m.group(1))
        else:
            hang = lead + indent_after
        wrapped = textwrap.wrap(line, width=width, subsequent_indent=hang, break_long_words=True,
                                break_on_hyphens=False, drop_whitespace=True)
        # textwrap keeps the first line's leading spaces only when they are not dropped
        if wrapped and not wrapped[0].startswith(lead):
            wrapped[0] = lead + wrapped[0]
        out.extend(wrapped or [line])
    return "\n".join(out) + ("\n" if text.endswith("\n") else "")


def markdown_table(columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """A GitHub-flavoured Markdown table: pipes in cells escaped, line breaks as spaces."""

    def cell(value: Any) -> str:
        text = _clean(value).replace("\u21b5", " ")
        return text.replace("\\", "\\\\").replace("|", "\\|").strip()

    def line(parts: Iterable[Any]) -> str:
        return "| " + " | ".join(cell(p) for p in parts) + " |"

    out = [line(columns), "| " + " | ".join("---" for _ in columns) + " |"]
    out += [line(r) for r in rows]
    return "\n".join(out) + "\n"


def ndjson(objects: Iterable[Any]) -> str:
    """Newline-delimited JSON: one compact JSON object per line (sqlite-utils, datasette)."""
    import json

    return "".join(json.dumps(o, ensure_ascii=False, separators=(",", ":")) + "\n" for o in objects)
