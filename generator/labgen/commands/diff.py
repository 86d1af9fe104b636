"""``labgen diff``: what a change does, in traffic terms and in rendered manifests."""

from __future__ import annotations

from pathlib import Path

import click

from ..options import env_option, helm_binary_option, root_option, workspace


@click.command()
@env_option
@click.option("--base", default="HEAD", show_default=True, metavar="REF",
              help="Git ref of the 'before' side.")
@click.option("--head", default=None, metavar="REF",
              help="Git ref of the 'after' side (default: the working tree).")
@click.option("--format", "fmt", type=click.Choice(["text", "markdown"]), default="text",
              show_default=True, help="markdown: a pull-request comment.")
@root_option
@helm_binary_option
def diff(env_name: str, base: str, head: str | None, fmt: str, root: Path,
         helm_binary: str | None) -> None:
    """Render ENV at --base and at --head and show what changes.

    Reads the refs with git archive into a temporary folder: the working tree
    and the index are never touched. Always exits 0 (it is a report); 2 on a
    bad ref or an environment that cannot be rendered.
    """
    from . import diff_format

    report = workspace(root, helm_binary).diff(env_name, base, head)
    click.echo(diff_format.markdown(report) if fmt == "markdown" else diff_format.text(report),
               nl=False)
