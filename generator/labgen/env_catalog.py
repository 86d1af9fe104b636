"""The repository's environments as ``labgen envs`` lists them.

Each environment with the files it is made of and its description, or with the first
line of the error that keeps it from loading; and the environments a git change
touches (``labgen envs --changed-since``).
"""

from __future__ import annotations

from pathlib import Path

from . import layout
from .env_files import available_environments, input_files, listing
from .environment import load_environment
from .errors import LabgenError
from .git_source import changed_paths
from .results import EnvironmentInfo


def environment_infos(root: Path) -> list[EnvironmentInfo]:
    """Every renderable environment and the files it is made of; one that cannot be
    loaded is listed with its error (the first line of it), the others as usual."""
    out = []
    for name, problem in listing(root):
        try:
            if problem is not None:
                raise problem
            env = load_environment(root, name)
        except LabgenError as exc:
            first = exc.message.split("\nerror: ")
            more = f" (and {len(first) - 1} more)" if len(first) > 1 else ""
            files = input_files(root, name) if problem is None else ()
            out.append(EnvironmentInfo(name, files, "", error=first[0] + more))
            continue
        out.append(EnvironmentInfo(name, env.files, env.spec.description, env.built_on))
    return out


def changed_since(root: Path, ref: str) -> list[str]:
    """The environments a change since git ref ``ref`` touches: their files, their tree,
    or the charts every environment renders."""
    paths = changed_paths(root, ref)
    charts = any(p.startswith(f"{layout.CHARTS_DIR}/") for p in paths)
    return [name for name in available_environments(root)
            if charts or paths & set(input_files(root, name))
            or any(p.startswith(f"{layout.tree_dir(name)}/") for p in paths)]
