"""``labgen scenario``: show or change the traffic scenario of an environment."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ..options import env_option, helm_binary_option, root_option

if TYPE_CHECKING:
    from ..environment import Environment


@click.group()
def scenario() -> None:
    """Show or change the traffic scenario of backend-app.

    Changes edit environments/ENV.yaml in place (comments and layout kept)
    and re-render gitops/ENV/; bad input changes nothing.
    """


@scenario.command("list")
def list_scenarios() -> None:
    """List the built-in scenarios and their splits."""
    from ..scenarios import BUILTIN, CUSTOM, describe_split

    for name, weights in BUILTIN.items():
        split = describe_split(weights) if weights else \
            "random over every version (no weighted VirtualService)"
        click.echo(f"{name:<12}{split}")
    click.echo(f"{CUSTOM:<12}your own weights: labgen scenario weights --env ENV v1=50 v2=50")


@scenario.command()
@env_option
@root_option
def show(env_name: str, root: Path) -> None:
    """Show the current scenario, its split and the rollout step."""
    from ..environment import load_environment
    from ..rollout import rollout_of

    env = load_environment(root, env_name)
    click.echo(f"environment: {env.name} ({' <- '.join(reversed(env.files))})")
    click.echo(f"scenario: {env.routes.scenario}")
    click.echo(f"backend-app: {env.routes.describe()}")
    header = env.routes.header_match
    if header is not None:
        click.echo(f"header route: {header.header}: {header.exact} -> {header.subset}")
    if env.spec.traffic.steps:
        click.echo(f"rollout: {rollout_of(env).describe()}")


@scenario.command("set")
@env_option
@click.argument("name")
@root_option
@helm_binary_option
def set_scenario(env_name: str, name: str, root: Path, helm_binary: str | None) -> None:
    """Switch to built-in scenario NAME (see 'labgen scenario list')."""
    from ..errors import InputError
    from ..scenarios import BUILTIN, CUSTOM

    if name == CUSTOM:
        raise InputError("set custom weights with 'labgen scenario weights --env ENV v1=50 v2=50'")
    if name not in BUILTIN:
        raise InputError(f"unknown scenario '{name}'; choose one of: {', '.join(BUILTIN)}")
    _change(root, env_name, name, None, helm_binary)


@scenario.command()
@env_option
@click.argument("assignments", nargs=-1, metavar="SUBSET=PERCENT...")
@root_option
@helm_binary_option
def weights(env_name: str, assignments: tuple[str, ...], root: Path, helm_binary: str | None) -> None:
    """Route by custom weights, e.g. v1=50 v2=30 v3=20 (they must sum to 100)."""
    from ..scenario_edit import parse_weights
    from ..scenarios import CUSTOM

    _change(root, env_name, CUSTOM, parse_weights(assignments), helm_binary)


@scenario.command()
@env_option
@root_option
@helm_binary_option
def promote(env_name: str, root: Path, helm_binary: str | None) -> None:
    """Move to the next step of traffic.steps."""
    _step(root, env_name, +1, helm_binary)


@scenario.command()
@env_option
@root_option
@helm_binary_option
def rollback(env_name: str, root: Path, helm_binary: str | None) -> None:
    """Move back to the previous step of traffic.steps."""
    _step(root, env_name, -1, helm_binary)


def _step(root: Path, env_name: str, delta: int, helm_binary: str | None) -> None:
    from ..environment import load_environment
    from ..repo_lock import repo_lock
    from ..rollout import rollout_of
    from ..scenarios import CUSTOM

    with repo_lock(root):  # the step is read and written under one lock
        target = rollout_of(load_environment(root, env_name)).target(delta)
        env = _change(root, env_name, CUSTOM, target, helm_binary)
    click.echo(f"rollout: {rollout_of(env).describe()}")


def _change(root: Path, env_name: str, scenario_name: str, split: Mapping[str, int] | None,
            helm_binary: str | None) -> Environment:
    """Edit the environment file, re-render and report; returns the new Environment."""
    from ..repo_lock import repo_lock

    with repo_lock(root):  # read, edit and re-render as one writer: no edit is lost
        return _change_locked(root, env_name, scenario_name, split, helm_binary)


def _change_locked(root: Path, env_name: str, scenario_name: str,
                   split: Mapping[str, int] | None, helm_binary: str | None) -> Environment:
    from ..environment import load_environment
    from ..helm_engine import engine_identity, get_engine
    from ..pipeline import render_validated, warnings_summary
    from ..render import write_rendered
    from ..render_cache import RenderCache
    from ..scenario_edit import apply_edit, plan_traffic_edit

    before = load_environment(root, env_name).routes
    edit = plan_traffic_edit(root, env_name, scenario_name, split)
    engine = get_engine(helm_binary)
    cache = RenderCache(root, engine_identity(helm_binary))

    def rerender() -> list[str]:
        """Render the edited environment and those built on its file; one line each."""
        lines = []
        # Render and validate all first: a failure writes no tree (and restores the file).
        renders = [render_validated(root, name, engine) for name in (env_name, *edit.dependents)]
        for (rendered, findings), name in zip(renders, (env_name, *edit.dependents), strict=True):
            result = write_rendered(root, rendered)
            # Same bookkeeping as `labgen render`, so its next run knows the tree is fresh.
            cache.record(name, rendered.tree_dir, rendered.env.files)
            if findings:
                click.echo(warnings_summary(rendered.tree_dir, name, findings), err=True)
            lines.append(f"{rendered.tree_dir}: {len(result.changed)} written, "
                         f"{len(result.removed)} removed" if result.wrote
                         else f"{rendered.tree_dir}: up to date")
        return lines

    lines = apply_edit(edit, rerender)
    after = edit.env.routes
    if edit.changed:
        click.echo(f"{edit.display}: scenario {before.scenario} -> {after.scenario}")
    else:
        click.echo(f"{edit.display}: already scenario {after.scenario}, unchanged")
    click.echo(f"backend-app: {before.describe()} -> {after.describe()}"
               if before != after else f"backend-app: {after.describe()}")
    for line in lines:
        click.echo(line)
    return edit.env
