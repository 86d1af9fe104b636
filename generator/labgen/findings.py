"""Validation results as data: :class:`Finding`, :data:`Severity` and the options that shape a run.

A base module, so the import graph has one direction: ``validation`` (schemas,
reporters) runs ``checks`` (semantic rules), and both import findings from here.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Literal

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

    def __str__(self) -> str:
        """``file:document:path: severity rule-id message`` (the text report's line)."""
        where = f"{self.file}:{self.index if self.index >= 0 else ''}"
        where += f":{self.path}" if self.path else ""
        return f"{where}: {self.severity} {self.rule} {self.message}"


@dataclass(frozen=True)
class ValidationOptions:
    """What to validate against."""

    #: Kubernetes minor version whose strict schemas validate core kinds, e.g. ``"1.34"``.
    kubernetes_version: str = "1.34"
    #: Turn warnings into errors.
    strict: bool = False
    #: CRD files or folders (``kubectl get crd -o yaml``, an Istio release's CRD file).
    crd_paths: tuple[Path, ...] = ()
    #: Repository root, for Argo CD ``path``/``valueFiles`` checks and chart templates.
    repo_root: Path | None = None
    #: Repo-relative paths that will exist once the tree is written.
    planned_files: frozenset[str] = frozenset()
    #: The documents are everything that will run (``--env``, render). False for
    #: ``validate PATH...``: references into namespaces with no Service among the files
    #: given are not judged (the Services live elsewhere).
    complete: bool = True
    #: Workload names allowed to run privileged / use hostPath / hostNetwork.
    host_access_allowlist: tuple[str, ...] = field(
        default=("node-exporter", "alloy", "promtail", "log-shipper"))


def finalize(findings: Iterable[Finding], options: ValidationOptions) -> list[Finding]:
    """Deduplicated, sorted findings; warnings become errors under ``strict``."""
    unique = set(findings)
    if options.strict:
        unique = {replace(f, severity="error") for f in unique}
    return sorted(unique)


def has_errors(findings: Iterable[Finding]) -> bool:
    return any(f.severity == "error" for f in findings)
