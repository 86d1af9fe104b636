"""The jaeger subchart: Jaeger v2 all-in-one, its Services and the mesh Telemetry.

Rendered through real Helm (``render_umbrella``); the Telemetry is validated
against Istio's upstream CRD schema, read in place from ../shared/crds.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from chart_docs import Doc, one, service_port

import yaml_docs
from labgen.chart_values import chart_values
from labgen.environment import load_environment

if TYPE_CHECKING:
    from conftest import CrdErrors, RenderUmbrella

OBS = "istio-system"
# istiod's meshConfig.extensionProviders entry (Argo CD tree): name -> address.
MESH_PROVIDERS = {"zipkin": "http://zipkin.istio-system.svc.cluster.local:9411"}


def only_jaeger(**values: Any) -> dict[str, Any]:
    """Umbrella values with every other component off."""
    base: dict[str, Any] = {name: {"enabled": False} for name in (
        "olympic-apps", "traffic", "prometheus", "grafana", "kiali", "loki", "alloy",
        "node-exporter")}
    base["jaeger"] = values
    return base


def from_chart(docs: list[Doc], chart: str) -> list[Doc]:
    return [d for d in docs if d["__source__"].startswith(f"olympic-lab/charts/{chart}/")]


def container_port(docs: list[Doc], service: Doc, port: dict[str, Any]) -> int:
    """Resolve a Service port's targetPort on the pod template its selector matches."""
    selector = service["spec"]["selector"]
    pods = [d["spec"]["template"] for d in docs
            if d["kind"] in ("Deployment", "StatefulSet", "DaemonSet")
            and d["metadata"]["namespace"] == service["metadata"]["namespace"]
            and selector.items() <= d["spec"]["template"]["metadata"]["labels"].items()]
    assert len(pods) == 1, f"Service {service['metadata']['name']} selects {len(pods)} workloads"
    target = port.get("targetPort", port["port"])
    for container in pods[0]["spec"]["containers"]:
        for declared in container.get("ports", []):
            if target in (declared.get("name"), declared["containerPort"]):
                return int(declared["containerPort"])
    raise AssertionError(f"targetPort {target!r} is not a declared container port")


def jaeger_config(docs: list[Doc]) -> dict[str, Any]:
    config = yaml_docs.load(one(docs, "ConfigMap", "jaeger")["data"]["config.yaml"])
    assert isinstance(config, dict)
    return config


# --- Services and ports -----------------------------------------------------

@pytest.mark.parametrize(("url", "container"), [
    ("http://tracing.istio-system:80", 16686),
    ("http://jaeger-query.istio-system:16685", 16685),
    ("http://jaeger-query.istio-system:16686", 16686),
    ("http://zipkin.istio-system:9411", 9411),
    ("http://jaeger-collector.istio-system:4317", 4317),
    ("http://jaeger-collector.istio-system:4318", 4318),
    ("http://jaeger-collector.istio-system:9411", 9411),
    ("http://jaeger-collector.istio-system:14250", 14250),
])
def test_services_reach_declared_container_ports(render_umbrella: RenderUmbrella, url: str,
                                                 container: int) -> None:
    docs = render_umbrella(only_jaeger())
    service, port = service_port(docs, url)
    assert container_port(docs, service, port) == container


def test_port_names_follow_istio_protocol_selection(render_umbrella: RenderUmbrella) -> None:
    docs = render_umbrella(only_jaeger())
    names = {d["metadata"]["name"]: [p["name"] for p in d["spec"]["ports"]]
             for d in docs if d["kind"] == "Service"}
    assert names["tracing"] == ["http-query"]
    assert names["jaeger-query"] == ["grpc-query", "http-query"]
    assert names["zipkin"] == ["http-zipkin"]
    assert all(n.split("-")[0] in ("http", "grpc") for n in names["jaeger-collector"])


