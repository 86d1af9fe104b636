"""Tier 1: every environment applied to a real kube-apiserver as Argo CD would sync it.

Each cluster of each environment gets its own API server (see e2e_plan for what
a cluster receives); the tests that apply more on top use oke's and sync it back.
The API server does the checking: strict field validation, defaulting, the CRDs'
schemas and CEL rules, immutable fields on re-apply.
"""

from __future__ import annotations

import contextlib
import copy
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from argo_sync import (
    AppSync,
    SyncReport,
    planned_keys,
    stored_objects,
    sync_all,
    sync_app,
)
from e2e_cluster import (
    ENVIRONMENTS,
    PORT_TAKEN,
    Cluster,
    Credentials,
    StartClusters,
    each_cluster,
    require_binary,
    start_apiserver,
    start_ready,
    stop_all,
    wait_started,
)
from e2e_plan import UMBRELLA, ClusterPlan, plan_environment, project_refusals
from kube_api import ApiError, KubeApi

from labgen.helm_engine import EmbeddedHelm
from labgen.render import RenderedEnvironment, render_environment


@dataclass
class Synced:
    plan: ClusterPlan
    cluster: Cluster
    report: SyncReport


@pytest.fixture(scope="module")
def synced_all(rendered_envs: dict[str, RenderedEnvironment], start_clusters: StartClusters,
               istio_crds: list[dict[str, Any]]) -> dict[str, list[Synced]]:
    """Every environment synced into fresh clusters, one report per cluster: all the API
    servers started at once and each cluster synced in a thread of its own (the servers
    do the work; one after another, most of the time went to waiting for them)."""
    plans = [(name, plan) for name in ENVIRONMENTS
             for plan in plan_environment(name, rendered_envs[name], istio_crds)]
    names = [f"{name}-{i}" for i, (name, _plan) in enumerate(plans)]
    clusters = start_clusters(names, [cluster for cluster, (_name, plan) in
                                      zip(names, plans, strict=True) if not plan.runs_argocd])

    def sync(pair: tuple[ClusterPlan, Cluster]) -> Synced:
        plan, cluster = pair
        start = time.monotonic()
        report = sync_all(cluster.api, plan.syncs)
        counts = ", ".join(f"{sync.name} {len(sync.documents)}" for sync in plan.syncs)
        print(f"\n{plan.name}: {len(report.applied)} objects applied ({counts}); "
              f"not synced: {', '.join(plan.unsynced) or '-'}; "
              f"API server ready {cluster.ready_after:.1f} s, sync {time.monotonic() - start:.1f} s")
        return Synced(plan, cluster, report)

    results = each_cluster(sync, [(plan, clusters[cluster])
                                  for cluster, (_name, plan) in zip(names, plans, strict=True)])
    out: dict[str, list[Synced]] = {name: [] for name in ENVIRONMENTS}
    for (name, _plan), item in zip(plans, results, strict=True):
        out[name].append(item)
    return out


@pytest.fixture(scope="module", params=ENVIRONMENTS)
def synced(request: pytest.FixtureRequest, synced_all: dict[str, list[Synced]]) -> list[Synced]:
    """Environment ``param`` synced into fresh clusters, one report per cluster."""
    return synced_all[request.param]


def test_a_client_is_answered_by_its_own_server_alone(synced_all: dict[str, list[Synced]],
                                                      e2e_folder: Path) -> None:
    """Each API server has a token of its own, so a client whose server never bound its
    port is refused by whichever server did, never served. (Once here two servers picked
    the same port; oke's failed to bind and oke synced into kind's cluster.)"""
    oke, kind = synced_all["oke"][0].cluster, synced_all["kind"][0].cluster
    token = (e2e_folder / oke.name / "tokens.csv").read_text().split(",")[0]
    ca = str(e2e_folder / "pki" / "ca.crt")
    with closing(KubeApi(kind.api.url, token, ca)) as stranger, \
            closing(KubeApi(oke.api.url, token, ca)) as own:
        with pytest.raises(ApiError) as refused:
            stranger.get("/readyz")
        assert refused.value.status == 401
        assert own.get("/readyz") == "ok"


