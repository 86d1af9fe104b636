"""The Argo CD tree of an environment: root app-of-apps, AppProject, one
Application per part (Istio's official charts, then this repository's
umbrella chart).

Sync waves (integers): the AppProject (-1), istio-base with Istio's CRDs (0),
istiod (1), the ingress gateway (2), the umbrella chart (3), whose Istio
resources need the CRDs of wave 0.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from typing import Any

from . import jinja_env, layout
from .chart_values import CHART_PATH, RELEASE_NAME, LabRender
from .components import (
    ISTIO_BASE_CHART,
    ISTIO_CNI_CHART,
    ISTIO_CONTROL_PLANE_CHART,
    ISTIO_GATEWAY_CHART,
    enabled,
)
from .environment import Environment
from .manifests import Document
from .yaml_io import dump

ISTIO_NAMESPACE = "istio-system"
MANIFESTS_DIR = layout.MANIFESTS_DIR
#: What the root Application syncs from the tree (Argo CD directory include globs).
ROOT_SYNCS = ("project.yaml", f"{layout.APPS_DIR}/*.yaml")
ZIPKIN_PROVIDER = "zipkin"

#: Kinds Istio's base/istiod/gateway charts create (they are not rendered offline).
ISTIO_CLUSTER_KINDS = {
    ("apiextensions.k8s.io", "CustomResourceDefinition"),
    ("admissionregistration.k8s.io", "MutatingWebhookConfiguration"),
    ("admissionregistration.k8s.io", "ValidatingWebhookConfiguration"),
    ("rbac.authorization.k8s.io", "ClusterRole"),
    ("rbac.authorization.k8s.io", "ClusterRoleBinding"),
    ("", "Namespace"),
}
ISTIO_NAMESPACED_KINDS = {
    ("", "ConfigMap"), ("", "Service"), ("", "ServiceAccount"), ("apps", "Deployment"),
    ("autoscaling", "HorizontalPodAutoscaler"), ("policy", "PodDisruptionBudget"),
    ("rbac.authorization.k8s.io", "Role"), ("rbac.authorization.k8s.io", "RoleBinding"),
}
#: Kinds that have no namespace (for the project's whitelists).
CLUSTER_SCOPED = {kind for _group, kind in ISTIO_CLUSTER_KINDS} | {
    "PersistentVolume", "StorageClass", "IngressClass", "PriorityClass", "APIService"}
#: What the root Application syncs (bootstrap project only; never the lab's project).
ARGOCD_KINDS = {("argoproj.io", "Application"), ("argoproj.io", "AppProject")}
BOOTSTRAP_PROJECT_FILE = "bootstrap-project.yaml"

#: istiod flips failurePolicy and injects caBundle at runtime (istio/istio#52785).
_WEBHOOK_DIFFS = [
    {"group": "admissionregistration.k8s.io", "kind": "ValidatingWebhookConfiguration",
     "jqPathExpressions": [".webhooks[]?.failurePolicy", ".webhooks[]?.clientConfig.caBundle"]},
]
_MUTATING_DIFFS = [
    {"group": "admissionregistration.k8s.io", "kind": "MutatingWebhookConfiguration",
     "jqPathExpressions": [".webhooks[]?.clientConfig.caBundle"]},
]


@dataclass(frozen=True)
class AppSpec:
    """What one Application file says (rendered by templates/argocd/application.yaml.j2)."""

    file: str
    name: str
    wave: int
    namespace: str
    source: dict[str, Any]
    comment: str = ""
    sync_options: tuple[str, ...] = ("CreateNamespace=true",)
    ignore_differences: list[dict[str, Any]] = field(default_factory=list)
    managed_namespace_labels: dict[str, str] = field(default_factory=dict)
    retry_limit: int = 5


def pod_security_labels(env: Environment, namespace: str) -> dict[str, str]:
    """Pod Security admission labels of a lab namespace, at the strictest level the mesh
    allows.

    The app namespace: without Istio's CNI every injected pod has the istio-init
    container, which needs NET_ADMIN and NET_RAW (not even "baseline" allows them), so it
    enforces "privileged" and warns/audits at "restricted"; with the CNI node agent the
    pods meet "restricted", which it then enforces. istio-system: node-exporter (host
    network, host PID, hostPath) and the CNI agent need "privileged"; without them
    "baseline" (istiod and the gateway do not set every "restricted" field); it warns and
    audits at "baseline", which only those host workloads miss.
    """
    spec = env.spec
    checked = "restricted" if namespace == spec.namespaces.apps else "baseline"
    if namespace == spec.namespaces.apps:
        level = "restricted" if spec.istio.cni else "privileged"
    elif spec.istio.cni or (enabled(spec.components, "node_exporter")
                            and spec.namespaces.observability == namespace):
        level = "privileged"
    else:
        level = "baseline"
    prefix = "pod-security.kubernetes.io"
    return {f"{prefix}/enforce": level, f"{prefix}/audit": checked, f"{prefix}/warn": checked}


def tree_dir(env: Environment) -> str:
    return layout.tree_dir(env.name)


def applications(env: Environment) -> list[AppSpec]:
    spec = env.spec
    istio = spec.istio
    obs_ns = spec.namespaces.observability
    chart_source = {"repoURL": istio.chart_repo_url, "targetRevision": istio.version}
    gateway_values: dict[str, Any] = {"service": {"type": istio.gateway.service_type}}
    if istio.gateway.service_annotations:
        gateway_values["service"]["annotations"] = dict(istio.gateway.service_annotations)
    if istio.gateway.load_balancer_source_ranges:
        gateway_values["service"]["loadBalancerSourceRanges"] = list(
            istio.gateway.load_balancer_source_ranges)
    return [
        AppSpec(
            file="apps/istio-base.yaml", name="istio-base", wave=0, namespace=ISTIO_NAMESPACE,
            comment="Istio's CRDs and cluster roles, from Istio's official chart.",
            source={**chart_source, "chart": ISTIO_BASE_CHART,
                    "helm": {"releaseName": "istio-base",
                             "valuesObject": {"defaultRevision": "default"}}},
            sync_options=("CreateNamespace=true", "ServerSideApply=true",
                          "RespectIgnoreDifferences=true"),
            ignore_differences=_WEBHOOK_DIFFS,
            managed_namespace_labels=pod_security_labels(env, ISTIO_NAMESPACE),
        ),
        *_cni_apps(env, chart_source),
        AppSpec(
            file="apps/istiod.yaml", name="istiod", wave=1, namespace=ISTIO_NAMESPACE,
            comment="Istio's control plane; tracing goes to the lab's zipkin Service.",
            source={**chart_source, "chart": ISTIO_CONTROL_PLANE_CHART,
                    "helm": {"releaseName": "istiod", "valuesObject": {"meshConfig": {
                        "accessLogFile": "/dev/stdout",
                        "extensionProviders": [{
                            "name": ZIPKIN_PROVIDER,
                            "zipkin": {"service": f"zipkin.{obs_ns}.svc.cluster.local",
                                       "port": 9411}}],
                    }, **({"pilot": {"cni": {"enabled": True}}} if istio.cni else {})}}},
            sync_options=("CreateNamespace=true", "RespectIgnoreDifferences=true"),
            ignore_differences=_WEBHOOK_DIFFS + _MUTATING_DIFFS,
        ),
        AppSpec(
            file="apps/istio-ingressgateway.yaml", name="istio-ingressgateway", wave=2,
            namespace=ISTIO_NAMESPACE,
            comment="Istio's ingress gateway (release name gives the label istio: ingressgateway).",
            source={**chart_source, "chart": ISTIO_GATEWAY_CHART,
                    "helm": {"releaseName": "istio-ingressgateway",
                             "valuesObject": gateway_values}},
        ),
        _umbrella_app(env),
    ]


def _cni_apps(env: Environment, chart_source: dict[str, Any]) -> list[AppSpec]:
    """Istio's CNI node agent (istio.cni): sidecars then need no NET_ADMIN init container."""
    if not env.spec.istio.cni:
        return []
    return [AppSpec(
        file="apps/istio-cni.yaml", name="istio-cni", wave=1, namespace=ISTIO_NAMESPACE,
        comment="Istio's CNI node agent: pods' traffic redirection without a privileged init "
                "container, so the app namespace can enforce Pod Security 'restricted'.",
        source={**chart_source, "chart": ISTIO_CNI_CHART, "helm": {"releaseName": "istio-cni"}},
    )]


