"""Workshop sync order, read from the rendered tree as Argo CD would follow it: root app ->
ApplicationSet -> each participant's app-of-apps -> its parts, waves base < istiod < gateway
< lab, each aimed at the participant's cluster (issue 15, item 10)."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from fnmatch import fnmatchcase
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

import yaml_docs
from labgen.render import RenderedEnvironment
from labgen.workspace import Workspace

if TYPE_CHECKING:
    from conftest import Invoke

BASE = "gitops/workshop"
PARTS = ("istio-base", "istiod", "istio-ingressgateway", "olympic-lab")
CHARTS = ("base", "istiod", "gateway")
WAVE = "argocd.argoproj.io/sync-wave"
PROJECT = "olympic-lab"
BOOTSTRAP = "olympic-lab-bootstrap"


@pytest.fixture(scope="module")
def rendered(project_root: Path, engine: Any) -> RenderedEnvironment:
    return Workspace(project_root, engine=engine).rendered("workshop")


@pytest.fixture(scope="module")
def servers(project_root: Path) -> dict[str, str]:
    """Participant -> API server, as environments/workshop.yaml lists them."""
    data = yaml_docs.load((project_root / "environments/workshop.yaml").read_text())
    return {item["name"]: item["server"] for item in data["clusters"]["items"]}


def _synced(tree: Mapping[str, str], source: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The documents an Application's directory source applies: files under ``path`` matched
    by ``include`` (``{a,b}`` alternatives; ``*`` within one folder), recursing only if told."""
    folder = source["path"] + "/"
    directory = source.get("directory", {})
    include = directory.get("include", "*")
    patterns = include.strip("{}").split(",")
    docs = []
    for path, text in sorted(tree.items()):
        rel = path.removeprefix(folder)
        if not path.startswith(folder) or ("/" in rel and not directory.get("recurse")):
            continue
        if any(len(p.split("/")) == len(rel.split("/")) and fnmatchcase(rel, p) for p in patterns):
            docs += [doc for doc in yaml_docs.load_all(text) if doc]
    return docs


def _generate(appset: Mapping[str, Any], element: Mapping[str, str]) -> dict[str, Any]:
    """The Application the ApplicationSet generates for one list element (labgen only uses
    ``{{.key}}`` parameters; anything else would be left and fail the checks below)."""
    def fill(value: Any) -> Any:
        if isinstance(value, str):
            return re.sub(r"\{\{\.(\w+)\}\}", lambda m: element[m.group(1)], value)
        if isinstance(value, dict):
            return {k: fill(v) for k, v in value.items()}
        if isinstance(value, list):
            return [fill(v) for v in value]
        return value
    template = appset["spec"]["template"]
    return {"apiVersion": appset["apiVersion"], "kind": "Application", **fill(dict(template))}


def _chain(rendered: RenderedEnvironment) -> tuple[dict[str, Any], dict[str, dict[str, Any]],
                                                  dict[str, list[dict[str, Any]]]]:
    """(ApplicationSet, {participant: its app-of-apps}, {participant: its parts}), each level
    found only by following the level above it."""
    tree = rendered.tree
    root = yaml_docs.load(tree[f"{BASE}/root.yaml"])
    [appset] = [d for d in _synced(tree, root["spec"]["source"]) if d["kind"] == "ApplicationSet"]
    elements = appset["spec"]["generators"][0]["list"]["elements"]
    parents = {e["name"]: _generate(appset, e) for e in elements}
    parts = {name: _synced(tree, parent["spec"]["source"]) for name, parent in parents.items()}
    return appset, parents, parts


def test_root_syncs_the_project_and_one_applicationset_only(rendered: RenderedEnvironment) -> None:
    root = yaml_docs.load(rendered.tree[f"{BASE}/root.yaml"])
    assert root["spec"]["project"] == BOOTSTRAP
    synced = [(d["kind"], d["metadata"]["name"], d["metadata"]["annotations"][WAVE])
              for d in _synced(rendered.tree, root["spec"]["source"])]
    assert sorted(synced) == [("AppProject", PROJECT, "-1"),
                              ("ApplicationSet", "olympic-lab-parts", "0")]


