"""The lab's components, each declared once.

A component is one part of the lab an environment can switch on or off
(``components.<key>``), rendered by one subchart of the umbrella chart. What
else is known about it lives here too: the UI people open (its Service, port
and path, and so its node port name), the in-cluster address other
components use to reach it, and the host access its workloads need. The
environment model, the chart values, ``labgen access``, the generated README
and the validation checks read this table; a test keeps the umbrella chart's
dependencies equal to it.

Adding a component (say Tempo) is: one entry here, one subchart under
``charts/olympic-lab/charts/`` listed in the umbrella's ``Chart.yaml``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

#: Istio's charts in its Helm repository, by what they install: its CRDs and cluster roles,
#: the control plane, the ingress gateway, the CNI node agent, ambient mode's node proxy.
ISTIO_BASE_CHART = "base"
ISTIO_CONTROL_PLANE_CHART = "istiod"
ISTIO_GATEWAY_CHART = "gateway"
ISTIO_CNI_CHART = "cni"
ISTIO_CHARTS = frozenset({ISTIO_BASE_CHART, ISTIO_CONTROL_PLANE_CHART, ISTIO_GATEWAY_CHART,
                          ISTIO_CNI_CHART, "ztunnel"})

#: Host features a workload may ask for (pod spec keys, plus volumes and privileged mode).
HostFeature = str
HOST_FEATURES: tuple[HostFeature, ...] = ("hostNetwork", "hostPID", "hostIPC", "hostPath",
                                          "privileged")


@dataclass(frozen=True)
class UI:
    """A web UI of a component, reached through its Service."""

    title: str
    #: The Service in the observability namespace (also the key of ``expose.nodePorts``).
    service: str
    port: int
    path: str
    #: Local port for ``kubectl port-forward``.
    local_port: int


@dataclass(frozen=True)
class HostAccess:
    """A workload allowed to reach into its node, and for which features only."""

    kind: str
    name: str
    features: tuple[HostFeature, ...]


@dataclass(frozen=True)
class Component:
    """One part of the lab."""

    #: Field of ``components`` in the environment model (snake_case; camelCase in YAML).
    key: str
    #: The umbrella chart's subchart, and its key in the chart values.
    chart: str
    title: str
    doc: str
    ui: UI | None = None
    #: In-cluster address other components use, e.g. ``http://loki:3100``.
    endpoint: str = ""
    #: Workloads of the component that need host access by design.
    host_access: tuple[HostAccess, ...] = ()


COMPONENTS: tuple[Component, ...] = (
    Component("apps", "olympic-apps", "Olympic app",
              "The sample app: frontend, backend versions, datasource."),
    Component("traffic", "traffic", "Traffic", "DestinationRules and the scenario VirtualService."),
    Component("prometheus", "prometheus", "Prometheus", "Metrics (the Istio addon's scrape jobs).",
              ui=UI("Prometheus", "prometheus", 9090, "/", 9090),
              endpoint="http://prometheus:9090"),
    Component("grafana", "grafana", "Grafana", "Dashboards over Prometheus, Loki and Jaeger.",
              ui=UI("Grafana", "grafana", 3000, "/", 3000), endpoint="http://grafana:3000"),
    Component("kiali", "kiali", "Kiali", "The mesh console.",
              ui=UI("Kiali", "kiali", 20001, "/kiali", 20001), endpoint="http://kiali:20001"),
    Component("jaeger", "jaeger", "Jaeger", "Tracing (Jaeger all-in-one, the zipkin Service).",
              ui=UI("Jaeger", "tracing", 80, "/jaeger", 16686), endpoint="http://tracing:80"),
    Component("loki", "loki", "Loki", "Log storage (single binary).",
              endpoint="http://loki:3100"),
    Component("log_shipper", "alloy", "Grafana Alloy", "Ships pod logs to Loki.",
              host_access=(HostAccess("DaemonSet", "alloy", ()),)),
    Component("node_exporter", "node-exporter", "node-exporter", "Node metrics (DaemonSet).",
              host_access=(HostAccess("DaemonSet", "node-exporter",
                                      ("hostNetwork", "hostPID", "hostPath")),)),
)

#: UIs in the order people see them (``labgen access``, the README).
UI_ORDER = ("grafana", "prometheus", "kiali", "jaeger")


def component(key: str) -> Component:
    for item in COMPONENTS:
        if item.key == key:
            return item
    raise KeyError(key)


def uis() -> Iterator[tuple[Component, UI]]:
    """Every component with a UI, in :data:`UI_ORDER`."""
    for key in UI_ORDER:
        item = component(key)
        assert item.ui is not None
        yield item, item.ui


def node_port_services() -> tuple[str, ...]:
    """The keys of ``expose.nodePorts``: the UI Services, in registry order."""
    return tuple(item.ui.service for item in COMPONENTS if item.ui is not None)


def enabled(components: Any, key: str) -> bool:
    """Whether ``components.<key>`` is on in an environment's ``components`` settings."""
    return bool(getattr(components, key))


def host_access_allowed() -> tuple[HostAccess, ...]:
    """Every workload that may use host features, with the features it may use."""
    return tuple(access for item in COMPONENTS for access in item.host_access)


#: A workload's identity for host access: ``namespace/Kind/name``, and the features granted.
HostGrant = tuple[str, tuple[HostFeature, ...]]


def host_access_grants(namespace: str = "istio-system") -> tuple[HostGrant, ...]:
    """The exemptions of the host-access check: exact workload identities in the
    observability ``namespace``, each with only the host features it needs."""
    return tuple((f"{namespace}/{access.kind}/{access.name}", access.features)
                 for access in host_access_allowed())
