"""Which schema validates a document: user CRDs, labgen's own schemas, core kinds.

Look-up order for ``(apiVersion, kind)``:

1. CRDs loaded with ``--crds`` (the user's cluster is the authority);
2. the schemas labgen ships under ``validation/schemas/`` for the custom
   resources it generates (Istio networking/telemetry, Argo CD);
3. kubernetes-validate's strict schemas for Kubernetes' own API groups.

Compiled validators are cached, so each kind is compiled once per process.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

from .compiler import Check, RefResolver, compile_schema
from .crds import CrdSchemas, load_crd_schemas
from .kube_schemas import core_check

SCHEMA_DIR = Path(__file__).parent / "schemas"


@cache
def shipped_definitions() -> dict[str, Any]:
    """The shared ``$defs`` of labgen's schemas (ObjectMeta, Istio and Argo CD parts)."""
    data: dict[str, Any] = json.loads(
        (SCHEMA_DIR / "_definitions.json").read_text(encoding="utf-8"))
    return dict(data["$defs"])


def shipped_schema_file(api_version: str, kind: str) -> Path:
    return SCHEMA_DIR / f"{kind.lower()}-{api_version.replace('/', '-')}.json"


def shipped_kinds() -> list[tuple[str, str]]:
    """``(apiVersion, kind)`` of every schema labgen ships."""
    kinds = []
    for file in sorted(SCHEMA_DIR.glob("*-*.json")):
        schema = json.loads(file.read_text(encoding="utf-8"))
        props = schema["properties"]
        kinds.append((props["apiVersion"]["enum"][0], props["kind"]["enum"][0]))
    return kinds


def with_definitions(schema: Mapping[str, Any]) -> dict[str, Any]:
    """A self-contained schema: ``schema`` plus the shared ``$defs`` (for jsonschema too)."""
    return {**schema, "$defs": shipped_definitions()}


@cache
def _shipped_resolver() -> RefResolver:
    return RefResolver(shipped_definitions())


@cache
def shipped_check(api_version: str, kind: str) -> Check | None:
    file = shipped_schema_file(api_version, kind)
    if not file.is_file():
        return None
    return compile_schema(json.loads(file.read_text(encoding="utf-8")), _shipped_resolver())


@cache
def _crd_checks(crd_paths: tuple[Path, ...]) -> dict[tuple[str, str], Check]:
    schemas: CrdSchemas = load_crd_schemas(crd_paths)
    resolver = _shipped_resolver()
    return {key: compile_schema(schema, resolver) for key, schema in schemas.items()}


class SchemaRegistry:
    """Finds (and caches) the compiled validator for each document kind."""

    def __init__(self, kubernetes_version: str, crd_paths: tuple[Path, ...] = ()) -> None:
        self.kubernetes_version = kubernetes_version
        self._crds = _crd_checks(tuple(p.resolve() for p in crd_paths)) if crd_paths else {}

    def check_for(self, api_version: str, kind: str) -> Check | None:
        found = self._crds.get((api_version, kind))
        if found is not None:
            return found
        found = shipped_check(api_version, kind)
        if found is not None:
            return found
        return core_check(self.kubernetes_version, api_version, kind)

    def known_crd_kinds(self) -> set[tuple[str, str]]:
        return set(self._crds)
