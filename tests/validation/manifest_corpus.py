"""The manifest corpus under tests/cases/manifests: case folders and their documents."""

from __future__ import annotations

from pathlib import Path

from labgen.manifests import Document, documents_of

CASES = Path(__file__).resolve().parents[1] / "cases" / "manifests"
VALID = sorted(p for p in (CASES / "valid").iterdir() if p.is_dir())
INVALID = sorted(p for p in (CASES / "invalid").iterdir() if p.is_dir())


def load_case(case: Path) -> list[Document]:
    """The documents of a case folder, files named relative to it."""
    documents: list[Document] = []
    for file in sorted(case.rglob("*.yaml")):
        documents.extend(documents_of(file.relative_to(case).as_posix(),
                                      file.read_text(encoding="utf-8")))
    return documents
