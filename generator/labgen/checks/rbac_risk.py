"""rbac-risk (warning): no role grants what reaches into other workloads or their Secrets.

``nodes/proxy`` lets its holder run commands in any container through the kubelet;
``pods/exec``, ``pods/attach`` and ``pods/portforward`` reach into other pods; reading
Secrets cluster-wide reads every credential; ``*`` grants whatever exists later.

Passes: a ClusterRole with ``get, list, watch`` on ``pods`` and ``nodes/metrics``; a
Role that may only ``create`` Secrets (a hook Job that makes one).

Fails: a ClusterRole with ``get`` on ``nodes/proxy``, or ``list`` on ``secrets``, or
``create`` on ``pods/portforward``, or ``resources: ["*"]`` in the core group.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..findings import Finding, Severity, ValidationOptions
from .inventory import Inventory, Reporter, as_list, as_map

ID = "rbac-risk"
SEVERITY: Severity = "warning"
report = Reporter(ID, SEVERITY)
REACH_IN = {"nodes/proxy", "pods/exec", "pods/attach", "pods/portforward"}
READ = {"get", "list", "watch", "*"}


def run(inventory: Inventory, options: ValidationOptions) -> Iterator[Finding]:
    for role in inventory.kind("ClusterRole", "Role"):
        for index, rule in enumerate(map(as_map, as_list(role.body.get("rules")))):
            groups = {str(g) for g in as_list(rule.get("apiGroups"))}
            resources = {str(r) for r in as_list(rule.get("resources"))}
            verbs = {str(v) for v in as_list(rule.get("verbs"))}
            if not groups & {"", "*"} or not verbs:
                continue
            path = f"rules[{index}]"
            for resource in sorted(resources & REACH_IN):
                yield report(role, path, f"{role.kind} {role.name!r} grants {resource}, which "
                             "reaches into other workloads")
            if "secrets" in resources and verbs & READ and role.kind == "ClusterRole":
                yield report(role, path, f"ClusterRole {role.name!r} reads Secrets in every "
                             "namespace")
            if "*" in resources:
                yield report(role, path, f"{role.kind} {role.name!r} grants every resource "
                             "of the core group ('*')")
