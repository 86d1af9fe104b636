"""Kubernetes manifests as data: one :class:`Document` per YAML document.

Rendered chart output and generated Argo CD files both become documents, so
validation and diffing read one shape whatever produced them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
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
    #: The whole text of ``file`` as parsed (for finding positions; shared by its documents).
    source: str = field(default="", compare=False, repr=False)
    #: Key path of this object inside its document: ``items[2]`` for an item of a
    #: ``kind: List``, "" for a document of its own.
    item: str = ""

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
        yield Document(file=file, index=index, body=body, source=text)


def expand_lists(documents: Iterable[Document]) -> Iterable[Document]:
    """Each item of a ``kind: List`` (or ``*List``, as ``kubectl get -o yaml`` prints)
    as a document of its own; other documents unchanged."""
    for doc in documents:
        items = doc.body.get("items") if isinstance(doc.body, Mapping) else None
        if doc.kind.endswith("List") and isinstance(items, list) and "spec" not in doc.body:
            for number, item in enumerate(items):
                yield Document(doc.file, doc.index, item, source=doc.source,
                               item=item_path(doc.item, f"items[{number}]"))
        else:
            yield doc


def item_path(item: str, path: str) -> str:
    """A key path inside a document from one inside its object (``items[2]`` + ``spec``)."""
    return f"{item}.{path}" if item and path else item or path
