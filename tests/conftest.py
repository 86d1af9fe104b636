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


Manifest = dict[str, object]


@pytest.fixture(scope="session")
def render_umbrella() -> Callable[..., list[Manifest]]:
    """Render charts/olympic-lab through the embedded Helm SDK with ``values``.

    Returns the documents in template order, each with an extra key
    ``__source__`` naming the template that produced it.
    """
    import yaml

    from labgen.helm_engine import EmbeddedHelm

    engine = EmbeddedHelm()

    def render(values: dict[str, object] | None = None, *, namespace: str = "olympic",
               release: str = "olympic-lab") -> list[Manifest]:
        rendered = engine.render(PROJECT / "charts" / "olympic-lab", values or {},
                                 release=release, namespace=namespace)
        docs: list[Manifest] = []
        for source, text in rendered.items():
            for doc in yaml.safe_load_all(text):
                if doc:
                    doc["__source__"] = source
                    docs.append(doc)
        return docs

    return render


# Hypothesis: the same examples on every run, and no example database in the checkout.
from hypothesis import settings as _hypothesis_settings  # noqa: E402

_hypothesis_settings.register_profile("labgen", database=None, derandomize=True)
_hypothesis_settings.load_profile("labgen")
