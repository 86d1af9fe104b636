"""Skip work when nothing changed: the inputs digest of an environment.

A render records, per environment, the digest of everything its output
depends on (its environment files, the charts, labgen's own code and
templates) and the hashes of the files it wrote, in ``.labgen-cache/``
(not committed). The next render compares: same inputs and the same files on
disk mean the tree is up to date, without running Helm or validation.
"""

from __future__ import annotations

import hashlib
import json
from functools import cache
from pathlib import Path

from .tree_writer import digest, read_owned

CACHE_DIR = ".labgen-cache"
_PACKAGE = Path(__file__).resolve().parent


def _hash_files(paths: list[Path], base: Path) -> str:
    h = hashlib.sha256()
    for path in paths:
        h.update(path.relative_to(base).as_posix().encode())
        h.update(b"\0")
        h.update(path.read_bytes())
        h.update(b"\0")
    return h.hexdigest()


@cache
def _code_digest() -> str:
    files = sorted(p for p in _PACKAGE.rglob("*") if p.is_file() and p.suffix in {".py", ".j2", ".json"})
    return _hash_files(files, _PACKAGE)


def _charts_digest(charts: Path) -> str:
    files = sorted(p for p in charts.rglob("*") if p.is_file())
    stamp = tuple((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in files)
    return _charts_digest_of(stamp, charts)


@cache
def _charts_digest_of(stamp: tuple[tuple[str, int, int], ...], charts: Path) -> str:
    """Hashing the chart files is done once per process for the same files on disk."""
    return _hash_files([Path(path) for path, _mtime, _size in stamp], charts)


def inputs_digest(root: Path, files: tuple[str, ...], engine_name: str) -> str:
    """Digest of an environment's input ``files`` (see env_files.input_files), the charts,
    labgen's code and the engine."""
    h = hashlib.sha256()
    for part in (_code_digest(), _charts_digest((root / "charts").resolve()), engine_name):
        h.update(part.encode())
    for rel in files:
        h.update(rel.encode())
        h.update((root / rel).read_bytes())
    return h.hexdigest()


def _cache_file(root: Path, env_name: str) -> Path:
    return root / CACHE_DIR / f"{env_name}.json"


def is_fresh(root: Path, env_name: str, tree_dir: str, inputs: str) -> bool:
    """True when ``inputs`` match the last render and its files are untouched on disk."""
    try:
        recorded = json.loads(_cache_file(root, env_name).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    if recorded.get("inputs") != inputs:
        return False
    target = root / tree_dir
    owned = read_owned(target)
    if not owned or owned != recorded.get("files"):
        return False
    for rel, sha in owned.items():
        try:
            if digest((target / rel).read_text(encoding="utf-8")) != sha:
                return False
        except (OSError, UnicodeDecodeError):
            return False
    return True


def record(root: Path, env_name: str, tree_dir: str, inputs: str) -> None:
    """Remember ``inputs`` and the files now on disk (written only when it changes)."""
    path = _cache_file(root, env_name)
    text = json.dumps({"inputs": inputs, "files": read_owned(root / tree_dir)}, indent=1,
                      sort_keys=True) + "\n"
    try:
        if path.read_text(encoding="utf-8") == text:
            return
    except OSError:
        pass
    path.parent.mkdir(exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)
