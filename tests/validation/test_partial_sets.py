"""labgen validate PATH...: files are part of a run, so references leaving them are not judged,
chart sources and environment files are not manifests, and each gitops/<env>/ is its own world."""

from __future__ import annotations

import shutil
from pathlib import Path


def test_the_committed_gitops_trees_validate_together(run, project_root: Path) -> None:
    result = run("validate", str(project_root / "gitops"))
    assert result.exit_code == 0, result.stdout
    assert result.stdout == "no findings\n"


def test_a_virtual_service_alone_is_not_blamed_for_missing_neighbours(run, project_root: Path,
                                                                      tmp_path: Path) -> None:
    source = project_root / "tests" / "golden" / "oke" / "manifests" / "olympic"
    shutil.copy(source / "virtualservice-backend-app.yaml", tmp_path)
    result = run("validate", str(tmp_path / "virtualservice-backend-app.yaml"))
    assert (result.exit_code, result.stdout) == (0, "no findings\n")


def test_references_among_the_files_given_are_still_checked(run, project_root: Path,
                                                            tmp_path: Path) -> None:
    source = project_root / "tests" / "golden" / "oke" / "manifests" / "olympic"
    for name in ("virtualservice-backend-app.yaml", "destinationrule-backend.yaml"):
        shutil.copy(source / name, tmp_path)
    rule = tmp_path / "destinationrule-backend.yaml"
    rule.write_text(rule.read_text().replace("name: v3", "name: v9"))
    result = run("validate", str(tmp_path))
    assert result.exit_code == 1
    assert ("error vs-subset spec.http[0].route[2].destination.subset: subset 'v3' of "
            "'backend-app' is not defined by any DestinationRule") in result.stdout


def test_chart_sources_and_environment_files_are_left_out(run, project_root: Path) -> None:
    result = run("validate", str(project_root / "environments"), str(project_root / "charts"),
                 str(project_root / "gitops" / "oke" / "values.yaml"))
    assert result.exit_code == 0
    assert result.stdout == "no findings\n"
    assert result.stderr.startswith("no Kubernetes manifests among the given paths")
