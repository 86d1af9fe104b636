"""Scalars and keys of one line for :mod:`labgen.block_yaml`: plain scalars resolved by
PyYAML's own resolver and constructors, quoted ones, folding over lines, ``key: rest``
splitting. Results are remembered (immutable values only: lines repeat across manifests).
"""

from __future__ import annotations

from typing import Any

import yaml
from yaml.constructor import SafeConstructor

from .safe_loader import SafeLoader


class Unsupported(Exception):
    """The text is outside the subset this reader handles (parse it with libyaml)."""


_PLAIN_START_BAD = frozenset("[]{},#&*!|>'\"%@`")
_INDICATOR_SPACE = frozenset("-?:")
_RESOLVER: Any = yaml.resolver.Resolver()
_CONSTRUCTOR = SafeConstructor()
_CONSTRUCT: dict[str, Any] = {
    "tag:yaml.org,2002:int": SafeConstructor.construct_yaml_int,
    "tag:yaml.org,2002:float": SafeConstructor.construct_yaml_float,
    "tag:yaml.org,2002:bool": SafeConstructor.construct_yaml_bool,
    "tag:yaml.org,2002:null": SafeConstructor.construct_yaml_null,
    "tag:yaml.org,2002:timestamp": SafeConstructor.construct_yaml_timestamp,
}
#: Plain scalar text -> its value (all immutable: str, int, float, bool, None, dates); the
#: same for one-line scalars with their quotes and comments, and lines -> (key, rest).
_PLAIN_VALUES: dict[str, Any] = {}
_SCALARS: dict[str, Any] = {}
KEYS: dict[str, tuple[Any, str]] = {}
_CACHE_SIZE = 50_000
#: What a one-line scalar after a key cannot start with (comment, block, quote that may
#: continue on the next line, anchor, alias).
NOT_ONE_LINE = frozenset("#|'\"&*")
_STR = "tag:yaml.org,2002:str"
#: libyaml refuses implicit keys of more than 1024 characters; here long lines go to libyaml.
_MAX_KEY = 1000


def closing(text: str, quote: str) -> int:
    """Index of the quote that closes a scalar in ``text`` (a continuation line), or -1."""
    index = 0
    while True:
        close = text.find(quote, index)
        if close < 0:
            return -1
        if quote == "'" and text[close + 1:close + 2] == "'":
            index = close + 2
            continue
        if quote == '"':
            backslashes = len(text[:close]) - len(text[:close].rstrip("\\"))
            if backslashes % 2:
                index = close + 1
                continue
        return close


def fold(segments: list[str]) -> str:
    """Stripped lines folded: one line break is a space, each empty line a line break."""
    out, breaks = [segments[0]], 0
    for segment in segments[1:]:
        if not segment:
            breaks += 1
            continue
        out.append("\n" * breaks if breaks else " ")
        out.append(segment)
        breaks = 0
    return "".join(out)


def fold_quoted(lines: list[str]) -> str:
    """The inside of a multi-line quoted scalar: the first line's trailing spaces, the
    next lines' leading spaces (and the middle ones' trailing) go; lines fold as plain."""
    out, breaks = [lines[0].rstrip(" ")], 0
    for index, line in enumerate(lines[1:], start=1):
        last = index == len(lines) - 1
        text = line.lstrip(" ") if last else line.strip(" ")
        if not text and not last:
            breaks += 1
            continue
        out.append("\n" * breaks if breaks else " ")
        out.append(text)
        breaks = 0
    return "".join(out)


def split_key(text: str) -> tuple[Any, str] | None:
    """``(key, rest)`` when ``text`` is ``key: rest`` (rest stripped), else None
    (remembered in ``KEYS``: lines repeat across manifests)."""
    split = _split_key_of(text)
    if split is not None:
        if len(KEYS) > _CACHE_SIZE:
            KEYS.clear()
        KEYS[text] = split
    return split


