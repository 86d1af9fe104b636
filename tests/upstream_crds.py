"""The upstream CRDs in ../shared/crds (Istio 1.30.3, Argo CD v3.5.1), read in place, never
copied: one reader for every test that needs them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

import yaml_docs

CRD_FILES = ("crds/istio/crd-all.gen.yaml", "crds/argocd/application-crd.yaml",
             "crds/argocd/applicationset-crd.yaml", "crds/argocd/appproject-crd.yaml")


def served_versions(shared: Path) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """``(apiVersion, kind, openAPIV3Schema)`` of every served version in the upstream CRDs."""
    for name in CRD_FILES:
        with (shared / name).open(encoding="utf-8") as handle:
            for crd in yaml.load_all(handle, Loader=yaml_docs.LOADER):
                if not crd or crd.get("kind") != "CustomResourceDefinition":
                    continue
                spec = crd["spec"]
                for version in spec["versions"]:
                    if version.get("served"):
                        yield (f"{spec['group']}/{version['name']}", spec["names"]["kind"],
                               version["schema"]["openAPIV3Schema"])
