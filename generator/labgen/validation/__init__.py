"""Offline validation: strict schemas for every document, then semantic checks.

>>> findings = validate_documents(documents, ValidationOptions(kubernetes_version="1.34"))

Findings come back sorted (file, document, path, rule) and deduplicated.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..checks import run_checks
from ..findings import Finding, ValidationOptions, finalize, has_errors
from ..manifests import Document
from .registry import SchemaRegistry
from .schema_check import schema_findings

__all__ = ["Finding", "ValidationOptions", "has_errors", "validate_documents"]


def validate_documents(documents: Iterable[Document], options: ValidationOptions) -> list[Finding]:
    """Schema findings and semantic-check findings of ``documents``."""
    docs = list(documents)
    registry = SchemaRegistry(options.kubernetes_version, options.crd_paths)
    found = list(schema_findings(docs, registry))
    found.extend(run_checks(docs, options))
    return finalize(found, options)
