"""argocd-project-scope (warning): no AppProject can both reach Argo CD and deploy the lab.

Argo CD's documentation: a project that may deploy into Argo CD's own namespace is
effectively admin. So a project is either a bootstrap project (only ``argoproj.io``
kinds, only in Argo CD's namespace, nothing cluster-scoped) or a lab project (no
destination in Argo CD's namespace, no ``argoproj.io`` kinds).

Passes: ``olympic-lab-bootstrap`` with ``destinations: [{namespace: argocd}]``,
``namespaceResourceWhitelist: [{group: argoproj.io, kind: Application}]`` and
``clusterResourceWhitelist: []``; ``olympic-lab`` with destinations ``olympic`` and
``istio-system`` and kinds ``apps/Deployment``, ``v1/Service``.

Fails: one project with destinations ``argocd`` and ``olympic`` whose kinds include
``argoproj.io/AppProject`` and ``rbac.authorization.k8s.io/Role`` (an Application in it
could rewrite its own project), a destination namespace ``*``, or a bootstrap project
with a ``clusterResourceWhitelist``.
"""

from __future__ import annotations

from collections.abc import Iterator
from fnmatch import fnmatchcase

from ..findings import Finding, Severity, ValidationOptions
from .inventory import Inventory, Reporter, as_list, as_map

ID = "argocd-project-scope"
SEVERITY: Severity = "warning"
report = Reporter(ID, SEVERITY)
ARGO_GROUP = "argoproj.io"


def run(inventory: Inventory, options: ValidationOptions) -> Iterator[Finding]:
    for project in inventory.kind("AppProject"):
        spec = as_map(project.body.get("spec"))
        home = project.namespace or "argocd"
        namespaces = [str(as_map(d).get("namespace", "*")) for d in as_list(spec.get("destinations"))]
        reaches_home = any(fnmatchcase(home, pattern) for pattern in namespaces)
        kinds = [as_map(k) for k in as_list(spec.get("namespaceResourceWhitelist"))]
        argo = [k for k in kinds if fnmatchcase(ARGO_GROUP, str(k.get("group", "")))]
        other = [k for k in kinds if str(k.get("group", "")) != ARGO_GROUP]
        outside = [ns for ns in namespaces if ns != home]
        if reaches_home and (other or outside):
            what = ", ".join(f"{k.get('group') or 'v1'}/{k.get('kind')}" for k in other[:3]) or (
                "namespaces " + ", ".join(outside[:3]))
            yield report(project, "spec.destinations", f"AppProject {project.name!r} reaches "
                         f"Argo CD's namespace {home!r} and also admits {what}: an Application "
                         "in it could widen its own project; split it into a bootstrap project "
                         "(argoproj.io kinds in Argo CD's namespace) and a lab project")
        elif argo and not reaches_home:
            yield report(project, "spec.namespaceResourceWhitelist", f"AppProject "
                         f"{project.name!r} admits Argo CD's own kinds; only the bootstrap "
                         "project should")
        if reaches_home and as_list(spec.get("clusterResourceWhitelist")):
            yield report(project, "spec.clusterResourceWhitelist", f"AppProject "
                         f"{project.name!r} reaches Argo CD's namespace and admits "
                         "cluster-scoped kinds; a bootstrap project needs none")
