"""Options shared by several commands."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from . import FRESH_PROCESS
from .errors import InputError
from .layout import ENV_DIR

if TYPE_CHECKING:
    from .workspace import Workspace

F = TypeVar("F", bound=Callable[..., Any])

ROOT_ENV = "LABGEN_ROOT"


def find_root(start: Path) -> Path:
    """The repository root: the nearest folder at or above ``start`` with environments/."""
    for folder in (start, *start.parents):
        if (folder / ENV_DIR).is_dir():
            return folder
    raise InputError(f"no environments/ folder in {start} or above; run labgen in the "
                     "repository or pass --root")


def _resolve_root(ctx: click.Context, param: click.Parameter, value: Path | None) -> Path:
    if value is not None:
        if not (value / ENV_DIR).is_dir():
            raise click.BadParameter(f"{value} has no environments/ folder", ctx, param)
        return value
    return find_root(Path.cwd())


def root_option(func: F) -> F:
    return click.option(
        "--root", type=click.Path(file_okay=False, path_type=Path), envvar=ROOT_ENV,
        callback=_resolve_root, help="Repository root (default: the nearest folder with "
        "environments/ at or above the current one).")(func)


def env_option(func: F) -> F:
    return click.option("--env", "env_name", required=True, metavar="ENV",
                        help="Environment name: environments/ENV.yaml.")(func)


def helm_binary_option(func: F) -> F:
    return click.option(
        "--helm-binary", metavar="PATH", envvar="LABGEN_HELM_BINARY",
        help="Render with this helm binary instead of the embedded Helm SDK.")(func)


def workspace(root: Path, helm_binary: str | None = None) -> Workspace:
    """The :class:`~labgen.workspace.Workspace` a command works on."""
    from .workspace import Workspace

    context = click.get_current_context(silent=True)
    fresh = bool(context and (context.find_root().obj or {}).get(FRESH_PROCESS))
    return Workspace(root, helm_binary=helm_binary, helm_helper=fresh)