def _umbrella_app(env: Environment) -> AppSpec:
    spec = env.spec
    repo = {"repoURL": spec.argocd.repo_url, "targetRevision": spec.argocd.target_revision}
    if spec.argocd.rendered_manifests:
        comment = "The umbrella chart's manifests as rendered by labgen (manifests/), applied as is."
        source = {**repo, "path": f"{tree_dir(env)}/{MANIFESTS_DIR}", "directory": {"recurse": True}}
    else:
        comment = "This repository's umbrella chart with this environment's values."
        source = {**repo, "path": CHART_PATH,
                  "helm": {"releaseName": RELEASE_NAME,
                           "valueFiles": [f"../../{tree_dir(env)}/values.yaml"]}}
    return AppSpec(
        file="apps/olympic-lab.yaml", name=RELEASE_NAME, wave=3, namespace=spec.namespaces.apps,
        comment=comment, source=source,
        sync_options=("CreateNamespace=true", "SkipDryRunOnMissingResource=true"),
        managed_namespace_labels={"istio-injection": "enabled",
                                  **pod_security_labels(env, spec.namespaces.apps)},
    )


def manifest_files(manifests: Iterable[Document]) -> dict[str, str]:
    """Rendered-manifests mode: one file per resource under ``manifests/``."""
    files: dict[str, str] = {}
    for doc in manifests:
        folder = doc.namespace or "_cluster"
        name = f"{MANIFESTS_DIR}/{folder}/{doc.kind.lower()}-{doc.name}.yaml"
        files[name] = files.get(name, "") + ("---\n" if name in files else "") + dump(
            dict(doc.body), sort_keys=False)
    return files


