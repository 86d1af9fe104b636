"""workload-selector: a workload's selector matches its own pod template's labels.

Passes::

    kind: Deployment   # selector {matchLabels: {app: web}}, template labels {app: web, v: "1"}

Fails: ``matchLabels: {app: web}`` with template labels ``{app: frontend}``, or a
``matchExpressions`` entry the labels do not meet. The API server refuses such a
workload (``selector does not match template labels``).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from ..findings import Finding, Severity, ValidationOptions
from .inventory import Inventory, Reporter, as_list, as_map

ID = "workload-selector"
SEVERITY: Severity = "error"
report = Reporter(ID, SEVERITY)


def run(inventory: Inventory, options: ValidationOptions) -> Iterator[Finding]:
    for template in inventory.templates:
        selector = as_map(as_map(template.doc.body.get("spec")).get("selector"))
        if template.doc.kind == "Job" and not selector:
            continue  # the Job controller generates it
        for key, value in as_map(selector.get("matchLabels")).items():
            if template.labels.get(key) != value:
                yield report(template.doc, f"spec.selector.matchLabels.{key}",
                             f"selects {key}={value} but the pod template's labels have "
                             f"{key}={template.labels.get(key)!r}; make them equal")
        for index, expression in enumerate(as_list(selector.get("matchExpressions"))):
            if not _meets(as_map(expression), template.labels):
                yield report(template.doc, f"spec.selector.matchExpressions[{index}]",
                             "the pod template's labels do not meet this expression")


def _meets(expression: Mapping[str, Any], labels: Mapping[str, Any]) -> bool:
    key, operator = str(expression.get("key")), expression.get("operator")
    values = [str(v) for v in as_list(expression.get("values"))]
    if operator == "In":
        return str(labels.get(key)) in values if key in labels else False
    if operator == "NotIn":
        return key not in labels or str(labels.get(key)) not in values
    if operator == "Exists":
        return key in labels
    if operator == "DoesNotExist":
        return key not in labels
    return True
