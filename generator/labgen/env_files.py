"""Where environment files are and how they chain (``extends``).

Light on purpose (no model, no validation): ``labgen render`` uses it to find
an environment's input files and decide, from their digest, whether anything
needs rendering at all. :mod:`labgen.environment` builds on it.
"""

from __future__ import annotations

import re
from pathlib import Path

from . import layout
from .errors import InputError
from .yaml_io import load_with_lines

ENV_DIR = layout.ENV_DIR
DNS1123_LABEL = r"[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?"
NAME = re.compile(DNS1123_LABEL)


def display(root: Path, path: Path) -> str:
    """``path`` relative to the repository root when it is inside it."""
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)


def names(root: Path) -> list[str]:
    """Every environment file's name, layers included."""
    return sorted(p.stem for p in (root / ENV_DIR).glob("*.yaml"))


def available_environments(root: Path) -> list[str]:
    """Names of the renderable environments (``abstract: true`` layers excluded)."""
    found = []
    for path in sorted((root / ENV_DIR).glob("*.y*ml")):
        if path.suffix == ".yml":
            raise InputError("environment files end in .yaml; rename it", file=display(root, path))
        if path.suffix != ".yaml":
            continue
        if not NAME.fullmatch(path.stem):
            raise InputError(f"'{path.stem}' is not an environment name; rename the file with "
                             "lowercase letters, digits and '-'", file=display(root, path))
        data, _ = load_with_lines(path, display(root, path))
        if not (isinstance(data, dict) and data.get("abstract") is True):
            found.append(path.stem)
    return found


def environment_file(root: Path, name: str) -> Path:
    """The file of environment ``name``, refusing names that leave ``environments/``."""
    if not NAME.fullmatch(name):
        raise InputError(f"environment name '{name}' is invalid; use lowercase letters, digits "
                         "and '-' (the file environments/<name>.yaml)")
    env_dir = (root / ENV_DIR).resolve()
    path = root / ENV_DIR / f"{name}.yaml"
    if path.is_symlink() and path.resolve().parent != env_dir:
        raise InputError("is a link to a file outside environments/; copy the file in instead",
                         file=display(root, path))
    if not path.is_file():
        known = ", ".join(available_environments(root)) if env_dir.is_dir() else "none"
        raise InputError(f"unknown environment '{name}'; available: {known or 'none'}",
                         file=display(root, path))
    return path


def input_files(root: Path, name: str) -> tuple[str, ...]:
    """The files environment ``name`` is made of, base first (follows ``extends``).

    Problems are not diagnosed here: on any doubt the chain simply ends, and the
    full loader (:func:`labgen.environment.load_environment`) reports them.
    """
    chain: list[str] = []
    current: object = name
    while isinstance(current, str) and NAME.fullmatch(current) and current not in chain:
        path = root / ENV_DIR / f"{current}.yaml"
        if not path.is_file():
            break
        chain.append(current)
        data, _ = load_with_lines(path, display(root, path))
        current = data.get("extends") if isinstance(data, dict) else None
    return tuple(f"{ENV_DIR}/{n}.yaml" for n in reversed(chain))
