"""Positions are computed lazily: documents are parsed without marks (the block reader or
libyaml's loader) and only the document a finding is in is composed again, cut out of its
file at its ``---`` line. Across every case of tests/cases with findings, each finding's
line and column equal the eager answer: the whole file composed with marks and the
finding's path walked down the node tree of its document."""

from __future__ import annotations

from pathlib import Path

import pytest

from labgen.findings import Finding
from labgen.positions import document_nodes, is_rendered, node_position, path_tokens
from labgen.validation import ValidationOptions, validate_documents
from labgen.validation.files import load_paths

CASES = Path(__file__).resolve().parents[1] / "cases"
FOLDERS = sorted({p.parent for p in CASES.glob("manifests/*/*/*.yaml")}
                 | {p for p in CASES.glob("thirdparty/*/*") if p.is_dir()})


def _eager(finding: Finding, texts: dict[str, str]) -> tuple[int, int]:
    nodes = document_nodes(texts[finding.file])
    return node_position(nodes[finding.index], path_tokens(finding.path))


def _findings(folder: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[list[Finding],
                                                                        dict[str, str]]:
    monkeypatch.chdir(folder)
    documents = load_paths([Path(".")])
    texts = {doc.file: doc.source for doc in documents}
    options = ValidationOptions(complete=(folder / "complete").is_file())
    return validate_documents(documents, options), texts


def test_lazy_positions_equal_the_eager_ones_across_the_cases(
        monkeypatch: pytest.MonkeyPatch) -> None:
    checked = 0
    for folder in FOLDERS:
        findings, texts = _findings(folder, monkeypatch)
        for finding in findings:
            if finding.index < 0 or is_rendered(finding.file):
                continue
            assert finding.line, (folder.name, str(finding))
            assert (finding.line, finding.column) == _eager(finding, texts), (
                folder.name, str(finding))
            checked += 1
    assert len(FOLDERS) > 50
    assert checked > 60, checked  # the comparison is not vacuous


def test_a_document_cut_from_a_file_keeps_its_lines(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """Comments, empty documents and a ``---`` with a comment before the finding's document:
    the lazy position is the eager one, and both are the line of the misspelt key."""
    (tmp_path / "m.yaml").write_text(
        "# head\n---\n--- # empty\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n"
        "---\n# note\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\ndta: {}\n",
        encoding="utf-8")
    [finding], texts = _findings(tmp_path, monkeypatch)
    assert (finding.index, finding.path, finding.line, finding.column) == (1, "dta", 14, 1)
    assert _eager(finding, texts) == (14, 1)
