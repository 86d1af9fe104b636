"""Checks that read the repository: Argo CD paths/value files, chart determinism; the registry."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from labgen.checks import CHECKS
from labgen.checks.chart_determinism import text_findings
from labgen.manifests import Document
from labgen.validation import ValidationOptions, validate_documents


def _app(source: dict[str, Any], **more: Any) -> Document:
    body = {"apiVersion": "argoproj.io/v1alpha1", "kind": "Application",
            "metadata": {"name": "olympic-lab", "namespace": "argocd"},
            "spec": {"project": "default", "source": source,
                     "destination": {"server": "https://kubernetes.default.svc",
                                     "namespace": "olympic"}, **more}}
    return Document("gitops/oke/apps/olympic-lab.yaml", 0, body)


SOURCE = {"repoURL": "https://github.com/example/lab.git", "targetRevision": "main",
          "path": "charts/olympic-lab",
          "helm": {"valueFiles": ["../../gitops/oke/values.yaml"]}}


def _paths(documents: list[Document], root: Path | None,
           planned: frozenset[str] = frozenset()) -> list[str]:
    options = ValidationOptions(repo_root=root, planned_files=planned)
    return [f"{f.path} {f.message}" for f in validate_documents(documents, options)
            if f.rule == "argocd-paths"]


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    (tmp_path / "charts" / "olympic-lab").mkdir(parents=True)
    (tmp_path / "charts" / "olympic-lab" / "Chart.yaml").write_text("name: olympic-lab\n")
    return tmp_path


def test_planned_value_file_resolves_before_the_tree_is_written(repo: Path) -> None:
    assert _paths([_app(SOURCE)], repo, frozenset({"gitops/oke/values.yaml"})) == []


def test_value_file_on_disk_resolves(repo: Path) -> None:
    (repo / "gitops" / "oke").mkdir(parents=True)
    (repo / "gitops" / "oke" / "values.yaml").write_text("{}\n")
    assert _paths([_app(SOURCE)], repo) == []


def test_missing_value_file_and_path(repo: Path) -> None:
    assert _paths([_app(SOURCE)], repo) == [
        "spec.source.helm.valueFiles[0] value file '../../gitops/oke/values.yaml' does not "
        "resolve in the repository"]
    wrong = {**SOURCE, "path": "charts/olympic-labs"}
    assert _paths([_app(wrong)], repo) == [
        "spec.source.path 'charts/olympic-labs' is not a folder of the repository"]
    outside = {**SOURCE, "path": "../elsewhere"}
    assert len(_paths([_app(outside)], repo)) == 1


def test_planned_folder_counts_as_a_path(tmp_path: Path) -> None:
    source = {"repoURL": "https://github.com/example/lab.git", "path": "gitops/oke/apps"}
    assert _paths([_app(source)], tmp_path, frozenset({"gitops/oke/apps/istiod.yaml"})) == []


def test_multi_source_ref_and_charts(repo: Path) -> None:
    sources: list[dict[str, Any]] = [
        {"repoURL": "https://istio-release.storage.googleapis.com/charts", "chart": "istiod",
         "targetRevision": "1.30.3", "helm": {"valueFiles": ["$values/gitops/oke/istiod.yaml"]}},
        {"repoURL": "https://github.com/example/lab.git", "targetRevision": "main",
         "ref": "values"},
    ]
    app = _app(SOURCE)
    multi = Document(app.file, 0, {**app.body, "spec": {**app.body["spec"], "sources": sources}})
    del multi.body["spec"]["source"]
    assert _paths([multi], repo, frozenset({"gitops/oke/istiod.yaml"})) == []
    assert _paths([multi], repo) == [
        "spec.sources[0].helm.valueFiles[0] value file '$values/gitops/oke/istiod.yaml' does "
        "not resolve in the repository"]
    sources[1]["helm"] = {"valueFiles": ["$other/values.yaml"]}
    assert _paths([multi], repo, frozenset({"gitops/oke/istiod.yaml"})) == [
        "spec.sources[1].helm.valueFiles[0] '$other/values.yaml' names no source with ref "
        "'other'"]


def test_without_a_repository_the_check_is_skipped() -> None:
    assert _paths([_app(SOURCE)], None) == []


@pytest.mark.parametrize("template", [
    '{{ randAlphaNum 16 | b64enc }}', '{{- $x := lookup "v1" "Secret" .Release.Namespace "x" }}',
    '{{ now | date "2006" }}', '{{ $ca := genCA "lab" 365 }}', 'id: {{ uuidv4 }}',
    '{{ randNumeric 4 }}', '{{ (genSelfSignedCert "a" nil nil 1).Cert }}'])
def test_chart_determinism_flags_nondeterministic_functions(tmp_path: Path,
                                                            template: str) -> None:
    folder = tmp_path / "charts" / "lab" / "charts" / "sub" / "templates"
    folder.mkdir(parents=True)
    (folder / "secret.yaml").write_text(f"kind: Secret\ndata:\n  x: {template}\n")
    findings = validate_documents([], ValidationOptions(repo_root=tmp_path))
    assert [(f.file, f.line, f.column, f.rule) for f in findings] == [
        ("charts/lab/charts/sub/templates/secret.yaml", 3, template.index("{{") + 6,
         "chart-determinism")]


def test_chart_determinism_ignores_strings_comments_and_lookalikes(tmp_path: Path) -> None:
    folder = tmp_path / "charts" / "lab" / "templates"
    folder.mkdir(parents=True)
    (folder / "ok.yaml").write_text(
        '{{/* no lookup or now here */}}\nname: {{ include "lab.now" . }}\n'
        'v: {{ .Values.lookup }}\nw: {{ print "randAlphaNum" }}\n# lookup outside actions\n')
    (tmp_path / "charts" / "lab" / "values.yaml").write_text("x: '{{ now }}'\n")
    assert validate_documents([], ValidationOptions(repo_root=tmp_path)) == []


#: Pieces of templates: actions, the names and look-alikes, comments, strings, escapes.
_PIECES = ["{{", "}}", " ", "\n", "now", "lookup", "randInt", "uuidv4", "no", "w", "x", "/*",
           "*/", '"', "`", "\\", ".", "$", "(", ")", "|", "include "]


@given(st.lists(st.sampled_from(_PIECES), max_size=40).map("".join))
def test_chart_determinism_passing_a_text_at_once_hides_no_call(text: str) -> None:
    # A name outside every action (no "}}" follows it) changes no finding, but it makes
    # the check scan every action of the text instead of passing it at once.
    scanned = list(text_findings(text + "\n# now\n", "t.yaml"))
    assert list(text_findings(text, "t.yaml")) == scanned


def test_checks_are_registered_once_with_documented_examples() -> None:
    import importlib

    ids = [check.id for check in CHECKS]
    assert len(ids) == len(set(ids))
    for check in CHECKS:
        module = importlib.import_module(check.run.__module__)
        doc = module.__doc__ or ""
        assert doc.startswith(check.id), check.id
        assert "Passes" in doc and "Fails" in doc, check.id
        assert check.severity in ("error", "warning")


def test_strict_turns_warnings_into_errors() -> None:
    body = {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "grafana"},
            "spec": {"type": "NodePort", "ports": [{"port": 3000, "nodePort": 30300}]}}
    documents = [Document("svc.yaml", 0, body)]
    plain = validate_documents(documents, ValidationOptions())
    strict = validate_documents(documents, ValidationOptions(strict=True))
    assert [(f.rule, f.severity) for f in plain] == [("nodeport-exposure", "warning")]
    assert [(f.rule, f.severity) for f in strict] == [("nodeport-exposure", "error")]


def _daemonset(name: str, namespace: str = "istio-system", **spec: object) -> Document:
    body = {"apiVersion": "apps/v1", "kind": "DaemonSet",
            "metadata": {"name": name, "namespace": namespace},
            "spec": {"selector": {"matchLabels": {"a": name}}, "template": {
                "metadata": {"labels": {"a": name}},
                "spec": {**spec, "containers": [{
                    "name": "c", "image": "quay.io/prometheus/node-exporter:v1.12.1",
                    "resources": {"requests": {"cpu": "10m"}}}]}}}}
    return Document("ds.yaml", 0, body)


def test_host_access_allowlist_is_configurable() -> None:
    documents = [_daemonset("node-exporter", hostNetwork=True, hostPID=True)]
    assert validate_documents(documents, ValidationOptions()) == []
    found = validate_documents(documents, ValidationOptions(host_access_allowlist=()))
    assert [f.rule for f in found] == ["host-access", "host-access"]


def test_host_access_is_by_exact_identity_and_feature() -> None:
    privileged = _daemonset("alloy-debug", hostNetwork=True)
    privileged.body["spec"]["template"]["spec"]["containers"][0]["securityContext"] = {
        "privileged": True}
    cases = {
        "alloy-debug": privileged,                                       # a name that contains one
        "alloy": _daemonset("alloy", hostNetwork=True),                  # Alloy needs none
        "node-exporter ipc": _daemonset("node-exporter", hostIPC=True),  # a feature not granted
        "elsewhere": _daemonset("node-exporter", "default", hostNetwork=True),
    }
    for case, document in cases.items():
        found = [f for f in validate_documents([document], ValidationOptions())
                 if f.rule == "host-access"]
        assert found, case
    messages = [str(f) for f in validate_documents([privileged], ValidationOptions())]
    assert any("not granted to istio-system/DaemonSet/alloy-debug" in m for m in messages)


def _appset(path: str, names: list[str], *, project: str = "default") -> Document:
    body = {"apiVersion": "argoproj.io/v1alpha1", "kind": "ApplicationSet",
            "metadata": {"name": "parts", "namespace": "argocd"},
            "spec": {"goTemplate": True,
                     "generators": [{"list": {"elements": [{"name": n} for n in names]}}],
                     "template": {"metadata": {"name": "{{.name}}-parts"}, "spec": {
                         "project": project,
                         "source": {"repoURL": "https://github.com/example/lab.git",
                                    "targetRevision": "main", "path": path},
                         "destination": {"server": "https://kubernetes.default.svc",
                                         "namespace": "argocd"}}}}}
    return Document("gitops/ws/apps/parts.yaml", 0, body)


def test_applicationset_paths_resolve_for_each_element(tmp_path: Path) -> None:
    planned = frozenset({"gitops/ws/clusters/team-01/apps/istiod.yaml"})
    appset = _appset("gitops/ws/clusters/{{.name}}/apps", ["team-01", "team-02"])
    assert _paths([appset], tmp_path, planned) == [
        "spec.template.spec.source.path in the Application generated for team-02: "
        "'gitops/ws/clusters/team-02/apps' is not a folder of the repository"]
    assert _paths([_appset("gitops/ws/clusters/{{.name}}/apps", ["team-01"])], tmp_path,
                  planned) == []
    # A parameter the element lacks (or any other template) is Argo CD's to resolve.
    assert _paths([_appset("gitops/ws/{{.cluster}}/apps", ["team-01"])], tmp_path, planned) == []


def test_applicationset_generated_apps_stay_in_their_project() -> None:
    project = Document("gitops/ws/bootstrap-project.yaml", 0, {
        "apiVersion": "argoproj.io/v1alpha1", "kind": "AppProject",
        "metadata": {"name": "boot", "namespace": "argocd"},
        "spec": {"sourceRepos": ["https://github.com/example/lab.git"],
                 "destinations": [{"server": "https://kubernetes.default.svc",
                                   "namespace": "argocd"}]}})
    ok = _appset("gitops/ws/clusters/{{.name}}/apps", ["team-01"], project="boot")
    wrong = _appset("gitops/ws/clusters/{{.name}}/apps", ["team-01"], project="lab")
    options = ValidationOptions()
    found = [f"{f.path} {f.message}" for f in validate_documents([project, ok, wrong], options)
             if f.rule == "argocd-project"]
    assert found == ["spec.template.spec.project in the Application generated for team-01: "
                     "no AppProject 'lab' (known: boot)"]
