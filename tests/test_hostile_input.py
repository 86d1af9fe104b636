"""Hostile input that the case corpus (tests/cases/invalid) cannot hold: FIFOs, devices,
a helm that hangs or floods stderr, template text bound for ApplicationSets, isolation
of one broken environment file from commands about the others."""

from __future__ import annotations

import os
import stat
import time
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
import yaml

import yaml_docs
from labgen.appset_tree import go_template_literal

if TYPE_CHECKING:
    from conftest import Invoke


def _one_error_line(stderr: str) -> str:
    lines = stderr.splitlines()
    assert len(lines) == 1, stderr[:2000]
    assert lines[0].startswith("error: ")
    assert "Traceback" not in stderr
    return lines[0]


def test_a_fifo_as_environment_file_is_refused_without_blocking(lab: Path, run: Invoke) -> None:
    os.mkfifo(lab / "environments" / "pipe.yaml")
    started = time.monotonic()
    result = run("render", "--env", "pipe", "--root", str(lab))
    assert time.monotonic() - started < 10
    assert result.exit_code == 2
    assert _one_error_line(result.stderr) == (
        "error: environments/pipe.yaml: is not a regular file (a FIFO, socket or device); an "
        "environment file must be a plain file")
    # Isolation: the other environments still render, and --all lists names without reading it.
    assert run("render", "--env", "kind", "--root", str(lab)).exit_code == 0
    result = run("render", "--env", "nope", "--root", str(lab))
    assert "available: kind, oke, pipe, workshop" in result.stderr


def test_a_device_as_environment_file_is_refused(lab: Path, run: Invoke) -> None:
    if os.geteuid() != 0:
        pytest.skip("needs root to create a device node (CI runs as root)")
    os.mknod(lab / "environments" / "zero.yaml", stat.S_IFCHR | 0o600, os.makedev(1, 5))
    result = run("render", "--env", "zero", "--root", str(lab))
    assert result.exit_code == 2
    assert "is not a regular file" in _one_error_line(result.stderr)


def test_a_broken_layer_file_affects_only_environments_built_on_it(lab: Path, run: Invoke) -> None:
    (lab / "environments" / "broken.yaml").write_text("extends: [\n")
    assert run("render", "--env", "kind", "--root", str(lab)).exit_code == 0
    assert run("scenario", "set", "--env", "kind", "all-v3", "--root", str(lab)).exit_code == 0
    result = run("render", "--all", "--root", str(lab))
    assert result.exit_code == 2
    assert _one_error_line(result.stderr).startswith("error: environments/broken.yaml:2: "
                                                     "invalid YAML")


def _fake_helm(tmp_path: Path, body: str) -> Path:
    helm = tmp_path / "fake-helm"
    helm.write_text("#!/bin/sh\n" + body + "\n")
    helm.chmod(0o755)
    return helm


