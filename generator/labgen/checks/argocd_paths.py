"""argocd-paths: each ``source.path`` and ``helm.valueFiles`` of an Application resolves.

ApplicationSets too: the Application their ``list`` generator makes for each element
(``{{.name}}`` filled in) must resolve, e.g. a workshop participant's
``gitops/workshop/clusters/<name>/apps``.

Resolved against the repository root plus the files the run is about to write
(``planned_files``). Helm chart sources (``chart:``) are skipped, except their
``$ref/...`` value files; value files
are relative to ``path``, or to the root of a ``ref:`` source when written
``$ref/...``. Skipped entirely when no repository root is known.

Passes: ``path: charts/olympic-lab`` with ``valueFiles: [../../gitops/oke/values.yaml]``
when ``gitops/oke/values.yaml`` exists or is planned.

Fails: ``path: charts/olympic-labs`` (no such folder) or a value file that is
neither on disk nor planned.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator

from ..findings import Finding, Severity, ValidationOptions
from ..manifests import Document
from .argocd_model import application_findings, sources
from .inventory import Inventory, Reporter, as_list, as_map

ID = "argocd-paths"
SEVERITY: Severity = "error"
report = Reporter(ID, SEVERITY)


def run(inventory: Inventory, options: ValidationOptions) -> Iterator[Finding]:
    if options.repo_root is None and not options.planned_files:
        return
    yield from application_findings(inventory, lambda app: _app_problems(app, options), report)


def _app_problems(app: Document, options: ValidationOptions) -> Iterator[tuple[str, str]]:
    """``(key path, message)`` of each source path and value file that does not resolve."""
    refs = {str(s["ref"]) for _p, s in sources(app) if isinstance(s.get("ref"), str)}
    for path, source in sources(app):
        chart = bool(source.get("chart"))
        folder = None if chart else source.get("path")
        if isinstance(folder, str):
            folder = _normal(folder)
            if folder is None or not _exists(options, folder, directory=True):
                yield f"{path}.path", f"{source['path']!r} is not a folder of the repository"
                continue
        base = folder if isinstance(folder, str) else ""
        value_files = as_list(as_map(source.get("helm")).get("valueFiles"))
        for index, value_file in enumerate(value_files):
            if chart and not str(value_file).startswith("$"):
                continue  # inside the chart's own package
            problem = _value_file(options, str(value_file), base, refs)
            if problem:
                yield f"{path}.helm.valueFiles[{index}]", problem


def _value_file(options: ValidationOptions, value_file: str, base: str,
                refs: set[str]) -> str | None:
    if value_file.startswith("$"):
        ref, _, rest = value_file[1:].partition("/")
        if ref not in refs:
            return f"{value_file!r} names no source with ref {ref!r}"
        target = _normal(rest)
    elif "://" in value_file:
        return None
    else:
        target = _normal(posixpath.join(base, value_file))
    if target is None or not _exists(options, target, directory=False):
        return f"value file {value_file!r} does not resolve in the repository"
    return None


def _normal(path: str) -> str | None:
    """A repo-relative POSIX path, or None when it leaves the repository."""
    normal = posixpath.normpath(path.strip("/")) if path.strip("/") else "."
    return None if normal == ".." or normal.startswith("../") else normal


def _exists(options: ValidationOptions, target: str, *, directory: bool) -> bool:
    if directory:
        prefix = "" if target == "." else target + "/"
        if any(f.startswith(prefix) for f in options.planned_files):
            return True
    elif target in options.planned_files:
        return True
    if options.repo_root is None:
        return False
    on_disk = options.repo_root / target
    return on_disk.is_dir() if directory else on_disk.is_file()