def test_a_server_whose_port_was_taken_starts_again_on_another(etcd_url: str,
                                                                e2e_folder: Path) -> None:
    """What ``start_clusters`` does when a port it picked is taken before the server binds
    it: the process exits, the wait says so at once with the server's own words (not
    after the readiness timeout), and the server starts again on another port."""
    def hang_up(listener: socket.socket) -> None:  # whoever holds the port answers fast
        with contextlib.suppress(OSError):  # the listener closed: the test is over
            while True:
                listener.accept()[0].close()

    binary, creds = require_binary("kube-apiserver"), Credentials.create(e2e_folder / "pki-taken")
    started: list[Cluster] = []
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        answering = threading.Thread(target=hang_up, args=(taken,), daemon=True)
        answering.start()
        port = taken.getsockname()[1]
        try:
            refused = start_apiserver(binary, "taken", etcd_url, creds, e2e_folder, port)
            started.append(refused)
            begun = time.monotonic()
            with pytest.raises(RuntimeError, match=PORT_TAKEN):
                wait_started(refused, timeout=120)
            assert time.monotonic() - begun < 30
            cluster = start_ready(binary, "taken", etcd_url, creds, e2e_folder, port, started)
            assert len(started) == 3 and not cluster.api.url.endswith(f":{port}")
            assert cluster.api.get("/readyz") == "ok"
        finally:
            taken.shutdown(socket.SHUT_RDWR)  # wakes the accept() of the thread, which ends
            answering.join(timeout=10)
            for server in started:
                server.api.close()
            stop_all([server.process for server in started])
    assert not answering.is_alive()


def test_every_document_is_accepted(synced: list[Synced]) -> None:
    for item in synced:
        assert item.report.rejections == [], f"{item.plan.name}:\n" + "\n".join(item.report.rejections)
        # Every planned document became an object, and so did each CreateNamespace.
        assert set(item.report.applied) == planned_keys(item.cluster.api, item.plan.syncs)
        assert item.plan.document_count() > 0


def test_second_sync_changes_nothing(synced: list[Synced]) -> None:
    """Re-syncing the same documents leaves every object as it was (generation included).

    Compared on content: a no-op server-side apply of a PersistentVolumeClaim gets a
    new resourceVersion from kube-apiserver 1.34 although nothing in it changes;
    those objects are listed, not failed.
    """
    def sync_again(item: Synced) -> None:
        api = item.cluster.api
        before, versions = stored_objects(api, item.report.applied)
        again = sync_all(api, item.plan.syncs)
        assert again.rejections == []
        assert set(again.applied) == set(before)
        after, _versions = stored_objects(api, before)
        changed = sorted(key for key in before if after[key] != before[key])
        assert changed == [], f"{item.plan.name}: a repeated apply changed " + ", ".join(changed)
        bumped = sorted(key for key, version in versions.items() if again.applied[key] != version)
        print(f"\n{item.plan.name}: unchanged {len(before)} objects; new resourceVersion "
              f"without a change: {', '.join(bumped) or 'none'}")
        assert all("/persistentvolumeclaims/" in key for key in bumped), bumped

    each_cluster(sync_again, synced)


def test_every_applied_kind_is_admitted_by_the_project(synced: list[Synced]) -> None:
    for item in synced:
        assert item.report.kinds, item.plan.name
        assert project_refusals(item.plan, item.report.kinds) == [], item.plan.name


def test_namespaces_carry_the_managed_metadata(synced: list[Synced]) -> None:
    for item in synced:
        for sync in item.plan.syncs:
            if not sync.option("CreateNamespace") or not sync.namespace:
                continue
            namespace = item.cluster.api.get(f"/api/v1/namespaces/{sync.namespace}")
            labels = namespace["metadata"].get("labels") or {}
            for key, value in (sync.namespace_metadata.get("labels") or {}).items():
                assert labels.get(key) == value, (item.plan.name, sync.namespace, key)


def _umbrella(plan: ClusterPlan) -> AppSync:
    return next(sync for sync in plan.syncs if sync.name.endswith(UMBRELLA))


