"""host-access (warning): privileged containers, hostPath, hostNetwork/hostPID only where allowed.

Allowed for workloads whose name contains an entry of
``ValidationOptions.host_access_allowlist`` (node-exporter and the log shipper
by default: they read the node by design).

Passes: DaemonSet ``node-exporter`` with ``hostNetwork: true`` and hostPath ``/proc``.

Fails: Deployment ``frontend-app`` with ``securityContext: {privileged: true}``.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..findings import Finding, Severity, ValidationOptions
from .inventory import Inventory, Reporter, as_list, as_map

ID = "host-access"
SEVERITY: Severity = "warning"
report = Reporter(ID, SEVERITY)


def run(inventory: Inventory, options: ValidationOptions) -> Iterator[Finding]:
    for template in inventory.templates:
        name = template.doc.name
        if any(allowed and allowed in name for allowed in options.host_access_allowlist):
            continue
        for key in ("hostNetwork", "hostPID", "hostIPC"):
            if template.spec.get(key) is True:
                yield report(template.doc, f"spec.template.spec.{key}",
                             f"{template.doc.kind} {name!r} uses {key}")
        for index, volume in enumerate(as_list(template.spec.get("volumes"))):
            if "hostPath" in as_map(volume):
                yield report(template.doc, f"spec.template.spec.volumes[{index}].hostPath",
                             f"{template.doc.kind} {name!r} mounts a hostPath volume")
        for path, container in template.containers():
            if as_map(container.get("securityContext")).get("privileged") is True:
                yield report(template.doc, f"{path}.securityContext.privileged",
                             f"container {container.get('name')!r} is privileged")
