"""YAML in and out: one safe loader for reading, one ruamel.yaml setup for
round-trip edits, one deterministic dumper for generated files.

Reading keeps the line of every mapping key so that errors can point at it,
and refuses duplicate keys (PyYAML silently keeps the last one).
"""

from __future__ import annotations

import copy
import functools
import io
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from . import block_yaml
from .errors import InputError, capped
from .safe_loader import SafeLoader

if TYPE_CHECKING:
    from ruamel.yaml import YAML

#: A key path into a YAML document, e.g. ``("traffic", "weights", "v1")``.
KeyPath = tuple[str | int, ...]

#: Biggest input file labgen reads (environment files are a few KiB).
MAX_INPUT_BYTES = 1_000_000
#: Biggest number of nodes a document may expand to (defeats alias bombs).
MAX_NODES = 100_000
#: Deepest nesting of mappings and lists an input may have (environment files need ~10).
MAX_DEPTH = 64


#: Composes the node graph (with line marks); libyaml's parser when PyYAML has it.
_Composer: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_with_lines(path: Path, display: str | None = None) -> tuple[Any, dict[KeyPath, int]]:
    """Load one YAML document; return the data and ``{key path: line}``.

    Raises :class:`InputError` naming the file and line for malformed YAML,
    duplicate keys, non-UTF-8 bytes, oversized files and alias bombs.
    The same unchanged file is parsed once per process (layers are shared).
    """
    name = display or str(path)
    raw = read_regular(path, name)
    data, lines = _load_bytes(raw, name)
    return copy.deepcopy(data), dict(lines)


