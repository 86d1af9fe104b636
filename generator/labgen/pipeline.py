"""Render + validate: what ``render``, ``validate --env`` and ``check`` share."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from .errors import FindingsError
from .helm_engine import HelmEngine
from .render import RenderedEnvironment, render_environment


def render_validated(
    root: Path, name: str, engine: HelmEngine, *, strict: bool = False
) -> tuple[RenderedEnvironment, list[Any]]:
    """Render environment ``name`` and validate it; raise FindingsError on errors.

    Returns the rendering and the findings below error level (warnings).
    """
    rendered = render_environment(root, name, engine)
    findings = validate_rendered(root, rendered, strict=strict)
    errors = [f for f in findings if f.severity == "error"]
    if errors:
        listing = "\n".join(str(f) for f in errors)
        raise FindingsError(f"{rendered.tree_dir} not written: {len(errors)} error(s)\n{listing}")
    return rendered, findings


def validate_rendered(root: Path, rendered: RenderedEnvironment, *, strict: bool) -> list[Any]:
    """The findings of ``rendered`` that were not acknowledged (``labgen validate --env``
    lists those too)."""
    from .validation import validate_documents

    options = environment_options(root, rendered, strict=strict)
    return [finding for finding in
            validate_documents([*rendered.manifests, *rendered.argocd], options)
            if not finding.acknowledged]


def environment_options(root: Path, rendered: RenderedEnvironment, *, strict: bool,
                        crd_paths: tuple[Path, ...] = ()) -> Any:
    """The validation options of an environment: its Kubernetes version, its
    acknowledgements and the repository's rule levels."""
    from .findings import Acknowledgement, ValidationOptions
    from .repo_config import rule_levels
    from .validation.reporters import rule_catalog

    return ValidationOptions(
        kubernetes_version=rendered.env.spec.cluster.kubernetes_version,
        strict=strict, crd_paths=crd_paths, repo_root=root,
        planned_files=frozenset(rendered.tree),
        acknowledgements=tuple(Acknowledgement(a.check, a.reason, a.resource)
                               for a in rendered.env.spec.validation.acknowledge),
        rule_levels=rule_levels(root, rule_catalog()),
    )


def warnings_summary(tree_dir: str, env_name: str, findings: list[Any]) -> str:
    """One line for the warnings of a render: counts per rule and where to see them all."""
    rules = Counter(finding.rule for finding in findings)
    summary = ", ".join(f"{rule} x{count}" for rule, count in sorted(rules.items()))
    return (f"{tree_dir}: {len(findings)} warning(s) ({summary}); "
            f"list them with: labgen validate --env {env_name}")
