"""The rendered difference between two renderings, grouped by resource.

Each side's chart manifests and Argo CD documents are keyed
``Kind/namespace/name`` and compared as normalised YAML (sorted keys), so a
change shows as a unified diff under the resource it belongs to. Files of the
tree that are not Argo CD documents (``values.yaml``, ``README.md``) are
compared as text.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from . import layout
from .argocd_tree import MANIFESTS_DIR
from .manifests import Document
from .render import RenderedEnvironment
from .tree_writer import OWNED
from .yaml_io import dump

Status = Literal["added", "removed", "changed"]
MARKS: dict[Status, str] = {"added": "+", "removed": "-", "changed": "~"}


@dataclass(frozen=True)
class Change:
    """One resource or file that differs; ``diff`` is unified-diff lines (no newlines)."""

    #: ``Kind/namespace/name`` for a resource, the repository path for a file.
    key: str
    #: ``resource`` or ``file``.
    what: Literal["resource", "file"]
    status: Status
    diff: tuple[str, ...]
    #: Workshop: the participants with this same change (``key`` and ``diff`` then say
    #: ``<cluster>`` for the participant's name); empty for one cluster's change.
    participants: tuple[str, ...] = ()


def resources(rendered: RenderedEnvironment | None) -> dict[str, Document]:
    """``{Kind/namespace/name: document}`` of chart manifests and Argo CD documents."""
    if rendered is None:
        return {}
    return _keyed([*rendered.manifests, *rendered.argocd])


def plain_files(rendered: RenderedEnvironment | None) -> dict[str, str]:
    """Tree files that hold no Argo CD document (values.yaml, README.md)."""
    if rendered is None:
        return {}
    documents = {doc.file for doc in rendered.argocd}
    hydrated = f"{rendered.tree_dir}/{MANIFESTS_DIR}/"  # the resources themselves, compared above
    return {path: text for path, text in rendered.tree.items()
            if path not in documents and not path.startswith(hydrated)
            and not path.endswith("/" + OWNED)}


def _keyed(documents: Iterable[Document]) -> dict[str, Document]:
    out: dict[str, Document] = {}
    for doc in documents:
        # A workshop renders the same resources once per participant: name the cluster.
        in_participant = doc.file.startswith(f"{layout.PARTICIPANTS_DIR}/")
        cluster = "/".join(doc.file.split("/")[:2]) + "/" if in_participant else ""
        name = cluster + doc.key
        key, n = name, 2
        while key in out:  # the same name twice: keep both, numbered
            key, n = f"{name} (#{n})", n + 1
        out[key] = doc
    return out


def _parsed_from(doc: Document) -> tuple[str, int, str] | None:
    """What ``doc`` was parsed from (its file's text and place in it), when known."""
    return (doc.source, doc.index, doc.item) if doc.source else None


def _normalised(old: dict[str, Document], new: dict[str, Document]) -> tuple[dict[str, str],
                                                                               dict[str, str]]:
    """Each side's documents as normalised YAML (sorted keys), leaving out the pairs parsed
    from the same text (equal by construction). A workshop's participants share most
    documents, so each distinct one is dumped once."""
    dumped: dict[tuple[str, int, str], str] = {}

    def text(doc: Document) -> str:
        origin = _parsed_from(doc)
        if origin is None:
            return dump(dict(doc.body))
        if origin not in dumped:
            dumped[origin] = dump(dict(doc.body))
        return dumped[origin]

    same = {key for key in old.keys() & new.keys()
            if _parsed_from(old[key]) is not None
            and _parsed_from(old[key]) == _parsed_from(new[key])}
    return ({key: text(doc) for key, doc in old.items() if key not in same},
            {key: text(doc) for key, doc in new.items() if key not in same})


def compare(base: RenderedEnvironment | None, head: RenderedEnvironment | None) -> list[Change]:
    """Every resource, then every plain file, that differs between ``base`` and ``head``."""
    changes = _compare(*_normalised(resources(base), resources(head)), "resource")
    changes += _compare(plain_files(base), plain_files(head), "file")
    return changes


def _compare(old: dict[str, str], new: dict[str, str],
             what: Literal["resource", "file"]) -> list[Change]:
    changes = []
    for key in sorted(set(old) | set(new)):
        before, after = old.get(key), new.get(key)
        if before == after:
            continue
        status: Status = "added" if before is None else "removed" if after is None else "changed"
        lines = difflib.unified_diff(
            (before or "").splitlines(), (after or "").splitlines(),
            fromfile=f"a/{key}" if before is not None else "/dev/null",
            tofile=f"b/{key}" if after is not None else "/dev/null", lineterm="", n=3)
        changes.append(Change(key=key, what=what, status=status, diff=tuple(lines)))
    return changes


PLACEHOLDER = "{cluster}"


def by_participant(changes: list[Change], participants: Iterable[str]) -> list[Change]:
    """A workshop's changes with the same change in several participants' folders merged
    into one, naming them (a canary moving 29 clusters is one VirtualService diff)."""
    names = sorted(participants, key=len, reverse=True)
    if not names:
        return changes
    find = re.compile(r"(?<![\w-])(" + "|".join(map(re.escape, names)) + r")(?![\w-])")
    groups: dict[tuple[str, str, tuple[str, ...]], list[tuple[str, Change]]] = {}
    order: list[tuple[str, str, tuple[str, ...]]] = []
    for change in changes:
        found = find.search(change.key)
        name = found.group(1) if found else ""
        generic: tuple[str, str, tuple[str, ...]] = (change.key, change.status, change.diff) \
            if not name else (
            find.sub(PLACEHOLDER, change.key), change.status,
            tuple(find.sub(PLACEHOLDER, line) for line in change.diff))
        if generic not in groups:
            order.append(generic)
        groups.setdefault(generic, []).append((name, change))
    out: list[Change] = []
    for generic in order:
        members = groups[generic]
        if len(members) == 1 or not members[0][0]:
            out.extend(change for _name, change in members)
        else:
            first = members[0][1]
            out.append(Change(generic[0], first.what, first.status, generic[2],
                              tuple(sorted(name for name, _change in members))))
    return out


def counts(changes: Iterable[Change], what: str = "resource") -> str:
    """``1 changed, 0 added, 0 removed``."""
    selected = [c for c in changes if c.what == what]
    return ", ".join(f"{sum(c.status == s for c in selected)} {s}"
                     for s in ("changed", "added", "removed"))
