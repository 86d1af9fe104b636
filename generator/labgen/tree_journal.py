"""Updating a tree on its own file system: a journal with roll-forward.

A mount point cannot be renamed, so the swap of :mod:`labgen.tree_writer` is
not possible there. Instead the writer

1. stages every file it writes inside the tree, in a hidden staging folder
   ``<tree>/.labgen-staging/<run>/`` (same file system; its ``.gitignore`` hides
   it from git, and the staged files are named ``<n>.new``, not ``*.yaml``, so
   no Argo CD directory source ever loads them), fsyncs them;
2. writes the **commit record** ``journal`` (what to remove, what to rename
   where, with the hashes before and after), fsynced and renamed into place:
   before it exists the tree is the old render, untouched;
3. applies it: removes labgen's stale files, renames the staged ones over
   theirs, the ownership file last; then deletes the staging folder.

A writer killed after step 2 leaves a tree that is part old, part new (each
file whole). Every labgen command that reads or writes ``gitops/`` finishes it
first (:func:`recover`, run under the exclusive lock by :mod:`labgen.repo_lock`;
readers take that lock for a moment), or stops with "an update was
interrupted". Applying a journal twice is harmless: a step already done is
skipped, and a file whose bytes are neither labgen's old ones nor its new ones
is never touched.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
from dataclasses import dataclass
from pathlib import Path

from .errors import InputError
from .tree_plan import Plan
from .tree_scan import OWNED, STAGING_DIR, STAGING_MARKER, digest, file_digest, is_staging

__all__ = ["INTERRUPTED", "JOURNAL", "KILL_ENV", "STEPS_ENV", "pending", "recover",
           "remove_staging_root", "staging_root", "step", "write_in_place"]

#: Tests set this to a step name (see :func:`step`): the writer SIGKILLs itself there.
KILL_ENV = "LABGEN_FAULT_KILL_AT"
#: Tests set this to a file: the writer appends the name of each step it reaches.
STEPS_ENV = "LABGEN_FAULT_STEPS"
#: The commit record inside a staging folder.
JOURNAL = "journal"
INTERRUPTED = ("an update of this tree was interrupted and labgen cannot finish it now "
               "({why}); run labgen render (it completes the update) once that is fixed")
_VERSION = 1


def step(name: str) -> None:
    """A write step, for fault injection (no effect unless the test variables are set)."""
    log = os.environ.get(STEPS_ENV)
    if log:
        with open(log, "a", encoding="utf-8") as handle:
            handle.write(name + "\n")
    if os.environ.get(KILL_ENV) == name:
        os.kill(os.getpid(), signal.SIGKILL)


@dataclass(frozen=True)
class Journal:
    #: (relative path, sha256 of labgen's old bytes): files to delete.
    remove: tuple[tuple[str, str], ...]
    #: (relative path, staged name, sha256 before or "", sha256 after): files to rename in.
    replace: tuple[tuple[str, str, str, str], ...]

    def text(self) -> str:
        return json.dumps({"labgen-journal": _VERSION, "remove": self.remove,
                           "replace": self.replace}, indent=1) + "\n"


def staging_root(parent: Path) -> Path:
    """``parent/.labgen-staging/``, created and marked as labgen's."""
    container = parent / STAGING_DIR
    if (container.exists() or container.is_symlink()) and not is_staging(container):
        raise InputError("is in the way of labgen's staging folder (it is not labgen's); move "
                         "it away", file=str(container))
    container.mkdir(exist_ok=True)
    ignore = container / ".gitignore"
    try:
        if not ignore.exists():
            ignore.write_text(STAGING_MARKER, encoding="utf-8")
    except OSError:
        remove_staging_root(container)
        raise
    return container


def remove_staging_root(container: Path) -> None:
    """Remove ``container`` when it holds nothing but its marker."""
    try:
        if {p.name for p in container.iterdir()} <= {".gitignore"}:
            (container / ".gitignore").unlink(missing_ok=True)
            container.rmdir()
    except OSError:
        pass  # the next writer cleans up; labgen check reports it meanwhile


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_synced(path: Path, text: str) -> None:
    with open(path, "x", encoding="utf-8", newline="") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())


def _stage(target: Path, staging: Path, todo: Plan) -> Journal:
    """Write the changed files into ``staging`` (synced); the journal that applies them."""
    replace = []
    changed = sorted(rel for rel in todo.result.changed if rel != OWNED)
    for index, rel in enumerate([*changed, OWNED]):
        text = todo.full[rel]
        name = f"{index}.new"
        _write_synced(staging / name, text)
        before = file_digest(target / rel) if (target / rel).is_file() else None
        replace.append((rel, name, before or "", digest(text)))
        step(f"staged:{rel}")
    remove = tuple((rel, file_digest(target / rel) or "") for rel in todo.result.removed)
    return Journal(remove=remove, replace=tuple(replace))


