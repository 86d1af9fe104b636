"""Schema idioms the compiler recognises and checks faster than their literal form."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .compiler import Check, Errors


def exclusive_fields(branches: Any) -> tuple[str, ...] | None:
    """The fields of the "none, or exactly one of these fields" idiom, or None.

    ``oneOf: [{not: {anyOf: [{required: [a]}, {required: [b]}]}}, {required: [a]},
    {required: [b]}]`` is how protobuf ``oneof`` groups appear in CRDs (Istio's)
    and in labgen's own schemas: at most one of the fields may be set.
    """
    if not isinstance(branches, list) or len(branches) < 2:
        return None
    names: list[str] = []
    for branch in branches[1:]:
        if not (isinstance(branch, Mapping) and branch.keys() == {"required"}
                and isinstance(branch["required"], list) and len(branch["required"]) == 1
                and isinstance(branch["required"][0], str)):
            return None
        names.append(branch["required"][0])
    if branches[0] != {"not": {"anyOf": [{"required": [name]} for name in names]}}:
        return None
    return tuple(names)


def at_most_one_check(names: tuple[str, ...]) -> Check:
    """The idiom above, fast: the same verdicts as evaluating its branches."""
    wanted = frozenset(names)
    shown = ", ".join(repr(n) for n in names)

    def check(value: Any, path: str, errors: Errors) -> None:
        if not isinstance(value, dict):  # every ``required`` branch passes vacuously
            if len(names) != 1:
                errors.append((path, f"matches {len(names)} of the exclusive forms, "
                                     "must match exactly one"))
            return
        present = [key for key in value if key in wanted]
        if len(present) > 1:
            both = " and ".join(repr(k) for k in present)
            errors.append((path, f"sets {both}; at most one of {shown} may be set"))

    return check
