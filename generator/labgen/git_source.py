"""The inputs of a git ref (``environments/`` and ``charts/``) in a temporary folder.

Read with ``git archive`` into memory and unpacked with tarfile's ``data``
filter, so neither the user's working tree nor the index is touched.
"""

from __future__ import annotations

import io
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from . import layout
from .errors import InputError

INPUT_FOLDERS = layout.INPUT_DIRS


def _git(root: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(["git", "-C", str(root), *args], capture_output=True, check=False)
    except FileNotFoundError:
        raise InputError("git is not installed; labgen diff needs git") from None


def _first_line(raw: bytes) -> str:
    text = raw.decode("utf-8", "replace").strip()
    return text.splitlines()[0] if text else "no message"


def resolve_ref(root: Path, ref: str) -> str:
    """The commit ``ref`` names, or InputError (one line) when it names none."""
    if not ref or ref.startswith("-"):
        raise InputError(f"'{ref}' is not a git ref")
    done = _git(root, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{ref}^{{commit}}")
    if done.returncode != 0:
        inside = _git(root, "rev-parse", "--is-inside-work-tree")
        if inside.returncode != 0:
            raise InputError(f"{root} is not inside a git repository: {_first_line(inside.stderr)}")
        raise InputError(f"unknown git ref '{ref}'; name a branch, tag or commit of this repository")
    return done.stdout.decode().strip()


def _prefix(root: Path) -> str:
    """``root``'s path inside its repository (``""`` at the top, else ``sub/dir/``)."""
    done = _git(root, "rev-parse", "--show-prefix")
    if done.returncode != 0:
        raise InputError(f"{root} is not inside a git repository: {_first_line(done.stderr)}")
    return done.stdout.decode().strip()


@contextmanager
def inputs_at(root: Path, ref: str) -> Iterator[Path]:
    """A temporary root holding ``environments/`` and ``charts/`` as of ``ref``."""
    commit = resolve_ref(root, ref)
    prefix = _prefix(root)
    tree = f"{commit}:{prefix}" if prefix else commit
    present = _git(root, "ls-tree", "--name-only", tree)
    if present.returncode != 0:
        raise InputError(f"{ref} has no {prefix or 'top folder'}: {_first_line(present.stderr)}")
    names = set(present.stdout.decode().splitlines())
    folders = [name for name in INPUT_FOLDERS if name in names]
    with tempfile.TemporaryDirectory(prefix="labgen-ref-") as folder:
        target = Path(folder)
        if folders:
            archive = _git(root, "archive", "--format=tar", tree, "--", *folders)
            if archive.returncode != 0:
                raise InputError(f"cannot read {ref}: {_first_line(archive.stderr)}")
            with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
                tar.extractall(target, filter="data")
        (target / layout.ENV_DIR).mkdir(exist_ok=True)
        yield target


def changed_paths(root: Path, ref: str) -> set[str]:
    """Paths (relative to ``root``) that differ between ``ref`` and the working tree,
    untracked files included."""
    commit = resolve_ref(root, ref)
    changed = _git(root, "diff", "--name-only", "--relative", "--no-renames", commit, "--")
    untracked = _git(root, "ls-files", "--others", "--exclude-standard")
    for done in (changed, untracked):
        if done.returncode != 0:
            raise InputError(f"cannot compare with {ref}: {_first_line(done.stderr)}")
    return {line for done in (changed, untracked)
            for line in done.stdout.decode("utf-8", "replace").splitlines() if line}
