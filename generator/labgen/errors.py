"""The one error hierarchy of labgen.

Every error a user can cause should be a :class:`LabgenError` (a traceback
from bad input is a bug to fix). The CLI catches them in one place, prints
``error: <message>`` and exits with ``exit_code``; anything else keeps its
traceback.
"""

from __future__ import annotations

import re

#: The most characters of one value (a name, a key, a string from a file) any message
#: shows: input errors, findings in every report format, Helm's refusals.
VALUE_CHARS = 200
#: The most characters of one whole message line.
LINE_CHARS = 2000
#: What a message quotes ('x', "x") or runs on without a space: the values in it.
_VALUES = re.compile(r"'[^']*'|\"[^\"]*\"|\S+")


def printable(text: str, limit: int = VALUE_CHARS) -> str:
    """``text`` for a message: control characters escaped, at most ``limit`` characters."""
    out = text if text.isprintable() else "".join(
        c if c.isprintable() else repr(c)[1:-1] for c in text)
    return out if len(out) <= limit else out[: limit - 3] + "..."


def one_line(text: str, limit: int = LINE_CHARS) -> str:
    """``text`` safe for one terminal line: control characters escaped, at most ``limit``."""
    return printable(text, limit)


def capped(text: str) -> str:
    """A composed message made safe: control characters escaped, every value in it (quoted,
    or a run without spaces) cut to :data:`VALUE_CHARS`, the whole to :data:`LINE_CHARS`."""
    if len(text) <= VALUE_CHARS and text.isprintable():
        return text  # the common case, untouched
    escaped = printable(text, LINE_CHARS * 4)

    def cut(match: re.Match[str]) -> str:
        value = match[0]
        if len(value) <= VALUE_CHARS:
            return value
        quote = value[0] if value[0] in "'\"" and value[-1] == value[0] else ""
        return f"{quote}{value[len(quote):VALUE_CHARS - 3 - len(quote)]}...{quote}"

    return one_line(_VALUES.sub(cut, escaped))


class LabgenError(Exception):
    """Base class: a problem the user can fix. Exit code 2 (usage/input)."""

    exit_code = 2

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class InputError(LabgenError):
    """A bad input file or option: names the file, the line and the fix."""

    def __init__(
        self, message: str, *, file: str | None = None, line: int | None = None
    ) -> None:
        where = ""
        if file is not None:
            where = f"{file}:{line}: " if line is not None else f"{file}: "
        super().__init__(one_line(where + message))
        self.file = file
        self.line = line


class InputErrors(InputError):
    """Several problems of one input at once: printed one ``error:`` line each."""

    def __init__(self, errors: list[InputError], *, limit: int = 20) -> None:
        shown = errors if len(errors) <= limit else errors[: limit - 1]
        lines = [e.message for e in shown]
        if len(errors) > limit:
            lines.append(f"... and {len(errors) - len(shown)} more error(s); fix these first")
        LabgenError.__init__(self, "\nerror: ".join(lines))
        self.errors = errors
        self.file = shown[0].file if shown else None
        self.line = shown[0].line if shown else None


class HelmError(LabgenError):
    """Helm refused to render or lint a chart; carries Helm's own message."""


class TemplateError(LabgenError):
    """A labgen Jinja2 template failed; names the template and line."""


class FindingsError(LabgenError):
    """Validation or drift findings at error level. Exit code 1."""

    exit_code = 1
