"""A fast reader for the plain block YAML that Helm and YAML dumpers write.

libyaml through PyYAML spends most of its time making Python objects for every event
and mark; rendered manifests need neither. This reader builds the data straight from
the lines, for a common subset: block mappings and sequences, plain and quoted scalars
(folded over lines as YAML folds them), one-line flow collections and escaped
double-quoted scalars (read by libyaml on their own), literal blocks (``|``, ``|-``, with
an indentation indicator).
Plain scalars are resolved by PyYAML's own resolver and constructors (YAML 1.1: ``on``
is true, ``010`` is 8): the result is what ``yaml.load_all(text, CSafeLoader)`` gives.

Anything else (anchors, aliases, tags, folded blocks, complex or merge keys, tabs,
directives, unusual line breaks, irregular indentation, anything invalid) raises
:class:`Unsupported`, and the caller parses the text with libyaml: never a different
answer, at worst the old speed.
"""

from __future__ import annotations

import bisect
import re
from typing import Any

import yaml

from .yaml_scalars import (
    KEYS,
    NOT_ONE_LINE,
    Unsupported,
    closing,
    fold,
    fold_quoted,
    only_comment,
    plain,
    plain_start,
    quoted,
    scalar,
    split_key,
)

__all__ = ["Unsupported", "load_all"]


#: Characters that stop the fast path: tabs, CR, other YAML line breaks, BOM, and what
#: PyYAML's reader refuses as non-printable. Compiled on first non-ASCII text: this class
#: takes about 10 ms to compile, and most manifests are ASCII (:data:`_AWKWARD_ASCII`).
_AWKWARD = "[^\n\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]"
#: The same class for ASCII text.
_AWKWARD_ASCII = re.compile("[^\n\x20-\x7e]")
_DOCUMENT_START = re.compile(r"---(?:[ ]+#.*)?[ ]*")
#: A literal block scalar's header: ``|``, a strip indicator and an indentation indicator
#: (either order), then spaces and a comment.
_LITERAL_HEADER = re.compile(r"\|([1-9]?)(-?)([1-9]?)(?:[ ]+(?:#.*)?)?")
#: An anchor or alias and what follows it (names: libyaml's alphanumeric, "_" and "-").
_PROPERTY = re.compile(r"([&*])([0-9A-Za-z_-]+)(?: +(.*))?")


def load_all(text: str) -> list[Any]:
    """The documents of ``text`` (``None`` for empty ones), as libyaml would load them."""
    try:
        return _load_all(text)
    except RecursionError:
        raise Unsupported("nested too deeply for the fast path") from None


def _load_all(text: str) -> list[Any]:
    if (_AWKWARD_ASCII if text.isascii() else re.compile(_AWKWARD)).search(text):
        raise Unsupported("characters outside the fast subset")
    lines = text.split("\n")
    documents: list[Any] = []
    start, explicit = 0, False
    for number, line in enumerate(lines):
        if line.startswith(("---", "...", "%")):
            if not _DOCUMENT_START.fullmatch(line):
                raise Unsupported("document marker with content, or a directive")
            document = _Document(lines, start, number)
            if explicit or document.items:
                documents.append(document.parse())
            start, explicit = number + 1, True
    document = _Document(lines, start, len(lines))
    if explicit or document.items:
        documents.append(document.parse())
    return documents


