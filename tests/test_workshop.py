"""Workshop mode: one lab per participant cluster (an ApplicationSet of app-of-apps), through
real Helm."""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

import yaml_docs
from labgen.helm_engine import EmbeddedHelm
from labgen.manifests import Document
from labgen.render import RenderedEnvironment, render_environment
from labgen.workspace import Workspace

if TYPE_CHECKING:
    from conftest import CrdErrors, Invoke

PARTS = ("istio-base", "istiod", "istio-ingressgateway", "olympic-lab")
APPSET = "olympic-lab-parts"


def _clusters_yaml(count: int, *, extra: Mapping[int, str] | None = None) -> str:
    lines = ["clusters:", "  items:"]
    for i in range(1, count + 1):
        lines += [f"    - name: team-{i:02d}", f"      server: https://203.0.113.{10 + i}:6443"]
        if extra and i in extra:
            lines.append(extra[i])
    return "\n".join(lines) + "\n"


def _write_env(lab: Path, name: str, count: int, *, extra: Mapping[int, str] | None = None,
               head: str = "extends: oke\n") -> None:
    (lab / "environments" / f"{name}.yaml").write_text(head + _clusters_yaml(count, extra=extra))


def _files(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): p.read_text() for p in sorted(folder.rglob("*"))
            if p.is_file()}


@pytest.fixture(scope="session")
def workshop(project_root: Path, engine: EmbeddedHelm) -> RenderedEnvironment:
    """The shipped environments/workshop.yaml, rendered and validated."""
    rendered, _warnings = Workspace(project_root, engine=engine).validated("workshop")
    return rendered


def _appsets(rendered: RenderedEnvironment) -> dict[str, Mapping[str, Any]]:
    return {doc.name: doc.body for doc in rendered.argocd if doc.kind == "ApplicationSet"}


def _parts(rendered: RenderedEnvironment, name: str) -> dict[str, Mapping[str, Any]]:
    """Participant ``name``'s part Applications by part, from its folder of the tree."""
    folder = f"gitops/workshop/clusters/{name}/apps/"
    return {doc.name.removeprefix(f"{name}-"): doc.body for doc in rendered.argocd
            if doc.kind == "Application" and doc.file.startswith(folder)}


def _by_key(docs: list[Document], kind: str, name: str) -> Mapping[str, Any]:
    found = [doc.body for doc in docs if doc.kind == kind and doc.name == name]
    assert len(found) == 1, f"{kind}/{name}: {len(found)} found"
    return found[0]


@pytest.mark.parametrize("count", [1, 2, 30])
def test_render_n_clusters(lab: Path, run: Invoke, count: int) -> None:
    _write_env(lab, "ws", count)
    result = run("render", "--env", "ws", "--root", str(lab))
    assert result.exit_code == 0, result.stderr
    files = _files(lab / "gitops" / "ws")
    names = [f"team-{i:02d}" for i in range(1, count + 1)]
    assert {f"apps/{APPSET}.yaml", "project.yaml", "bootstrap-project.yaml", "root.yaml",
            "README.md", ".labgen-owned"} | {f"clusters/{n}/values.yaml" for n in names} \
        | {f"clusters/{n}/apps/{part}.yaml" for n in names for part in PARTS} == set(files)
    appset = yaml_docs.load(files[f"apps/{APPSET}.yaml"])
    assert appset["kind"] == "ApplicationSet"
    elements = appset["spec"]["generators"][0]["list"]["elements"]
    assert [e["name"] for e in elements] == names
    assert appset["spec"]["template"]["metadata"]["name"] == f"{{{{.name}}}}-{APPSET}"
    for n in names:
        for part in PARTS:
            app = yaml_docs.load(files[f"clusters/{n}/apps/{part}.yaml"])
            assert (app["kind"], app["metadata"]["name"]) == ("Application", f"{n}-{part}")
    readme = files["README.md"]
    for name in names:
        assert re.search(rf"^\| {name} \| https://203\.0\.113\.\d+:6443 \| `http://<node-ip>:30300/` ",
                         readme, re.MULTILINE), name


def test_tree_grows_only_by_participant_folders(lab: Path, run: Invoke) -> None:
    _write_env(lab, "two", 2)
    _write_env(lab, "thirty", 30)
    assert run("render", "--env", "two", "--env", "thirty", "--root", str(lab)).exit_code == 0
    two, thirty = _files(lab / "gitops" / "two"), _files(lab / "gitops" / "thirty")
    extra = set(thirty) - set(two)
    assert extra == {f"clusters/team-{i:02d}/{rel}" for i in range(3, 31)
                     for rel in ["values.yaml", *(f"apps/{part}.yaml" for part in PARTS)]}
    assert set(two) <= set(thirty)
    assert len(thirty["README.md"].splitlines()) - len(two["README.md"].splitlines()) == 28


