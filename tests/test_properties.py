"""Property-based tests (hypothesis): weights, rollout steps, environment merging."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from labgen.environment import load_environment
from labgen.errors import InputError
from labgen.rollout import rollout_of
from labgen.scenarios import ScenarioError, check_weights
from labgen.typed_config import deep_merge

SUBSETS = {"v1", "v2", "v3"}
OK = "argocd:\n  repoURL: https://github.com/example-org/lab.git\n"


@st.composite
def splits(draw: st.DrawFn, subsets: tuple[str, ...] = ("v1", "v2", "v3")) -> dict[str, int]:
    """A valid split: integer weights over some of the subsets, summing to 100."""
    chosen = draw(st.lists(st.sampled_from(subsets), min_size=1, max_size=len(subsets), unique=True))
    cuts = sorted(draw(st.lists(st.integers(0, 100), min_size=len(chosen) - 1,
                                max_size=len(chosen) - 1)))
    bounds = [0, *cuts, 100]
    return {subset: bounds[i + 1] - bounds[i] for i, subset in enumerate(chosen)}


@given(splits())
def test_valid_splits_are_accepted(split: dict[str, int]) -> None:
    check_weights(split, SUBSETS, ("traffic", "weights"))


@given(st.dictionaries(st.sampled_from(["v1", "v2", "v3", "v4", "x"]),
                       st.one_of(st.integers(-200, 300), st.floats(allow_nan=False), st.booleans(),
                                 st.text(max_size=3)), min_size=1, max_size=5))
def test_weights_are_accepted_exactly_when_valid(weights: dict[str, Any]) -> None:
    valid = (set(weights) <= SUBSETS
             and all(type(w) is int and 0 <= w <= 100 for w in weights.values())
             and sum(weights.values()) == 100)
    if valid:
        check_weights(weights, SUBSETS, ("traffic", "weights"))
    else:
        with pytest.raises(ScenarioError):
            check_weights(weights, SUBSETS, ("traffic", "weights"))


def _flow(weights: dict[str, int]) -> str:
    return "{" + ", ".join(f"{k}: {v}" for k, v in sorted(weights.items())) + "}"


def _same(a: dict[str, int], b: dict[str, int]) -> bool:
    return {k: v for k, v in a.items() if v} == {k: v for k, v in b.items() if v}


@settings(max_examples=40, deadline=None)
@given(st.lists(splits(), min_size=1, max_size=5), st.data())
def test_promote_and_rollback_walk_the_steps(steps: list[dict[str, int]], data: st.DataObject) -> None:
    distinct: list[dict[str, int]] = []
    for step in steps:
        if not any(_same(step, seen) for seen in distinct):
            distinct.append(step)
    index = data.draw(st.integers(0, len(distinct) - 1))
    text = (OK + "traffic:\n  scenario: custom\n  weights: " + _flow(distinct[index]) + "\n  steps:\n"
            + "".join(f"    - {_flow(step)}\n" for step in distinct))
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "environments").mkdir()
        (Path(tmp) / "environments" / "lab.yaml").write_text(text)
        rollout = rollout_of(load_environment(Path(tmp), "lab"))
    assert rollout.current == index
    if index + 1 < len(distinct):
        assert _same(rollout.target(+1), distinct[index + 1])
    else:
        with pytest.raises(InputError, match="already at the last step"):
            rollout.target(+1)
    if index > 0:
        assert _same(rollout.target(-1), distinct[index - 1])
    else:
        with pytest.raises(InputError, match="already at the first step"):
            rollout.target(-1)


keys = st.sampled_from(["a", "b", "c", "d"])
leaves = st.one_of(st.integers(), st.text(max_size=3), st.booleans(), st.lists(st.integers(), max_size=2))
trees = st.recursive(leaves, lambda children: st.dictionaries(keys, children, max_size=3), max_leaves=8)
mappings = st.dictionaries(keys, trees, max_size=4)


@given(mappings)
def test_merging_nothing_changes_nothing(base: dict[str, Any]) -> None:
    assert deep_merge(base, {}) == base
    assert deep_merge({}, base) == base


@given(mappings, mappings, mappings)
def test_layering_is_associative(a: dict[str, Any], b: dict[str, Any], c: dict[str, Any]) -> None:
    assert deep_merge(deep_merge(a, b), c) == deep_merge(a, deep_merge(b, c))


@given(mappings, mappings)
def test_the_later_layer_wins_and_nothing_is_lost(base: dict[str, Any], over: dict[str, Any]) -> None:
    merged = deep_merge(base, over)
    assert set(merged) == set(base) | set(over)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(base.get(key), dict):
            assert merged[key] == deep_merge(base[key], value)
        else:
            assert merged[key] == value


@given(mappings, st.sets(keys))
def test_null_removes_an_inherited_key(base: dict[str, Any], dropped: set[str]) -> None:
    merged = deep_merge(base, dict.fromkeys(dropped))
    assert set(merged) == set(base) - dropped
    assert deep_merge(base, dict.fromkeys(dropped), null_deletes=False) == {**base, **dict.fromkeys(dropped)}