class _Document:
    """One document: ``lines[start:end]``, parsed by indentation."""

    def __init__(self, lines: list[str], start: int, end: int) -> None:
        self.raw = lines
        self.end = end
        #: Content lines as (line number, indent, text without the indent).
        self.items: list[tuple[int, int, str]] = []
        for number in range(start, end):
            line = lines[number]
            stripped = line.lstrip(" ")
            if stripped and stripped[0] != "#":
                self.items.append((number, len(line) - len(stripped), stripped.rstrip(" ")))
        self.count = len(self.items)
        self.numbers = [item[0] for item in self.items]
        self.anchors: dict[str, Any] = {}

    def parse(self) -> Any:
        if not self.items:
            return None
        value, position = self.block(0, self.items[0][1])
        if position != self.count:
            raise Unsupported("content after the document's root node")
        return value

    def indent_at(self, position: int) -> int:
        return self.items[position][1] if position < self.count else -1

    def block(self, position: int, indent: int) -> tuple[Any, int]:
        """The collection whose first line is ``position`` (at ``indent``)."""
        text = self.items[position][2]
        if text == "-" or text.startswith("- "):
            return self.sequence(position, indent)
        return self.mapping(position, indent)  # refuses a scalar: "not a key"

    def mapping(self, position: int, indent: int) -> tuple[dict[Any, Any], int]:
        result: dict[Any, Any] = {}
        items, count = self.items, self.count
        keys = 0
        while position < count and items[position][1] == indent:
            keys += 1
            number, _indent, text = items[position]
            split = KEYS.get(text) or split_key(text)
            if split is None:
                raise Unsupported("not a key")
            key, rest = split
            if rest and rest[0] not in NOT_ONE_LINE and (
                    position + 1 == count or items[position + 1][1] <= indent):
                result[key] = scalar(rest)  # the common case, without a call to value()
                position += 1
                continue
            result[key], position = self.value(position, indent, rest, number, mapping=True)
        if position < self.count and self.items[position][1] > indent:
            raise Unsupported("irregular indentation")
        if len(result) != keys:
            raise Unsupported("a key written twice")  # libyaml's loader says where
        return result, position

    def sequence(self, position: int, indent: int) -> tuple[list[Any], int]:
        result: list[Any] = []
        while position < self.count and self.items[position][1] == indent:
            number, _indent, text = self.items[position]
            if not (text == "-" or text.startswith("- ")):
                break
            rest = text[1:].lstrip(" ")
            if rest and rest[0] != "#" and (rest == "-" or rest.startswith("- ")
                                            or split_key(rest) is not None):
                column = indent + len(text) - len(rest)
                self.items[position] = (number, column, rest)
                item, position = self.block(position, column)
                result.append(item)
                continue
            item, position = self.value(position, indent, rest, number, mapping=False)
            result.append(item)
        if position < self.count and self.items[position][1] > indent:
            raise Unsupported("irregular indentation")
        return result, position

    def value(self, position: int, indent: int, rest: str, number: int,
              mapping: bool) -> tuple[Any, int]:
        """The value after a key or a dash on line ``position``; and the next position."""
        following = position + 1
        if not rest or rest[0] == "#":
            after = self.indent_at(following)
            if after > indent:
                return self.block(following, after)
            if mapping and after == indent:
                text = self.items[following][2]
                if text == "-" or text.startswith("- "):
                    return self.sequence(following, indent)
            return None, following
        if rest[0] in "&*":
            return self.anchored(position, indent, rest, number, mapping)
        if rest[0] == "|":
            return self.literal(rest, indent, number)
        if rest[0] in "'\"" and quoted(rest)[1] is None:
            return self.quoted_lines(rest, indent, number)
        if self.indent_at(following) > indent:
            return self.plain_lines(rest, indent, number, following)
        return scalar(rest), following

    def anchored(self, position: int, indent: int, rest: str, number: int,
                 mapping: bool) -> tuple[Any, int]:
        """A value with an anchor (``&name value``), or an alias (``*name``): the very
        object its anchor named, as libyaml shares it."""
        match = _PROPERTY.fullmatch(rest)
        if match is None:
            raise Unsupported("anchor or alias")
        sign, name, after = match.group(1), match.group(2), match.group(3) or ""
        if sign == "*":
            if name not in self.anchors or after[:1] not in ("", "#") \
                    or self.indent_at(position + 1) > indent:
                raise Unsupported("alias")
            return self.anchors[name], position + 1
        if name in self.anchors or after[:1] in ("&", "*", "!") or \
                (after[:1] not in ("", "#") and split_key(after) is not None):
            raise Unsupported("anchor on a key, or twice")
        value, following = self.value(position, indent, after, number, mapping)
        self.anchors[name] = value
        return value, following

    def plain_lines(self, rest: str, indent: int, number: int,
                    following: int) -> tuple[Any, int]:
        """A plain scalar folded over the next lines indented more than ``indent``."""
        if not plain_start(rest) or ": " in rest or " #" in rest or rest.endswith(":"):
            raise Unsupported("plain scalar")
        end = following
        while end < self.count and self.items[end][1] > indent:
            end += 1
        last = self.items[end - 1][0]
        segments = [rest]
        for line in self.raw[number + 1:last + 1]:
            text = line.strip(" ")
            if text.startswith(("#", "- ")) or text == "-" or ": " in text or " #" in text \
                    or text.endswith(":"):
                raise Unsupported("a continuation line that is not plain text")
            segments.append(text)
        return plain(fold(segments)), end

    def quoted_lines(self, rest: str, indent: int, number: int) -> tuple[str, int]:
        """A quoted scalar that closes on a later line than ``number``."""
        quote, lines, end = rest[0], [rest[1:]], number + 1
        while True:
            if end >= self.end:
                raise Unsupported("quoted scalar not closed")
            line = self.raw[end]
            stripped = line.lstrip(" ")
            if stripped and len(line) - len(stripped) <= indent:
                raise Unsupported("quoted scalar continued at the parent's indent")
            close = closing(stripped, quote)
            if close >= 0:
                lines.append(stripped[:close])
                if not only_comment(stripped[close + 1:]):
                    raise Unsupported("text after a quoted scalar")
                break
            lines.append(line)
            end += 1
        following = bisect.bisect_right(self.numbers, end)
        if self.indent_at(following) > indent:
            raise Unsupported("indented text after a quoted scalar")
        if quote == '"' and any("\\" in line for line in lines):
            try:
                value = yaml.load('"' + "\n".join(lines) + '"', Loader=yaml.CSafeLoader)
            except yaml.YAMLError:
                raise Unsupported("double-quoted scalar") from None
            return str(value), following
        if quote == "'":
            lines = [line.replace("''", "'") for line in lines]
        return fold_quoted(lines), following

    def literal_end(self, number: int, indent: int, block_indent: int = 0) -> tuple[int, int]:
        """(raw line after the literal block that follows line ``number``, its indent: the
        first content line's, unless a header gave it as ``block_indent``)."""
        end = number + 1
        while end < self.end:
            line = self.raw[end]
            stripped = line.lstrip(" ")
            if stripped:
                width = len(line) - len(stripped)
                if width < (block_indent or indent + 1):
                    if width > indent:
                        raise Unsupported("a block scalar's end is indented")
                    break
                block_indent = block_indent or width
            end += 1
        return end, block_indent

    def literal(self, header: str, indent: int, number: int) -> tuple[str, int]:
        """A literal block scalar after line ``number``: ``|`` or ``|-``, with or without an
        indentation indicator (``|2-``: its lines are indented 2 more than its key or dash's
        collection, as Istio's CRDs write descriptions that start with blank lines)."""
        match = _LITERAL_HEADER.fullmatch(header)
        if match is None or (match[1] and match[3]):
            raise Unsupported("block scalar header (keep chomping, or not a header)")
        strip = match[2] == "-"
        given = int(match[1] or match[3] or 0)
        end, block_indent = self.literal_end(number, indent, indent + given if given else 0)
        lines = self.raw[number + 1:end]
        final_break = end < len(self.raw)
        if end == len(self.raw) and lines and lines[-1] == "":
            lines, final_break = lines[:-1], True
        first = next((n for n, line in enumerate(lines) if line.strip(" ")), None)
        if first is None:
            raise Unsupported("a block scalar without content")
        if any(len(line) > block_indent for line in lines[:first]):
            raise Unsupported("leading blank lines longer than the block's indent")
        parts = [line[block_indent:] for line in lines]
        last = len(parts)
        while not parts[last - 1]:
            last -= 1
        body = "\n".join(parts[:last])
        if not strip and (last < len(parts) or final_break):
            body += "\n"
        return body, bisect.bisect_left(self.numbers, end)


