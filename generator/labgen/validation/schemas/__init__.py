"""The custom resources labgen knows without ``--crds``: every Istio 1.30 kind, Argo CD 3.5's.

Each kind is listed with the versions its API server serves; every version of
a kind shares one root message type (Istio serves the same spec at v1,
v1beta1 and v1alpha3). The message types live in the modules beside this one,
written in labgen's notation (see :mod:`.notation`), and compile to JSON
Schema once per process. tests/validation/test_builtin_schemas.py proves them
field by field against the upstream CRDs.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from . import (
    argocd_application,
    argocd_applicationset,
    argocd_project,
    istio_common,
    istio_networking,
    istio_policy,
    istio_traffic,
    meta,
)
from .notation import definitions, root_schema

_ISTIO_GA = ("v1", "v1beta1", "v1alpha3")

#: (API group, served versions, kinds)
CATALOG: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...] = (
    ("networking.istio.io", _ISTIO_GA,
     ("DestinationRule", "Gateway", "ServiceEntry", "Sidecar", "VirtualService",
      "WorkloadEntry", "WorkloadGroup")),
    ("networking.istio.io", ("v1alpha3",), ("EnvoyFilter",)),
    ("networking.istio.io", ("v1beta1",), ("ProxyConfig",)),
    ("security.istio.io", ("v1", "v1beta1"),
     ("AuthorizationPolicy", "PeerAuthentication", "RequestAuthentication")),
    ("telemetry.istio.io", ("v1", "v1alpha1"), ("Telemetry",)),
    ("extensions.istio.io", ("v1alpha1",), ("TrafficExtension", "WasmPlugin")),
    ("argoproj.io", ("v1alpha1",), ("Application", "ApplicationSet", "AppProject")),
)


def builtin_kinds() -> list[tuple[str, str]]:
    """``(apiVersion, kind)`` of every built-in schema."""
    return [(f"{group}/{version}", kind)
            for group, versions, kinds in CATALOG for kind in kinds for version in versions]


@cache
def builtin_definitions() -> dict[str, Any]:
    """The ``$defs`` every built-in schema refers to (ObjectMeta, Istio and Argo CD types)."""
    return definitions(
        meta.TYPES,
        istio_common.TYPES,
        istio_traffic.VIRTUAL_SERVICE,
        istio_traffic.DESTINATION_RULE,
        istio_networking.GATEWAY,
        istio_networking.SIDECAR,
        istio_networking.SERVICE_ENTRY,
        istio_networking.ENVOY_FILTER,
        istio_policy.SECURITY,
        istio_policy.TELEMETRY,
        istio_policy.EXTENSIONS,
        argocd_application.SPEC,
        argocd_application.OPERATION_AND_STATUS,
        argocd_applicationset.GENERATORS,
        argocd_applicationset.SCM_PROVIDERS,
        argocd_applicationset.PULL_REQUESTS,
        argocd_applicationset.APPLICATION_SET,
        argocd_project.TYPES,
    )


@cache
def _kinds() -> frozenset[tuple[str, str]]:
    return frozenset(builtin_kinds())


def builtin_schema(api_version: str, kind: str) -> dict[str, Any] | None:
    """The JSON Schema of ``kind`` at ``api_version`` (``$defs`` apart), or None."""
    if (api_version, kind) not in _kinds():
        return None
    return root_schema(api_version, kind, kind, builtin_definitions())
