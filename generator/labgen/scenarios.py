"""Traffic scenarios for backend-app: the built-in catalogue and how a
scenario (or custom weights) becomes the routes of one VirtualService.

``random`` is the hands-on before its canary step: no weighted
VirtualService, the DestinationRule's RANDOM policy spreads requests over
every version. The others are the hands-on's ``k8s/scenario`` files.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

#: Built-in scenarios: subset -> weight. ``None`` means no VirtualService.
BUILTIN: dict[str, dict[str, int] | None] = {
    "random": None,
    "canary": {"v1": 80, "v2": 15, "v3": 5},
    "all-v3": {"v3": 100},
    "v1-v2-half": {"v1": 50, "v2": 50},
}
CUSTOM = "custom"
NAMES: tuple[str, ...] = (*BUILTIN, CUSTOM)


class ScenarioError(ValueError):
    """A scenario that cannot be routed; ``key`` is the offending environment key."""

    def __init__(self, message: str, key: tuple[str | int, ...]) -> None:
        super().__init__(message)
        self.key = key


@dataclass(frozen=True)
class HeaderMatch:
    header: str
    exact: str
    subset: str


@dataclass(frozen=True)
class Routes:
    """What the traffic chart renders for backend-app."""

    scenario: str
    #: ``(subset, weight)`` in subset order; empty for ``random``.
    weights: tuple[tuple[str, int], ...]
    header_match: HeaderMatch | None = None

    @property
    def has_virtual_service(self) -> bool:
        return bool(self.weights) or self.header_match is not None

    def describe(self) -> str:
        """``v1 80%, v2 15%, v3 5%`` (or how ``random`` spreads traffic)."""
        if not self.weights:
            return "random over every version (no weighted VirtualService)"
        return describe_split(dict(self.weights))


def check_weights(weights: Mapping[str, int], subsets: set[str], key: tuple[str | int, ...]) -> None:
    """Weights are integers 0..100 over existing subsets and sum to 100."""
    for subset, weight in weights.items():
        if subset not in subsets:
            known = ", ".join(sorted(subsets))
            raise ScenarioError(f"subset '{subset}' does not exist; known subsets: {known}",
                                (*key, subset))
        if isinstance(weight, bool) or not isinstance(weight, int) or not 0 <= weight <= 100:
            raise ScenarioError(f"weight of {subset} must be an integer from 0 to 100, "
                                f"got {weight!r}", (*key, subset))
    total = sum(weights.values())
    if total != 100:
        raise ScenarioError(f"weights sum to {total}, not 100; adjust them so they add up to 100",
                            key)


def resolve(
    scenario: str,
    weights: Mapping[str, int] | None,
    header: HeaderMatch | None,
    subsets: set[str],
) -> Routes:
    """Turn the environment's traffic settings into routes, or raise ScenarioError."""
    if scenario == CUSTOM:
        if not weights:
            raise ScenarioError("scenario 'custom' needs weights, e.g. weights: {v1: 50, v2: 50}",
                                ("traffic", "weights"))
        chosen = dict(weights)
        check_weights(chosen, subsets, ("traffic", "weights"))
    elif scenario in BUILTIN:
        if weights is not None:
            raise ScenarioError(
                f"weights are only read with scenario 'custom' (scenario is '{scenario}'); "
                "set scenario: custom or remove weights", ("traffic", "weights"))
        builtin = BUILTIN[scenario]
        chosen = dict(builtin) if builtin is not None else {}
        missing = sorted(set(chosen) - subsets)
        if missing:
            raise ScenarioError(
                f"scenario '{scenario}' routes to {', '.join(missing)}, which this environment "
                "does not deploy; add it to apps.backendVersions or pick another scenario",
                ("traffic", "scenario"))
    else:
        raise ScenarioError(f"unknown scenario '{scenario}'; choose one of: {', '.join(NAMES)}",
                            ("traffic", "scenario"))
    if header is not None and header.subset not in subsets:
        raise ScenarioError(f"headerRoute subset '{header.subset}' does not exist; known "
                            f"subsets: {', '.join(sorted(subsets))}",
                            ("traffic", "headerRoute", "subset"))
    ordered = tuple(sorted(chosen.items(), key=lambda item: version_key(item[0])))
    return Routes(scenario=scenario, weights=ordered, header_match=header)


def version_key(subset: str) -> tuple[int, str]:
    """Subset order: v1, v2, ..., v10 (numeric), then any other name."""
    digits = subset.lstrip("v")
    return (int(digits), subset) if digits.isdigit() else (10**6, subset)


def describe_split(weights: Mapping[str, int]) -> str:
    """``v1 80%, v2 15%, v3 5%`` in subset order."""
    return ", ".join(f"{subset} {weight}%"
                     for subset, weight in sorted(weights.items(), key=lambda i: version_key(i[0])))


def catalogue() -> list[tuple[str, str]]:
    """``(name, split in words)`` of every scenario, built-ins first (``labgen scenario list``)."""
    rows = [(name, describe_split(weights) if weights else
             "random over every version (no weighted VirtualService)")
            for name, weights in BUILTIN.items()]
    return [*rows, (CUSTOM, "your own weights: labgen scenario weights --env ENV v1=50 v2=50")]


def builtin(name: str) -> str:
    """``name`` when it is a built-in scenario, else InputError saying what to write."""
    from .errors import InputError

    if name == CUSTOM:
        raise InputError("set custom weights with 'labgen scenario weights --env ENV v1=50 v2=50'")
    if name not in BUILTIN:
        raise InputError(f"unknown scenario '{name}'; choose one of: {', '.join(BUILTIN)}")
    return name
