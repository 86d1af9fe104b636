"""Fixtures of the e2e tests: real etcd + kube-apiserver processes, built from Go modules.

The binaries come from ``tests/e2e/build_tools.py`` (cached per digest of the
pins). Without them the e2e tests skip with one line, unless
``LABGEN_E2E=required`` (``.ci/run`` sets it after building), where a missing
binary fails the run.
"""

from __future__ import annotations

import time
import urllib.request
from collections.abc import Collection, Iterator
from pathlib import Path
from typing import Any

import pytest
from e2e_cluster import (
    ENVIRONMENTS,
    Cluster,
    Credentials,
    Process,
    StartClusters,
    each_cluster,
    free_ports,
    require_binary,
    start_etcd,
    start_ready,
    stop_all,
)
from e2e_plan import load_crds

from labgen.helm_engine import EmbeddedHelm
from labgen.render import RenderedEnvironment, render_environment


def _wait_etcd(url: str, process: Process, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.popen.poll() is not None:
            raise RuntimeError(f"etcd exited: {process.tail()}")
        try:
            with urllib.request.urlopen(f"{url}/health", timeout=2) as response:
                if b'"health":"true"' in response.read():
                    return
        except OSError:
            time.sleep(0.2)
    raise TimeoutError(f"etcd not healthy after {timeout:.0f} s: {process.tail()}")


@pytest.fixture(scope="session")
def e2e_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("e2e")


# The servers live as long as the module that uses them (test_apiserver.py), not the
# session: idle, six API servers and etcd still take CPU from the tests that follow.
@pytest.fixture(scope="module")
def etcd_url(e2e_folder: Path) -> Iterator[str]:
    binary = require_binary("etcd")
    process, url = start_etcd(binary, e2e_folder)
    try:
        _wait_etcd(url, process)
        yield url
    finally:
        process.stop()


@pytest.fixture(scope="session")
def argocd_crds(shared_dir: Path) -> list[dict[str, Any]]:
    return load_crds(shared_dir / "crds" / "argocd")


@pytest.fixture(scope="session")
def istio_crds(shared_dir: Path) -> list[dict[str, Any]]:
    return load_crds(shared_dir / "crds" / "istio")


@pytest.fixture(scope="module")
def start_clusters(etcd_url: str, e2e_folder: Path,
                   argocd_crds: list[dict[str, Any]]) -> Iterator[StartClusters]:
    """Start API servers (one per name, all at once); Argo CD's CRDs and namespace are
    installed in each but those named in ``without_argocd``."""
    binary = require_binary("kube-apiserver")
    creds = Credentials.create(e2e_folder / "pki")
    running: list[Cluster] = []

    def start(names: list[str], without_argocd: Collection[str] = ()) -> dict[str, Cluster]:
        ports = free_ports(len(names))

        def launch(item: tuple[str, int]) -> Cluster:
            name, port = item
            cluster = start_ready(binary, name, etcd_url, creds, e2e_folder, port, running)
            cluster.ready_after = time.monotonic() - cluster.started
            if cluster.name not in without_argocd:
                install_argocd(cluster, argocd_crds)
            return cluster

        clusters = each_cluster(launch, list(zip(names, ports, strict=True)))
        return {cluster.name: cluster for cluster in clusters}

    try:
        yield start
    finally:
        for cluster in running:
            cluster.api.close()
        stop_all([cluster.process for cluster in running])


def install_argocd(cluster: Cluster, crds: list[dict[str, Any]]) -> None:
    """What installing Argo CD leaves that the lab's objects need: its CRDs and namespace."""
    for crd in crds:
        cluster.api.apply(crd, field_manager="argocd-install")
    cluster.api.wait_established([crd["metadata"]["name"] for crd in crds])
    cluster.api.apply({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "argocd"}},
                      field_manager="argocd-install")


@pytest.fixture(scope="session")
def rendered_envs(project_root: Path) -> dict[str, RenderedEnvironment]:
    """Every environment rendered in memory from the checkout (nothing written)."""
    engine = EmbeddedHelm()
    return {name: render_environment(project_root, name, engine) for name in ENVIRONMENTS}
