"""``labgen diff``: an environment rendered at two git refs, compared.

Each side's inputs are read with ``git archive`` into a temporary folder
(:mod:`labgen.git_source`), so the working tree and the index are never
touched. The result says what changes in traffic, in plain words, and which
rendered resources change.
"""

from __future__ import annotations

from contextlib import ExitStack
from pathlib import Path

from . import layout
from .errors import InputError, LabgenError
from .git_source import inputs_at, resolve_ref
from .helm_engine import HelmEngine
from .manifest_diff import by_participant, compare
from .render import RenderedEnvironment, render_environment
from .results import DiffReport
from .traffic_diff import ARROW, traffic_changes

WORKING_TREE = "working tree"


def diff_report(root: Path, name: str, base: str, head: str | None,
                engine: HelmEngine) -> DiffReport:
    """``name`` rendered at ``base`` and at ``head`` (None: the working tree), compared."""
    resolve_ref(root, base)  # fail on a bad ref before any rendering
    if head is not None:
        resolve_ref(root, head)
    with ExitStack() as stack:
        base_root = stack.enter_context(inputs_at(root, base))
        head_root = stack.enter_context(inputs_at(root, head)) if head is not None else root
        before = _render_side(base_root, name, engine, base)
        after = _render_side(head_root, name, engine, head or WORKING_TREE)
    if before is None and after is None:
        raise InputError(f"environment '{name}' exists neither at {base} nor at "
                         f"{head or 'the ' + WORKING_TREE}")
    traffic = traffic_changes(before.env.routes if before else None,
                              after.env.routes if after else None,
                              before.participant_routes if before else {},
                              after.participant_routes if after else {})
    changes = compare(before, after)
    participants = {*(before.participants if before else ()), *(after.participants if after else ())}
    return DiffReport(name, f"{base} {ARROW} {head or WORKING_TREE}", tuple(traffic),
                      tuple(by_participant(changes, participants)))


def _render_side(side_root: Path, name: str, engine: HelmEngine,
                 label: str) -> RenderedEnvironment | None:
    from .environment import environment_file

    try:
        environment_file(side_root, name)
    except InputError:
        if (side_root / layout.env_file(name)).exists():
            raise
        return None  # the environment does not exist on this side
    try:
        return render_environment(side_root, name, engine)
    except LabgenError as exc:
        raise InputError(f"cannot render {name} at {label}: {exc.message}") from None
