"""The generated ``gitops/<env>/README.md``: what the tree holds and how to use it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from . import jinja_env, layout
from .access import ClusterAccess, app_access, cluster_access, ui_access
from .appset_tree import PARTS_NAME
from .argocd_tree import AppSpec, bootstrap_project_name, lab_namespaces, root_name
from .environment import Environment
from .posture import login_notes, warnings_of

if TYPE_CHECKING:
    from .clusters import ParticipantEnvironment

_PLATFORM_TITLES = {"oke": "Oracle Container Engine for Kubernetes (OKE)",
                    "kind": "a local kind cluster", "generic": "Kubernetes"}


def readme_text(env: Environment, apps: list[AppSpec],
                participants: list[ParticipantEnvironment]) -> str:
    """The README of ``env``'s tree; ``participants`` is empty for a single environment."""
    spec = env.spec
    context: dict[str, Any] = dict(
        env=env.name, sources=", ".join(env.files), tree_dir=layout.tree_dir(env.name),
        env_file=layout.env_file(env.name),
        built_on=[(name, layout.env_file(name)) for name in env.built_on],
        platform_title=_PLATFORM_TITLES[spec.cluster.platform],
        description=spec.description or f"Environment {env.name}",
        project=spec.argocd.project_name, argocd_namespace=spec.argocd.namespace,
        repo_url=spec.argocd.repo_url, root_name=root_name(env),
        destinations=", ".join(lab_namespaces(env)), bootstrap_project=bootstrap_project_name(env),
        apps=apps, apps_namespace=spec.namespaces.apps,
        rendered_manifests=spec.argocd.rendered_manifests,
        scenario=env.routes.scenario, traffic=env.routes.describe(),
        access=[*ui_access(env), app_access(env)], warnings=warnings_of(env),
        login_notes=login_notes(env), participants=_participant_rows(participants),
        parts_appset=_parts_appset(participants), **_hub_context(env),
    )
    return jinja_env.render("README.md.j2", **context)


def _parts_appset(participants: list[ParticipantEnvironment]) -> dict[str, str]:
    """The workshop's ApplicationSet as the README names it (empty for one cluster)."""
    if not participants:
        return {}
    return {"file": layout.PARTS_APPSET_FILE, "name": PARTS_NAME,
            "folder": layout.participant_apps_dir("<name>"), "example": participants[0].name}


def _hub_context(env: Environment) -> dict[str, str]:
    """The Argo CD settings the README states when they differ from a lone environment's."""
    argocd = env.spec.argocd
    destination = argocd.destination
    where = "".join(f"{key} `{value}`" for key, value in destination.target.items())
    return {"name_prefix": argocd.name_prefix, "instance": argocd.instance,
            "destination": where if destination.explicit else ""}


def _participant_rows(participants: list[ParticipantEnvironment]) -> list[ClusterAccess]:
    return [cluster_access(p.name, p.server or p.cluster_name, p.env) for p in participants]
