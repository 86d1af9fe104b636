"""The compiled validators agree with jsonschema's Draft202012Validator.

Same verdict (valid or not) on every corpus document and on systematic
mutations of them (a wrong type, an unknown field, a missing key), for each
schema family: Kubernetes core (kubernetes-validate's strict schemas),
labgen's shipped schemas, and schemas converted from the upstream CRDs.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import referencing

import yaml_docs
from labgen.validation.compiler import (
    Errors,
    RefResolver,
    SchemaCompileError,
    compile_schema,
)
from labgen.validation.crds import load_crd_schemas
from labgen.validation.kube_schemas import schema_file_name, schema_folder
from labgen.validation.registry import shipped_check, shipped_schema, with_definitions
from validation.manifest_corpus import INVALID, VALID, load_case

VERSION = "1.34"
SAMPLES = Path(__file__).parent / "samples"  # realistic Istio and Argo CD objects
DOCUMENTS = [doc.body for case in (*VALID, *INVALID) for doc in load_case(case)] + [
    doc for file in sorted(SAMPLES.glob("*.yaml"))
    for doc in yaml_docs.load_all(file.read_text(encoding="utf-8")) if doc]


def _reference_core(api_version: str, kind: str) -> jsonschema.Draft202012Validator | None:
    folder = schema_folder(VERSION)
    file = folder / schema_file_name(api_version, kind)
    if not file.is_file():
        return None
    definitions = json.loads((folder / "_definitions.json").read_text())
    schema = json.loads(file.read_text())
    registry: referencing.Registry[Any] = referencing.Registry().with_resources([
        (definitions["$id"], referencing.Resource.from_contents(definitions)),
        (schema["$id"], referencing.Resource.from_contents(schema))])
    return jsonschema.Draft202012Validator(schema, registry=registry)


def _mutations(body: Any) -> Iterator[Any]:
    """Deterministic variants: retyped scalars, unknown fields, removed keys (a sample)."""
    paths = _paths(body)
    step = max(1, len(paths) // 12)
    for path in paths[::step]:
        yield from _variants_at(body, path)


def _paths(body: Any) -> list[tuple[Any, ...]]:
    """Every node's path in ``body`` (depth first, the root first)."""
    paths: list[tuple[Any, ...]] = []

    def walk(node: Any, path: tuple[Any, ...]) -> None:
        paths.append(path)
        if isinstance(node, dict):
            for key, value in node.items():
                walk(value, (*path, key))
        elif isinstance(node, list):
            for index, value in enumerate(node):
                walk(value, (*path, index))

    walk(body, ())
    return paths


def _variants_at(body: Any, path: tuple[Any, ...]) -> Iterator[Any]:
    """Copies of ``body`` changed at ``path``: an object gains an unknown field and loses its
    first key; a scalar or list changes its type."""
    variant = copy.deepcopy(body)
    parent = variant
    for key in path[:-1]:
        parent = parent[key]
    target = parent[path[-1]] if path else variant
    if isinstance(target, dict):
        target["zzUnknownField"] = 1
        yield copy.deepcopy(variant)
        del target["zzUnknownField"]
        if target:
            del target[sorted(target)[0]]
            yield variant
    elif path:
        parent[path[-1]] = ("7" if isinstance(target, int | float) and
                            not isinstance(target, bool) else
                            None if isinstance(target, str) else 7)
        yield variant


def _verdicts(check: Any, reference: jsonschema.Draft202012Validator,
              body: Any) -> tuple[bool, bool]:
    errors: Errors = []
    check(body, "", errors)
    return not errors, reference.is_valid(body)


def _documents_of(api_group_test: Any) -> list[Any]:
    return [d for d in DOCUMENTS if isinstance(d, dict) and api_group_test(d)]


def _core(doc: dict[str, Any]) -> bool:
    api = str(doc.get("apiVersion", ""))
    return "/" not in api or "." not in api.split("/")[0] or api.split("/")[0].endswith("k8s.io")


def test_core_kinds_agree_with_jsonschema() -> None:
    from labgen.validation.kube_schemas import core_check

    compared = 0
    for doc in _documents_of(_core):
        reference = _reference_core(doc["apiVersion"], doc["kind"])
        check = core_check(VERSION, doc["apiVersion"], doc["kind"])
        assert (reference is None) == (check is None)
        if reference is None or check is None:
            continue
        for body in (doc, *_mutations(doc)):
            ours, theirs = _verdicts(check, reference, body)
            assert ours == theirs, f"{doc['kind']} {body}"
            compared += 1
    assert compared > 100


def test_shipped_schemas_agree_with_jsonschema() -> None:
    compared = 0
    for doc in _documents_of(lambda d: shipped_schema(
            str(d.get("apiVersion")), str(d.get("kind"))) is not None):
        schema = shipped_schema(doc["apiVersion"], doc["kind"])
        assert schema is not None
        reference = jsonschema.Draft202012Validator(with_definitions(schema))
        check = shipped_check(doc["apiVersion"], doc["kind"])
        for body in (doc, *_mutations(doc)):
            ours, theirs = _verdicts(check, reference, body)
            assert ours == theirs, f"{doc['kind']} {body}"
            compared += 1
    assert compared > 100


