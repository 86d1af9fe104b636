"""Validation results as data: :class:`Finding`, :data:`Severity` and the options that shape a run.

A base module, so the import graph has one direction: ``validation`` (schemas,
reporters) runs ``checks`` (semantic rules), and both import findings from here.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from .components import HostGrant, host_access_grants
from .errors import capped, printable
from .manifests import Document, item_path

if TYPE_CHECKING:
    from .crd_cache import CrdEntry

Severity = Literal["error", "warning"]
SEVERITIES: tuple[Severity, ...] = ("error", "warning")


@dataclass(frozen=True, order=True)
class Finding:
    """One problem: where (file, document index, key path), which rule, how bad, why."""

    file: str
    #: Position of the YAML document in its file, from 0 (-1: the file as a whole).
    index: int
    #: Key path inside the document, e.g. ``spec.http[0].route[1].weight`` ("" for the document).
    path: str
    rule: str
    severity: Severity
    message: str
    #: 1-based line and column of the node the path names (0: not known; see
    #: :mod:`labgen.positions`, which fills them in).
    line: int = 0
    column: int = 0
    #: The reason it was accepted ("" when it was not): acknowledged findings are listed
    #: apart, never fail a run and are not raised by ``strict``.
    acknowledged: str = ""

    def __post_init__(self) -> None:
        # Values from the documents reach every report: escaped and cut (errors.capped);
        # the key path is made of the documents' keys: one value, cut as a whole.
        for name in ("file", "path", "message", "acknowledged"):
            value = getattr(self, name)
            safe = printable(value) if name == "path" else capped(value)
            if safe != value:
                object.__setattr__(self, name, safe)

    @classmethod
    def at(cls, doc: Document, path: str, rule: str, severity: Severity, message: str) -> Finding:
        """A finding on ``path`` of ``doc`` (an item of a ``kind: List`` is prefixed)."""
        return cls(doc.file, doc.index, item_path(doc.item, path), rule, severity, message)

    @property
    def where(self) -> str:
        """``file:line:col`` when the position is known; else ``file`` and the document."""
        if self.line:
            return f"{self.file}:{self.line}:{self.column or 1}"
        return f"{self.file} (document {self.index})" if self.index >= 0 else self.file

    def __str__(self) -> str:
        """``file:line:col: severity rule-id path: message`` (the text report's line)."""
        what = f"{self.path}: {self.message}" if self.path else self.message
        return f"{self.where}: {self.severity} {self.rule} {what}"


@dataclass(frozen=True)
class Acknowledgement:
    """A finding accepted on purpose: rule ``check`` on ``resource`` (``Kind/ns/name`` or
    ``Kind/name``; "" for every resource), with the reason."""

    check: str
    reason: str
    resource: str = ""


@dataclass(frozen=True)
class ValidationOptions:
    """What to validate against."""

    #: Kubernetes minor version whose strict schemas validate core kinds, e.g. ``"1.34"``.
    kubernetes_version: str = "1.34"
    #: Turn warnings into errors.
    strict: bool = False
    #: CRD files or folders (``kubectl get crd -o yaml``, an Istio release's CRD file).
    crd_paths: tuple[Path, ...] = ()
    #: CRDs pulled for the pinned versions (below ``crd_paths``, above the built-ins).
    pulled_crds: tuple[CrdEntry, ...] = ()
    #: Repository root, for Argo CD ``path``/``valueFiles`` checks and chart templates.
    repo_root: Path | None = None
    #: Repo-relative paths that will exist once the tree is written.
    planned_files: frozenset[str] = frozenset()
    #: The documents are everything that will run (``--env``, render). False for
    #: ``validate PATH...``: references into namespaces with no Service among the files
    #: given are not judged (the Services live elsewhere).
    complete: bool = True
    #: Workloads allowed host features, by exact identity (``namespace/Kind/name``), each
    #: with only the features it needs (components.py; the observability namespace).
    host_access_allowlist: tuple[HostGrant, ...] = field(default_factory=host_access_grants)
    #: Findings accepted on purpose (an environment's ``validation.acknowledge``).
    acknowledgements: tuple[Acknowledgement, ...] = ()
    #: Rule id -> ``error``, ``warning`` or ``off`` (the repository configuration).
    rule_levels: tuple[tuple[str, str], ...] = ()


def finalize(findings: Iterable[Finding], options: ValidationOptions) -> list[Finding]:
    """Deduplicated, sorted findings; warnings become errors under ``strict``."""
    unique = set(findings)
    if options.strict:
        unique = {f if f.acknowledged else replace(f, severity="error") for f in unique}
    return sorted(unique, key=sort_key)


def sort_key(finding: Finding) -> tuple[str, int, int, int, str, str, str]:
    """File, document, position, then path and rule: the order reports print."""
    f = finding
    return (f.file, f.index, f.line, f.column, f.path, f.rule, f.message)


def has_errors(findings: Iterable[Finding]) -> bool:
    """Whether a finding that was not acknowledged is an error."""
    return any(f.severity == "error" and not f.acknowledged for f in findings)
