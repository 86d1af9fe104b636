"""vs-gateway: every gateway a VirtualService binds to exists (``mesh``, ``name``, ``ns/name``).

Passes::

    kind: Gateway          # frontend-gateway in namespace olympic
    kind: VirtualService   # namespace olympic, gateways: [frontend-gateway, mesh]

Fails: ``gateways: [frontend-gatway]`` (a typo: no Gateway of that name in the
VirtualService's namespace), or ``gateways: [istio-system/frontend-gateway]`` when the
Gateway is in ``olympic``. The routes bound to a missing Gateway never receive traffic.
For part of a run (``validate PATH``) a Gateway not among the files is not judged.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..findings import Finding, Severity, ValidationOptions
from .inventory import Inventory, Reporter
from .mesh import gateway_key, gateway_refs

ID = "vs-gateway"
SEVERITY: Severity = "error"
report = Reporter(ID, SEVERITY)


def run(inventory: Inventory, options: ValidationOptions) -> Iterator[Finding]:
    if not inventory.judges_absence():
        return
    known = {(gw.namespace, gw.name) for gw in inventory.kind("Gateway")}
    names = {gw.name for gw in inventory.kind("Gateway")}
    for vs in inventory.kind("VirtualService"):
        for path, reference in gateway_refs(vs):
            if reference == "mesh":
                continue
            namespace, name = gateway_key(reference, vs.namespace)
            if (namespace, name) in known or (not namespace and name in names):
                continue
            if any(gw_name == name and not gw_ns for gw_ns, gw_name in known):
                continue  # a Gateway in the release namespace
            hint = "; a Gateway of that name is in another namespace: write ns/name" \
                if name in names else ""
            yield report(vs, path, f"gateway {reference!r} does not exist"
                         f"{' in namespace ' + repr(namespace) if namespace else ''}{hint}")
