"""service-selector: a Service's selector matches a pod template, its targetPorts a container port.

Passes::

    kind: Service      # selector {app: backend-app}, ports [{port: 8081, targetPort: 8081}]
    kind: Deployment   # template labels {app: backend-app, version: v1}, containerPort 8081

Fails: selector ``{app: backend}`` that no pod template carries; or
``targetPort: http`` when no selected container declares a port named ``http``;
or ``targetPort: 9000`` when the selected containers declare ports and none is 9000.

Services without a selector (headless to external endpoints) are skipped.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..findings import Finding, Severity, ValidationOptions
from .inventory import Inventory, Reporter, service_ports, service_selector

ID = "service-selector"
SEVERITY: Severity = "error"
report = Reporter(ID, SEVERITY)


def run(inventory: Inventory, options: ValidationOptions) -> Iterator[Finding]:
    for service in inventory.kind("Service"):
        selector = service_selector(service)
        if not selector or not inventory.judges_templates():
            continue
        selection = inventory.selection(selector, service.namespace)
        if not selection.templates:
            shown = ", ".join(f"{k}={v}" for k, v in sorted(selector.items()))
            yield report(service, "spec.selector", f"selector {shown} matches no pod template")
            continue
        numbers, names = selection.port_targets()
        for index, port in enumerate(service_ports(service)):
            target = port.get("targetPort", port.get("port"))
            path = f"spec.ports[{index}].targetPort"
            if isinstance(target, str) and not target.isdigit() and target not in names:
                yield report(service, path, f"targetPort {target!r} is not a named container "
                             "port of the selected pods")
            elif isinstance(target, int | str) and str(target).isdigit() and numbers \
                    and int(target) not in numbers:
                yield report(service, path, f"targetPort {target} is not a container port of "
                             f"the selected pods ({', '.join(map(str, sorted(numbers)))})")
