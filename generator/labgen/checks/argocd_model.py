"""Helpers to read Argo CD Applications and AppProjects."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from ..manifests import Document
from .inventory import as_list, as_map

SYNC_WAVE = "argocd.argoproj.io/sync-wave"


def sources(app: Document) -> Iterator[tuple[str, Mapping[str, Any]]]:
    """``(path, source)`` of ``spec.source`` and every ``spec.sources[i]``."""
    spec = as_map(app.body.get("spec"))
    if isinstance(spec.get("source"), Mapping):
        yield "spec.source", spec["source"]
    for index, source in enumerate(as_list(spec.get("sources"))):
        if isinstance(source, Mapping):
            yield f"spec.sources[{index}]", source


def sync_wave(doc: Document) -> int | str:
    """The sync wave (0 when unset); the raw text when it is not an integer."""
    annotations = as_map(as_map(doc.body.get("metadata")).get("annotations"))
    raw = annotations.get(SYNC_WAVE, "0")
    try:
        return int(str(raw).strip())
    except ValueError:
        return str(raw)
