"""``labgen bootstrap``."""

from __future__ import annotations

from pathlib import Path

import click

from ..options import env_option, helm_binary_option, root_option


@click.command()
@env_option
@click.option("--apply-to", "apply_to", type=click.Path(path_type=Path), metavar="FILE",
              help="Write to FILE instead of printing (never over a file labgen did not write).")
@root_option
@helm_binary_option
def bootstrap(env_name: str, apply_to: Path | None, root: Path, helm_binary: str | None) -> None:
    """Print what to apply once in the Argo CD namespace.

    The AppProject, the root Application and the argocd-cm health check that
    makes app-of-apps sync waves wait for child health. Never talks to a cluster.
    """
    from ..bootstrap import bootstrap_text, write_bootstrap
    from ..helm_engine import get_engine
    from ..pipeline import render_validated

    rendered, _findings = render_validated(root, env_name, get_engine(helm_binary))
    text = bootstrap_text(rendered)
    if apply_to is None:
        click.echo(text, nl=False)
        return
    from ..repo_lock import repo_lock

    with repo_lock(root):
        wrote = write_bootstrap(apply_to, text)
    click.echo(f"{apply_to}: written" if wrote else f"{apply_to}: up to date")
