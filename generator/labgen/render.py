"""The render pass: environment -> labs (values -> Helm) -> Argo CD tree -> files in memory.

One pass, one direction, one path for every environment: a single
environment is one lab on its own cluster, a workshop one lab per
participant. Only the tree builder differs: Applications for one cluster,
ApplicationSets for many. :func:`render_environment` touches the disk only
to read inputs; :func:`write_rendered` writes through :mod:`labgen.tree_writer`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from . import layout
from .argocd_tree import AppSpec, applications, render_tree
from .chart_values import LabRender, RenderMemo, chart_values, render_lab
from .clusters import expand_clusters
from .environment import Environment, load_environment
from .helm_engine import HelmEngine
from .manifests import Document, parse_documents
from .readme import readme_text
from .scenarios import Routes
from .tree_writer import WriteResult, owned_manifest, write_tree


@dataclass(frozen=True)
class RenderedEnvironment:
    """Everything labgen derives from one environment, in memory."""

    env: Environment
    #: The environment's own chart values (a workshop's participants may override them).
    values: dict[str, Any]
    #: Files of ``gitops/<env>/``, keyed by path relative to the repository root.
    tree: dict[str, str]
    #: One lab per cluster: the environment's own, or one per workshop participant.
    labs: tuple[LabRender, ...]
    #: The Argo CD documents of the tree.
    argocd: list[Document]

    @property
    def tree_dir(self) -> str:
        return layout.tree_dir(self.env.name)

    @cached_property
    def manifests(self) -> list[Document]:
        """Every lab's umbrella manifests (what Argo CD applies besides Istio's charts)."""
        return [doc for lab in self.labs for doc in lab.manifests]

    @property
    def participants(self) -> dict[str, list[Document]]:
        """Workshop mode: each participant's manifests by name (empty for one cluster)."""
        return {lab.participant.name: lab.manifests for lab in self.labs if lab.participant}

    @property
    def participant_routes(self) -> dict[str, Routes]:
        """Workshop mode: each participant's traffic routes (overrides applied)."""
        return {lab.participant.name: lab.env.routes for lab in self.labs if lab.participant}


def render_environment(root: Path, name: str, engine: HelmEngine) -> RenderedEnvironment:
    """Load environment ``name`` and render its whole tree in memory."""
    env = load_environment(root, name)
    participants = expand_clusters(env)
    memo: RenderMemo = {}
    labs = [render_lab(root, env, p, engine, memo) for p in participants] if participants \
        else [render_lab(root, env, None, engine)]
    files, apps = _tree_files(env, labs)
    files["README.md"] = readme_text(env, apps, participants)
    base = layout.tree_dir(env.name)
    argocd = parse_documents({f"{base}/{rel}": body for rel, body in files.items()
                              if _is_argocd_file(rel)})
    tree = {f"{base}/{rel}": body for rel, body in sorted(files.items())}
    return RenderedEnvironment(env=env, values=chart_values(env), tree=tree, labs=tuple(labs),
                               argocd=argocd)


def _tree_files(env: Environment, labs: list[LabRender]) -> tuple[dict[str, str], list[AppSpec]]:
    """The tree builder for the environment: Applications for one cluster, ApplicationSets
    for a workshop's participants. Returns the files and the parts as the README lists them."""
    if env.spec.clusters is None:
        return render_tree(env, labs[0]), applications(env)
    from .appset_tree import appset_apps, render_appset_tree

    return render_appset_tree(env, labs), appset_apps(env)


def _is_argocd_file(rel: str) -> bool:
    """Argo CD's own documents in a tree: not values files, not hydrated manifests."""
    return (rel.endswith(".yaml") and not rel.endswith(layout.VALUES_FILE)
            and not rel.startswith((f"{layout.MANIFESTS_DIR}/", f"{layout.PARTICIPANTS_DIR}/")))


def _relative(rendered: RenderedEnvironment) -> dict[str, str]:
    base = rendered.tree_dir + "/"
    return {path[len(base):]: text for path, text in rendered.tree.items()}


def write_rendered(root: Path, rendered: RenderedEnvironment) -> WriteResult:
    """Write ``gitops/<env>/`` atomically (validation is the caller's job)."""
    return write_tree(root / rendered.tree_dir, _relative(rendered))


def expected_tree(rendered: RenderedEnvironment) -> dict[str, str]:
    """The full tree including the ownership file, keyed by repository-relative path."""
    return {**rendered.tree,
            f"{rendered.tree_dir}/{layout.OWNED_FILE}": owned_manifest(_relative(rendered))}
