"""A value Helm drops while merging values is an input error, not a stray line on stderr.

Helm's Go code logs "warning: cannot overwrite table with non table for ..." to the
process's stderr and renders on without the value. Both engines turn that into a
HelmError naming the values path, and nothing reaches fd 2.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from labgen.errors import HelmError
from labgen.helm_engine import CliHelm, EmbeddedHelm, HelmEngine

CHART = """apiVersion: v2
name: {name}
version: 0.1.0
"""
DEPENDENCY = """dependencies:
  - name: olympic-apps
    version: 0.1.0
"""
VALUES = """frontend:
  replicas: 2
"""
TEMPLATE = """apiVersion: v1
kind: ConfigMap
metadata:
  name: frontend
data:
  release: {{ .Release.Name | quote }}
"""


def _chart(tmp_path: Path) -> Path:
    """An umbrella and its subchart without values.schema.json: nothing refuses a value
    before Helm merges the umbrella's values into the subchart's."""
    chart = tmp_path / "olympic-lab"
    sub = chart / "charts" / "olympic-apps"
    (sub / "templates").mkdir(parents=True)
    (chart / "Chart.yaml").write_text(CHART.format(name="olympic-lab") + DEPENDENCY)
    (sub / "Chart.yaml").write_text(CHART.format(name="olympic-apps"))
    (sub / "values.yaml").write_text(VALUES)
    (sub / "templates" / "configmap.yaml").write_text(TEMPLATE)
    return chart


def _engines(engine: EmbeddedHelm, helm_binary: str | None) -> list[HelmEngine]:
    return [engine, *([CliHelm(helm_binary)] if helm_binary else [])]


@pytest.fixture
def cli_binary(request: pytest.FixtureRequest) -> str | None:
    try:
        return str(request.getfixturevalue("helm_binary"))
    except pytest.skip.Exception:
        return None


def test_a_table_replaced_by_a_number_is_refused_by_both_engines(
        tmp_path: Path, engine: EmbeddedHelm, cli_binary: str | None,
        capfd: pytest.CaptureFixture[str]) -> None:
    chart = _chart(tmp_path)
    for helm in _engines(engine, cli_binary):
        with pytest.raises(HelmError, match=r"helm ignored a value: warning: cannot overwrite "
                                            r"table with non table for olympic-lab\.olympic-apps\.frontend"):
            helm.render(chart, {"olympic-apps": {"frontend": 3}}, release="olympic-lab",
                        namespace="olympic")
    assert capfd.readouterr().err == ""


def test_matching_values_render_and_log_nothing(tmp_path: Path, engine: EmbeddedHelm,
                                                capfd: pytest.CaptureFixture[str]) -> None:
    rendered = engine.render(_chart(tmp_path), {"olympic-apps": {"frontend": {"replicas": 3}}},
                             release="olympic-lab", namespace="olympic")
    assert 'release: "olympic-lab"' in rendered[
        "olympic-lab/charts/olympic-apps/templates/configmap.yaml"]
    assert capfd.readouterr().err == ""


def test_the_ignored_path_is_blamed_on_the_helm_values_key() -> None:
    from labgen.helm_blame import failing_path

    message = ("helm failed to render charts/olympic-lab: helm ignored a value: warning: cannot "
               "overwrite table with non table for olympic-lab.olympic-apps.frontend (map[])")
    found = failing_path(message)
    assert found is not None
    assert found[0] == ("olympic-apps", "frontend")
