"""NetworkPolicies: default-deny ingress in the lab's namespaces and exactly the wired flows.

Rendered through real Helm; the flows are judged by labgen's own NetworkPolicy reading
(checks/network_reachability.py), so the check and the chart are tested together.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest
from chart_docs import Doc, one

from labgen.checks import network_reachability
from labgen.checks.inventory import Inventory, PodTemplate
from labgen.findings import ValidationOptions
from labgen.manifests import Document

if TYPE_CHECKING:
    from conftest import RenderUmbrella


def _inventory(docs: list[Doc]) -> Inventory:
    return Inventory.of([Document(d["__source__"], i, {k: v for k, v in d.items()
                                                        if k != "__source__"})
                         for i, d in enumerate(docs)])


def _pod(inventory: Inventory, name: str) -> PodTemplate:
    [template] = [t for t in inventory.templates if t.doc.name == name]
    return template


def _admitted(docs: list[Doc], caller: str | PodTemplate, target: str, port: int) -> bool:
    inventory = _inventory(docs)
    source = _pod(inventory, caller) if isinstance(caller, str) else caller
    policies = list(inventory.kind("NetworkPolicy"))
    return network_reachability.admitted(policies, source, _pod(inventory, target), (port, ""))


def _gateway() -> PodTemplate:
    doc = Document("istio", 0, {"kind": "Deployment", "metadata": {"name": "istio-ingressgateway",
                                                                  "namespace": "istio-system"}})
    return PodTemplate(doc, {"istio": "ingressgateway", "app": "istio-ingressgateway"}, {}, 1,
                       "istio-system")


def test_every_lab_namespace_denies_ingress_by_default(render_umbrella: RenderUmbrella) -> None:
    docs = render_umbrella({})
    denies = [d for d in docs if d["kind"] == "NetworkPolicy"
              and d["metadata"]["name"] == "default-deny-ingress"]
    assert {d["metadata"]["namespace"] for d in denies} == {"olympic", "istio-system"}
    for deny in denies:
        assert deny["spec"] == {"podSelector": {}, "policyTypes": ["Ingress"]}


def test_the_sample_app_chain_and_nothing_else(render_umbrella: RenderUmbrella) -> None:
    docs = render_umbrella({})
    assert _admitted(docs, _gateway(), "frontend-app", 8082)
    assert _admitted(docs, "frontend-app", "backend-app-v1", 8081)
    assert _admitted(docs, "backend-app-v2", "datasource-app", 8080)
    assert not _admitted(docs, "frontend-app", "datasource-app", 8080)
    assert not _admitted(docs, _gateway(), "backend-app-v1", 8081)
    assert not _admitted(docs, "frontend-app", "backend-app-v1", 8082)
    assert _admitted(docs, "prometheus", "backend-app-v3", 15020)


@pytest.mark.parametrize("caller, target, port, allowed", [
    ("grafana", "prometheus", 9090, True), ("kiali", "prometheus", 9090, True),
    ("grafana", "loki", 3100, True), ("alloy", "loki", 3100, True),
    ("grafana", "jaeger", 16686, True), ("kiali", "jaeger", 16685, True),
    ("kiali", "grafana", 3000, True), ("prometheus", "alloy", 12345, True),
    ("prometheus", "loki", 3100, True), ("prometheus", "kiali", 9090, True),
    ("frontend-app", "loki", 3100, False), ("frontend-app", "prometheus", 9090, False),
    ("frontend-app", "jaeger", 9411, True), ("alloy", "prometheus", 9090, False),
    ("kiali", "loki", 3100, False), ("grafana", "jaeger", 16685, False),
])
def test_observability_flows(render_umbrella: RenderUmbrella, caller: str, target: str, port: int,
                             allowed: bool) -> None:
    assert _admitted(render_umbrella({}), caller, target, port) is allowed


def test_exposed_uis_admit_any_source_on_the_ui_port_only(render_umbrella: RenderUmbrella) -> None:
    docs = render_umbrella({"global": {"expose": {"mode": "nodePort"}}})
    prometheus = one(docs, "NetworkPolicy", "prometheus")["spec"]["ingress"]
    assert prometheus == [{"ports": [{"port": 9090, "protocol": "TCP"}]}]
    kiali = one(docs, "NetworkPolicy", "kiali")["spec"]["ingress"]
    assert {"ports": [{"port": 20001, "protocol": "TCP"}]} in kiali
    assert all(rule.get("from") for rule in kiali if rule["ports"][0]["port"] == 9090)
    # Port-forward only: the Kiali UI port admits nobody over the network.
    closed = one(render_umbrella({}), "NetworkPolicy", "kiali")["spec"]["ingress"]
    assert [rule["ports"][0]["port"] for rule in closed] == [9090]


def test_the_check_passes_the_rendered_lab_and_catches_a_missing_flow(
        render_umbrella: RenderUmbrella) -> None:
    docs = render_umbrella({})
    options = ValidationOptions()
    assert list(network_reachability.run(_inventory(docs), options)) == []
    without_loki = [d for d in docs if not (d["kind"] == "NetworkPolicy"
                                            and d["metadata"]["name"] == "loki")]
    findings = [str(f) for f in network_reachability.run(_inventory(without_loki), options)]
    assert any("'grafana' to StatefulSet 'loki' port 3100" in f for f in findings), findings
    assert any("'alloy' to StatefulSet 'loki' port 3100" in f for f in findings), findings


def test_istio_pods_get_their_flows_only_in_istio_system(render_umbrella: RenderUmbrella) -> None:
    names = {d["metadata"]["name"] for d in render_umbrella({}) if d["kind"] == "NetworkPolicy"}
    assert {"istiod", "istio-ingressgateway"} <= names
    elsewhere = render_umbrella({"global": {"observabilityNamespace": "monitoring"}})
    policies: list[Any] = [d for d in elsewhere if d["kind"] == "NetworkPolicy"]
    assert not {"istiod", "istio-ingressgateway"} & {d["metadata"]["name"] for d in policies}
    assert "istio-system" not in {d["metadata"]["namespace"] for d in policies}


def test_policies_can_be_switched_off(render_umbrella: RenderUmbrella) -> None:
    docs = render_umbrella({"global": {"networkPolicies": {"enabled": False}}})
    assert not [d for d in docs if d["kind"] == "NetworkPolicy"]
