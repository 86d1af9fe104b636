"""telemetry-scope: mesh-wide telemetry lives in Istio's root namespace; Kiali looks for istiod where it is.

Passes: a Telemetry without selector in ``istio-system`` (the root namespace: it
applies to the whole mesh), and Kiali's ``istio_namespace: istio-system`` with istiod
installed in ``istio-system``.

Fails::

    kind: Telemetry   # namespace observability, no selector, tracing providers [zipkin]

when no Telemetry is in the root namespace: it applies to ``observability`` only and
every other namespace sends no traces (an environment that moves the observability
namespace loses mesh-wide tracing without a word); or Kiali's ``istio_namespace:
observability`` while istiod runs in ``istio-system``.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..findings import Finding, Severity, ValidationOptions
from .inventory import Inventory, Reporter, as_map
from .kiali_config import istiod_namespace, kiali_configs

ID = "telemetry-scope"
SEVERITY: Severity = "warning"
report = Reporter(ID, SEVERITY)
ROOT_NAMESPACE = "istio-system"


def run(inventory: Inventory, options: ValidationOptions) -> Iterator[Finding]:
    root = istiod_namespace(inventory) or ROOT_NAMESPACE
    telemetries = list(inventory.kind("Telemetry"))
    mesh_wide = any(t.namespace == root for t in telemetries)
    for telemetry in telemetries:
        spec = as_map(telemetry.body.get("spec"))
        if telemetry.namespace in ("", root) or spec.get("selector") or spec.get("targetRef") \
                or spec.get("targetRefs") or mesh_wide or not inventory.judges_absence():
            continue
        yield report(telemetry, "metadata.namespace",
                     f"Telemetry {telemetry.name!r} applies to namespace "
                     f"{telemetry.namespace!r} only; to configure the whole mesh put it in "
                     f"Istio's root namespace {root!r}")
    for doc, path, value in kiali_configs(inventory):
        if value != root and (istiod_namespace(inventory) or inventory.judges_absence()):
            yield report(doc, path, f"Kiali's istio_namespace is {value!r} but istiod runs in "
                         f"{root!r}; set istio_namespace: {root}")
