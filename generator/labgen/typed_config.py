"""Typed configuration from plain YAML data, and its JSON Schema.

The environment model is a tree of frozen dataclasses (see ``env_model.py``).
This module turns loaded YAML into that tree, checking every key and type on
the way, and derives the JSON Schema for editors from the *same* dataclasses,
so the schema and the checks cannot disagree.

Field names are snake_case in Python and camelCase in YAML. Constraints live in
``field(metadata=...)``: ``doc``, ``minimum``, ``maximum``, ``pattern`` and
``hint`` (what to write instead when the pattern fails), ``max_length``,
``format`` (a named check from :mod:`labgen.value_formats`) and ``multiline``
(text fields refuse control characters unless it is set).

Errors are collected: one run reports every bad key and value of the input
(at most :data:`MAX_ERRORS`) as one :class:`InputErrors`.
"""

from __future__ import annotations

import dataclasses
import difflib
import re
import types
import typing
from collections.abc import Callable, Mapping
from typing import Any, Literal, TypeVar, get_args, get_origin

from . import value_formats
from .errors import VALUE_CHARS, InputError, InputErrors, printable
from .yaml_io import KeyPath

T = TypeVar("T")

#: Finds the line of a key path in the merged input: ``(path) -> (file, line)``.
Locator = Callable[[KeyPath], tuple[str | None, int | None]]


def camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


_HINTS: dict[Any, dict[str, Any]] = {}


def _hints(cls: Any) -> dict[str, Any]:
    """Resolved field annotations of a model class (resolving them is slow; done once)."""
    if cls not in _HINTS:
        _HINTS[cls] = typing.get_type_hints(cls)
    return _HINTS[cls]


def yaml_key(f: dataclasses.Field[Any]) -> str:
    """The YAML key of a dataclass field: ``metadata['key']`` or its camelCase name."""
    return str(f.metadata.get("key", camel(f.name)))


def dotted(path: KeyPath) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(top level)"


#: Most errors one run reports (the rest are counted).
MAX_ERRORS = 20


class _Skip(Exception):
    """One value failed (recorded); its parent goes on with the next key."""


