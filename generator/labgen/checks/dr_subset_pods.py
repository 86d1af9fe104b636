"""dr-subset-pods: every DestinationRule subset selects a pod template.

Passes::

    kind: Service           # backend-app, selector {app: backend-app}
    kind: Deployment        # labels {app: backend-app, version: v2}
    kind: DestinationRule   # host backend-app, subsets [{name: v2, labels: {version: v2}}]

Fails: a subset ``v4`` with ``labels: {version: v4}`` when no workload of the
host's Service carries ``version: v4``: routing to it returns 503 (no healthy
upstream). For part of a run (``validate PATH``) it is not judged.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..findings import Finding, Severity, ValidationOptions
from .inventory import Inventory, Reporter, as_list, as_map, service_selector

ID = "dr-subset-pods"
SEVERITY: Severity = "warning"
report = Reporter(ID, SEVERITY)


def run(inventory: Inventory, options: ValidationOptions) -> Iterator[Finding]:
    if not inventory.judges_absence():
        return
    for rule in inventory.kind("DestinationRule"):
        spec = as_map(rule.body.get("spec"))
        host = spec.get("host")
        services = inventory.resolve_host(host, rule.namespace) if isinstance(host, str) else None
        if not services:
            continue  # not an in-cluster Service (dr-host-service reports a missing one)
        selectors = [dict(service_selector(s)) for s in services]
        for index, subset in enumerate(as_list(spec.get("subsets"))):
            labels = as_map(as_map(subset).get("labels"))
            if not labels or any(inventory.templates_selected({**selector, **labels},
                                                              services[0].namespace)
                                 for selector in selectors if selector):
                continue
            shown = ", ".join(f"{k}={v}" for k, v in sorted(labels.items()))
            yield report(rule, f"spec.subsets[{index}].labels",
                         f"subset {as_map(subset).get('name')!r} ({shown}) selects no pod "
                         f"template of Service {host!r}")
