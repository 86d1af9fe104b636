"""What the :class:`~labgen.workspace.Workspace` use cases return: plain data, no printing.

Commands turn these into lines; tests assert on them directly.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from . import layout

if TYPE_CHECKING:
    from .access import Access, ClusterAccess
    from .crd_cache import CrdEntry, SchemaSources
    from .drift import Drift
    from .hub_names import Clash
    from .manifest_diff import Change
    from .scenarios import Routes
    from .traffic_diff import TrafficChange
    from .validation import Finding


@dataclass(frozen=True)
class TreeWrite:
    """One environment's tree after a render: written, or already up to date."""

    name: str
    tree_dir: str
    #: Files written and removed (both empty: up to date).
    changed: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    #: Validation findings below error level (empty when cached: see ``warning_rules``).
    warnings: tuple[Finding, ...] = ()
    #: Warnings per rule, ``(("nodeport-exposure", 4),)``; kept by the render cache too.
    warning_rules: tuple[tuple[str, int], ...] = ()
    #: Files in the tree labgen did not write (kept).
    foreign: tuple[str, ...] = ()
    #: True when the inputs did not change and nothing was rendered.
    cached: bool = False
    #: Which schemas validated it (``schemas: Istio 1.30.3 from pulled CRDs ...``; "" when cached).
    schemas: str = ""

    @property
    def wrote(self) -> bool:
        return bool(self.changed or self.removed)

    def summary(self) -> str:
        """``gitops/oke: 3 written, 0 removed`` or ``gitops/oke: up to date``."""
        if not self.wrote:
            return f"{self.tree_dir}: up to date"
        return f"{self.tree_dir}: {len(self.changed)} written, {len(self.removed)} removed"

    def warnings_summary(self) -> str | None:
        """One line for the warnings: counts per rule and where to see them all."""
        return warnings_line(self.tree_dir, self.name, dict(self.warning_rules))


def rule_counts(findings: Iterable[Finding]) -> tuple[tuple[str, int], ...]:
    """``((rule, count), ...)`` of ``findings``, sorted by rule."""
    return tuple(sorted(Counter(finding.rule for finding in findings).items()))


def warnings_line(tree_dir: str, env_name: str, rules: Mapping[str, int]) -> str | None:
    """``gitops/oke: 4 warning(s) (nodeport-exposure x4); list them with: ...`` or None."""
    if not rules:
        return None
    summary = ", ".join(f"{rule} x{count}" for rule, count in sorted(rules.items()))
    return (f"{tree_dir}: {sum(rules.values())} warning(s) ({summary}); "
            f"list them with: labgen validate --env {env_name}")


@dataclass(frozen=True)
class EnvCheck:
    """``labgen check`` of one environment."""

    name: str
    tree_dir: str
    drifts: tuple[Drift, ...]
    errors: tuple[Finding, ...]
    warnings: tuple[Finding, ...]

    @property
    def clean(self) -> bool:
        return not (self.drifts or self.errors)


@dataclass(frozen=True)
class CheckReport:
    """``labgen check``: folders no environment renders, then each environment."""

    orphans: tuple[Drift, ...]
    environments: tuple[EnvCheck, ...]
    #: ``--all``: Argo CD objects two environments of one Argo CD both render.
    clashes: tuple[Clash, ...] = ()

    @property
    def problems(self) -> int:
        return (len(self.orphans) + len(self.clashes)
                + sum(len(e.drifts) + len(e.errors) for e in self.environments))


@dataclass(frozen=True)
class TrafficView:
    """``labgen scenario show``: an environment's current traffic."""

    name: str
    files: tuple[str, ...]
    routes: Routes
    #: ``step 1 of 3: ...`` when the environment declares ``traffic.steps``.
    rollout: str | None
    #: Workshop: the participants whose own overrides route differently, with their routes.
    overrides: tuple[tuple[str, Routes], ...] = ()
    #: Workshop: how many participants there are.
    participants: int = 0


@dataclass(frozen=True)
class TrafficEdit:
    """A traffic change written to an environment file and rendered."""

    #: The edited file, repository-relative.
    file: str
    changed: bool
    before: Routes
    after: Routes
    #: The edited environment first, then those built on its file.
    trees: tuple[TreeWrite, ...]
    #: Where the rollout stands afterwards (promote/rollback), else None.
    rollout: str | None = None

    def also_changes(self) -> list[str]:
        """The environments built on the edited file that changed with it, said plainly:
        ``workshop (29 clusters), built on environments/oke.yaml``."""
        out = []
        for tree in self.trees[1:]:
            if not tree.wrote:
                continue
            clusters = sum(1 for rel in tree.changed if _is_participant_values(rel))
            what = f"{tree.name} ({clusters} clusters)" if clusters else tree.name
            out.append(f"{what}, built on {self.file}")
        return out


def _is_participant_values(rel: str) -> bool:
    parts = rel.split("/")
    return (len(parts) == 3 and parts[0] == layout.PARTICIPANTS_DIR
            and parts[2] == layout.VALUES_FILE)


@dataclass(frozen=True)
class DiffReport:
    """``labgen diff``: traffic in words and the changed resources."""

    env: str
    #: ``HEAD → working tree``.
    title: str
    traffic: tuple[TrafficChange, ...]
    changes: tuple[Change, ...]


@dataclass(frozen=True)
class AccessReport:
    """``labgen access``: how to reach each UI (one block per workshop participant)."""

    items: tuple[Access, ...] = ()
    participants: tuple[ClusterAccess, ...] = ()
    login_notes: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class Bootstrap:
    """``labgen bootstrap``: the text to apply once, and what happened to ``--apply-to``."""

    text: str
    #: None: not written to a file; True: written; False: the file held it already.
    written: bool | None = None


@dataclass(frozen=True)
class EnvironmentInfo:
    """``labgen envs``: one environment and the files it is made of."""

    name: str
    files: tuple[str, ...]
    description: str
    #: Other renderable environments this one extends: changing them changes it too.
    built_on: tuple[str, ...] = ()
    #: Why it cannot be loaded (one line), or None: a broken file is listed, not fatal.
    error: str | None = None


@dataclass(frozen=True)
class Validation:
    """Findings of ``labgen validate``; ``documents`` counts what was read."""

    findings: tuple[Finding, ...]
    documents: int = 0
    notes: tuple[str, ...] = field(default=())
    #: Which pinned versions were validated with pulled CRDs, which with the built-ins.
    schemas: SchemaSources | None = None


@dataclass(frozen=True)
class CrdPull:
    """One source's CRDs in the cache after ``labgen crds pull``: ``pulled`` now, or already
    ``cached`` (verified) before."""

    entry: CrdEntry
    status: str

    def summary(self) -> str:
        """``Istio 1.30.3: 15 CRDs pulled (base 1.30.3 from URL, sha256:...) in FOLDER``."""
        e = self.entry
        return (f"{e.pin.label}: {len(e.files)} CRDs {self.status} ({e.chart} {e.chart_version} "
                f"from {e.repository}, {e.chart_digest[:19]}...) in {e.folder}")
