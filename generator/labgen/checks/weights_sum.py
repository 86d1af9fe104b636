"""weights-sum: the weights of a route with several destinations sum to 100.

Passes::

    route: [{destination: {host: b, subset: v1}, weight: 80},
            {destination: {host: b, subset: v2}, weight: 20}]

Fails (sums to 90, or a destination without a weight)::

    route: [{destination: {host: b, subset: v1}, weight: 80},
            {destination: {host: b, subset: v2}, weight: 10}]

A single destination needs no weight (it gets all traffic).
"""

from __future__ import annotations

from collections.abc import Iterator

from ..findings import Finding, Severity, ValidationOptions
from .inventory import Inventory, Reporter
from .mesh import route_groups

ID = "weights-sum"
SEVERITY: Severity = "error"
report = Reporter(ID, SEVERITY)


def run(inventory: Inventory, options: ValidationOptions) -> Iterator[Finding]:
    for vs in inventory.kind("VirtualService"):
        for path, group in route_groups(vs):
            weights = [item.get("weight") for item in group]
            if len(group) == 1 and weights[0] in (None, 100):
                continue
            if any(not isinstance(w, int) or isinstance(w, bool) for w in weights):
                yield report(vs, path, "every destination of a split route needs an integer "
                             "weight")
                continue
            total = sum(w for w in weights if isinstance(w, int))
            if total != 100:
                shown = "+".join(str(w) for w in weights)
                yield report(vs, path, f"weights sum to {total} ({shown}), not 100")
