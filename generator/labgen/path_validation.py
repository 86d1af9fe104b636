"""``labgen validate PATH...``: files validated as *part* of a cluster.

References to objects that are not among the files given are not judged;
each ``gitops/<env>/`` tree among them is validated as its own Argo CD world
(its own cluster and project).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from . import layout
from .crd_cache import SchemaSources
from .errors import InputError
from .findings import finalize
from .manifests import Document
from .repo_config import rule_levels
from .results import Validation
from .validation import ValidationOptions, validate_documents
from .validation.files import load_paths
from .validation.kube_schemas import schema_folder, supported_versions
from .validation.reporters import rule_catalog

#: Kubernetes minor for PATHS when none is given.
DEFAULT_KUBERNETES_VERSION = "1.34"
NO_MANIFESTS = ("no Kubernetes manifests among the given paths (Helm chart sources and "
                "environment files are left out: use --env)")


def validate_paths(paths: Sequence[Path], *, root: Path | None, strict: bool,
                   crd_paths: tuple[Path, ...], kubernetes_version: str | None,
                   schemas: SchemaSources | None = None) -> Validation:
    version = kubernetes_version or DEFAULT_KUBERNETES_VERSION
    require_schemas(version)
    documents = load_paths(paths)
    options = ValidationOptions(kubernetes_version=version, strict=strict, crd_paths=crd_paths,
                                pulled_crds=schemas.pulled if schemas else (),
                                repo_root=root, complete=False,
                                rule_levels=rule_levels(root or Path.cwd(), rule_catalog()))
    findings = finalize((finding for group in _trees(documents)
                         for finding in validate_documents(group, options)), options)
    return Validation(tuple(findings), len(documents), () if documents else (NO_MANIFESTS,),
                      schemas)


def require_schemas(version: str) -> None:
    """InputError unless kubernetes-validate has strict schemas for minor ``version``."""
    if not schema_folder(version).is_dir():
        raise InputError(f"no Kubernetes schemas for {version}; "
                         f"supported: {', '.join(supported_versions())}")


def _trees(documents: list[Document]) -> list[list[Document]]:
    """Documents grouped by the ``gitops/<env>/`` tree they lie in (the rest: one group)."""
    groups: dict[str, list[Document]] = {}
    for doc in documents:
        groups.setdefault(layout.tree_of(doc.file) or "", []).append(doc)
    return [groups[key] for key in sorted(groups)]
