"""The manifest corpus, both ways: labgen's shipped schemas and the upstream CRDs.

Valid cases must be clean; each invalid case lists in ``expected.txt`` the
findings it must produce, one ``rule-id: fragment`` a line (the fragment is
searched in ``path message``).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from labgen.validation import Finding, ValidationOptions, validate_documents
from validation.manifest_corpus import INVALID, VALID, load_case

WAYS = ["shipped", "upstream-crds"]


def _options(way: str, upstream_crds: tuple[Path, ...], case: Path | None = None) -> ValidationOptions:
    """A case may pin its Kubernetes version in a ``kubernetes-version`` file."""
    pinned = case / "kubernetes-version" if case else None
    version = pinned.read_text(encoding="utf-8").strip() if pinned and pinned.is_file() else "1.34"
    return ValidationOptions(kubernetes_version=version,
                             crd_paths=upstream_crds if way == "upstream-crds" else ())


def _expected(case: Path) -> list[tuple[str, str]]:
    lines = (case / "expected.txt").read_text(encoding="utf-8").splitlines()
    pairs = [tuple(line.split(": ", 1)) for line in lines if line.strip()]
    assert pairs and all(len(p) == 2 for p in pairs), f"{case}/expected.txt: rule-id: fragment"
    return [(rule, fragment) for rule, fragment in pairs]


@pytest.mark.parametrize("way", WAYS)
@pytest.mark.parametrize("case", VALID, ids=lambda p: p.name)
def test_valid_case_is_clean(case: Path, way: str, upstream_crds: tuple[Path, ...]) -> None:
    documents = load_case(case)
    assert documents
    findings = validate_documents(documents, _options(way, upstream_crds))
    assert [str(f) for f in findings] == []


@pytest.mark.parametrize("way", WAYS)
@pytest.mark.parametrize("case", INVALID, ids=lambda p: p.name)
def test_invalid_case_is_reported(case: Path, way: str, upstream_crds: tuple[Path, ...]) -> None:
    findings = validate_documents(load_case(case), _options(way, upstream_crds, case))
    for rule, fragment in _expected(case):
        assert any(_matches(f, rule, fragment) for f in findings), (
            f"no {rule} finding with {fragment!r} in:\n" + "\n".join(map(str, findings)))


def _matches(finding: Finding, rule: str, fragment: str) -> bool:
    return finding.rule == rule and fragment in f"{finding.path} {finding.message}"


def test_corpus_covers_every_check_and_schema_family() -> None:
    """Each semantic check, and each built-in kind the corpus uses, has a failing case.

    Every built-in kind at every version is rejected with a hint in test_builtin_schemas.py."""
    from labgen.checks import CHECKS
    from labgen.validation.registry import shipped_kinds

    rules = {rule for case in INVALID for rule, _ in _expected(case)}
    missing = {c.id for c in CHECKS} - rules - {"argocd-paths", "chart-determinism"}
    assert not missing, f"checks without an invalid case: {sorted(missing)}"
    assert {"schema", "unknown-kind"} <= rules
    failing_kinds: set[str] = set()
    for case in INVALID:
        if any(rule == "schema" for rule, _ in _expected(case)):
            failing_kinds.update(doc.kind for doc in load_case(case))
    shipped = {kind for _api, kind in shipped_kinds()}
    used = {doc.kind for case in VALID for doc in load_case(case)} & shipped
    assert used <= failing_kinds
