"""grafana-admin-login (warning): Grafana's admin password comes from a Secret, never a default.

Without ``GF_SECURITY_ADMIN_PASSWORD__FILE`` or a ``secretKeyRef``, Grafana's admin is
``admin``/``admin`` whenever its database is new (an ``emptyDir``: every new pod). A
literal ``GF_SECURITY_ADMIN_PASSWORD`` value commits the password.

Passes: a Grafana container with ``GF_SECURITY_ADMIN_PASSWORD__FILE:
/etc/grafana/admin/password`` (a mounted Secret) or ``GF_SECURITY_ADMIN_PASSWORD`` from
``valueFrom.secretKeyRef``.

Fails: a Grafana container with neither (the default admin/admin), or with
``GF_SECURITY_ADMIN_PASSWORD: hunter2``.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..findings import Finding, Severity, ValidationOptions
from .inventory import Inventory, Reporter, as_list, as_map

ID = "grafana-admin-login"
SEVERITY: Severity = "warning"
report = Reporter(ID, SEVERITY)


def run(inventory: Inventory, options: ValidationOptions) -> Iterator[Finding]:
    for template in inventory.templates:
        for path, container in template.containers():
            if "grafana/grafana" not in str(container.get("image", "")):
                continue
            env = {str(e.get("name")): e for e in map(as_map, as_list(container.get("env")))}
            literal = as_map(env.get("GF_SECURITY_ADMIN_PASSWORD"))
            if "value" in literal:
                yield report(template.doc, f"{path}.env", f"container {container.get('name')!r} "
                             "sets the admin password in the manifest; read it from a Secret")
            elif "GF_SECURITY_ADMIN_PASSWORD__FILE" not in env and not as_map(
                    literal.get("valueFrom")).get("secretKeyRef"):
                yield report(template.doc, f"{path}.env", f"container {container.get('name')!r} "
                             "keeps Grafana's default admin/admin; read the password from a "
                             "Secret (GF_SECURITY_ADMIN_PASSWORD__FILE)")
