"""container-resources (warning): every container declares resource requests or limits.

Passes: ``resources: {requests: {cpu: 10m, memory: 64Mi}}``.

Fails: no ``resources`` or ``resources: {}``: the scheduler cannot place the pod
sensibly and one noisy container can starve the node.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..findings import Finding, Severity, ValidationOptions
from .inventory import Inventory, Reporter, as_map

ID = "container-resources"
SEVERITY: Severity = "warning"
report = Reporter(ID, SEVERITY)


def run(inventory: Inventory, options: ValidationOptions) -> Iterator[Finding]:
    for template in inventory.templates:
        for path, container in template.containers():
            resources = as_map(container.get("resources"))
            if not resources.get("requests") and not resources.get("limits"):
                yield report(template.doc, f"{path}.resources",
                             f"container {container.get('name')!r} has no resource requests "
                             "or limits")
