"""The one error hierarchy of labgen.

Every error a user can cause should be a :class:`LabgenError` (a traceback
from bad input is a bug to fix). The CLI catches them in one place, prints
``error: <message>`` and exits with ``exit_code``; anything else keeps its
traceback.
"""

from __future__ import annotations


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
        super().__init__(where + message)
        self.file = file
        self.line = line


class HelmError(LabgenError):
    """Helm refused to render or lint a chart; carries Helm's own message."""


class TemplateError(LabgenError):
    """A labgen Jinja2 template failed; names the template and line."""


class FindingsError(LabgenError):
    """Validation or drift findings at error level. Exit code 1."""

    exit_code = 1
