"""Several environments in one Argo CD: the Argo CD objects each renders, and their clashes.

Argo CD keeps its Applications, ApplicationSets and AppProjects in its own
namespace, one object per kind and name. Environments that one Argo CD
manages (the same non-empty ``argocd.instance``, or the same explicit
``argocd.destination`` cluster, which only one Argo CD can call by that
name) must therefore never render an object of the same kind, namespace and
name: the second sync would overwrite the first. ``argocd.namePrefix`` keeps
them apart. Environments with neither setting each have their own in-cluster
Argo CD and never clash.

The names come from the same helpers the trees are rendered with
(:mod:`labgen.argocd_tree`); a test compares them with the rendered trees.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from . import layout
from .argocd_tree import applications, bootstrap_project_name, root_name
from .environment import Environment
from .findings import Finding

#: Rule id of a clash, when reported as a finding (``--format github``).
CLASH_RULE = "argocd-name-clash"


@dataclass(frozen=True, order=True)
class ArgoObject:
    """One object in Argo CD's namespace."""

    kind: str
    namespace: str
    name: str

    def __str__(self) -> str:
        return f"{self.kind} {self.namespace}/{self.name}"


@dataclass(frozen=True)
class Clash:
    """Two environments of one Argo CD render the same object."""

    obj: ArgoObject
    first: str
    second: str
    #: How the two share an Argo CD, e.g. ``instance hub``.
    shared: str

    def __str__(self) -> str:
        return (f"{self.first}, {self.second}: both render {self.obj} in one Argo CD "
                f"({self.shared}); set argocd.namePrefix in one of them")

    def as_finding(self) -> Finding:
        return Finding(self.first, -1, "argocd.namePrefix", CLASH_RULE, "error",
                       f"{self.obj} is also rendered by {self.second} in one Argo CD "
                       f"({self.shared}); set argocd.namePrefix")


def argocd_objects(env: Environment) -> set[ArgoObject]:
    """Every Argo CD object ``env``'s tree creates, the Applications of its ApplicationSets
    included (for a list generator; a cluster generator's names are Argo CD's to choose)."""
    argocd = env.spec.argocd
    ns = argocd.namespace
    found = {ArgoObject("AppProject", ns, argocd.project_name),
             ArgoObject("AppProject", ns, bootstrap_project_name(env)),
             ArgoObject("Application", ns, root_name(env))}
    parts = [app.name for app in applications(env)]
    if env.spec.clusters is None:
        return found | {ArgoObject("Application", ns, argocd.named(part)) for part in parts}
    found |= {ArgoObject("ApplicationSet", ns, argocd.named(part)) for part in parts}
    if env.spec.clusters.generator == "list":
        found |= {ArgoObject("Application", ns, argocd.named(f"{item.name}-{part}"))
                  for item in env.spec.clusters.items for part in parts}
    return found


def _shares(env: Environment) -> list[str]:
    """What ties ``env`` to an Argo CD it may share: its instance, its explicit cluster."""
    argocd = env.spec.argocd
    keys = [f"instance {argocd.instance}"] if argocd.instance else []
    if argocd.destination.explicit:
        keys += [f"destination {key} {value}" for key, value in argocd.destination.target.items()]
    return keys


def shared_groups(envs: Iterable[Environment]) -> list[tuple[str, list[Environment]]]:
    """Environments that share an Argo CD, each group with one reason, in input order."""
    group_of: dict[str, int] = {}
    groups: list[tuple[str, list[Environment]]] = []
    for env in envs:
        keys = _shares(env)
        hits = sorted({group_of[key] for key in keys if key in group_of})
        if not hits:
            if not keys:
                continue
            groups.append((keys[0], []))
            hits = [len(groups) - 1]
        into = hits[0]
        for other in hits[1:]:  # env ties two groups together: one Argo CD after all
            groups[into][1].extend(groups[other][1])
            groups[other] = ("", [])
            group_of.update({k: into for k, g in group_of.items() if g == other})
        groups[into][1].append(env)
        group_of.update({key: into for key in keys})
    return [(why, members) for why, members in groups if len(members) > 1]


def clashes(envs: Sequence[Environment]) -> list[Clash]:
    """Every object two environments of one Argo CD both render: one clash per pair."""
    found: list[Clash] = []
    for shared, members in shared_groups(envs):
        seen: dict[ArgoObject, list[str]] = {}
        for env in members:
            mine = layout.env_file(env.name)
            for obj in sorted(argocd_objects(env)):
                owners = seen.setdefault(obj, [])
                found += [Clash(obj, other, mine, shared) for other in owners]
                owners.append(mine)
    return found


def clash_summary(found: Sequence[Clash], limit: int = 20) -> str:
    """The clashes as lines for an error (at most ``limit``, then a count)."""
    lines = [str(clash) for clash in found[:limit]]
    if len(found) > limit:
        lines.append(f"... and {len(found) - limit} more clash(es) in Argo CD")
    return "\n".join(lines)
