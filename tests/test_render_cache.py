"""A render whose inputs did not change skips Helm; any input change renders again."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest

import labgen.env_files
import labgen.helm_engine
import labgen.yaml_io

if TYPE_CHECKING:
    from conftest import Invoke


def _refuse_helm(*_args: object, **_kwargs: object) -> None:
    raise AssertionError("Helm was asked to render although nothing changed")


def test_unchanged_inputs_skip_helm(lab: Path, run: Invoke, monkeypatch: pytest.MonkeyPatch) -> None:
    assert run("render", "--env", "kind", "--root", str(lab)).exit_code == 0
    monkeypatch.setattr(labgen.helm_engine, "get_engine", _refuse_helm)
    result = run("render", "--env", "kind", "--root", str(lab))
    assert result.exit_code == 0
    assert result.stdout == "gitops/kind: up to date\n"


def test_a_chart_change_renders_again(lab: Path, run: Invoke) -> None:
    (lab / "environments" / "hydrated.yaml").write_text(
        "extends: kind\nargocd:\n  renderedManifests: true\n")
    assert run("render", "--env", "hydrated", "--root", str(lab)).exit_code == 0
    values = lab / "charts" / "olympic-lab" / "charts" / "olympic-apps" / "values.yaml"
    values.write_text(values.read_text().replace("512Mi", "640Mi"))
    result = run("render", "--env", "hydrated", "--root", str(lab))
    assert result.exit_code == 0
    assert "written" in result.stdout
    frontend = lab / "gitops" / "hydrated" / "manifests" / "olympic" / "deployment-frontend-app.yaml"
    assert "640Mi" in frontend.read_text()


def test_a_layer_change_renders_again(lab: Path, run: Invoke) -> None:
    assert run("render", "--env", "kind", "--root", str(lab)).exit_code == 0
    base = lab / "environments" / "base.yaml"
    base.write_text(base.read_text().replace("prometheusRetention: 15d", "prometheusRetention: 7d"))
    result = run("render", "--env", "kind", "--root", str(lab))
    assert result.exit_code == 0
    assert "written" in result.stdout
    assert "retention: 7d" in (lab / "gitops" / "kind" / "values.yaml").read_text()


def test_a_hand_edit_is_kept_and_refused_until_restored(lab: Path, run: Invoke) -> None:
    assert run("render", "--env", "kind", "--root", str(lab)).exit_code == 0
    values = lab / "gitops" / "kind" / "values.yaml"
    original = values.read_text()
    values.write_text(original + "extra: true\n")
    result = run("render", "--env", "kind", "--root", str(lab))
    assert result.exit_code == 2
    assert result.stderr == (f"error: {values}: edited by hand since labgen wrote it; labgen will "
                             "not overwrite the edit: move it out of kind/ (or restore it with "
                             "git checkout) and render again\n")
    assert values.read_text() == original + "extra: true\n"
    values.unlink()
    assert run("render", "--env", "kind", "--root", str(lab)).exit_code == 0
    assert values.read_text() == original


def test_a_cache_hit_still_prints_the_warning_summary(lab: Path, run: Invoke) -> None:
    (lab / "environments" / "exposed.yaml").write_text(
        "extends: kind\nexpose:\n  mode: nodePort\n  nodePorts: {prometheus: 30090, "
        "grafana: 30300, kiali: 30201, tracing: 30686}\n")
    first = run("render", "--env", "exposed", "--root", str(lab))
    again = run("render", "--env", "exposed", "--root", str(lab))
    assert first.exit_code == again.exit_code == 0, first.stderr
    assert again.stdout == "gitops/exposed: up to date\n"
    summary = first.stderr.splitlines()[0]
    assert summary.startswith("gitops/exposed: ") and "nodeport-exposure x4" in summary
    assert again.stderr.splitlines()[0] == summary


def _refuse_parsing(*_args: object, **_kwargs: object) -> None:
    raise AssertionError("an environment file was parsed although nothing changed")


def test_an_untouched_tree_is_known_without_parsing_the_environment(
        lab: Path, run: Invoke, monkeypatch: pytest.MonkeyPatch) -> None:
    assert run("render", "--env", "kind", "--root", str(lab)).exit_code == 0
    monkeypatch.setattr(labgen.yaml_io, "load_with_lines", _refuse_parsing)
    monkeypatch.setattr(labgen.env_files, "load_with_lines", _refuse_parsing)
    result = run("render", "--env", "kind", "--root", str(lab))
    assert (result.exit_code, result.stdout) == (0, "gitops/kind: up to date\n")


def test_a_new_extends_chain_is_what_the_next_render_watches(lab: Path, run: Invoke) -> None:
    envs = lab / "environments"
    assert run("render", "--env", "kind", "--root", str(lab)).exit_code == 0
    (envs / "base2.yaml").write_text((envs / "base.yaml").read_text())
    kind = envs / "kind.yaml"
    kind.write_text(kind.read_text().replace("extends: base\n", "extends: base2\n", 1))
    assert "written" in run("render", "--env", "kind", "--root", str(lab)).stdout
    assert run("render", "--env", "kind", "--root", str(lab)).stdout == "gitops/kind: up to date\n"
    base2 = envs / "base2.yaml"
    base2.write_text(base2.read_text().replace("prometheusRetention: 15d", "prometheusRetention: 7d"))
    result = run("render", "--env", "kind", "--root", str(lab))
    assert "written" in result.stdout
    assert "retention: 7d" in (lab / "gitops" / "kind" / "values.yaml").read_text()
