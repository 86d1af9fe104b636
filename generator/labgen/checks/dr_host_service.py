"""dr-host-service: a DestinationRule's host is a Service.

Passes: ``kind: DestinationRule`` with ``host: backend-app`` and a Service ``backend-app``.

Fails: ``host: backend`` with no Service ``backend`` (the subsets then apply to nothing).
"""

from __future__ import annotations

from collections.abc import Iterator

from ..findings import Finding, Severity, ValidationOptions
from .inventory import Inventory, Reporter, as_map

ID = "dr-host-service"
SEVERITY: Severity = "error"
report = Reporter(ID, SEVERITY)


def run(inventory: Inventory, options: ValidationOptions) -> Iterator[Finding]:
    for rule in inventory.kind("DestinationRule"):
        host = as_map(rule.body.get("spec")).get("host")
        if isinstance(host, str) and inventory.resolve_host(host, rule.namespace) == []:
            yield report(rule, "spec.host", f"host {host!r} is not a Service")
