"""vs-host-conflict: no two VirtualServices claim one host for the mesh in one namespace.

Passes: one VirtualService ``backend-app`` for host ``backend-app`` with all its routes.

Fails::

    kind: VirtualService   # canary,  hosts: [backend-app]   (sidecars: gateways unset)
    kind: VirtualService   # all-v3,  hosts: [backend-app]

Sidecars do not merge VirtualServices: one of the two is ignored, which one is
undefined. (Gateway-bound VirtualServices are merged by Istio and not judged.)
"""

from __future__ import annotations

from collections.abc import Iterator

from ..findings import Finding, Severity, ValidationOptions
from ..manifests import Document
from .inventory import Inventory, Reporter, as_list, as_map
from .mesh import applies_to_mesh

ID = "vs-host-conflict"
SEVERITY: Severity = "error"
report = Reporter(ID, SEVERITY)


def run(inventory: Inventory, options: ValidationOptions) -> Iterator[Finding]:
    claims: dict[tuple[str, str], list[tuple[Document, str]]] = {}
    for vs in inventory.kind("VirtualService"):
        if not applies_to_mesh(vs):
            continue
        for index, host in enumerate(as_list(as_map(vs.body.get("spec")).get("hosts"))):
            key = (vs.namespace, _qualified(str(host), vs.namespace))
            claims.setdefault(key, []).append((vs, f"spec.hosts[{index}]"))
    for (_namespace, host), found in claims.items():
        if len({doc.key for doc, _path in found}) < 2:
            continue
        first = found[0][0]
        for doc, path in found[1:]:
            if doc.key != first.key:
                yield report(doc, path, f"host {host!r} is also claimed by VirtualService "
                             f"{first.name!r} ({first.file}); sidecars use only one of them: "
                             "merge their routes into one VirtualService")


def _qualified(host: str, namespace: str) -> str:
    """``name`` and ``name.ns(.svc.cluster.local)`` as one spelling."""
    parts = host.split(".")
    if len(parts) == 1 and namespace and host != "*":
        return f"{host}.{namespace}.svc.cluster.local"
    if len(parts) == 2 or (len(parts) == 3 and parts[2] == "svc"):
        return f"{parts[0]}.{parts[1]}.svc.cluster.local"
    return host
