"""``labgen diff``: what a change does, in traffic terms and in rendered manifests."""

from __future__ import annotations

from contextlib import ExitStack
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ..options import env_option, helm_binary_option, root_option

if TYPE_CHECKING:
    from ..helm_engine import HelmEngine
    from ..manifest_diff import Change
    from ..render import RenderedEnvironment
    from ..traffic_diff import TrafficChange

WORKING_TREE = "working tree"


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
    from ..git_source import inputs_at, resolve_ref
    from ..helm_engine import get_engine
    from ..manifest_diff import compare
    from ..traffic_diff import traffic_changes

    resolve_ref(root, base)  # fail on a bad ref before any rendering
    if head is not None:
        resolve_ref(root, head)
    engine = get_engine(helm_binary)
    with ExitStack() as stack:
        base_root = stack.enter_context(inputs_at(root, base))
        head_root = stack.enter_context(inputs_at(root, head)) if head is not None else root
        before = _render_side(base_root, env_name, engine, base)
        after = _render_side(head_root, env_name, engine, head or WORKING_TREE)
    if before is None and after is None:
        from ..errors import InputError

        raise InputError(f"environment '{env_name}' exists neither at {base} nor at "
                         f"{head or 'the ' + WORKING_TREE}")
    traffic = traffic_changes(before.env.routes if before else None,
                              after.env.routes if after else None,
                              before.cluster_routes if before else {},
                              after.cluster_routes if after else {})
    changes = compare(before, after)
    title = f"{base} {_ARROW} {head or WORKING_TREE}"
    text = (_markdown(env_name, title, traffic, changes) if fmt == "markdown"
            else _text(env_name, title, traffic, changes))
    click.echo(text, nl=False)


_ARROW = "→"


def _render_side(side_root: Path, name: str, engine: HelmEngine,
                 label: str) -> RenderedEnvironment | None:
    from ..environment import environment_file
    from ..errors import InputError, LabgenError
    from ..render import render_environment

    try:
        environment_file(side_root, name)
    except InputError:
        if (side_root / "environments" / f"{name}.yaml").exists():
            raise
        return None  # the environment does not exist on this side
    try:
        return render_environment(side_root, name, engine)
    except LabgenError as exc:
        raise InputError(f"cannot render {name} at {label}: {exc.message}") from None


def _summary(changes: list[Change]) -> str:
    from ..manifest_diff import counts

    files = [c.key for c in changes if c.what == "file"]
    listing = f"; files changed: {', '.join(files)}" if files else ""
    return f"resources: {counts(changes)}{listing}"


def _text(env: str, title: str, traffic: list[TrafficChange], changes: list[Change]) -> str:
    from ..manifest_diff import MARKS

    out = [f"labgen diff {env}: {title}", "", "Traffic:"]
    out += [f"  {line}" for change in traffic for line in change.lines()]
    out += ["", f"Rendered manifests ({_summary(changes)}):" if changes
            else "Rendered manifests: no change"]
    for change in changes:
        out += ["", f"{MARKS[change.status]} {change.key} ({change.status})", *change.diff]
    return "\n".join(out) + "\n"


def _markdown(env: str, title: str, traffic: list[TrafficChange], changes: list[Change]) -> str:
    from ..manifest_diff import MARKS

    out = [f"### labgen diff: `{env}`", "", f"`{title}`", "", "**Traffic**", ""]
    out += [f"- {line}" for change in traffic for line in change.lines()]
    for split in traffic:
        pie = split.mermaid()
        if pie and split.changed:
            where = f" of {split.where.rstrip(': ')}" if split.where else ""
            out += ["", f"New split{where}:", "", "```mermaid", pie, "```"]
    out += ["", f"**Rendered manifests**: {_summary(changes)}" if changes
            else "**Rendered manifests**: no change"]
    for change in changes:
        body = "\n".join(change.diff)
        fence = "```"
        while fence in body:
            fence += "`"
        out += ["", f"<details><summary>{MARKS[change.status]} <code>{change.key}</code> "
                f"({change.status})</summary>", "", f"{fence}diff", body, fence, "", "</details>"]
    return "\n".join(out) + "\n"
