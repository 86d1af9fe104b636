"""labgen's type notation (validation/schemas/notation.py): field specs to JSON Schema."""

from __future__ import annotations

from typing import Any

import pytest

from labgen.validation.compiler import Errors, RefResolver, compile_schema
from labgen.validation.schemas.notation import (
    DURATION_PATTERN,
    NotationError,
    definitions,
    field_schema,
    message_schema,
)


@pytest.mark.parametrize(("spec", "schema"), [
    ("str", {"type": "string"}),
    ("u32", {"type": "integer", "minimum": 0, "maximum": 4294967295}),
    ("int>=0?", {"type": ["integer", "null"], "minimum": 0}),
    ("int 1..65535", {"type": "integer", "minimum": 1, "maximum": 65535}),
    ("pct?", {"type": ["number", "null"], "minimum": 0, "maximum": 100}),
    ("str<=63", {"type": "string", "maxLength": 63}),
    ("(A|B)", {"type": "string", "enum": ["A", "B"]}),
    ("[{str}]", {"type": "array", "items": {"type": "object",
                                            "additionalProperties": {"type": "string"}}}),
    ("intstr", {"anyOf": [{"type": "integer"}, {"type": "string"}]}),
    ("Destination", {"$ref": "#/$defs/Destination"}),
    ("any", {}),
    ("duration", {"type": "string", "pattern": DURATION_PATTERN}),
])
def test_field_specs(spec: str, schema: dict[str, Any]) -> None:
    assert field_schema(spec) == schema


@pytest.mark.parametrize("spec", ["string", "[str", "int>=x", "lowercase", "Destination?"])
def test_unknown_or_untyped_specs_are_refused(spec: str) -> None:
    with pytest.raises(NotationError):
        field_schema(spec)


def test_message_required_open_and_exclusive_groups() -> None:
    schema = message_schema({"a": "!str", "b": "str", "c": "str", "@oneof": "b c"})
    assert schema["required"] == ["a"] and schema["additionalProperties"] is False
    check = compile_schema(schema)
    errors: Errors = []
    check({"a": "x", "b": "1", "c": "2"}, "spec", errors)
    assert errors == [("spec", "sets 'b' and 'c'; at most one of 'b', 'c' may be set")]
    assert "additionalProperties" not in message_schema({"a": "str", "@open": "kept"})
    with pytest.raises(NotationError, match="unknown fields"):
        message_schema({"a": "str", "@oneof": "a z"})


def test_definitions_refuse_duplicates_and_dangling_references() -> None:
    with pytest.raises(NotationError, match="defined twice"):
        definitions({"A": {"x": "str"}}, {"A": {"y": "str"}})
    with pytest.raises(NotationError, match="refers to undefined 'Missing'"):
        definitions({"A": {"x": "[Missing]"}})


@pytest.mark.parametrize(("value", "valid"), [
    ("10s", True), ("1.5s", True), ("1h30m", True), ("0", True), ("250ms", True), ("-1s", True),
    ("10", False), ("s", False), ("1 s", False), ("1d", False)])
def test_duration_pattern(value: str, valid: bool) -> None:
    errors: Errors = []
    compile_schema(field_schema("duration"), RefResolver({}))(value, "", errors)
    assert (errors == []) is valid
