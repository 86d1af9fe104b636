"""Rule ``schema``: every document against the strict schema of its kind."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from ..errors import printable
from ..findings import Finding
from ..manifests import Document
from .compiler import Errors
from .registry import SchemaRegistry
from .removed_apis import removal_message

RULE = "schema"
UNKNOWN_KIND = "unknown-kind"


def schema_findings(documents: Iterable[Document], registry: SchemaRegistry) -> Iterator[Finding]:
    for doc in documents:
        body = doc.body
        if not isinstance(body, dict):
            yield Finding.at(doc, "", RULE, "error",
                          "a Kubernetes manifest must be a mapping")
            continue
        api_version, kind = body.get("apiVersion"), body.get("kind")
        if not isinstance(api_version, str) or not api_version:
            yield Finding.at(doc, "apiVersion", RULE, "error", "is required")
            continue
        if not isinstance(kind, str) or not kind:
            yield Finding.at(doc, "kind", RULE, "error", "is required")
            continue
        check = registry.check_for(api_version, kind)
        if check is None:
            yield Finding.at(doc, "", UNKNOWN_KIND, "error",
                          _no_schema(api_version, kind, registry.kubernetes_version))
            continue
        errors: Errors = []
        check(body, "", errors)
        for path, message in errors:
            yield Finding.at(doc, path, RULE, "error", message)


def _no_schema(api_version: str, kind: str, kubernetes_version: str) -> str:
    removed = removal_message(api_version, kind, kubernetes_version)
    if removed is not None:
        return f"{removed} (target Kubernetes {kubernetes_version})"
    return (f"no schema for {printable(kind)} ({printable(api_version)}) at Kubernetes "
            f"{kubernetes_version}; "
            "pass its CRD with --crds")
