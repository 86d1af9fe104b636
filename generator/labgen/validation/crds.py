"""CustomResourceDefinitions a user has, turned into strict JSON Schemas.

Reads ``kubectl get crd -o yaml`` output (a ``List``), an Istio release's CRD
file, or single CRD documents; for each *served* version converts its
``openAPIV3Schema`` (a Kubernetes structural schema) into JSON Schema:

* ``nullable: true`` adds ``null`` to the type (and the enum);
* ``x-kubernetes-int-or-string`` becomes ``anyOf: [integer, string]``;
* ``x-kubernetes-preserve-unknown-fields`` keeps unknown fields;
* ``x-kubernetes-embedded-resource`` adds ``apiVersion``/``kind``/``metadata``;
* everywhere else that declares ``properties``, unknown fields are rejected
  (``additionalProperties: false``): what the API server would prune silently
  is a typo in a GitOps repository;
* the root gets ``apiVersion``, ``kind`` and ``metadata`` (checked against
  labgen's ObjectMeta schema), as the API server adds them.

``x-kubernetes-validations`` (CEL rules) are not evaluated.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..yaml_io import YAMLError, safe_load_all

#: (apiVersion, kind) -> JSON Schema
CrdSchemas = dict[tuple[str, str], dict[str, Any]]

_COMBINATORS = ("allOf", "anyOf", "oneOf")


def load_crd_schemas(paths: Iterable[Path]) -> CrdSchemas:
    """JSON Schemas of every served version of every CRD under ``paths``."""
    schemas: CrdSchemas = {}
    for file in _yaml_files(paths):
        for crd in _crds_in(file):
            schemas.update(crd_schemas(crd, str(file)))
    return schemas


def _yaml_files(paths: Iterable[Path]) -> Iterator[Path]:
    for path in paths:
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*") if p.suffix in (".yaml", ".yml", ".json"))
        elif path.is_file():
            yield path
        else:
            raise InputError("no such CRD file or folder", file=str(path))


def _crds_in(file: Path) -> Iterator[Mapping[str, Any]]:
    try:
        documents = safe_load_all(file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read CRD file: {exc}", file=str(file)) from None
    except YAMLError as exc:
        raise InputError(f"invalid YAML: {exc}", file=str(file)) from None
    for document in documents:
        if not isinstance(document, Mapping):
            continue
        if document.get("kind") == "List":
            yield from (item for item in document.get("items") or [] if _is_crd(item))
        elif _is_crd(document):
            yield document


def _is_crd(document: Any) -> bool:
    return isinstance(document, Mapping) and document.get("kind") == "CustomResourceDefinition"


def crd_schemas(crd: Mapping[str, Any], origin: str = "") -> CrdSchemas:
    spec = crd.get("spec") or {}
    group = spec.get("group")
    kind = (spec.get("names") or {}).get("kind")
    if not group or not kind:
        raise InputError("a CustomResourceDefinition without spec.group or spec.names.kind",
                         file=origin or None)
    schemas: CrdSchemas = {}
    for version in spec.get("versions") or []:
        if not version.get("served", True):
            continue
        source = ((version.get("schema") or {}).get("openAPIV3Schema")
                  or (spec.get("validation") or {}).get("openAPIV3Schema") or {"type": "object"})
        api_version = f"{group}/{version['name']}"
        schemas[(api_version, kind)] = root_schema(source, api_version, kind)
    return schemas


def root_schema(source: Mapping[str, Any], api_version: str, kind: str) -> dict[str, Any]:
    """The JSON Schema of a whole custom resource of ``kind``."""
    schema = convert(source)
    properties = dict(schema.get("properties") or {})
    properties["apiVersion"] = {"type": "string", "enum": [api_version]}
    properties["kind"] = {"type": "string", "enum": [kind]}
    properties["metadata"] = {"$ref": "#/$defs/ObjectMeta"}
    schema["properties"] = properties
    schema["required"] = sorted({*schema.get("required", ()), "apiVersion", "kind"})
    if not source.get("x-kubernetes-preserve-unknown-fields"):
        schema["additionalProperties"] = False
    return schema


def convert(node: Mapping[str, Any], *, in_combinator: bool = False) -> dict[str, Any]:
    """One structural-schema node as JSON Schema (see the module docstring)."""
    out: dict[str, Any] = {
        key: _convert_value(key, value, in_combinator)
        for key, value in node.items() if not _dropped(key)
    }
    _kubernetes_extensions(node, out)
    strict = ("properties" in out and not node.get("x-kubernetes-preserve-unknown-fields")
              and "additionalProperties" not in node and not in_combinator)
    if strict:
        out["additionalProperties"] = False
    if node.get("nullable"):
        _allow_null(out)
    return out


def _dropped(key: str) -> bool:
    """Keys JSON Schema does not know (or that only document), left out."""
    return key.startswith("x-kubernetes-") or key in ("nullable", "description", "example",
                                                      "externalDocs")


def _convert_value(key: str, value: Any, in_combinator: bool) -> Any:
    if key == "properties":
        return {name: convert(sub, in_combinator=in_combinator) for name, sub in value.items()}
    if key == "items" or (key == "additionalProperties" and isinstance(value, Mapping)):
        return convert(value, in_combinator=in_combinator)
    if key in _COMBINATORS:
        return [convert(sub, in_combinator=True) for sub in value]
    if key == "not":
        return convert(value, in_combinator=True)
    return value


def _kubernetes_extensions(node: Mapping[str, Any], out: dict[str, Any]) -> None:
    """``x-kubernetes-int-or-string`` and ``x-kubernetes-embedded-resource`` in JSON Schema."""
    if node.get("x-kubernetes-int-or-string"):
        out.pop("type", None)
        if "anyOf" not in out:
            out["anyOf"] = [{"type": "integer"}, {"type": "string"}]
    if node.get("x-kubernetes-embedded-resource"):
        properties = dict(out.get("properties") or {})
        properties.setdefault("apiVersion", {"type": "string"})
        properties.setdefault("kind", {"type": "string"})
        properties.setdefault("metadata", {"$ref": "#/$defs/ObjectMeta"})
        out["properties"] = properties
        out["required"] = sorted({*out.get("required", ()), "apiVersion", "kind"})


def _allow_null(out: dict[str, Any]) -> None:
    if "type" in out:
        declared = out["type"]
        out["type"] = [*declared, "null"] if isinstance(declared, list) else [declared, "null"]
    if "enum" in out and None not in out["enum"]:
        out["enum"] = [*out["enum"], None]
    if "anyOf" in out:
        out["anyOf"] = [*out["anyOf"], {"type": "null"}]
