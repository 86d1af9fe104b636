"""Golden trees: what labgen renders for the shipped environments, reviewed like code.

tests/golden/<env>/tree/ is gitops/<env>/ and tests/golden/<env>/manifests/ is the
umbrella chart as Helm renders it for that environment, one file per resource. A
workshop has one lab per participant: manifests/<participant>/ holds each distinct lab
(the first participant, and each whose overrides change the manifests), and
manifests/labs.txt says which participant's lab each one shares.
Refresh after an intended change, then review the diff:

    LABGEN_UPDATE_GOLDEN=1 .venv/bin/pytest tests/test_golden.py
"""

from __future__ import annotations

import dataclasses
import os
import shutil
from pathlib import Path

import pytest

import yaml_docs
from labgen.argocd_tree import manifest_files
from labgen.chart_values import CHART_PATH, RELEASE_NAME
from labgen.helm_engine import CliHelm, EmbeddedHelm
from labgen.manifests import Document
from labgen.render import expected_tree, render_environment

GOLDEN = Path(__file__).parent / "golden"
ENVS = ["oke", "kind"]
GOLDEN_ENVS = [*ENVS, "workshop"]


def _golden_files(project_root: Path, env: str) -> dict[str, str]:
    rendered = render_environment(project_root, env, EmbeddedHelm())
    prefix = f"gitops/{env}/"
    files = {f"tree/{path[len(prefix):]}": text for path, text in expected_tree(rendered).items()}
    if not rendered.participants:
        files.update(manifest_files(rendered.manifests))
        return files
    distinct: dict[str, str] = {}  # manifests text -> first participant with them
    labs: dict[tuple[tuple[str, str, int, str], ...], dict[str, str]] = {}  # by what was parsed
    shares = []
    for name, docs in rendered.participants.items():
        unprefixed = _unprefixed(docs)
        parsed_from = tuple((doc.file, doc.source, doc.index, doc.item) for doc in unprefixed)
        if parsed_from not in labs:  # participants with the same values share their documents
            labs[parsed_from] = manifest_files(unprefixed)
        lab = labs[parsed_from]
        key = "\0".join(f"{rel}\0{text}" for rel, text in sorted(lab.items()))
        first = distinct.setdefault(key, name)
        shares.append(f"{name}: {'own lab' if first == name else 'same as ' + first}")
        if first == name:
            files.update({f"manifests/{name}/{rel.removeprefix('manifests/')}": text
                          for rel, text in lab.items()})
    files["manifests/labs.txt"] = "\n".join(shares) + "\n"
    return files


def _unprefixed(docs: list[Document]) -> list[Document]:
    """A participant's documents without their ``clusters/<name>/`` file prefix."""
    return [dataclasses.replace(doc, file=doc.file.split("/", 2)[2]) for doc in docs]


def _on_disk(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): p.read_text(encoding="utf-8")
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("env", GOLDEN_ENVS)
def test_golden_tree(project_root: Path, env: str) -> None:
    files = _golden_files(project_root, env)
    folder = GOLDEN / env
    if os.environ.get("LABGEN_UPDATE_GOLDEN") == "1":
        shutil.rmtree(folder, ignore_errors=True)
        for rel, text in files.items():
            (folder / rel).parent.mkdir(parents=True, exist_ok=True)
            (folder / rel).write_text(text, encoding="utf-8")
    assert _on_disk(folder) == files


@pytest.mark.parametrize("env", ENVS)
def test_committed_gitops_tree_matches_its_inputs(project_root: Path, env: str) -> None:
    rendered = render_environment(project_root, env, EmbeddedHelm())
    committed = {f"gitops/{env}/{rel}": text for rel, text in _on_disk(project_root / "gitops" / env).items()}
    assert committed == expected_tree(rendered), f"gitops/{env} drifted: run labgen render --env {env}"


@pytest.mark.parametrize("env", ENVS)
def test_embedded_and_cli_helm_render_the_same_manifests(project_root: Path, helm_binary: str,
                                                        env: str) -> None:
    values = yaml_docs.load((project_root / "gitops" / env / "values.yaml").read_text())
    namespace = "olympic"
    outputs = []
    for engine in (EmbeddedHelm(), CliHelm(helm_binary)):
        rendered = engine.render(project_root / CHART_PATH, values, release=RELEASE_NAME,
                                 namespace=namespace)
        outputs.append({path: yaml_docs.load_all(text) for path, text in rendered.items()})
    assert outputs[0].keys() == outputs[1].keys()
    assert outputs[0] == outputs[1]


@pytest.mark.parametrize("env", ENVS)
def test_helm_lint_strict_is_clean_with_each_environments_values(project_root: Path, env: str) -> None:
    values = yaml_docs.load((project_root / "gitops" / env / "values.yaml").read_text())
    report = EmbeddedHelm().lint(project_root / CHART_PATH, values, kube_version="v1.34.0")
    assert report["errors"] == []
    problems = [m for m in report["messages"] if m["severity"] >= 2]  # 2 warning, 3 error
    assert problems == []
    assert report["total_charts_linted"] == 1
