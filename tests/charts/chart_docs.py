"""Lookups in rendered chart documents, shared by the chart tests.

Imported as ``from chart_docs import ...``: pytest's default (prepend) import
mode puts this folder on ``sys.path`` for the test modules in it.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

#: A rendered Kubernetes document, as ``render_umbrella`` returns it.
Doc = dict[str, Any]


def one(docs: list[Doc], kind: str, name: str) -> Doc:
    """The single document of ``kind`` named ``name``; fails unless there is exactly one."""
    found = [d for d in docs if d["kind"] == kind and d["metadata"]["name"] == name]
    assert len(found) == 1, f"expected one {kind}/{name}, found {len(found)}"
    return found[0]


def service_port(docs: list[Doc], url: str) -> tuple[Doc, dict[str, Any]]:
    """The Service and Service port that ``url`` (http://svc.ns[.svc.cluster.local]:port) names."""
    parts = urlsplit(url)
    host, port = parts.hostname or "", parts.port
    name, _, rest = host.partition(".")
    namespace = rest.removesuffix(".svc.cluster.local").removesuffix(".svc")
    services = [d for d in docs if d["kind"] == "Service" and d["metadata"]["name"] == name
                and d["metadata"]["namespace"] == namespace]
    assert services, f"{url}: no Service {name} in namespace {namespace!r}"
    ports = [p for p in services[0]["spec"]["ports"] if p["port"] == port]
    assert ports, f"{url}: Service {name} has no port {port}"
    return services[0], ports[0]


def strictly_valid(docs: list[Doc], source: str) -> list[Doc]:
    """The documents rendered from templates under ``source``, each checked against
    kubernetes-validate's strict Kubernetes 1.34 schema (unknown fields are errors)."""
    import kubernetes_validate

    mine = [d for d in docs if d["__source__"].startswith(source)]
    assert mine, f"nothing rendered from {source}"
    for doc in mine:
        manifest = {k: v for k, v in doc.items() if k != "__source__"}
        kubernetes_validate.validate(manifest, "1.34.0", strict=True)
    return mine
