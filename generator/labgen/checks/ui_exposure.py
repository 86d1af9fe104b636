"""ui-exposure (warning): a UI exposed outside the cluster has a source range and a login.

A ``LoadBalancer`` Service without ``loadBalancerSourceRanges`` accepts any source
address. A ``NodePort`` or ``LoadBalancer`` Service in front of a UI that asks for no
login (Prometheus and Jaeger have none; Grafana with anonymous access; Kiali with the
``anonymous`` strategy) lets anyone who reaches it read what the lab collects.

Passes: ``type: LoadBalancer`` with ``loadBalancerSourceRanges: [203.0.113.7/32]`` in
front of Grafana without ``GF_AUTH_ANONYMOUS_ENABLED: "true"``; any ``ClusterIP``
Service (reached with ``kubectl port-forward``).

Fails: ``type: LoadBalancer`` without source ranges; ``type: NodePort`` in front of
the Prometheus image ``quay.io/prometheus/prometheus``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..findings import Finding, Severity, ValidationOptions
from ..manifests import Document
from ..yaml_io import YAMLError, safe_load
from .inventory import Inventory, PodTemplate, Reporter, as_list, as_map

ID = "ui-exposure"
SEVERITY: Severity = "warning"
report = Reporter(ID, SEVERITY)
#: Images of UIs with no login of their own (repository path fragments).
NO_LOGIN_IMAGES = ("prometheus/prometheus", "jaegertracing/")
EXPOSED = ("NodePort", "LoadBalancer")


def run(inventory: Inventory, options: ValidationOptions) -> Iterator[Finding]:
    for service in inventory.kind("Service"):
        spec = as_map(service.body.get("spec"))
        kind = spec.get("type")
        if kind not in EXPOSED:
            continue
        if kind == "LoadBalancer" and not as_list(spec.get("loadBalancerSourceRanges")):
            yield report(service, "spec.loadBalancerSourceRanges", f"LoadBalancer "
                         f"{service.name!r} accepts any source address; set "
                         "expose.loadBalancerSourceRanges")
        selector = as_map(spec.get("selector"))
        verdicts: dict[int, str] = inventory.memo.setdefault(f"{ID}-no-login", {})
        for template in inventory.templates_selected(selector, service.namespace):
            why = verdicts.get(id(template))
            if why is None:
                why = verdicts[id(template)] = _no_login(inventory, template)
            if why:
                yield report(service, "spec.type", f"{kind} {service.name!r} exposes "
                             f"{template.doc.kind} {template.doc.name!r}, which {why}")
                break


def _no_login(inventory: Inventory, template: PodTemplate) -> str:
    """Why the pod's UI lets anyone in, or ''."""
    for _path, container in template.containers():
        image = str(container.get("image", ""))
        if any(fragment in image for fragment in NO_LOGIN_IMAGES):
            return "has no login of its own"
        env = {str(e.get("name")): e.get("value") for e in map(as_map, as_list(container.get("env")))}
        if str(env.get("GF_AUTH_ANONYMOUS_ENABLED", "")).lower() == "true":
            return "lets anonymous visitors in (GF_AUTH_ANONYMOUS_ENABLED)"
        if "/kiali" in image and _kiali_anonymous(inventory, template):
            return "lets anyone in (Kiali auth strategy anonymous)"
    return ""


def _kiali_anonymous(inventory: Inventory, template: PodTemplate) -> bool:
    config_maps = _config_maps(inventory)
    for volume in map(as_map, as_list(template.spec.get("volumes"))):
        name = as_map(volume.get("configMap")).get("name")
        if not isinstance(name, str):
            continue
        for config_map in config_maps.get((name, template.namespace), ()):
            if _anonymous(inventory, config_map):
                return True
    return False


def _config_maps(inventory: Inventory) -> dict[tuple[str, str], list[Document]]:
    """ConfigMaps by ``(name, namespace)``, indexed once per run."""
    index: dict[tuple[str, str], list[Document]] | None = inventory.memo.get(f"{ID}-maps")
    if index is None:
        index = inventory.memo[f"{ID}-maps"] = {}
        for config_map in inventory.kind("ConfigMap"):
            index.setdefault((config_map.name, config_map.namespace), []).append(config_map)
    return index


def _anonymous(inventory: Inventory, config_map: Document) -> bool:
    """Whether a value of ``config_map`` is a Kiali configuration with the anonymous
    strategy (each ConfigMap parsed once per run)."""
    known: dict[int, bool] = inventory.memo.setdefault(f"{ID}-anonymous", {})
    if id(config_map) not in known:
        known[id(config_map)] = any(_strategy(text) == "anonymous"
                                    for text in as_map(config_map.body.get("data")).values())
    return known[id(config_map)]


def _strategy(text: Any) -> Any:
    try:
        config = safe_load(str(text))
    except YAMLError:
        return None
    return as_map(as_map(config).get("auth")).get("strategy")
