"""Figures the README states that come from the code or the tests are checked here, so
they cannot drift: change the code, and this test names the README line to update."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from labgen.components import COMPONENTS
from labgen.validation.registry import shipped_kinds
from labgen.validation.reporters import rule_catalog

PROJECT = Path(__file__).resolve().parents[1]
README = (PROJECT / "README.md").read_text(encoding="utf-8")


def _stated(pattern: str) -> int:
    """The number README.md states in the one place ``pattern`` (with one group) matches."""
    found = re.findall(pattern, README)
    assert len(found) == 1, f"README.md should say this once: {pattern!r} (found {found})"
    return int(found[0].replace(",", ""))



@pytest.mark.parametrize(("pattern", "actual"), [
    (r"strict schemas \+ (\d+) rules", lambda: len(rule_catalog())),
    (r"`tests/cases/invalid/` holds (\d+) such cases",
     lambda: sum(1 for p in (PROJECT / "tests/cases/invalid").iterdir() if p.is_dir())),
    (r"for all (\d+) Istio 1\.30 kinds",
     lambda: len({kind for api_version, kind in shipped_kinds() if "istio.io" in api_version})),
    (r"over (\d+) kind-versions", lambda: len(shipped_kinds())),
    (r"(\d+) components, each declared once", lambda: len(COMPONENTS)),
    (r"(\d+) third-party cases",
     lambda: sum(1 for p in (PROJECT / "tests/cases/thirdparty").glob("*/*") if p.is_dir())),
])
def test_readme_figure_matches_the_code(pattern: str, actual: Callable[[], int]) -> None:
    assert _stated(pattern) == actual(), f"update README.md where it matches {pattern!r}"


def test_every_rule_in_the_readme_table_exists() -> None:
    """The rule ids the README names in backticks are real rules."""
    named = set(re.findall(r"`([a-z]+(?:-[a-z0-9]+)+)` \((?:error|warning)\)", README))
    assert named <= set(rule_catalog()), named - set(rule_catalog())
