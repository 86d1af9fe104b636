"""Offline validation: strict schemas for every document, then semantic checks.

>>> findings = validate_documents(documents, ValidationOptions(kubernetes_version="1.34"))

Findings come back sorted (file, document, line, column, path, rule), deduplicated, and
with the line and column of their node (:mod:`labgen.positions`). Items of a
``kind: List`` are validated as objects of their own.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..acknowledge import apply as apply_acknowledgements
from ..checks import run_checks
from ..findings import Finding, ValidationOptions, finalize, has_errors
from ..manifests import Document, expand_lists
from ..positions import locate_all
from .registry import SchemaRegistry
from .schema_check import schema_findings

__all__ = ["Finding", "ValidationOptions", "has_errors", "validate_documents"]


def validate_documents(documents: Iterable[Document], options: ValidationOptions) -> list[Finding]:
    """Schema findings and semantic-check findings of ``documents``."""
    docs = list(expand_lists(documents))
    registry = SchemaRegistry(options.kubernetes_version, options.crd_paths,
                              options.pulled_crds)
    found = list(schema_findings(docs, registry))
    found.extend(run_checks(docs, options))
    found = apply_acknowledgements(found, docs, options)
    return finalize(locate_all(found, docs, options.repo_root), options)
