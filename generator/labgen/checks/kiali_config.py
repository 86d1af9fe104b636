"""Where istiod runs and what Kiali's configuration says about it."""

from __future__ import annotations

from collections.abc import Iterator

from ..components import ISTIO_CONTROL_PLANE_CHART
from ..manifests import Document
from ..yaml_io import YAMLError, safe_load
from .inventory import Inventory, as_list, as_map


def istiod_namespace(inventory: Inventory) -> str | None:
    """The namespace of istiod: its Deployment, or the Argo CD Application installing
    Istio's ``istiod`` chart; ``None`` when neither is among the documents."""
    for doc in inventory.kind("Deployment"):
        if doc.name == "istiod" and doc.namespace:
            return doc.namespace
    for app in inventory.kind("Application"):
        spec = as_map(app.body.get("spec"))
        sources = [as_map(spec.get("source"))] + [as_map(s) for s in as_list(spec.get("sources"))]
        if any(s.get("chart") == ISTIO_CONTROL_PLANE_CHART for s in sources):
            namespace = as_map(spec.get("destination")).get("namespace")
            return str(namespace) if namespace else None
    return None


def kiali_configs(inventory: Inventory) -> Iterator[tuple[Document, str, str]]:
    """``(ConfigMap, path, istio_namespace)`` of Kiali's ``config.yaml`` where it sets one."""
    for doc in inventory.kind("ConfigMap"):
        if doc.name != "kiali":
            continue
        data = as_map(doc.body.get("data"))
        text = data.get("config.yaml")
        if not isinstance(text, str):
            continue
        try:
            config = as_map(safe_load(text))
        except YAMLError:
            continue
        value = config.get("istio_namespace")
        if isinstance(value, str) and value:
            yield doc, 'data."config.yaml"', value
