"""Progressive rollout: labgen scenario promote/rollback walk traffic.steps."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest

import yaml_docs
from labgen.environment import load_environment
from labgen.errors import InputError
from labgen.rollout import rollout_of, same_split
from test_scenario_cli import snapshot

if TYPE_CHECKING:
    from conftest import Invoke, WorkspaceFactory


def traffic_of(root: Path) -> dict[str, object]:
    return dict(yaml_docs.load((root / "environments" / "oke.yaml").read_text())["traffic"])


def rendered_weights(root: Path) -> dict[str, int]:
    values = yaml_docs.load((root / "gitops" / "oke" / "values.yaml").read_text())
    return dict(values["traffic"]["virtualService"]["weights"])


def test_promote_walks_the_steps_and_stops_at_the_last(rendered_lab: Path,
                                                       workspace: WorkspaceFactory) -> None:
    ws = workspace(rendered_lab)
    first = ws.step("oke", +1)
    assert first.rollout == "step 2 of 3: v1 60%, v2 30%, v3 10%"
    assert traffic_of(rendered_lab)["scenario"] == "custom"
    assert traffic_of(rendered_lab)["weights"] == {"v1": 60, "v2": 30, "v3": 10}
    assert rendered_weights(rendered_lab) == {"v1": 60, "v2": 30, "v3": 10}

    assert ws.step("oke", +1).rollout == "step 3 of 3: v1 0%, v2 0%, v3 100%"
    assert rendered_weights(rendered_lab) == {"v1": 0, "v2": 0, "v3": 100}

    before = snapshot(rendered_lab)
    with pytest.raises(InputError) as past:
        ws.step("oke", +1)
    assert past.value.message == ("cannot promote oke: already at the last step "
                                  "(step 3 of 3: v1 0%, v2 0%, v3 100%)")
    assert snapshot(rendered_lab) == before


def test_promote_prints_the_step_and_refuses_past_the_end(rendered_lab: Path, run: Invoke) -> None:
    root = str(rendered_lab)
    first = run("scenario", "promote", "--env", "oke", "--root", root)
    assert first.exit_code == 0, first.stderr
    assert first.stdout.splitlines()[-1] == "rollout: step 2 of 3: v1 60%, v2 30%, v3 10%"
    past = run("scenario", "rollback", "--env", "oke", "--root", root)
    assert past.exit_code == 0, past.stderr
    again = run("scenario", "rollback", "--env", "oke", "--root", root)
    assert again.exit_code == 2
    assert again.stderr == ("error: cannot roll back oke: already at the first step "
                            "(step 1 of 3: v1 80%, v2 15%, v3 5%)\n")


def test_rollback_walks_back_and_stops_at_the_first(rendered_lab: Path, workspace: WorkspaceFactory) -> None:
    ws = workspace(rendered_lab)
    original = (rendered_lab / "environments" / "oke.yaml").read_text()
    with pytest.raises(InputError, match="already at the first step"):
        ws.step("oke", -1)
    for _ in range(2):
        ws.step("oke", +1)
    assert ws.step("oke", -1).rollout == "step 2 of 3: v1 60%, v2 30%, v3 10%"
    assert ws.step("oke", -1).rollout == "step 1 of 3: v1 80%, v2 15%, v3 5%"
    assert rendered_weights(rendered_lab) == {"v1": 80, "v2": 15, "v3": 5}
    # Step 1 is written as custom weights; only the traffic lines moved.
    text = (rendered_lab / "environments" / "oke.yaml").read_text()
    assert text == original.replace("  scenario: canary\n",
                                    "  scenario: custom\n  weights: {v1: 80, v2: 15, v3: 5}\n")
    assert ws.traffic("oke").rollout == "step 1 of 3: v1 80%, v2 15%, v3 5%"


def test_a_split_that_matches_no_step_is_refused(rendered_lab: Path, workspace: WorkspaceFactory) -> None:
    ws = workspace(rendered_lab)
    ws.change_traffic("oke", "custom", {"v1": 50, "v2": 50})
    assert ws.traffic("oke").rollout == ("the current split (v1 50%, v2 50%) matches none of "
                                         "the 3 steps of traffic.steps")
    before = snapshot(rendered_lab)
    for delta in (+1, -1):
        with pytest.raises(InputError, match="matches none of the 3 steps"):
            ws.step("oke", delta)
        assert snapshot(rendered_lab) == before


def test_a_builtin_scenario_counts_as_the_step_it_equals(rendered_lab: Path,
                                                         workspace: WorkspaceFactory) -> None:
    ws = workspace(rendered_lab)
    ws.change_traffic("oke", "all-v3")
    rollout = rollout_of(load_environment(rendered_lab, "oke"))
    assert rollout.current == 2  # all-v3 == {v1: 0, v2: 0, v3: 100}
    assert rollout.describe() == "step 3 of 3: v1 0%, v2 0%, v3 100%"
    ws.step("oke", -1)
    assert traffic_of(rendered_lab)["weights"] == {"v1": 60, "v2": 30, "v3": 10}


def test_an_environment_without_steps_has_no_rollout(lab: Path, workspace: WorkspaceFactory) -> None:
    with pytest.raises(InputError, match=r"declares no traffic\.steps"):
        rollout_of(load_environment(lab, "kind"))
    before = snapshot(lab)
    with pytest.raises(InputError, match=r"declares no traffic\.steps"):
        workspace(lab).step("kind", +1)
    assert snapshot(lab) == before


@pytest.mark.parametrize(("a", "b", "same"), [
    ({"v1": 0, "v3": 100}, {"v3": 100}, True),
    ({"v1": 80, "v2": 20}, {"v2": 20, "v1": 80}, True),
    ({"v1": 80, "v2": 20}, {"v1": 20, "v2": 80}, False),
    ({"v1": 100}, {"v1": 100, "v2": 0, "v3": 0}, True),
])
def test_zero_weights_equal_subsets_left_out(a: dict[str, int], b: dict[str, int], same: bool) -> None:
    assert same_split(a, b) is same
