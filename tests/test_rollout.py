"""Progressive rollout: labgen scenario promote/rollback walk traffic.steps."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from labgen.environment import load_environment
from labgen.errors import InputError
from labgen.rollout import rollout_of, same_split
from test_scenario_cli import snapshot


@pytest.fixture
def rendered_lab(lab: Path, run) -> Path:
    result = run("render", "--env", "oke", "--root", str(lab))
    assert result.exit_code == 0, result.stderr
    return lab


def traffic_of(root: Path) -> dict[str, object]:
    return dict(yaml.safe_load((root / "environments" / "oke.yaml").read_text())["traffic"])


def rendered_weights(root: Path) -> dict[str, int]:
    values = yaml.safe_load((root / "gitops" / "oke" / "values.yaml").read_text())
    return dict(values["traffic"]["virtualService"]["weights"])


def test_promote_walks_the_steps_and_stops_at_the_last(rendered_lab: Path, run) -> None:
    root = str(rendered_lab)
    first = run("scenario", "promote", "--env", "oke", "--root", root)
    assert first.exit_code == 0, first.stderr
    assert "rollout: step 2 of 3: v1 60%, v2 30%, v3 10%" in first.stdout.splitlines()
    assert traffic_of(rendered_lab)["scenario"] == "custom"
    assert traffic_of(rendered_lab)["weights"] == {"v1": 60, "v2": 30, "v3": 10}
    assert rendered_weights(rendered_lab) == {"v1": 60, "v2": 30, "v3": 10}

    second = run("scenario", "promote", "--env", "oke", "--root", root)
    assert second.exit_code == 0, second.stderr
    assert "rollout: step 3 of 3: v1 0%, v2 0%, v3 100%" in second.stdout.splitlines()
    assert rendered_weights(rendered_lab) == {"v1": 0, "v2": 0, "v3": 100}

    before = snapshot(rendered_lab)
    past = run("scenario", "promote", "--env", "oke", "--root", root)
    assert past.exit_code == 2
    assert past.stderr == ("error: cannot promote oke: already at the last step "
                           "(step 3 of 3: v1 0%, v2 0%, v3 100%)\n")
    assert snapshot(rendered_lab) == before


def test_rollback_walks_back_and_stops_at_the_first(rendered_lab: Path, run) -> None:
    root = str(rendered_lab)
    original = (rendered_lab / "environments" / "oke.yaml").read_text()
    past = run("scenario", "rollback", "--env", "oke", "--root", root)
    assert past.exit_code == 2
    assert past.stderr == ("error: cannot roll back oke: already at the first step "
                           "(step 1 of 3: v1 80%, v2 15%, v3 5%)\n")
    for _ in range(2):
        assert run("scenario", "promote", "--env", "oke", "--root", root).exit_code == 0
    back = run("scenario", "rollback", "--env", "oke", "--root", root)
    assert back.exit_code == 0, back.stderr
    assert "rollout: step 2 of 3: v1 60%, v2 30%, v3 10%" in back.stdout.splitlines()
    back = run("scenario", "rollback", "--env", "oke", "--root", root)
    assert "rollout: step 1 of 3: v1 80%, v2 15%, v3 5%" in back.stdout.splitlines()
    assert rendered_weights(rendered_lab) == {"v1": 80, "v2": 15, "v3": 5}
    # Step 1 is written as custom weights; only the traffic lines moved.
    text = (rendered_lab / "environments" / "oke.yaml").read_text()
    assert text == original.replace("  scenario: canary\n",
                                    "  scenario: custom\n  weights: {v1: 80, v2: 15, v3: 5}\n")
    show = run("scenario", "show", "--env", "oke", "--root", root)
    assert "rollout: step 1 of 3: v1 80%, v2 15%, v3 5%" in show.stdout.splitlines()


def test_a_split_that_matches_no_step_is_refused(rendered_lab: Path, run) -> None:
    root = str(rendered_lab)
    assert run("scenario", "weights", "--env", "oke", "v1=50", "v2=50", "--root", root).exit_code == 0
    show = run("scenario", "show", "--env", "oke", "--root", root)
    assert ("rollout: the current split (v1 50%, v2 50%) matches none of the 3 steps of "
            "traffic.steps") in show.stdout.splitlines()
    before = snapshot(rendered_lab)
    for verb in ("promote", "rollback"):
        result = run("scenario", verb, "--env", "oke", "--root", root)
        assert result.exit_code == 2
        assert "matches none of the 3 steps" in result.stderr
        assert snapshot(rendered_lab) == before


def test_a_builtin_scenario_counts_as_the_step_it_equals(rendered_lab: Path, run) -> None:
    assert run("scenario", "set", "--env", "oke", "all-v3", "--root", str(rendered_lab)).exit_code == 0
    rollout = rollout_of(load_environment(rendered_lab, "oke"))
    assert rollout.current == 2  # all-v3 == {v1: 0, v2: 0, v3: 100}
    assert rollout.describe() == "step 3 of 3: v1 0%, v2 0%, v3 100%"
    back = run("scenario", "rollback", "--env", "oke", "--root", str(rendered_lab))
    assert back.exit_code == 0, back.stderr
    assert traffic_of(rendered_lab)["weights"] == {"v1": 60, "v2": 30, "v3": 10}


def test_an_environment_without_steps_has_no_rollout(lab: Path, run) -> None:
    with pytest.raises(InputError, match=r"declares no traffic\.steps"):
        rollout_of(load_environment(lab, "kind"))
    before = snapshot(lab)
    result = run("scenario", "promote", "--env", "kind", "--root", str(lab))
    assert result.exit_code == 2 and "declares no traffic.steps" in result.stderr
    assert snapshot(lab) == before


@pytest.mark.parametrize(("a", "b", "same"), [
    ({"v1": 0, "v3": 100}, {"v3": 100}, True),
    ({"v1": 80, "v2": 20}, {"v2": 20, "v1": 80}, True),
    ({"v1": 80, "v2": 20}, {"v1": 20, "v2": 80}, False),
    ({"v1": 100}, {"v1": 100, "v2": 0, "v3": 0}, True),
])
def test_zero_weights_equal_subsets_left_out(a: dict[str, int], b: dict[str, int], same: bool) -> None:
    assert same_split(a, b) is same
