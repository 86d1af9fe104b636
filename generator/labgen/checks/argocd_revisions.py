"""argocd-revisions: Helm chart sources pin an exact ``targetRevision``.

Passes: ``chart: istiod``, ``targetRevision: 1.30.3``.

Fails: ``targetRevision: 1.30.*``, ``1.x``, ``^1.30.0``, ``~1.30``, ``>=1.30``,
``*``, ``latest`` or none: each sync could then install a different chart.
Git sources (no ``chart:``) may follow a branch and are not checked.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..findings import Finding, Severity, ValidationOptions
from .argocd_model import sources
from .inventory import Inventory, Reporter

ID = "argocd-revisions"
SEVERITY: Severity = "error"
report = Reporter(ID, SEVERITY)
_FLOATING = re.compile(r"[*^~<>=|\s]|(^|\.)[xX](\.|$)|^latest$|^HEAD$")


def run(inventory: Inventory, options: ValidationOptions) -> Iterator[Finding]:
    for app in inventory.kind("Application"):
        for path, source in sources(app):
            if not source.get("chart"):
                continue
            revision = source.get("targetRevision")
            if not isinstance(revision, str) or not revision.strip():
                yield report(app, f"{path}.targetRevision",
                             f"chart {source['chart']!r} needs a pinned targetRevision")
            elif _FLOATING.search(revision):
                yield report(app, f"{path}.targetRevision",
                             f"{revision!r} is a range; pin an exact chart version")
