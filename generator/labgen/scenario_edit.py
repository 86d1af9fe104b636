"""Changing an environment's traffic scenario in ``environments/<env>.yaml``.

The edit goes through ruamel.yaml round-trip (:func:`labgen.yaml_io.round_trip`),
so comments, key order, quoting and blank lines stay and only the changed
lines differ. The edited text is checked by the environment loader on a
temporary copy of ``environments/`` before the real file is touched; then
the file is replaced and ``gitops/<env>/`` re-rendered, and if the render
fails the file gets its old bytes back.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from ruamel.yaml.comments import CommentedMap
from ruamel.yaml.error import CommentMark, YAMLError
from ruamel.yaml.tokens import CommentToken

from . import scenarios
from .clusters import expand_clusters
from .env_files import ENV_DIR, available_environments, environment_file, input_files
from .environment import Environment, load_environment
from .errors import InputError
from .yaml_io import round_trip

T = TypeVar("T")
_ASSIGNMENT = re.compile(r"(?P<subset>[^=\s]+)=(?P<weight>[^=\s]*)")


@dataclass(frozen=True)
class TrafficEdit:
    """An edited environment file, checked but not yet written."""

    path: Path
    #: Path relative to the repository root, for messages.
    display: str
    old_text: str
    new_text: str
    #: The environment as it will load from ``new_text``.
    env: Environment
    #: Other environments built on the edited file (``extends``); they change with it.
    dependents: tuple[str, ...] = ()

    @property
    def changed(self) -> bool:
        return self.old_text != self.new_text


def parse_weights(assignments: tuple[str, ...] | list[str]) -> dict[str, int]:
    """``["v1=50", "v2=50"]`` -> ``{"v1": 50, "v2": 50}``; InputError on malformed input."""
    if not assignments:
        raise InputError("give weights as SUBSET=PERCENT, e.g. v1=50 v2=30 v3=20")
    weights: dict[str, int] = {}
    for text in assignments:
        match = _ASSIGNMENT.fullmatch(text)
        if not match:
            raise InputError(f"'{text}' is not SUBSET=PERCENT; write e.g. v1=50")
        subset, raw = match["subset"], match["weight"]
        if subset in weights:
            raise InputError(f"subset '{subset}' is given twice; give each subset once")
        if not re.fullmatch(r"[0-9]+", raw):
            raise InputError(f"weight of {subset} must be an integer from 0 to 100, got '{raw}'")
        weight = int(raw)
        if weight > 100:
            raise InputError(f"weight of {subset} must be an integer from 0 to 100, got {weight}")
        weights[subset] = weight
    total = sum(weights.values())
    if total != 100:
        raise InputError(f"weights sum to {total}, not 100; adjust them so they add up to 100")
    return weights


def plan_traffic_edit(root: Path, name: str, scenario: str,
                      weights: Mapping[str, int] | None) -> TrafficEdit:
    """Edit ``traffic.scenario`` (and ``traffic.weights``) of environment ``name`` in memory.

    ``weights`` is required for scenario ``custom`` and must be ``None``
    otherwise. Raises InputError, touching nothing, when the result would not load.
    """
    if scenario != scenarios.CUSTOM and weights is not None:
        raise InputError("weights go with scenario 'custom' only")
    if scenario not in scenarios.NAMES:
        raise InputError(f"unknown scenario '{scenario}'; choose one of: "
                         f"{', '.join(scenarios.NAMES)}")
    path = environment_file(root, name)
    display = f"{ENV_DIR}/{path.name}"
    old_text = path.read_text(encoding="utf-8")
    new_text = _edit_text(old_text, display, scenario, weights)
    try:
        env, dependents = _load_edited(root, name, path.name, new_text)
    except InputError as exc:
        raise InputError(f"nothing changed; the edit would give: {exc.message}") from None
    return TrafficEdit(path=path, display=display, old_text=old_text, new_text=new_text, env=env,
                       dependents=dependents)


def apply_edit(edit: TrafficEdit, rerender: Callable[[], T]) -> T:
    """Write the edited file, then run ``rerender``; restore the file if it fails."""
    if edit.changed:
        _replace_text(edit.path, edit.new_text)
    try:
        return rerender()
    except BaseException:
        if edit.changed:
            _replace_text(edit.path, edit.old_text)
        raise


def _edit_text(text: str, display: str, scenario: str, weights: Mapping[str, int] | None) -> str:
    rt = round_trip()
    try:
        document = rt.load(text)
    except YAMLError as exc:
        raise InputError(f"cannot edit: invalid YAML ({exc})", file=display) from None
    if document is None:
        document = CommentedMap()
    if not isinstance(document, CommentedMap):
        raise InputError("must be a mapping of settings (key: value)", file=display, line=1)
    traffic = document.get("traffic")
    if traffic is None:
        traffic = CommentedMap()
        document["traffic"] = traffic
    if not isinstance(traffic, CommentedMap):
        raise InputError("traffic must be a mapping (traffic: {scenario: ...})", file=display)
    _set_scalar(traffic, "scenario", scenario)
    if weights is None:
        if "weights" in traffic:
            _delete_keeping_comments(traffic, "weights")
    else:
        _set_weights(traffic, weights)
    stream = io.StringIO()
    rt.dump(document, stream)
    return stream.getvalue()


def _set_scalar(mapping: CommentedMap, key: str, value: str) -> None:
    """Set ``key`` keeping the old value's quoting style."""
    old = mapping.get(key)
    if old is not None and isinstance(old, str) and type(old) is not str:
        value = type(old)(value)  # e.g. DoubleQuotedScalarString
    if key in mapping:
        mapping[key] = value
    else:
        mapping.insert(0, key, value)


