"""Writing ``gitops/<env>/`` safely.

* labgen replaces or deletes only its own bytes: a file whose current content
  hashes to what ``.labgen-owned`` recorded for it. Everything else in the tree
  (hand-edited generated files, a person's files, links, FIFOs, sockets, empty
  folders) is carried into the new tree unchanged (hard links: same inode, same
  bytes); when it stands where labgen must write, the render is refused with
  one line naming the path and the fix. A missing or damaged ownership file
  trusts nothing: files whose bytes equal the new render are adopted.
* The new tree is built in a staging folder unique to the run, under
  ``gitops/.labgen-staging/`` (ignored by git, removed after the run and, if the
  run was killed, by the next writer), then swapped in with one atomic
  ``renameat2(RENAME_EXCHANGE)``: a crash leaves the previous tree or the new
  one, never a mix. A tree on its own file system (a mount point cannot be
  renamed) is updated in place through a journal with roll-forward
  (:mod:`labgen.tree_journal`).
* Unchanged files are hard-linked from the old tree, so their modification
  times stay; a render that changes nothing writes nothing at all.

Callers hold the repository lock (:mod:`labgen.repo_lock`).
"""

from __future__ import annotations

import errno
import glob
import os
import shutil
from collections.abc import Mapping
from pathlib import Path

from . import tree_plan
from .errors import InputError
from .tree_journal import (
    KILL_ENV,
    STEPS_ENV,
    recover,
    remove_staging_root,
    staging_root,
    write_in_place,
)
from .tree_journal import step as _step
from .tree_plan import Plan, WriteResult, owned_manifest
from .tree_scan import OWNED, STAGING_DIR, digest, is_staging, read_owned, scan

__all__ = ["FAULT_ENV", "KILL_ENV", "OWNED", "STEPS_ENV", "WriteResult", "clean_staging",
           "digest", "existing_files", "foreign_files", "owned_manifest", "plan", "read_owned",
           "read_text", "write_tree"]

#: Tests set this to a file name: the writer exits (code 70) right after staging that file.
FAULT_ENV = "LABGEN_FAULT_AFTER_STAGING"


def existing_files(target: Path) -> dict[str, Path]:
    """Files and links under ``target`` (no folders), links not followed."""
    try:
        entries = scan(target) if target.is_dir() and not target.is_symlink() else {}
    except tree_plan.Blocked:
        return {}
    return {rel: e.path for rel, e in entries.items() if e.kind != "dir"}


def foreign_files(target: Path) -> list[str]:
    """Entries under ``target`` that are not labgen's own bytes (files, links, empty folders)."""
    try:
        return list(tree_plan.make_plan(target, None).result.foreign)
    except InputError:
        return []


def read_text(path: Path) -> str | None:
    """A file's text, or None when it cannot be read as UTF-8 (or is not a regular file)."""
    try:
        if path.is_symlink() or not path.is_file():
            return None
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def plan(target: Path, files: Mapping[str, str]) -> WriteResult:
    """What :func:`write_tree` would change, without touching the disk."""
    return tree_plan.make_plan(target, files).result


def write_tree(target: Path, files: Mapping[str, str]) -> WriteResult:
    """Replace labgen's files under ``target`` with ``files``, atomically."""
    todo = tree_plan.make_plan(target, files)
    if not todo.result.wrote:
        return todo.result
    try:
        if not target.exists() or os.lstat(target).st_dev == os.lstat(target.parent).st_dev:
            _write_swapped(target, todo)
        else:
            write_in_place(target, todo)
    except OSError as exc:
        raise InputError(_os_message(exc), file=str(target)) from None
    return todo.result


def _os_message(exc: OSError) -> str:
    hint = {errno.ENOSPC: "free some space", errno.EDQUOT: "free some space",
            errno.EROFS: "make the file system writable", errno.EACCES: "fix the permissions",
            errno.EPERM: "fix the permissions"}.get(exc.errno or 0, "fix the cause")
    return (f"cannot write the new tree ({exc.strerror or exc}); the previous tree is "
            f"unchanged: {hint} and render again")


