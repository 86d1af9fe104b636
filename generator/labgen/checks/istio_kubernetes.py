"""istio-kubernetes: the Istio release installed supports the target Kubernetes version.

Passes: Istio charts at ``1.30.3`` (targetRevision of the Argo CD Applications that
install ``base``, ``istiod`` or ``gateway``) on Kubernetes 1.34.

Fails: Istio 1.30 on Kubernetes 1.37, or on 1.31: outside what that Istio minor
supports (Istio 1.30: Kubernetes 1.32 to 1.36). Minors not in the table are not judged.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..components import ISTIO_CHARTS
from ..findings import Finding, Severity, ValidationOptions
from .argocd_model import sources
from .inventory import Inventory, Reporter

ID = "istio-kubernetes"
SEVERITY: Severity = "warning"
report = Reporter(ID, SEVERITY)

#: Istio minor -> (oldest, newest) supported Kubernetes minor: the "Supported Kubernetes
#: Versions" column of https://istio.io/latest/docs/releases/supported-releases/ (data file
#: istio.io data/compatibility/supportStatus.yml), as endoflife.date records it for 1.27 to
#: 1.29 and a third-party copy of the data file quotes it for 1.29 and 1.31. No copy of the
#: 1.30 row was found: 1.32 to 1.36 is IBM Cloud's Istio 1.30 add-on (>=1.32.0 <1.37.0),
#: between 1.29's and 1.31's rows; verify it against the page when online.
SUPPORTED: dict[tuple[int, int], tuple[int, int]] = {
    (1, 27): (29, 33),
    (1, 28): (30, 34),
    (1, 29): (31, 35),
    (1, 30): (32, 36),
    (1, 31): (32, 37),
}


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
