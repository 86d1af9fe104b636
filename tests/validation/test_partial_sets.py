"""labgen validate PATH...: files are part of a run, so references leaving them are not judged,
chart sources and environment files are not manifests, and each gitops/<env>/ is its own world."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from conftest import Invoke


def test_the_committed_gitops_trees_validate_together(run: Invoke, project_root: Path) -> None:
    result = run("validate", str(project_root / "gitops"))
    assert result.exit_code == 0, result.stdout
    assert result.stdout == "no findings\n"


def test_a_virtual_service_alone_is_not_blamed_for_missing_neighbours(run: Invoke, project_root: Path,
                                                                      tmp_path: Path) -> None:
    source = project_root / "tests" / "golden" / "oke" / "manifests" / "olympic"
    shutil.copy(source / "virtualservice-backend-app.yaml", tmp_path)
    result = run("validate", str(tmp_path / "virtualservice-backend-app.yaml"))
    assert (result.exit_code, result.stdout) == (0, "no findings\n")


def test_references_among_the_files_given_are_still_checked(run: Invoke, project_root: Path,
                                                            tmp_path: Path) -> None:
    source = project_root / "tests" / "golden" / "oke" / "manifests" / "olympic"
    for name in ("virtualservice-backend-app.yaml", "destinationrule-backend.yaml"):
        shutil.copy(source / name, tmp_path)
    rule = tmp_path / "destinationrule-backend.yaml"
    rule.write_text(rule.read_text().replace("name: v3", "name: v9"))
    result = run("validate", str(tmp_path))
    assert result.exit_code == 1
    assert ("error vs-subset spec.http[0].route[2].destination.subset: subset 'v3' of "
            "'backend-app' is not defined by any DestinationRule") in result.stdout


def test_chart_sources_and_environment_files_are_left_out(run: Invoke, project_root: Path) -> None:
    result = run("validate", str(project_root / "environments"), str(project_root / "charts"),
                 str(project_root / "gitops" / "oke" / "values.yaml"))
    assert result.exit_code == 0
    assert result.stdout == "no findings\n"
    assert result.stderr.startswith("no Kubernetes manifests among the given paths")


INGRESS = """\
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: web, namespace: shop}
spec:
  rules:
    - http:
        paths:
          - {path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}
"""

GRAFANA = """\
apiVersion: v1
kind: ConfigMap
metadata: {name: grafana, namespace: istio-system}
data:
  datasources.yaml: |
    apiVersion: 1
    datasources:
      - {name: Prometheus, type: prometheus, url: "http://prometheus:9090", access: proxy}
---
apiVersion: v1
kind: Service
metadata: {name: grafana, namespace: istio-system}
spec:
  selector: {app.kubernetes.io/name: grafana}
  ports: [{name: service, port: 3000, targetPort: 3000}]
"""


def test_references_to_objects_not_among_the_files_are_not_judged(run: Invoke, tmp_path: Path) -> None:
    """An Ingress without its Service; Grafana's datasource without Prometheus's Service
    (though another Service of that namespace is given); a Service without its pods."""
    (tmp_path / "ingress.yaml").write_text(INGRESS)
    (tmp_path / "grafana.yaml").write_text(GRAFANA)
    result = run("validate", str(tmp_path))
    assert (result.exit_code, result.stdout) == (0, "no findings\n")


def test_a_wrong_port_of_a_service_among_the_files_is_still_an_error(run: Invoke, tmp_path: Path) -> None:
    (tmp_path / "ingress.yaml").write_text(INGRESS.replace("number: 80", "number: 8080") + (
        "---\napiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: shop}\n"
        "spec: {ports: [{port: 80}]}\n"))
    result = run("validate", str(tmp_path))
    assert result.exit_code == 1
    assert (f"{(tmp_path / 'ingress.yaml').as_posix()}:8:79: error backend-port "
            "spec.rules[0].http.paths[0].backend.service.port.number: 8080 is not a port of "
            "Service 'web'") in result.stdout.splitlines()


def test_tool_configuration_is_not_taken_for_manifests(run: Invoke, tmp_path: Path) -> None:
    (tmp_path / ".github" / "workflows").mkdir(parents=True)
    (tmp_path / ".github" / "workflows" / "ci.yaml").write_text(
        "name: ci\non: [push]\njobs: {test: {runs-on: ubuntu-latest, steps: []}}\n")
    (tmp_path / ".pre-commit-config.yaml").write_text("repos: []\n")
    (tmp_path / "kustomization.yaml").write_text(
        "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n"
        "resources: [app.yaml]\n")
    (tmp_path / "Chart.yaml").write_text("apiVersion: v2\nname: x\nversion: 0.1.0\n")
    (tmp_path / "notes.yaml").write_text("owner: team-a\nreviewed: true\n")
    (tmp_path / "app.yaml").write_text(
        "apiVersion: v1\nkind: List\nitems:\n"
        "  - apiVersion: v1\n    kind: ConfigMap\n    metadata: {name: a}\n    data: {k: v}\n"
        "  - apiVersion: v1\n    kind: ConfigMap\n    metadata: {name: b}\n    dat: {k: v}\n")
    result = run("validate", str(tmp_path))
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        f"{(tmp_path / 'app.yaml').as_posix()}:11:5: error schema items[1].dat: "
        "unknown field 'dat'; did you mean 'data'?", "1 error(s), 0 warning(s)"]
