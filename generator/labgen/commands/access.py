"""``labgen access``."""

from __future__ import annotations

from pathlib import Path

import click

from ..options import env_option, root_option, workspace


@click.command()
@env_option
@root_option
def access(env_name: str, root: Path) -> None:
    """Print how to reach each UI (and the app) of an environment.

    For a workshop environment (with clusters), one block per participant cluster.
    """
    report = workspace(root).access(env_name)
    for block in report.participants:
        click.echo(f"{block.cluster} ({block.address})")
        for title, url in block.urls:
            click.echo(f"  {title}: {url}")
    for item in report.items:
        click.echo(f"{item.title}: {item.url}")
        click.echo(f"  {item.command}")
    for note in report.login_notes:
        click.echo(note)
    for warning in report.warnings:
        click.echo(f"warning: {warning}", err=True)
