"""``abstract: true`` marks a layer on any level of an ``extends`` chain; it is never inherited."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from labgen.env_files import available_environments
from labgen.environment import load_environment
from labgen.errors import InputError

if TYPE_CHECKING:
    from conftest import WorkspaceFactory

REPO = "argocd:\n  repoURL: https://github.com/example-org/lab.git\n"


@pytest.fixture
def chain(tmp_path: Path, project_root: Path) -> Path:
    """top (abstract) <- mid (abstract, extends top) <- leaf; and solo (abstract, no parent)."""
    envs = tmp_path / "environments"
    envs.mkdir()
    shutil.copytree(project_root / "charts", tmp_path / "charts")
    (envs / "top.yaml").write_text(f"abstract: true\n{REPO}cluster: {{platform: kind}}\n")
    (envs / "mid.yaml").write_text("extends: top\nabstract: true\napps: {replicas: 1}\n")
    (envs / "leaf.yaml").write_text("extends: mid\ndescription: the one to render\n")
    (envs / "plain.yaml").write_text("extends: top\n")
    return tmp_path


def test_only_environments_that_are_not_layers_are_listed(chain: Path) -> None:
    assert available_environments(chain) == ["leaf", "plain"]


@pytest.mark.parametrize(("name", "line"), [("top", 1), ("mid", 2)])
def test_a_layer_is_refused_whatever_it_extends(chain: Path, name: str, line: int) -> None:
    with pytest.raises(InputError) as refused:
        load_environment(chain, name)
    assert refused.value.message == (
        f"environments/{name}.yaml:{line}: environment '{name}' is a layer (abstract: true); "
        "render an environment that extends it")


def test_abstract_is_not_inherited_and_the_chain_still_merges(chain: Path) -> None:
    leaf = load_environment(chain, "leaf")
    assert leaf.files == ("environments/top.yaml", "environments/mid.yaml", "environments/leaf.yaml")
    assert leaf.spec.apps.replicas == 1 and leaf.spec.cluster.platform == "kind"
    assert load_environment(chain, "plain").spec.apps.replicas == 2


def test_check_says_a_tree_of_a_layer_is_orphaned_because_it_is_a_layer(chain: Path,
                                                                        workspace: WorkspaceFactory) -> None:
    ws = workspace(chain)
    ws.render(all_envs=True)
    (chain / "gitops" / "mid").mkdir()
    (chain / "gitops" / "mid" / "values.yaml").write_text("# left from before mid was a layer\n")
    report = ws.check(all_envs=True)
    assert [str(d) for d in report.orphans] == [
        "gitops/mid/: no environment renders it (environments/mid.yaml is an abstract layer); "
        "delete the folder"]
