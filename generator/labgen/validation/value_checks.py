"""The compiler's checks of a value's own content, with no subschema: ``enum`` and
``const``, number bounds, sizes, ``pattern`` (:mod:`labgen.validation.compiler` puts
them together with the checks that hold subschemas)."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sized
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .compiler import Check, Errors


def json_equal(a: Any, b: Any) -> bool:
    """Equality as JSON Schema means it: ``True`` is not ``1``."""
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(json_equal(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(json_equal(x, y) for x, y in zip(a, b, strict=True))
    if _is_number(a) and _is_number(b):
        return bool(a == b)
    return type(a) is type(b) and bool(a == b)


def enum_check(allowed: list[Any], wording: str) -> Check:
    shown = ", ".join(repr(a) for a in allowed[:8]) + (", ..." if len(allowed) > 8 else "")
    if all(isinstance(a, str) for a in allowed):
        strings = frozenset(allowed)

        def check_strings(value: Any, path: str, errors: Errors) -> None:
            if not (isinstance(value, str) and value in strings):
                errors.append((path, f"{wording} {shown}, not {value!r}"))

        return check_strings

    def check(value: Any, path: str, errors: Errors) -> None:
        if not any(json_equal(value, a) for a in allowed):
            errors.append((path, f"{wording} {shown}, not {value!r}"))

    return check


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def number_checks(schema: Mapping[str, Any]) -> list[Check]:
    checks: list[Check] = []
    bounds = (("minimum", lambda v, b: v >= b, ">="), ("maximum", lambda v, b: v <= b, "<="),
              ("exclusiveMinimum", lambda v, b: v > b, ">"),
              ("exclusiveMaximum", lambda v, b: v < b, "<"))
    for keyword, test, sign in bounds:
        if keyword in schema:
            checks.append(_bound(schema[keyword], test, sign))
    return checks


def _bound(bound: float, test: Callable[[Any, float], bool], sign: str) -> Check:
    def check(value: Any, path: str, errors: Errors) -> None:
        if _is_number(value) and not test(value, bound):
            errors.append((path, f"must be {sign} {bound}, not {value}"))

    return check


def size_checks(schema: Mapping[str, Any]) -> list[Check]:
    checks: list[Check] = []
    for keyword, kind, what in (("minLength", str, "characters"), ("minItems", list, "items"),
                                ("minProperties", dict, "properties")):
        if keyword in schema:
            checks.append(_size(kind, schema[keyword], None, what))
    for keyword, kind, what in (("maxLength", str, "characters"), ("maxItems", list, "items"),
                                ("maxProperties", dict, "properties")):
        if keyword in schema:
            checks.append(_size(kind, None, schema[keyword], what))
    return checks


def _size(kind: type[Sized], low: int | None, high: int | None, what: str) -> Check:
    def check(value: Any, path: str, errors: Errors) -> None:
        if isinstance(value, kind):
            size = len(value)
            if low is not None and size < low:
                errors.append((path, f"must have at least {low} {what}, has {size}"))
            if high is not None and size > high:
                errors.append((path, f"must have at most {high} {what}, has {size}"))

    return check


def pattern_check(pattern: str) -> Check:
    regex = re.compile(pattern)

    def check(value: Any, path: str, errors: Errors) -> None:
        if isinstance(value, str) and regex.search(value) is None:
            errors.append((path, f"{value!r} does not match {pattern!r}"))

    return check
