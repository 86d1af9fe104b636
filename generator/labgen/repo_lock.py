"""One writer at a time per repository: an ``fcntl`` lock on ``.labgen-cache/lock``.

Every command that writes (``render``, scenario edits, ``bootstrap --apply-to``)
runs inside :func:`repo_lock`; a second writer waits up to
``LABGEN_LOCK_TIMEOUT`` seconds (default 5), then stops with exit code 2 naming
the holder (its pid and command, which the holder writes into the lock file).
Readers of ``gitops/`` (``check``, ``validate PATH``) take the lock shared, so they
never look at a tree while a writer swaps it; one that finds an in-place update a
killed writer committed but did not finish takes the lock exclusively for a moment
and finishes it first (:mod:`labgen.tree_journal`). The kernel drops the lock when its process dies,
even by SIGKILL: there is no stale lock to clean up.

The lock is re-entrant within one process (a scenario edit re-renders under the
lock it already holds). On taking it exclusively the writer first finishes or removes what
an interrupted writer left behind (journals and staging folders, see
:func:`labgen.tree_writer.clean_staging`).
"""

from __future__ import annotations

import errno
import fcntl
import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from . import layout
from .errors import InputError, LabgenError

CACHE_DIR = layout.CACHE_DIR
LOCK_FILE = "lock"
TIMEOUT_ENV = "LABGEN_LOCK_TIMEOUT"
DEFAULT_TIMEOUT = 5.0
_POLL = 0.05

#: Roots this process holds (re-entrancy): resolved root -> (mode, depth).
_HELD: dict[Path, list[int]] = {}


class LockBusy(LabgenError):
    """Another labgen holds the repository lock. Exit code 2."""


def _timeout() -> float:
    try:
        return max(0.0, float(os.environ.get(TIMEOUT_ENV, DEFAULT_TIMEOUT)))
    except ValueError:
        return DEFAULT_TIMEOUT


def describe_command() -> str:
    """``labgen render --env oke``: this process's command line, cut to one short line."""
    try:
        import click

        ctx = click.get_current_context(silent=True)
    except ImportError:  # pragma: no cover - click is a dependency
        ctx = None
    if ctx is not None:
        words = ctx.command_path.split()
        words[:1] = ["labgen"]
        for key in ("env_name", "env_names"):
            value = ctx.params.get(key)
            for name in (value if isinstance(value, tuple) else (value,)) if value else ():
                words += ["--env", str(name)]
        if ctx.params.get("all_envs"):
            words.append("--all")
        text = " ".join(words)
    else:
        text = " ".join(["labgen", *sys.argv[1:]])
    return "".join(c if c.isprintable() else "?" for c in text)[:120]


def _cache_dir(root: Path) -> Path:
    folder = root / CACHE_DIR
    if folder.is_symlink() or (folder.exists() and not folder.is_dir()):
        raise InputError("is not a folder, where labgen keeps its cache and lock; delete or "
                         "move it (labgen recreates it)", file=str(folder))
    return folder


