"""The console-script entry point ends the process itself (``os._exit``, no interpreter
teardown): its exit codes and every line of its output must survive that."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def _labgen(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "labgen", *args], capture_output=True,
                          text=True, check=False, timeout=120)


def test_output_written_to_a_pipe_is_flushed_before_exit(lab: Path) -> None:
    done = _labgen("envs", "--root", str(lab))
    assert done.returncode == 0
    assert [line.split("\t")[0] for line in done.stdout.splitlines()] == ["kind", "oke", "workshop"]


def test_an_input_error_exits_2_with_its_line(lab: Path) -> None:
    done = _labgen("render", "--env", "nope", "--root", str(lab))
    assert done.returncode == 2
    assert done.stderr.startswith("error: environments/nope.yaml: unknown environment 'nope'")
    assert done.stdout == ""


def test_a_usage_error_exits_2_and_help_exits_0() -> None:
    assert _labgen("render", "--no-such-option").returncode == 2
    shown = _labgen("--help")
    assert shown.returncode == 0
    assert shown.stdout.startswith("Usage: labgen")
