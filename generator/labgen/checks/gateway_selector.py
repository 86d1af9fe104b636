"""gateway-selector: a Gateway's selector matches a gateway workload.

Passes::

    kind: Gateway       # selector {istio: ingressgateway}
    kind: Application   # Istio's gateway chart, releaseName istio-ingressgateway
                        # (pods labelled app: istio-ingressgateway, istio: ingressgateway)

or a Deployment whose pod template carries ``istio: ingressgateway``.
Fails: ``selector: {istio: ingress}`` when the gateways installed are labelled
``istio: ingressgateway``: no proxy serves the Gateway's servers. Gateways select
workloads in every namespace. Gateways are judged only when some gateway workload
is among the documents (Istio installed by other means is not seen).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from ..findings import Finding, Severity, ValidationOptions
from .inventory import Inventory, Reporter, as_map, selects
from .mesh import gateway_chart_labels

ID = "gateway-selector"
SEVERITY: Severity = "error"
report = Reporter(ID, SEVERITY)


def run(inventory: Inventory, options: ValidationOptions) -> Iterator[Finding]:
    installed: list[Mapping[str, Any]] = [
        labels for app in inventory.kind("Application")
        if (labels := gateway_chart_labels(app)) is not None]
    if not installed and not any(_is_gateway(t.labels) for t in inventory.templates):
        return  # the gateways are installed some other way (istioctl): not judged
    for gateway in inventory.kind("Gateway"):
        selector = as_map(as_map(gateway.body.get("spec")).get("selector"))
        if not selector:
            continue  # selects every workload
        if any(selects(selector, labels) for labels in installed):
            continue
        if inventory.templates_selected(selector, ""):
            continue
        shown = ", ".join(f"{k}={v}" for k, v in sorted(selector.items()))
        yield report(gateway, "spec.selector", f"selector {shown} matches no gateway workload"
                     " (no pod template and no gateway chart release carries those labels)")


def _is_gateway(labels: Mapping[str, Any]) -> bool:
    """A gateway's pod template: Istio's ``istio`` label or a gateway-named ``app``."""
    return bool(labels.get("istio")) or "gateway" in str(labels.get("app", ""))
