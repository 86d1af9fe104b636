"""The Argo CD tree of a workshop environment: one ApplicationSet per part.

``gitops/<env>/`` holds the AppProject, the root app-of-apps, one
ApplicationSet per part in ``apps/`` (istio-base, istiod,
istio-ingressgateway, olympic-lab) with one element per participant cluster,
and ``clusters/<name>/values.yaml`` per cluster. Adding a cluster adds one
values file (and one list element, one AppProject destination per namespace,
one README row); nothing else.

The Application an ApplicationSet generates is the single-cluster
Application of :mod:`labgen.argocd_tree`, rendered by the same template and
parsed back, with the destination and the umbrella's value file made
per-cluster, so both modes keep the same sync options, retries and
ignoreDifferences.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from . import jinja_env
from .argocd_tree import (
    ARGOCD_KINDS,
    AppSpec,
    applications,
    bootstrap_files,
    hub_context,
    lab_namespaces,
    project_kinds,
    tree_dir,
)
from .chart_values import RELEASE_NAME, LabRender
from .clusters import ParticipantEnvironment
from .environment import Environment
from .yaml_io import safe_load

#: Go-template parameter of the generators: the participant's name (list element ``name``;
#: the cluster generator's ``name`` is the Argo CD cluster name).
NAME_PARAM = "{{.name}}"
#: ApplicationSet kind, for the bootstrap project's whitelist (the root app syncs them).
APPSET_KIND = ("argoproj.io", "ApplicationSet")


def _generators(env: Environment, participants: list[ParticipantEnvironment]) -> list[Any]:
    clusters = env.spec.clusters
    assert clusters is not None
    if clusters.generator == "clusterLabels":
        return [{"clusters": {"selector": {"matchLabels": dict(clusters.selector)}}}]
    elements = [{"name": p.name, **({"server": p.server} if p.server else
                                    {"clusterName": p.cluster_name})} for p in participants]
    return [{"list": {"elements": elements}}]


def _destination(env: Environment, participants: list[ParticipantEnvironment]) -> dict[str, str]:
    clusters = env.spec.clusters
    assert clusters is not None
    if clusters.generator == "clusterLabels":
        return {"name": NAME_PARAM}
    if participants[0].server:
        return {"server": "{{.server}}"}
    return {"name": "{{.clusterName}}"}


def _per_cluster(app: AppSpec, env: Environment) -> AppSpec:
    """The umbrella's Application reads its cluster's values file."""
    if app.name != RELEASE_NAME:
        return app
    helm = dict(app.source["helm"])
    helm["valueFiles"] = [f"../../{tree_dir(env)}/clusters/{NAME_PARAM}/values.yaml"]
    return dataclasses.replace(app, source={**app.source, "helm": helm})


def go_template_literal(value: Any) -> Any:
    """``value`` with every ``{{`` in its strings escaped for Argo CD's Go templates
    (``goTemplate: true``), so text copied from an environment is never evaluated."""
    if isinstance(value, str):
        return value.replace("{{", _GO_OPEN)
    if isinstance(value, dict):
        return {go_template_literal(k): go_template_literal(v) for k, v in value.items()}
    if isinstance(value, list):
        return [go_template_literal(item) for item in value]
    return value


#: A Go template action printing a literal ``{{``.
_GO_OPEN = '{{ "{{" }}'


def _template_spec(app: AppSpec, common: dict[str, Any], destination: dict[str, str]) -> dict[str, Any]:
    """The single-cluster Application's spec (same template), aimed at a participant.

    Every copied value is escaped; only labgen's own parameters (the destination and the
    umbrella's per-cluster values file) stay Go template actions."""
    text = jinja_env.render("argocd/application.yaml.j2", app=app, **common)
    spec: dict[str, Any] = go_template_literal(safe_load(text)["spec"])
    spec["destination"] = {**destination, "namespace": app.namespace}
    helm = app.source.get("helm") if app.name == RELEASE_NAME else None
    if isinstance(helm, dict) and "valueFiles" in helm:
        spec["source"]["helm"]["valueFiles"] = list(helm["valueFiles"])  # carries NAME_PARAM
    return spec


def render_appset_tree(env: Environment, labs: list[LabRender]) -> dict[str, str]:
    """``{path under gitops/<env>/: text}``: project, root, ApplicationSets, values files."""
    spec = env.spec
    participants = [lab.participant for lab in labs if lab.participant is not None]
    labels = {"app.kubernetes.io/part-of": "olympic-lab", "labgen.io/environment": env.name}
    common = {
        "env": env.name, "sources": ", ".join(env.files), "argocd_namespace": spec.argocd.namespace,
        "labels": labels, "tree_dir": tree_dir(env), **hub_context(env),
    }
    destination = _destination(env, participants)
    generators = _generators(env, participants)
    files: dict[str, str] = {}
    for app in applications(env):
        app = _per_cluster(app, env)
        files[app.file] = jinja_env.render(
            "argocd/applicationset.yaml.j2", app=app, generators=generators,
            template_labels={**labels, "labgen.io/cluster": NAME_PARAM, "labgen.io/part": app.name},
            template_name=f"{spec.argocd.name_prefix}{NAME_PARAM}-{app.name}",
            template_spec=_template_spec(app, common, destination), **common)
    manifests = [doc for lab in labs for doc in lab.manifests]
    cluster_kinds, namespaced_kinds = project_kinds(manifests)
    namespaces = lab_namespaces(env)
    files["project.yaml"] = jinja_env.render(
        "argocd/appset-project.yaml.j2",
        source_repos=sorted({spec.argocd.repo_url, spec.istio.chart_repo_url}),
        participants=[{"name": p.name, "target": _project_target(env, p),
                       "namespaces": namespaces} for p in participants],
        cluster_kinds=cluster_kinds, namespaced_kinds=namespaced_kinds, **common)
    files.update(bootstrap_files(env, common, ARGOCD_KINDS | {APPSET_KIND}))
    for lab in labs:
        files[lab.values_path] = lab.values_text
    return files


def _project_target(env: Environment, participant: ParticipantEnvironment) -> dict[str, str]:
    """How the AppProject names a participant's cluster: its URL, else its Argo CD name."""
    if participant.server:
        return {"server": participant.server}
    clusters = env.spec.clusters
    assert clusters is not None
    return {"name": participant.cluster_name or participant.name}


def appset_apps(env: Environment) -> list[AppSpec]:
    """The parts as the README lists them: files of ApplicationSets."""
    return [dataclasses.replace(app, comment=f"ApplicationSet: {app.comment}")
            for app in applications(env)]