def _split_key_of(text: str) -> tuple[Any, str] | None:
    if text[0] in "[{":
        return None
    if len(text) > _MAX_KEY and text.find(":") > _MAX_KEY // 2:
        raise Unsupported("a long line that may hold a key longer than libyaml allows")
    if text[0] in "'\"":
        key, after = quoted(text)
        if after is None:
            return None
        after = after.lstrip(" ")
        if after == ":" or after.startswith(": "):
            return key, after[1:].strip(" ")
        return None
    colon = text.find(": ")
    if colon < 0:
        if not text.endswith(":"):
            return None
        colon = len(text) - 1
    if " #" in text[:colon]:
        return None
    raw_key = text[:colon].rstrip(" ")
    if not raw_key or raw_key == "<<" or not plain_start(raw_key):
        raise Unsupported("key")
    return plain(raw_key), text[colon + 1:].strip(" ")


def plain_start(text: str) -> bool:
    first = text[0]
    if first in _PLAIN_START_BAD:
        return False
    return first not in _INDICATOR_SPACE or (len(text) > 1 and text[1] != " ")


def quoted(text: str) -> tuple[str, str | None]:
    """A one-line quoted scalar at the start of ``text``: (value, what follows) or
    (..., None) when it does not close on the line."""
    quote = text[0]
    close = closing(text[1:], quote) + 1
    if close <= 0:
        return "", None
    inner, after = text[1:close], text[close + 1:]
    if quote == "'":
        return inner.replace("''", "'"), after
    if "\\" in inner:  # escapes: libyaml reads the scalar on its own
        try:
            return str(yaml.load(text[:close + 1], Loader=yaml.CSafeLoader)), after
        except yaml.YAMLError:
            raise Unsupported("double-quoted scalar") from None
    return inner, after


def scalar(text: str) -> Any:
    """The value of a one-line scalar or flow collection (comment allowed after it)."""
    try:
        return _SCALARS[text]
    except KeyError:
        pass
    first = text[0]
    if first not in "[{":  # immutable values only: a flow collection is made anew each time
        value = _scalar(text)
        if len(_SCALARS) > _CACHE_SIZE:
            _SCALARS.clear()
        _SCALARS[text] = value
        return value
    return _scalar(text)


def _scalar(text: str) -> Any:
    first = text[0]
    if first in "'\"":
        value, after = quoted(text)
        if after is None or not only_comment(after):
            raise Unsupported("quoted scalar")
        return value
    if first in "[{":
        if text in ("[]", "{}"):
            return [] if first == "[" else {}
        try:
            return yaml.load(text, Loader=SafeLoader)
        except (yaml.YAMLError, ValueError, TypeError, ArithmeticError, LookupError,
                RecursionError):
            raise Unsupported("flow collection") from None
    comment = text.find(" #")
    if comment >= 0:
        text = text[:comment].rstrip(" ")
    if not plain_start(text) or ": " in text or text.endswith(":"):
        raise Unsupported("plain scalar")
    return plain(text)


def only_comment(text: str) -> bool:
    stripped = text.lstrip(" ")
    return not stripped or (stripped[0] == "#" and len(stripped) < len(text))


def plain(text: str) -> Any:
    """A plain scalar's value, resolved as PyYAML resolves it (cached)."""
    try:
        return _PLAIN_VALUES[text]
    except KeyError:
        pass
    tag = _RESOLVER.resolve(yaml.ScalarNode, text, (True, False))
    if tag == _STR:
        value: Any = text
    else:
        construct = _CONSTRUCT.get(tag)
        if construct is None:
            raise Unsupported(f"plain scalar of tag {tag}")
        try:
            value = construct(_CONSTRUCTOR, yaml.ScalarNode(tag, text))
        except (ValueError, TypeError, ArithmeticError, LookupError) as exc:
            raise Unsupported("a scalar its constructor refuses") from exc
    if len(_PLAIN_VALUES) > _CACHE_SIZE:
        _PLAIN_VALUES.clear()
    _PLAIN_VALUES[text] = value
    return value
