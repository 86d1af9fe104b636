"""A scenario edit changes every environment built on the edited file, and a layer that names
a scenario does not inherit the weights of a custom scenario below it."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import yaml_docs
from labgen.environment import load_environment

if TYPE_CHECKING:
    from conftest import WorkspaceFactory


def test_editing_oke_rerenders_the_workshop_built_on_it(rendered_lab: Path,
                                                        workspace: WorkspaceFactory) -> None:
    lab = rendered_lab
    ws = workspace(lab)
    edit = ws.change_traffic("oke", "custom", {"v1": 50, "v2": 30, "v3": 20})
    assert [tree.summary() for tree in edit.trees] == ["gitops/oke: 3 written, 0 removed",
                                                       "gitops/workshop: 31 written, 0 removed"]
    assert ws.check(all_envs=True).problems == 0
    team01 = yaml_docs.load((lab / "gitops/workshop/clusters/team-01/values.yaml").read_text())
    team02 = yaml_docs.load((lab / "gitops/workshop/clusters/team-02/values.yaml").read_text())
    assert team01["traffic"]["virtualService"]["weights"] == {"v1": 50, "v2": 30, "v3": 20}
    assert team02["traffic"]["scenario"] == "all-v3"  # its own override still wins
    assert team02["traffic"]["virtualService"]["weights"] == {"v3": 100}


def test_a_layer_naming_a_scenario_drops_inherited_custom_weights(tmp_path: Path) -> None:
    envs = tmp_path / "environments"
    envs.mkdir()
    (envs / "base.yaml").write_text(
        "abstract: true\nargocd:\n  repoURL: https://github.com/example-org/lab.git\n"
        "traffic:\n  scenario: custom\n  weights: {v1: 50, v2: 50}\n")
    (envs / "lab.yaml").write_text("extends: base\ntraffic:\n  scenario: all-v3\n")
    (envs / "tuned.yaml").write_text("extends: base\napps:\n  replicas: 1\n")
    assert load_environment(tmp_path, "lab").routes.weights == (("v3", 100),)
    assert load_environment(tmp_path, "tuned").routes.weights == (("v1", 50), ("v2", 50))
