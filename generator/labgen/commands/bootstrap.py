"""``labgen bootstrap``."""

from __future__ import annotations

from pathlib import Path

import click

from ..options import env_option, helm_binary_option, root_option, workspace


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
    result = workspace(root, helm_binary).bootstrap(env_name, apply_to)
    if result.written is None:
        click.echo(result.text, nl=False)
    else:
        click.echo(f"{apply_to}: {'written' if result.written else 'up to date'}")
