"""labgen's use cases on one repository: the public Python API under every command.

>>> from labgen.workspace import Workspace
>>> ws = Workspace(Path("."))                      # embedded Helm; or helm_binary="/usr/bin/helm"
>>> [tree.summary() for tree in ws.render(["oke"])]
['gitops/oke: up to date']
>>> ws.change_traffic("oke", "custom", {"v1": 50, "v2": 30, "v3": 20}).after.describe()
'v1 50%, v2 30%, v3 20%'

A :class:`Workspace` owns what the use cases share: the Helm engine (created
on first need, so commands that never render never load Helm), the render
cache, the repository lock (:mod:`labgen.repo_lock`: one writer at a time,
readers of ``gitops/`` never see a tree half-swapped) and the rule for naming
environments. Every method returns data
(:mod:`labgen.results`) and prints nothing; errors are
:class:`~labgen.errors.LabgenError`.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from contextlib import AbstractContextManager
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from . import layout
from .errors import FindingsError, InputError, InputErrors
from .results import (
    AccessReport,
    Bootstrap,
    CheckReport,
    CrdPull,
    DiffReport,
    EnvCheck,
    EnvironmentInfo,
    TrafficEdit,
    TrafficView,
    TreeWrite,
    Validation,
    rule_counts,
)

if TYPE_CHECKING:
    from .crd_cache import CrdPin, SchemaSources
    from .environment import Environment
    from .helm_engine import HelmEngine
    from .hub_names import Clash
    from .render import RenderedEnvironment
    from .render_cache import RenderCache
    from .validation import Finding

#: The most environments a render or check sends through the Helm helper
#: (:meth:`Workspace.start_engine`); more render in-process. The helper saves one SDK load
#: (about 0.1 s) and costs 2-3 ms per render (its reply is copied over a pipe).
HELPER_RENDERS = 10
#: Wraps the names a multi-environment render walks through (a progress bar, say).
Progress = Callable[[list[str]], Iterable[str]]


class Workspace:
    """One labgen repository (the folder with ``environments/``) and one Helm engine."""

    def __init__(self, root: Path, *, engine: HelmEngine | None = None,
                 helm_binary: str | None = None, helm_helper: bool = False) -> None:
        self.root = root
        self._helm_binary = helm_binary
        self._engine = engine
        self._helm_helper = helm_helper
        self._sources: dict[tuple[CrdPin, ...], SchemaSources] = {}

    # --- shared parts ---------------------------------------------------------------------

    @property
    def engine(self) -> HelmEngine:
        """The Helm engine, created on first use."""
        if self._engine is None:
            from .helm_engine import get_engine

            self._engine = get_engine(self._helm_binary)
        return self._engine

    def start_engine(self, meanwhile: Callable[[], object] | None = None) -> None:
        """Start the Helm engine ahead of the render that needs it. With ``helm_helper``
        (the CLI: a fresh process) the embedded SDK loads in a helper process
        (:mod:`labgen.helm_worker`) while this one imports and reads the environment;
        while the helper renders, this one imports what validates the result and runs
        ``meanwhile``."""
        if self._engine is None and self._helm_helper:
            from .helm_choice import engine_identity

            if engine_identity(self._helm_binary) == "embedded":
                from .helm_worker import WorkerHelm

                def prepare() -> None:
                    importlib.import_module("labgen.env_validation")
                    if meanwhile is not None:
                        meanwhile()

                self._engine = WorkerHelm(meanwhile=prepare)

    @cached_property
    def cache(self) -> RenderCache:
        from .helm_choice import engine_identity
        from .render_cache import RenderCache
        from .user_cache import crds_stamp

        identity = (engine_identity(self._helm_binary) if self._engine is None
                    else engine_identity(getattr(self._engine, "binary", None)))
        return RenderCache(self.root, identity + crds_stamp())  # pulled CRDs validate too

    def schema_sources(self, env: Environment) -> SchemaSources:
        """Which of the versions ``env`` pins validate with pulled CRDs (verified once per
        run), and which with the built-in schemas."""
        from .crd_cache import environment_pins, select_pulled

        pins = environment_pins(env.spec)
        if pins not in self._sources:
            self._sources[pins] = select_pulled(pins)
        return self._sources[pins]

    def writing(self) -> AbstractContextManager[None]:
        """The repository lock, exclusive: around every change to files."""
        from .repo_lock import repo_lock

        return repo_lock(self.root)

    def reading(self) -> AbstractContextManager[None]:
        """The repository lock, shared: around reading ``gitops/`` as a whole."""
        from .repo_lock import repo_lock

        return repo_lock(self.root, shared=True)

    def select(self, names: Sequence[str], all_envs: bool = False) -> list[str]:
        """The environments a command names: ``names`` (``--env``), or every one (``--all``)."""
        if all_envs == bool(names):
            raise InputError("name environments with --env ENV, or pass --all (not both)")
        if all_envs:
            from .env_files import available_environments

            return available_environments(self.root)
        return list(names)

    def rendered(self, name: str) -> RenderedEnvironment:
        """Environment ``name`` rendered in memory (nothing written, not validated)."""
        from .render import render_environment

        return render_environment(self.root, name, self.engine)

    def validated(self, name: str, *, strict: bool = False) -> tuple[RenderedEnvironment,
                                                                    tuple[Finding, ...]]:
        """Render and validate; FindingsError on errors, else the rendering and its warnings
        (acknowledged findings left out)."""
        rendered = self.rendered(name)
        findings = tuple(f for f in self._findings_of(rendered, strict=strict)
                         if not f.acknowledged)
        errors = [f for f in findings if f.severity == "error"]
        if errors:
            listing = "\n".join(str(f) for f in errors)
            raise FindingsError(f"{rendered.tree_dir} not written: {len(errors)} error(s)\n{listing}")
        return rendered, findings

    def _findings_of(self, rendered: RenderedEnvironment, *, strict: bool,
                     crd_paths: tuple[Path, ...] = ()) -> tuple[Finding, ...]:
        from .env_validation import validate_rendered

        return validate_rendered(self.root, rendered, strict=strict, crd_paths=crd_paths,
                                 pulled=self.schema_sources(rendered.env).pulled)

    def _write(self, rendered: RenderedEnvironment, warnings: tuple[Finding, ...]) -> TreeWrite:
        from .drift import synced_foreign, synced_message
        from .render import write_rendered

        synced = synced_foreign(self.root, rendered)
        if synced:
            more = f" (and {len(synced) - 1} more)" if len(synced) > 1 else ""
            raise InputError(synced_message(rendered, synced[0]) + more,
                             file=f"{rendered.tree_dir}/{synced[0]}")
        result = write_rendered(self.root, rendered)
        rules = rule_counts(warnings)
        self.cache.record(rendered.env.name, rendered.tree_dir, rendered.env.files, dict(rules))
        return TreeWrite(rendered.env.name, rendered.tree_dir, tuple(result.changed),
                         tuple(result.removed), warnings, rules, tuple(result.foreign),
                         schemas=self.schema_sources(rendered.env).describe())

    # --- use cases ------------------------------------------------------------------------

    def environments(self) -> list[EnvironmentInfo]:
        """Every renderable environment and the files it is made of; one that cannot be
        loaded is listed with its error (the first line of it), the others as usual."""
        from .env_catalog import environment_infos

        return environment_infos(self.root)

    def changed_since(self, ref: str) -> list[str]:
        """The environments a change since git ref ``ref`` touches: their files, their tree,
        or the charts every environment renders (``labgen envs --changed-since``)."""
        from .env_catalog import changed_since

        return changed_since(self.root, ref)

    def render(self, names: Sequence[str] = (), *, all_envs: bool = False, force: bool = False,
               strict: bool = False, progress: Progress | None = None) -> list[TreeWrite]:
        """Render, validate and write each environment; skip those whose inputs did not change
        (``strict``: warnings that are not acknowledged are errors, and nothing is skipped)."""
        selected = self.select(names, all_envs)
        if all_envs:
            clashing = self.name_clashes(selected)
            if clashing:  # nothing is written: one Argo CD would have one tree overwrite another
                raise InputErrors([InputError(str(clash)) for clash in clashing])
        with self.writing():
            helper = len(selected) <= HELPER_RENDERS
            return [self._render_one(name, force, strict, helper)
                    for name in (progress or list)(selected)]

    def _render_one(self, name: str, force: bool, strict: bool = False,
                    helper: bool = True) -> TreeWrite:
        tree_dir = layout.tree_dir(name)
        if not force and not strict and self._fresh(name, tree_dir):
            rules = tuple(sorted(self.cache.warnings(name).items()))
            return TreeWrite(name, tree_dir, warning_rules=rules, cached=True)
        if helper:
            self.start_engine(meanwhile=lambda: self._prepare(name))
        rendered, warnings = self.validated(name, strict=strict)
        return self._write(rendered, warnings)

    def _prepare(self, name: str) -> None:
        """While Helm renders ``name``: fingerprint code and charts, read the schemas."""
        from .env_validation import prepare

        self.cache.prepare()
        prepare(self.root, name)

    def _fresh(self, name: str, tree_dir: str) -> bool:
        if self.cache.untouched(name, tree_dir):
            return True
        from .env_files import input_files

        return self.cache.is_fresh(name, tree_dir, input_files(self.root, name))

    def check(self, names: Sequence[str] = (), *, all_envs: bool = False,
              strict: bool = False) -> CheckReport:
        """Re-render in memory and compare with ``gitops/``; validate each rendering."""
        from .drift import drift_of, leftover_staging, orphan_trees

        selected = self.select(names, all_envs)
        if len(selected) <= HELPER_RENDERS:
            self.start_engine()
        with self.reading():
            leftovers = leftover_staging(self.root)
        orphans = (*leftovers, *(orphan_trees(self.root, selected) if all_envs else ()))
        checks = []
        for name in selected:
            rendered = self.rendered(name)
            findings = [f for f in self._findings_of(rendered, strict=strict)
                        if not f.acknowledged]
            with self.reading():  # never a tree half-way through a swap
                drifts = tuple(drift_of(self.root, rendered))
            checks.append(EnvCheck(
                name, rendered.tree_dir, drifts,
                tuple(f for f in findings if f.severity == "error"),
                tuple(f for f in findings if f.severity != "error")))
        clashing = tuple(self.name_clashes(selected)) if all_envs else ()
        return CheckReport(orphans, tuple(checks), clashing)

    def name_clashes(self, names: Sequence[str]) -> list[Clash]:
        """Argo CD objects two of ``names`` render in one Argo CD (see :mod:`labgen.hub_names`)."""
        from .environment import load_environment
        from .hub_names import clashes

        return clashes([load_environment(self.root, name) for name in names])

    def traffic(self, name: str) -> TrafficView:
        """The current traffic scenario of ``name`` and where its rollout stands."""
        from .clusters import expand_clusters
        from .environment import load_environment
        from .rollout import rollout_of

        env = load_environment(self.root, name)
        rollout = rollout_of(env).describe() if env.spec.traffic.steps else None
        participants = expand_clusters(env)
        overrides = tuple((p.name, p.env.routes) for p in participants if p.env.routes != env.routes)
        return TrafficView(env.name, env.files, env.routes, rollout, overrides, len(participants))

    def change_traffic(self, name: str, scenario: str,
                       weights: Mapping[str, int] | None = None) -> TrafficEdit:
        """Set the scenario (and custom weights) in the environment file, in place, and
        re-render it and every environment built on that file. Bad input changes nothing;
        a failed render restores the file."""
        from .environment import load_environment
        from .scenario_edit import apply_edit, plan_traffic_edit

        with self.writing():  # read, edit and re-render as one writer: no edit is lost
            before = load_environment(self.root, name).routes
            edit = plan_traffic_edit(self.root, name, scenario, weights)
            self.start_engine()

            def rerender() -> tuple[TreeWrite, ...]:
                # Render and validate all first: a failure writes no tree (and restores the file).
                renders = [self.validated(other) for other in (name, *edit.dependents)]
                return tuple(self._write(rendered, warnings) for rendered, warnings in renders)

            trees = apply_edit(edit, rerender)
        return TrafficEdit(edit.display, edit.changed, before, edit.env.routes, trees)

    def step(self, name: str, delta: int) -> TrafficEdit:
        """Promote (``+1``) or roll back (``-1``) along ``traffic.steps``."""
        from dataclasses import replace

        from .environment import load_environment
        from .rollout import rollout_of
        from .scenarios import CUSTOM

        with self.writing():  # the step is read and written under one lock
            target = rollout_of(load_environment(self.root, name)).target(delta)
            edit = self.change_traffic(name, CUSTOM, target)
            return replace(edit, rollout=self.traffic(name).rollout)

    def validate_env(self, name: str, *, strict: bool = False,
                     crd_paths: tuple[Path, ...] = ()) -> Validation:
        """Validate what Argo CD would apply for ``name``: umbrella manifests and the tree."""
        from .path_validation import require_schemas

        _require(crd_paths)
        self.start_engine()
        rendered = self.rendered(name)
        require_schemas(rendered.env.spec.cluster.kubernetes_version)
        docs = len(rendered.manifests) + len(rendered.argocd)
        return Validation(self._findings_of(rendered, strict=strict, crd_paths=crd_paths), docs,
                          schemas=self.schema_sources(rendered.env))

    def validate_paths(self, paths: Sequence[Path], *, strict: bool = False,
                       crd_paths: tuple[Path, ...] = (),
                       kubernetes_version: str | None = None) -> Validation:
        """Validate YAML files and folders as part of a cluster (see README, Validation)."""
        from .path_validation import validate_paths

        _require(crd_paths)
        root = self.root if (self.root / layout.ENV_DIR).is_dir() else None
        from .crd_cache import repository_sources

        schemas = repository_sources(root)
        if root is None:
            return validate_paths(paths, root=root, strict=strict, crd_paths=crd_paths,
                                  kubernetes_version=kubernetes_version, schemas=schemas)
        with self.reading():  # files of gitops/ are never read half-way through a swap
            return validate_paths(paths, root=root, strict=strict, crd_paths=crd_paths,
                                  kubernetes_version=kubernetes_version, schemas=schemas)

    def pull_crds(self, names: Sequence[str] = (), *, all_envs: bool = False,
                  argocd_version: str | None = None, argocd_repo: str | None = None,
                  charts: Sequence[tuple[str, str, str]] = (),
                  force: bool = False) -> list[CrdPull]:
        """Pull into the user's cache the CRDs of the versions the environments pin (Istio's
        ``base`` chart, Argo CD's chart), ``argocd_version`` and ``charts`` (``(repository URL,
        chart, version)``), each checked against its repository's digest (:mod:`labgen.crd_pull`)."""
        from .crd_pull import pull_all, sources_for
        from .environment import load_environment

        if not (names or all_envs or charts or argocd_version):
            raise InputError("name environments with --env ENV or --all, or CRD sources with "
                             "--argocd-version or --chart")
        selected = self.select(names, all_envs) if (names or all_envs) else []
        envs = [load_environment(self.root, name) for name in selected]
        sources = sources_for(envs, argocd_version=argocd_version, argocd_repo=argocd_repo,
                              charts=charts)
        return pull_all(sources, self.engine, force=force)

    def diff(self, name: str, base: str = "HEAD", head: str | None = None) -> DiffReport:
        """Render ``name`` at git ref ``base`` and at ``head`` (the working tree when None)."""
        from .change_report import diff_report

        self.start_engine()
        return diff_report(self.root, name, base, head, self.engine)

    def access(self, name: str) -> AccessReport:
        """How to reach each UI of ``name`` (one block per workshop participant)."""
        from .access import access_report

        return access_report(self.root, name)

    def bootstrap(self, name: str, apply_to: Path | None = None) -> Bootstrap:
        """What to apply once in Argo CD's namespace; written to ``apply_to`` when given."""
        from .bootstrap import bootstrap_text, write_bootstrap

        rendered, _warnings = self.validated(name)
        text = bootstrap_text(rendered)
        if apply_to is None:
            return Bootstrap(text)
        with self.writing():
            return Bootstrap(text, write_bootstrap(apply_to, text))


def _require(crd_paths: tuple[Path, ...]) -> None:
    for crd in crd_paths:
        if not crd.exists():
            raise InputError("no such CRD file or folder", file=str(crd))
