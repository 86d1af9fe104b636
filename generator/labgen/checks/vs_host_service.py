"""vs-host-service: VirtualService hosts and route destinations name existing Services.

Passes::

    kind: Service            # metadata.name: backend-app
    ---
    kind: VirtualService     # spec.hosts: [backend-app]
    spec: {http: [{route: [{destination: {host: backend-app}}]}]}

Fails (no Service ``backend-ap``)::

    kind: VirtualService
    spec: {hosts: [backend-ap], http: [{route: [{destination: {host: backend-ap}}]}]}

Hosts of a VirtualService bound only to gateways are external names and are
not checked; its destinations are. Names outside the cluster (``example.com``)
are skipped.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..findings import Finding, Severity, ValidationOptions
from .inventory import Inventory, Reporter, as_list, as_map
from .mesh import applies_to_mesh, destinations

ID = "vs-host-service"
SEVERITY: Severity = "error"
report = Reporter(ID, SEVERITY)


def run(inventory: Inventory, options: ValidationOptions) -> Iterator[Finding]:
    for vs in inventory.kind("VirtualService"):
        if applies_to_mesh(vs):
            for index, host in enumerate(as_list(as_map(vs.body.get("spec")).get("hosts"))):
                if inventory.resolve_host(str(host), vs.namespace) == []:
                    yield report(vs, f"spec.hosts[{index}]", f"host {host!r} is not a Service")
        for path, destination in destinations(vs):
            host = destination.get("host")
            if isinstance(host, str) and inventory.resolve_host(host, vs.namespace) == []:
                yield report(vs, f"{path}.host", f"destination host {host!r} is not a Service")
