"""Findings accepted on purpose, and rules set to another level or turned off.

Three sources, applied in this order to the findings of a run:

* the repository configuration (``.labgen.yaml`` or ``[tool.labgen]`` in
  ``pyproject.toml``, :mod:`labgen.repo_config`): ``rules: {RULE: error|warning|off}``;
* an annotation on the manifest itself, one ``RULE: reason`` a line::

      metadata:
        annotations:
          labgen.io/acknowledge: "nodeport-exposure: the lab's UIs are NodePorts by design"

* an environment's ``validation.acknowledge: [{check, reason, resource?}]``.

An acknowledged finding keeps its place in the JSON report (with its reason) and in
the counts, but never fails a run, not even under ``--strict``. An acknowledgement
without a reason is itself an error (rule ``acknowledge``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import replace

from .findings import Finding, ValidationOptions
from .manifests import Document

ANNOTATION = "labgen.io/acknowledge"
RULE = "acknowledge"
LEVELS = ("error", "warning", "off")


def annotation_acknowledgements(doc: Document) -> tuple[dict[str, str], list[str]]:
    """``{rule: reason}`` of the document's annotation, and the rules given no reason."""
    metadata = doc.body.get("metadata") if isinstance(doc.body, Mapping) else None
    annotations = metadata.get("annotations") if isinstance(metadata, Mapping) else None
    text = annotations.get(ANNOTATION) if isinstance(annotations, Mapping) else None
    found: dict[str, str] = {}
    missing: list[str] = []
    for line in str(text or "").splitlines():
        rule, _, reason = line.partition(":")
        if not rule.strip():
            continue
        if reason.strip():
            found[rule.strip()] = reason.strip()
        else:
            missing.append(rule.strip())
    return found, missing


def apply(findings: Iterable[Finding], documents: Iterable[Document],
          options: ValidationOptions) -> list[Finding]:
    """``findings`` with rule levels applied and acknowledgements marked, plus an
    ``acknowledge`` error for each annotation without a reason."""
    docs = {(doc.file, doc.index, doc.item): doc for doc in documents}
    levels = dict(options.rule_levels)
    result: list[Finding] = list(_missing_reasons(docs.values()))
    for finding in findings:
        level = levels.get(finding.rule)
        if level == "off":
            continue
        if level in ("error", "warning") and level != finding.severity:
            finding = replace(finding, severity=level)  # type: ignore[arg-type]
        reason = _reason(finding, _document_of(finding, docs), options)
        result.append(replace(finding, acknowledged=reason) if reason else finding)
    return result


def _missing_reasons(documents: Iterable[Document]) -> Iterator[Finding]:
    for doc in documents:
        _found, missing = annotation_acknowledgements(doc)
        for rule in missing:
            yield Finding.at(doc, f'metadata.annotations."{ANNOTATION}"', RULE, "error",
                             f"the acknowledgement of {rule!r} gives no reason; write "
                             f"'{rule}: why it is accepted'")


def _document_of(finding: Finding, docs: Mapping[tuple[str, int, str], Document]
                 ) -> Document | None:
    if finding.index < 0:
        return None
    item = finding.path.split(".", 1)[0] if finding.path.startswith("items[") else ""
    return docs.get((finding.file, finding.index, item)) or docs.get(
        (finding.file, finding.index, ""))


def _reason(finding: Finding, doc: Document | None, options: ValidationOptions) -> str:
    if doc is not None:
        reason = annotation_acknowledgements(doc)[0].get(finding.rule)
        if reason:
            return reason
    for ack in options.acknowledgements:
        if ack.check != finding.rule:
            continue
        if not ack.resource or (doc is not None and ack.resource in _keys(doc)):
            return ack.reason
    return ""


def _keys(doc: Document) -> tuple[str, ...]:
    """``Kind/ns/name`` and ``Kind/name``: an acknowledgement may leave the namespace out."""
    return (doc.key, f"{doc.kind}/{doc.name}")