def test_a_helm_that_never_exits_is_stopped(lab: Path, tmp_path: Path, run: Invoke,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    helm = _fake_helm(tmp_path, "sleep 300 &\nexec sleep 300")
    monkeypatch.setenv("LABGEN_HELM_TIMEOUT", "1")
    started = time.monotonic()
    result = run("render", "--env", "kind", "--helm-binary", str(helm), "--root", str(lab))
    assert time.monotonic() - started < 20
    assert result.exit_code == 2
    assert _one_error_line(result.stderr) == (
        f"error: helm ({helm}) did not finish within 1 s and was stopped; check the binary, or "
        "raise LABGEN_HELM_TIMEOUT")
    assert not (lab / "gitops" / "kind").exists()


def test_megabytes_of_helm_stderr_become_one_short_line(lab: Path, tmp_path: Path, run: Invoke) -> None:
    helm = _fake_helm(tmp_path, "head -c 3000000 /dev/zero | tr '\\0' 'x' >&2\n"
                                "printf 'one\\033[31m\\ntwo' >&2\nexit 1")
    result = run("render", "--env", "kind", "--helm-binary", str(helm), "--root", str(lab))
    assert result.exit_code == 2
    line = _one_error_line(result.stderr)
    assert len(line) < 800
    assert "\x1b" not in line


def test_text_copied_into_application_sets_is_never_a_go_template(
        lab: Path, run: Invoke, tmp_path: Path) -> None:
    hostile = '{{ .metadata.name }} {{- fail "x" -}} }}'
    (lab / "environments" / "camp.yaml").write_text(
        "extends: workshop\nistio:\n  gateway:\n    serviceAnnotations:\n"
        f"      example.com/note: {yaml.safe_dump(hostile).splitlines()[0]}\n")
    result = run("render", "--env", "camp", "--root", str(lab))
    assert result.exit_code == 0, result.stderr
    tree = lab / "gitops" / "camp"
    # The part is a plain Application (no Go template): the text is written as given ...
    part = yaml_docs.load((tree / "clusters" / "team-01" / "apps" / "istio-ingressgateway.yaml")
                          .read_text())
    assert part["spec"]["source"]["helm"]["valuesObject"]["service"]["annotations"][
        "example.com/note"] == hostile
    # ... and the ApplicationSet, the only Go template, carries none of it.
    appset_text = (tree / "apps" / "olympic-lab-parts.yaml").read_text()
    appset = yaml_docs.load(appset_text)
    assert appset["spec"]["goTemplate"] is True
    assert "fail" not in appset_text and ".metadata.name" not in appset_text
    assert appset["spec"]["template"]["metadata"]["name"] == "{{.name}}-olympic-lab-parts"
    note = go_template_literal(hostile)
    # Go's text/template (Helm's engine, as Argo CD's) prints the escaped text as written.
    chart = tmp_path / "gotpl"
    (chart / "templates").mkdir(parents=True)
    (chart / "Chart.yaml").write_text("apiVersion: v2\nname: gotpl\nversion: 0.1.0\n")
    (chart / "templates" / "cm.yaml").write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  note: |\n    "
        + note + "\n")
    from labgen.helm_engine import EmbeddedHelm

    rendered = EmbeddedHelm().render(chart, {}, release="r", namespace="n")
    assert yaml_docs.load(rendered["gotpl/templates/cm.yaml"])["data"]["note"] == hostile + "\n"


def _chart(tmp_path: Path, template: str) -> Path:
    chart = tmp_path / "c"
    (chart / "templates").mkdir(parents=True)
    (chart / "Chart.yaml").write_text("apiVersion: v2\nname: c\nversion: 0.1.0\n")
    (chart / "templates" / "cm.yaml").write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n" + template)
    return chart


@pytest.mark.parametrize("value", ["a\n---\nkind: ClusterRoleBinding", "{a: b}", "[1, 2]",
                                   "x\nextra: 1"])
def test_a_value_printed_as_yaml_is_refused(tmp_path: Path, value: str) -> None:
    from labgen.errors import InputError
    from labgen.helm_engine import EmbeddedHelm
    from labgen.structure_guard import guard

    engine = EmbeddedHelm()
    chart = _chart(tmp_path, "  note: {{ .Values.note }}\n  other: {{ .Values.other | quote }}\n")

    def render(values: object) -> dict[str, str]:
        return engine.render(chart, values, release="r", namespace="n")  # type: ignore[arg-type]

    values = {"note": value, "other": "fine"}
    rendered = render(values)  # Helm prints text: the broken YAML comes out as it is
    with pytest.raises(InputError, match=r"environments/x\.yaml: a value adds YAML structure to "
                                         r"c/templates/cm\.yaml"):
        guard(rendered, values, render, "environments/x.yaml")


def test_a_quoted_value_with_yaml_characters_passes(tmp_path: Path) -> None:
    from labgen.helm_engine import EmbeddedHelm
    from labgen.structure_guard import guard

    engine = EmbeddedHelm()
    chart = _chart(tmp_path, "  note: {{ .Values.note | quote }}\n")

    def render(values: object) -> dict[str, str]:
        return engine.render(chart, values, release="r", namespace="n")  # type: ignore[arg-type]

    values = {"note": "a: b\n---\n{c}"}
    guard(render(values), values, render, "environments/x.yaml")  # same shape: no error


