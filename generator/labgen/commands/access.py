"""``labgen access``."""

from __future__ import annotations

from pathlib import Path

import click

from ..options import env_option, root_option


@click.command()
@env_option
@root_option
def access(env_name: str, root: Path) -> None:
    """Print how to reach each UI (and the app) of an environment."""
    from ..access import app_access, ui_access
    from ..environment import load_environment
    from ..render import warnings_of

    env = load_environment(root, env_name)
    for item in [*ui_access(env), app_access(env)]:
        click.echo(f"{item.title}: {item.url}")
        click.echo(f"  {item.command}")
    for warning in warnings_of(env):
        click.echo(f"warning: {warning}", err=True)
