"""labgen scenario: round-trip edits of environments/<env>.yaml, then a real re-render."""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

import yaml_docs

if TYPE_CHECKING:
    from conftest import Invoke


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file under ``root`` but labgen's lock and cache (.labgen-cache/, never in git)."""
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*")) if p.is_file() and ".labgen-cache" not in p.parts}


def changed_lines(before: str, after: str) -> list[str]:
    return [line for line in difflib.unified_diff(before.splitlines(), after.splitlines(),
                                                  lineterm="", n=0)
            if line[:1] in "+-" and not line.startswith(("+++", "---"))]


def values_weights(root: Path, env: str) -> dict[str, int]:
    values = yaml_docs.load((root / "gitops" / env / "values.yaml").read_text())
    return dict(values["traffic"]["virtualService"]["weights"])


def test_list_names_every_builtin_scenario_with_its_split(run: Invoke) -> None:
    result = run("scenario", "list")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert "canary      v1 80%, v2 15%, v3 5%" in lines
    assert "all-v3      v3 100%" in lines
    assert "v1-v2-half  v1 50%, v2 50%" in lines
    assert any(line.startswith("random ") for line in lines)
    assert any(line.startswith("custom ") for line in lines)


def test_show_reports_scenario_split_and_rollout_step(lab: Path, run: Invoke) -> None:
    result = run("scenario", "show", "--env", "oke", "--root", str(lab))
    assert result.exit_code == 0, result.stderr
    assert "scenario: canary" in result.stdout.splitlines()
    assert "backend-app: v1 80%, v2 15%, v3 5%" in result.stdout.splitlines()
    assert "rollout: step 1 of 3: v1 80%, v2 15%, v3 5%" in result.stdout.splitlines()
    kind = run("scenario", "show", "--env", "kind", "--root", str(lab))
    assert kind.exit_code == 0, kind.stderr
    assert "rollout:" not in kind.stdout  # kind declares no steps


def test_weights_change_only_the_scenario_lines_and_rerender(rendered_lab: Path, run: Invoke) -> None:
    env_file = rendered_lab / "environments" / "oke.yaml"
    before = env_file.read_text()
    base_before = (rendered_lab / "environments" / "base.yaml").read_bytes()
    kind_tree = snapshot(rendered_lab / "gitops" / "kind")

    result = run("scenario", "weights", "--env", "oke", "v1=50", "v2=30", "v3=20",
                 "--root", str(rendered_lab))
    assert result.exit_code == 0, result.stderr
    assert "backend-app: v1 80%, v2 15%, v3 5% -> v1 50%, v2 30%, v3 20%" in result.stdout
    after = env_file.read_text()
    assert changed_lines(before, after) == [
        "-  scenario: canary", "+  scenario: custom", "+  weights: {v1: 50, v2: 30, v3: 20}"]
    assert (rendered_lab / "environments" / "base.yaml").read_bytes() == base_before
    assert values_weights(rendered_lab, "oke") == {"v1": 50, "v2": 30, "v3": 20}
    assert snapshot(rendered_lab / "gitops" / "kind") == kind_tree
    # The written tree is exactly what `labgen render` gives: a re-render changes nothing.
    for flags in ([], ["--force"]):
        again = run("render", "--env", "oke", *flags, "--root", str(rendered_lab))
        assert again.stdout.strip() == "gitops/oke: up to date"


def test_set_back_to_the_builtin_restores_the_original_bytes(rendered_lab: Path, run: Invoke) -> None:
    env_file = rendered_lab / "environments" / "oke.yaml"
    original = env_file.read_bytes()
    values = (rendered_lab / "gitops" / "oke" / "values.yaml").read_bytes()
    assert run("scenario", "weights", "--env", "oke", "v1=90", "v3=10",
               "--root", str(rendered_lab)).exit_code == 0
    result = run("scenario", "set", "--env", "oke", "canary", "--root", str(rendered_lab))
    assert result.exit_code == 0, result.stderr
    assert env_file.read_bytes() == original
    assert (rendered_lab / "gitops" / "oke" / "values.yaml").read_bytes() == values


LAYOUT = """\
# yaml-language-server: $schema=./schema.json
# A hand-written environment: comments, quotes and blank lines must survive.
extends: base
description: 'Layout test'   # single-quoted on purpose

cluster:
  platform: kind
  kubernetesVersion: "1.34"


traffic:
  # Mid-rollout, by hand.
  scenario: "custom"   # quoted
  weights:
    v1: 70  # the old one
    v2: 20
    v3: 10
  # The header route comes after the split.
  headerRoute: {header: x-canary, exact: "yes", subset: v3}

observability:
  tracingSampling: 50   # half
"""


