"""network-reachability: every Service a component's configuration names admits it.

For each URL in a ConfigMap (Grafana's datasources, Kiali's ``external_services``,
Alloy's push URL) and each pod template that mounts that ConfigMap, the pods behind
the named Service must admit the caller on the Service's target port: either no
NetworkPolicy selects them for ingress, or a rule of one that does matches the
caller's namespace and labels and the port. Namespaces match by their
``kubernetes.io/metadata.name`` label; ``ipBlock`` peers never match a pod.

Passes: Grafana mounts a ConfigMap with ``url: http://loki:3100``; Loki's pods are
selected by a NetworkPolicy admitting ``app.kubernetes.io/name: grafana`` in its
namespace on port 3100.

Fails: the same with a default-deny policy in Loki's namespace and no rule for Grafana,
or a rule for Grafana on port 9095 only.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any
from urllib.parse import urlsplit

from ..findings import Finding, Severity, ValidationOptions
from ..manifests import Document
from .inventory import (
    Inventory,
    PodTemplate,
    Reporter,
    Selection,
    as_list,
    as_map,
    same_namespace,
)
from .observability_urls import config_urls

ID = "network-reachability"
SEVERITY: Severity = "error"
report = Reporter(ID, SEVERITY)
NAMESPACE_LABEL = "kubernetes.io/metadata.name"


def run(inventory: Inventory, options: ValidationOptions) -> Iterator[Finding]:
    policies = [p for p in inventory.kind("NetworkPolicy") if _ingress(p)]
    if not policies:
        return
    mounts = _mounted_by(inventory)
    verdicts = Verdicts(policies)
    for config_map in inventory.kind("ConfigMap"):
        callers = [t for t in mounts.get(config_map.name, ())
                   if same_namespace(t.namespace, config_map.namespace)]
        if not callers:
            continue
        for path, address in config_urls(config_map):
            for targets, port, service in _targets(inventory, config_map.namespace, address):
                for caller in callers:
                    if verdicts.admitted(caller, targets[0], port):
                        continue
                    for target in targets:
                        yield report(config_map, path, f"{address!r}: NetworkPolicies in "
                                     f"{target.namespace!r} do not admit {caller.doc.kind} "
                                     f"{caller.doc.name!r} to {target.doc.kind} "
                                     f"{target.doc.name!r} port {port[0]} (Service "
                                     f"{service.name!r})")


def _ingress(policy: Document) -> bool:
    spec = as_map(policy.body.get("spec"))
    types = as_list(spec.get("policyTypes"))
    return "Ingress" in types or not types  # no policyTypes: Ingress is implied


def _mounted_by(inventory: Inventory) -> dict[str, list[PodTemplate]]:
    """The pod templates that mount each ConfigMap name (as a volume)."""
    index: dict[str, list[PodTemplate]] = {}
    for template in inventory.templates:
        names = {as_map(as_map(v).get("configMap")).get("name")
                 for v in as_list(template.spec.get("volumes"))}
        for name in sorted(n for n in names if isinstance(n, str)):
            index.setdefault(name, []).append(template)
    return index


def _targets(inventory: Inventory, namespace: str,
             address: str) -> Iterator[tuple[list[PodTemplate], tuple[int, str], Document]]:
    """``(pod templates, (container port, its name), Service)`` behind an address; the
    templates of one group share namespace, labels and port, so one verdict holds for all."""
    split = urlsplit(address if "://" in address else f"tcp://{address}")
    try:
        port = split.port or {"http": 80, "https": 443}.get(split.scheme)
    except ValueError:
        return
    services = inventory.resolve_host(split.hostname or "", namespace) or []
    for service in services:
        spec = as_map(service.body.get("spec"))
        for service_port in map(as_map, as_list(spec.get("ports"))):
            if service_port.get("port") != port:
                continue
            selection = inventory.selection(as_map(spec.get("selector")), service.namespace)
            for resolved, group in _groups(inventory, selection,
                                           service_port.get("targetPort", port)):
                yield group, resolved, service


def _groups(inventory: Inventory, selection: Selection,
            target_port: Any) -> list[tuple[tuple[int, str], list[PodTemplate]]]:
    """The templates of ``selection`` that declare ``target_port``, grouped by namespace,
    labels and resolved port (once per selection and port: copies share one selection)."""
    memo: dict[tuple[int, str], list[tuple[tuple[int, str], list[PodTemplate]]]] = \
        inventory.memo.setdefault(f"{ID}-groups", {})
    key = (id(selection), repr(target_port))
    if key not in memo:
        groups: dict[tuple[Any, ...], tuple[tuple[int, str], list[PodTemplate]]] = {}
        for template in selection.templates:
            resolved = _container_port(template, target_port)
            if resolved:
                identity = (template.namespace, _label_key(template.labels), resolved)
                groups.setdefault(identity, (resolved, []))[1].append(template)
        memo[key] = list(groups.values())
    return memo[key]


def _container_port(template: PodTemplate, target: Any) -> tuple[int, str] | None:
    for _path, container in template.containers():
        for port in map(as_map, as_list(container.get("ports"))):
            if target in (port.get("name"), port.get("containerPort")):
                return int(port.get("containerPort", 0)), str(port.get("name", ""))
    return (target, "") if isinstance(target, int) else None


class Verdicts:
    """:func:`admitted`, decided once per caller identity, target identity and port (what
    the verdict depends on): copies of a workload with one set of labels cost one look-up."""

    def __init__(self, policies: list[Document]) -> None:
        self._policies = policies
        self._known: dict[tuple[Any, ...], bool] = {}

    def admitted(self, caller: PodTemplate, target: PodTemplate, port: tuple[int, str]) -> bool:
        key = (caller.namespace, _label_key(caller.labels), target.namespace,
               _label_key(target.labels), port)
        known = self._known.get(key)
        if known is None:
            known = self._known[key] = admitted(self._policies, caller, target, port)
        return known


def _label_key(labels: Mapping[str, Any]) -> frozenset[tuple[str, str]]:
    return frozenset((str(k), repr(v)) for k, v in labels.items())


def admitted(policies: list[Document], caller: PodTemplate, target: PodTemplate,
             port: tuple[int, str]) -> bool:
    """Whether ``caller``'s pods may open ``port`` on ``target``'s pods."""
    selecting = [p for p in policies if same_namespace(p.namespace, target.namespace)
                 and selects(as_map(as_map(p.body.get("spec")).get("podSelector")),
                              target.labels)]
    if not selecting:
        return True
    return any(_rule_admits(as_map(rule), policy.namespace or target.namespace, caller, port)
               for policy in selecting
               for rule in as_list(as_map(policy.body.get("spec")).get("ingress")))


def _rule_admits(rule: Mapping[str, Any], namespace: str, caller: PodTemplate,
                 port: tuple[int, str]) -> bool:
    ports = [as_map(p) for p in as_list(rule.get("ports"))]
    if ports and not any(p.get("port") in (None, port[0], port[1] or None) for p in ports):
        return False
    peers = [as_map(p) for p in as_list(rule.get("from"))]
    return not peers or any(_peer_matches(peer, namespace, caller) for peer in peers)


def _peer_matches(peer: Mapping[str, Any], namespace: str, caller: PodTemplate) -> bool:
    if "ipBlock" in peer:
        return False
    if "namespaceSelector" in peer:
        if not selects(as_map(peer["namespaceSelector"]),
                        {NAMESPACE_LABEL: caller.namespace}):
            return False
    elif not same_namespace(caller.namespace, namespace):
        return False
    return "podSelector" not in peer or selects(as_map(peer["podSelector"]), caller.labels)


def selects(selector: Mapping[str, Any], labels: Mapping[str, Any]) -> bool:
    """A Kubernetes label selector (an empty one selects everything)."""
    if any(labels.get(k) != v for k, v in as_map(selector.get("matchLabels")).items()):
        return False
    for expression in map(as_map, as_list(selector.get("matchExpressions"))):
        key, operator = str(expression.get("key")), expression.get("operator")
        values = [str(v) for v in as_list(expression.get("values"))]
        present = key in labels
        if operator == "In" and (not present or str(labels[key]) not in values):
            return False
        if operator == "NotIn" and present and str(labels[key]) in values:
            return False
        if (operator == "Exists") != present and operator in ("Exists", "DoesNotExist"):
            return False
    return True