def read_regular(path: Path, name: str, limit: int = MAX_INPUT_BYTES) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes (FIFOs and devices refused
    without blocking; one byte more than the limit is read to tell it is too big)."""
    import os
    import stat

    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as exc:
        raise InputError(f"cannot read file: {exc.strerror}", file=name) from None
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise InputError("is a folder, not a file; an environment is one file "
                             "environments/<name>.yaml", file=name)
        if not stat.S_ISREG(mode):
            raise InputError("is not a regular file (a FIFO, socket or device); an environment "
                             "file must be a plain file", file=name)
        chunks, size = [], 0
        while size <= limit:
            chunk = os.read(fd, min(1 << 20, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except OSError as exc:
        raise InputError(f"cannot read file: {exc.strerror}", file=name) from None
    finally:
        os.close(fd)
    return b"".join(chunks)


@functools.lru_cache(maxsize=256)
def _load_bytes(raw: bytes, name: str) -> tuple[Any, dict[KeyPath, int]]:
    if len(raw) > MAX_INPUT_BYTES:
        raise InputError(
            f"file is more than the {MAX_INPUT_BYTES} bytes labgen accepts; "
            "split it or remove the bulk",
            file=name,
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputError("is not valid UTF-8; save the file as UTF-8", file=name, line=line) from None
    return loads_with_lines(text, name)


def loads_with_lines(text: str, name: str) -> tuple[Any, dict[KeyPath, int]]:
    """Like :func:`load_with_lines` for text already in memory."""
    try:
        return _compose_and_construct(_Composer, text, name)
    except _SyntaxError:
        if _Composer is yaml.SafeLoader:
            raise
    # libyaml's messages are terser: parse again with PyYAML's own parser for the error.
    try:
        return _compose_and_construct(yaml.SafeLoader, text, name)
    except RecursionError:  # PyYAML's composer recurses; libyaml's did not
        raise InputError("document is nested too deeply; flatten it", file=name) from None


class _SyntaxError(InputError):
    """Malformed YAML (worth a second parse for PyYAML's wording)."""


def _compose_and_construct(loader_class: Any, text: str, name: str) -> tuple[Any, dict[KeyPath, int]]:
    try:
        loader = loader_class(text)
    except yaml.reader.ReaderError as exc:
        raise _reader_error(exc, text, name) from None
    try:
        node = loader.get_single_node()
        if node is None:
            return None, {}
        lines: dict[KeyPath, int] = {}
        data = _construct(node, (), lines, name, [0])
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        problem = exc.problem or exc.context or "invalid YAML"
        hint = "; indent with spaces, not tabs" if "'\\t'" in problem else ""
        raise _SyntaxError(f"invalid YAML: {problem}{hint}", file=name, line=line) from None
    except yaml.reader.ReaderError as exc:
        raise _reader_error(exc, text, name) from None
    except yaml.YAMLError as exc:
        raise InputError(f"invalid YAML: {_first_line(exc)}", file=name) from None
    except RecursionError:
        raise InputError("document is nested too deeply; flatten it", file=name) from None
    except (ValueError, TypeError, ArithmeticError, AttributeError, LookupError) as exc:
        # A constructor refused a scalar: `!!int x`, a 5000-digit integer, `!!timestamp x`.
        node = _last_node[0]
        if "integer string conversion" in str(exc):
            what = "an integer with more than 4300 digits"
        elif isinstance(node, yaml.ScalarNode):
            tag = node.tag.replace("tag:yaml.org,2002:", "!!")
            shown = node.value if len(node.value) <= 60 else node.value[:57] + "..."
            what = f"{shown!r} is not a valid {tag}"
        else:
            what = _first_line(exc)
        raise InputError(f"invalid YAML value: {what}; quote the value or fix it",
                         file=name, line=node.start_mark.line + 1 if node else None) from None
    finally:
        loader.dispose()
    return data, lines


def _reader_error(exc: yaml.reader.ReaderError, text: str, name: str) -> InputError:
    line = text[: max(exc.position, 0)].count("\n") + 1
    char = chr(exc.character) if isinstance(exc.character, int) else str(exc.character)
    return InputError(f"invalid YAML: the character {char!r} is not allowed in YAML; remove it",
                      file=name, line=line)


def _first_line(exc: BaseException) -> str:
    text = str(exc).split("\n", 1)[0]
    return text if len(text) <= 120 else text[:117] + "..."


#: The node being constructed (for errors raised inside PyYAML's constructors).
_last_node: list[yaml.Node | None] = [None]


def _construct(
    node: yaml.Node, path: KeyPath, lines: dict[KeyPath, int], name: str, count: list[int]
) -> Any:
    count[0] += 1
    _last_node[0] = node
    if len(path) > MAX_DEPTH:
        raise InputError(f"nested more than {MAX_DEPTH} levels deep; flatten it",
                         file=name, line=node.start_mark.line + 1)
    if count[0] > MAX_NODES:
        raise InputError(
            f"document expands to more than {MAX_NODES} nodes (an alias bomb?); "
            "remove the repeated aliases",
            file=name,
            line=node.start_mark.line + 1,
        )
    lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise InputError(
                    "merge keys (<<) are not supported; write the keys out",
                    file=name,
                    line=key_node.start_mark.line + 1,
                )
            if not isinstance(key_node, yaml.ScalarNode):
                raise InputError("a key must be plain text, not a list or mapping; write the "
                                 "key as text", file=name, line=key_node.start_mark.line + 1)
            key = _scalar(key_node, name)
            if not isinstance(key, str | int | bool | float) or isinstance(key, bool):
                key = str(key)
            if key in result:
                raise InputError(
                    f"duplicate key '{key}' (first at line {lines[(*path, key)]}); "
                    "keep only one",
                    file=name,
                    line=key_node.start_mark.line + 1,
                )
            lines[(*path, key)] = key_node.start_mark.line + 1
            result[key] = _construct(value_node, (*path, key), lines, name, count)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [
            _construct(item, (*path, index), lines, name, count)
            for index, item in enumerate(node.value)
        ]
    return _scalar(node, name)


def _scalar(node: yaml.Node, name: str) -> Any:
    _last_node[0] = node
    value = yaml.SafeLoader.construct_object(_DUMMY, node)
    if isinstance(value, str) and any("\ud800" <= c <= "\udfff" for c in value):
        raise InputError("a string holds a lone surrogate (an escape such as \\ud800 that is "
                         "no character); remove it", file=name, line=node.start_mark.line + 1)
    return value


_DUMMY = yaml.SafeLoader("")


def load_all_documents(text: str, name: str) -> Iterator[Any]:
    """Every non-empty document of a multi-document YAML text (safe loader): the block
    reader's (:mod:`labgen.block_yaml`) when the text is in its subset, else libyaml's;
    both give the same data."""
    fast = _fast_load_all(text)
    if fast is not None:
        yield from (doc for doc in fast if doc is not None)
        return
    try:
        for doc in yaml.load_all(text, Loader=SafeLoader):
            if doc is not None:
                yield doc
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        line = mark.line + 1 if mark is not None else None
        raise InputError(capped(f"invalid YAML: {exc.problem}"), file=name, line=line) from None


#: What the safe loaders raise on bad input.
YAMLError = yaml.YAMLError


def _fast_load_all(text: str) -> list[Any] | None:
    """The documents of ``text`` from the block reader, or None outside its subset."""
    try:
        return block_yaml.load_all(text)
    except block_yaml.Unsupported:
        return None


def safe_load(text: str) -> Any:
    """One YAML document with the safe loader (libyaml; the block reader for its subset);
    YAMLError on bad input. For text labgen made itself or parses inside a manifest (a
    ConfigMap's data)."""
    fast = _fast_load_all(text)
    if fast is not None and len(fast) <= 1:
        return fast[0] if fast else None
    return yaml.load(text, Loader=SafeLoader)


def safe_load_all(text: str) -> list[Any]:
    """Every document of ``text`` with the safe loader (libyaml; the block reader for its
    subset); YAMLError on bad input."""
    fast = _fast_load_all(text)
    if fast is not None:
        return fast
    return list(yaml.load_all(text, Loader=SafeLoader))


def compose_all(text: str) -> list[yaml.Node]:
    """The node trees of ``text``'s documents (libyaml's composer), with line/column marks,
    for finding positions: a plain scalar's tag is the null tag or the string tag, never
    resolved further (resolving every scalar was most of the cost)."""
    return list(yaml.compose_all(text, Loader=_MarksLoader))


_NULLS = frozenset({"", "~", "null", "Null", "NULL"})
_TAGS = {yaml.ScalarNode: "tag:yaml.org,2002:str", yaml.SequenceNode: "tag:yaml.org,2002:seq",
         yaml.MappingNode: "tag:yaml.org,2002:map"}


class _MarksLoader(SafeLoader):
    def resolve(self, kind: Any, value: Any, implicit: Any) -> str:
        if kind is yaml.ScalarNode and implicit[0] and value in _NULLS:
            return "tag:yaml.org,2002:null"
        return _TAGS[kind]


def scalar(value: Any) -> str:
    """``value`` as one YAML scalar, quoted only where YAML would read it as something else
    ("1.10" stays a string, a namespace called "on" stays a string)."""
    return _memoized("scalar", value, _dump_scalar)


def _dump_scalar(value: Any) -> str:
    text: str = yaml.safe_dump({"k": value}, default_flow_style=False, width=10**6)
    return text[len("k: "):].rstrip("\n")


#: Dumped texts by (kind, repr of the data): a render dumps the same data many times (a
#: workshop: the same Application fields per participant), and PyYAML's emitter is slow.
_DUMPED: dict[tuple[str, str], str] = {}
#: Characters (keys and texts) the memo may hold before it starts over.
_DUMPED_BUDGET = 8_000_000
_dumped_size = [0]
_PLAIN_SCALARS = (str, int, float, bool, type(None))


def _plain(data: Any) -> bool:
    """Only builtin types (no subclass), so ``repr`` tells any two different data apart."""
    kind = type(data)
    if kind in _PLAIN_SCALARS:
        return True
    if kind is dict:
        return all(_plain(key) and _plain(item) for key, item in data.items())
    return kind in (list, tuple) and all(_plain(item) for item in data)


def _memoized(kind: str, data: Any, make: Callable[[Any], str]) -> str:
    if not _plain(data):
        return make(data)
    key = (kind, repr(data))
    text = _DUMPED.get(key)
    if text is None:
        text = make(data)
        size = len(key[1]) + len(text)
        if _dumped_size[0] + size > _DUMPED_BUDGET:
            _DUMPED.clear()
            _dumped_size[0] = 0
        _DUMPED[key] = text
        _dumped_size[0] += size
    return text


class _Dumper(yaml.SafeDumper):
    """Block style, stable indentation, no aliases."""

    def ignore_aliases(self, data: Any) -> bool:
        return True

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


def _str_presenter(dumper: yaml.SafeDumper, data: str) -> yaml.ScalarNode:
    if "\n" in data:
        return dumper.represent_scalar("tag:yaml.org,2002:str", data, style="|")
    return dumper.represent_scalar("tag:yaml.org,2002:str", data)


_Dumper.add_representer(str, _str_presenter)


def dump(data: Any, *, sort_keys: bool = True) -> str:
    """Deterministic YAML for generated files."""
    return _memoized("sorted" if sort_keys else "ordered", data,
                     functools.partial(_dump, sort_keys=sort_keys))


def _dump(data: Any, *, sort_keys: bool) -> str:
    text: str = yaml.dump(data, Dumper=_Dumper, sort_keys=sort_keys, default_flow_style=False,
                          allow_unicode=True, width=1000)
    return text


def round_trip() -> YAML:
    """The one ruamel.yaml configuration for editing user files in place."""
    from ruamel.yaml import YAML  # deferred: only the scenario commands edit files

    rt = YAML(typ="rt")
    rt.preserve_quotes = True
    rt.width = 4096
    rt.indent(mapping=2, sequence=4, offset=2)
    return rt


def round_trip_dump(data: Any) -> str:
    stream = io.StringIO()
    round_trip().dump(data, stream)
    return stream.getvalue()