def test_each_participant_syncs_base_istiod_gateway_lab_in_order(
        rendered: RenderedEnvironment, servers: dict[str, str]) -> None:
    appset, parents, parts = _chain(rendered)
    assert appset["spec"]["syncPolicy"] == {"preserveResourcesOnDeletion": True}
    assert sorted(parents) == sorted(servers) and len(parents) == 30
    for name, parent in parents.items():
        assert parent["metadata"]["name"] == f"{name}-olympic-lab-parts"
        assert parent["spec"]["project"] == BOOTSTRAP
        assert parent["spec"]["destination"] == {"server": "https://kubernetes.default.svc",
                                                 "namespace": "argocd"}
        assert parent["spec"]["source"]["path"] == f"{BASE}/clusters/{name}/apps"
        ordered = sorted(parts[name], key=lambda app: int(app["metadata"]["annotations"][WAVE]))
        waves = [int(app["metadata"]["annotations"][WAVE]) for app in ordered]
        assert waves == [0, 1, 2, 3], name  # strictly increasing: one part per wave
        assert [app["metadata"]["name"] for app in ordered] == [f"{name}-{p}" for p in PARTS]
        assert [app["spec"]["source"].get("chart") for app in ordered[:3]] == list(CHARTS)
        assert ordered[3]["spec"]["source"]["path"] == "charts/olympic-lab"
        for app in ordered:
            assert app["kind"] == "Application"
            assert app["metadata"]["namespace"] == "argocd"
            assert app["spec"]["project"] == PROJECT
            assert app["spec"]["destination"]["server"] == servers[name], app["metadata"]["name"]
            assert "name" not in app["spec"]["destination"]


def test_projects_admit_each_level_and_the_lab_project_no_argo_kinds(
        rendered: RenderedEnvironment) -> None:
    projects = {d.name: d.body for d in rendered.argocd if d.kind == "AppProject"}
    bootstrap, lab = projects[BOOTSTRAP]["spec"], projects[PROJECT]["spec"]
    kinds = {(k["group"], k["kind"]) for k in bootstrap["namespaceResourceWhitelist"]}
    assert {("argoproj.io", "ApplicationSet"), ("argoproj.io", "Application")} <= kinds
    _appset, parents, parts = _chain(rendered)
    for name, parent in parents.items():
        assert parent["spec"]["source"]["repoURL"] in bootstrap["sourceRepos"]
        assert parent["spec"]["destination"] in bootstrap["destinations"]
        for app in parts[name]:
            assert app["spec"]["source"]["repoURL"] in lab["sourceRepos"]
            assert app["spec"]["destination"] in lab["destinations"], app["metadata"]["name"]
    lab_groups = {k["group"] for k in lab["namespaceResourceWhitelist"] + lab["clusterResourceWhitelist"]}
    assert "argoproj.io" not in lab_groups
    assert not any(d["namespace"] == "argocd" for d in lab["destinations"])


def test_every_new_document_passes_the_upstream_crds(
        rendered: RenderedEnvironment, upstream_crd_errors: Callable[[dict[str, Any]], list[str]]
) -> None:
    appset, parents, parts = _chain(rendered)
    assert upstream_crd_errors(appset) == []
    for name, parent in parents.items():
        assert upstream_crd_errors(parent) == [], name
        assert len(parts[name]) == len(PARTS)
        for app in parts[name]:
            assert upstream_crd_errors(app) == [], app["metadata"]["name"]
    # The check does bite: a field the Application CRD does not know is refused.
    broken = {**parents["team-01"], "spec": {**parents["team-01"]["spec"], "syncWaves": [0]}}
    assert any("syncWaves" in error for error in upstream_crd_errors(broken))


def test_a_hand_added_file_in_a_participants_apps_is_refused(rendered_lab: Path,
                                                             run: Invoke) -> None:
    extra = rendered_lab / f"{BASE}/clusters/team-05/apps/extra.yaml"
    extra.write_text("apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: {name: x}\n")
    result = run("check", "--env", "workshop", "--root", str(rendered_lab))
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        f"{BASE}/clusters/team-05/apps/extra.yaml: not generated by labgen, and Argo CD syncs it "
        f"as part of {BASE}/: delete it, or move it out of clusters/team-05/apps/ (out of what "
        "the app-of-apps of team-05 syncs)"]
