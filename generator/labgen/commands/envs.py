"""``labgen envs`` and ``labgen schema``."""

from __future__ import annotations

import json
from pathlib import Path

import click

from ..options import root_option


@click.command()
@root_option
def envs(root: Path) -> None:
    """List the environments that can be rendered."""
    from ..environment import available_environments, load_environment

    for name in available_environments(root):
        env = load_environment(root, name)
        click.echo(f"{name}\t{' <- '.join(reversed(env.files))}\t{env.spec.description}")


@click.command()
def schema() -> None:
    """Print the JSON Schema of environment files (for editors)."""
    from ..env_model import EnvironmentFile
    from ..typed_config import json_schema

    document = json_schema(EnvironmentFile)
    document["title"] = "labgen environment file"
    click.echo(json.dumps(document, indent=2, sort_keys=True))
