"""argocd-project: Applications stay inside their AppProject's sourceRepos and destinations.

Passes: project ``olympic-lab`` with ``sourceRepos: [https://github.com/org/repo.git]`` and
``destinations: [{server: https://kubernetes.default.svc, namespace: olympic}]``, and an
Application of that project with the same repoURL and destination.

Fails: an Application whose ``repoURL`` or destination namespace the project does not
list (Argo CD refuses to sync it), or whose ``project`` is not an AppProject of the run
(checked only when the run has AppProjects). ApplicationSets too: the Application their
``list`` generator makes for each element.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from fnmatch import fnmatchcase
from typing import Any

from ..findings import Finding, Severity, ValidationOptions
from ..manifests import Document
from .argocd_model import application_findings, sources
from .inventory import Inventory, Reporter, as_list, as_map

ID = "argocd-project"
SEVERITY: Severity = "error"
report = Reporter(ID, SEVERITY)


def run(inventory: Inventory, options: ValidationOptions) -> Iterator[Finding]:
    projects = {p.name: as_map(p.body.get("spec")) for p in inventory.kind("AppProject")}
    if not projects:
        return
    yield from application_findings(inventory, lambda app: _app_problems(app, projects), report)


def _app_problems(app: Document, projects: Mapping[str, Mapping[str, Any]]
                  ) -> Iterator[tuple[str, str]]:
    spec = as_map(app.body.get("spec"))
    name = str(spec.get("project", ""))
    project = projects.get(name)
    if project is None:
        if name != "default":
            yield "spec.project", f"no AppProject {name!r} (known: {', '.join(sorted(projects))})"
        return
    repos = [str(r) for r in as_list(project.get("sourceRepos"))]
    for path, source in sources(app):
        url = str(source.get("repoURL", ""))
        if not any(fnmatchcase(url, pattern) for pattern in repos):
            yield f"{path}.repoURL", f"{url!r} is not in AppProject {name!r} sourceRepos"
    destination = as_map(spec.get("destination"))
    if not any(_allows(allowed, destination) for allowed in as_list(project.get("destinations"))):
        yield "spec.destination", (f"destination {dict(destination)} is not allowed by "
                                   f"AppProject {name!r}")


def _allows(allowed: Any, destination: Mapping[str, Any]) -> bool:
    allowed = as_map(allowed)
    namespace = str(destination.get("namespace", ""))
    if not fnmatchcase(namespace, str(allowed.get("namespace", "*"))):
        return False
    if "server" in destination:
        return "server" in allowed and fnmatchcase(str(destination["server"]),
                                                   str(allowed["server"]))
    return "name" in allowed and fnmatchcase(str(destination.get("name", "")),
                                             str(allowed["name"]))
