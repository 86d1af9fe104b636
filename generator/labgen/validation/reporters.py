"""Findings printed for people and machines: text, JSON, GitHub annotations, SARIF 2.1.0."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence

from .. import __version__
from ..checks import CHECKS
from ..findings import Finding

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"


def text_report(findings: Sequence[Finding]) -> str:
    """``file:line:col: severity rule-id path: message``, one a line, then a summary
    (acknowledged findings are counted, not listed: ``--format json`` lists them)."""
    shown = [f for f in findings if not f.acknowledged]
    lines = [str(f) for f in shown]
    errors = sum(1 for f in shown if f.severity == "error")
    acknowledged = len(findings) - len(shown)
    summary = f"{errors} error(s), {len(shown) - errors} warning(s)" if shown else "no findings"
    lines.append(summary + (f", {acknowledged} acknowledged" if acknowledged else ""))
    return "\n".join(lines) + "\n"


def json_report(findings: Sequence[Finding],
                schemas: Sequence[Mapping[str, str]] | None = None) -> str:
    """``findings`` (not acknowledged), ``acknowledged`` (each with its ``reason``) and
    ``counts``; ``schemas``: which pinned versions were validated with pulled CRDs."""

    def item(f: Finding) -> dict[str, object]:
        found: dict[str, object] = {
            "file": f.file, "document": f.index, "line": f.line, "column": f.column,
            "path": f.path, "rule": f.rule, "severity": f.severity, "message": f.message}
        if f.acknowledged:
            found["reason"] = f.acknowledged
        return found

    shown = [item(f) for f in findings if not f.acknowledged]
    acknowledged = [item(f) for f in findings if f.acknowledged]
    counts = {"errors": sum(1 for f in shown if f["severity"] == "error"),
              "warnings": sum(1 for f in shown if f["severity"] == "warning"),
              "acknowledged": len(acknowledged)}
    report: dict[str, object] = {"findings": shown, "acknowledged": acknowledged,
                                 "counts": counts}
    if schemas is not None:
        report["schemas"] = [dict(item) for item in schemas]
    return json.dumps(report, indent=2, sort_keys=True) + "\n"


def _escape_data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(value: str) -> str:
    return _escape_data(value).replace(":", "%3A").replace(",", "%2C")


def github_report(findings: Sequence[Finding]) -> str:
    """GitHub Actions workflow commands: ``::error file=...,line=...,col=...,title=...::message``."""
    lines = []
    for f in findings:
        if f.acknowledged:
            continue
        title = f"{f.rule} {f.path}".strip()
        position = f"line={f.line},col={f.column or 1}," if f.line else ""
        location = ", ".join(part for part in (
            f"document {f.index}" if f.index >= 0 and not f.line else "", f.path) if part)
        lines.append(f"::{f.severity} file={_escape_property(f.file)},{position}"
                     f"title={_escape_property(title)}::"
                     f"{_escape_data(f'{location}: {f.message}' if location else f.message)}")
    return "\n".join(lines) + ("\n" if lines else "")


def rule_catalog() -> dict[str, tuple[str, str]]:
    """Every rule id -> (default severity, one-line summary), schema rules first."""
    rules = {"schema": ("error", "documents match the strict schema of their kind"),
             "unknown-kind": ("error", "every document's kind has a schema (or pass --crds)")}
    rules.update({check.id: (check.severity, check.summary) for check in CHECKS})
    rules["acknowledge"] = ("error", "every acknowledgement of a finding gives its reason")
    return rules


def sarif_report(findings: Sequence[Finding]) -> str:
    """One SARIF 2.1.0 run; each finding has a region (line, column) when its position is
    known, and the logical location ``document[i].path``."""
    summaries = {rule: summary for rule, (_severity, summary) in rule_catalog().items()}
    rules = sorted({f.rule for f in findings} | set(summaries))
    results = []
    for f in findings:
        logical = f"document[{f.index}]" + (f".{f.path}" if f.path else "")
        physical: dict[str, object] = {"artifactLocation": {"uri": f.file}}
        if f.line:
            physical["region"] = {"startLine": f.line, "startColumn": f.column or 1}
        result: dict[str, object] = {
            "ruleId": f.rule,
            "ruleIndex": rules.index(f.rule),
            "level": f.severity,
            "message": {"text": f.message},
            "locations": [{
                "physicalLocation": physical,
                "logicalLocations": [{"fullyQualifiedName": logical}],
            }],
        }
        if f.acknowledged:
            result["suppressions"] = [{"kind": "external", "justification": f.acknowledged}]
        results.append(result)
    log = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "labgen", "version": __version__,
                "rules": [{"id": rule, "shortDescription": {"text": summaries.get(rule, rule)}}
                          for rule in rules],
            }},
            "results": results,
        }],
    }
    return json.dumps(log, indent=2, sort_keys=True) + "\n"


REPORTERS: dict[str, Callable[[Sequence[Finding]], str]] = {
    "text": text_report, "json": json_report, "github": github_report, "sarif": sarif_report,
}
