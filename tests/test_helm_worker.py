"""The embedded Helm SDK in a helper process (:mod:`labgen.helm_worker`), the engine of a
render that the console script runs: the same SDK call as in-process, so the same output
and the same refusals; started only where a process runs one command."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click
import pytest

import labgen.commands
from labgen import FRESH_PROCESS
from labgen.chart_values import CHART_PATH, RELEASE_NAME
from labgen.errors import HelmError
from labgen.helm_engine import EmbeddedHelm
from labgen.helm_worker import WorkerHelm
from labgen.options import workspace
from labgen.workspace import Workspace
from labgen.yaml_io import safe_load


@pytest.fixture(scope="module")
def worker() -> Iterator[WorkerHelm]:
    helper = WorkerHelm()
    yield helper
    helper.close()


def _oke_values(root: Path) -> Any:
    return safe_load((root / "gitops" / "oke" / "values.yaml").read_text(encoding="utf-8"))


def _render(helm: WorkerHelm | EmbeddedHelm, root: Path, values: Any) -> dict[str, str]:
    return helm.render(root / CHART_PATH, values, release=RELEASE_NAME, namespace="olympic")


def test_the_umbrella_renders_as_it_does_in_process(worker: WorkerHelm, engine: EmbeddedHelm,
                                                     project_root: Path) -> None:
    values = _oke_values(project_root)
    rendered = _render(worker, project_root, values)
    assert len(rendered) > 50
    assert rendered == _render(engine, project_root, values)


def test_helms_refusal_is_the_same_helm_error(worker: WorkerHelm, engine: EmbeddedHelm,
                                              project_root: Path) -> None:
    values = _oke_values(project_root)
    values["olympic-apps"]["frontend"]["replicas"] = "many"  # the subchart's schema refuses it
    with pytest.raises(HelmError) as in_process:
        _render(engine, project_root, values)
    with pytest.raises(HelmError) as helper:
        _render(worker, project_root, values)
    assert "replicas" in helper.value.message
    assert helper.value.message == in_process.value.message


def test_the_helper_answers_request_after_request(worker: WorkerHelm, project_root: Path) -> None:
    values = _oke_values(project_root)
    first = _render(worker, project_root, values)
    values["olympic-apps"]["frontend"]["replicas"] = 3
    second = _render(worker, project_root, values)
    changed = [path for path in first if first[path] != second[path]]
    assert changed == ["olympic-lab/charts/olympic-apps/templates/deployment.yaml"]
    assert "replicas: 3" in second[changed[0]]


def test_meanwhile_runs_once_while_the_helper_renders(project_root: Path) -> None:
    calls: list[int | None] = []
    helper = WorkerHelm(meanwhile=lambda: calls.append(helper._process.poll()))
    try:
        values = _oke_values(project_root)
        _render(helper, project_root, values)
        _render(helper, project_root, values)
    finally:
        helper.close()
    assert calls == [None]  # once, with the helper alive
    assert helper._process.returncode == 0


def test_a_helper_that_died_is_a_helm_error(project_root: Path) -> None:
    helper = WorkerHelm()
    helper._process.kill()
    helper._process.wait()
    with pytest.raises(HelmError, match=r"the Helm helper process exited with code -9 before "
                                        r"it answered; run again, or render with --helm-binary"):
        _render(helper, project_root, _oke_values(project_root))


BROKEN_SDK = 'raise OSError("libhelm.so: cannot open shared object file")\n'


def test_a_helper_that_cannot_load_the_sdk_answers_with_one_line(
        project_root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capfd: pytest.CaptureFixture[str]) -> None:
    """Fault injection: the helper's ``import helm_python`` fails as a broken install's
    would. The render gets a HelmError saying so; the helper prints no traceback."""
    (tmp_path / "helm_python.py").write_text(BROKEN_SDK, encoding="utf-8")
    monkeypatch.setenv("PYTHONPATH", f"{tmp_path}{os.pathsep}{os.environ.get('PYTHONPATH', '')}")
    helper = WorkerHelm()
    try:
        with pytest.raises(HelmError, match=r"^cannot load the embedded Helm SDK "
                           r"\(helm-python-sdk\): libhelm.so: cannot open shared object file; "
                           r"reinstall labgen, or render with --helm-binary PATH$"):
            _render(helper, project_root, _oke_values(project_root))
    finally:
        assert helper.close() == 0
    assert "Traceback" not in capfd.readouterr().err


def test_in_process_a_broken_sdk_is_the_same_helm_error(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "helm_python", None)  # import raises ImportError
    with pytest.raises(HelmError, match=r"^cannot load the embedded Helm SDK"):
        EmbeddedHelm()


def test_only_a_fresh_process_renders_through_a_helper(lab: Path) -> None:
    command = click.Command("render")
    with click.Context(command, obj={FRESH_PROCESS: True}):
        started = workspace(lab)
        started.start_engine()
        helper = started.engine
        assert isinstance(helper, WorkerHelm)
        helper.close()
    with click.Context(command):  # labgen under CliRunner, or a library's own Workspace
        in_process = workspace(lab)
        in_process.start_engine()
        assert isinstance(in_process.engine, EmbeddedHelm)


def test_every_command_gets_its_workspace_where_the_helper_is_decided() -> None:
    """``options.workspace`` alone knows whether this process runs one command; a command
    that built its own ``Workspace`` would render in-process (``validate`` did)."""
    commands = Path(labgen.commands.__file__).parent
    building = [module.name for module in sorted(commands.glob("*.py"))
                if "Workspace(" in module.read_text(encoding="utf-8")]
    assert building == []
    assert "workspace(" in (commands / "validate.py").read_text(encoding="utf-8")


def test_ctrl_c_reaches_labgen_not_the_helper() -> None:
    helper = WorkerHelm()
    try:
        assert os.getsid(helper._process.pid) != os.getsid(0)  # outside the terminal's group
    finally:
        helper.close()


@pytest.mark.parametrize(("limit", "through"), [(3, WorkerHelm), (2, EmbeddedHelm)])
def test_many_environments_render_in_process(lab: Path, monkeypatch: pytest.MonkeyPatch,
                                             limit: int, through: type) -> None:
    monkeypatch.setattr("labgen.workspace.HELPER_RENDERS", limit)
    root = Workspace(lab, helm_helper=True)
    trees = root.render(all_envs=True, force=True)
    assert [tree.name for tree in trees] == ["kind", "oke", "workshop"]
    helm = root.engine
    assert isinstance(helm, through)
    if isinstance(helm, WorkerHelm):
        helm.close()
