"""``labgen crds pull``: the CRDs of the versions an environment pins, into your cache."""

from __future__ import annotations

from pathlib import Path

import click

from ..options import helm_binary_option, root_option, workspace


@click.group()
def crds() -> None:
    """CRDs of the pinned Istio and Argo CD versions, cached for `labgen validate`."""


@crds.command()
@click.option("--env", "env_names", multiple=True, metavar="ENV",
              help="Pull the CRDs of the versions environments/ENV.yaml pins (repeatable).")
@click.option("--all", "all_envs", is_flag=True, help="Pull for every environment.")
@click.option("--argocd-version", metavar="vX.Y.Z",
              help="Argo CD version to pull (instead of each environment's argocd.version).")
@click.option("--argocd-repo", metavar="URL",
              help="Helm repository of the argo-cd chart (default: Argo Helm).")
@click.option("--chart", "charts", nargs=3, multiple=True, metavar="REPO_URL NAME VERSION",
              help="Also pull this chart's CRDs, e.g. Gateway API's (repeatable).")
@click.option("--force", is_flag=True, help="Pull again even when a verified copy is cached.")
@root_option
@helm_binary_option
def pull(env_names: tuple[str, ...], all_envs: bool, argocd_version: str | None,
         argocd_repo: str | None, charts: tuple[tuple[str, str, str], ...], force: bool,
         root: Path, helm_binary: str | None) -> None:
    """Fetch CRDs through Helm, check their digests and cache them.

    Istio's from its base chart at istio.version, Argo CD's from the argo-cd chart
    whose appVersion is argocd.version; stored under
    ${XDG_CACHE_HOME:-~/.cache}/labgen/crds/<source>/<version>/.
    """
    pulls = workspace(root, helm_binary).pull_crds(
        env_names, all_envs=all_envs, argocd_version=argocd_version, argocd_repo=argocd_repo,
        charts=charts, force=force)
    for done in pulls:
        click.echo(done.summary())