def test_shipped_workshop_has_thirty_clusters(workshop: RenderedEnvironment) -> None:
    assert sorted(workshop.participants) == [f"team-{i:02d}" for i in range(1, 31)]
    assert len(workshop.manifests) == sum(len(docs) for docs in workshop.participants.values())
    for name, docs in workshop.participants.items():
        assert docs, name
        assert all(doc.file.startswith(f"clusters/{name}/charts/olympic-lab/") for doc in docs)


def test_override_reaches_only_its_cluster(workshop: RenderedEnvironment) -> None:
    tree = workshop.tree
    values = {name: yaml_docs.load(tree[f"gitops/workshop/clusters/{name}/values.yaml"])
              for name in ("team-01", "team-02", "team-03")}
    assert values["team-02"]["global"]["expose"]["nodePorts"]["grafana"] == 31300
    assert values["team-02"]["traffic"]["scenario"] == "all-v3"
    assert values["team-01"]["global"]["expose"]["nodePorts"]["grafana"] == 30300
    assert values["team-01"]["traffic"]["scenario"] == "canary"
    assert values["team-03"]["olympic-apps"]["frontend"]["replicas"] == 1
    assert values["team-01"]["olympic-apps"]["frontend"]["replicas"] == 2
    # ... and in what Helm renders for each cluster.
    ports = {name: [p.get("nodePort") for p in _by_key(workshop.participants[name], "Service",
                                                       "grafana")["spec"]["ports"]]
             for name in ("team-01", "team-02", "team-04")}
    assert ports == {"team-01": [30300], "team-02": [31300], "team-04": [30300]}
    routes = {}
    for name in ("team-01", "team-02"):
        vs = _by_key(workshop.participants[name], "VirtualService", "backend-app")
        routes[name] = {r["destination"]["subset"]: r.get("weight", 100)
                        for r in vs["spec"]["http"][-1]["route"]}
    assert routes["team-01"] == {"v1": 80, "v2": 15, "v3": 5}
    assert routes["team-02"] == {"v3": 100}
    frontend = {name: _by_key(workshop.participants[name], "Deployment", "frontend-app")["spec"]["replicas"]
                for name in ("team-01", "team-03")}
    assert frontend == {"team-01": 2, "team-03": 1}


def test_readme_lists_overridden_node_port(workshop: RenderedEnvironment) -> None:
    readme = workshop.tree["gitops/workshop/README.md"]
    assert "| team-02 | https://203.0.113.12:6443 | `http://<node-ip>:31300/` |" in readme
    assert "| team-01 | https://203.0.113.11:6443 | `http://<node-ip>:30300/` |" in readme


def test_applicationset_validates_against_the_upstream_crd(
        workshop: RenderedEnvironment, upstream_crd_errors: CrdErrors) -> None:
    appsets = _appsets(workshop)
    assert sorted(appsets) == [APPSET]
    body = appsets[APPSET]
    assert upstream_crd_errors(dict(body)) == []
    assert body["spec"]["goTemplate"] is True
    assert body["spec"]["goTemplateOptions"] == ["missingkey=error"]
    # The strict schema does reject what the CRD does not know.
    broken = copy.deepcopy(dict(body))
    broken["spec"]["template"]["spec"]["syncPolicy"]["automatic"] = {"prune": True}
    assert any("automatic" in error for error in upstream_crd_errors(broken))


def test_participant_parts_match_the_single_cluster_applications(
        workshop: RenderedEnvironment, project_root: Path, engine: EmbeddedHelm) -> None:
    single = render_environment(project_root, "oke", engine)
    apps = {doc.name: doc.body for doc in single.argocd if doc.kind == "Application"}
    for index, name in enumerate(sorted(workshop.participants), start=1):
        parts = _parts(workshop, name)
        assert sorted(parts) == sorted(PARTS), name
        for part, body in parts.items():
            app = apps[part]
            assert body["spec"]["syncPolicy"] == app["spec"]["syncPolicy"], part
            assert body["spec"].get("ignoreDifferences") == app["spec"].get("ignoreDifferences")
            assert body["spec"]["project"] == app["spec"]["project"]
            assert body["spec"]["destination"] == {
                "server": f"https://203.0.113.{10 + index}:6443",
                "namespace": app["spec"]["destination"]["namespace"]}
            assert body["metadata"]["annotations"] == app["metadata"]["annotations"], part
            # Never cascades: neither the parts nor the generated parents carry the finalizer.
            assert "finalizers" not in body["metadata"] and "finalizers" in app["metadata"]
    appset = _appsets(workshop)[APPSET]
    assert appset["spec"]["syncPolicy"] == {"preserveResourcesOnDeletion": True}
    assert "finalizers" not in appset["spec"]["template"]["metadata"]


def test_umbrella_value_file_resolves_for_every_cluster(workshop: RenderedEnvironment,
                                                        project_root: Path) -> None:
    for name in workshop.participants:
        source = _parts(workshop, name)["olympic-lab"]["spec"]["source"]
        chart_dir = project_root / source["path"]
        assert (chart_dir / "Chart.yaml").is_file()
        for value_file in source["helm"]["valueFiles"]:
            rel = (chart_dir / value_file).resolve().relative_to(project_root.resolve()).as_posix()
            assert rel == f"gitops/workshop/clusters/{name}/values.yaml"
            assert rel in workshop.tree, rel


