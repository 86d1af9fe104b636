"""Shared fixtures: the project's folders, a lab copy in tmp_path, a CLI runner."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from helm_memo import memoized_render
from labgen import helm_sdk
from labgen.cli import cli
from labgen.helm_engine import EmbeddedHelm
from labgen.layout import INPUT_DIRS
from labgen.user_cache import CRDS_CACHE_ENV
from labgen.workspace import Workspace

PROJECT = Path(__file__).resolve().parents[1]
SHARED = PROJECT.parent / "shared"
#: Set to 1 (``.ci/run`` does) to fail, not skip, the tests that read ../shared/crds.
REQUIRE_SHARED_ENV = "LABGEN_REQUIRE_SHARED"


@pytest.fixture(scope="session", autouse=True)
def _own_crds_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    """CRDs you pulled (``labgen crds pull``) never change a test's verdict: the suite has an
    empty CRD cache of its own (tests of the cache set theirs)."""
    os.environ[CRDS_CACHE_ENV] = str(tmp_path_factory.mktemp("crds-cache"))


@pytest.fixture(autouse=True)
def _helm_memo(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each distinct Helm render once per test process (see tests/helm_memo.py), unless
    the test is marked ``helm_each_time``."""
    if request.node.get_closest_marker("helm_each_time") is None:
        monkeypatch.setattr(helm_sdk, "render", memoized_render)


@pytest.fixture(scope="session")
def project_root() -> Path:
    """The labgen checkout (read only: tests never write here)."""
    return PROJECT


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """``../shared``: upstream CRDs and reference facts, read in place."""
    if not (SHARED / "crds").is_dir():
        reason = (f"{SHARED / 'crds'} is missing: the upstream Istio and Argo CD CRDs live in "
                  "../shared beside the clone (CI has it)")
        if os.environ.get(REQUIRE_SHARED_ENV) == "1":
            pytest.fail(reason)
        pytest.skip(reason)
    return SHARED


def copy_inputs(root: Path) -> Path:
    """The repository's inputs (environments/, charts/) copied to ``root``: the bytes only,
    not the times and modes (``shutil.copy2``'s copystat took two thirds of a copy, and
    114 tests make one)."""
    for folder in INPUT_DIRS:
        shutil.copytree(PROJECT / folder, root / folder, copy_function=shutil.copyfile)
    return root


@pytest.fixture
def lab(tmp_path: Path) -> Path:
    """A copy of the repository's inputs (environments/, charts/) to render into."""
    return copy_inputs(tmp_path / "lab")


@pytest.fixture(scope="session")
def engine() -> EmbeddedHelm:
    """One embedded Helm engine for the whole test session."""
    return EmbeddedHelm()


#: The ``workspace`` fixture: ``workspace(root)`` is a :class:`Workspace` on ``root``.
WorkspaceFactory = Callable[[Path], Workspace]


@pytest.fixture
def workspace(engine: EmbeddedHelm) -> WorkspaceFactory:
    """``workspace(root)``: the use-case layer on ``root`` with the session's Helm engine."""
    return lambda root: Workspace(root, engine=engine)


@pytest.fixture(scope="session")
def rendered_template(tmp_path_factory: pytest.TempPathFactory, engine: EmbeddedHelm) -> Path:
    """The repository's inputs with every environment rendered, once per session (read only)."""
    root = copy_inputs(tmp_path_factory.mktemp("rendered") / "lab")
    Workspace(root, engine=engine).render(all_envs=True)
    return root


@pytest.fixture
def rendered_lab(tmp_path: Path, rendered_template: Path) -> Path:
    """A fresh copy of :func:`rendered_template` (inputs, gitops/ and the render cache)."""
    root = tmp_path / "lab"
    shutil.copytree(rendered_template, root, symlinks=True)
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


Manifest = dict[str, Any]  # a parsed YAML document
#: The ``render_umbrella`` fixture: ``render_umbrella(values, namespace=..., release=...)``.
RenderUmbrella = Callable[..., list[Manifest]]


@pytest.fixture(scope="session")
def render_umbrella(engine: EmbeddedHelm) -> RenderUmbrella:
    """Render charts/olympic-lab through the embedded Helm SDK with ``values``.

    Returns the documents in template order, each with an extra key
    ``__source__`` naming the template that produced it.
    """
    import yaml_docs

    def render(values: dict[str, object] | None = None, *, namespace: str = "olympic",
               release: str = "olympic-lab") -> list[Manifest]:
        rendered = engine.render(PROJECT / "charts" / "olympic-lab", values or {},
                                 release=release, namespace=namespace)
        docs: list[Manifest] = []
        for source, text in rendered.items():
            for doc in yaml_docs.load_all(text):
                if doc:
                    doc["__source__"] = source
                    docs.append(doc)
        return docs

    return render


# Hypothesis: the same examples on every run, and no example database in the checkout.
from hypothesis import settings as _hypothesis_settings  # noqa: E402

_hypothesis_settings.register_profile("labgen", database=None, derandomize=True)
_hypothesis_settings.load_profile("labgen")


def _strict_crd_schema(node: Any) -> Any:
    """Close every object schema that declares properties and does not keep unknown fields."""
    if isinstance(node, dict):
        out = {key: _strict_crd_schema(value) for key, value in node.items()}
        if "properties" in out and not out.get("x-kubernetes-preserve-unknown-fields"):
            out.setdefault("additionalProperties", False)
        return out
    if isinstance(node, list):
        return [_strict_crd_schema(item) for item in node]
    return node


#: The ``upstream_crd_errors`` fixture: ``errors(document)`` against the upstream CRDs.
CrdErrors = Callable[[dict[str, Any]], list[str]]


@pytest.fixture(scope="session")
def upstream_crd_errors(shared_dir: Path) -> CrdErrors:
    """``errors(document)``: a custom resource checked against its upstream CRD (Istio 1.30.3,
    Argo CD v3.5.1), read in place from ../shared/crds (never copied) and made strict. An
    apiVersion/kind that no CRD serves is an error too. Metadata is checked as an object only."""
    import jsonschema

    from upstream_crds import served_versions

    validators: dict[tuple[str, str], jsonschema.Draft7Validator] = {}
    for api_version, kind, crd_schema in served_versions(shared_dir):
        schema = _strict_crd_schema(crd_schema)
        # The API server adds these at the root; some CRDs do not declare them.
        properties = schema.setdefault("properties", {})
        properties.setdefault("apiVersion", {"type": "string"})
        properties.setdefault("kind", {"type": "string"})
        properties.setdefault("metadata", {"type": "object"})
        validators[(api_version, kind)] = jsonschema.Draft7Validator(schema)

    def errors(doc: dict[str, Any]) -> list[str]:
        key = (doc.get("apiVersion"), doc.get("kind"))
        if key not in validators:
            return [f"{key} is not served by the upstream CRDs"]
        body = {k: v for k, v in doc.items() if k != "__source__"}
        return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
                for e in validators[key].iter_errors(body)]

    return errors
