"""Which schema validates a document: user CRDs, labgen's own schemas, core kinds.

Look-up order for ``(apiVersion, kind)``:

1. CRDs loaded with ``--crds`` (the user's cluster is the authority);
2. CRDs pulled into the user's cache for the versions the environment pins
   (``labgen crds pull``, :mod:`labgen.crd_cache`), each file loaded when a document
   of one of its kinds is validated;
3. labgen's built-in schemas (``validation/schemas/``) for every Istio 1.30
   kind at every served version and Argo CD 3.5's Application, ApplicationSet
   and AppProject;
4. kubernetes-validate's strict schemas for Kubernetes' own API groups.

Compiled validators are cached, so each kind is compiled once per process.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .compiler import Check, RefResolver, compile_schema
from .crds import CrdSchemas, crd_schemas, load_crd_schemas
from .kube_schemas import core_check, load_definitions
from .schemas import builtin_definitions, builtin_kinds, builtin_schema

if TYPE_CHECKING:
    from ..crd_cache import CrdEntry


@cache
def shipped_definitions() -> dict[str, Any]:
    """The shared ``$defs`` of labgen's schemas (ObjectMeta, Istio and Argo CD types)."""
    return builtin_definitions()


def shipped_kinds() -> list[tuple[str, str]]:
    """``(apiVersion, kind)`` of every schema labgen ships."""
    return builtin_kinds()


def shipped_schema(api_version: str, kind: str) -> dict[str, Any] | None:
    """labgen's own JSON Schema of ``kind`` at ``api_version`` (without ``$defs``), or None."""
    return builtin_schema(api_version, kind)


def with_definitions(schema: Mapping[str, Any]) -> dict[str, Any]:
    """A self-contained schema: ``schema`` plus the shared ``$defs`` (for jsonschema too)."""
    return {**schema, "$defs": shipped_definitions()}


@cache
def _shipped_resolver() -> RefResolver:
    return RefResolver(shipped_definitions())


def warm(kubernetes_version: str) -> None:
    """Pay ahead what the first document's check costs whatever its kind: the Kubernetes
    version's definitions and labgen's own (a render does it while Helm renders)."""
    load_definitions(kubernetes_version)
    _shipped_resolver()


@cache
def shipped_check(api_version: str, kind: str) -> Check | None:
    """The compiled validator of a built-in kind (once per process; types compile once)."""
    schema = builtin_schema(api_version, kind)
    if schema is None:
        return None
    return compile_schema(schema, _shipped_resolver())


@cache
def _crd_checks(crd_paths: tuple[Path, ...]) -> dict[tuple[str, str], Check]:
    schemas: CrdSchemas = load_crd_schemas(crd_paths)
    resolver = _shipped_resolver()
    return {key: compile_schema(schema, resolver) for key, schema in schemas.items()}


@cache
def _pulled_file(path: Path) -> CrdSchemas:
    """The schemas of one pulled CRD file (JSON; verified when its entry was selected)."""
    return crd_schemas(json.loads(path.read_text(encoding="utf-8")), str(path))


@cache
def _pulled_check(path: Path, api_version: str, kind: str) -> Check | None:
    schema = _pulled_file(path).get((api_version, kind))
    return None if schema is None else compile_schema(schema, _shipped_resolver())


class SchemaRegistry:
    """Finds (and caches) the compiled validator for each document kind."""

    def __init__(self, kubernetes_version: str, crd_paths: tuple[Path, ...] = (),
                 pulled: tuple[CrdEntry, ...] = ()) -> None:
        self.kubernetes_version = kubernetes_version
        self._crds = _crd_checks(tuple(p.resolve() for p in crd_paths)) if crd_paths else {}
        self._pulled = {(api, kind): entry.folder / name
                        for entry in pulled for api, kind, name in entry.kinds}

    def check_for(self, api_version: str, kind: str) -> Check | None:
        found = self._crds.get((api_version, kind))
        if found is not None:
            return found
        pulled = self._pulled.get((api_version, kind))
        if pulled is not None:
            found = _pulled_check(pulled, api_version, kind)
            if found is not None:
                return found
        found = shipped_check(api_version, kind)
        if found is not None:
            return found
        return core_check(self.kubernetes_version, api_version, kind)

    def known_crd_kinds(self) -> set[tuple[str, str]]:
        return set(self._crds) | set(self._pulled)
