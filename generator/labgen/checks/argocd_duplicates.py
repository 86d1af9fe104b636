"""argocd-duplicates: no two Applications share a name in a namespace.

Passes: ``istiod`` and ``istio-base`` in ``argocd``.

Fails: two documents ``kind: Application``, ``name: istiod``, namespace ``argocd``: the
second silently replaces the first.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..findings import Finding, Severity, ValidationOptions
from .inventory import Inventory, Reporter

ID = "argocd-duplicates"
SEVERITY: Severity = "error"
report = Reporter(ID, SEVERITY)


def run(inventory: Inventory, options: ValidationOptions) -> Iterator[Finding]:
    seen: dict[tuple[str, str], str] = {}
    for app in inventory.kind("Application", "ApplicationSet", "AppProject"):
        key = (app.kind, f"{app.namespace}/{app.name}")
        if key in seen:
            yield report(app, "metadata.name", f"{app.kind} {app.name!r} is also defined in "
                         f"{seen[key]}")
        else:
            seen[key] = f"{app.file} (document {app.index})"
