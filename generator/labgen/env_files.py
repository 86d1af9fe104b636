"""Where environment files are and how they chain (``extends``).

Light on purpose (no model, no validation): ``labgen render`` uses it to find
an environment's input files and decide, from their digest, whether anything
needs rendering at all. :mod:`labgen.environment` builds on it.
"""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path

from . import layout
from .errors import InputError, printable
from .value_formats import DNS1123_LABEL
from .yaml_io import load_with_lines, read_regular

ENV_DIR = layout.ENV_DIR
NAME = re.compile(DNS1123_LABEL)


def display(root: Path, path: Path) -> str:
    """``path`` relative to the repository root when it is inside it."""
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)


#: Longest ``extends`` chain (base first): real layering is two or three files deep.
MAX_EXTENDS = 16
_ABSTRACT = re.compile(rb"^abstract:[ \t]*(true|True|TRUE)[ \t]*(#.*)?$", re.MULTILINE)


def names(root: Path) -> list[str]:
    """Every environment file's name, layers included (folders and odd names left out)."""
    return sorted(p.stem for p in (root / ENV_DIR).glob("*.yaml")
                  if NAME.fullmatch(p.stem) and not p.is_dir())


def available_environments(root: Path) -> list[str]:
    """Names of the renderable environments (``abstract: true`` layers excluded).

    Reads no YAML: a layer is told by its top-level ``abstract: true`` line, so one broken
    file does not stop commands about the others (the file's own errors come when it loads).
    A file whose name cannot be an environment's stops the listing (InputError).
    """
    found = []
    for name, problem in listing(root):
        if problem is not None:
            raise problem
        found.append(name)
    return found


def listing(root: Path) -> list[tuple[str, InputError | None]]:
    """Every renderable environment file's name, with what is wrong with its name (a
    ``.yml`` suffix, characters an environment name cannot have) or None; for
    ``labgen envs``, which lists each file whatever state it is in."""
    found: list[tuple[str, InputError | None]] = []
    for path in sorted((root / ENV_DIR).glob("*.y*ml")):
        if path.suffix == ".yml":
            found.append((printable(path.name), InputError(
                "environment files end in .yaml; rename it", file=display(root, path))))
        elif path.suffix != ".yaml" or path.is_dir():
            continue
        elif not NAME.fullmatch(path.stem):
            found.append((printable(path.stem), InputError(
                f"'{printable(path.stem)}' is not an environment name; rename the file with "
                "lowercase letters, digits and '-'", file=display(root, path))))
        elif not _ABSTRACT.search(_head(root, path)):
            found.append((path.stem, None))
    return found


def _head(root: Path, path: Path) -> bytes:
    try:
        return read_regular(path, display(root, path))
    except InputError:
        return b""  # listed; its own error comes when a command needs it


def environment_file(root: Path, name: str) -> Path:
    """The file of environment ``name``, refusing names that leave ``environments/``."""
    if not NAME.fullmatch(name):
        raise InputError(f"environment name '{name}' is invalid; use lowercase letters, digits "
                         "and '-' (the file environments/<name>.yaml)")
    env_dir = Path(os.path.realpath(root / ENV_DIR))
    path = root / ENV_DIR / f"{name}.yaml"
    shown = display(root, path)
    if path.is_symlink():
        try:
            target = path.resolve(strict=True)
        except (OSError, RuntimeError):
            raise InputError("is a link that leads nowhere (a loop or a missing file); replace "
                             "it with the file itself", file=shown) from None
        if target.parent != env_dir:
            raise InputError("is a link to a file outside environments/; copy the file in "
                             "instead", file=shown)
    try:
        info = path.stat()
    except OSError:
        known = ", ".join(available_environments(root)) if env_dir.is_dir() else "none"
        raise InputError(f"unknown environment '{name}'; available: {known or 'none'}",
                         file=shown) from None
    if stat.S_ISDIR(info.st_mode):
        raise InputError("is a folder, not an environment file; move it out of environments/ "
                         "(an environment is one file environments/<name>.yaml)", file=shown)
    if not stat.S_ISREG(info.st_mode):
        raise InputError("is not a regular file (a FIFO, socket or device); an environment "
                         "file must be a plain file", file=shown)
    return path


def input_files(root: Path, name: str) -> tuple[str, ...]:
    """The files environment ``name`` is made of, base first (follows ``extends``).

    Problems are not diagnosed here: on any doubt the chain simply ends, and the
    full loader (:func:`labgen.environment.load_environment`) reports them.
    """
    chain: list[str] = []
    current: object = name
    while isinstance(current, str) and NAME.fullmatch(current) and current not in chain \
            and len(chain) <= MAX_EXTENDS:
        path = root / ENV_DIR / f"{current}.yaml"
        if not path.is_file():
            break
        chain.append(current)
        try:
            data, _ = load_with_lines(path, display(root, path))
        except InputError:
            break
        current = data.get("extends") if isinstance(data, dict) else None
    return tuple(f"{ENV_DIR}/{n}.yaml" for n in reversed(chain))
