"""nodeport-exposure (warning): NodePort Services are open to anyone who reaches a node.

On OKE the hands-on opened 30000-65535 from 0.0.0.0/0 for its NodePorts. Keep
the warning unless the node ports are restricted by a security list/NSG.

Passes: ``type: ClusterIP`` (reach it with ``kubectl port-forward``).

Fails: ``type: NodePort``.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..findings import Finding, Severity, ValidationOptions
from .inventory import Inventory, Reporter, as_map

ID = "nodeport-exposure"
SEVERITY: Severity = "warning"
report = Reporter(ID, SEVERITY)


def run(inventory: Inventory, options: ValidationOptions) -> Iterator[Finding]:
    for service in inventory.kind("Service"):
        if as_map(service.body.get("spec")).get("type") == "NodePort":
            yield report(service, "spec.type", f"Service {service.name!r} is a NodePort, open "
                         "to anyone who reaches a node unless the network restricts it")