def clean_staging(gitops: Path) -> None:
    """Finish the committed in-place updates interrupted writers left in ``gitops/`` and
    remove their staging folders (call holding the write lock)."""
    if not gitops.is_dir() or gitops.is_symlink():
        return
    for tree in gitops.iterdir():
        if tree.is_dir() and not tree.is_symlink() and not tree.name.startswith("."):
            recover(tree)  # InputError when the update cannot be finished now
    if is_staging(gitops / STAGING_DIR):  # a swap is atomic: its staging is only leftovers
        shutil.rmtree(gitops / STAGING_DIR, ignore_errors=True)


def leftover_staging(gitops: Path) -> list[Path]:
    """Staging folders an interrupted writer left (for ``labgen check``)."""
    if not gitops.is_dir():
        return []
    found = [gitops / STAGING_DIR]
    found += [p / STAGING_DIR for p in sorted(gitops.iterdir())
              if p.is_dir() and not p.is_symlink() and not p.name.startswith(".")]
    return [folder for folder in found if folder.exists() and is_staging(folder)]


def _stage(staging: Path, todo: Plan) -> None:
    """Fill ``staging`` with the new tree."""
    for rel in todo.empty_dirs:
        (staging / rel).mkdir(parents=True, exist_ok=True)
        _step(f"carried:{rel}/")
    for rel, text in sorted(todo.full.items()):
        keep = todo.keep.get(rel)
        dest = staging / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        if keep is not None:
            _link_or_copy(keep, dest)
        else:
            with open(dest, "x", encoding="utf-8", newline="") as handle:
                handle.write(text)
        if os.environ.get(FAULT_ENV) == rel:
            os._exit(70)  # fault injection for the crash test: die mid-render
        _step(f"staged:{rel}")
    for rel, entry in sorted(todo.carry.items()):
        dest = staging / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        _link_or_copy(entry.path, dest)
        _step(f"carried:{rel}")


def _link_or_copy(source: Path, dest: Path) -> None:
    try:
        os.link(source, dest, follow_symlinks=False)
    except OSError as exc:
        if exc.errno not in (errno.EPERM, errno.EMLINK, errno.EXDEV, errno.ENOTSUP):
            raise
        if source.is_symlink():
            os.symlink(os.readlink(source), dest)
        elif source.is_file():
            shutil.copy2(source, dest)
        else:
            raise


def _write_swapped(target: Path, todo: Plan) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    container = staging_root(target.parent)
    for leftover in container.glob(f"{glob.escape(target.name)}.*"):  # a killed run's (we hold the lock)
        if leftover.is_dir() and not leftover.is_symlink():
            shutil.rmtree(leftover, ignore_errors=True)
    staging = container / f"{target.name}.{os.getpid()}.{os.urandom(4).hex()}"
    try:
        staging.mkdir()
        if target.is_dir():
            os.chmod(staging, target.stat().st_mode & 0o7777)
        _stage(staging, todo)
        _step("before-swap")
        _swap(staging, target)
        _step("after-swap")
    finally:
        shutil.rmtree(staging, ignore_errors=True)  # the new tree's leftovers or the old tree
        remove_staging_root(container)
    _step("cleaned")


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _swap(staging: Path, target: Path) -> None:
    """Exchange ``staging`` and ``target`` atomically; afterwards ``staging`` holds the old tree."""
    if not target.exists():
        os.rename(staging, target)
        return
    import ctypes
    import ctypes.util

    libc_name = ctypes.util.find_library("c")
    renameat2 = getattr(ctypes.CDLL(libc_name, use_errno=True), "renameat2", None) \
        if libc_name else None
    if renameat2 is not None:
        rc = renameat2(_AT_FDCWD, os.fsencode(staging), _AT_FDCWD, os.fsencode(target),
                       _RENAME_EXCHANGE)
        if rc == 0:
            return
        code = ctypes.get_errno()
        if code not in (errno.ENOSYS, errno.EINVAL):
            raise OSError(code, os.strerror(code))
    old = staging.with_name(staging.name + ".old")  # fallback: two renames
    os.rename(target, old)
    os.rename(staging, target)
    os.rename(old, staging)
