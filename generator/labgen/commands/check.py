"""``labgen check``: fail when gitops/ drifted from its inputs or is invalid."""

from __future__ import annotations

from pathlib import Path

import click

from ..options import helm_binary_option, root_option


@click.command()
@click.option("--env", "env_names", multiple=True, metavar="ENV",
              help="Environment to check (repeatable).")
@click.option("--all", "all_envs", is_flag=True,
              help="Check every environment, and that gitops/ holds no other folder.")
@click.option("--strict", is_flag=True, help="Treat validation warnings as errors.")
@root_option
@helm_binary_option
def check(env_names: tuple[str, ...], all_envs: bool, strict: bool, root: Path,
          helm_binary: str | None) -> None:
    """Re-render in memory and compare with the committed gitops/ tree.

    Names every drifted, missing, hand-edited or stale file and every file a
    person added, then validates the rendering. Exit 0 clean, 1 on any finding.
    """
    from ..drift import drift_of, leftover_staging, orphan_trees
    from ..environment import available_environments
    from ..errors import FindingsError, InputError
    from ..helm_engine import get_engine
    from ..pipeline import validate_rendered, warnings_summary
    from ..render import render_environment
    from ..repo_lock import repo_lock

    if all_envs == bool(env_names):
        raise InputError("name environments with --env ENV, or pass --all (not both)")
    names = available_environments(root) if all_envs else list(env_names)
    engine = get_engine(helm_binary)
    problems = 0
    with repo_lock(root, shared=True):
        leftovers = leftover_staging(root)
    for leftover in leftovers:
        click.echo(str(leftover))
        problems += 1
    if all_envs:
        for orphan in orphan_trees(root, names):
            click.echo(str(orphan))
            problems += 1
    for name in names:
        rendered = render_environment(root, name, engine)
        with repo_lock(root, shared=True):  # never a tree half-way through a swap
            drifts = drift_of(root, rendered)
        for drift in drifts:
            click.echo(str(drift))
        findings = validate_rendered(root, rendered, strict=strict)
        errors = [f for f in findings if f.severity == "error"]
        for finding in errors:
            click.echo(str(finding))
        warnings = [f for f in findings if f.severity != "error"]
        if warnings:
            click.echo(warnings_summary(rendered.tree_dir, name, warnings), err=True)
        problems += len(drifts) + len(errors)
        if not drifts and not errors:
            click.echo(f"{rendered.tree_dir}: matches its inputs")
    if problems:
        raise FindingsError(f"{problems} finding(s): gitops/ does not match its inputs or is "
                            "invalid")
