"""Validating a rendered environment: what Argo CD would apply, as one world per cluster.

A single environment is one cluster: its umbrella manifests and its Argo CD
tree are validated together, so every cross-reference must resolve. A
workshop is one cluster per participant: each participant's lab is
validated with the tree like a single environment (thirty copies of the same
Service in one set would be thirty clashes, not one lab). Participants whose
labs are equal (they share the parsed documents) are validated once and the
findings repeated under each participant's folder.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from .chart_values import LabRender
from .components import host_access_grants
from .crd_cache import CrdEntry
from .environment import load_environment
from .findings import Acknowledgement
from .render import RenderedEnvironment
from .repo_config import rule_levels
from .validation import Finding, ValidationOptions, validate_documents
from .validation.registry import warm
from .validation.reporters import rule_catalog


def environment_options(root: Path, rendered: RenderedEnvironment, *, strict: bool,
                        crd_paths: tuple[Path, ...] = (),
                        pulled: tuple[CrdEntry, ...] = ()) -> ValidationOptions:
    """The one place the validation options of an environment are made: its Kubernetes
    version, its acknowledgements and the repository's rule levels."""
    return ValidationOptions(
        kubernetes_version=rendered.env.spec.cluster.kubernetes_version, strict=strict,
        crd_paths=crd_paths, pulled_crds=pulled, repo_root=root, planned_files=frozenset(rendered.tree),
        acknowledgements=tuple(Acknowledgement(a.check, a.reason, a.resource)
                               for a in rendered.env.spec.validation.acknowledge),
        rule_levels=rule_levels(root, rule_catalog()),
        host_access_allowlist=host_access_grants(rendered.env.spec.namespaces.observability))


def prepare(root: Path, name: str) -> None:
    """What validating environment ``name`` starts with, done ahead (while Helm renders):
    the schema definitions of its Kubernetes version and labgen's own."""
    warm(load_environment(root, name).spec.cluster.kubernetes_version)


def validate_rendered(root: Path, rendered: RenderedEnvironment, *, strict: bool,
                      crd_paths: tuple[Path, ...] = (),
                      pulled: tuple[CrdEntry, ...] = ()) -> tuple[Finding, ...]:
    """Every finding of ``rendered``, sorted and without duplicates (acknowledged ones
    included, marked with their reason); ``pulled``: CRDs of the pinned versions."""
    options = environment_options(root, rendered, strict=strict, crd_paths=crd_paths,
                                  pulled=pulled)
    found: set[Finding] = set()
    for labs in _distinct(rendered.labs):
        first = labs[0]
        findings = validate_documents([*first.manifests, *rendered.argocd], options)
        for lab in labs:
            found.update(_moved(f, first, lab) for f in findings)
    return tuple(sorted(found))


def _distinct(labs: tuple[LabRender, ...]) -> list[list[LabRender]]:
    """Labs grouped by the documents they share (one group per distinct lab)."""
    groups: dict[tuple[int, ...], list[LabRender]] = {}
    for lab in labs:
        groups.setdefault(tuple(id(doc.body) for doc in lab.manifests), []).append(lab)
    return list(groups.values())


def _moved(finding: Finding, source: LabRender, target: LabRender) -> Finding:
    """``finding`` of ``source``'s documents, said of ``target``'s (same lab, other folder)."""
    if source.participant is None or target.participant is None or source is target:
        return finding
    prefix = f"{source.participant.folder}/"
    if not finding.file.startswith(prefix):
        return finding
    return replace(finding, file=f"{target.participant.folder}/{finding.file[len(prefix):]}")
