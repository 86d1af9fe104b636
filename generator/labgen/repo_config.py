"""The repository configuration: ``.labgen.yaml``, or ``[tool.labgen]`` in ``pyproject.toml``.

::

    # .labgen.yaml
    rules:
      nodeport-exposure: off        # or error / warning
      container-resources: error

The nearest folder at or above the start folder that has one of the two files holds
it (``.labgen.yaml`` first); the search stops at a git repository's top folder.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from .acknowledge import LEVELS
from .errors import InputError
from .yaml_io import load_with_lines

FILE = ".labgen.yaml"


def find_config(start: Path) -> Path | None:
    """The configuration file that applies to ``start``, or ``None``."""
    for folder in (start, *start.parents):
        if (folder / FILE).is_file():
            return folder / FILE
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file() and "[tool.labgen" in pyproject.read_text(encoding="utf-8"):
            return pyproject
        if (folder / ".git").exists():
            return None
    return None


def rule_levels(start: Path, known_rules: Iterable[str]) -> tuple[tuple[str, str], ...]:
    """``((rule, level), ...)`` from the configuration for ``start`` (none: ``()``)."""
    path = find_config(start.resolve())
    if path is None:
        return ()
    shown = str(path)
    if path.name == FILE:
        data, lines = load_with_lines(path, shown)
    else:
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8")).get("tool", {}).get("labgen")
        except tomllib.TOMLDecodeError as exc:
            raise InputError(f"invalid TOML: {exc}", file=shown) from None
        lines = {}
    return _levels(data, lines, shown, set(known_rules))


def _levels(data: Any, lines: dict[Any, int], shown: str, known: set[str]
            ) -> tuple[tuple[str, str], ...]:
    if data is None:
        return ()
    if not isinstance(data, dict) or set(data) - {"rules"}:
        raise InputError("the labgen configuration has one key, rules: {RULE: error|warning|off}",
                         file=shown, line=lines.get(()))
    rules = data.get("rules") or {}
    if not isinstance(rules, dict):
        raise InputError("rules must map rule ids to error, warning or off", file=shown,
                         line=lines.get(("rules",)))
    levels = []
    for rule, level in rules.items():
        line = lines.get(("rules", rule))
        if rule not in known:
            raise InputError(f"unknown rule {rule!r}; list them with labgen validate "
                             "--list-checks", file=shown, line=line)
        text = "off" if level is False else str(level)
        if text not in LEVELS:
            raise InputError(f"rule {rule!r}: level must be error, warning or off, not "
                             f"{level!r}", file=shown, line=line)
        levels.append((str(rule), text))
    return tuple(levels)
