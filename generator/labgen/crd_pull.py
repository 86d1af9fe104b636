"""``labgen crds pull``: the CRDs of exactly the versions an environment pins, into the cache.

Where each source's CRDs come from (one definition each):

* **Istio**: Istio's ``base`` chart at ``istio.version`` from ``istio.chartRepoURL`` (the
  repository the environment's ``istio-base`` Application syncs), rendered with
  ``base.enableCRDTemplates: true``;
* **Argo CD**: the ``argo-cd`` chart of the Argo Helm repository (:data:`ARGO_HELM_URL`, or
  ``--argocd-repo``) whose ``appVersion`` is ``argocd.version`` (or ``--argocd-version``),
  the newest such chart version, rendered with ``crds.install: true``;
* **any chart** (``--chart REPO_URL NAME VERSION``, e.g. Gateway API's): its CRDs at that
  chart version, cached as source ``NAME``.

Each chart is pulled and rendered through the Helm engine (:mod:`labgen.helm_repo`); its
archive must hash to the digest the repository's index lists, and only its
CustomResourceDefinitions are kept (:mod:`labgen.crd_cache` stores them atomically).
"""

from __future__ import annotations

import hashlib
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .components import ISTIO_BASE_CHART
from .crd_cache import ARGOCD, ISTIO, CrdPin, read_entry, write_entry
from .environment import Environment
from .errors import HelmError, InputError
from .helm_engine import HelmEngine
from .helm_repo import chart_repository, rendered_with_crds
from .results import CrdPull
from .user_cache import crd_entry_dir
from .yaml_io import YAMLError, safe_load_all

#: Argo CD's own Helm repository (argoproj/argo-helm) and its chart of Argo CD.
ARGO_HELM_URL = "https://argoproj.github.io/argo-helm"
ARGOCD_CHART = "argo-cd"
_CRD = "CustomResourceDefinition"


@dataclass(frozen=True)
class ChartSource:
    """Where the CRDs of one pin come from."""

    pin: CrdPin
    repo_url: str
    chart: str
    #: Match index entries on ``appVersion`` (Argo CD's version), not the chart version.
    by_app_version: bool = False
    values: Mapping[str, Any] = field(default_factory=dict, hash=False, compare=False)
    release: str = "crds"
    namespace: str = "default"
    #: How to fix the pin, for messages ("fix istio.version in environments/oke.yaml").
    fix: str = ""


def istio_source(env: Environment) -> ChartSource:
    istio = env.spec.istio
    return ChartSource(CrdPin(ISTIO, istio.version), istio.chart_repo_url, ISTIO_BASE_CHART,
                       values={"base": {"enableCRDTemplates": True}}, release="istio-base",
                       namespace="istio-system",
                       fix=f"fix istio.version ({_where(env, 'istio', 'version')}) or "
                       f"istio.chartRepoURL ({_where(env, 'istio', 'chartRepoURL')})")


def _where(env: Environment, *key: str) -> str:
    """``file:line`` where ``key`` is set for ``env`` (its own file when it is a default)."""
    file, line = env.layers.locate(key) if env.layers else (env.files[-1], None)
    file = file or env.files[-1]
    return f"{file}:{line}" if line else f"the default; set it in {file}"


def argocd_source(version: str, repo_url: str = ARGO_HELM_URL, fix: str = "") -> ChartSource:
    """Argo CD ``version`` (``v3.5.1``; ``3.5.1`` is read as the same) from ``repo_url``."""
    version = version if version.startswith("v") else f"v{version}"
    return ChartSource(CrdPin(ARGOCD, version), repo_url, ARGOCD_CHART, by_app_version=True,
                       values={"crds": {"install": True}}, release="argocd", namespace="argocd",
                       fix=fix or "fix --argocd-version or --argocd-repo")


def chart_source(repo_url: str, chart: str, version: str) -> ChartSource:
    return ChartSource(CrdPin(chart, version), repo_url, chart,
                       fix=f"fix --chart {repo_url} {chart} {version}")


def sources_for(envs: Sequence[Environment], *, argocd_version: str | None,
                argocd_repo: str | None, charts: Iterable[tuple[str, str, str]]) -> list[ChartSource]:
    """The sources of ``envs`` (Istio and Argo CD each), ``--argocd-version`` and ``--chart``,
    one per pin."""
    repo = argocd_repo or ARGO_HELM_URL
    found: dict[CrdPin, ChartSource] = {}
    for env in envs:
        istio = istio_source(env)
        found.setdefault(istio.pin, istio)
        if argocd_version is None:
            argo = argocd_source(env.spec.argocd.version, repo,
                                 f"fix argocd.version ({_where(env, 'argocd', 'version')}) "
                                 "or --argocd-repo")
            found.setdefault(argo.pin, argo)
    if argocd_version is not None:
        argo = argocd_source(argocd_version, repo)
        found.setdefault(argo.pin, argo)
    for url, chart, version in charts:
        custom = chart_source(url, chart, version)
        found.setdefault(custom.pin, custom)
    for pin in found:  # a name that cannot be a cache folder is refused before any download
        crd_entry_dir(pin.source, pin.version)
    return list(found.values())


