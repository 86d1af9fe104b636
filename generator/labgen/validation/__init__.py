"""Placeholder until the validation package lands (branch `validate`)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class ValidationOptions:
    kubernetes_version: str = "1.34"
    strict: bool = False
    crd_paths: tuple[Path, ...] = ()
    repo_root: Path | None = None
    planned_files: frozenset[str] = frozenset()


def validate_documents(documents: Iterable[Any], options: ValidationOptions) -> list[Any]:
    return []
