"""service-port-names: a Service with more than one port names every port.

Passes: ``ports: [{name: http, port: 80}, {name: grpc, port: 9090}]``.

Fails: ``ports: [{port: 80}, {name: grpc, port: 9090}]``: the API server refuses
it (``spec.ports[0].name: Required value``); Istio also reads the protocol from the
port name (``http-*``, ``grpc-*``).
"""

from __future__ import annotations

from collections.abc import Iterator

from ..findings import Finding, Severity, ValidationOptions
from .inventory import Inventory, Reporter, service_ports

ID = "service-port-names"
SEVERITY: Severity = "error"
report = Reporter(ID, SEVERITY)


def run(inventory: Inventory, options: ValidationOptions) -> Iterator[Finding]:
    for service in inventory.kind("Service"):
        ports = service_ports(service)
        if len(ports) < 2:
            continue
        for index, port in enumerate(ports):
            if not port.get("name"):
                yield report(service, f"spec.ports[{index}]",
                             f"port {port.get('port')} has no name; a Service with "
                             f"{len(ports)} ports must name each (e.g. http-{port.get('port')})")
