"""argocd-destination: an Argo CD destination names its cluster by ``server`` or ``name``.

Passes: ``destination: {server: https://kubernetes.default.svc, namespace: olympic}``.

Fails: ``destination: {server: https://kubernetes.default.svc, name: in-cluster}``
(Argo CD refuses an Application with both), or a destination with neither.
ApplicationSet templates are checked too.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..findings import Finding, Severity, ValidationOptions
from .inventory import Inventory, Reporter, as_map

ID = "argocd-destination"
SEVERITY: Severity = "error"
report = Reporter(ID, SEVERITY)


def run(inventory: Inventory, options: ValidationOptions) -> Iterator[Finding]:
    for doc in inventory.kind("Application", "ApplicationSet"):
        spec = as_map(doc.body.get("spec"))
        path = "spec.destination"
        if doc.kind == "ApplicationSet":
            spec, path = as_map(as_map(spec.get("template")).get("spec")), \
                "spec.template.spec.destination"
        if "destination" not in spec:
            continue  # the schema reports a missing destination
        destination = as_map(spec.get("destination"))
        if destination.get("server") and destination.get("name"):
            yield report(doc, f"{path}.name", "destination has both server and name; "
                         "keep one (Argo CD refuses both)")
        elif not destination.get("server") and not destination.get("name") \
                and doc.kind == "Application":
            yield report(doc, path, "destination names no cluster; set server "
                         "(e.g. https://kubernetes.default.svc) or name")