def _weights(cluster: Cluster) -> dict[str, int]:
    service = cluster.api.get("/apis/networking.istio.io/v1/namespaces/olympic/virtualservices/backend-app")
    routes = service["spec"]["http"][-1]["route"]
    return {route["destination"]["subset"]: int(route.get("weight", 0)) for route in routes}


@pytest.fixture
def scratch(synced_all: dict[str, list[Synced]]) -> Iterator[tuple[ClusterPlan, Cluster]]:
    """oke's cluster, for a test that applies more of the umbrella chart on top; that
    Application is synced back to oke's tree after it, so the tests that read the cluster
    find it as synced, whatever their order."""
    (item,) = synced_all["oke"]
    yield item.plan, item.cluster
    report = SyncReport()  # what these tests apply are the umbrella chart's documents
    sync_app(item.cluster.api, _umbrella(item.plan), report)
    assert report.rejections == []
    assert _weights(item.cluster) == {"v1": 80, "v2": 15, "v3": 5}


def test_scenario_steps_apply_in_turn(scratch: tuple[ClusterPlan, Cluster], project_root: Path,
                                      tmp_path: Path, run: Any) -> None:
    """canary -> the next step -> rollback, each re-rendered and synced like a new commit."""
    plan, cluster = scratch
    assert _weights(cluster) == {"v1": 80, "v2": 15, "v3": 5}
    lab = tmp_path / "lab"
    for folder in ("environments", "charts", "gitops"):
        shutil.copytree(project_root / folder, lab / folder)
    engine = EmbeddedHelm()
    seen = []
    for command in ("promote", "rollback"):
        result = run("scenario", command, "--env", "oke", "--root", str(lab))
        assert result.exit_code == 0, result.output
        rendered = render_environment(lab, "oke", engine)
        sync = _umbrella(plan)
        step = AppSync(sync.name, sync.wave, sync.namespace, sync.sync_options,
                       sync.namespace_metadata, [doc.body for doc in rendered.manifests])
        report = SyncReport()
        sync_app(cluster.api, step, report)
        assert report.rejections == [], "\n".join(report.rejections)
        expected = {subset: weight for subset, weight in rendered.env.routes.weights if weight}
        assert {k: v for k, v in _weights(cluster).items() if v} == expected
        seen.append(expected)
    assert seen[0] == {"v1": 60, "v2": 30, "v3": 10}
    assert seen[1] == {"v1": 80, "v2": 15, "v3": 5}


def test_the_api_server_refuses_what_it_should(scratch: tuple[ClusterPlan, Cluster]) -> None:
    """The checks above can fail: an unknown field, a changed immutable selector and a
    VirtualService the Istio CRD's schema refuses are rejected; a kind outside the
    AppProject's whitelist is reported."""
    plan, cluster = scratch
    umbrella = _umbrella(plan)
    deployment = copy.deepcopy(next(d for d in umbrella.documents if d["kind"] == "Deployment"))
    service = copy.deepcopy(next(d for d in umbrella.documents if d["kind"] == "VirtualService"))
    unknown = copy.deepcopy(deployment)
    unknown["spec"]["replicaz"] = 2
    deployment["spec"]["selector"]["matchLabels"]["labgen-e2e"] = "changed"
    deployment["spec"]["template"]["metadata"]["labels"]["labgen-e2e"] = "changed"
    service["spec"]["http"][0]["route"][0]["weight"] = "eighty"
    for body, words in ((unknown, "replicaz"), (deployment, "immutable"), (service, "weight")):
        report = SyncReport()
        sync_app(cluster.api, AppSync(umbrella.name, 0, umbrella.namespace, umbrella.sync_options,
                                      {}, [body]), report)
        assert len(report.rejections) == 1 and words in report.rejections[0], report.rejections
    outside = {("olympic-lab", "", "Secret", "olympic"),
               ("olympic-lab", "storage.k8s.io", "StorageClass", ""),
               ("olympic-lab-bootstrap", "apps", "Deployment", "argocd")}
    assert len(project_refusals(plan, outside)) == 3