def test_a_chart_that_prints_a_value_unquoted_cannot_be_injected(lab: Path, run: Invoke) -> None:
    # Simulate a chart regression (a lost `| quote`), then try the attack.
    daemonset = lab / "charts/olympic-lab/charts/node-exporter/templates/daemonset.yaml"
    daemonset.write_text(daemonset.read_text().replace("priorityClassName: {{ . | quote }}",
                                                       "priorityClassName: {{ . }}"))
    attack = ("x\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\n"
              "metadata: {name: pwned}\nroleRef: {apiGroup: rbac.authorization.k8s.io, "
              "kind: ClusterRole, name: cluster-admin}\nsubjects: [{kind: Group, name: "
              "system:authenticated, apiGroup: rbac.authorization.k8s.io}]")
    (lab / "environments" / "evil.yaml").write_text(yaml.safe_dump(
        {"extends": "kind", "helmValues": {"node-exporter": {"priorityClassName": attack}}}))
    result = run("render", "--env", "evil", "--root", str(lab))
    assert result.exit_code == 2
    assert _one_error_line(result.stderr) == (
        "error: environments/evil.yaml: a value adds YAML structure to charts/olympic-lab/"
        "charts/node-exporter/templates/daemonset.yaml (a string is printed as YAML there, not "
        "as text); remove newlines, ': ', brackets and leading '&*!|>' from the strings of "
        "environments/evil.yaml that reach it")
    assert not (lab / "gitops" / "evil").exists()


@pytest.mark.parametrize(("text", "line", "first"), [
    ("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  name: b\n", 5, 4),
    ("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, name: b}\n", 3, 3),
    ("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata:\n  k: '1'\n  'k': \"2\"\n", 6, 5),
    ("---\nkind: A\n---\napiVersion: v1\napiVersion: v2\n", 5, 4),
])
def test_a_key_written_twice_in_a_manifest_is_refused_where_it_is(
        tmp_path: Path, run: Invoke, text: str, line: int, first: int) -> None:
    """Kubernetes, Argo CD and kubectl refuse a mapping with a key twice; PyYAML alone would
    keep the last silently and validate something nobody can apply."""
    path = tmp_path / "twice.yaml"
    path.write_text(text)
    result = run("validate", str(path))
    assert result.exit_code == 2
    key = "apiVersion" if "v2" in text else "k" if "k:" in text else "name"
    assert _one_error_line(result.stderr) == (
        f"error: {path}:{line}: invalid YAML: duplicate key '{key}' (first at line {first}); "
        "keep only one")


def test_a_key_a_merge_brings_may_be_overridden(tmp_path: Path, run: Invoke) -> None:
    path = tmp_path / "merged.yaml"
    path.write_text("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  <<: {name: from-merge}\n"
                    "  name: own\ndata: {k: v}\n")
    result = run("validate", str(path))
    assert result.exit_code == 0, result.output


def test_a_chart_that_renders_a_key_twice_is_refused(lab: Path, run: Invoke) -> None:
    # Simulate a chart regression: a label written twice in the Grafana Deployment.
    deployment = lab / "charts/olympic-lab/charts/grafana/templates/deployment.yaml"
    text = deployment.read_text()
    broken = text.replace("  labels:\n", "  labels:\n    app: twice\n    app: twice\n", 1)
    assert broken != text
    deployment.write_text(broken)
    result = run("render", "--env", "kind", "--root", str(lab))
    assert result.exit_code == 2
    line = _one_error_line(result.stderr)
    assert line.startswith("error: charts/olympic-lab/charts/grafana/templates/deployment.yaml:")
    assert "duplicate key 'app'" in line
    assert not (lab / "gitops" / "kind").exists()
