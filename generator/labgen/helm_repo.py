"""Helm chart repositories through real Helm: read an index, pull a chart, list its CRDs.

The engine that renders (:mod:`labgen.helm_engine`) does this too: the embedded Helm SDK
(``helm_python.repo_index``, ``pull``, ``Chart.crds``) or the ``helm`` binary (``helm repo
add`` into a private, temporary Helm home, ``helm pull --repo``, ``helm template
--include-crds``). Nothing here checks digests: :mod:`labgen.crd_pull` does, against the
index it read here.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Protocol

from .errors import HelmError
from .helm_engine import CliHelm, HelmEngine
from .helm_sdk import one_line
from .yaml_io import YAMLError, safe_load

_REPO_NAME = "labgen-crds"


class ChartRepository(Protocol):
    def index(self, url: str) -> Mapping[str, Any]:
        """The repository's parsed ``index.yaml``; HelmError when it cannot be read."""
        ...  # pragma: no cover

    def pull(self, url: str, chart: str, version: str, destination: Path) -> Path:
        """Download ``chart`` ``version`` into ``destination``; the archive's path."""
        ...  # pragma: no cover


def _unreadable(url: str, why: str) -> HelmError:
    return HelmError(f"cannot read the Helm repository {url}: {why}")


class EmbeddedRepository:
    """The embedded Helm SDK's repository client."""

    def __init__(self) -> None:
        import helm_python  # deferred: loads Helm's shared library

        self._helm = helm_python

    def index(self, url: str) -> Mapping[str, Any]:
        try:
            index: Mapping[str, Any] = self._helm.repo_index(url)
        except self._helm.HelmError as exc:
            raise _unreadable(url, one_line(exc)) from None
        return index

    def pull(self, url: str, chart: str, version: str, destination: Path) -> Path:
        try:
            self._helm.pull(chart, repo_url=url, version=version, destination=str(destination))
        except self._helm.HelmError as exc:
            raise HelmError(f"helm could not pull {chart} {version} from {url}: "
                            f"{one_line(exc)}") from None
        return _archive_in(destination, chart, version)

    def crd_files(self, archive: Path) -> dict[str, str]:
        """The chart's ``crds/`` files (and its subcharts'), which rendering leaves out."""
        try:
            chart = self._helm.Chart.load(str(archive))
        except self._helm.HelmError as exc:
            raise HelmError(f"helm could not load chart {archive.name}: {one_line(exc)}") from None
        try:
            return {str(item["filename"]): str(item["data"]) for item in chart.crds}
        finally:
            chart.close()


class CliRepository:
    """The ``helm`` binary, with a Helm home of its own for each call (yours is untouched)."""

    def __init__(self, helm: CliHelm) -> None:
        self.helm = helm

    def _helm(self, args: list[str], home: str) -> str:
        env = {**os.environ, "HELM_CACHE_HOME": f"{home}/cache", "HELM_CONFIG_HOME": f"{home}/config",
               "HELM_DATA_HOME": f"{home}/data"}
        result = self.helm._run([self.helm.binary, *args], env)
        if result.returncode != 0:
            raise HelmError(one_line(Exception(result.stderr)) or f"exit code {result.returncode}")
        return result.stdout

    def index(self, url: str) -> Mapping[str, Any]:
        with tempfile.TemporaryDirectory(prefix="labgen-helm-") as home:
            try:
                self._helm(["repo", "add", _REPO_NAME, url], home)
            except HelmError as exc:
                raise _unreadable(url, exc.message) from None
            path = Path(home, "cache", "repository", f"{_REPO_NAME}-index.yaml")
            try:
                index = safe_load(path.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError, YAMLError) as exc:
                raise _unreadable(url, f"index.yaml: {one_line(exc)}") from None
        if not isinstance(index, Mapping):
            raise _unreadable(url, "index.yaml is not a mapping")
        return index

    def pull(self, url: str, chart: str, version: str, destination: Path) -> Path:
        with tempfile.TemporaryDirectory(prefix="labgen-helm-") as home:
            try:
                self._helm(["pull", chart, "--repo", url, "--version", version,
                            "--destination", str(destination)], home)
            except HelmError as exc:
                raise HelmError(f"helm could not pull {chart} {version} from {url}: "
                                f"{exc.message}") from None
        return _archive_in(destination, chart, version)


def _archive_in(destination: Path, chart: str, version: str) -> Path:
    archive = destination / f"{chart}-{version}.tgz"
    if archive.is_file():
        return archive
    found = sorted(destination.glob("*.tgz"))
    if len(found) != 1:
        raise HelmError(f"helm pulled no archive of {chart} {version}")
    return found[0]


def chart_repository(engine: HelmEngine) -> ChartRepository:
    """The repository client of ``engine``'s Helm."""
    return CliRepository(engine) if isinstance(engine, CliHelm) else EmbeddedRepository()


def rendered_with_crds(engine: HelmEngine, archive: Path, values: Mapping[str, Any], *,
                       release: str, namespace: str) -> dict[str, str]:
    """``{source path: text}`` of the chart's templates rendered with ``values`` plus its
    ``crds/`` files (the CLI's ``--include-crds`` brings those; the SDK lists them)."""
    rendered = engine.render(archive, values, release=release, namespace=namespace)
    if not isinstance(engine, CliHelm):
        rendered.update(EmbeddedRepository().crd_files(archive))
    return rendered
