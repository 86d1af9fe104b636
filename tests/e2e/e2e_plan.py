"""From a rendered environment to what each cluster receives, Application by Application.

A single-cluster environment is one cluster: the bootstrap (``kubectl apply`` of
project.yaml and root.yaml, as the generated README says), the root
Application's sync (project.yaml and apps/*.yaml), then each child Application
in wave order. A workshop is a hub cluster (Argo CD with the ApplicationSet, the
app-of-apps it generates per participant and the part Applications each syncs
from clusters/<name>/apps/) plus one cluster per participant, with its parts in
wave order (Argo CD is not installed there: the hub syncs it). Participants whose
manifests are identical share one cluster (named after the first of them).

Istio's own charts come from Istio's chart repository, which Tier 1 does not
reach: ``istio-base`` is represented by what it installs that the lab depends on,
Istio's CRDs (read in place from ``../shared/crds/istio``); ``istiod`` and the
gateway are listed in ``ClusterPlan.unsynced``.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from argo_sync import AppSync

import yaml_docs

UMBRELLA = "olympic-lab"
ISTIO_BASE = "istio-base"
DEFAULT_SERVER = "https://kubernetes.default.svc"


@dataclass
class ClusterPlan:
    name: str
    #: The AppProjects the cluster's Applications belong to, by name.
    projects: dict[str, Mapping[str, Any]]
    #: The destination server the Applications name for this cluster.
    server: str
    syncs: list[AppSync] = field(default_factory=list)
    #: Applications whose sources Tier 1 cannot fetch (Istio's istiod and gateway charts).
    unsynced: list[str] = field(default_factory=list)
    #: Whether Argo CD runs in this cluster (its CRDs and namespace installed first): a
    #: single cluster and a workshop's hub; not a participant's cluster, which the hub syncs.
    runs_argocd: bool = True

    def document_count(self) -> int:
        return sum(len(sync.documents) for sync in self.syncs)


def load_crds(folder: Path) -> list[dict[str, Any]]:
    """Every document of the CRD files in ``folder`` (2.7 MB of YAML: libyaml's reader)."""
    docs: list[dict[str, Any]] = []
    for path in sorted(folder.glob("*.yaml")):
        docs.extend(d for d in yaml_docs.load_all(path.read_text()) if d)
    return docs


def _bodies(docs: Any) -> list[Mapping[str, Any]]:
    return [doc.body for doc in docs]


def _by_file(rendered: Any) -> dict[str, list[Mapping[str, Any]]]:
    base = rendered.tree_dir
    files: dict[str, list[Mapping[str, Any]]] = {}
    for doc in rendered.argocd:
        files.setdefault(doc.file.removeprefix(f"{base}/"), []).append(doc.body)
    return files


def bootstrap_files(readme: str) -> list[str]:
    """The files of the generated README's bootstrap command, in its order."""
    for line in readme.splitlines():
        if line.startswith("kubectl apply -n argocd -f "):
            return [part.rpartition("/")[2] for part in line.split(" -f ")[1:]]
    raise ValueError("the generated README names no `kubectl apply -n argocd -f ...` command")


def _bootstrap(rendered: Any) -> tuple[AppSync, AppSync, dict[str, Mapping[str, Any]]]:
    """The README's kubectl apply (bootstrap), then the root Application's sync."""
    files = _by_file(rendered)
    applied = [body for rel in bootstrap_files(rendered.tree[f"{rendered.tree_dir}/README.md"])
               for body in files[rel]]
    bootstrap = AppSync(name="bootstrap (kubectl apply)", wave=-100, namespace="argocd",
                        sync_options=[], namespace_metadata={}, documents=applied)
    root = files["root.yaml"][0]
    children = [body for rel, bodies in files.items() if rel.startswith("apps/") for body in bodies]
    root_sync = AppSync.of(root, [*files["project.yaml"], *children])
    root_sync.wave = -99
    projects = {str(body["metadata"]["name"]): body for bodies in files.values() for body in bodies
                if body.get("kind") == "AppProject"}
    return bootstrap, root_sync, projects


def _child(app: Mapping[str, Any], umbrella_docs: list[Mapping[str, Any]],
           istio_crds: list[dict[str, Any]]) -> AppSync | None:
    name = str(app["metadata"]["name"])
    if name.endswith(UMBRELLA):
        return AppSync.of(app, umbrella_docs)
    if name.endswith(ISTIO_BASE):
        return AppSync.of(app, istio_crds)
    return None


def plan_single(name: str, rendered: Any, istio_crds: list[dict[str, Any]]) -> ClusterPlan:
    bootstrap, root_sync, projects = _bootstrap(rendered)
    plan = ClusterPlan(name, projects, DEFAULT_SERVER, [bootstrap, root_sync])
    for app in _children(root_sync):
        sync = _child(app, _bodies(rendered.manifests), istio_crds)
        if sync is None:
            plan.unsynced.append(str(app["metadata"]["name"]))
        else:
            plan.syncs.append(sync)
    return plan


def _children(root_sync: AppSync) -> list[Mapping[str, Any]]:
    return [body for body in root_sync.documents if body.get("kind") != "AppProject"]


def _generated(appset: Mapping[str, Any], element: Mapping[str, str]) -> dict[str, Any]:
    """The Application an ApplicationSet's list generator makes for ``element``."""
    text = json.dumps(appset["spec"]["template"])
    for key, value in element.items():
        text = text.replace("{{." + key + "}}", value)
    app: dict[str, Any] = json.loads(text)
    app.update(apiVersion="argoproj.io/v1alpha1", kind="Application")
    return app


def plan_workshop(name: str, rendered: Any, istio_crds: list[dict[str, Any]]) -> list[ClusterPlan]:
    bootstrap, root_sync, projects = _bootstrap(rendered)
    (appset,) = _children(root_sync)
    elements = {str(e["name"]): e for e in appset["spec"]["generators"][0]["list"]["elements"]}
    parents = {p: _generated(appset, element) for p, element in elements.items()}
    # The ApplicationSet controller writes them, under no project of its own; each then
    # syncs (in the bootstrap project) its participant's part Applications into argocd.
    hub_apps = AppSync(name="applicationset-controller", wave=-98, namespace="argocd",
                       sync_options=[], namespace_metadata={}, documents=list(parents.values()))
    files = _by_file(rendered)
    folders = {p: str(parent["spec"]["source"]["path"]).removeprefix(f"{rendered.tree_dir}/")
               for p, parent in parents.items()}
    parts = {p: [body for rel, bodies in sorted(files.items()) if rel.startswith(f"{folder}/")
                 for body in bodies] for p, folder in folders.items()}
    parent_syncs = []
    for participant, parent in parents.items():
        sync = AppSync.of(parent, parts[participant])
        sync.wave = -97
        parent_syncs.append(sync)
    hub = ClusterPlan(f"{name}-hub", projects, DEFAULT_SERVER,
                      [bootstrap, root_sync, hub_apps, *parent_syncs])
    plans = [hub]
    seen: dict[str, ClusterPlan] = {}
    for participant, docs in rendered.participants.items():
        bodies = _bodies(docs)
        digest = hashlib.sha256(json.dumps(bodies, sort_keys=True).encode()).hexdigest()
        if digest in seen:
            seen[digest].name += f"+{participant}"
            continue
        ordered = sorted(parts[participant], key=lambda app: int(
            app["metadata"]["annotations"]["argocd.argoproj.io/sync-wave"]))
        plan = ClusterPlan(participant, projects, str(ordered[0]["spec"]["destination"]["server"]),
                           runs_argocd=False)
        for app in ordered:
            child = _child(app, bodies, istio_crds)
            if child is None:
                plan.unsynced.append(str(app["metadata"]["name"]))
            else:
                plan.syncs.append(child)
        seen[digest] = plan
        plans.append(plan)
    return plans


def plan_environment(name: str, rendered: Any, istio_crds: list[dict[str, Any]]) -> list[ClusterPlan]:
    if rendered.participants:
        return plan_workshop(name, rendered, istio_crds)
    return [plan_single(name, rendered, istio_crds)]


def project_refusals(plan: ClusterPlan, applied: set[tuple[str, str, str, str]]) -> list[str]:
    """Applied (project, group, kind, namespace) that the named AppProject would refuse.

    Objects a person applies (project "") are not an Application's and are skipped.
    """
    refusals = []
    for project, group, kind, namespace in sorted(applied):
        if not project:
            continue
        if project not in plan.projects:
            refusals.append(f"{group or 'core'}/{kind}: no AppProject {project} in the tree")
            continue
        refusal = _refusal(plan, plan.projects[project]["spec"], group, kind, namespace)
        if refusal:
            refusals.append(f"{project}: {refusal}")
    return refusals


def _listed(entries: list[Mapping[str, str]] | None, group: str, kind: str) -> bool:
    return any(e.get("group") in (group, "*") and e.get("kind") in (kind, "*") for e in entries or [])


def _refusal(plan: ClusterPlan, spec: Mapping[str, Any], group: str, kind: str,
             namespace: str) -> str | None:
    name = f"{group or 'core'}/{kind}"
    if not namespace:
        if not _listed(spec.get("clusterResourceWhitelist"), group, kind):
            return f"cluster-scoped {name} not in clusterResourceWhitelist"
        return None
    whitelist = spec.get("namespaceResourceWhitelist")
    if whitelist is not None and not _listed(whitelist, group, kind):
        return f"{name} not in namespaceResourceWhitelist"
    destinations = {(d.get("server"), d.get("namespace")) for d in spec.get("destinations", [])}
    server = DEFAULT_SERVER if namespace == "argocd" else plan.server
    if (server, namespace) not in destinations and ("*", "*") not in destinations:
        return f"{name} in namespace {namespace}: no destination {server} {namespace}"
    return None