def test_converted_upstream_crds_agree_with_jsonschema(upstream_crds: tuple[Path, ...]) -> None:
    from labgen.validation.registry import shipped_definitions

    schemas = load_crd_schemas(upstream_crds)
    resolver = RefResolver(shipped_definitions())
    compared = 0
    for doc in _documents_of(lambda d: (d.get("apiVersion"), d.get("kind")) in schemas):
        schema = schemas[(doc["apiVersion"], doc["kind"])]
        reference = jsonschema.Draft202012Validator(with_definitions(schema))
        check = compile_schema(schema, resolver)
        for body in (doc, *_mutations(doc)):
            ours, theirs = _verdicts(check, reference, body)
            assert ours == theirs, f"{doc['kind']} {body}"
            compared += 1
    assert compared > 100


SCHEMA_CASES: list[tuple[dict[str, Any], list[Any], list[Any]]] = [
    ({"type": "integer"}, [1, 2.0, -3], [True, "1", 1.5, None]),
    ({"type": ["string", "null"]}, ["a", None], [1, False]),
    ({"enum": [1, "a", None]}, [1, 1.0, "a", None], [True, "b", 2]),
    ({"const": False}, [False], [0, None, True]),
    ({"minimum": 0, "maximum": 100}, [0, 100, "x"], [-1, 101]),
    ({"exclusiveMinimum": 0}, [1], [0]),
    ({"minLength": 2, "maxLength": 3}, ["ab", "abc", 5], ["a", "abcd"]),
    ({"minItems": 1, "maxItems": 2}, [[1], [1, 2]], [[], [1, 2, 3]]),
    ({"minProperties": 1, "maxProperties": 1}, [{"a": 1}], [{}, {"a": 1, "b": 2}]),
    ({"pattern": "^v[0-9]+$"}, ["v1", 3], ["x1", "v"]),
    ({"required": ["a"], "properties": {"a": {"type": "string"}},
      "additionalProperties": False}, [{"a": "x"}], [{}, {"a": 1}, {"a": "x", "b": 1}]),
    ({"additionalProperties": {"type": "integer"}}, [{"a": 1}], [{"a": "1"}]),
    ({"items": {"type": "string"}}, [["a"], []], [["a", 1]]),
    ({"anyOf": [{"type": "integer"}, {"type": "string"}]}, [1, "a"], [None, 1.5]),
    ({"oneOf": [{"required": ["a"]}, {"required": ["b"]}]}, [{"a": 1}], [{"a": 1, "b": 2}, {}]),
    ({"allOf": [{"minimum": 1}, {"maximum": 2}]}, [1, 2], [0, 3]),
    # The "at most one of" idiom (compiled to a fast check): objects, and other values.
    ({"oneOf": [{"not": {"anyOf": [{"required": ["a"]}, {"required": ["b"]}]}},
                {"required": ["a"]}, {"required": ["b"]}]},
     [{}, {"a": 1}, {"b": 2, "c": 3}], [{"a": 1, "b": 2}, 5, "x", None, []]),
    ({"oneOf": [{"not": {"anyOf": [{"required": ["a"]}]}}, {"required": ["a"]}]},
     [{}, {"a": 1}, 5, None], []),
    ({"oneOf": [{"not": {"anyOf": [{"required": ["a"]}, {"required": ["b"]}]}},
                {"required": ["a"]}, {"required": ["c"]}]},  # not the idiom: names differ
     [{}, {"a": 1}], [{"c": 1}, {"a": 1, "c": 1}]),
    ({"not": {"type": "string"}}, [1], ["a"]),
    ({"$ref": "#/$defs/node", "$defs": {"node": {
        "type": "object", "properties": {"next": {"$ref": "#/$defs/node"}},
        "additionalProperties": False}}},
     [{}, {"next": {"next": {}}}], [{"next": {"x": 1}}, {"next": 3}]),
]


@pytest.mark.parametrize(("schema", "valid", "invalid"), SCHEMA_CASES)
def test_keywords_agree_with_jsonschema(schema: dict[str, Any], valid: list[Any],
                                        invalid: list[Any]) -> None:
    reference = jsonschema.Draft202012Validator(schema)
    check = compile_schema(schema, RefResolver(schema.get("$defs", {})))
    for value in valid:
        assert _verdicts(check, reference, value) == (True, True), value
    for value in invalid:
        assert _verdicts(check, reference, value) == (False, False), value


def test_unsupported_keywords_are_refused() -> None:
    with pytest.raises(SchemaCompileError, match="dependentRequired"):
        compile_schema({"dependentRequired": {"a": ["b"]}})
    with pytest.raises(SchemaCompileError, match="unsupported \\$ref"):
        compile_schema({"$ref": "https://example.com/other.json"})
    with pytest.raises(SchemaCompileError, match="dependentRequired"):  # a field's, at once
        compile_schema({"properties": {"a": {"dependentRequired": {"a": ["b"]}}}})
    # deeper: compiled when a value first reaches it, and refused then (never a pass)
    deeper = compile_schema({"properties": {"a": {"properties": {"b": {"properties": {
        "c": {"dependentRequired": {}}}}}}}})
    deeper({"a": {}}, "", [])
    with pytest.raises(SchemaCompileError, match="dependentRequired"):
        deeper({"a": {"b": {}}}, "", [])
