"""The suite's Helm memo (tests/helm_memo.py) renders each distinct input once, and never
answers for a chart whose bytes changed."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

import helm_memo
from labgen.helm_engine import EmbeddedHelm


@pytest.fixture
def real_calls(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    calls: list[str] = []
    real = helm_memo.REAL_RENDER

    def counted(helm: Any, chart: str, values: Any, **kwargs: str) -> tuple[dict[str, str], str]:
        calls.append(chart)
        return real(helm, chart, values, **kwargs)

    monkeypatch.setattr(helm_memo, "REAL_RENDER", counted)
    monkeypatch.setattr(helm_memo, "_RENDERS", {})
    return calls


def _chart(tmp_path: Path, project_root: Path) -> Path:
    chart = tmp_path / "olympic-lab"
    shutil.copytree(project_root / "charts" / "olympic-lab", chart)
    return chart


def test_a_repeated_render_is_the_sdks_own_output(tmp_path: Path, project_root: Path,
                                                  engine: EmbeddedHelm,
                                                  real_calls: list[str]) -> None:
    chart = _chart(tmp_path, project_root)
    first = engine.render(chart, {}, release="olympic-lab", namespace="olympic")
    again = engine.render(chart, {}, release="olympic-lab", namespace="olympic")
    assert again == first and len(real_calls) == 1
    other = engine.render(chart, {}, release="olympic-lab", namespace="elsewhere")
    assert other != first and len(real_calls) == 2


@pytest.mark.parametrize("edit", ["template", "values"])
def test_a_chart_whose_bytes_changed_renders_again(tmp_path: Path, project_root: Path,
                                                   engine: EmbeddedHelm, real_calls: list[str],
                                                   edit: str) -> None:
    chart = _chart(tmp_path, project_root)
    before = engine.render(chart, {}, release="olympic-lab", namespace="olympic")
    if edit == "template":
        (chart / "templates" / "memo-proof.yaml").write_text(
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: memo-proof\n")
    else:
        values = chart / "values.yaml"
        values.write_text(values.read_text() + "\n# a comment: the output stays, the bytes differ\n")
    after = engine.render(chart, {}, release="olympic-lab", namespace="olympic")
    assert len(real_calls) == 2
    if edit == "template":
        assert set(after) - set(before) == {"olympic-lab/templates/memo-proof.yaml"}


def test_packaged_charts_are_told_apart_by_their_bytes(tmp_path: Path) -> None:
    one, two = tmp_path / "a-1.0.0.tgz", tmp_path / "b-1.0.0.tgz"
    one.write_bytes(b"one")
    two.write_bytes(b"two")
    assert helm_memo.chart_digest(str(one)) != helm_memo.chart_digest(str(two))
    two.write_bytes(b"one")
    assert helm_memo.chart_digest(str(one)) == helm_memo.chart_digest(str(two))
