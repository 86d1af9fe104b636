"""argocd-sync-waves: integer sync waves, and CRD providers sync before their consumers.

Every ``argocd.argoproj.io/sync-wave`` annotation must be an integer. An
Application whose manifests use Istio kinds (``*.istio.io``) must be in a
later wave than the Application installing Istio's CRDs (the ``base`` chart):
Argo CD applies waves in order, so same-wave resources meet missing CRDs.
An Application's manifests are the rendered documents whose template path
starts with its chart folder name (``charts/olympic-lab`` ->
``olympic-lab/...``) or with its ``path``.

Passes: ``istio-base`` in wave ``-2`` (``chart: base``) and ``olympic-lab`` in wave ``1``.

Fails: ``sync-wave: "first"``; or ``olympic-lab`` in wave ``-2`` too.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator

from ..components import ISTIO_BASE_CHART
from ..findings import Finding, Severity, ValidationOptions
from ..manifests import Document
from .argocd_model import SYNC_WAVE, sources, sync_wave
from .inventory import Inventory, Reporter

ID = "argocd-sync-waves"
SEVERITY: Severity = "error"
report = Reporter(ID, SEVERITY)
ISTIO_GROUP_SUFFIX = ".istio.io"


def run(inventory: Inventory, options: ValidationOptions) -> Iterator[Finding]:
    for doc in inventory.documents:
        wave = sync_wave(doc)
        if isinstance(wave, str):
            yield report(doc, f'metadata.annotations."{SYNC_WAVE}"',
                         f"sync wave {wave!r} is not an integer")
    apps = list(inventory.kind("Application"))
    providers = [app for app in apps if _installs_istio_crds(app)]
    if not providers:
        return
    crd_wave = max((w for p in providers if isinstance(w := sync_wave(p), int)), default=0)
    for app in apps:
        wave = sync_wave(app)
        if app in providers or not isinstance(wave, int) or wave > crd_wave:
            continue
        if _uses_istio_kinds(app, inventory):
            yield report(app, f'metadata.annotations."{SYNC_WAVE}"',
                         f"wave {wave} uses Istio kinds but Istio's CRDs are installed in wave "
                         f"{crd_wave}; put it in a later wave")


def _installs_istio_crds(app: Document) -> bool:
    return any(source.get("chart") == ISTIO_BASE_CHART for _path, source in sources(app))


def _uses_istio_kinds(app: Document, inventory: Inventory) -> bool:
    prefixes = []
    for _path, source in sources(app):
        path = source.get("path")
        if isinstance(path, str) and path.strip("/"):
            folder = posixpath.normpath(path.strip("/"))
            prefixes += [folder + "/", posixpath.basename(folder) + "/"]
    if not prefixes:
        return False
    return any(doc.file.startswith(tuple(prefixes))
               and doc.api_version.split("/")[0].endswith(ISTIO_GROUP_SUFFIX)
               for doc in inventory.documents if doc.kind != "Application")
