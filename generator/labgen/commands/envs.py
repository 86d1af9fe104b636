"""``labgen envs`` and ``labgen schema``."""

from __future__ import annotations

import json
from pathlib import Path

import click

from ..options import root_option, workspace


@click.command()
@click.option("--changed-since", "ref", metavar="REF",
              help="Only the names of environments a change since git REF touches.")
@root_option
def envs(ref: str | None, root: Path) -> None:
    """List the environments that can be rendered."""
    if ref is not None:
        for name in workspace(root).changed_since(ref):
            click.echo(name)
        return
    listed = workspace(root).environments()
    for info in listed:
        about = f"broken: {info.error}" if info.error else info.description
        line = f"{info.name}\t{' <- '.join(reversed(info.files))}\t{about}"
        if info.built_on:
            line += f"\tchanges with: {', '.join(info.built_on)}"
        click.echo(line)
    broken = [info.name for info in listed if info.error]
    if broken:  # the listing itself succeeded: exit 0 (see README, Reliability)
        click.echo(f"warning: {len(broken)} environment(s) cannot be loaded ({', '.join(broken)}"
                   "); commands that need them exit 2 until they are fixed", err=True)


@click.command()
def schema() -> None:
    """Print the JSON Schema of environment files (for editors)."""
    from ..env_model import EnvironmentFile
    from ..typed_config import json_schema

    document = json_schema(EnvironmentFile)
    document["title"] = "labgen environment file"
    click.echo(json.dumps(document, indent=2, sort_keys=True))