def test_config_listens_where_the_container_ports_are(render_umbrella: RenderUmbrella) -> None:
    docs = render_umbrella(only_jaeger())
    config = jaeger_config(docs)
    query = config["extensions"]["jaeger_query"]
    assert query["base_path"] == "/jaeger"
    endpoints = [query["http"]["endpoint"], query["grpc"]["endpoint"],
                 config["receivers"]["zipkin"]["endpoint"],
                 config["receivers"]["otlp"]["protocols"]["grpc"]["endpoint"],
                 config["receivers"]["otlp"]["protocols"]["http"]["endpoint"],
                 config["receivers"]["jaeger"]["protocols"]["grpc"]["endpoint"]]
    declared = {p["containerPort"] for p in
                one(docs, "Deployment", "jaeger")["spec"]["template"]["spec"]["containers"][0]
                ["ports"]}
    for endpoint in endpoints:
        host, _, port = endpoint.rpartition(":")
        assert host == "0.0.0.0" and int(port) in declared, endpoint
    pipeline = config["service"]["pipelines"]["traces"]
    assert set(pipeline["receivers"]) <= set(config["receivers"])
    assert set(pipeline["exporters"]) <= set(config["exporters"])


def test_storage_backend_follows_values(render_umbrella: RenderUmbrella) -> None:
    memory = jaeger_config(render_umbrella(only_jaeger()))
    assert memory["extensions"]["jaeger_storage"]["backends"]["lab_store"] == {
        "memory": {"max_traces": 50000}}
    badger = jaeger_config(render_umbrella(only_jaeger(storage={"type": "badger"})))
    assert "badger" in badger["extensions"]["jaeger_storage"]["backends"]["lab_store"]


# --- The pod -------------------------------------------------------------------

def test_pod_is_hardened_and_outside_the_mesh(render_umbrella: RenderUmbrella) -> None:
    deployment = one(render_umbrella(only_jaeger()), "Deployment", "jaeger")
    pod = deployment["spec"]["template"]
    assert pod["metadata"]["annotations"]["sidecar.istio.io/inject"] == "false"
    assert pod["spec"]["securityContext"]["runAsNonRoot"] is True
    container = pod["spec"]["containers"][0]
    assert container["securityContext"]["readOnlyRootFilesystem"] is True
    assert container["resources"]["requests"] and container["resources"]["limits"]
    assert container["readinessProbe"]["httpGet"]["path"] == "/status"
    assert container["livenessProbe"]["httpGet"]["port"] == "http-health"
    assert "version" not in deployment["spec"]["selector"]["matchLabels"]
    assert deployment["metadata"]["namespace"] == OBS


def test_image_tag_is_pinned_to_the_chart_app_version(render_umbrella: RenderUmbrella,
                                                      project_root: Path) -> None:
    chart = yaml_docs.load((project_root / "charts/olympic-lab/charts/jaeger/Chart.yaml")
                           .read_text())
    image = one(render_umbrella(only_jaeger()), "Deployment", "jaeger")["spec"]["template"][
        "spec"]["containers"][0]["image"]
    assert image == f"docker.io/jaegertracing/jaeger:{chart['appVersion']}"
    assert chart["appVersion"].startswith("2.")


# --- Exposure of the tracing UI ---------------------------------------------------

def test_tracing_is_cluster_ip_by_default(render_umbrella: RenderUmbrella) -> None:
    tracing = one(render_umbrella(only_jaeger()), "Service", "tracing")
    assert tracing["spec"]["type"] == "ClusterIP"
    assert all("nodePort" not in p for p in tracing["spec"]["ports"])


def test_tracing_gets_its_fixed_node_port(render_umbrella: RenderUmbrella) -> None:
    values = only_jaeger()
    values["global"] = {"expose": {"mode": "nodePort", "nodePorts": {"tracing": 30686}}}
    docs = render_umbrella(values)
    ports = {p["name"]: p for p in one(docs, "Service", "tracing")["spec"]["ports"]}
    assert one(docs, "Service", "tracing")["spec"]["type"] == "NodePort"
    assert ports["http-query"]["nodePort"] == 30686
    # The NodePort Service carries the UI port only; the query API stays inside the cluster.
    assert list(ports) == ["http-query"]
    for name in ("zipkin", "jaeger-query", "jaeger-collector"):
        assert one(docs, "Service", name)["spec"]["type"] == "ClusterIP"


