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
from .inventory import Inventory, PodTemplate, Reporter, as_list, as_map, same_namespace
from .observability_urls import config_urls

ID = "network-reachability"
SEVERITY: Severity = "error"
report = Reporter(ID, SEVERITY)
NAMESPACE_LABEL = "kubernetes.io/metadata.name"


def run(inventory: Inventory, options: ValidationOptions) -> Iterator[Finding]:
    policies = [p for p in inventory.kind("NetworkPolicy") if _ingress(p)]
    if not policies:
        return
    for config_map in inventory.kind("ConfigMap"):
        callers = [t for t in inventory.templates if _mounts(t, config_map)]
        if not callers:
            continue
        for path, address in config_urls(config_map):
            for target, port, service in _targets(inventory, config_map.namespace, address):
                for caller in callers:
                    if not admitted(policies, caller, target, port):
                        yield report(config_map, path, f"{address!r}: NetworkPolicies in "
                                     f"{target.namespace!r} do not admit {caller.doc.kind} "
                                     f"{caller.doc.name!r} to {target.doc.kind} "
                                     f"{target.doc.name!r} port {port[0]} (Service "
                                     f"{service.name!r})")


def _ingress(policy: Document) -> bool:
    spec = as_map(policy.body.get("spec"))
    types = as_list(spec.get("policyTypes"))
    return "Ingress" in types or not types  # no policyTypes: Ingress is implied


def _mounts(template: PodTemplate, config_map: Document) -> bool:
    if not same_namespace(template.namespace, config_map.namespace):
        return False
    return any(as_map(as_map(v).get("configMap")).get("name") == config_map.name
               for v in as_list(template.spec.get("volumes")))


def _targets(inventory: Inventory, namespace: str,
             address: str) -> Iterator[tuple[PodTemplate, tuple[int, str], Document]]:
    """``(pod template, (container port, its name), Service)`` behind an address."""
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
            target_port = service_port.get("targetPort", port)
            for template in inventory.templates_selected(as_map(spec.get("selector")),
                                                         service.namespace):
                resolved = _container_port(template, target_port)
                if resolved:
                    yield template, resolved, service


def _container_port(template: PodTemplate, target: Any) -> tuple[int, str] | None:
    for _path, container in template.containers():
        for port in map(as_map, as_list(container.get("ports"))):
            if target in (port.get("name"), port.get("containerPort")):
                return int(port.get("containerPort", 0)), str(port.get("name", ""))
    return (target, "") if isinstance(target, int) else None


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
