"""``labgen access``."""

from __future__ import annotations

from pathlib import Path

import click

from ..options import env_option, root_option


@click.command()
@env_option
@root_option
def access(env_name: str, root: Path) -> None:
    """Print how to reach each UI (and the app) of an environment.

    For a workshop environment (with clusters), one block per participant cluster.
    """
    from ..access import app_access, cluster_access, ui_access
    from ..clusters import expand_clusters, has_clusters
    from ..environment import load_environment
    from ..render import login_notes, warnings_of

    env = load_environment(root, env_name)
    if has_clusters(env):
        for participant in expand_clusters(root, env):
            block = cluster_access(participant.name, participant.server or participant.cluster_name,
                                   participant.env)
            click.echo(f"{block.cluster} ({block.address})")
            for title, url in block.urls:
                click.echo(f"  {title}: {url}")
    else:
        for item in [*ui_access(env), app_access(env)]:
            click.echo(f"{item.title}: {item.url}")
            click.echo(f"  {item.command}")
    for note in login_notes(env):
        click.echo(note)
    for warning in warnings_of(env):
        click.echo(f"warning: {warning}", err=True)
