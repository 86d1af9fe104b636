"""vs-subset: a route subset is a DestinationRule subset whose labels select a pod template.

Passes::

    kind: DestinationRule    # host: backend-app, subsets: [{name: v1, labels: {version: v1}}]
    kind: Deployment         # template labels {app: backend-app, version: v1}
    kind: VirtualService     # route: [{destination: {host: backend-app, subset: v1}}]

Fails: ``subset: v4`` that no DestinationRule of ``backend-app`` defines, or a
subset whose labels (with the Service's selector) select no pod template.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..findings import Finding, Severity, ValidationOptions
from .inventory import Inventory, Reporter, service_selector
from .mesh import destination_rules, destinations, subset_labels

ID = "vs-subset"
SEVERITY: Severity = "error"
report = Reporter(ID, SEVERITY)


def run(inventory: Inventory, options: ValidationOptions) -> Iterator[Finding]:
    for vs in inventory.kind("VirtualService"):
        for path, destination in destinations(vs):
            host, subset = destination.get("host"), destination.get("subset")
            if not isinstance(host, str) or not isinstance(subset, str):
                continue
            rules = destination_rules(inventory, host, vs.namespace)
            labels = next((found for rule in rules
                           if (found := subset_labels(rule, subset)) is not None), None)
            if labels is None:
                if not rules and not inventory.complete:
                    continue  # part of a run: its DestinationRules may be in other files
                yield report(vs, f"{path}.subset", f"subset {subset!r} of {host!r} is not "
                             "defined by any DestinationRule")
                continue
            if not inventory.judges_templates():
                continue
            services = inventory.resolve_host(host, vs.namespace) or []
            selectors = [dict(service_selector(s)) for s in services] or [{}]
            if not any(inventory.templates_selected({**selector, **labels}, vs.namespace)
                       for selector in selectors):
                shown = ", ".join(f"{k}={v}" for k, v in sorted(labels.items()))
                yield report(vs, f"{path}.subset", f"subset {subset!r} of {host!r} "
                             f"({shown or 'no labels'}) selects no pod template")
