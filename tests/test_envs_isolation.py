"""A broken environment file affects only the commands that need it: ``labgen envs`` lists
every environment, marking a broken one with its one-line error (exit 0: the listing
itself succeeded; a warning on stderr names them), and the others render and check."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from conftest import Invoke

BROKEN = {
    "types.yaml": ("extends: kind\napps: {replicas: lots}\nnope: 1\n",
                   "broken: environments/types.yaml:2: apps.replicas: expected an integer, got "
                   "a string ('lots') (and 1 more)"),
    "syntax.yaml": ("a: [\n", "broken: environments/syntax.yaml:2: invalid YAML: expected the "
                              "node content, but found '<stream end>'"),
    "cycle.yaml": ("extends: cycle\n", "broken: environments/cycle.yaml:1: 'extends' forms a "
                                       "cycle (cycle -> cycle); remove one of the links"),
    "binary.yaml": ("\x00\x01", "broken: environments/binary.yaml"),
    "Bad_Name.yaml": ("x: 1\n", "broken: environments/Bad_Name.yaml: 'Bad_Name' is not an "
                                "environment name"),
    "old.yml": ("x: 1\n", "broken: environments/old.yml: environment files end in .yaml"),
}


def test_envs_lists_every_environment_and_marks_the_broken_ones(lab: Path, run: Invoke) -> None:
    healthy = run("envs", "--root", str(lab)).stdout.splitlines()
    for name, (text, _) in BROKEN.items():
        (lab / "environments" / name).write_text(text)
    result = run("envs", "--root", str(lab))
    assert result.exit_code == 0
    rows = {line.split("\t")[0]: line for line in result.stdout.splitlines()}
    assert [rows[line.split("\t")[0]] for line in healthy] == healthy  # unchanged rows
    for name, (_, marked) in BROKEN.items():
        row = rows[name.removesuffix(".yaml")]
        assert row.split("\t")[2].startswith(marked), row
        assert all(part.isprintable() for part in row.split("\t")), row
    assert result.stderr == ("warning: 6 environment(s) cannot be loaded (Bad_Name, binary, "
                             "cycle, old.yml, syntax, types); commands that need them exit 2 "
                             "until they are fixed\n")


@pytest.mark.parametrize("command", [("render", "--env", "kind"), ("check", "--env", "kind"),
                                     ("scenario", "show", "--env", "kind"),
                                     ("access", "--env", "kind")])
def test_a_broken_file_does_not_stop_commands_about_the_others(
        lab: Path, run: Invoke, command: tuple[str, ...]) -> None:
    for name, (text, _) in BROKEN.items():
        if name != "Bad_Name.yaml" and name != "old.yml":
            (lab / "environments" / name).write_text(text)
    assert run("render", "--env", "kind", "--root", str(lab)).exit_code == 0
    result = run(*command, "--root", str(lab))
    assert result.exit_code == 0, result.stderr
    assert "types.yaml" not in result.output and "syntax.yaml" not in result.output


def test_the_command_that_needs_a_broken_file_exits_2_with_its_line(
        lab: Path, run: Invoke) -> None:
    (lab / "environments" / "types.yaml").write_text(BROKEN["types.yaml"][0])
    result = run("render", "--env", "types", "--root", str(lab))
    assert result.exit_code == 2
    assert result.stderr.startswith("error: environments/types.yaml:2: apps.replicas:")
