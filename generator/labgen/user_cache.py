"""The user's cache folder: what labgen keeps between runs outside any repository.

``$XDG_CACHE_HOME/labgen/`` (``~/.cache/labgen/`` when the variable is unset or not an
absolute path, as the XDG base directory specification says). Compiled Jinja2 templates
live in ``jinja2-<version>/`` (:mod:`labgen.jinja_env`); pulled CRDs in
``crds/<source>/<version>/`` below it (:mod:`labgen.crd_cache`).
"""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

from .errors import InputError

XDG_CACHE_ENV = "XDG_CACHE_HOME"
CRDS_CACHE_ENV = "LABGEN_CRDS_CACHE"
#: Below the cache folder: pulled CRDs, one folder per source and version, each with its
#: record (written last, so an entry without it is no entry).
CRDS_DIR = "crds"
CRDS_RECORD = "CRDS.json"
#: A source (``istio``, ``argocd``, a chart's name) and a version: one path component each.
_COMPONENT = re.compile(r"[A-Za-z0-9][A-Za-z0-9._+-]{0,99}")


def cache_home() -> Path:
    """``$XDG_CACHE_HOME/labgen`` (default ``~/.cache/labgen``)."""
    base = os.environ.get(XDG_CACHE_ENV, "")
    return (Path(base) if os.path.isabs(base) else Path.home() / ".cache") / "labgen"


def crds_root() -> Path:
    """Where pulled CRDs are cached: ``<cache>/crds``, or the absolute path
    ``$LABGEN_CRDS_CACHE`` names (a CI cache, or the test suite's own empty folder)."""
    named = os.environ.get(CRDS_CACHE_ENV, "")
    return Path(named) if os.path.isabs(named) else cache_home() / CRDS_DIR


def crd_entry_dir(source: str, version: str) -> Path:
    """``<cache>/crds/<source>/<version>``; InputError for names that are no plain component."""
    for what, value in (("source", source), ("version", version)):
        if not _COMPONENT.fullmatch(value) or value.startswith(".."):
            raise InputError(f"CRD {what} {value!r} cannot name a cache folder; use letters, "
                             "digits, '.', '_', '+' and '-'")
    return crds_root() / source / version


def crds_stamp() -> str:
    """Names, sizes and times of every pulled entry's record ("" when there is none): it
    changes whenever something is pulled, so the render cache knows (cheap: nothing is read)."""
    parts = []
    for record in sorted(crds_root().glob(f"*/*/{CRDS_RECORD}")):
        if record.parent.name.startswith("."):  # a pull still staging (or killed)
            continue
        try:
            info = record.stat()
        except OSError:
            continue
        parts.append(f"{record}:{info.st_size}:{info.st_mtime_ns}")
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:16] if parts else ""
