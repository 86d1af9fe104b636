"""``labgen scenario``: show or change the traffic scenario of an environment."""

from __future__ import annotations

from pathlib import Path

import click

from ..options import env_option, helm_binary_option, root_option, workspace
from ..results import TrafficEdit


@click.group()
def scenario() -> None:
    """Show or change the traffic scenario of backend-app.

    Changes edit environments/ENV.yaml in place (comments and layout kept)
    and re-render gitops/ENV/; bad input changes nothing.
    """


@scenario.command("list")
def list_scenarios() -> None:
    """List the built-in scenarios and their splits."""
    from ..scenarios import catalogue

    for name, split in catalogue():
        click.echo(f"{name:<12}{split}")


@scenario.command()
@env_option
@root_option
def show(env_name: str, root: Path) -> None:
    """Show the current scenario, its split and the rollout step."""
    view = workspace(root).traffic(env_name)
    click.echo(f"environment: {view.name} ({' <- '.join(reversed(view.files))})")
    click.echo(f"scenario: {view.routes.scenario}")
    click.echo(f"backend-app: {view.routes.describe()}")
    header = view.routes.header_match
    if header is not None:
        click.echo(f"header route: {header.header}: {header.exact} -> {header.subset}")
    if view.rollout:
        click.echo(f"rollout: {view.rollout}")
    if view.participants:
        same = view.participants - len(view.overrides)
        click.echo(f"participants: {same} of {view.participants} follow this scenario")
    for participant, routes in view.overrides:
        click.echo(f"  {participant}: scenario {routes.scenario}: {routes.describe()} (its override)")


@scenario.command("set")
@env_option
@click.argument("name")
@root_option
@helm_binary_option
def set_scenario(env_name: str, name: str, root: Path, helm_binary: str | None) -> None:
    """Switch to built-in scenario NAME (see 'labgen scenario list')."""
    from ..scenarios import builtin

    _print(workspace(root, helm_binary).change_traffic(env_name, builtin(name)))


@scenario.command()
@env_option
@click.argument("assignments", nargs=-1, metavar="SUBSET=PERCENT...")
@root_option
@helm_binary_option
def weights(env_name: str, assignments: tuple[str, ...], root: Path, helm_binary: str | None) -> None:
    """Route by custom weights, e.g. v1=50 v2=30 v3=20 (they must sum to 100)."""
    from ..scenario_edit import parse_weights
    from ..scenarios import CUSTOM

    _print(workspace(root, helm_binary).change_traffic(env_name, CUSTOM, parse_weights(assignments)))


@scenario.command()
@env_option
@root_option
@helm_binary_option
def promote(env_name: str, root: Path, helm_binary: str | None) -> None:
    """Move to the next step of traffic.steps."""
    _print(workspace(root, helm_binary).step(env_name, +1))


@scenario.command()
@env_option
@root_option
@helm_binary_option
def rollback(env_name: str, root: Path, helm_binary: str | None) -> None:
    """Move back to the previous step of traffic.steps."""
    _print(workspace(root, helm_binary).step(env_name, -1))


def _print(edit: TrafficEdit) -> None:
    for tree in edit.trees:
        if tree.warnings_summary():
            click.echo(tree.warnings_summary(), err=True)
    if edit.changed:
        click.echo(f"{edit.file}: scenario {edit.before.scenario} -> {edit.after.scenario}")
    else:
        click.echo(f"{edit.file}: already scenario {edit.after.scenario}, unchanged")
    click.echo(f"backend-app: {edit.before.describe()} -> {edit.after.describe()}"
               if edit.before != edit.after else f"backend-app: {edit.after.describe()}")
    for tree in edit.trees:
        click.echo(tree.summary())
    for also in edit.also_changes():
        click.echo(f"also changes: {also}")
    if edit.rollout:
        click.echo(f"rollout: {edit.rollout}")
