"""Acknowledged findings, rule levels from the repository configuration, --strict."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

Invoke = Callable[..., Result]

NODEPORT = """\
apiVersion: v1
kind: Service
metadata:
  name: grafana
  namespace: monitoring
  annotations:
    labgen.io/acknowledge: "nodeport-exposure: reached only from the office network"
spec:
  type: NodePort
  ports: [{name: http, port: 3000, nodePort: 30300}]
"""


def test_an_annotation_acknowledges_a_finding_with_its_reason(run: Invoke, tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "svc.yaml").write_text(NODEPORT)
    strict = run("validate", "--strict", "svc.yaml")
    assert (strict.exit_code, strict.stdout) == (0, "no findings, 1 acknowledged\n")
    report = json.loads(run("validate", "--format", "json", "svc.yaml").stdout)
    assert report["counts"] == {"errors": 0, "warnings": 0, "acknowledged": 1}
    [acknowledged] = report["acknowledged"]
    assert (acknowledged["rule"], acknowledged["reason"], acknowledged["line"]) == (
        "nodeport-exposure", "reached only from the office network", 9)
    assert run("validate", "--format", "github", "svc.yaml").stdout == ""


def test_an_acknowledgement_without_a_reason_is_an_error(run: Invoke, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "svc.yaml").write_text(NODEPORT.replace(": reached only from the office network",
                                                        ":"))
    result = run("validate", "svc.yaml")
    assert result.exit_code == 1
    assert result.stdout.splitlines()[0] == (
        'svc.yaml:7:5: error acknowledge metadata.annotations."labgen.io/acknowledge": the '
        "acknowledgement of 'nodeport-exposure' gives no reason; write 'nodeport-exposure: why "
        "it is accepted'")


def test_repository_configuration_sets_levels(run: Invoke, tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".git").mkdir()
    plain = NODEPORT.replace('    labgen.io/acknowledge: "nodeport-exposure: reached only from '
                             'the office network"\n', "").replace("  annotations:\n", "")
    (tmp_path / "svc.yaml").write_text(plain)
    (tmp_path / ".labgen.yaml").write_text("rules:\n  nodeport-exposure: error\n")
    raised = run("validate", "svc.yaml")
    assert raised.exit_code == 1 and "error nodeport-exposure" in raised.stdout
    (tmp_path / ".labgen.yaml").unlink()
    (tmp_path / "pyproject.toml").write_text('[tool.labgen.rules]\nnodeport-exposure = "off"\n')
    off = run("validate", "--strict", "svc.yaml")
    assert (off.exit_code, off.stdout) == (0, "no findings\n")


def test_an_unknown_rule_in_the_configuration_is_bad_input(run: Invoke, tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".git").mkdir()
    (tmp_path / "svc.yaml").write_text(NODEPORT)
    (tmp_path / ".labgen.yaml").write_text("rules:\n  nodeport-exposur: off\n")
    result = run("validate", "svc.yaml")
    assert result.exit_code == 2
    assert result.stderr == (f"error: {(tmp_path / '.labgen.yaml').as_posix()}:2: unknown rule "
                             "'nodeport-exposur'; list them with labgen validate --list-checks\n")


def test_oke_is_strict_clean_with_its_acknowledged_ui_exposure(run: Invoke,
                                                                project_root: Path) -> None:
    result = run("validate", "--env", "oke", "--strict", "--root", str(project_root))
    assert (result.exit_code, result.stdout) == (0, "no findings, 6 acknowledged\n")
    report = json.loads(run("validate", "--env", "oke", "--format", "json", "--root",
                            str(project_root)).stdout)
    # Four NodePort UIs, and the two of them with no login of their own (ui-exposure).
    assert sorted((f["rule"], f["message"].split("'")[1]) for f in report["acknowledged"]) == [
        ("nodeport-exposure", "grafana"), ("nodeport-exposure", "kiali"),
        ("nodeport-exposure", "prometheus"), ("nodeport-exposure", "tracing"),
        ("ui-exposure", "prometheus"), ("ui-exposure", "tracing")]
    assert all(f["reason"] for f in report["acknowledged"])


def test_render_strict_refuses_warnings_that_are_not_acknowledged(lab: Path, run: Invoke) -> None:
    (lab / "environments" / "exposed.yaml").write_text(
        "extends: kind\nexpose:\n  mode: nodePort\n  nodePorts: {prometheus: 30090, "
        "grafana: 30300, kiali: 30201, tracing: 30686}\n")
    strict = run("render", "--env", "exposed", "--strict", "--root", str(lab))
    assert strict.exit_code == 1
    # four NodePorts, two of them UIs without a login (ui-exposure)
    assert strict.stderr.startswith("error: gitops/exposed not written: 6 error(s)")
    assert not (lab / "gitops" / "exposed").exists()
    (lab / "environments" / "exposed.yaml").write_text(
        (lab / "environments" / "exposed.yaml").read_text() +
        "validation:\n  acknowledge:\n    - {check: nodeport-exposure, reason: a lab on a "
        "private network}\n    - {check: ui-exposure, reason: a lab on a private network}\n")
    accepted = run("render", "--env", "exposed", "--strict", "--root", str(lab))
    assert accepted.exit_code == 0, accepted.output
    assert (lab / "gitops" / "exposed" / "root.yaml").is_file()


def test_an_environment_acknowledgement_needs_a_reason(lab: Path, run: Invoke) -> None:
    (lab / "environments" / "noreason.yaml").write_text(
        "extends: kind\nvalidation:\n  acknowledge:\n    - check: nodeport-exposure\n")
    result = run("validate", "--env", "noreason", "--root", str(lab))
    assert result.exit_code == 2
    assert result.stderr == (
        "error: environments/noreason.yaml:4: validation.acknowledge[0] needs check and reason; "
        "write {check: RULE-ID, reason: why it is accepted}\n")
