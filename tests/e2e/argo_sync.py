"""Apply a rendered environment to an API server the way Argo CD's sync would.

Argo CD syncs an Application in phases (PreSync hooks, Sync, PostSync hooks),
each in sync waves, and within a wave in its kind order (Namespace first, custom
resources last); with ``CreateNamespace=true`` it first creates the destination
namespace carrying ``managedNamespaceMetadata``; it dry-runs everything before it
applies anything, except resources of kinds the cluster does not serve yet under
``SkipDryRunOnMissingResource=true``. Its field manager is ``argocd-controller``.
This module plans and carries out those steps with :class:`kube_api.KubeApi`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from kube_api import ApiError, KubeApi

FIELD_MANAGER = "argocd-controller"

#: The order Argo CD (after Helm) applies kinds within one wave; other kinds come after, by name.
KIND_ORDER = [
    "Namespace", "NetworkPolicy", "ResourceQuota", "LimitRange", "PodSecurityPolicy",
    "PodDisruptionBudget", "ServiceAccount", "Secret", "SecretList", "ConfigMap", "StorageClass",
    "PersistentVolume", "PersistentVolumeClaim", "CustomResourceDefinition", "ClusterRole",
    "ClusterRoleList", "ClusterRoleBinding", "ClusterRoleBindingList", "Role", "RoleList",
    "RoleBinding", "RoleBindingList", "Service", "DaemonSet", "Pod", "ReplicationController",
    "ReplicaSet", "Deployment", "HorizontalPodAutoscaler", "StatefulSet", "Job", "CronJob",
    "IngressClass", "Ingress", "APIService",
]
_PHASES = {"PreSync": 0, "Sync": 1, "PostSync": 2}
#: Helm hooks as Argo CD maps them onto its own phases.
_HELM_HOOKS = {"pre-install": "PreSync", "pre-upgrade": "PreSync", "post-install": "PostSync",
               "post-upgrade": "PostSync"}


@dataclass
class AppSync:
    """One Application's sync: where to, with which options, which documents."""

    name: str
    wave: int
    namespace: str
    sync_options: list[str]
    namespace_metadata: Mapping[str, Any]
    documents: list[Mapping[str, Any]] = field(default_factory=list)
    #: The AppProject the Application belongs to ("" for a person's kubectl apply).
    project: str = ""

    @classmethod
    def of(cls, app: Mapping[str, Any], documents: Iterable[Mapping[str, Any]]) -> AppSync:
        """From an Application (or an ApplicationSet's template) and what it deploys."""
        metadata = app.get("metadata") or {}
        spec = app["spec"]
        policy = spec.get("syncPolicy") or {}
        wave = int((metadata.get("annotations") or {}).get("argocd.argoproj.io/sync-wave", "0"))
        return cls(name=str(metadata.get("name")), wave=wave,
                   namespace=str(spec["destination"].get("namespace") or ""),
                   sync_options=list(policy.get("syncOptions") or []),
                   namespace_metadata=policy.get("managedNamespaceMetadata") or {},
                   documents=list(documents), project=str(spec.get("project") or ""))

    def option(self, name: str) -> bool:
        return f"{name}=true" in self.sync_options


@dataclass
class SyncReport:
    """What a sync did: every object applied (by key) with its resourceVersion, refusals, and
    each (project, group, kind, namespace) applied."""

    applied: dict[str, str] = field(default_factory=dict)
    rejections: list[str] = field(default_factory=list)
    kinds: set[tuple[str, str, str, str]] = field(default_factory=set)


def phase_of(body: Mapping[str, Any]) -> tuple[str, int]:
    """(Argo CD phase, wave) of a document: hooks by their annotations, others in Sync."""
    annotations = (body.get("metadata") or {}).get("annotations") or {}
    if "argocd.argoproj.io/hook" in annotations:
        phase = str(annotations["argocd.argoproj.io/hook"]).split(",")[0]
        return phase, int(annotations.get("argocd.argoproj.io/sync-wave", "0"))
    if "helm.sh/hook" in annotations:
        hooks = [h.strip() for h in str(annotations["helm.sh/hook"]).split(",")]
        phase = next((_HELM_HOOKS[h] for h in hooks if h in _HELM_HOOKS), "Sync")
        return phase, int(annotations.get("helm.sh/hook-weight", "0"))
    return "Sync", int(annotations.get("argocd.argoproj.io/sync-wave", "0"))


