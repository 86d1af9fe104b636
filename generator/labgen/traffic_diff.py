"""What a change does to traffic, in plain words.

``backend-app: v1 80% → 50%, v2 15% → 30%, v3 5% → 20%``, with the scenario
names when they change, ``unchanged`` when nothing moves, and the new split
as a mermaid pie for pull-request comments.
"""

from __future__ import annotations

from dataclasses import dataclass

from .scenarios import HeaderMatch, Routes, version_key

HOST = "backend-app"
ARROW = "→"
_RANDOM = "random over every version (no weighted VirtualService)"


@dataclass(frozen=True)
class TrafficChange:
    """Routes of one environment before and after (``None``: the side has no environment)."""

    base: Routes | None
    head: Routes | None
    #: Where, for a workshop's participant clusters (``"team-02: "``); empty otherwise.
    where: str = ""

    @property
    def changed(self) -> bool:
        return self.base != self.head

    def lines(self) -> list[str]:
        """The summary, one plain sentence per line."""
        base, head = self.base, self.head
        if base is None and head is None:
            return [f"{self.where}{HOST}: no such environment on either side"]
        if base is None:
            assert head is not None
            return [f"{self.where}{HOST}: new environment, scenario {head.scenario}: {_split(head)}"]
        if head is None:
            return [f"{self.where}{HOST}: environment removed (was scenario {base.scenario}: {_split(base)})"]
        if base == head:
            return [f"{self.where}{HOST}: unchanged (scenario {head.scenario}: {_split(head)})"]
        lines = []
        if base.weights != head.weights:
            lines.append(f"{self.where}{HOST}: {_weights_change(base, head)}")
        else:
            lines.append(f"{self.where}{HOST}: split unchanged ({_split(head)})")
        if base.scenario != head.scenario:
            lines.append(f"{self.where}{HOST}: scenario {base.scenario} {ARROW} {head.scenario}")
        if base.header_match != head.header_match:
            lines.append(f"{self.where}{HOST}: header route {_header(base.header_match)} {ARROW} "
                         f"{_header(head.header_match)}")
        return lines

    def mermaid(self) -> str:
        """The new split as a mermaid pie chart (empty when there is none to draw)."""
        if self.head is None or not self.head.weights:
            return ""
        rows = [f'    "{subset}" : {weight}' for subset, weight in self.head.weights if weight]
        return "\n".join([f"pie showData title {HOST} traffic ({self.head.scenario})", *rows])


def traffic_changes(base_routes: Routes | None, head_routes: Routes | None,
                    base_clusters: dict[str, Routes],
                    head_clusters: dict[str, Routes]) -> list[TrafficChange]:
    """The traffic summary: the environment's, or for a workshop one line per group of
    participants with the same change (changed groups first), so thirty clusters with one
    change read as one line."""
    if not base_clusters and not head_clusters:
        return [TrafficChange(base_routes, head_routes)]
    names = sorted(set(base_clusters) | set(head_clusters))
    groups: dict[tuple[Routes | None, Routes | None], list[str]] = {}
    for name in names:
        groups.setdefault((base_clusters.get(name), head_clusters.get(name)), []).append(name)
    if len(groups) == 1 and next(iter(groups))[0] == next(iter(groups))[1]:
        (base, head), = groups
        return [TrafficChange(base, head, where=f"all {len(names)} clusters: ")]
    ordered = sorted(groups.items(), key=lambda item: (item[0][0] == item[0][1], item[1][0]))
    return [TrafficChange(base, head, where=participants_label(members) + ": ")
            for (base, head), members in ordered]


def participants_label(names: list[str]) -> str:
    """``team-02``, ``team-01, team-03`` or ``29 clusters (team-01, team-03, … team-30)``."""
    if len(names) <= 2:
        return ", ".join(names)
    return f"{len(names)} clusters ({names[0]}, {names[1]}, … {names[-1]})"


def _split(routes: Routes) -> str:
    return routes.describe() if routes.weights else _RANDOM


def _weights_change(base: Routes, head: Routes) -> str:
    if not base.weights:
        return f"random {ARROW} {head.describe()}"
    if not head.weights:
        return f"{base.describe()} {ARROW} random (no weighted VirtualService)"
    old, new = dict(base.weights), dict(head.weights)
    subsets = sorted(set(old) | set(new), key=version_key)
    parts = []
    for subset in subsets:
        before, after = old.get(subset, 0), new.get(subset, 0)
        parts.append(f"{subset} {before}%" if before == after
                     else f"{subset} {before}% {ARROW} {after}%")
    return ", ".join(parts)


def _header(match: HeaderMatch | None) -> str:
    if match is None:
        return "none"
    return f"{match.header}: {match.exact} to {match.subset}"

