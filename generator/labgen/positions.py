"""Where a finding is: the line and column of the node its key path names.

Documents are parsed without marks (libyaml's fast loader builds plain data);
positions are looked up afterwards, and only for the files that have findings:
their text is composed again (libyaml's composer, which keeps marks) and the
key path is walked down the node tree. A path that goes past what the document
holds (a required key that is missing) stops at the deepest node it reached.

Documents rendered from a chart template name the template (``charts/.../templates/x.yaml``),
whose text is Go-template source, not the rendered YAML; for those the keys of the
path are searched in the template's lines, in order, from the top.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path
from typing import Any

import yaml

from .findings import Finding
from .manifests import Document

_Composer: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_TOKEN = re.compile(r'"((?:[^"\\]|\\.)*)"|\[(\d+)\]|([^.\[\]"]+)')
NULL_TAG = "tag:yaml.org,2002:null"

Position = tuple[int, int]


def path_tokens(path: str) -> list[str | int]:
    """``spec.http[0]."a.b"`` -> ``["spec", "http", 0, "a.b"]``."""
    tokens: list[str | int] = []
    for quoted, number, plain in _TOKEN.findall(path):
        tokens.append(int(number) if number else quoted or plain)
    return tokens


def node_position(node: yaml.Node, tokens: Iterable[str | int]) -> Position:
    """1-based (line, column) of the key or item ``tokens`` lead to below ``node``."""
    mark = node.start_mark
    for token in tokens:
        child: yaml.Node | None = None
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                if isinstance(key, yaml.ScalarNode) and key.value == str(token):
                    mark, child = key.start_mark, value
                    break
        elif isinstance(node, yaml.SequenceNode) and isinstance(token, int) \
                and 0 <= token < len(node.value):
            child = node.value[token]
            mark = child.start_mark
        if child is None:
            break
        node = child
    return mark.line + 1, mark.column + 1


def document_nodes(text: str) -> list[yaml.Node]:
    """The non-empty documents of ``text`` as node trees, indexed as
    :func:`labgen.manifests.documents_of` indexes them."""
    try:
        nodes = list(yaml.compose_all(text, Loader=_Composer))
    except yaml.YAMLError:
        return []
    return [n for n in nodes if not (isinstance(n, yaml.ScalarNode) and n.tag == NULL_TAG)]


def template_position(lines: list[str], tokens: Iterable[str | int],
                      start: int = 0, end: int | None = None) -> Position:
    """The keys of the path found one after another in ``lines[start:end]`` of a
    template (0, 0: none)."""
    found: Position = (0, 0)
    end = len(lines) if end is None else end
    for token in tokens:
        if isinstance(token, int):
            continue
        pattern = re.compile(rf"^(\s*(?:-\s+)*)[\"']?{re.escape(token)}[\"']?\s*:")
        for number in range(start, end):
            match = pattern.match(lines[number])
            if match:
                found, start = (number + 1, len(match.group(1)) + 1), number + 1
                break
    return found


def is_rendered(file: str) -> bool:
    """Whether ``file`` names the chart template a document was rendered from."""
    return "templates" in file.split("/")[:-1]


class Locator:
    """Positions of findings in the documents they were found in."""

    def __init__(self, documents: Iterable[Document], repo_root: Path | None = None) -> None:
        self._sources: dict[str, str] = {}
        for doc in documents:
            if doc.source and doc.file not in self._sources:
                self._sources[doc.file] = doc.source
        self._repo_root = repo_root
        self._nodes: dict[str, list[yaml.Node]] = {}
        self._template_lines: dict[str, list[str]] = {}

    def locate(self, finding: Finding) -> Finding:
        if finding.line or finding.index < 0:
            return finding
        tokens = path_tokens(finding.path)
        if is_rendered(finding.file):
            lines = self._template(finding.file)
            line, column = template_position(lines, tokens, *self._segment(finding, lines))
        else:
            nodes = self._nodes_of(finding.file)
            if finding.index >= len(nodes):
                return finding
            line, column = node_position(nodes[finding.index], tokens)
        return replace(finding, line=line, column=column) if line else finding

    def _segment(self, finding: Finding, lines: list[str]) -> tuple[int, int]:
        """The template lines of the finding's document: the ``---``-separated part with its
        index when the template has as many parts as it rendered documents, else all."""
        breaks = [n for n, text in enumerate(lines) if text.rstrip() == "---"]
        bounds = [0, *[n + 1 for n in breaks]], [*breaks, len(lines)]
        parts = [(a, b) for a, b in zip(*bounds, strict=True)
                 if any(_is_content(text) for text in lines[a:b])]
        if len(parts) == len(self._nodes_of(finding.file)) and finding.index < len(parts):
            return parts[finding.index]
        return 0, len(lines)

    def _nodes_of(self, file: str) -> list[yaml.Node]:
        if file not in self._nodes:
            self._nodes[file] = document_nodes(self._sources.get(file, ""))
        return self._nodes[file]

    def _template(self, file: str) -> list[str]:
        if file not in self._template_lines:
            self._template_lines[file] = _template_text(self._repo_root, file).splitlines()
        return self._template_lines[file]


def _is_content(line: str) -> bool:
    stripped = line.strip()
    return bool(stripped) and not stripped.startswith("#") and not (
        stripped.startswith("{{/*") and stripped.endswith("*/}}"))


def _template_text(root: Path | None, file: str) -> str:
    """The template source; workshop files are prefixed ``clusters/<name>/``."""
    if root is None:
        return ""
    parts = file.split("/")
    relative = "/".join(parts[2:]) if parts[0] == "clusters" and len(parts) > 2 else file
    try:
        return (root / relative).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return ""


def locate_all(findings: Iterable[Finding], documents: Iterable[Document],
               repo_root: Path | None = None) -> list[Finding]:
    """``findings`` with the line and column of their node where it can be found."""
    found = list(findings)
    if not found:
        return found
    locator = Locator(documents, repo_root)
    return [locator.locate(f) for f in found]
