"""Typed errors raised by library code; the CLI maps them to messages and exit codes."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pathlib costs ~2 ms at start; annotations only
    from pathlib import Path


class KzgraphError(Exception):
    """Base class of every error kzgraph reports to a user."""

    exit_code = 3


class InputError(KzgraphError):
    """An input file or path cannot be read or parsed."""

    exit_code = 2

    def __init__(
        self,
        message: str,
        path: str | Path | None = None,
        line: int | None = None,
        column: int | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.path = path
        self.line = line
        self.column = column

    def __str__(self) -> str:
        if self.path is None:
            return self.message
        where = str(self.path)
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        return f"{where}: {self.message}"


class UsageError(KzgraphError):
    """The command was called with options that cannot work."""

    exit_code = 2


class NotConforming(KzgraphError):
    """The graph does not conform, or a check failed."""

    exit_code = 1


class RuntimeFailure(KzgraphError):
    """A runtime or environment failure: timeout, unreachable server, broken install."""

    exit_code = 3


# Control characters (Unicode category Cc, but for line breaks and tabs) and bidi controls
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _escaped(match: re.Match) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: str) -> str:
    """Escape control characters (terminal escapes, bidi overrides) so that text cannot steer a terminal.

    A file name or a value from someone else's checkout reaches messages and tables; ``\\x1b[2J``
    in it would clear the screen, U+202E would reorder what a reader sees.
    """
    return _CONTROL.sub(_escaped, text)


def one_line(text: object, limit: int | None = None) -> str:
    """Collapse a message onto one line (every error is one line on stderr), cut at ``limit``.

    Control characters are escaped (`printable`).
    """
    flat = printable(" ".join(str(text).split()))
    if limit is not None and len(flat) > limit:
        return flat[: limit - 1] + "…"
    return flat