def _kind_rules(kinds: Iterable[tuple[str, str]]) -> list[dict[str, str]]:
    return [{"group": group, "kind": kind} for group, kind in sorted(set(kinds))]


def project_kinds(manifests: Iterable[Document]) -> tuple[list[dict[str, str]],
                                                          list[dict[str, str]]]:
    """(cluster-scoped, namespaced) whitelists of the lab's project: Istio's charts plus what
    the lab renders; never Argo CD's own kinds (those belong to the bootstrap project)."""
    cluster = set(ISTIO_CLUSTER_KINDS)
    namespaced = set(ISTIO_NAMESPACED_KINDS)
    for doc in manifests:
        group = doc.api_version.rpartition("/")[0]
        if group != "argoproj.io":
            (cluster if doc.kind in CLUSTER_SCOPED else namespaced).add((group, doc.kind))
    return _kind_rules(cluster), _kind_rules(namespaced)


def is_synced(rel: str, env: Environment) -> bool:
    """Whether Argo CD applies file ``rel`` of the tree (relative to ``gitops/<env>/``): the root
    Application's globs (``*`` stays within a folder), ``manifests/`` in rendered mode, and
    in a workshop each participant's ``clusters/<name>/apps/*.yaml`` (its app-of-apps')."""
    if env.spec.clusters is not None and layout.is_participant_app(rel):
        return True
    parts = rel.split("/")
    for pattern in ROOT_SYNCS:
        wanted = pattern.split("/")
        if len(wanted) == len(parts) and all(map(fnmatchcase, parts, wanted)):
            return True
    return env.spec.argocd.rendered_manifests and parts[0] == MANIFESTS_DIR and len(parts) > 1


def bootstrap_project_name(env: Environment) -> str:
    """The root Application's project: ``<prefix><project>-bootstrap``."""
    return f"{env.spec.argocd.project_name}-bootstrap"


def root_name(env: Environment) -> str:
    """The root Application: ``<prefix><project>-root``."""
    return f"{env.spec.argocd.project_name}-root"


def hub_context(env: Environment) -> dict[str, Any]:
    """What the templates need to place an environment in a shared Argo CD: the name prefix,
    the lab's AppProject as Argo CD names it, and where the lab's Applications deploy."""
    argocd = env.spec.argocd
    return {"name_prefix": argocd.name_prefix, "project": argocd.project_name,
            "destination": argocd.destination.target}


def bootstrap_files(env: Environment, common: dict[str, Any],
                    kinds: Iterable[tuple[str, str]] = ARGOCD_KINDS) -> dict[str, str]:
    """The bootstrap project and the root Application that uses it."""
    spec = env.spec
    bootstrap = bootstrap_project_name(env)
    project = jinja_env.render(
        "argocd/bootstrap-project.yaml.j2", bootstrap_project=bootstrap,
        repo_url=spec.argocd.repo_url, kinds=_kind_rules(kinds), **common)
    root = jinja_env.render(
        "argocd/root.yaml.j2", root_name=root_name(env),
        repo_url=spec.argocd.repo_url, target_revision=spec.argocd.target_revision,
        root_syncs=ROOT_SYNCS, **{**common, "project": bootstrap})
    return {BOOTSTRAP_PROJECT_FILE: project, "root.yaml": root}


def render_tree(env: Environment, lab: LabRender) -> dict[str, str]:
    """``{path under gitops/<env>/: text}``: projects, root, Applications, the values file."""
    spec = env.spec
    manifests = lab.manifests
    labels = {"app.kubernetes.io/part-of": "olympic-lab", "labgen.io/environment": env.name}
    common = {
        "env": env.name,
        "sources": ", ".join(env.files),
        "argocd_namespace": spec.argocd.namespace,
        "labels": labels,
        "tree_dir": tree_dir(env),
        **hub_context(env),
    }
    files: dict[str, str] = {}
    for app in applications(env):
        files[app.file] = jinja_env.render("argocd/application.yaml.j2", app=app, **common)
    cluster_kinds, namespaced_kinds = project_kinds(manifests)
    files["project.yaml"] = jinja_env.render(
        "argocd/project.yaml.j2",
        source_repos=sorted({spec.argocd.repo_url, spec.istio.chart_repo_url}),
        destinations=lab_namespaces(env),
        cluster_kinds=cluster_kinds, namespaced_kinds=namespaced_kinds, **common)
    files[lab.values_path] = lab.values_text
    if spec.argocd.rendered_manifests:
        files.update(manifest_files(manifests))
    files.update(bootstrap_files(env, common))
    return files


def lab_namespaces(env: Environment) -> list[str]:
    """The namespaces the lab's project admits (never Argo CD's)."""
    spec = env.spec
    return sorted({ISTIO_NAMESPACE, spec.namespaces.apps, spec.namespaces.observability}
                  - {spec.argocd.namespace})
