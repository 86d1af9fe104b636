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

import yaml

from .findings import Finding
from .manifests import Document
from .yaml_io import compose_all

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
        nodes = compose_all(text)
    except yaml.YAMLError:
        return []
    return [n for n in nodes if not _is_empty(n)]


def _is_empty(node: yaml.Node | None) -> bool:
    return node is None or (isinstance(node, yaml.ScalarNode) and node.tag == NULL_TAG)


_SEPARATOR = re.compile(r"^---(?=[ \t]|$)", re.MULTILINE)


class DocumentParts:
    """One document of a file composed at a time: the text is cut at its ``---`` lines
    and only the part a finding is in is composed (with its line offset); when the
    parts do not add up to the file's documents, the whole file is composed."""

    def __init__(self, text: str, count: int) -> None:
        self._text = text
        starts = [0, *[m.start() for m in _SEPARATOR.finditer(text)]]
        spans = list(zip(starts, [*starts[1:], len(text)], strict=True))
        self._parts = [(a, b) for a, b in spans if _has_content(text[a:b])]
        self._nodes: dict[int, yaml.Node | None] = {}
        self._whole: list[yaml.Node] | None = None if len(self._parts) == count else \
            document_nodes(text)

    def node(self, index: int) -> yaml.Node | None:
        if self._whole is not None:
            return self._whole[index] if index < len(self._whole) else None
        if index >= len(self._parts):
            return None
        if index not in self._nodes:
            start, end = self._parts[index]
            offset = self._text.count("\n", 0, start)
            nodes = document_nodes("\n" * offset + self._text[start:end])
            self._nodes[index] = nodes[0] if len(nodes) == 1 else None
        return self._nodes[index]


def _has_content(part: str) -> bool:
    for line in part.splitlines():
        stripped = line.strip()
        if stripped.startswith("---"):
            stripped = stripped[3:].strip()
        if stripped and not stripped.startswith("#") and not stripped.startswith("%"):
            return True
    return False


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
        #: Documents of each file (List items counted once).
        self._counts: dict[str, int] = {}
        for doc in documents:
            if doc.source and doc.file not in self._sources:
                self._sources[doc.file] = doc.source
            self._counts[doc.file] = max(self._counts.get(doc.file, 0), doc.index + 1)
        self._repo_root = repo_root
        self._parts: dict[str, DocumentParts] = {}
        self._template_lines: dict[str, list[str]] = {}

    def locate(self, finding: Finding) -> Finding:
        if finding.line or finding.index < 0:
            return finding
        tokens = path_tokens(finding.path)
        if is_rendered(finding.file):
            lines = self._template(finding.file)
            line, column = template_position(lines, tokens, *self._segment(finding, lines))
        else:
            node = self._parts_of(finding.file).node(finding.index)
            if node is None:
                return finding
            line, column = node_position(node, tokens)
        return replace(finding, line=line, column=column) if line else finding

    def _segment(self, finding: Finding, lines: list[str]) -> tuple[int, int]:
        """The template lines of the finding's document: the ``---``-separated part with its
        index when the template has as many parts as it rendered documents, else all."""
        breaks = [n for n, text in enumerate(lines) if text.rstrip() == "---"]
        bounds = [0, *[n + 1 for n in breaks]], [*breaks, len(lines)]
        parts = [(a, b) for a, b in zip(*bounds, strict=True)
                 if any(_is_content(text) for text in lines[a:b])]
        if len(parts) == self._counts.get(finding.file, -1) and finding.index < len(parts):
            return parts[finding.index]
        return 0, len(lines)

    def _parts_of(self, file: str) -> DocumentParts:
        if file not in self._parts:
            self._parts[file] = DocumentParts(self._sources.get(file, ""),
                                              self._counts.get(file, 0))
        return self._parts[file]

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
