"""The olympic-apps subchart: the hands-on's sample app, rendered through real Helm.

Facts from reference/seed-facts.md §1 (HEAD layout of code-at-customer-handson).
The Istio resources of this chart are also checked against the upstream CRD
schemas in test_traffic.py.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from labgen.chart_values import chart_values
from labgen.environment import load_environment
from labgen.errors import HelmError

if TYPE_CHECKING:
    from conftest import RenderUmbrella

APPS = "olympic-lab/charts/olympic-apps/"
REGISTRY = "nrt.ocir.io/orasejapan/codeatcustomer"
#: Deployment -> (app label, version label, port, image repository, SERVICE_VERSION)
HANDS_ON = {
    "frontend-app": ("frontend-app", "v1", 8082, "frontend-app", None),
    "backend-app-v1": ("backend-app", "v1", 8081, "backend-app", "V1"),
    "backend-app-v2": ("backend-app", "v2", 8081, "backend-app", "V2"),
    "backend-app-v3": ("backend-app", "v3", 8081, "backend-app", "V3"),
    "datasource-app": ("datasource-app", "v1", 8080, "data-source-app", None),
}
SERVICES = {"frontend-app": 8082, "backend-app": 8081, "datasource-app": 8080}


def of_kind(docs: list[dict[str, Any]], kind: str) -> dict[str, dict[str, Any]]:
    return {doc["metadata"]["name"]: doc for doc in docs
            if str(doc["__source__"]).startswith(APPS) and doc["kind"] == kind}


def container(deployment: dict[str, Any]) -> dict[str, Any]:
    containers = deployment["spec"]["template"]["spec"]["containers"]
    assert len(containers) == 1
    return dict(containers[0])


# --- Deployments --------------------------------------------------------------


def test_deployments_follow_the_hands_on(render_umbrella: RenderUmbrella) -> None:
    deployments = of_kind(render_umbrella(namespace="lab-apps"), "Deployment")
    assert sorted(deployments) == sorted(HANDS_ON)
    for name, (app, version, port, repository, service_version) in HANDS_ON.items():
        deployment = deployments[name]
        assert deployment["apiVersion"] == "apps/v1"
        assert deployment["metadata"]["namespace"] == "lab-apps"
        assert deployment["spec"]["replicas"] == 2
        labels = deployment["metadata"]["labels"]
        assert (labels["app"], labels["version"]) == (app, version)
        assert labels["app.kubernetes.io/name"] == app
        assert labels["app.kubernetes.io/part-of"] == "olympic-lab"
        assert labels["helm.sh/chart"] == "olympic-apps-0.1.0"
        pod_labels = deployment["spec"]["template"]["metadata"]["labels"]
        assert (pod_labels["app"], pod_labels["version"]) == (app, version)
        # Istio's canonical revision reads app.kubernetes.io/version before version.
        assert pod_labels["app.kubernetes.io/version"] == version
        box = container(deployment)
        assert box["name"] == app
        assert box["image"] == f"{REGISTRY}/{repository}:helidon4"
        assert box["ports"] == [{"name": "http", "containerPort": port, "protocol": "TCP"}]
        expected_env = ([{"name": "SERVICE_VERSION", "value": service_version}]
                        if service_version else None)
        assert box.get("env") == expected_env


def test_selectors_are_the_mesh_labels_only(render_umbrella: RenderUmbrella) -> None:
    docs = render_umbrella()
    for name, deployment in of_kind(docs, "Deployment").items():
        selector = deployment["spec"]["selector"]["matchLabels"]
        assert selector == {"app": HANDS_ON[name][0], "version": HANDS_ON[name][1]}
        pod_labels = deployment["spec"]["template"]["metadata"]["labels"]
        assert selector.items() <= pod_labels.items()
        assert "helm.sh/chart" not in pod_labels  # a chart bump alone rolls no pod
    for service in of_kind(docs, "Service").values():
        assert service["spec"]["selector"] == {"app": service["metadata"]["name"]}


def test_values_set_images_replicas_and_backend_versions(render_umbrella: RenderUmbrella) -> None:
    docs = render_umbrella({"olympic-apps": {
        "image": {"registry": "ghcr.io/acme/olympic/", "tag": "1.2.3"},
        "frontend": {"replicas": 1},
        "datasource": {"replicas": 3},
        "backend": {"versions": {"v1": {"replicas": 4}, "v3": None, "v4": {"replicas": 1}}},
    }})
    deployments = of_kind(docs, "Deployment")
    assert sorted(deployments) == ["backend-app-v1", "backend-app-v2", "backend-app-v4",
                                   "datasource-app", "frontend-app"]
    replicas = {name: d["spec"]["replicas"] for name, d in deployments.items()}
    assert replicas == {"backend-app-v1": 4, "backend-app-v2": 2, "backend-app-v4": 1,
                        "datasource-app": 3, "frontend-app": 1}
    v4 = deployments["backend-app-v4"]
    assert container(v4)["image"] == "ghcr.io/acme/olympic/backend-app:1.2.3"
    assert container(v4)["env"] == [{"name": "SERVICE_VERSION", "value": "V4"}]
    assert v4["spec"]["selector"]["matchLabels"] == {"app": "backend-app", "version": "v4"}
    for kind in ("Service", "Gateway", "VirtualService"):
        for doc in of_kind(docs, kind).values():
            assert doc["metadata"]["labels"]["app.kubernetes.io/version"] == "1.2.3"


def test_probes_resources_and_security_defaults(render_umbrella: RenderUmbrella) -> None:
    for deployment in of_kind(render_umbrella(), "Deployment").values():
        box = container(deployment)
        assert box["readinessProbe"]["httpGet"] == {"path": "/health/ready", "port": "http"}
        assert box["livenessProbe"]["httpGet"] == {"path": "/health/live", "port": "http"}
        assert box["startupProbe"]["httpGet"] == {"path": "/health/live", "port": "http"}
        assert box["resources"] == {"requests": {"cpu": "100m", "memory": "256Mi"},
                                    "limits": {"memory": "512Mi"}}
        assert box["securityContext"] == {"allowPrivilegeEscalation": False,
                                          "readOnlyRootFilesystem": True,
                                          "capabilities": {"drop": ["ALL"]},
                                          "seccompProfile": {"type": "RuntimeDefault"}}
        pod = deployment["spec"]["template"]["spec"]
        assert pod["securityContext"] == {"runAsNonRoot": True, "runAsUser": 10001,
                                          "runAsGroup": 10001, "fsGroup": 10001,
                                          "seccompProfile": {"type": "RuntimeDefault"}}
        assert pod["automountServiceAccountToken"] is False
        # The read-only root filesystem leaves the JVM one writable place: /tmp.
        assert box["volumeMounts"] == [{"name": "tmp", "mountPath": "/tmp"}]
        assert pod["volumes"] == [{"name": "tmp", "emptyDir": {}}]
        assert "imagePullSecrets" not in pod


def test_probe_paths_resources_and_pull_secrets_are_values(render_umbrella: RenderUmbrella) -> None:
    docs = render_umbrella({"olympic-apps": {
        "probes": {"readiness": {"path": "/ready"}, "liveness": {"path": "/alive"}},
        "backend": {"resources": {"requests": {"cpu": "250m"}, "limits": {"memory": "1Gi"}}},
        "imagePullSecrets": ["ocir-pull"],
        "podSecurityContext": {"runAsNonRoot": True, "runAsUser": 1000},
    }})
    deployments = of_kind(docs, "Deployment")
    backend = container(deployments["backend-app-v2"])
    assert backend["readinessProbe"]["httpGet"]["path"] == "/ready"
    assert backend["livenessProbe"]["httpGet"]["path"] == "/alive"
    assert backend["resources"] == {"requests": {"cpu": "250m"}, "limits": {"memory": "1Gi"}}
    assert container(deployments["frontend-app"])["resources"]["limits"] == {"memory": "512Mi"}
    pod = deployments["datasource-app"]["spec"]["template"]["spec"]
    assert pod["imagePullSecrets"] == [{"name": "ocir-pull"}]
    assert pod["securityContext"]["runAsUser"] == 1000


def test_probes_can_be_switched_off(render_umbrella: RenderUmbrella) -> None:
    docs = render_umbrella({"olympic-apps": {"probes": {"enabled": False}}})
    for deployment in of_kind(docs, "Deployment").values():
        probes = {"startupProbe", "readinessProbe", "livenessProbe"}
        assert not probes & container(deployment).keys()


# --- Services -------------------------------------------------------------------


def test_services_follow_the_hands_on(render_umbrella: RenderUmbrella) -> None:
    docs = render_umbrella()
    services = of_kind(docs, "Service")
    assert sorted(services) == sorted(SERVICES)
    pods = [d["spec"]["template"] for d in of_kind(docs, "Deployment").values()]
    for name, port in SERVICES.items():
        spec = services[name]["spec"]
        assert spec["type"] == "ClusterIP"
        assert spec["ports"] == [{"name": "http", "port": port, "targetPort": "http",
                                  "protocol": "TCP"}]
        selected = [p for p in pods
                    if spec["selector"].items() <= p["metadata"]["labels"].items()]
        assert selected, name
        for pod in selected:  # the named target port exists on every selected pod
            ports = pod["spec"]["containers"][0]["ports"]
            assert {"name": "http", "containerPort": port, "protocol": "TCP"} in ports
    backend_versions = {p["metadata"]["labels"]["version"] for p in pods
                        if p["metadata"]["labels"]["app"] == "backend-app"}
    assert backend_versions == {"v1", "v2", "v3"}  # backend-app spans every version


# --- ingress through Istio -------------------------------------------------------


def test_gateway_and_virtual_service_bring_ingress_to_the_frontend(render_umbrella: RenderUmbrella) -> None:
    docs = render_umbrella()
    gateways = of_kind(docs, "Gateway")
    assert list(gateways) == ["frontend-gateway"]
    gateway = gateways["frontend-gateway"]
    assert gateway["apiVersion"] == "networking.istio.io/v1"
    assert gateway["metadata"]["namespace"] == "olympic"
    assert gateway["spec"] == {
        "selector": {"istio": "ingressgateway"},
        "servers": [{"port": {"number": 80, "name": "http", "protocol": "HTTP"},
                     "hosts": ["*"]}],
    }
    services = of_kind(docs, "VirtualService")
    assert list(services) == ["frontend-app"]
    spec = services["frontend-app"]["spec"]
    assert spec["hosts"] == ["*"]
    assert spec["gateways"] == ["frontend-gateway"]
    assert spec["http"] == [{"name": "frontend", "match": [{"uri": {"prefix": "/"}}],
                             "route": [{"destination": {"host": "frontend-app",
                                                        "port": {"number": 8082}}}]}]
    assert not [d for d in docs if d["kind"] in ("Ingress", "IngressClass", "Secret")]


def test_gateway_hosts_and_selector_are_values(render_umbrella: RenderUmbrella) -> None:
    docs = render_umbrella({"olympic-apps": {"gateway": {
        "hosts": ["olympic.example.com"], "selector": {"istio": "lab-gateway"}}}})
    gateway = of_kind(docs, "Gateway")["frontend-gateway"]["spec"]
    assert gateway["selector"] == {"istio": "lab-gateway"}
    assert gateway["servers"][0]["hosts"] == ["olympic.example.com"]
    assert of_kind(docs, "VirtualService")["frontend-app"]["spec"]["hosts"] == [
        "olympic.example.com"]


def test_gateway_can_be_switched_off(render_umbrella: RenderUmbrella) -> None:
    docs = render_umbrella({"olympic-apps": {"gateway": {"enabled": False}}})
    assert of_kind(docs, "Gateway") == {}
    assert of_kind(docs, "VirtualService") == {}
    assert len(of_kind(docs, "Deployment")) == 5


def test_switching_the_apps_off_removes_their_resources(render_umbrella: RenderUmbrella) -> None:
    docs = render_umbrella({"olympic-apps": {"enabled": False}})
    assert [d for d in docs if str(d["__source__"]).startswith(APPS)] == []
    assert any(d["kind"] == "DestinationRule" for d in docs)  # traffic stays


# --- values contract --------------------------------------------------------------


@pytest.mark.parametrize(
    "apps",
    [
        {"unknown": True},
        {"image": {"registry": REGISTRY, "tag": "latest"}},
        {"image": {"registry": "Bad Registry", "tag": "helidon4"}},
        {"frontend": {"replicas": -1}},
        {"backend": {"versions": {"V1": {"replicas": 1}}}},
        {"backend": {"versions": {"v1": {"replicas": 1, "image": "x"}}}},
        {"imagePullSecrets": [{"name": "ocir"}]},
        {"securityContext": {"runAsNonroot": True}},
        {"resources": {"requests": {"gpu": 1}}},
        {"probes": {"readiness": {"path": "health"}}},
        {"gateway": {"hosts": []}},
    ],
)
def test_values_outside_the_schema_are_refused(render_umbrella: RenderUmbrella, apps: dict[str, Any]) -> None:
    with pytest.raises(HelmError, match=r"schema"):
        render_umbrella({"olympic-apps": apps})


def _lab_values(lab: Path, name: str) -> dict[str, Any]:
    """chart_values() of an environment, for the keys of these two charts."""
    values = chart_values(load_environment(lab, name))
    return {key: values[key] for key in ("global", "olympic-apps", "traffic")}


def test_what_labgen_writes_for_kind_renders(lab: Path, render_umbrella: RenderUmbrella) -> None:
    docs = render_umbrella(_lab_values(lab, "kind"))
    replicas = {n: d["spec"]["replicas"] for n, d in of_kind(docs, "Deployment").items()}
    assert replicas == dict.fromkeys(HANDS_ON, 1)
    [vs] = [d for d in docs
            if d["kind"] == "VirtualService" and d["metadata"]["name"] == "backend-app"]
    [http] = vs["spec"]["http"]
    assert [(r["destination"]["subset"], r["weight"]) for r in http["route"]] == [
        ("v1", 80), ("v2", 15), ("v3", 5)]


def test_an_environment_with_fewer_versions_drops_the_others(lab: Path,
                                                             render_umbrella: RenderUmbrella) -> None:
    (lab / "environments" / "two.yaml").write_text(
        "extends: base\ncluster: {platform: kind}\n"
        "apps: {backendVersions: {v1: {replicas: 1}, v2: {replicas: 1}, v3: null}}\n"
        "traffic: {scenario: v1-v2-half}\n", encoding="utf-8")
    docs = render_umbrella(_lab_values(lab, "two"))
    assert sorted(of_kind(docs, "Deployment")) == [
        "backend-app-v1", "backend-app-v2", "datasource-app", "frontend-app"]