def _open_lock(root: Path, shared: bool) -> int | None:
    """The lock file's descriptor; None for a reader of a repository it cannot write."""
    folder = _cache_dir(root)
    try:
        if not folder.is_dir():
            folder.mkdir()
            # Never committed, whatever the repository's own .gitignore says.
            (folder / ".gitignore").write_text("*\n", encoding="utf-8")
        return os.open(folder / LOCK_FILE, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    except OSError as exc:
        if shared:
            try:  # a read-only checkout: share the lock if a writer ever made it
                return os.open(folder / LOCK_FILE, os.O_RDONLY | os.O_CLOEXEC)
            except OSError:
                return None  # nobody can write here, so nobody swaps a tree under us
        raise InputError(f"cannot create labgen's lock file: {exc.strerror}; labgen needs to "
                         "write this repository", file=str(folder / LOCK_FILE)) from None


def _holder(fd: int) -> str | None:
    """Who holds the lock, as its writer wrote it (None while it is being written)."""
    try:
        raw = os.pread(fd, 400, 0).decode("utf-8", "replace").strip()
    except OSError:
        raw = ""
    pid, _, command = raw.partition(" ")
    return f"pid {pid} ({command or 'labgen'})" if pid.isdigit() else None


def _readers_only(fd: int) -> bool:
    """True when the lock is held shared only (readers): a shared lock is then granted."""
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except OSError:
        return False
    fcntl.flock(fd, fcntl.LOCK_UN)
    return True


def _try(fd: int, flags: int, lock_path: Path) -> bool:
    try:
        fcntl.flock(fd, flags)
        return True
    except OSError as exc:
        if exc.errno not in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
            raise InputError(f"cannot lock: {exc.strerror}", file=str(lock_path)) from None
        return False


def _acquire(fd: int, shared: bool, lock_path: Path) -> None:
    deadline = time.monotonic() + _timeout()
    flags = (fcntl.LOCK_SH if shared else fcntl.LOCK_EX) | fcntl.LOCK_NB
    while time.monotonic() < deadline:
        if _try(fd, flags, lock_path):
            return
        time.sleep(_POLL)
    # Time is up. A writer writes its name just after locking and clears it just before
    # unlocking: give that moment a little grace, then name the holder.
    grace = time.monotonic() + 0.5
    busy = None
    while busy is None and time.monotonic() < grace:
        if _try(fd, flags, lock_path):
            return
        if not shared and _readers_only(fd):
            busy = "another labgen is reading gitops/ (e.g. labgen check)"
            break
        holder = _holder(fd)
        if holder is not None:
            busy = f"another labgen is writing this repository: {holder}"
        else:
            time.sleep(_POLL / 5)
    raise LockBusy(f"{lock_path}: {busy or 'another labgen is writing this repository'}; wait "
                   "for it to finish (or stop it), then run this again")


@contextmanager
def repo_lock(root: Path, *, shared: bool = False, command: str | None = None) -> Iterator[None]:
    """Hold the repository lock of ``root`` (exclusive for writers, ``shared`` for readers)."""
    key = root.resolve()
    held = _HELD.get(key)
    if held is not None and (shared or held[0] == fcntl.LOCK_EX):
        held[1] += 1
        try:
            yield
        finally:
            held[1] -= 1
        return
    if held is not None:  # shared -> exclusive inside one process: a bug in the caller
        raise RuntimeError("repo_lock: cannot take the write lock while holding it shared")
    fd = _open_lock(root, shared)
    if fd is None:
        _refuse_interrupted(root)
        yield
        return
    lock_path = root / CACHE_DIR / LOCK_FILE
    try:
        _acquire(fd, shared, lock_path)
        if shared:
            _finish_interrupted(fd, root, lock_path)
        _HELD[key] = [fcntl.LOCK_SH if shared else fcntl.LOCK_EX, 1]
        if not shared:
            _write_holder(fd, f"{os.getpid()} {command or describe_command()}\n")
            _clean_staging(root / layout.GITOPS_DIR)
        try:
            yield
        finally:
            del _HELD[key]
            if not shared:
                _write_holder(fd, "")
    finally:
        os.close(fd)  # releases the lock


def _clean_staging(gitops: Path) -> None:
    """What interrupted writers left: finished or removed (the writer only when there is
    something to clean, so a render with no change does not import it)."""
    from .tree_scan import staging_left

    if staging_left(gitops):
        from .tree_writer import clean_staging

        clean_staging(gitops)


def _refuse_interrupted(root: Path) -> None:
    """A reader that cannot lock (a read-only checkout) refuses a tree a writer left half-way."""
    from .tree_journal import INTERRUPTED, pending

    for tree in pending(root / layout.GITOPS_DIR):
        raise InputError(INTERRUPTED.format(why="labgen cannot write this repository"),
                         file=str(tree))


def _finish_interrupted(fd: int, root: Path, lock_path: Path) -> None:
    """A reader holding the shared lock: if a killed writer left an in-place update
    committed but not applied, take the lock exclusively for a moment and finish it
    (:func:`labgen.tree_journal.recover`), so no reader ever sees that mix."""
    from .tree_journal import pending, recover

    trees = pending(root / layout.GITOPS_DIR)
    if not trees:
        return
    fcntl.flock(fd, fcntl.LOCK_UN)
    _acquire(fd, False, lock_path)  # LockBusy (exit 2) names a writer that holds it too long
    try:
        for tree in trees:
            recover(tree)  # InputError (exit 2): "an update was interrupted ..."
    finally:
        fcntl.flock(fd, fcntl.LOCK_SH)  # back to a reader


def _write_holder(fd: int, text: str) -> None:
    try:
        os.ftruncate(fd, 0)
        if text:
            os.pwrite(fd, text.encode("utf-8"), 0)
    except OSError:
        pass  # only the message of a waiting writer suffers
