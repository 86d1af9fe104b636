"""``labgen validate --env``: what Argo CD would apply, rendered through real Helm."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result

from labgen.manifests import Document
from labgen.validation import ValidationOptions, validate_documents

Invoke = Callable[..., Result]


@pytest.fixture(scope="module")
def oke(project_root: Path) -> tuple[list[Document], ValidationOptions]:
    from labgen.helm_engine import EmbeddedHelm
    from labgen.render import render_environment

    rendered = render_environment(project_root, "oke", EmbeddedHelm())
    options = ValidationOptions(
        kubernetes_version=rendered.env.spec.cluster.kubernetes_version,
        repo_root=project_root, planned_files=frozenset(rendered.tree))
    return [*rendered.manifests, *rendered.argocd], options


@pytest.mark.parametrize("env", ["oke", "kind"])
def test_environment_has_no_errors(run: Invoke, lab: Path, env: str) -> None:
    result = run("validate", "--root", str(lab), "--env", env, "--format", "json")
    assert result.exit_code == 0, result.stdout
    findings = json.loads(result.stdout)["findings"]
    assert [f for f in findings if f["severity"] == "error"] == []


def test_oke_nodeports_fail_under_strict_unless_acknowledged(run: Invoke, lab: Path) -> None:
    oke = lab / "environments" / "oke.yaml"
    text = oke.read_text(encoding="utf-8")
    assert run("validate", "--root", str(lab), "--env", "oke", "--strict").exit_code == 0
    oke.write_text(text[:text.index("\nvalidation:")] + "\n", encoding="utf-8")
    result = run("validate", "--root", str(lab), "--env", "oke", "--strict")
    assert result.exit_code == 1
    assert "error nodeport-exposure" in result.stdout


def test_environment_passes_the_upstream_crds_strictly(
        oke: tuple[list[Document], ValidationOptions], upstream_crds: tuple[Path, ...]) -> None:
    documents, options = oke
    kinds = {d.kind for d in documents}
    assert {"VirtualService", "DestinationRule", "Application", "AppProject"} <= kinds
    upstream = ValidationOptions(kubernetes_version=options.kubernetes_version,
                                 crd_paths=upstream_crds, repo_root=options.repo_root,
                                 planned_files=options.planned_files)
    assert [str(f) for f in validate_documents(documents, upstream)
            if f.rule in ("schema", "unknown-kind")] == []


def _edited(documents: list[Document], kind: str, name: str,
            edit: Callable[[dict[str, Any]], None]) -> list[Document]:
    out, hits = [], 0
    for doc in documents:
        if doc.kind == kind and doc.name == name:
            body = copy.deepcopy(dict(doc.body))
            edit(body)
            doc, hits = Document(doc.file, doc.index, body), hits + 1
        out.append(doc)
    assert hits == 1, f"{kind}/{name} not rendered exactly once"
    return out


def test_checks_read_the_rendered_wiring(oke: tuple[list[Document], ValidationOptions]) -> None:
    documents, options = oke
    assert not [f for f in validate_documents(documents, options) if f.severity == "error"]

    def move_loki(body: dict[str, Any]) -> None:
        for port in body["spec"]["ports"]:
            port["port"] += 1

    broken = _edited(documents, "Service", "loki", move_loki)
    urls = [f for f in validate_documents(broken, options) if f.rule == "observability-urls"]
    assert urls and all("loki" in f.message for f in urls)

    def drop_subsets(body: dict[str, Any]) -> None:
        body["spec"]["subsets"] = [s for s in body["spec"]["subsets"] if s["name"] != "v1"]

    rule = next(d for d in documents if d.kind == "DestinationRule"
                and "backend-app" in str(d.body["spec"]["host"]))
    broken = _edited(documents, "DestinationRule", rule.name, drop_subsets)
    assert any(f.rule == "vs-subset" and "'v1'" in f.message
               for f in validate_documents(broken, options))


def test_nondeterministic_chart_template_is_an_error(run: Invoke, lab: Path) -> None:
    template = next((lab / "charts").rglob("templates/*.yaml"))
    template.write_text(template.read_text() + '\n# {{ randAlphaNum 8 }}\n')
    result = run("validate", "--root", str(lab), "--env", "kind")
    assert result.exit_code == 1
    assert "error chart-determinism template calls 'randAlphaNum'" in result.stdout


def test_moving_the_observability_namespace_is_flagged(run: Invoke, lab: Path) -> None:
    """The mesh Telemetry and Kiali's istio_namespace follow the observability namespace:
    mesh-wide tracing would be lost, and Kiali would look for istiod in the wrong place."""
    (lab / "environments" / "moved.yaml").write_text(
        "extends: kind\nnamespaces:\n  observability: monitoring\n")
    result = run("validate", "--root", str(lab), "--env", "moved")
    assert result.stdout.splitlines() == [
        "charts/olympic-lab/charts/jaeger/templates/telemetry.yaml:9:3: warning telemetry-scope "
        "metadata.namespace: Telemetry 'mesh-default' applies to namespace 'monitoring' only; "
        "to configure the whole mesh put it in Istio's root namespace 'istio-system'",
        "charts/olympic-lab/charts/kiali/templates/configmap.yaml:9:3: warning telemetry-scope "
        "data.\"config.yaml\": Kiali's istio_namespace is 'monitoring' but istiod runs in "
        "'istio-system'; set istio_namespace: istio-system",
        "0 error(s), 2 warning(s)"]