def test_tracing_load_balancer_carries_annotations_and_ranges(render_umbrella: RenderUmbrella) -> None:
    values = only_jaeger()
    values["global"] = {"expose": {
        "mode": "loadBalancer",
        "loadBalancerAnnotations": {"oci.oraclecloud.com/load-balancer-type": "lb"},
        "loadBalancerSourceRanges": ["203.0.113.0/24"]}}
    tracing = one(render_umbrella(values), "Service", "tracing")
    assert tracing["spec"]["type"] == "LoadBalancer"
    assert tracing["spec"]["loadBalancerSourceRanges"] == ["203.0.113.0/24"]
    assert tracing["metadata"]["annotations"] == {"oci.oraclecloud.com/load-balancer-type": "lb"}


# --- The mesh Telemetry ----------------------------------------------------------

def _without_source(doc: Doc) -> Doc:
    return {k: v for k, v in doc.items() if k != "__source__"}


def test_telemetry_validates_strictly_against_the_istio_crd(render_umbrella: RenderUmbrella,
                                                            upstream_crd_errors: CrdErrors) -> None:
    telemetry = one(render_umbrella(only_jaeger()), "Telemetry", "mesh-default")
    assert telemetry["apiVersion"] == "telemetry.istio.io/v1"
    assert upstream_crd_errors(_without_source(telemetry)) == []


def test_strict_crd_schema_rejects_an_unknown_field(render_umbrella: RenderUmbrella,
                                                    upstream_crd_errors: CrdErrors) -> None:
    telemetry = _without_source(one(render_umbrella(only_jaeger()), "Telemetry", "mesh-default"))
    telemetry["spec"]["tracing"][0]["sampling"] = 100  # the pre-Telemetry-API spelling
    assert any("sampling" in error for error in upstream_crd_errors(telemetry))


def test_telemetry_sampling_and_namespace_follow_values(render_umbrella: RenderUmbrella) -> None:
    docs = render_umbrella(only_jaeger(telemetry={"samplingPercentage": 12.5}))
    telemetry = one(docs, "Telemetry", "mesh-default")
    assert telemetry["metadata"]["namespace"] == OBS
    assert telemetry["spec"]["tracing"] == [
        {"providers": [{"name": "zipkin"}], "randomSamplingPercentage": 12.5}]
    moved = render_umbrella(only_jaeger(telemetry={"rootNamespace": "mesh-root"}))
    assert one(moved, "Telemetry", "mesh-default")["metadata"]["namespace"] == "mesh-root"


def test_telemetry_provider_reaches_the_zipkin_service(render_umbrella: RenderUmbrella) -> None:
    docs = render_umbrella(only_jaeger())
    telemetry = one(docs, "Telemetry", "mesh-default")
    for provider in telemetry["spec"]["tracing"][0]["providers"]:
        assert provider["name"] in MESH_PROVIDERS, provider
        service, port = service_port(docs, MESH_PROVIDERS[provider["name"]])
        assert container_port(docs, service, port) == 9411


def test_sampling_out_of_range_is_refused_by_the_values_schema(render_umbrella: RenderUmbrella) -> None:
    from labgen.errors import HelmError

    with pytest.raises(HelmError, match="samplingPercentage"):
        render_umbrella(only_jaeger(telemetry={"samplingPercentage": 101}))


def test_telemetry_can_be_switched_off(render_umbrella: RenderUmbrella) -> None:
    docs = render_umbrella(only_jaeger(telemetry={"enabled": False}))
    assert not [d for d in docs if d["kind"] == "Telemetry"]
    assert one(docs, "Deployment", "jaeger")


# --- Switches and the values contract ---------------------------------------------

def test_jaeger_can_be_switched_off(render_umbrella: RenderUmbrella) -> None:
    docs = render_umbrella({"jaeger": {"enabled": False}})
    assert from_chart(docs, "jaeger") == []
    assert not [d for d in docs if d["kind"] == "Telemetry"]


@pytest.mark.parametrize("env", ["oke", "kind"])
def test_accepts_what_labgen_writes(render_umbrella: RenderUmbrella, project_root: Path, env: str) -> None:
    written = chart_values(load_environment(project_root, env))
    values = only_jaeger(**written["jaeger"])
    values["global"] = written["global"]
    telemetry = one(render_umbrella(values), "Telemetry", "mesh-default")
    assert telemetry["spec"]["tracing"][0]["randomSamplingPercentage"] == (
        written["jaeger"]["telemetry"]["samplingPercentage"])
