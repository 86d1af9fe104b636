"""Helpers to walk Istio VirtualServices and DestinationRules."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from ..components import ISTIO_GATEWAY_CHART
from ..manifests import Document
from .inventory import Inventory, as_list, as_map


def route_groups(vs: Document) -> Iterator[tuple[str, list[Mapping[str, Any]]]]:
    """``(path, destinations)`` of every http/tcp/tls route of a VirtualService."""
    spec = as_map(vs.body.get("spec"))
    for protocol in ("http", "tcp", "tls"):
        for index, route in enumerate(as_list(spec.get(protocol))):
            destinations = [as_map(d) for d in as_list(as_map(route).get("route"))]
            if destinations:
                yield f"spec.{protocol}[{index}].route", destinations


def destinations(vs: Document) -> Iterator[tuple[str, Mapping[str, Any]]]:
    """``(path, destination)`` of every route destination and mirror."""
    for path, group in route_groups(vs):
        for index, item in enumerate(group):
            yield f"{path}[{index}].destination", as_map(item.get("destination"))
    for index, route in enumerate(as_list(as_map(vs.body.get("spec")).get("http"))):
        mirror = as_map(route).get("mirror")
        if isinstance(mirror, Mapping):
            yield f"spec.http[{index}].mirror", mirror


def gateways(vs: Document) -> list[str]:
    """Gateways a VirtualService binds to, ``mesh`` excluded."""
    names = as_list(as_map(vs.body.get("spec")).get("gateways"))
    return [str(name) for name in names if name != "mesh"]


def applies_to_mesh(vs: Document) -> bool:
    names = as_list(as_map(vs.body.get("spec")).get("gateways"))
    return not names or "mesh" in names


def destination_rules(inventory: Inventory, host: str, namespace: str) -> list[Document]:
    """DestinationRules whose host names the same Service as ``host``."""
    short = host.split(".")[0]
    found = []
    for rule in _rules_by_short_host(inventory).get(short, ()):
        rule_host = str(as_map(rule.body.get("spec")).get("host", ""))
        if rule_host == host or (rule_host.split(".")[0] == short
                                 and inventory.resolve_host(rule_host, rule.namespace)
                                 == inventory.resolve_host(host, namespace)):
            found.append(rule)
    return found


def subset_labels(rule: Document, subset: str) -> Mapping[str, Any] | None:
    for item in as_list(as_map(rule.body.get("spec")).get("subsets")):
        item = as_map(item)
        if item.get("name") == subset:
            return as_map(item.get("labels"))
    return None



def _rules_by_short_host(inventory: Inventory) -> dict[str, list[Document]]:
    """DestinationRules keyed by the first label of their host (memoised on the inventory)."""
    index: dict[str, list[Document]] | None = inventory.memo.get("rules-by-short-host")
    if index is None:
        index = {}
        for rule in inventory.kind("DestinationRule"):
            host = str(as_map(rule.body.get("spec")).get("host", ""))
            index.setdefault(host.split(".")[0], []).append(rule)
        inventory.memo["rules-by-short-host"] = index
    return index


def gateway_refs(vs: Document) -> list[tuple[str, str]]:
    """``(path, reference)`` of each ``spec.gateways`` entry (``mesh`` included)."""
    names = as_list(as_map(vs.body.get("spec")).get("gateways"))
    return [(f"spec.gateways[{i}]", str(name)) for i, name in enumerate(names)]


def gateway_key(reference: str, namespace: str) -> tuple[str, str]:
    """``ns/name`` or ``name`` (the VirtualService's namespace) as ``(namespace, name)``;
    a dotted ``name.ns`` (the older form) is read the same way."""
    if "/" in reference:
        ns, _, name = reference.partition("/")
        return ns, name
    if "." in reference:
        name, _, rest = reference.partition(".")
        return rest.split(".")[0], name
    return namespace, reference


def gateway_chart_labels(app: Document) -> Mapping[str, str] | None:
    """Pod labels of the gateway an Argo CD Application installs with Istio's ``gateway``
    chart: ``app`` is the release name, ``istio`` the release name without ``istio-``,
    plus the chart's ``labels`` value; ``None`` for other Applications."""
    spec = as_map(app.body.get("spec"))
    sources = [as_map(spec.get("source"))] + [as_map(s) for s in as_list(spec.get("sources"))]
    for source in sources:
        if source.get("chart") != ISTIO_GATEWAY_CHART or "istio" not in str(source.get("repoURL", "")):
            continue
        helm = as_map(source.get("helm"))
        release = str(helm.get("releaseName") or app.name)
        labels = {"app": release, "istio": release.removeprefix("istio-")}
        labels.update({str(k): str(v) for k, v in
                       as_map(as_map(helm.get("valuesObject")).get("labels")).items()})
        return labels
    return None
