"""``labgen check``: fail when gitops/ drifted from its inputs or is invalid."""

from __future__ import annotations

from pathlib import Path

import click

from ..errors import FindingsError
from ..options import helm_binary_option, root_option, workspace
from ..results import rule_counts, warnings_line


@click.command()
@click.option("--env", "env_names", multiple=True, metavar="ENV",
              help="Environment to check (repeatable).")
@click.option("--all", "all_envs", is_flag=True,
              help="Check every environment, and that gitops/ holds no other folder.")
@click.option("--strict", is_flag=True, help="Treat validation warnings as errors.")
@click.option("--format", "output_format", type=click.Choice(["text", "github"]), default="text",
              show_default=True, help="github: workflow annotations on the files.")
@root_option
@helm_binary_option
def check(env_names: tuple[str, ...], all_envs: bool, strict: bool, output_format: str,
          root: Path, helm_binary: str | None) -> None:
    """Re-render in memory and compare with the committed gitops/ tree.

    Names every drifted, missing, hand-edited or stale file and every file a
    person added, then validates the rendering. Exit 0 clean, 1 on any finding.
    """
    report = workspace(root, helm_binary).check(env_names, all_envs=all_envs, strict=strict)
    if output_format == "github":
        from ..validation.reporters import github_report

        problems = [*report.orphans, *(d for env in report.environments for d in env.drifts)]
        click.echo(github_report([*(d.as_finding() for d in problems),
                                  *(c.as_finding() for c in report.clashes),
                                  *(f for env in report.environments for f in env.errors)]),
                   nl=False)
    for orphan in (*report.orphans, *report.clashes) if output_format == "text" else ():
        click.echo(str(orphan))
    for env in report.environments:
        for line in (*env.drifts, *env.errors) if output_format == "text" else ():
            click.echo(str(line))
        summary = warnings_line(env.tree_dir, env.name, dict(rule_counts(env.warnings)))
        if summary:
            click.echo(summary, err=True)
        if env.clean:
            click.echo(f"{env.tree_dir}: matches its inputs")
    if report.problems:
        raise FindingsError(f"{report.problems} finding(s): gitops/ does not match its inputs or "
                            "is invalid")
