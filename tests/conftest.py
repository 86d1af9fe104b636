"""Shared fixtures: the project's folders, a lab copy in tmp_path, a CLI runner."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from labgen.cli import cli

PROJECT = Path(__file__).resolve().parents[1]
SHARED = PROJECT.parent / "shared"


@pytest.fixture(scope="session")
def project_root() -> Path:
    """The labgen checkout (read only: tests never write here)."""
    return PROJECT


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """``../shared``: upstream CRDs and reference facts, read in place."""
    if not SHARED.is_dir():
        pytest.fail(f"{SHARED} is missing: clone labgen beside shared/")
    return SHARED


@pytest.fixture
def lab(tmp_path: Path) -> Path:
    """A copy of the repository's inputs (environments/, charts/) to render into."""
    root = tmp_path / "lab"
    for folder in ("environments", "charts"):
        shutil.copytree(PROJECT / folder, root / folder)
    return root


Invoke = Callable[..., Result]


@pytest.fixture
def run() -> Invoke:
    """Run ``labgen ARGS...``; the result has separate ``stdout`` and ``stderr``."""
    runner = CliRunner()

    def invoke(*args: str, input: str | None = None) -> Result:
        return runner.invoke(cli, list(args), input=input, catch_exceptions=False)

    return invoke


@pytest.fixture(scope="session")
def helm_binary() -> str:
    """The official helm binary (LABGEN_TEST_HELM_BINARY); skips the test when absent."""
    binary = os.environ.get("LABGEN_TEST_HELM_BINARY")
    if not binary:
        pytest.skip("no helm binary: set LABGEN_TEST_HELM_BINARY (CI does)")
    return binary
