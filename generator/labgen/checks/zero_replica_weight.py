"""zero-replica-weight: no traffic weight on a subset whose workloads run zero replicas.

Passes: ``weight: 0`` on subset v3 whose Deployment has ``replicas: 0``.

Fails::

    kind: Deployment        # backend-app-v3, replicas: 0, labels {app: backend-app, version: v3}
    kind: VirtualService    # route: [{destination: {host: backend-app, subset: v3}, weight: 20}]

The requests sent there fail with 503 (no healthy upstream).
"""

from __future__ import annotations

from collections.abc import Iterator

from ..findings import Finding, Severity, ValidationOptions
from .inventory import Inventory, Reporter, as_map, service_selector
from .mesh import destination_rules, route_groups, subset_labels

ID = "zero-replica-weight"
SEVERITY: Severity = "error"
report = Reporter(ID, SEVERITY)


def run(inventory: Inventory, options: ValidationOptions) -> Iterator[Finding]:
    for vs in inventory.kind("VirtualService"):
        for path, group in route_groups(vs):
            for index, item in enumerate(group):
                weight = item.get("weight", 100 if len(group) == 1 else 0)
                destination = as_map(item.get("destination"))
                host, subset = destination.get("host"), destination.get("subset")
                if not isinstance(weight, int) or weight <= 0 or not isinstance(host, str):
                    continue
                selector = dict(next((service_selector(s) for s in
                                      inventory.resolve_host(host, vs.namespace) or []), {}))
                if isinstance(subset, str):
                    labels = next((found for rule in destination_rules(inventory, host,
                                                                       vs.namespace)
                                   if (found := subset_labels(rule, subset)) is not None), None)
                    if labels is None:
                        continue  # vs-subset reports it
                    selector.update(labels)
                templates = inventory.templates_selected(selector, vs.namespace)
                if templates and all(t.replicas == 0 for t in templates):
                    names = ", ".join(sorted(t.doc.name for t in templates))
                    yield report(vs, f"{path}[{index}].weight",
                                 f"weight {weight} goes to {host}"
                                 f"{'/' + subset if subset else ''}, whose workloads ({names}) "
                                 "have 0 replicas")