def pull(source: ChartSource, engine: HelmEngine, *, force: bool = False) -> CrdPull:
    """The CRDs of ``source`` in the cache: kept when a verified entry from the same chart is
    there (unless ``force``), else pulled, checked and stored."""
    status = "pulled"
    try:
        existing = read_entry(source.pin)
    except InputError:  # changed after its pull: replaced by a verified one
        existing, status = None, "replaced a changed cache entry"
    if existing is not None and not force and (existing.repository, existing.chart) == (
            source.repo_url, source.chart):
        return CrdPull(existing, "cached")
    repository = chart_repository(engine)
    try:
        index = repository.index(source.repo_url)
    except HelmError as exc:
        raise HelmError(f"{exc.message}; {source.fix}") from None
    version, digest = chart_entry(index, source)
    with tempfile.TemporaryDirectory(prefix="labgen-crds-") as tmp:
        archive = repository.pull(source.repo_url, source.chart, version, Path(tmp))
        check_digest(archive, digest, source, version)
        texts = rendered_with_crds(engine, archive, source.values, release=source.release,
                                   namespace=source.namespace)
    crds = crds_in(texts, f"{source.chart} {version}")
    meta = {"repository": source.repo_url, "chart": source.chart, "chartVersion": version,
            "chartDigest": f"sha256:{digest}"}
    return CrdPull(write_entry(source.pin, meta, crds), status)


def _semver(version: str) -> tuple[int, ...]:
    core = version.lstrip("v").split("-")[0].split("+")[0]
    return tuple(int(part) if part.isdigit() else -1 for part in core.split("."))


def chart_entry(index: Mapping[str, Any], source: ChartSource) -> tuple[str, str]:
    """``(chart version, sha256 hex)`` of the index entry ``source`` pins."""
    entries = (index.get("entries") or {}).get(source.chart) if isinstance(index, Mapping) else None
    if not isinstance(entries, list) or not entries:
        raise InputError(f"no chart {source.chart!r} in the Helm repository {source.repo_url}; "
                         f"{source.fix}")
    key = "appVersion" if source.by_app_version else "version"

    def same(value: object) -> bool:  # Argo CD's app versions are written with or without "v"
        if source.by_app_version:
            return str(value).lstrip("v") == source.pin.version.lstrip("v")
        return str(value) == source.pin.version

    matches = [e for e in entries if isinstance(e, Mapping) and same(e.get(key, ""))]
    if not matches:
        known = sorted({str(e.get(key)) for e in entries if isinstance(e, Mapping)},
                       key=_semver, reverse=True)
        shown = ", ".join(known[:5]) + (", ..." if len(known) > 5 else "")
        what = "app version" if source.by_app_version else "version"
        raise InputError(f"{source.chart} {what} {source.pin.version} is not in the Helm "
                         f"repository {source.repo_url} (newest there: {shown}); {source.fix}")
    best = max(matches, key=lambda e: _semver(str(e.get("version", ""))))
    digest = str(best.get("digest") or "").removeprefix("sha256:")
    if len(digest) != 64:
        raise InputError(f"the index of {source.repo_url} lists no sha256 digest for "
                         f"{source.chart} {best.get('version')}: labgen pulls only charts it can "
                         "check")
    return str(best["version"]), digest.lower()


def check_digest(archive: Path, digest: str, source: ChartSource, version: str) -> None:
    actual = hashlib.sha256(archive.read_bytes()).hexdigest()
    if actual != digest:
        raise InputError(f"{source.chart}-{version}.tgz from {source.repo_url} has sha256 "
                         f"{actual[:16]}..., not the {digest[:16]}... its index lists; nothing "
                         "was cached (a changed or corrupted download)")


def crds_in(texts: Mapping[str, str], what: str) -> list[dict[str, Any]]:
    """The CustomResourceDefinitions among rendered ``texts``, in order, each once."""
    crds: dict[str, dict[str, Any]] = {}
    for path, text in sorted(texts.items()):
        try:
            documents = safe_load_all(text)
        except YAMLError as exc:
            raise InputError(f"{what}: {path} does not render to YAML: "
                             f"{' '.join(str(exc).split())[:200]}") from None
        for doc in documents:
            if isinstance(doc, dict) and doc.get("kind") == _CRD:
                name = str((doc.get("metadata") or {}).get("name") or "")
                crds.setdefault(name, doc)
    if not crds:
        raise InputError(f"chart {what} carries no CustomResourceDefinitions (none in its "
                         "crds/ folder or rendered templates)")
    return list(crds.values())


def pull_all(sources: Sequence[ChartSource], engine: HelmEngine, *,
             force: bool = False) -> list[CrdPull]:
    """Each source pulled in turn; the first failure stops (entries stored before stay valid)."""
    return [pull(source, engine, force=force) for source in sources]
