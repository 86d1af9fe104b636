"""The umbrella chart's values for an environment (``gitops/<env>/values.yaml``).

A pure function of the :class:`~labgen.environment.Environment`. The keys
here are the contract with ``charts/olympic-lab``: each subchart's
``values.schema.json`` accepts exactly what this module writes.
"""

from __future__ import annotations

from typing import Any

from .env_model import default_backend_versions
from .environment import Environment
from .typed_config import deep_merge, thaw

RELEASE_NAME = "olympic-lab"
CHART_PATH = "charts/olympic-lab"


def chart_values(env: Environment) -> dict[str, Any]:
    spec = env.spec
    obs = spec.observability
    on = spec.components
    routes = env.routes
    values: dict[str, Any] = {
        "global": {
            "observabilityNamespace": spec.namespaces.observability,
            "platform": spec.cluster.platform,
            "expose": {
                "mode": spec.expose.mode,
                "nodePorts": dict(spec.expose.node_ports),
                "loadBalancerAnnotations": dict(spec.expose.load_balancer_annotations),
                "loadBalancerSourceRanges": list(spec.expose.source_ranges),
            },
        },
        "olympic-apps": {
            "enabled": on.apps,
            "image": {"registry": spec.apps.image_registry, "tag": spec.apps.image_tag},
            "frontend": {"replicas": spec.apps.replicas},
            "datasource": {"replicas": spec.apps.replicas},
            "backend": {"versions": _backend_versions(env)},
        },
        "traffic": {
            "enabled": on.traffic,
            "scenario": routes.scenario,
            "subsets": list(env.subsets),
            "virtualService": {
                "enabled": routes.has_virtual_service,
                "weights": dict(routes.weights),
                "headerMatch": (
                    {"header": routes.header_match.header, "exact": routes.header_match.exact,
                     "subset": routes.header_match.subset}
                    if routes.header_match else None
                ),
            },
        },
        "prometheus": {
            "enabled": on.prometheus,
            "retention": obs.prometheus_retention,
            "persistence": _storage(obs.prometheus_storage),
        },
        "grafana": {
            "enabled": on.grafana,
            "anonymous": {
                "enabled": obs.grafana_anonymous_role != "none",
                "role": "Viewer" if obs.grafana_anonymous_role == "none"
                else obs.grafana_anonymous_role,
            },
        },
        "jaeger": {"enabled": on.jaeger, "telemetry": {"samplingPercentage": obs.tracing_sampling}},
        "kiali": {"enabled": on.kiali, "auth": {"strategy": obs.kiali_auth_strategy}},
        "loki": {"enabled": on.loki, "persistence": _storage(obs.loki_storage)},
        "alloy": {"enabled": on.log_shipper},
        "node-exporter": {"enabled": on.node_exporter},
    }
    if spec.helm_values is not None:
        values = deep_merge(values, thaw(spec.helm_values), null_deletes=False)
    return values


def _backend_versions(env: Environment) -> dict[str, Any]:
    """Versions to deploy; the chart's default versions the environment drops are set to
    null, which makes Helm remove them instead of merging them back in."""
    versions: dict[str, Any] = {name: None for name in default_backend_versions()}
    versions.update({name: {"replicas": version.replicas}
                     for name, version in env.spec.apps.backend_versions.items()})
    return versions


def _storage(storage: Any) -> dict[str, Any]:
    return {"enabled": storage.enabled, "storageClass": storage.storage_class,
            "size": storage.size}
