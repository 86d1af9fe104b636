"""Fixtures of the validation tests: the manifest corpus and upstream CRDs (read in place)."""

from __future__ import annotations

from pathlib import Path

import pytest

from labgen.manifests import Document
from validation.manifest_corpus import INVALID, VALID, load_case


@pytest.fixture(scope="session")
def upstream_crds(shared_dir: Path) -> tuple[Path, ...]:
    """Istio 1.30.3 and Argo CD v3.5.1 CRDs in ../shared/crds (never copied)."""
    return (shared_dir / "crds" / "istio", shared_dir / "crds" / "argocd")


@pytest.fixture(scope="session")
def corpus_documents() -> list[Document]:
    return [doc for case in (*VALID, *INVALID) for doc in load_case(case)]
