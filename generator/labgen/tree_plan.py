"""What a write of ``gitops/<env>/`` will do, decided before anything is touched.

Each entry of the current tree is labgen's (its bytes hash to what
``.labgen-owned`` lists for its path), adopted (its bytes equal the new
render), or someone else's: carried over unchanged, or, where labgen must
write, the reason the write is refused (:class:`InputError`, one line).
"""

from __future__ import annotations

import os
import stat
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from .errors import InputError, printable
from .tree_scan import (
    HEADER,
    OWNED,
    Blocked,
    Entry,
    Ownership,
    digest,
    file_digest,
    read_ownership,
    scan,
)

__all__ = ["Blocked", "Plan", "WriteResult", "digest", "make_plan", "owned_manifest"]

_KINDS = {"link": "a symbolic link", "special": "a FIFO, socket or device", "dir": "a folder"}


@dataclass(frozen=True)
class WriteResult:
    changed: tuple[str, ...]
    removed: tuple[str, ...]
    #: What labgen did not generate and keeps as it is (folders end in '/').
    foreign: tuple[str, ...]
    #: Files labgen did not list as its own whose bytes equal the new render.
    adopted: tuple[str, ...] = ()

    @property
    def wrote(self) -> bool:
        return bool(self.changed or self.removed)


@dataclass(frozen=True)
class Plan:
    result: WriteResult
    #: The new tree, ownership file included.
    full: dict[str, str]
    #: New-tree files whose bytes are already on disk (hard-linked, not rewritten).
    keep: dict[str, Path]
    #: Entries that are not labgen's, carried into the new tree unchanged.
    carry: dict[str, Entry]
    #: Empty folders (not labgen's), recreated in the new tree.
    empty_dirs: tuple[str, ...]


def owned_manifest(files: Mapping[str, str]) -> str:
    """The text of ``.labgen-owned`` for ``{relative path: text}``."""
    lines = [f"{digest(text)}  {path}\n" for path, text in sorted(files.items())]
    return HEADER + "".join(lines)


def check_target(target: Path) -> None:
    """Refuse a tree folder that is a link (dangling or not) or not a folder."""
    try:
        info = os.lstat(target)
    except FileNotFoundError:
        return
    except NotADirectoryError:
        raise InputError("is a file, where labgen keeps the GitOps trees; move it away",
                         file=str(target.parent)) from None
    except OSError as exc:
        raise InputError(f"cannot be read ({exc.strerror}); fix its permissions",
                         file=str(target)) from None
    if stat.S_ISLNK(info.st_mode):
        what = "a symbolic link" if target.exists() else "a dangling symbolic link"
        raise InputError(f"is {what}, where labgen writes a folder (it does not write through "
                         "links); replace the link with a real folder or remove it, and render "
                         "again", file=str(target))
    if not stat.S_ISDIR(info.st_mode):
        raise InputError("is a file, where labgen writes a folder; move it away",
                         file=str(target))


def make_plan(target: Path, files: Mapping[str, str] | None) -> Plan:
    """The plan for writing ``files`` (None: only classify what is there)."""
    check_target(target)
    try:
        entries = scan(target) if target.is_dir() else {}
    except Blocked as exc:
        raise InputError(exc.message, file=_shown(target, exc.rel)) from None
    own = read_ownership(target) if entries else Ownership()
    full = {**files, OWNED: owned_manifest(files)} if files is not None else {}
    hashes: dict[str, str | None] = {}

    def sha(rel: str) -> str | None:
        if rel not in hashes:
            hashes[rel] = file_digest(entries[rel].path)
        return hashes[rel]

    ours = {rel for rel, shas in own.hashes.items()
            if rel in entries and entries[rel].kind == "file" and sha(rel) in shas}
    if OWNED in entries and entries[OWNED].kind == "file":
        ours.add(OWNED)
    keep: dict[str, Path] = {}
    changed, adopted = [], []
    for rel, text in sorted(full.items()):
        _check_parents(target, rel, entries, ours, full, own)
        entry = entries.get(rel)
        if entry is None:
            changed.append(rel)
        elif entry.kind == "file" and sha(rel) == digest(text):
            keep[rel] = entry.path
            if rel not in ours:
                adopted.append(rel)
        elif entry.kind == "file" and rel in ours:
            changed.append(rel)
        else:
            raise _refusal(target, entry, own)
    removed = sorted(rel for rel in ours if rel not in full and rel != OWNED) if full else []
    handled = set(full) | ours | {OWNED}
    carry = {rel: e for rel, e in entries.items() if e.kind != "dir" and rel not in handled}
    parents = {rel.rsplit("/", 1)[0] for rel in entries if "/" in rel}
    empty = tuple(rel for rel, e in entries.items() if e.kind == "dir" and rel not in parents)
    foreign = tuple(sorted([*carry, *(f"{rel}/" for rel in empty)]))
    result = WriteResult(changed=tuple(changed), removed=tuple(removed), foreign=foreign,
                         adopted=tuple(adopted))
    return Plan(result=result, full=full, keep=keep, carry=carry, empty_dirs=empty)


def _check_parents(target: Path, rel: str, entries: dict[str, Entry], ours: set[str],
                   full: Mapping[str, str], own: Ownership) -> None:
    parts = rel.split("/")
    for cut in range(1, len(parts)):
        prefix = "/".join(parts[:cut])
        entry = entries.get(prefix)
        if entry is None or entry.kind == "dir":
            continue
        if prefix in ours and prefix not in full:
            continue  # labgen's own file, pruned: the folder takes its place
        raise _refusal(target, entry, own, folder=True)


def _shown(target: Path, rel: str) -> str:
    return printable(str(target / rel) if rel != "." else str(target))


def _refusal(target: Path, entry: Entry, own: Ownership, folder: bool = False) -> InputError:
    shown = _shown(target, entry.rel)
    tree = printable(target.name)
    if entry.kind != "file":
        where = "a folder" if folder else "a file"
        return InputError(f"is {_KINDS[entry.kind]} where labgen writes {where}; move it out "
                          f"of {tree}/ and render again", file=shown)
    if folder:
        return InputError(f"is a file where labgen writes a folder; move it out of {tree}/ and "
                          "render again", file=shown)
    if entry.rel in own.hashes:
        return InputError(f"edited by hand since labgen wrote it; labgen will not overwrite the "
                          f"edit: move it out of {tree}/ (or restore it with git checkout) and "
                          "render again", file=shown)
    if own.damaged is not None:
        return InputError(f"differs from what labgen renders and {OWNED} is {own.damaged}, so "
                          f"nothing shows the file is labgen's; move it out of {tree}/ (or "
                          "delete it) and render again", file=shown)
    return InputError(f"was not generated by labgen and would be overwritten; move it out of "
                      f"{tree}/ or delete it yourself", file=shown)
