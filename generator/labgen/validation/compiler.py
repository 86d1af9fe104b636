"""A small JSON-Schema compiler: schemas become nested Python closures.

jsonschema's validators interpret the schema for every document; at a few
thousand manifests a second that is far too slow. This module compiles the
subset of JSON Schema (draft 2020-12 semantics) that Kubernetes, CRD-derived
and labgen's own schemas use into closures, once per schema, and reuses them.

Supported keywords: ``type``, ``properties``, ``additionalProperties``,
``required``, ``enum``, ``const``, ``items``, ``$ref`` (``#/$defs/...``,
resolved through a :class:`RefResolver`), ``oneOf``, ``anyOf``, ``allOf``,
``not``, ``minimum``, ``maximum``, ``minLength``, ``maxLength``, ``minItems``,
``maxItems``, ``minProperties``, ``maxProperties``, ``pattern``. ``format``
and descriptive keywords are annotations (as in draft 2020-12 by default).
Any other keyword raises :class:`SchemaCompileError`, so a schema can never
be silently half-checked. tests/validation/test_compiler_parity.py keeps the
verdicts equal to jsonschema's Draft202012Validator.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from .idioms import at_most_one_check, exclusive_fields
from .value_checks import enum_check, number_checks, pattern_check, size_checks

#: ``check(value, path, errors)`` appends ``(path, message)`` for each violation.
Errors = list[tuple[str, str]]
Check = Callable[[Any, str, Errors], None]


class SchemaCompileError(Exception):
    """A schema uses a keyword this compiler does not implement."""


#: Keywords that never constrain a value.
ANNOTATIONS = frozenset({
    "description", "title", "default", "examples", "format", "$schema", "$id", "$comment",
    "readOnly", "writeOnly", "deprecated", "discriminator",
})

_TYPE_TESTS: dict[str, Callable[[Any], bool]] = {
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str),
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
    "number": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
    "integer": lambda v: (isinstance(v, int) and not isinstance(v, bool))
    or (isinstance(v, float) and v.is_integer()),
}


def json_type(value: Any) -> str:
    """The JSON type name of a value, for messages."""
    for name in ("null", "boolean", "integer", "number", "string", "array", "object"):
        if _TYPE_TESTS[name](value):
            return name
    return type(value).__name__


class RefResolver:
    """Compiles ``$ref`` targets once, by name, so recursive schemas work."""

    def __init__(self, definitions: Mapping[str, Any]) -> None:
        self._definitions = definitions
        self._compiled: dict[str, Check] = {}

    def check_for(self, ref: str) -> Check:
        name = ref.rsplit("/", 1)[-1]
        if "#/$defs/" not in ref and "#/definitions/" not in ref:
            raise SchemaCompileError(f"unsupported $ref {ref!r}")
        compiled = self._compiled.get(name)
        if compiled is not None:
            return compiled
        if name not in self._definitions:
            raise SchemaCompileError(f"$ref to unknown definition {name!r}")
        cell: list[Check] = []

        def deferred(value: Any, path: str, errors: Errors) -> None:
            cell[0](value, path, errors)

        self._compiled[name] = deferred  # breaks cycles while compiling
        real = compile_schema(self._definitions[name], self)
        cell.append(real)
        self._compiled[name] = real
        return real


_NO_DEFINITIONS = RefResolver({})


def compile_schema(schema: Any, resolver: RefResolver = _NO_DEFINITIONS) -> Check:
    """Compile one schema into a ``check(value, path, errors)`` closure."""
    if schema is True or schema == {}:
        return _accept
    if schema is False:
        return _reject
    _refuse_unknown_keywords(schema)
    return _sequence([*_value_checks(schema, resolver), *_structure_checks(schema, resolver)])


def _refuse_unknown_keywords(schema: Any) -> None:
    if schema is True or schema is False:
        return
    if not isinstance(schema, Mapping):
        raise SchemaCompileError(f"a schema must be an object or a boolean, not {schema!r}")
    for key in schema:
        if key not in _KNOWN and key not in ANNOTATIONS and not key.startswith("x-"):
            raise SchemaCompileError(f"unsupported JSON Schema keyword {key!r}")


def _value_checks(schema: Mapping[str, Any], resolver: RefResolver) -> Iterator[Check]:
    """The checks of the value itself: reference, type, enum and const, bounds, pattern."""
    if "$ref" in schema:
        yield resolver.check_for(schema["$ref"])
    if "type" in schema:
        yield _type_check(schema["type"])
    if "enum" in schema:
        yield enum_check(list(schema["enum"]), "must be one of")
    if "const" in schema:
        yield enum_check([schema["const"]], "must be")
    yield from number_checks(schema)
    yield from size_checks(schema)
    if "pattern" in schema:
        yield pattern_check(schema["pattern"])


def _structure_checks(schema: Mapping[str, Any], resolver: RefResolver) -> Iterator[Check]:
    """The checks of what the value contains: required fields, properties, items, subschemas."""
    if "required" in schema:
        yield _required_check(tuple(schema["required"]))
    if "properties" in schema or "additionalProperties" in schema:
        yield _object_check(schema, resolver)
    if "items" in schema:
        yield _items_check(compile_schema(schema["items"], resolver))
    for keyword in ("allOf", "anyOf", "oneOf"):
        if keyword not in schema:
            continue
        exclusive = exclusive_fields(schema[keyword]) if keyword == "oneOf" else None
        if exclusive is not None:
            yield at_most_one_check(exclusive)
        else:
            yield _combinator(keyword, [compile_schema(s, resolver) for s in schema[keyword]])
    if "not" in schema:
        yield _not_check(compile_schema(schema["not"], resolver))


_KNOWN = frozenset({
    "$ref", "$defs", "definitions", "type", "enum", "const", "minimum", "maximum",
    "exclusiveMinimum", "exclusiveMaximum", "minLength", "maxLength", "minItems", "maxItems",
    "minProperties", "maxProperties", "pattern", "required", "properties",
    "additionalProperties", "items", "allOf", "anyOf", "oneOf", "not",
})


def _accept(value: Any, path: str, errors: Errors) -> None:
    return None


def _reject(value: Any, path: str, errors: Errors) -> None:
    errors.append((path, "is not allowed here"))


def _sequence(checks: list[Check]) -> Check:
    if not checks:
        return _accept
    if len(checks) == 1:
        return checks[0]
    frozen = tuple(checks)

    def check(value: Any, path: str, errors: Errors) -> None:
        for one in frozen:
            one(value, path, errors)

    return check


def _type_check(declared: str | list[str]) -> Check:
    names = (declared,) if isinstance(declared, str) else tuple(declared)
    python: tuple[type, ...] = ()
    for name in names:
        if name not in _TYPE_TESTS:
            raise SchemaCompileError(f"unknown type {name!r}")
    wanted = " or ".join(names)
    simple = {"object": dict, "array": list, "string": str}
    if all(name in simple for name in names):  # the common, fast case
        python = tuple(simple[name] for name in names)

        def check_fast(value: Any, path: str, errors: Errors) -> None:
            if not isinstance(value, python):
                errors.append((path, f"must be {wanted}, not {json_type(value)}"))

        return check_fast
    tests = tuple(_TYPE_TESTS[name] for name in names)

    def check(value: Any, path: str, errors: Errors) -> None:
        for test in tests:
            if test(value):
                return
        errors.append((path, f"must be {wanted}, not {json_type(value)}"))

    return check


def _required_check(required: tuple[str, ...]) -> Check:
    def check(value: Any, path: str, errors: Errors) -> None:
        if isinstance(value, dict):
            for name in required:
                if name not in value:
                    errors.append((join(path, name), "is required"))

    return check


def join(path: str, key: str) -> str:
    """``spec`` + ``http`` -> ``spec.http``; keys with dots are quoted."""
    if "." in key or "[" in key or not key:
        key = f'"{key}"'
    return f"{path}.{key}" if path else key


def _object_check(schema: Mapping[str, Any], resolver: RefResolver) -> Check:
    properties = {name: _on_first_use(sub, resolver)
                  for name, sub in (schema.get("properties") or {}).items()}
    extra = schema.get("additionalProperties", True)
    extra_check: Check | None = None if extra is True or extra is False else compile_schema(
        extra, resolver)
    closed = extra is False

    def check(value: Any, path: str, errors: Errors) -> None:
        if not isinstance(value, dict):
            return
        for key, item in value.items():
            sub = properties.get(key)
            if sub is not None:
                sub(item, join(path, str(key)), errors)
            elif closed:
                errors.append((join(path, str(key)), _unknown_field(str(key), properties)))
            elif extra_check is not None:
                extra_check(item, join(path, str(key)), errors)

    return check


def _on_first_use(schema: Any, resolver: RefResolver) -> Check:
    """``compile_schema(schema)`` when a value first reaches it: a kind's schema has far
    more fields than a document sets (the 19 kinds of a render: about 2,000 nodes). Its keywords
    are checked now; those nested in it when it is compiled (an unsupported keyword raises
    either way, it never passes)."""
    _refuse_unknown_keywords(schema)
    compiled: list[Check] = []

    def check(value: Any, path: str, errors: Errors) -> None:
        if not compiled:
            compiled.append(compile_schema(schema, resolver))
        compiled[0](value, path, errors)

    return check


def _unknown_field(key: str, properties: Mapping[str, Any]) -> str:
    same_letters = [name for name in properties if name.lower() == key.lower()]
    close = same_letters or difflib.get_close_matches(key, list(properties), n=1, cutoff=0.6)
    hint = f"; did you mean {close[0]!r}?" if close else ""
    return f"unknown field {key!r}{hint}"


def _items_check(item_check: Check) -> Check:
    def check(value: Any, path: str, errors: Errors) -> None:
        if isinstance(value, list):
            for index, item in enumerate(value):
                item_check(item, f"{path}[{index}]", errors)

    return check


def _combinator(keyword: str, subs: list[Check]) -> Check:
    def check(value: Any, path: str, errors: Errors) -> None:
        failures: list[Errors] = []
        for sub in subs:
            found: Errors = []
            sub(value, path, found)
            failures.append(found)
        passed = sum(1 for found in failures if not found)
        if keyword == "allOf":
            for found in failures:
                errors.extend(found)
        elif keyword == "anyOf" and passed == 0:
            errors.append(_closest(path, failures, "matches none of the allowed forms"))
        elif keyword == "oneOf" and passed != 1:
            if passed == 0:
                errors.append(_closest(path, failures, "matches none of the allowed forms"))
            else:
                errors.append((path, f"matches {passed} of the exclusive forms, "
                                     "must match exactly one"))

    return check


def _closest(path: str, failures: list[Errors], fallback: str) -> tuple[str, str]:
    """The most specific message among the alternatives that failed."""
    best = min(failures, key=len)
    if len(best) == 1 and best[0][0] != path:
        return best[0]
    return path, fallback


def _not_check(sub: Check) -> Check:
    def check(value: Any, path: str, errors: Errors) -> None:
        found: Errors = []
        sub(value, path, found)
        if not found:
            errors.append((path, "matches a form that is not allowed"))

    return check
