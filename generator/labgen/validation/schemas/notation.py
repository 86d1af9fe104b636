"""labgen's compact notation for API message types, compiled to JSON Schema.

A module describes each message type once, as ``{field: spec}``, and kinds
reuse them across versions (Istio serves one spec at v1, v1beta1, v1alpha3).
A field spec is a short string:

======================  ===============================================
``str`` ``bool``        string, boolean
``int`` ``num``         integer, number; ``int>=0``, ``num 0..100`` bound them
``u32``                 an unsigned 32-bit integer (``int 0..4294967295``)
``pct``                 a percentage (``num 0..100``)
``duration``            a Go/protobuf duration string (``1.5s``, ``1h30m``, ``0``)
``intstr``              an integer or a string (Kubernetes IntOrString)
``object``              any object (a protobuf ``Struct``, free-form values)
``any``                 anything at all
``str<=63``             a string of at most 63 characters
``(A|B|C)``             one of these strings
``[T]`` ``{T}``         a list of ``T``; a map from strings to ``T``
``Name``                the message type ``Name`` (a ``$defs`` reference)
======================  ===============================================

A leading ``!`` makes the field required, a trailing ``?`` lets it be
``null``. Keys starting with ``@`` describe the message itself:
``"@oneof": "a b c | d e"`` (at most one field of each group may be set) and
``"@open": "unknown fields kept"`` (the API keeps unknown fields: no strictness).
Every other message rejects unknown fields (``additionalProperties: false``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

#: message name -> {field or @option: spec}
Types = Mapping[str, Mapping[str, str]]

DURATION_PATTERN = r"^(0|-?([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+)$"

_SCALARS: dict[str, dict[str, Any]] = {
    "str": {"type": "string"},
    "bool": {"type": "boolean"},
    "int": {"type": "integer"},
    "num": {"type": "number"},
    "u32": {"type": "integer", "minimum": 0, "maximum": 4294967295},
    "pct": {"type": "number", "minimum": 0, "maximum": 100},
    "duration": {"type": "string", "pattern": DURATION_PATTERN},
    "intstr": {"anyOf": [{"type": "integer"}, {"type": "string"}]},
    "object": {"type": "object"},
    "any": {},
}

_BOUNDED = re.compile(r"^(int|num)(?:>=(-?\d+)|\s+(-?\d+)\.\.(-?\d+))$")
_LENGTH = re.compile(r"^str<=(\d+)$")
_NAME = re.compile(r"^[A-Z][A-Za-z0-9]*$")


class NotationError(ValueError):
    """A field spec that the notation does not define (a bug in a schema module)."""


def field_schema(spec: str) -> dict[str, Any]:
    """The JSON Schema of one field spec (without its ``!`` required mark)."""
    nullable = spec.endswith("?")
    schema = _base_schema(spec[:-1] if nullable else spec)
    if nullable:
        schema = _with_null(schema)
    return schema


def _base_schema(spec: str) -> dict[str, Any]:
    if spec in _SCALARS:
        return dict(_SCALARS[spec])
    if spec.startswith("[") and spec.endswith("]"):
        return {"type": "array", "items": field_schema(spec[1:-1])}
    if spec.startswith("{") and spec.endswith("}"):
        return {"type": "object", "additionalProperties": field_schema(spec[1:-1])}
    if spec.startswith("(") and spec.endswith(")"):
        return {"type": "string", "enum": spec[1:-1].split("|")}
    bounded = _BOUNDED.match(spec)
    if bounded:
        kind, low, low2, high = bounded.groups()
        out: dict[str, Any] = {"type": "integer" if kind == "int" else "number",
                               "minimum": int(low if low is not None else low2)}
        if high is not None:
            out["maximum"] = int(high)
        return out
    length = _LENGTH.match(spec)
    if length:
        return {"type": "string", "maxLength": int(length.group(1))}
    if _NAME.match(spec):
        return {"$ref": f"#/$defs/{spec}"}
    raise NotationError(f"unknown field spec {spec!r}")


def _with_null(schema: dict[str, Any]) -> dict[str, Any]:
    if "type" not in schema:
        raise NotationError(f"only typed fields can be nullable: {schema!r}")
    return {**schema, "type": [schema["type"], "null"]}


def message_schema(fields: Mapping[str, str]) -> dict[str, Any]:
    """The JSON Schema of one message type."""
    properties: dict[str, Any] = {}
    required: list[str] = []
    for name, spec in fields.items():
        if name.startswith("@"):
            continue
        if spec.startswith("!"):
            required.append(name)
            spec = spec[1:]
        properties[name] = field_schema(spec)
    schema: dict[str, Any] = {"type": "object", "properties": properties}
    if "@open" not in fields:
        schema["additionalProperties"] = False
    if required:
        schema["required"] = required
    groups = [group.split() for group in fields.get("@oneof", "").split("|") if group.strip()]
    for group in groups:
        unknown = set(group) - set(properties)
        if unknown:
            raise NotationError(f"@oneof names unknown fields {sorted(unknown)}")
    exclusive = [_at_most_one(group) for group in groups]
    if len(exclusive) == 1:
        schema.update(exclusive[0])
    elif exclusive:
        schema["allOf"] = exclusive
    return schema


def _at_most_one(group: list[str]) -> dict[str, Any]:
    """``oneOf``: none of ``group`` is set, or exactly one is."""
    present = [{"required": [name]} for name in group]
    return {"oneOf": [{"not": {"anyOf": present}}, *present]}


def definitions(*modules: Types) -> dict[str, Any]:
    """``$defs`` of every message type in ``modules`` (unique names, no dangling references)."""
    out: dict[str, Any] = {}
    for types in modules:
        for name, fields in types.items():
            if name in out:
                raise NotationError(f"message type {name!r} is defined twice")
            out[name] = message_schema(fields)
    for name, schema in out.items():
        for ref in _references(schema):
            if ref not in out:
                raise NotationError(f"message type {name!r} refers to undefined {ref!r}")
    return out


def _references(node: Any) -> list[str]:
    if isinstance(node, dict):
        found = [node["$ref"].rsplit("/", 1)[-1]] if "$ref" in node else []
        return found + [ref for value in node.values() for ref in _references(value)]
    if isinstance(node, list):
        return [ref for value in node for ref in _references(value)]
    return []


def root_schema(api_version: str, kind: str, message: str,
                definitions: Mapping[str, Any]) -> dict[str, Any]:
    """The schema of a whole object: ``message``'s fields plus apiVersion, kind, metadata."""
    body = definitions[message]
    schema = {**body, "title": f"{kind} ({api_version}), written for labgen"}
    schema["properties"] = {
        "apiVersion": {"type": "string", "enum": [api_version]},
        "kind": {"type": "string", "enum": [kind]},
        "metadata": {"$ref": "#/$defs/ObjectMeta"},
        **body["properties"],
    }
    schema["required"] = ["apiVersion", "kind", *body.get("required", ())]
    return schema