def _set_weights(traffic: CommentedMap, weights: Mapping[str, int]) -> None:
    current = traffic.get("weights")
    if isinstance(current, CommentedMap):
        trailing = _take_trailing(traffic, "weights")
        for subset in [s for s in current if s not in weights]:
            _delete_keeping_comments(current, subset)
        for subset, weight in weights.items():
            current[subset] = weight  # existing keys keep their place and comments
        _put_trailing(traffic, "weights", trailing)
        return
    fresh = CommentedMap(weights.items())
    fresh.fa.set_flow_style()
    if "weights" in traffic:
        traffic["weights"] = fresh
    else:
        trailing = _take_trailing(traffic, "scenario")  # blank lines/comments after it stay last
        traffic.insert(list(traffic).index("scenario") + 1, "weights", fresh)
        _put_trailing(traffic, "weights", trailing)


def _delete_keeping_comments(mapping: CommentedMap, key: str) -> None:
    """Delete ``key``; full-line comments that followed its entry move to the entry before it.

    ruamel attaches the comment lines between two keys to the end of the first
    one, so deleting it would otherwise drop a comment about the next key.
    """
    trailing = _take_trailing(mapping, key)
    keys = list(mapping)
    index = keys.index(key)
    del mapping[key]
    mapping.ca.items.pop(key, None)
    if not trailing:
        return
    if index > 0:
        _put_trailing(mapping, keys[index - 1], trailing)
    elif not mapping.ca.comment:  # it was the first key: keep the text before the mapping
        mapping.yaml_set_start_comment(_strip_hashes(trailing))


def _take_trailing(mapping: CommentedMap, key: str) -> str:
    """Remove and return the full comment lines after ``key``'s entry (not its EOL comment)."""
    value = mapping[key]
    if isinstance(value, CommentedMap) and len(value) and not value.fa.flow_style():
        return _take_trailing(value, list(value)[-1])
    slot = mapping.ca.items.get(key)
    token = slot[2] if slot else None
    if token is None:
        return ""
    first, _, body = str(token.value).partition("\n")
    if body:
        if first.strip():
            token.value = first + "\n"
        else:
            slot[2] = None
    return body


def _put_trailing(mapping: CommentedMap, key: str, text: str) -> None:
    """Attach full comment lines ``text`` after ``key``'s entry."""
    if not text:
        return
    value = mapping[key]
    if isinstance(value, CommentedMap) and len(value) and not value.fa.flow_style():
        _put_trailing(value, list(value)[-1], text)
        return
    if isinstance(value, list):  # a block sequence: keep the words, before the mapping
        mapping.yaml_set_start_comment(_strip_hashes(text))
        return
    slot = mapping.ca.items.setdefault(key, [None, None, None, None])
    if slot[2] is None:
        slot[2] = CommentToken("\n" + text, CommentMark(0), None)
    else:
        slot[2].value = str(slot[2].value).rstrip("\n") + "\n" + text


def _strip_hashes(text: str) -> str:
    return "\n".join(line.strip().removeprefix("#").strip() for line in text.splitlines())


def _load_edited(root: Path, name: str, file_name: str, text: str) -> tuple[Environment, tuple[str, ...]]:
    """Load environment ``name`` as if its file held ``text`` (a temporary copy), and every
    other environment built on that file, which must still load (clusters included)."""
    with tempfile.TemporaryDirectory(prefix="labgen-edit-") as folder:
        scratch = Path(folder)
        shutil.copytree(root / ENV_DIR, scratch / ENV_DIR,
                        ignore=lambda _dir, names: [n for n in names if not n.endswith(".yaml")])
        (scratch / ENV_DIR / file_name).write_text(text, encoding="utf-8")
        env = load_environment(scratch, name)
        edited = f"{ENV_DIR}/{file_name}"
        dependents = tuple(other for other in available_environments(scratch)
                           if other != name and edited in input_files(scratch, other))
        for other in dependents:
            expand_clusters(load_environment(scratch, other))  # participants must load too
        return env, dependents


def _replace_text(path: Path, text: str) -> None:
    """Replace ``path``'s content atomically (write beside it, then rename)."""
    mode = path.stat().st_mode & 0o777
    try:
        fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise InputError(f"cannot write the edited file ({exc.strerror}); it is unchanged: fix "
                         "the cause and run the command again", file=str(path)) from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.chmod(temp, mode)
        os.replace(temp, path)
    except OSError as exc:
        Path(temp).unlink(missing_ok=True)
        raise InputError(f"cannot write the edited file ({exc.strerror}); it is unchanged: fix "
                         "the cause and run the command again", file=str(path)) from None
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
