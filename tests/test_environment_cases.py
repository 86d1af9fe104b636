"""Environment inputs: every folder under tests/cases/ is one parametrized case.

invalid/<case>/ holds environments/ (and args.txt when the command is not
``render --env broken``) and expected.txt, the exact line(s) labgen must print
(one per error of the file, at most 20).
valid/<case>/ holds environments/lab.yaml (and its layers) and expected.txt.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from labgen.environment import load_environment

if TYPE_CHECKING:
    from conftest import Invoke

CASES = Path(__file__).parent / "cases"
INVALID = sorted(p for p in (CASES / "invalid").iterdir() if p.is_dir())
VALID = sorted(p for p in (CASES / "valid").iterdir() if p.is_dir())


def _snapshot(root: Path) -> dict[str, bytes]:
    """Every file but labgen's lock and cache (.labgen-cache/, ignored by git)."""
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and not p.is_symlink() and ".labgen-cache" not in p.parts}


@pytest.mark.parametrize("case", INVALID, ids=[p.name for p in INVALID])
def test_invalid_input_prints_its_lines_and_writes_nothing(case: Path, tmp_path: Path, run: Invoke) -> None:
    root = tmp_path / case.name
    shutil.copytree(case, root, symlinks=True)
    before = _snapshot(root)
    args_file = root / "args.txt"
    args = args_file.read_text().split() if args_file.exists() else ["render", "--env", "broken"]

    result = run(*args, "--root", str(root))

    expected = (case / "expected.txt").read_text()
    assert result.exit_code == 2
    assert result.stderr == expected
    assert 1 <= len(expected.splitlines()) <= 20  # every error of the file at once, at most 20
    assert result.stdout == ""
    assert not (root / "gitops").exists()
    assert _snapshot(root) == before


def test_invalid_case_corpus_is_large() -> None:
    assert len(INVALID) >= 40


def test_very_large_file_is_refused(tmp_path: Path, run: Invoke) -> None:
    env_dir = tmp_path / "environments"
    env_dir.mkdir()
    (env_dir / "big.yaml").write_text("description: x\n" + "# padding\n" * 120_000)
    result = run("render", "--env", "big", "--root", str(tmp_path))
    assert result.exit_code == 2
    assert result.stderr == ("error: environments/big.yaml: file is more than the 1000000 bytes "
                             "labgen accepts; split it or remove the bulk\n")
    assert not (tmp_path / "gitops").exists()


@pytest.mark.parametrize("case", VALID, ids=[p.name for p in VALID])
def test_valid_environment_loads(case: Path) -> None:
    env = load_environment(case, "lab")
    summary = (
        f"files: {', '.join(env.files)}\nscenario: {env.routes.scenario}\n"
        f"routes: {env.routes.describe()}\nheader: {env.routes.header_match}\n"
    )
    assert summary == (case / "expected.txt").read_text()


def test_environment_is_immutable(project_root: Path) -> None:
    env = load_environment(project_root, "oke")
    with pytest.raises(AttributeError):
        env.spec.traffic.scenario = "all-v3"  # type: ignore[misc]
    with pytest.raises(TypeError):
        env.spec.expose.node_ports["grafana"] = 1  # type: ignore[index]


def test_unknown_env_lists_available(lab: Path, run: Invoke) -> None:
    result = run("render", "--env", "nope", "--root", str(lab))
    assert result.exit_code == 2
    assert result.stderr == ("error: environments/nope.yaml: unknown environment 'nope'; "
                             "available: kind, oke, workshop\n")


def test_shipped_environments(project_root: Path) -> None:
    oke = load_environment(project_root, "oke")
    assert oke.spec.cluster.platform == "oke"
    assert oke.routes.weights == (("v1", 80), ("v2", 15), ("v3", 5))
    assert oke.spec.observability.loki_storage.storage_class == "oci-bv"
    assert dict(oke.spec.expose.node_ports) == {
        "grafana": 30300, "kiali": 30201, "prometheus": 30090, "tracing": 30686}
    kind = load_environment(project_root, "kind")
    assert kind.spec.expose.mode == "clusterIP"
    assert kind.files == ("environments/base.yaml", "environments/kind.yaml")
