"""Kubernetes manifests as data: one :class:`Document` per YAML document.

Rendered chart output and generated Argo CD files both become documents, so
validation and diffing read one shape whatever produced them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from .yaml_io import load_all_documents


@dataclass(frozen=True)
class Document:
    """One YAML document of a file."""

    #: Where it comes from, relative to the repository root: a generated file
    #: (``gitops/oke/root.yaml``) or the chart template that rendered it
    #: (``charts/olympic-lab/charts/traffic/templates/virtualservice.yaml``; workshop
    #: clusters prefix ``clusters/<name>/``).
    file: str
    #: Position of the document in its file, from 0.
    index: int
    body: Mapping[str, Any]

    @property
    def kind(self) -> str:
        return str(self.body.get("kind", ""))

    @property
    def api_version(self) -> str:
        return str(self.body.get("apiVersion", ""))

    @property
    def name(self) -> str:
        metadata = self.body.get("metadata") or {}
        return str(metadata.get("name", "")) if isinstance(metadata, Mapping) else ""

    @property
    def namespace(self) -> str:
        metadata = self.body.get("metadata") or {}
        return str(metadata.get("namespace", "") or "") if isinstance(metadata, Mapping) else ""

    @property
    def key(self) -> str:
        """``Kind/namespace/name`` (``Kind/name`` when cluster-scoped or namespace unset)."""
        parts = [self.kind, self.namespace, self.name] if self.namespace else [self.kind, self.name]
        return "/".join(parts)


def parse_documents(files: Mapping[str, str]) -> list[Document]:
    """Every non-empty document of ``{file: YAML text}``, in file order."""
    docs: list[Document] = []
    for file, text in files.items():
        docs.extend(documents_of(file, text))
    return docs


def documents_of(file: str, text: str) -> Iterable[Document]:
    for index, body in enumerate(load_all_documents(text, file)):
        yield Document(file=file, index=index, body=body)
