"""The editor JSON Schema comes from the same model that checks environment files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jsonschema
import pytest

import yaml_docs

if TYPE_CHECKING:
    from conftest import Invoke

CASES = Path(__file__).parent / "cases"


@pytest.fixture(scope="module")
def schema(project_root: Path) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((project_root / "environments" / "schema.json").read_text())
    return loaded


def test_committed_schema_matches_the_model(run: Invoke, project_root: Path) -> None:
    result = run("schema")
    assert result.exit_code == 0
    assert result.stdout == (project_root / "environments" / "schema.json").read_text()


@pytest.mark.parametrize("name", ["base", "oke", "kind"])
def test_shipped_environments_satisfy_the_schema(schema: dict[str, Any], project_root: Path,
                                                 name: str) -> None:
    data = yaml_docs.load((project_root / "environments" / f"{name}.yaml").read_text())
    jsonschema.Draft202012Validator(schema).validate(data)


@pytest.mark.parametrize("case", ["unknown-top-level-key", "unknown-nested-key", "string-for-integer",
                                  "weights-over-100", "node-port-out-of-range", "image-tag-latest",
                                  "kubernetes-version-unsupported", "platform-unknown",
                                  "namespace-not-dns1123", "repo-url-not-a-url"])
def test_schema_rejects_what_the_loader_rejects(schema: dict[str, Any], case: str) -> None:
    data = yaml_docs.load((CASES / "invalid" / case / "environments" / "broken.yaml").read_text())
    errors = list(jsonschema.Draft202012Validator(schema).iter_errors(data))
    assert errors, f"{case} passed the schema"