def test_project_allows_exactly_the_participant_destinations(workshop: RenderedEnvironment) -> None:
    project = _by_key(workshop.argocd, "AppProject", "olympic-lab")
    destinations = {(d.get("server") or d.get("name"), d["namespace"])
                    for d in project["spec"]["destinations"]}
    expected = {(f"https://203.0.113.{10 + i}:6443", ns) for i in range(1, 31)
                for ns in ("istio-system", "olympic")}
    assert destinations == expected
    assert not any("*" in str(d) for d in project["spec"]["destinations"])
    kinds = {(k["group"], k["kind"]) for k in project["spec"]["namespaceResourceWhitelist"]}
    assert not {group for group, _kind in kinds} & {"argoproj.io"}
    # The ApplicationSet (and the app-of-apps it generates) belong to the bootstrap project,
    # in Argo CD's namespace only.
    bootstrap = _by_key(workshop.argocd, "AppProject", "olympic-lab-bootstrap")
    assert bootstrap["spec"]["destinations"] == [
        {"server": "https://kubernetes.default.svc", "namespace": "argocd"}]
    assert {(k["group"], k["kind"]) for k in bootstrap["spec"]["namespaceResourceWhitelist"]} == {
        ("argoproj.io", "Application"), ("argoproj.io", "AppProject"),
        ("argoproj.io", "ApplicationSet")}
    assert bootstrap["spec"]["clusterResourceWhitelist"] == []
    root = _by_key(workshop.argocd, "Application", "olympic-lab-root")
    assert root["spec"]["project"] == "olympic-lab-bootstrap"


def test_cluster_labels_generator(lab: Path, run: Invoke, upstream_crd_errors: CrdErrors) -> None:
    (lab / "environments" / "labels.yaml").write_text(
        "extends: kind\nclusters:\n  generator: clusterLabels\n  selector: {workshop: oke}\n"
        "  items:\n    - name: team-a\n    - name: team-b\n")
    assert run("render", "--env", "labels", "--root", str(lab)).exit_code == 0
    tree = lab / "gitops" / "labels"
    appset = yaml_docs.load((tree / "apps" / f"{APPSET}.yaml").read_text())
    assert appset["spec"]["generators"] == [{"clusters": {"selector": {"matchLabels": {"workshop": "oke"}}}}]
    assert appset["spec"]["template"]["spec"]["source"]["path"] == \
        "gitops/labels/clusters/{{.name}}/apps"
    assert upstream_crd_errors(appset) == []
    for name in ("team-a", "team-b"):
        part = yaml_docs.load((tree / "clusters" / name / "apps" / "olympic-lab.yaml").read_text())
        assert part["spec"]["destination"] == {"name": name, "namespace": "olympic"}
        assert upstream_crd_errors(part) == []
    project = yaml_docs.load((tree / "project.yaml").read_text())
    names = {d.get("name") for d in project["spec"]["destinations"]} - {None}
    assert names == {"team-a", "team-b"}
    assert {p.name for p in (tree / "clusters").iterdir()} == {"team-a", "team-b"}


def test_cluster_names_instead_of_servers(lab: Path, run: Invoke) -> None:
    (lab / "environments" / "named.yaml").write_text(
        "extends: kind\nclusters:\n  items:\n    - name: team-a\n      clusterName: oke-a\n"
        "    - name: team-b\n      clusterName: oke-b\n")
    assert run("render", "--env", "named", "--root", str(lab)).exit_code == 0
    tree = lab / "gitops" / "named"
    appset = yaml_docs.load((tree / "apps" / f"{APPSET}.yaml").read_text())
    assert appset["spec"]["generators"][0]["list"]["elements"] == [
        {"name": "team-a"}, {"name": "team-b"}]
    for name, cluster in (("team-a", "oke-a"), ("team-b", "oke-b")):
        part = yaml_docs.load((tree / "clusters" / name / "apps" / "istiod.yaml").read_text())
        assert part["spec"]["destination"] == {"name": cluster, "namespace": "istio-system"}


def test_bad_cluster_writes_nothing_even_after_a_good_render(lab: Path, run: Invoke) -> None:
    _write_env(lab, "ws", 2)
    assert run("render", "--env", "ws", "--root", str(lab)).exit_code == 0
    before = _files(lab / "gitops" / "ws")
    _write_env(lab, "ws", 2, extra={2: "      overrides:\n        apps: {replicas: -1}"})
    result = run("render", "--env", "ws", "--root", str(lab))
    assert result.exit_code == 2
    assert result.stderr == ("error: environments/ws.yaml:9: clusters.items[1].overrides.apps."
                             "replicas: -1 is outside 0..50\n")
    assert _files(lab / "gitops" / "ws") == before
