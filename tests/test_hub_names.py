"""Several environments in one Argo CD: argocd.namePrefix, argocd.destination, argocd.instance
and the repository-level check for Argo CD name clashes (real renders through Helm)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from labgen.hub_names import ArgoObject, argocd_objects
from labgen.render import RenderedEnvironment
from labgen.workspace import Workspace

ARGO_KINDS = ("Application", "ApplicationSet", "AppProject")
#: What every environment is called in Argo CD today (defaults): the names do not change.
TODAY = {
    ("AppProject", "olympic-lab"), ("AppProject", "olympic-lab-bootstrap"),
    ("Application", "olympic-lab-root"), ("Application", "istio-base"),
    ("Application", "istiod"), ("Application", "istio-ingressgateway"),
    ("Application", "olympic-lab"),
}


def _set(lab: Path, env: str, argocd: dict[str, Any]) -> None:
    """Add an ``argocd:`` block to ``environments/<env>.yaml`` (none of them has one)."""
    path = lab / "environments" / f"{env}.yaml"
    assert "\nargocd:" not in path.read_text()
    path.write_text(path.read_text() + yaml.safe_dump({"argocd": argocd}))


def _rendered_objects(rendered: RenderedEnvironment) -> set[ArgoObject]:
    """The Argo CD objects read back from the rendered tree, generated Applications included."""
    found = set()
    for doc in rendered.argocd:
        if doc.kind not in ARGO_KINDS:
            continue
        found.add(ArgoObject(doc.kind, doc.namespace or "", doc.name))
        if doc.kind == "ApplicationSet":
            template = doc.body["spec"]["template"]["metadata"]
            for generator in doc.body["spec"]["generators"]:
                for element in generator.get("list", {}).get("elements", []):
                    name = template["name"].replace("{{.name}}", element["name"])
                    found.add(ArgoObject("Application", template["namespace"], name))
    return found


def test_defaults_keep_todays_names_and_never_clash(
        project_root: Path, workspace: Callable[[Path], Workspace]) -> None:
    ws = workspace(project_root)
    names = ws.select((), all_envs=True)
    assert ws.name_clashes(names) == []
    for name in names:
        rendered = ws.rendered(name)
        objects = _rendered_objects(rendered)
        assert objects == argocd_objects(rendered.env), name
        if name != "workshop":
            assert {(o.kind, o.name) for o in objects} == TODAY
            for doc in rendered.argocd:
                if doc.kind == "Application" and doc.name != "olympic-lab-root":
                    assert doc.body["spec"]["destination"]["server"] == \
                        "https://kubernetes.default.svc"


def test_shared_instance_without_prefix_lists_every_clash(
        lab: Path, workspace: Callable[[Path], Workspace], run: Any) -> None:
    _set(lab, "oke", {"instance": "hub"})  # workshop extends oke: it is in hub too
    _set(lab, "kind", {"instance": "hub"})
    clashes = workspace(lab).name_clashes(["kind", "oke", "workshop"])
    lines = sorted(str(c) for c in clashes)
    # kind and oke: all seven objects; workshop with each: the root and both projects.
    assert len(lines) == 7 + 3 + 3
    assert ("environments/kind.yaml, environments/oke.yaml: both render Application "
            "argocd/olympic-lab-root in one Argo CD (instance hub); set argocd.namePrefix in "
            "one of them") in lines
    assert ("environments/kind.yaml, environments/workshop.yaml: both render AppProject "
            "argocd/olympic-lab-bootstrap in one Argo CD (instance hub); set argocd.namePrefix "
            "in one of them") in lines
    assert ("environments/oke.yaml, environments/workshop.yaml: both render AppProject "
            "argocd/olympic-lab in one Argo CD (instance hub); set argocd.namePrefix "
            "in one of them") in lines
    assert not any("ApplicationSet" in line for line in lines)

    result = run("render", "--all", "--root", str(lab))
    assert result.exit_code == 2
    errors = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
    assert sorted(line.removeprefix("error: ") for line in errors) == lines
    assert not (lab / "gitops").exists()  # nothing written

    result = run("check", "--all", "--root", str(lab))
    assert result.exit_code == 1
    assert set(lines) <= set(result.stdout.splitlines())

    result = run("check", "--all", "--format", "github", "--root", str(lab))
    assert result.exit_code == 1
    assert "::error file=environments/kind.yaml" in result.stdout
    assert "argocd-name-clash" in result.stdout


def test_same_explicit_destination_is_one_argocd(
        lab: Path, workspace: Callable[[Path], Workspace]) -> None:
    _set(lab, "kind", {"destination": {"name": "spoke-1"}})
    _set(lab, "oke", {"destination": {"name": "spoke-1"}})
    clashes = workspace(lab).name_clashes(["kind", "oke"])
    assert len(clashes) == 7
    assert {c.shared for c in clashes} == {"destination name spoke-1"}
    _set(lab, "workshop", {"destination": {"name": "spoke-2"}})  # workshop inherited spoke-1
    assert len(workspace(lab).name_clashes(["kind", "oke", "workshop"])) == 7


def test_prefixes_make_one_argocd_clean_and_prefix_every_object(
        lab: Path, workspace: Callable[[Path], Workspace], run: Any) -> None:
    prefixes = {"oke": "oke-", "kind": "kind-", "workshop": "ws-"}
    _set(lab, "oke", {"instance": "hub", "namePrefix": "oke-"})
    _set(lab, "kind", {"instance": "hub", "namePrefix": "kind-"})
    _set(lab, "workshop", {"namePrefix": "ws-"})
    ws = workspace(lab)
    assert ws.name_clashes(ws.select((), all_envs=True)) == []
    assert all(not tree.foreign for tree in ws.render(all_envs=True))
    for env, prefix in prefixes.items():
        rendered = ws.rendered(env)
        objects = _rendered_objects(rendered)
        assert objects == argocd_objects(rendered.env)
        assert len(objects) >= 7
        assert all(o.name.startswith(prefix) for o in objects), env
        for doc in rendered.argocd:
            spec = doc.body.get("spec", {})
            if doc.kind == "ApplicationSet":
                spec = spec["template"]["spec"]
            if doc.kind in ("Application", "ApplicationSet"):
                assert spec["project"].startswith(prefix)
        readme = (lab / "gitops" / env / "README.md").read_text()
        assert f"prefix `{prefix}`" in readme
    assert "managed by the Argo CD `hub`" in (lab / "gitops/oke/README.md").read_text()
    result = run("check", "--all", "--root", str(lab))
    assert result.exit_code == 0, result.stdout + result.stderr


@pytest.mark.parametrize("destination", [{"server": "https://203.0.113.50:6443"},
                                         {"name": "spoke-1"}])
def test_destination_reaches_applications_and_project(
        lab: Path, workspace: Callable[[Path], Workspace], destination: dict[str, str]) -> None:
    _set(lab, "kind", {"destination": destination})
    ws = workspace(lab)
    ws.render(["kind"])
    rendered = ws.rendered("kind")
    [(key, value)] = destination.items()
    apps = [doc for doc in rendered.argocd if doc.kind == "Application"]
    for doc in apps:
        target = {k: v for k, v in doc.body["spec"]["destination"].items() if k != "namespace"}
        if doc.name == "olympic-lab-root":  # Applications live in Argo CD's own cluster
            assert target == {"server": "https://kubernetes.default.svc"}
        else:
            assert target == destination, doc.name
    projects = {doc.name: doc.body for doc in rendered.argocd if doc.kind == "AppProject"}
    lab_targets = [{k: v for k, v in d.items() if k != "namespace"}
                   for d in projects["olympic-lab"]["spec"]["destinations"]]
    assert lab_targets and all(t == destination for t in lab_targets)
    assert projects["olympic-lab-bootstrap"]["spec"]["destinations"] == [
        {"server": "https://kubernetes.default.svc", "namespace": "argocd"}]
    readme = (lab / "gitops/kind/README.md").read_text()
    assert f"deploy to the cluster {key} `{value}`" in readme


def test_destination_with_server_and_name_is_refused(lab: Path, run: Any) -> None:
    _set(lab, "kind", {"destination": {"server": "https://203.0.113.50:6443", "name": "spoke"}})
    result = run("render", "--env", "kind", "--root", str(lab))
    assert result.exit_code == 2
    assert "environments/kind.yaml:" in result.stderr
    assert "argocd.destination gives both server and name" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (lab / "gitops").exists()


@pytest.mark.parametrize(("key", "value"), [("namePrefix", "Oke-"), ("namePrefix", "-oke"),
                                            ("instance", "hub one")])
def test_bad_hub_settings_are_one_line(lab: Path, run: Any, key: str, value: str) -> None:
    _set(lab, "kind", {key: value})
    result = run("render", "--env", "kind", "--root", str(lab))
    assert result.exit_code == 2
    assert f"argocd.{key}" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_readme_names_the_hub_settings_the_schema_has(project_root: Path) -> None:
    import json

    schema = json.loads((project_root / "environments/schema.json").read_text())
    argocd = schema["properties"]["argocd"]["properties"]
    readme = (project_root / "README.md").read_text()
    section = readme[readme.index("## The GitOps tree"):readme.index("## The charts")]
    for key in ("namePrefix", "instance", "destination"):
        assert key in argocd
        assert f"`argocd.{key}`" in section
    assert set(argocd["destination"]["properties"]) == {"server", "name"}
