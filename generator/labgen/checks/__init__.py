"""Semantic checks: what no schema can express, one module per check.

Each module has an ``ID``, a ``SEVERITY``, a docstring with a passing and a
failing example, and ``run(inventory, options)`` yielding findings. They are
registered here, in one place; ``labgen validate --list-checks`` prints them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from types import ModuleType

from ..findings import Finding, Severity, ValidationOptions
from ..manifests import Document
from . import (
    argocd_destination,
    argocd_duplicates,
    argocd_paths,
    argocd_project,
    argocd_project_scope,
    argocd_revisions,
    argocd_sync_waves,
    backend_port,
    chart_determinism,
    container_resources,
    dr_host_service,
    dr_subset_pods,
    gateway_selector,
    grafana_admin_login,
    grafana_anonymous_admin,
    host_access,
    image_tag,
    istio_kubernetes,
    network_reachability,
    nodeport_exposure,
    observability_urls,
    oke_pvc_size,
    rbac_risk,
    service_port_names,
    service_selector,
    telemetry_scope,
    ui_exposure,
    vs_gateway,
    vs_host_conflict,
    vs_host_service,
    vs_subset,
    weights_sum,
    workload_selector,
    zero_replica_weight,
)
from .inventory import Inventory

Run = Callable[[Inventory, ValidationOptions], Iterable[Finding]]


@dataclass(frozen=True)
class SemanticCheck:
    id: str
    severity: Severity
    summary: str
    run: Run


def _register(module: ModuleType) -> SemanticCheck:
    doc = (module.__doc__ or "").strip()
    summary = doc.splitlines()[0].split(":", 1)[-1].strip() if doc else ""
    return SemanticCheck(module.ID, module.SEVERITY, summary, module.run)


CHECKS: tuple[SemanticCheck, ...] = tuple(_register(m) for m in (
    vs_host_service, vs_subset, weights_sum, zero_replica_weight, dr_host_service,
    service_selector, backend_port, observability_urls, network_reachability,
    argocd_paths, argocd_project, argocd_project_scope, argocd_sync_waves, argocd_revisions,
    argocd_duplicates,
    image_tag, container_resources, host_access, grafana_anonymous_admin, nodeport_exposure,
    ui_exposure, grafana_admin_login, rbac_risk,
    chart_determinism,
    vs_gateway, vs_host_conflict, gateway_selector, workload_selector, dr_subset_pods,
    service_port_names, argocd_destination, telemetry_scope, istio_kubernetes, oke_pvc_size,
))


def run_checks(documents: Iterable[Document], options: ValidationOptions) -> Iterator[Finding]:
    """Every registered check over ``documents``."""
    inventory = Inventory.of(documents, complete=options.complete)
    for check in CHECKS:
        yield from check.run(inventory, options)
