"""Kubernetes core kinds: kubernetes-validate's bundled strict schemas, compiled once.

The package ships ``kubernetes-json-schema/v<minor>.0-local-strict/`` with one
file per kind (``deployment-apps-v1.json``) and a shared ``_definitions.json``.
Definitions are compiled once per Kubernetes version and shared by every kind,
so a second Deployment costs a dictionary look-up.
"""

from __future__ import annotations

import importlib.util
import json
import re
from functools import cache
from pathlib import Path
from typing import Any

from .compiler import Check, RefResolver, compile_schema

_GROUP = re.compile(r"^([^./]*)(?:\.[^/]*)?/")


@cache
def _schemas_root() -> Path:
    """kubernetes-validate's bundled schemas, found without importing the package (its
    import pulls in jsonschema and more, about 50 ms, for a folder name)."""
    spec = importlib.util.find_spec("kubernetes_validate")
    locations = spec.submodule_search_locations if spec else None
    if not locations:
        raise ModuleNotFoundError("kubernetes_validate is not installed")
    return Path(next(iter(locations))) / "kubernetes-json-schema"


def schema_folder(kubernetes_version: str) -> Path:
    """The strict schema folder for ``1.34`` (or ``v1.34.2``)."""
    minor = ".".join(kubernetes_version.lstrip("v").split(".")[:2])
    return _schemas_root() / f"v{minor}.0-local-strict"


def supported_versions() -> list[str]:
    root = _schemas_root()
    found = (p.name[1:].split(".0-")[0] for p in root.glob("v*-local-strict"))
    return sorted(found, key=lambda v: tuple(int(x) for x in v.split(".")))


def is_core_api(api_version: str) -> bool:
    """Kubernetes' own API groups: ``v1``, ``apps/v1``, ``*.k8s.io/*``."""
    if "/" not in api_version:
        return True
    group = api_version.split("/", 1)[0]
    return "." not in group or group.endswith(".k8s.io")


_KIND = re.compile(r"[A-Za-z][A-Za-z0-9]{0,62}")
_API_VERSION = re.compile(r"(?:[a-z0-9.-]{1,253}/)?v[0-9a-z]{1,20}")


def schema_file_name(api_version: str, kind: str) -> str:
    group_version = _GROUP.sub(r"\1-", api_version)
    return f"{kind.lower()}-{group_version}.json"


@cache
def _resolver(folder: Path) -> RefResolver:
    definitions = json.loads((folder / "_definitions.json").read_text(encoding="utf-8"))
    return RefResolver(definitions["$defs"])


def load_definitions(kubernetes_version: str) -> None:
    """Read the version's shared definitions now, which the first check of a core kind
    would otherwise read (nothing for a version without schemas)."""
    folder = schema_folder(kubernetes_version)
    if (folder / "_definitions.json").is_file():
        _resolver(folder)


@cache
def core_check(kubernetes_version: str, api_version: str, kind: str) -> Check | None:
    """The compiled strict validator of a core kind, or None if the version has no schema."""
    if not _KIND.fullmatch(kind) or not _API_VERSION.fullmatch(api_version):
        return None  # not a kind's name (a path, 5,000 characters): unknown-kind, no file read
    folder = schema_folder(kubernetes_version)
    path = folder / schema_file_name(api_version, kind)
    if not is_core_api(api_version) or not path.is_file():
        return None
    schema: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return compile_schema(schema, _resolver(folder))
