"""A value never creates structure: the second line of defence behind quoting.

When the chart values hold a string that YAML could read as structure if a template
printed it unquoted (a newline, ``: ``, a flow bracket, a leading ``&``, ``*``, ``!``,
``|``...), the umbrella chart is rendered a second time with those strings replaced by
a plain placeholder. Both renderings must have the same shape: the same documents per
template, the same keys, the same list lengths, scalars where scalars were. A value
that adds a document, a key or a list item is refused with one line.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from .errors import HelmError, InputError
from .yaml_io import YAMLError, safe_load_all

_RISKY = re.compile(r"[\n\r\t{}\[\],]|: |:$| #|^[-?:&*!|>'\"%@`]|^\s|\s$")
PLACEHOLDER = "labgen-placeholder"


def placeholders(value: Any) -> tuple[Any, bool]:
    """``value`` with every risky string replaced; and whether any was."""
    if isinstance(value, str):
        return (PLACEHOLDER, True) if _RISKY.search(value) else (value, False)
    if isinstance(value, Mapping):
        pairs = [(key, placeholders(item)) for key, item in value.items()]
        return {key: item for key, (item, _) in pairs}, any(hit for _, (_, hit) in pairs)
    if isinstance(value, list):
        items = [placeholders(item) for item in value]
        return [item for item, _ in items], any(hit for _, hit in items)
    return value, False


def shape(node: Any) -> Any:
    """The skeleton of parsed YAML: keys and list lengths, every scalar the same."""
    if isinstance(node, dict):
        return {str(key): shape(item) for key, item in node.items()}
    if isinstance(node, list):
        return [shape(item) for item in node]
    return "scalar"


def _shapes(rendered: Mapping[str, str]) -> dict[str, list[Any]]:
    out = {}
    for path, text in rendered.items():
        try:
            out[path] = [shape(doc) for doc in safe_load_all(text) if doc is not None]
        except YAMLError:
            out[path] = ["unparsable"]
    return out


def guard(rendered: Mapping[str, str], values: Any,
          render: Callable[[Any], Mapping[str, str]], blame: str, prefix: str = "") -> None:
    """Refuse ``rendered`` when a risky value changed its shape (``render`` renders values;
    ``prefix`` goes before template paths in the message)."""
    safe, risky = placeholders(values)
    if not risky:
        return
    try:
        reference = render(safe)
    except HelmError:
        return  # the chart refuses the placeholder (a schema pattern): nothing to compare
    actual, expected = _shapes(rendered), _shapes(reference)
    for path in sorted(set(actual) | set(expected)):
        if actual.get(path) != expected.get(path):
            raise InputError(f"a value adds YAML structure to {prefix}{path} (a string is printed as "
                             "YAML there, not as text); remove newlines, ': ', brackets and "
                             f"leading '&*!|>' from the strings of {blame} that reach it",
                             file=blame)
