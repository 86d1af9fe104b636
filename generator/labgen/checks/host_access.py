"""host-access (warning): host features only for exact workloads, and only those they need.

Privileged containers, ``hostPath`` volumes, ``hostNetwork``, ``hostPID`` and
``hostIPC`` are allowed only for the workloads in
``ValidationOptions.host_access_allowlist``, matched by exact identity
(``namespace/Kind/name``), and only for the features listed there (components.py:
node-exporter gets hostNetwork, hostPID and hostPath; Alloy none). A name that merely
contains an allowed one gets nothing.

Passes: DaemonSet ``istio-system/node-exporter`` with ``hostNetwork: true`` and hostPath
``/proc``.

Fails: Deployment ``frontend-app`` with ``securityContext: {privileged: true}``; a
privileged DaemonSet ``alloy-debug``; ``node-exporter`` asking for ``hostIPC`` or
privileged mode; a ``node-exporter`` DaemonSet in another namespace.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..findings import Finding, Severity, ValidationOptions
from .inventory import Inventory, PodTemplate, Reporter, as_list, as_map

ID = "host-access"
SEVERITY: Severity = "warning"
report = Reporter(ID, SEVERITY)


def run(inventory: Inventory, options: ValidationOptions) -> Iterator[Finding]:
    grants = dict(options.host_access_allowlist)
    for template in inventory.templates:
        doc = template.doc
        identity = f"{template.namespace}/{doc.kind}/{doc.name}"
        allowed = set(grants.get(identity, ()))
        for feature, path, what in _features(template):
            if feature not in allowed:
                yield report(doc, path, f"{what} (host feature {feature!r} not granted to "
                             f"{identity})")


def _features(template: PodTemplate) -> Iterator[tuple[str, str, str]]:
    """``(feature, path, description)`` of every host feature the template uses."""
    doc = template.doc
    for key in ("hostNetwork", "hostPID", "hostIPC"):
        if template.spec.get(key) is True:
            yield key, f"spec.template.spec.{key}", f"{doc.kind} {doc.name!r} uses {key}"
    for index, volume in enumerate(as_list(template.spec.get("volumes"))):
        if "hostPath" in as_map(volume):
            yield ("hostPath", f"spec.template.spec.volumes[{index}].hostPath",
                   f"{doc.kind} {doc.name!r} mounts a hostPath volume")
    for path, container in template.containers():
        if as_map(container.get("securityContext")).get("privileged") is True:
            yield ("privileged", f"{path}.securityContext.privileged",
                   f"container {container.get('name')!r} is privileged")
