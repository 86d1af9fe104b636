"""``labgen envs`` and ``labgen schema``."""

from __future__ import annotations

import json
from pathlib import Path

import click

from ..options import root_option, workspace


@click.command()
@root_option
def envs(root: Path) -> None:
    """List the environments that can be rendered."""
    for info in workspace(root).environments():
        click.echo(f"{info.name}\t{' <- '.join(reversed(info.files))}\t{info.description}")


@click.command()
def schema() -> None:
    """Print the JSON Schema of environment files (for editors)."""
    from ..env_model import environment_schema

    click.echo(json.dumps(environment_schema(), indent=2, sort_keys=True))
