"""Progressive rollout: ``traffic.steps`` of an environment, and where it stands.

The current step is the step whose split equals the current routes (a
built-in scenario counts: ``canary`` is the step ``{v1: 80, v2: 15, v3: 5}``).
Subsets with weight 0 are the same as subsets left out.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from .environment import Environment
from .errors import InputError
from .scenarios import describe_split, version_key


@dataclass(frozen=True)
class Rollout:
    """The declared steps of an environment and the index of the current one."""

    env_name: str
    steps: tuple[dict[str, int], ...]
    #: Index into ``steps``; ``None`` when the current split matches no step.
    current: int | None
    #: The current split, described (``v1 80%, v2 15%, v3 5%``).
    current_split: str

    def describe(self, index: int | None = None) -> str:
        """``step 2 of 3: v1 60%, v2 30%, v3 10%`` (the current step by default)."""
        index = self.current if index is None else index
        if index is None:
            return (f"the current split ({self.current_split}) matches none of the "
                    f"{len(self.steps)} steps of traffic.steps")
        return f"step {index + 1} of {len(self.steps)}: {describe_split(self.steps[index])}"

    def target(self, delta: int) -> dict[str, int]:
        """The weights of the step ``delta`` away from the current one, or InputError."""
        verb = "promote" if delta > 0 else "roll back"
        if self.current is None:
            raise InputError(f"cannot {verb} {self.env_name}: {self.describe()}; set a step's "
                             f"weights with 'labgen scenario weights --env {self.env_name} ...'")
        index = self.current + delta
        if not 0 <= index < len(self.steps):
            end = "last" if delta > 0 else "first"
            raise InputError(f"cannot {verb} {self.env_name}: already at the {end} step "
                             f"({self.describe()})")
        return dict(self.steps[index])


def rollout_of(env: Environment) -> Rollout:
    """The rollout of ``env``; InputError when it declares no ``traffic.steps``."""
    steps = tuple(ordered(step) for step in env.spec.traffic.steps)
    if not steps:
        raise InputError(f"environment {env.name} declares no traffic.steps; add them to "
                         f"{env.files[-1]}, e.g. steps: [{{v1: 80, v2: 20}}, {{v2: 100}}]")
    current = dict(env.routes.weights)
    match = next((i for i, step in enumerate(steps) if same_split(step, current)), None)
    return Rollout(env_name=env.name, steps=steps, current=match,
                   current_split=env.routes.describe())


def same_split(a: Mapping[str, int], b: Mapping[str, int]) -> bool:
    """Equal weights, where a subset at 0% equals a subset left out."""
    return {k: v for k, v in a.items() if v} == {k: v for k, v in b.items() if v}


def ordered(weights: Mapping[str, int]) -> dict[str, int]:
    """``weights`` in subset order."""
    return dict(sorted(weights.items(), key=lambda item: version_key(item[0])))
