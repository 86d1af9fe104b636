"""Skip work when nothing changed.

A render records in ``.labgen-cache/<env>.json`` (not committed) what its
output depended on: the digest of its environment files, the charts and
labgen's own code and templates, and the hashes of the files it wrote. The
next render asks :meth:`RenderCache.is_fresh` first:

1. the quick way, like make or git's index: if no input file and no written
   file changed size or modification time, nothing changed (checked on the input
   files the record lists, so no environment file is parsed);
2. otherwise by content: same input digest and the same written files on disk.

Fresh means up to date: no Helm, no validation, no write. One
:class:`RenderCache` serves one command run: the shared inputs (code and
charts) are listed and fingerprinted once for all its environments.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from collections.abc import Mapping
from functools import cached_property
from pathlib import Path
from typing import Any

from . import layout
from .tree_scan import OWNED, digest, read_owned

CACHE_DIR = layout.CACHE_DIR
_PACKAGE = Path(__file__).resolve().parent
_CODE_SUFFIXES = {".py", ".j2", ".json"}


def hash_files(paths: list[Path], base: Path) -> str:
    """SHA-256 over the path (relative to ``base``) and the bytes of each file, in order."""
    h = hashlib.sha256()
    for path in paths:
        h.update(path.relative_to(base).as_posix().encode())
        h.update(b"\0")
        h.update(path.read_bytes())
        h.update(b"\0")
    return h.hexdigest()


def _stamp(paths: list[Path]) -> str:
    """Names, sizes and modification times: a cheap fingerprint (no file is read)."""
    h = hashlib.sha256()
    for path in paths:
        try:
            info = path.stat()
        except OSError:
            h.update(f"{path}\0missing\0".encode())
            continue
        h.update(f"{path}\0{info.st_size}\0{info.st_mtime_ns}\0".encode())
    return h.hexdigest()


class RenderCache:
    """Freshness of environments rendered from one repository with one Helm engine."""

    def __init__(self, root: Path, engine_name: str) -> None:
        self.root = root
        self.engine_name = engine_name

    @cached_property
    def _code_files(self) -> list[Path]:
        return sorted(p for p in _PACKAGE.rglob("*") if p.suffix in _CODE_SUFFIXES and p.is_file())

    @cached_property
    def _chart_files(self) -> list[Path]:
        return sorted(p for p in (self.root / layout.CHARTS_DIR).resolve().rglob("*") if p.is_file())

    @cached_property
    def _shared_stamp(self) -> str:
        return _stamp([*self._code_files, *self._chart_files]) + self.engine_name

    @cached_property
    def _shared_digest(self) -> str:
        code = hash_files(self._code_files, _PACKAGE)
        charts = hash_files(self._chart_files, (self.root / layout.CHARTS_DIR).resolve())
        return hashlib.sha256(f"{code}\0{charts}\0{self.engine_name}".encode()).hexdigest()

    def prepare(self) -> None:
        """Fingerprint the code and the charts now, which every record of this run shares
        (a render reads the charts, it never changes them)."""
        _ = self._shared_digest, self._shared_stamp

    def inputs_digest(self, files: tuple[str, ...]) -> str:
        """Digest by content of an environment's input ``files`` and the shared inputs."""
        h = hashlib.sha256(self._shared_digest.encode())
        for rel in files:
            h.update(rel.encode())
            h.update((self.root / rel).read_bytes())
        return h.hexdigest()

    def _quick_stamp(self, files: tuple[str, ...], tree_dir: str) -> str:
        target = self.root / tree_dir
        written = [target / OWNED, *(target / rel for rel in sorted(read_owned(target)))]
        return self._shared_stamp + _stamp([*(self.root / rel for rel in files), *written])

    def _cache_file(self, env_name: str) -> Path:
        return self.root / CACHE_DIR / f"{env_name}.json"

    def _recorded(self, env_name: str) -> dict[str, Any]:
        try:
            data = json.loads(self._cache_file(env_name).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    def untouched(self, env_name: str, tree_dir: str) -> bool:
        """The quick way alone, on the input files the last render recorded: no environment
        file is parsed (their ``extends`` chain cannot have changed if none of them did)."""
        recorded = self._recorded(env_name)
        files = recorded.get("input_files")
        if not isinstance(files, list) or not all(isinstance(f, str) for f in files):
            return False
        return bool(files) and recorded.get("stamp") == self._quick_stamp(tuple(files), tree_dir)

    def is_fresh(self, env_name: str, tree_dir: str, files: tuple[str, ...]) -> bool:
        """True when the last render's inputs are unchanged and its files untouched on disk."""
        recorded = self._recorded(env_name)
        if not recorded:
            return False
        if recorded.get("stamp") == self._quick_stamp(files, tree_dir):
            return True
        if recorded.get("inputs") != self.inputs_digest(files):
            return False
        target = self.root / tree_dir
        owned = read_owned(target)
        if not owned or owned != recorded.get("files"):
            return False
        for rel, sha in owned.items():
            try:
                if digest((target / rel).read_text(encoding="utf-8")) != sha:
                    return False
            except (OSError, UnicodeDecodeError):
                return False
        self.record(env_name, tree_dir, files, self.warnings(env_name))  # same content, new stamps
        return True

    def warnings(self, env_name: str) -> dict[str, int]:
        """Warnings per rule of the last render (a fresh tree still has them)."""
        counts = self._recorded(env_name).get("warnings")
        if not isinstance(counts, dict):
            return {}
        return {str(rule): n for rule, n in counts.items() if isinstance(n, int)}

    def record(self, env_name: str, tree_dir: str, files: tuple[str, ...],
               warnings: Mapping[str, int]) -> None:
        """Remember the inputs, the files now on disk and the render's warnings per rule
        (written only when it changes)."""
        path = self._cache_file(env_name)
        entry = {"inputs": self.inputs_digest(files), "input_files": list(files),
                 "files": read_owned(self.root / tree_dir),
                 "stamp": self._quick_stamp(files, tree_dir), "warnings": dict(warnings)}
        text = json.dumps(entry, indent=1, sort_keys=True) + "\n"
        try:
            if path.read_text(encoding="utf-8") == text:
                return
        except OSError:
            pass
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        try:
            if not path.parent.is_dir():
                path.parent.mkdir()
                # Never committed, whatever the repository's own .gitignore says.
                (path.parent / ".gitignore").write_text("*\n", encoding="utf-8")
            tmp.write_text(text, encoding="utf-8")
            tmp.replace(path)
        except OSError:  # a full or read-only disk: the tree is written; the next run renders
            with contextlib.suppress(OSError):
                tmp.unlink(missing_ok=True)
                path.unlink(missing_ok=True)  # a stale entry must not claim freshness
