"""istio-kubernetes: the Istio release installed supports the target Kubernetes version.

Passes: Istio charts at ``1.30.3`` (targetRevision of the Argo CD Applications that
install ``base``, ``istiod`` or ``gateway``) on Kubernetes 1.34.

Fails: Istio 1.30 on Kubernetes 1.36, or on 1.30: outside what that Istio minor
supports (Istio 1.30: Kubernetes 1.31 to 1.35). Minors not in the table are not judged.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..findings import Finding, Severity, ValidationOptions
from .argocd_model import sources
from .inventory import Inventory, Reporter

ID = "istio-kubernetes"
SEVERITY: Severity = "warning"
report = Reporter(ID, SEVERITY)

#: Istio minor -> (oldest, newest) supported Kubernetes minor, from Istio's supported
#: releases page.
SUPPORTED: dict[tuple[int, int], tuple[int, int]] = {
    (1, 30): (31, 35),
}
ISTIO_CHARTS = frozenset({"base", "istiod", "gateway", "cni", "ztunnel"})


def run(inventory: Inventory, options: ValidationOptions) -> Iterator[Finding]:
    kubernetes = _minor(options.kubernetes_version)
    if kubernetes is None:
        return
    for app in inventory.kind("Application"):
        for path, source in sources(app):
            if source.get("chart") not in ISTIO_CHARTS or "istio" not in str(
                    source.get("repoURL", "")):
                continue
            version = _minor(str(source.get("targetRevision", "")))
            bounds = SUPPORTED.get(version) if version else None
            if bounds is None or version is None:
                continue
            low, high = bounds
            if not low <= kubernetes[1] <= high:
                yield report(app, f"{path}.targetRevision",
                             f"Istio {version[0]}.{version[1]} supports Kubernetes "
                             f"1.{low} to 1.{high}, not {options.kubernetes_version}; "
                             "pick an Istio release for this Kubernetes version")


def _minor(version: str) -> tuple[int, int] | None:
    parts = version.lstrip("v").split(".")
    if len(parts) < 2 or not parts[0].isdigit() or not parts[1].isdigit():
        return None
    return int(parts[0]), int(parts[1])
