"""CRDs a user has, converted to strict JSON Schema (small CRDs written here, upstream read in place)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from labgen.errors import InputError
from labgen.validation.compiler import Errors
from labgen.validation.crds import convert, load_crd_schemas
from labgen.validation.registry import SchemaRegistry

CRD: dict[str, Any] = {
    "apiVersion": "apiextensions.k8s.io/v1",
    "kind": "CustomResourceDefinition",
    "metadata": {"name": "widgets.example.com"},
    "spec": {
        "group": "example.com",
        "names": {"kind": "Widget", "plural": "widgets"},
        "scope": "Namespaced",
        "versions": [
            {"name": "v1", "served": True, "storage": True, "schema": {"openAPIV3Schema": {
                "type": "object",
                "properties": {
                    "spec": {
                        "type": "object",
                        "required": ["size"],
                        "properties": {
                            "size": {"type": "integer", "minimum": 1},
                            "port": {"x-kubernetes-int-or-string": True},
                            "note": {"type": "string", "nullable": True},
                            "extra": {"type": "object",
                                      "x-kubernetes-preserve-unknown-fields": True},
                            "template": {"type": "object",
                                         "x-kubernetes-embedded-resource": True,
                                         "x-kubernetes-preserve-unknown-fields": True},
                        },
                    },
                    "status": {"type": "object", "x-kubernetes-preserve-unknown-fields": True},
                },
            }}},
            {"name": "v0", "served": False, "storage": False,
             "schema": {"openAPIV3Schema": {"type": "object"}}},
        ],
    },
}


def _widget(**spec: Any) -> dict[str, Any]:
    return {"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "w"},
            "spec": spec}


def _errors(registry: SchemaRegistry, body: dict[str, Any]) -> Errors:
    check = registry.check_for(body["apiVersion"], body["kind"])
    assert check is not None
    errors: Errors = []
    check(body, "", errors)
    return errors


@pytest.fixture
def registry(tmp_path: Path) -> SchemaRegistry:
    listing = {"apiVersion": "v1", "kind": "List", "items": [CRD]}  # kubectl get crd -o yaml
    (tmp_path / "crds.yaml").write_text(yaml.safe_dump(listing))
    return SchemaRegistry("1.34", (tmp_path,))


def test_served_versions_only(tmp_path: Path) -> None:
    (tmp_path / "crd.yaml").write_text(yaml.safe_dump(CRD))
    assert set(load_crd_schemas([tmp_path / "crd.yaml"])) == {("example.com/v1", "Widget")}


def test_valid_widget(registry: SchemaRegistry) -> None:
    body = _widget(size=2, port="http", note=None, extra={"anything": [1]},
                   template={"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
                             "spec": {"x": 1}})
    assert _errors(registry, body) == []
    assert _errors(registry, _widget(size=1, port=8080)) == []


def test_strict_where_properties_are_declared(registry: SchemaRegistry) -> None:
    assert _errors(registry, _widget(size=1, colour="red")) == [
        ("spec.colour", "unknown field 'colour'")]
    body = _widget(size=1)
    body["metadata"]["labelz"] = {}
    assert [p for p, _ in _errors(registry, body)] == ["metadata.labelz"]
    body = _widget(size=1)
    body["sepc"] = {}
    assert [p for p, _ in _errors(registry, body)] == ["sepc"]


def test_types_nullable_int_or_string_embedded(registry: SchemaRegistry) -> None:
    assert [p for p, _ in _errors(registry, _widget(size="2"))] == ["spec.size"]
    assert [p for p, _ in _errors(registry, _widget(size=0))] == ["spec.size"]
    assert [p for p, _ in _errors(registry, _widget(size=1, port=1.5))] == ["spec.port"]
    assert [p for p, _ in _errors(registry, _widget())] == ["spec.size"]
    assert [p for p, _ in _errors(registry, _widget(size=1, template={"spec": {}}))] == [
        "spec.template.apiVersion", "spec.template.kind"]


def test_nullable_adds_null_to_enum() -> None:
    converted = convert({"type": "string", "enum": ["a"], "nullable": True})
    assert converted == {"type": ["string", "null"], "enum": ["a", None]}


def test_combinator_branches_stay_open() -> None:
    converted = convert({"type": "object", "properties": {"a": {"type": "string"}},
                         "oneOf": [{"properties": {"a": {"pattern": "x"}}}]})
    assert converted["additionalProperties"] is False
    assert "additionalProperties" not in converted["oneOf"][0]


def test_missing_crd_path_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such CRD"):
        load_crd_schemas([tmp_path / "nope.yaml"])


def test_upstream_crds_load_every_kind_labgen_ships(upstream_crds: tuple[Path, ...]) -> None:
    from labgen.validation.registry import shipped_kinds

    schemas = load_crd_schemas(upstream_crds)
    assert set(shipped_kinds()) <= set(schemas)
