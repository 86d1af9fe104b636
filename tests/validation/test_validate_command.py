"""``labgen validate``: exit codes, reporters, --strict, --crds, folders."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

from click.testing import Result

from validation.manifest_corpus import CASES

Invoke = Callable[..., Result]

VALID = CASES / "valid"
INVALID = CASES / "invalid"


def test_clean_folder_exits_0(run: Invoke, tmp_path: Path) -> None:
    shutil.copytree(VALID / "olympic-canary", tmp_path / "in" / "nested")
    result = run("validate", str(tmp_path / "in"))
    assert result.exit_code == 0, result.output
    assert result.stdout == "no findings\n"


def test_findings_exit_1_with_text_lines(run: Invoke) -> None:
    case = INVALID / "weights-not-100"
    result = run("validate", str(case))
    assert result.exit_code == 1
    file = (case / "manifest.yaml").as_posix()
    assert (f"{file}:40:7: error weights-sum spec.http[0].route: weights sum to 90 (80+10), "
            "not 100" in result.stdout.splitlines())
    assert result.stdout.endswith("1 error(s), 0 warning(s)\n")


def test_warnings_pass_unless_strict(run: Invoke) -> None:
    case = str(INVALID / "grafana-anonymous-admin")
    assert run("validate", case).exit_code == 0
    strict = run("validate", "--strict", case)
    assert strict.exit_code == 1
    assert "error grafana-anonymous-admin" in strict.stdout


def test_json_report(run: Invoke) -> None:
    result = run("validate", "--format", "json", str(INVALID / "vs-route-without-host"))
    assert result.exit_code == 1
    findings = json.loads(result.stdout)["findings"]
    assert {"file": (INVALID / "vs-route-without-host" / "manifest.yaml").as_posix(),
            "document": 0, "line": 8, "column": 11,
            "path": "spec.http[0].route[0].destination.host",
            "rule": "schema", "severity": "error", "message": "is required"} in findings


def test_github_annotations(run: Invoke) -> None:
    result = run("validate", "--format", "github", str(INVALID / "security-posture"))
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines and all(line.startswith("::warning file=") for line in lines)
    assert any(line.startswith("::warning file=") and line.endswith(
        ",title=nodeport-exposure spec.type::spec.type: Service 'frontend-app' is "
        "a NodePort, open to anyone who reaches a node unless the network restricts it")
        for line in lines)


def test_sarif_report(run: Invoke) -> None:
    result = run("validate", "--format", "sarif", str(INVALID / "dr-without-host"))
    assert result.exit_code == 1
    log = json.loads(result.stdout)
    assert log["version"] == "2.1.0"
    sarif_run = log["runs"][0]
    rules = [rule["id"] for rule in sarif_run["tool"]["driver"]["rules"]]
    [first] = [r for r in sarif_run["results"] if r["ruleId"] == "schema"]
    assert rules[first["ruleIndex"]] == "schema"
    assert first["level"] == "error"
    location = first["locations"][0]
    assert location["physicalLocation"]["artifactLocation"]["uri"].endswith("manifest.yaml")
    assert location["logicalLocations"][0]["fullyQualifiedName"] == "document[0].spec.host"
    assert location["physicalLocation"]["region"] == {"startLine": 4, "startColumn": 1}


def test_crds_option_validates_user_kinds(run: Invoke, tmp_path: Path,
                                          upstream_crds: tuple[Path, ...]) -> None:
    manifest = tmp_path / "pa.yaml"
    manifest.write_text(
        "apiVersion: security.istio.io/v1\nkind: PeerAuthentication\n"
        "metadata: {name: default, namespace: istio-system}\n"
        "spec: {mtls: {mode: STRICTT}}\n")
    for args in ((), ("--crds", str(upstream_crds[0]))):  # built-in schema, then the CRD's
        result = run("validate", *args, str(manifest))
        assert result.exit_code == 1
        assert f"{manifest.as_posix()}:4:15: error schema spec.mtls.mode: must be one of" \
            in result.stdout
    widget = tmp_path / "widget.yaml"
    widget.write_text("apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\n"
                      "spec: {size: 2}\n")
    crd = tmp_path / "crds" / "widget-crd.yaml"
    crd.parent.mkdir()
    crd.write_text(
        "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\n"
        "metadata: {name: widgets.example.com}\n"
        "spec:\n  group: example.com\n  names: {kind: Widget, plural: widgets}\n"
        "  scope: Namespaced\n  versions:\n  - name: v1\n    served: true\n"
        "    storage: true\n    schema:\n      openAPIV3Schema:\n        type: object\n"
        "        properties:\n          spec:\n            type: object\n"
        "            properties: {size: {type: string}}\n")
    without = run("validate", str(widget))
    assert without.exit_code == 1 and "unknown-kind" in without.stdout
    assert "pass its CRD with --crds" in without.stdout
    with_crds = run("validate", "--crds", str(crd.parent), str(widget))
    assert with_crds.exit_code == 1 and "error schema spec.size: must be string" in with_crds.stdout


def test_input_errors_exit_2(run: Invoke, tmp_path: Path) -> None:
    missing = run("validate", str(tmp_path / "missing.yaml"))
    assert missing.exit_code == 2 and "no such file or folder" in missing.stderr
    bad = tmp_path / "bad.yaml"
    bad.write_text("kind: [unclosed\n")
    broken = run("validate", str(bad))
    assert broken.exit_code == 2 and "invalid YAML" in broken.stderr
    assert run("validate").exit_code == 2
    version = run("validate", "--kubernetes-version", "1.12", str(VALID / "applicationset"))
    assert version.exit_code == 2 and "supported: 1.25" in version.stderr
    crds = run("validate", "--crds", str(tmp_path / "nope"), str(VALID / "applicationset"))
    assert crds.exit_code == 2


def test_unknown_environment_exits_2(run: Invoke, lab: Path) -> None:
    result = run("validate", "--root", str(lab), "--env", "nowhere")
    assert result.exit_code == 2
    assert result.stderr.startswith("error:")


def test_list_checks(run: Invoke) -> None:
    from labgen.checks import CHECKS

    result = run("validate", "--list-checks")
    assert result.exit_code == 0
    rows = [line.split("\t") for line in result.stdout.splitlines()]
    assert [row[0] for row in rows] == ["schema", "unknown-kind", *(c.id for c in CHECKS),
                                        "acknowledge"]
    assert ["nodeport-exposure", "warning", "NodePort Services are open to anyone who reaches "
            "a node."] in rows
