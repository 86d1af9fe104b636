"""backend-port: Ingress backends and gateway-bound VirtualService destinations hit a Service port.

Passes::

    kind: Service   # frontend-app, ports [{name: http, port: 8082}]
    kind: Ingress   # backend: {service: {name: frontend-app, port: {number: 8082}}}

Fails: ``port: {number: 80}`` (not a port of ``frontend-app``), a backend
Service that does not exist, or a gateway-bound VirtualService destination
without ``port`` whose Service has several ports (Istio cannot pick one).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from ..findings import Finding, Severity, ValidationOptions
from ..manifests import Document
from .inventory import Inventory, Reporter, as_list, as_map, service_ports
from .mesh import destinations, gateways

ID = "backend-port"
SEVERITY: Severity = "error"
report = Reporter(ID, SEVERITY)


def run(inventory: Inventory, options: ValidationOptions) -> Iterator[Finding]:
    for ingress in inventory.kind("Ingress"):
        for path, backend in _ingress_backends(ingress):
            yield from _check_backend(inventory, ingress, path, backend)
    for vs in inventory.kind("VirtualService"):
        if not gateways(vs):
            continue
        for path, destination in destinations(vs):
            host = destination.get("host")
            services = inventory.resolve_host(host, vs.namespace) if isinstance(host, str) \
                else None
            if not services:
                continue  # vs-host-service reports missing Services
            ports = service_ports(services[0])
            number = as_map(destination.get("port")).get("number")
            if number is None and len(ports) > 1:
                yield report(vs, f"{path}.port", f"Service {host!r} has {len(ports)} ports; "
                             "name one with port.number")
            elif number is not None and number not in {p.get("port") for p in ports}:
                yield report(vs, f"{path}.port.number",
                             f"{number} is not a port of Service {host!r}")


def _ingress_backends(ingress: Document) -> Iterator[tuple[str, Mapping[str, Any]]]:
    spec = as_map(ingress.body.get("spec"))
    if "defaultBackend" in spec:
        yield "spec.defaultBackend", as_map(spec["defaultBackend"])
    for r, rule in enumerate(as_list(spec.get("rules"))):
        for p, item in enumerate(as_list(as_map(as_map(rule).get("http")).get("paths"))):
            yield f"spec.rules[{r}].http.paths[{p}].backend", as_map(as_map(item).get("backend"))


def _check_backend(inventory: Inventory, ingress: Document, path: str,
                   backend: Mapping[str, Any]) -> Iterator[Finding]:
    service = as_map(backend.get("service"))
    name = service.get("name")
    if not isinstance(name, str):
        return
    found = inventory.services(name, ingress.namespace)
    if not found and not inventory.judges_absence():
        return  # part of a run: the Service may be in other files
    if not found:
        yield report(ingress, f"{path}.service.name", f"Service {name!r} does not exist")
        return
    port = as_map(service.get("port"))
    ports = service_ports(found[0])
    if "number" in port and port["number"] not in {p.get("port") for p in ports}:
        yield report(ingress, f"{path}.service.port.number",
                     f"{port['number']} is not a port of Service {name!r}")
    if "name" in port and port["name"] not in {p.get("name") for p in ports}:
        yield report(ingress, f"{path}.service.port.name",
                     f"{port['name']!r} is not a port name of Service {name!r}")