def test_round_trip_keeps_comments_quotes_and_blank_lines(lab: Path, run: Invoke) -> None:
    env_file = lab / "environments" / "layout.yaml"
    env_file.write_text(LAYOUT)

    result = run("scenario", "weights", "--env", "layout", "v1=40", "v2=40", "v3=20",
                 "--root", str(lab))
    assert result.exit_code == 0, result.stderr
    assert changed_lines(LAYOUT, env_file.read_text()) == [
        "-    v1: 70  # the old one", "-    v2: 20", "-    v3: 10",
        "+    v1: 40  # the old one", "+    v2: 40", "+    v3: 20"]

    result = run("scenario", "set", "--env", "layout", "all-v3", "--root", str(lab))
    assert result.exit_code == 0, result.stderr
    after = env_file.read_text()
    assert changed_lines(LAYOUT, after) == [
        '-  scenario: "custom"   # quoted', "-  weights:", "-    v1: 70  # the old one",
        "-    v2: 20", "-    v3: 10", '+  scenario: "all-v3"   # quoted']
    assert "  # The header route comes after the split.\n  headerRoute:" in after
    assert values_weights(lab, "layout") == {"v3": 100}


@pytest.mark.parametrize(("args", "message"), [
    (["v1=50", "v2=30", "v3=10"], "weights sum to 90, not 100"),
    (["v1=50", "v4=50"], "subset 'v4' does not exist; known subsets: v1, v2, v3"),
    (["v1=-5", "v2=105"], "weight of v1 must be an integer from 0 to 100, got '-5'"),
    (["v1=150", "v2=-50"], "weight of v1 must be an integer from 0 to 100, got 150"),
    (["v1=50.5", "v2=49.5"], "weight of v1 must be an integer from 0 to 100, got '50.5'"),
    (["v1=fifty", "v2=50"], "weight of v1 must be an integer from 0 to 100, got 'fifty'"),
    (["v1:50", "v2=50"], "'v1:50' is not SUBSET=PERCENT"),
    (["v1=50=50"], "'v1=50=50' is not SUBSET=PERCENT"),
    (["v1=50", "v1=50"], "subset 'v1' is given twice"),
    ([], "give weights as SUBSET=PERCENT"),
])
def test_invalid_weights_leave_every_file_byte_identical(
        rendered_lab: Path, run: Invoke, args: list[str], message: str) -> None:
    before = snapshot(rendered_lab)
    result = run("scenario", "weights", "--env", "oke", *args, "--root", str(rendered_lab))
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith("error: ") and message in result.stderr
    assert result.stderr.count("\n") == 1
    assert snapshot(rendered_lab) == before


def test_unknown_scenario_and_unknown_environment_are_refused(rendered_lab: Path, run: Invoke) -> None:
    before = snapshot(rendered_lab)
    bad = run("scenario", "set", "--env", "oke", "all-v4", "--root", str(rendered_lab))
    assert bad.exit_code == 2 and "unknown scenario 'all-v4'" in bad.stderr
    missing = run("scenario", "set", "--env", "nope", "canary", "--root", str(rendered_lab))
    assert missing.exit_code == 2 and "unknown environment 'nope'" in missing.stderr
    assert snapshot(rendered_lab) == before


def test_a_failed_render_restores_the_environment_file(rendered_lab: Path, run: Invoke) -> None:
    template = rendered_lab / "charts" / "olympic-lab" / "templates" / "zz-broken.yaml"
    template.write_text('{{ fail "broken on purpose" }}\n')
    before = snapshot(rendered_lab)
    result = run("scenario", "weights", "--env", "oke", "v1=50", "v2=50",
                 "--root", str(rendered_lab))
    assert result.exit_code == 2
    assert "broken on purpose" in result.stderr
    assert snapshot(rendered_lab) == before


def test_an_edit_names_the_environments_built_on_the_file(rendered_lab: Path, run: Invoke) -> None:
    result = run("scenario", "weights", "--env", "oke", "v1=50", "v2=30", "v3=20",
                 "--root", str(rendered_lab))
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[-3:] == [
        "gitops/oke: 3 written, 0 removed",
        "gitops/workshop: 31 written, 0 removed",
        "also changes: workshop (29 clusters), built on environments/oke.yaml"]


def test_show_lists_the_participants_who_override_the_scenario(lab: Path, run: Invoke) -> None:
    result = run("scenario", "show", "--env", "workshop", "--root", str(lab))
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[-2:] == [
        "participants: 29 of 30 follow this scenario",
        "  team-02: scenario all-v3: v3 100% (its override)"]


def test_envs_says_which_environments_change_with_another(lab: Path, run: Invoke) -> None:
    lines = run("envs", "--root", str(lab)).stdout.splitlines()
    assert lines[-1].startswith("workshop\t") and lines[-1].endswith("\tchanges with: oke")
    assert not any("changes with" in line for line in lines[:-1])
