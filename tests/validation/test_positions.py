"""Findings carry the line and column of the node they are about."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from click.testing import Result

from labgen.manifests import documents_of
from labgen.positions import path_tokens, template_position
from labgen.validation import ValidationOptions, validate_documents

Invoke = Callable[..., Result]

MULTI = """\
# a comment, then an empty document
---
---
apiVersion: v1
kind: Service
metadata: {name: a}
spec:
  ports: [{port: 80}]
  selector: {app: a}
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: a}
spec:
  hosts: [a]
  http:
    - route:
        - destination: {host: a}
          weight: 70
        - destination: {host: a}
          weght: 30
"""


def test_path_tokens_read_quoted_keys_and_indices() -> None:
    assert path_tokens('metadata.annotations."argocd.argoproj.io/sync-wave"') == [
        "metadata", "annotations", "argocd.argoproj.io/sync-wave"]
    assert path_tokens("spec.http[0].route[12].weight") == ["spec", "http", 0, "route", 12,
                                                            "weight"]


def test_findings_point_at_the_offending_key_in_their_document() -> None:
    findings = validate_documents(documents_of("multi.yaml", MULTI), ValidationOptions())
    where = {(f.rule, f.path): (f.index, f.line, f.column) for f in findings}
    assert where[("schema", "spec.http[0].route[1].weght")] == (1, 21, 11)
    assert where[("weights-sum", "spec.http[0].route")] == (1, 17, 7)
    assert str(next(f for f in findings if f.rule == "schema")).startswith(
        "multi.yaml:21:11: error schema spec.http[0].route[1].weght: ")


def test_a_missing_key_points_at_its_parent() -> None:
    text = "apiVersion: v1\nkind: Service\nmetadata:\n  name: a\nspec:\n  ports:\n    - {}\n"
    [finding] = [f for f in validate_documents(documents_of("s.yaml", text), ValidationOptions())
                 if f.path.startswith("spec.ports[0]")]
    assert (finding.path, finding.line, finding.column) == ("spec.ports[0].port", 7, 7)


def test_list_items_are_documents_with_item_paths() -> None:
    text = ("apiVersion: v1\nkind: List\nitems:\n"
            "  - apiVersion: v1\n    kind: ConfigMap\n    metadata: {name: a}\n"
            "  - apiVersion: v1\n    kind: ConfigMap\n    metadata: {name: b}\n    dta: {}\n")
    [finding] = validate_documents(documents_of("list.yaml", text), ValidationOptions())
    assert (finding.path, finding.line, finding.column) == ("items[1].dta", 10, 5)


def test_template_keys_are_found_in_order_within_the_document() -> None:
    lines = ["kind: Service", "spec:", "  type: {{ .Values.t }}", "---", "kind: Service",
             "spec:", "  ports:", "    - name: http", "      port: 80"]
    assert template_position(lines, ["spec", "ports", 0, "port"]) == (9, 7)
    assert template_position(lines, ["spec", "type"], 4, 9) == (6, 1)
    assert template_position(lines, ["status"]) == (0, 0)


def test_rendered_findings_name_the_template_line(run: Invoke, project_root: Path) -> None:
    result = run("validate", "--env", "oke", "--format", "json", "--root", str(project_root))
    report = json.loads(result.stdout)
    findings = report["findings"] + report["acknowledged"]  # oke acknowledges its NodePorts
    tracing = next(f for f in findings if "'tracing'" in f["message"])
    template = project_root / tracing["file"]
    line = template.read_text(encoding="utf-8").splitlines()[tracing["line"] - 1]
    assert tracing["file"] == "charts/olympic-lab/charts/jaeger/templates/service.yaml"
    assert line.startswith("spec:") and tracing["column"] == 1
    assert "name: tracing" in "\n".join(
        template.read_text(encoding="utf-8").splitlines()[:tracing["line"]][-10:])