def sync_order(documents: Iterable[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    def key(body: Mapping[str, Any]) -> tuple[int, int, int, str, str]:
        phase, wave = phase_of(body)
        kind = str(body.get("kind"))
        rank = KIND_ORDER.index(kind) if kind in KIND_ORDER else len(KIND_ORDER)
        return _PHASES.get(phase, 1), wave, rank, kind, str((body.get("metadata") or {}).get("name"))
    return sorted(documents, key=key)


def object_key(api: KubeApi, body: Mapping[str, Any], namespace: str | None) -> str:
    return api.object_path(body, namespace)


def create_namespace(api: KubeApi, sync: AppSync) -> tuple[str, str]:
    """``CreateNamespace=true``: the destination namespace with the managed metadata.

    As Argo CD does, an existing namespace is left alone unless the Application
    manages its metadata.
    """
    if not sync.namespace_metadata:
        try:
            live = api.get(f"/api/v1/namespaces/{sync.namespace}")
        except ApiError as error:
            if error.status != 404:
                raise
        else:
            return f"/api/v1/namespaces/{sync.namespace}", str(live["metadata"]["resourceVersion"])
    metadata: dict[str, Any] = {"name": sync.namespace}
    for part in ("labels", "annotations"):
        if sync.namespace_metadata.get(part):
            metadata[part] = dict(sync.namespace_metadata[part])
    body = {"apiVersion": "v1", "kind": "Namespace", "metadata": metadata}
    stored = api.apply(body, field_manager=FIELD_MANAGER)
    return object_key(api, body, None), str(stored["metadata"]["resourceVersion"])


def sync_app(api: KubeApi, sync: AppSync, report: SyncReport) -> None:
    """Dry-run, then apply, one Application's documents in Argo CD's order."""
    if sync.option("CreateNamespace") and sync.namespace:
        key, version = create_namespace(api, sync)
        report.applied[key] = version
    ordered = sync_order(sync.documents)
    skip_missing = sync.option("SkipDryRunOnMissingResource")
    for body in ordered:
        if skip_missing and not api.serves(str(body["apiVersion"]), str(body["kind"])):
            continue
        _apply(api, sync, body, report, dry_run=True)
    if report.rejections:
        return
    for body in ordered:
        _apply(api, sync, body, report, dry_run=False)
    crds = [str(b["metadata"]["name"]) for b in ordered if b.get("kind") == "CustomResourceDefinition"]
    if crds and not report.rejections:
        api.wait_established(crds)  # as Argo CD waits for a CRD before the kinds it defines


def _apply(api: KubeApi, sync: AppSync, body: Mapping[str, Any], report: SyncReport, *,
           dry_run: bool) -> None:
    label = f"{sync.name}: {body.get('kind')}/{(body.get('metadata') or {}).get('name')}"
    try:
        stored = api.apply(body, field_manager=FIELD_MANAGER, default_namespace=sync.namespace,
                           dry_run=dry_run)
    except (ApiError, KeyError, ValueError) as error:
        report.rejections.append(f"{label}{' (dry run)' if dry_run else ''}: {error}")
        return
    if dry_run:
        return
    metadata = stored["metadata"]
    group = str(body["apiVersion"]).rpartition("/")[0]
    report.kinds.add((sync.project, group, str(body["kind"]), str(metadata.get("namespace") or "")))
    report.applied[object_key(api, body, sync.namespace)] = str(metadata["resourceVersion"])


def sync_all(api: KubeApi, syncs: Iterable[AppSync]) -> SyncReport:
    """Sync Applications in their wave order (app-of-apps waves); stop at the first refusal."""
    report = SyncReport()
    for sync in sorted(syncs, key=lambda s: s.wave):
        sync_app(api, sync, report)
        if report.rejections:
            break
    return report


def planned_keys(api: KubeApi, syncs: Iterable[AppSync]) -> set[str]:
    """Every object the syncs name: their documents and the namespaces they create."""
    keys = set()
    for sync in syncs:
        if sync.option("CreateNamespace") and sync.namespace:
            keys.add(api.resource("v1", "Namespace").path(None, sync.namespace))
        keys.update(object_key(api, body, sync.namespace) for body in sync.documents)
    return keys


def stored_objects(api: KubeApi, keys: Iterable[str]) -> tuple[dict[str, dict[str, Any]],
                                                             dict[str, str]]:
    """The objects as stored, without the bookkeeping a no-op write may move (resourceVersion,
    managedFields' times), and each one's resourceVersion; generation, spec, labels, status
    and the rest stay."""
    objects, versions = {}, {}
    for key in keys:
        body = api.get(key)
        metadata = body["metadata"]
        versions[key] = str(metadata.pop("resourceVersion", ""))
        for entry in metadata.get("managedFields") or []:
            entry.pop("time", None)
        objects[key] = body
    return objects, versions