def write_in_place(target: Path, todo: Plan) -> None:
    """Update ``target`` (the root of its own file system) to ``todo`` through a journal."""
    container = staging_root(target)
    staging = container / f"{os.getpid()}.{os.urandom(4).hex()}"
    try:
        staging.mkdir()
        journal = _stage(target, staging, todo)
        _write_synced(staging / f"{JOURNAL}.tmp", journal.text())
        _fsync(staging)
        os.rename(staging / f"{JOURNAL}.tmp", staging / JOURNAL)  # the commit
        _fsync(staging)
    except BaseException:
        shutil.rmtree(container, ignore_errors=True)  # not committed: the old tree stands
        raise
    step("in-place:journal")
    try:
        _apply(target, staging, journal)
    except OSError as exc:
        raise InputError(INTERRUPTED.format(why=exc.strerror or exc), file=str(target)) from None
    step("after-swap")
    _finish(container, staging)
    step("cleaned")


def _finish(container: Path, staging: Path) -> None:
    (staging / JOURNAL).unlink()  # done: from here on the staging folder is plain leftovers
    shutil.rmtree(container, ignore_errors=True)


def _current(path: Path) -> str | None:
    """sha256 of the regular file at ``path``; "" when nothing is there; None otherwise."""
    if not os.path.lexists(path):
        return ""
    if path.is_symlink() or not path.is_file():
        return None
    return file_digest(path)


def _check(target: Path, staging: Path, journal: Journal) -> None:
    """Refuse to apply over bytes that are neither labgen's old nor its new ones."""
    for rel, name, before, after in journal.replace:
        if (staging / name).exists() and _current(target / rel) not in (before, after, ""):
            raise InputError("changed while an update of this tree was interrupted; labgen "
                             "will not overwrite it: move it away and run labgen render",
                             file=str(target / rel))


def _apply(target: Path, staging: Path, journal: Journal) -> None:
    touched = {target}
    for rel, before in journal.remove:  # first: a file may give way to a folder, or back
        path = target / rel
        if before and _current(path) == before:
            path.unlink()
        if not os.path.lexists(path):  # also when a killed run removed it but not its folder
            _prune_empty_parents(target, rel)
        step(f"in-place:removed:{rel}")
    _check(target, staging, journal)
    for rel, name, _before, _after in journal.replace:
        source = staging / name
        if source.exists():
            dest = target / rel
            dest.parent.mkdir(parents=True, exist_ok=True)
            os.replace(source, dest)
            touched.add(dest.parent)
        step(f"in-place:{rel}")
    for folder in sorted(touched):
        _fsync(folder)


def _prune_empty_parents(target: Path, rel: str) -> None:
    parent = (target / rel).parent
    while parent != target:
        try:
            parent.rmdir()
        except OSError:
            return
        parent = parent.parent


def _read(path: Path) -> Journal | None:
    """The journal at ``path``; None when there is none (or it is not one of labgen's)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("labgen-journal") != _VERSION:
            return None
        remove = tuple((str(rel), str(sha)) for rel, sha in data["remove"])
        replace = tuple((str(r), str(n), str(b), str(a)) for r, n, b, a in data["replace"])
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return None
    safe = all(_safe(rel) for rel, *_ in (*remove, *replace)) and all(
        "/" not in name and name.endswith(".new") for _, name, *_ in replace)
    return Journal(remove, replace) if safe else None


def _safe(rel: str) -> bool:
    return not rel.startswith("/") and all(p not in ("", ".", "..") for p in rel.split("/"))


def pending(gitops: Path) -> list[Path]:
    """Trees under ``gitops/`` with a committed journal not yet applied."""
    if not gitops.is_dir() or gitops.is_symlink():
        return []
    found = []
    for tree in sorted(gitops.iterdir()):
        container = tree / STAGING_DIR
        if tree.name.startswith(".") or not is_staging(container):
            continue
        if any((run / JOURNAL).is_file() for run in container.iterdir() if run.is_dir()):
            found.append(tree)
    return found


def recover(tree: Path) -> None:
    """Finish a committed update of ``tree``, then remove its staging (call holding the lock).

    InputError (exit 2) when the update cannot be finished now.
    """
    container = tree / STAGING_DIR
    if not is_staging(container):
        return
    for run in sorted(p for p in container.iterdir() if p.is_dir() and not p.is_symlink()):
        journal = _read(run / JOURNAL)
        if journal is None:
            continue  # killed before its commit: the tree is the old one
        try:
            _apply(tree, run, journal)
            (run / JOURNAL).unlink()
        except OSError as exc:
            raise InputError(INTERRUPTED.format(why=exc.strerror or exc), file=str(tree)) from None
    shutil.rmtree(container, ignore_errors=True)
