"""The umbrella chart's values for an environment (``gitops/<env>/values.yaml``).

A pure function of the :class:`~labgen.environment.Environment`. The keys
here are the contract with ``charts/olympic-lab``: each subchart's
``values.schema.json`` accepts exactly what this module writes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import layout
from .components import COMPONENTS, enabled
from .env_model import default_backend_versions
from .environment import Environment
from .errors import HelmError
from .manifests import Document, parse_documents
from .typed_config import deep_merge, thaw
from .yaml_io import dump, safe_load

if TYPE_CHECKING:
    from .clusters import ParticipantEnvironment
    from .helm_engine import HelmEngine

RELEASE_NAME = "olympic-lab"
CHART_PATH = layout.UMBRELLA_CHART


@dataclass(frozen=True)
class LabRender:
    """One lab rendered for one cluster: the umbrella chart's values file and manifests.

    A single environment has one, for its own cluster; a workshop one per participant.
    """

    #: The workshop participant whose cluster this is (None: the environment's own cluster).
    participant: ParticipantEnvironment | None
    #: The environment as this cluster sees it (a participant's overrides applied).
    env: Environment
    values: dict[str, Any]
    #: The values file's path relative to the tree, and its text.
    values_path: str
    values_text: str
    #: The umbrella chart's documents; a participant's files are under ``clusters/<name>/``.
    manifests: list[Document]


#: Umbrella renders of one render pass by (namespace, values): labs with equal values (most
#: of a workshop's participants) render and parse once. Helm's output is a function of the
#: two, the charts never change during a pass, and the chart-determinism check keeps it so.
RenderMemo = dict[tuple[str, str], list[Document]]


def render_lab(root: Path, env: Environment, participant: ParticipantEnvironment | None,
               engine: HelmEngine, memo: RenderMemo | None = None) -> LabRender:
    """Render the umbrella chart for one cluster from its values file's text, as Argo CD does."""
    target = participant.env if participant else env
    values = chart_values(target)
    text = values_file_text(env, values, cluster=participant.name if participant else None)
    key = (target.spec.namespaces.apps, json.dumps(values, sort_keys=True))
    if memo is None or key not in memo:
        parsed = parse_documents(render_umbrella(root, target, text, engine,
                                                 cluster=participant.name if participant else None))
        if memo is None:
            memo = {}
        memo[key] = parsed
    prefix = f"{participant.folder}/" if participant else ""
    manifests = [replace(doc, file=prefix + doc.file) for doc in memo[key]] if prefix \
        else memo[key]
    return LabRender(participant, target, values,
                     participant.values_path if participant else layout.VALUES_FILE,
                     text, manifests)


def chart_values(env: Environment) -> dict[str, Any]:
    spec = env.spec
    obs = spec.observability
    routes = env.routes
    values: dict[str, Any] = {
        "global": {
            "observabilityNamespace": spec.namespaces.observability,
            "platform": spec.cluster.platform,
            "expose": {
                "mode": spec.expose.mode,
                "nodePorts": dict(spec.expose.node_ports),
                "loadBalancerAnnotations": dict(spec.expose.load_balancer_annotations),
                "loadBalancerSourceRanges": list(spec.expose.load_balancer_source_ranges),
            },
        },
        "olympic-apps": {
            "image": {"registry": spec.apps.image_registry, "tag": spec.apps.image_tag},
            "frontend": {"replicas": spec.apps.replicas},
            "datasource": {"replicas": spec.apps.replicas},
            "backend": {"versions": _backend_versions(env)},
        },
        "traffic": {
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
            "retention": obs.prometheus_retention,
            "persistence": _storage(obs.prometheus_storage),
        },
        "grafana": {
            "anonymous": {
                "enabled": obs.grafana_anonymous_role != "none",
                "role": "Viewer" if obs.grafana_anonymous_role == "none"
                else obs.grafana_anonymous_role,
            },
        },
        "jaeger": {"telemetry": {"samplingPercentage": obs.tracing_sampling}},
        "kiali": {"auth": {"strategy": obs.kiali_auth_strategy}},
        "loki": {"persistence": _storage(obs.loki_storage)},
    }
    for item in COMPONENTS:  # every subchart is switched by its component
        values[item.chart] = {"enabled": enabled(spec.components, item.key),
                              **values.get(item.chart, {})}
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


def values_file_text(env: Environment, values: dict[str, Any], cluster: str | None = None) -> str:
    """The text of a values file labgen writes (``gitops/<env>[/clusters/<c>]/values.yaml``)."""
    target = (f"cluster '{cluster}' of environment '{env.name}'" if cluster
              else f"environment '{env.name}'")
    header = (f"# Generated by labgen from {', '.join(env.files)}; do not edit: "
              f"run `labgen render --env {env.name}`.\n"
              f"# Values of {CHART_PATH} for {target} (read by apps/{RELEASE_NAME}.yaml).\n")
    return header + dump(values)


def render_umbrella(root: Path, env: Environment, values_text: str, engine: HelmEngine,
                    cluster: str | None = None) -> dict[str, str]:
    """The umbrella chart rendered for ``env`` from a values file's own text, as Argo CD
    does, keyed by repository path (``charts/olympic-lab/charts/x/templates/y.yaml``) so
    that findings point at real files (Helm's refusal names workshop ``cluster``)."""
    from .structure_guard import guard

    def render(values: Any) -> dict[str, str]:
        return engine.render(root / CHART_PATH, values, release=RELEASE_NAME,
                             namespace=env.spec.namespaces.apps)

    values = safe_load(values_text)
    try:
        rendered = render(values)
    except HelmError as exc:  # blamed on the environment key that set the value
        from .helm_blame import blame

        raise blame(env, exc, cluster=cluster) from None
    parent = CHART_PATH.rpartition("/")[0]
    guard(rendered, values, render, env.files[-1], prefix=f"{parent}/")
    return {f"{parent}/{path}": text for path, text in rendered.items()}
