"""Manifests as other projects write them (tests/cases/thirdparty/, written for labgen in
the style of service-mesh samples and Argo CD examples), validated as ``labgen validate
PATH`` validates an adopter's repository: clean cases have no finding; each case with
seeded mistakes lists in ``expected.txt`` exactly the findings it must produce, one
report line each. A case with a ``complete`` file is the whole cluster (references that
leave it are judged, as for ``--env``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from labgen.validation import ValidationOptions, validate_documents
from labgen.validation.files import load_paths

CASES = Path(__file__).resolve().parents[1] / "cases" / "thirdparty"
VALID = sorted(p for p in (CASES / "valid").iterdir() if p.is_dir())
INVALID = sorted(p for p in (CASES / "invalid").iterdir() if p.is_dir())


def _report(case: Path, monkeypatch: pytest.MonkeyPatch,
            crds: tuple[Path, ...] = ()) -> list[str]:
    monkeypatch.chdir(case)  # file names relative to the case, no labgen repository around
    options = ValidationOptions(complete=(case / "complete").is_file(), crd_paths=crds)
    return [str(f) for f in validate_documents(load_paths([Path(".")]), options)]


@pytest.mark.parametrize("case", VALID, ids=lambda p: p.name)
def test_clean_third_party_case(case: Path, monkeypatch: pytest.MonkeyPatch,
                                upstream_crds: tuple[Path, ...]) -> None:
    """Clean against labgen's own schemas and against the upstream CRDs."""
    assert _report(case, monkeypatch) == []
    assert _report(case, monkeypatch, upstream_crds) == []


@pytest.mark.parametrize("case", INVALID, ids=lambda p: p.name)
def test_seeded_mistakes_give_exactly_the_expected_findings(
        case: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    expected = (case / "expected.txt").read_text(encoding="utf-8").splitlines()
    assert expected
    assert _report(case, monkeypatch) == expected