class _Converter:
    def __init__(self, locate: Locator) -> None:
        self.locate = locate
        self.errors: list[InputError] = []

    def record(self, path: KeyPath, message: str) -> None:
        file, line = self.locate(path)
        self.errors.append(InputError(message, file=file, line=line))

    def fail(self, path: KeyPath, message: str) -> typing.NoReturn:
        self.record(path, message)
        raise _Skip

    def attempt(self, tp: Any, value: Any, path: KeyPath, meta: Mapping[str, Any]) -> Any:
        """``convert``, recording a failure instead of stopping at it."""
        try:
            return self.convert(tp, value, path, meta)
        except _Skip:
            return None

    def convert(self, tp: Any, value: Any, path: KeyPath, meta: Mapping[str, Any]) -> Any:
        origin = get_origin(tp)
        if dataclasses.is_dataclass(tp) and isinstance(tp, type):
            return self.dataclass(tp, value, path)
        if tp is Any:
            return self.any_json(value, path)
        if origin in (types.UnionType, typing.Union):
            options = [a for a in get_args(tp) if a is not type(None)]
            if value is None:
                return None
            return self.convert(options[0], value, path, meta)
        if origin is Literal:
            return self.literal(get_args(tp), value, path)
        if origin in (Mapping, dict) or origin is typing.Mapping:
            return self.mapping(get_args(tp)[1], value, path, meta)
        if origin is tuple:
            (item_tp, _ellipsis) = get_args(tp)
            if not isinstance(value, list):
                self.fail(path, f"{dotted(path)}: expected a list, got {_kind(value)}")
            return tuple(
                self.attempt(item_tp, item, (*path, i), meta.get("item", {}))
                for i, item in enumerate(value)
            )
        return self.scalar(tp, value, path, meta)

    def any_json(self, value: Any, path: KeyPath) -> Any:
        """``Any``: free-form values (helm values), frozen, if they are plain JSON."""
        problem = value_formats.json_problem(value)
        if problem is not None:
            where, what = problem
            self.fail((*path, *where), f"{dotted((*path, *where))}: {what}")
        return _freeze(value)

    def literal(self, allowed: tuple[Any, ...], value: Any, path: KeyPath) -> Any:
        if not isinstance(value, str | bool | int) or value not in allowed:
            choices = ", ".join(str(a) for a in allowed)
            self.fail(path, f"{dotted(path)}: {_shown(value)} is not one of: {choices}")
        return value

    def mapping(self, value_tp: Any, value: Any, path: KeyPath, meta: Mapping[str, Any]) -> Any:
        """A mapping with string keys (checked against the key rules in ``meta``), sorted."""
        if not isinstance(value, dict):
            self.fail(path, f"{dotted(path)}: expected a mapping, got {_kind(value)}")
        out = {}
        for key, item in value.items():
            try:
                self.check_key(key, path, meta)
            except _Skip:
                continue
            out[key] = self.attempt(value_tp, item, (*path, key), meta.get("item", {}))
        return types.MappingProxyType(dict(sorted(out.items())))

    def check_key(self, key: Any, path: KeyPath, meta: Mapping[str, Any]) -> None:
        if not isinstance(key, str):
            self.fail((*path, key), f"{dotted(path)}: key {_shown(key)} must be a "
                                    "string")
        self.check_text(key, (*path, key), {})
        self.check_pattern(meta.get("key_pattern"), meta.get("key_hint"), key,
                           (*path, key))
        self.check_format(meta.get("key_format"), key, (*path, key))

    def scalar(self, tp: Any, value: Any, path: KeyPath, meta: Mapping[str, Any]) -> Any:
        if tp is bool:
            if not isinstance(value, bool):
                self.fail(path, f"{dotted(path)}: expected true or false, got {_kind(value)}")
            return value
        if tp is int:
            if isinstance(value, bool) or not isinstance(value, int):
                self.fail(path, f"{dotted(path)}: expected an integer, got {_kind(value)}")
            low, high = meta.get("minimum"), meta.get("maximum")
            if (low is not None and value < low) or (high is not None and value > high):
                self.fail(path, f"{dotted(path)}: {_shown(value)} is outside {low}..{high}")
            return value
        if tp is str:
            if not isinstance(value, str):
                self.fail(path, f"{dotted(path)}: expected a string, got {_kind(value)}; "
                                "put the value in quotes")
            self.check_text(value, path, meta)
            self.check_pattern(meta.get("pattern"), meta.get("hint"), value, path)
            self.check_format(meta.get("format"), value, path)
            return value
        raise TypeError(f"unsupported annotation {tp!r} at {dotted(path)}")  # a bug, not input

    def check_pattern(self, pattern: str | None, hint: str | None, value: str, path: KeyPath) -> None:
        if pattern and not re.fullmatch(pattern, value):
            self.fail(path, f"{dotted(path)}: {_shown(value)} is invalid; "
                            f"{hint or 'must match ' + pattern}")

    def check_format(self, name: str | None, value: str, path: KeyPath) -> None:
        problem = value_formats.check(name, value) if name else None
        if problem is not None:
            self.fail(path, f"{dotted(path)}: {_shown(value)} is invalid; {problem}")

    def check_text(self, value: str, path: KeyPath, meta: Mapping[str, Any]) -> None:
        """No control characters (nor lone surrogates) in text; ``multiline`` allows newlines."""
        bad = value_formats.first_control(value, multiline=bool(meta.get("multiline")))
        if bad is not None:
            self.fail(path, f"{dotted(path)}: {_shown(value)} contains the control character "
                            f"{bad!r}; remove it (write plain text on one line)")
        max_length = meta.get("max_length")
        if max_length is not None and len(value) > max_length:
            self.fail(path, f"{dotted(path)}: {_shown(value)} is {len(value)} characters long, "
                            f"more than {max_length}; shorten it")

    def dataclass(self, cls: type[T], value: Any, path: KeyPath) -> T:
        if value is None:
            value = {}
        if not isinstance(value, dict):
            self.fail(path, f"{dotted(path)}: expected a mapping, got {_kind(value)}")
        hints = _hints(cls)
        fields = {yaml_key(f): f for f in dataclasses.fields(cls)}  # type: ignore[arg-type]
        for key in value:
            if key not in fields:
                close = difflib.get_close_matches(str(key), list(fields), n=1, cutoff=0.6)
                fix = f"did you mean '{close[0]}'?" if close else (
                    "valid keys: " + ", ".join(sorted(fields))
                )
                self.record((*path, key), f"unknown key '{printable(dotted((*path, key)))}'; {fix}")
        kwargs = {}
        failed = False
        for key, f in fields.items():
            if key in value:
                try:
                    kwargs[f.name] = self.convert(hints[f.name], value[key], (*path, key),
                                                  f.metadata)
                except _Skip:
                    failed = True
            elif f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
                self.record(path, f"{dotted(path)}: missing required key '{key}'")
                failed = True
        if failed or self.errors:
            raise _Skip  # the object cannot be built; the errors are recorded
        return cls(**kwargs)


def _kind(value: Any) -> str:
    if value is None:
        return "nothing (null)"
    names = {bool: "a boolean", int: "an integer", float: "a number", str: "a string",
             list: "a list", dict: "a mapping"}
    return f"{names.get(type(value), type(value).__name__)} ({_short_repr(value)})"


def _shown(value: Any) -> str:
    """A value in a message: at most VALUE_CHARS characters, control characters escaped."""
    return f"'{printable(value)}'" if isinstance(value, str) else _short_repr(value)


