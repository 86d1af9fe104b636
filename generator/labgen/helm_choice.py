"""Which Helm a command renders with, told without loading either engine.

``--helm-binary PATH`` or ``LABGEN_HELM_BINARY`` names the helm CLI; otherwise the
embedded SDK renders (:mod:`labgen.helm_engine` holds both engines). The render
cache keys its records by :func:`engine_identity`, so a render that is up to date
never imports the engines (subprocess, tempfile, the SDK's binding).
"""

from __future__ import annotations

import os
from pathlib import Path

HELM_BINARY_ENV = "LABGEN_HELM_BINARY"


def chosen_binary(helm_binary: str | None = None) -> str | None:
    """The helm CLI named by the option or the environment, or None (embedded)."""
    return helm_binary or os.environ.get(HELM_BINARY_ENV) or None


def engine_identity(helm_binary: str | None = None) -> str:
    """Which Helm :func:`labgen.helm_engine.get_engine` would use, without loading it (for
    the render cache): the pinned embedded SDK, or a binary by path, size and modification
    time."""
    binary = chosen_binary(helm_binary)
    if not binary:
        return "embedded"
    try:
        info = Path(binary).stat()
    except OSError:
        return f"cli:{binary}"
    return f"cli:{binary}:{info.st_size}:{info.st_mtime_ns}"
