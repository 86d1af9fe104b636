"""chart-determinism: chart templates use no function whose output varies between renders.

Argo CD renders with ``helm template``: ``lookup`` returns nothing there, and
random or time-based values change on every render, so the Application is
OutOfSync forever. Reads ``charts/**/templates/*`` of the repository.

Passes: ``{{ .Values.grafana.adminPassword | quote }}``.

Fails: ``{{ randAlphaNum 16 }}``, ``{{ now | date "2006" }}``, ``{{ lookup "v1" "Secret" ... }}``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from .. import layout
from ..findings import Finding, Severity, ValidationOptions
from .inventory import Inventory

ID = "chart-determinism"
SEVERITY: Severity = "error"
FUNCTIONS = ("lookup", "randAlphaNum", "randAlpha", "randNumeric", "randAscii", "randInt",
             "now", "genCA", "genPrivateKey", "genSelfSignedCert", "genSignedCert", "uuidv4")
_ACTION = re.compile(r"\{\{(.*?)\}\}", re.DOTALL)
_CALL = re.compile(r"(?<![\w.$])(" + "|".join(FUNCTIONS) + r")(?![\w])")
_COMMENT_OR_STRING = re.compile(r'/\*.*?\*/|"(?:\\.|[^"\\])*"|`[^`]*`', re.DOTALL)


def run(inventory: Inventory, options: ValidationOptions) -> Iterator[Finding]:
    # The repository's chart sources are part of a render (--env, render, check), not of
    # ``validate PATH...``, which checks the files it is given.
    if options.repo_root is not None and options.complete:
        yield from template_findings(options.repo_root)


def template_findings(root: Path) -> Iterator[Finding]:
    charts = root / layout.CHARTS_DIR
    if not charts.is_dir():
        return
    for file in sorted(charts.rglob("*")):
        if not file.is_file() or "templates" not in file.relative_to(charts).parts[:-1]:
            continue
        try:
            text = file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        yield from text_findings(text, file.relative_to(root).as_posix())


def text_findings(text: str, display: str) -> Iterator[Finding]:
    """The calls of one template file. A text that holds none of the names anywhere is
    passed at once: most templates, and the scan of every action is most of this check."""
    if not any(name in text for name in FUNCTIONS):
        return
    for action in _ACTION.finditer(text):
        for call in _CALL.finditer(_COMMENT_OR_STRING.sub(" ", action.group(1))):
            start = action.start()
            line = text.count("\n", 0, start) + 1
            column = start - (text.rfind("\n", 0, start) + 1) + 1
            yield Finding(display, -1, "", ID, SEVERITY,
                          f"template calls {call.group(1)!r}, which differs between "
                          "renders (Argo CD would never be in sync)", line, column)