def _short_repr(value: Any) -> str:
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > 10**60:
        return f"an integer of {len(str(abs(value)))} digits"
    if isinstance(value, str):
        return printable(repr(value[:VALUE_CHARS]))
    text = repr(value) if not isinstance(value, dict | list) or len(value) < 10 else ""
    if len(text) > VALUE_CHARS or not text:
        return "{...}" if isinstance(value, dict) else "[...]" if isinstance(value, list) \
            else printable(text)
    return printable(text)


def _freeze(value: Any) -> Any:
    if isinstance(value, dict):
        return types.MappingProxyType({k: _freeze(v) for k, v in value.items()})
    if isinstance(value, list):
        return tuple(_freeze(v) for v in value)
    return value


def thaw(value: Any) -> Any:
    """Plain dicts and lists again (for JSON, YAML and Helm)."""
    if isinstance(value, Mapping):
        return {k: thaw(v) for k, v in value.items()}
    if isinstance(value, tuple | list):
        return [thaw(v) for v in value]
    return value


def deep_merge(base: dict[str, Any], over: dict[str, Any], *, null_deletes: bool = True) -> dict[str, Any]:
    """Mappings merge key by key, ``over`` winning; lists and scalars are replaced. A
    ``null`` in ``over`` removes the key, as in Helm values (or is kept, to reach Helm)."""
    out = dict(base)
    for key, value in over.items():
        if value is None and null_deletes:
            out.pop(key, None)
        elif isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = deep_merge(out[key], value, null_deletes=null_deletes)
        else:
            out[key] = value
    return out


def build(cls: type[T], data: Any, locate: Locator) -> T:
    """Check ``data`` against ``cls`` and return the typed, frozen object.

    Raises :class:`InputErrors` listing every problem (at most :data:`MAX_ERRORS`).
    """
    converter = _Converter(locate)
    try:
        return converter.dataclass(cls, data, ())
    except _Skip:
        ordered = sorted(converter.errors, key=lambda e: (e.file or "", e.line or 0))
        raise InputErrors(ordered, limit=MAX_ERRORS) from None


# --- JSON Schema --------------------------------------------------------------------------


def json_schema(cls: type[Any]) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a dataclass tree, for editors."""
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", **_schema_for(cls, {})}


def _schema_for(tp: Any, meta: Mapping[str, Any]) -> dict[str, Any]:
    origin = get_origin(tp)
    if dataclasses.is_dataclass(tp) and isinstance(tp, type):
        return _dataclass_schema(tp)
    if tp is Any:
        return {}
    if origin in (types.UnionType, typing.Union):
        options = [a for a in get_args(tp) if a is not type(None)]
        return {"anyOf": [_schema_for(options[0], meta), {"type": "null"}]}
    if origin is Literal:
        return {"enum": list(get_args(tp))}
    if origin in (Mapping, dict):
        return _mapping_schema(get_args(tp)[1], meta)
    if origin is tuple:
        return {"type": "array", "items": _schema_for(get_args(tp)[0], meta.get("item", {}))}
    return _scalar_schema(tp, meta)


def _dataclass_schema(tp: type[Any]) -> dict[str, Any]:
    hints = _hints(tp)
    props = {}
    for f in dataclasses.fields(tp):
        prop = _schema_for(hints[f.name], f.metadata)
        if f.metadata.get("doc"):
            prop = {"description": f.metadata["doc"], **prop}
        if f.default is not dataclasses.MISSING and isinstance(f.default, str | int | bool):
            prop["default"] = f.default
        props[yaml_key(f)] = prop
    out: dict[str, Any] = {"type": "object", "additionalProperties": False, "properties": props}
    if tp.__doc__:
        out = {"description": " ".join(tp.__doc__.split()), **out}
    return out


def _mapping_schema(value_tp: Any, meta: Mapping[str, Any]) -> dict[str, Any]:
    out = {"type": "object",
           "additionalProperties": _schema_for(value_tp, meta.get("item", {}))}
    key_pattern = meta.get("key_pattern") or \
        value_formats.SCHEMA_PATTERNS.get(meta.get("key_format", ""))
    if key_pattern:
        out["propertyNames"] = {"pattern": f"^(?:{key_pattern})$"}
    return out


def _scalar_schema(tp: Any, meta: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any]
    if tp is bool:
        return {"type": "boolean"}
    if tp is int:
        out = {"type": "integer"}
        if meta.get("minimum") is not None:
            out["minimum"] = meta["minimum"]
        if meta.get("maximum") is not None:
            out["maximum"] = meta["maximum"]
        return out
    if tp is str:
        out = {"type": "string"}
        pattern = meta.get("pattern") or value_formats.SCHEMA_PATTERNS.get(meta.get("format", ""))
        if pattern:
            out["pattern"] = f"^(?:{pattern})$"
        if meta.get("max_length") is not None:
            out["maxLength"] = meta["max_length"]
        return out
    raise TypeError(f"unsupported annotation {tp!r}")
