"""The render pipeline: environment -> values -> Helm -> Argo CD tree -> files.

One pass, one direction. :func:`render_environment` is pure (nothing touches
the disk but reading inputs); :func:`labgen.pipeline.render_validated` adds
validation, and :func:`write_rendered` writes atomically through
:mod:`labgen.tree_writer`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import jinja_env
from .access import app_access, ui_access
from .argocd_tree import (
    MANIFESTS_DIR,
    applications,
    bootstrap_project_name,
    lab_namespaces,
    render_tree,
    tree_dir,
)
from .chart_values import chart_values, render_umbrella, values_file_text
from .environment import Environment, load_environment
from .helm_engine import HelmEngine
from .manifests import Document, parse_documents
from .scenarios import Routes
from .tree_writer import OWNED, WriteResult, owned_manifest, write_tree

_PLATFORM_TITLES = {"oke": "Oracle Container Engine for Kubernetes (OKE)",
                    "kind": "a local kind cluster", "generic": "Kubernetes"}


@dataclass(frozen=True)
class RenderedEnvironment:
    """Everything labgen derives from one environment, in memory."""

    env: Environment
    values: dict[str, Any]
    #: Files of ``gitops/<env>/``, keyed by path relative to the repository root.
    tree: dict[str, str]
    #: The umbrella chart rendered with ``values`` (what Argo CD applies).
    manifests: list[Document]
    #: The Argo CD documents of the tree.
    argocd: list[Document]
    #: Workshop mode: each participant cluster's umbrella manifests by cluster name (their
    #: union, files prefixed ``clusters/<name>/``, is ``manifests``).
    clusters: dict[str, list[Document]] = field(default_factory=dict)
    #: Workshop mode: each participant cluster's traffic routes (overrides applied).
    cluster_routes: dict[str, Routes] = field(default_factory=dict)

    @property
    def tree_dir(self) -> str:
        return tree_dir(self.env)


def render_environment(root: Path, name: str, engine: HelmEngine) -> RenderedEnvironment:
    """Load environment ``name`` and render its whole tree in memory."""
    env = load_environment(root, name)
    if env.spec.clusters is not None:
        return _render_clusters(root, env, engine)
    values = chart_values(env)
    text = values_file_text(env, values)
    manifests = parse_documents(render_umbrella(root, env, text, engine))
    argocd_files = render_tree(env, manifests)
    base = tree_dir(env)
    tree = {f"{base}/{rel}": body for rel, body in argocd_files.items()}
    tree[f"{base}/values.yaml"] = text
    tree[f"{base}/README.md"] = _readme(env, files=tree)
    argocd = parse_documents({f"{base}/{rel}": body for rel, body in argocd_files.items()
                              if not rel.startswith(f"{MANIFESTS_DIR}/")})
    return RenderedEnvironment(env=env, values=values, tree=dict(sorted(tree.items())),
                               manifests=manifests, argocd=argocd)


def warnings_of(env: Environment) -> list[str]:
    """Security posture notes for the generated README (and the CLI)."""
    spec = env.spec
    notes = []
    if spec.expose.mode == "nodePort":
        ports = ", ".join(f"{name} {port}" for name, port in spec.expose.node_ports.items())
        notes.append(f"The UIs are NodePorts ({ports}) on every node. The hands-on opened "
                     "30000-65535 to 0.0.0.0/0: open only these ports, only to your own address.")
    if spec.expose.mode == "loadBalancer" and not spec.expose.source_ranges:
        notes.append("The UI load balancers accept any source; set expose.sourceRanges.")
    if spec.observability.grafana_anonymous_role == "Admin":
        notes.append("Grafana gives anonymous visitors the Admin role.")
    if spec.observability.kiali_auth_strategy == "anonymous":
        notes.append("Kiali lets anyone in (auth strategy anonymous).")
    return notes


def _render_clusters(root: Path, env: Environment, engine: HelmEngine) -> RenderedEnvironment:
    """Workshop mode: ApplicationSets and one values file per participant cluster."""
    from .access import cluster_access
    from .appset_tree import appset_apps, render_appset_tree, render_participant
    from .clusters import expand_clusters

    participants = expand_clusters(root, env)
    renders = [render_participant(root, env, p, engine) for p in participants]
    argocd_files = render_appset_tree(env, renders)
    base = tree_dir(env)
    tree = {f"{base}/{rel}": body for rel, body in argocd_files.items()}
    tree[f"{base}/README.md"] = _readme(
        env, files=tree, apps=appset_apps(env),
        participants=[cluster_access(p.name, p.server or p.cluster_name, p.env)
                      for p in participants])
    argocd = parse_documents({f"{base}/{rel}": body for rel, body in argocd_files.items()
                              if rel.endswith(".yaml") and not rel.startswith("clusters/")})
    return RenderedEnvironment(
        env=env, values=chart_values(env), tree=dict(sorted(tree.items())),
        manifests=[doc for r in renders for doc in r.manifests], argocd=argocd,
        clusters={r.participant.name: r.manifests for r in renders},
        cluster_routes={p.name: p.env.routes for p in participants})


def login_notes(env: Environment) -> list[str]:
    """How a person logs in to the UIs (README and ``labgen access``)."""
    spec = env.spec
    ns = spec.namespaces.observability
    notes = []
    if spec.components.grafana:
        notes.append("Grafana: user `admin`; the password is generated in the cluster (never "
                     f"committed): `kubectl -n {ns} get secret grafana-admin -o jsonpath="
                     "'{.data.password}' | base64 -d` (or name your own Secret in "
                     "`grafana.admin.existingSecret` through `helmValues`).")
    if spec.components.kiali and spec.observability.kiali_auth_strategy == "token":
        notes.append(f"Kiali asks for a token: `kubectl -n {ns} create token kiali`.")
    return notes


def _readme(env: Environment, files: dict[str, str], **extra: Any) -> str:
    spec = env.spec
    context: dict[str, Any] = dict(
        env=env.name, sources=", ".join(env.files), tree_dir=tree_dir(env),
        platform_title=_PLATFORM_TITLES[spec.cluster.platform],
        description=spec.description or f"Environment {env.name}",
        project=spec.argocd.project, argocd_namespace=spec.argocd.namespace,
        repo_url=spec.argocd.repo_url, root_name=f"{spec.argocd.project}-root",
        destinations=", ".join(lab_namespaces(env)), bootstrap_project=bootstrap_project_name(env),
        apps=applications(env), apps_namespace=spec.namespaces.apps,
        rendered_manifests=spec.argocd.rendered_manifests,
        scenario=env.routes.scenario, traffic=env.routes.describe(),
        access=[*ui_access(env), app_access(env)], warnings=warnings_of(env),
        login_notes=login_notes(env),
        participants=[],
    )
    return jinja_env.render("README.md.j2", **{**context, **extra})


def write_rendered(root: Path, rendered: RenderedEnvironment) -> WriteResult:
    """Write ``gitops/<env>/`` atomically (validation is the caller's job)."""
    base = rendered.tree_dir + "/"
    files = {path[len(base):]: text for path, text in rendered.tree.items()}
    return write_tree(root / rendered.tree_dir, files)


def expected_tree(rendered: RenderedEnvironment) -> dict[str, str]:
    """The full tree including the ownership file, keyed by repository-relative path."""
    base = rendered.tree_dir + "/"
    files = {path[len(base):]: text for path, text in rendered.tree.items()}
    return {**rendered.tree, base + OWNED: owned_manifest(files)}
