"""The loki and alloy subcharts: storage, config, the log pipeline's push URL.

Rendered through real Helm. Alloy's push URL is parsed out of the rendered
config.alloy and looked up among the rendered Services.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from chart_docs import Doc, one, service_port

import yaml_docs
from labgen.chart_values import chart_values
from labgen.environment import load_environment
from labgen.errors import HelmError

if TYPE_CHECKING:
    from conftest import RenderUmbrella

OBS = "istio-system"
PUSH_URL = re.compile(r'^\s*url\s*=\s*"([^"]+)"', re.MULTILINE)


def push_urls(docs: list[Doc]) -> list[str]:
    return PUSH_URL.findall(one(docs, "ConfigMap", "alloy")["data"]["config.alloy"])


def loki_config(docs: list[Doc]) -> dict[str, Any]:
    config = yaml_docs.load(one(docs, "ConfigMap", "loki")["data"]["config.yaml"])
    assert isinstance(config, dict)
    return config


def loki_pod(docs: list[Doc]) -> dict[str, Any]:
    spec = one(docs, "StatefulSet", "loki")["spec"]["template"]["spec"]
    assert isinstance(spec, dict)
    return spec


# --- Alloy -> Loki -------------------------------------------------------------------------------

def test_push_url_names_the_loki_service_and_its_port(render_umbrella: RenderUmbrella) -> None:
    docs = render_umbrella({})
    [url] = push_urls(docs)
    assert url == f"http://loki.{OBS}:3100/loki/api/v1/push"
    service, port = service_port(docs, url)
    assert port["name"] == "http-metrics"
    statefulset = one(docs, "StatefulSet", "loki")
    assert service["spec"]["selector"].items() <= (
        statefulset["spec"]["template"]["metadata"]["labels"].items())
    declared = {p["name"]: p["containerPort"] for p in loki_pod(docs)["containers"][0]["ports"]}
    assert declared[port["targetPort"]] == loki_config(docs)["server"]["http_listen_port"]


def test_push_url_is_built_from_values_and_a_wrong_port_is_caught(render_umbrella: RenderUmbrella) -> None:
    docs = render_umbrella({"alloy": {"loki": {"port": 3101}}})
    [url] = push_urls(docs)
    with pytest.raises(AssertionError, match="has no port 3101"):
        service_port(docs, url)


def test_push_url_follows_the_observability_namespace(render_umbrella: RenderUmbrella) -> None:
    docs = render_umbrella({"global": {"observabilityNamespace": "logs"}})
    [url] = push_urls(docs)
    service, _ = service_port(docs, url)
    assert service["metadata"]["namespace"] == "logs"


# --- Alloy ---------------------------------------------------------------------------------------

def test_alloy_tails_only_its_own_node(render_umbrella: RenderUmbrella) -> None:
    docs = render_umbrella({})
    config = one(docs, "ConfigMap", "alloy")["data"]["config.alloy"]
    assert 'loki.source.kubernetes "pods"' in config
    assert re.search(r'source_labels = \["__meta_kubernetes_pod_node_name"\]\s*'
                     r'regex\s*= sys\.env\("NODE_NAME"\)\s*action\s*= "keep"', config)
    for label in ("namespace", "pod", "container", "app"):
        assert f'target_label  = "{label}"' in config, label
    container = one(docs, "DaemonSet", "alloy")["spec"]["template"]["spec"]["containers"][0]
    env = {e["name"]: e for e in container["env"]}
    assert env["NODE_NAME"]["valueFrom"] == {"fieldRef": {"fieldPath": "spec.nodeName"}}
    assert "/etc/alloy/config.alloy" in container["args"]


def test_alloy_rbac_is_least_privilege(render_umbrella: RenderUmbrella) -> None:
    docs = render_umbrella({})
    role = one(docs, "ClusterRole", "alloy")
    # Exactly what config.alloy reads: pods (discovery) and pods/log (the source).
    assert role["rules"] == [
        {"apiGroups": [""], "resources": ["pods"], "verbs": ["get", "list", "watch"]},
        {"apiGroups": [""], "resources": ["pods/log"], "verbs": ["get"]}]
    binding = one(docs, "ClusterRoleBinding", "alloy")
    assert binding["roleRef"]["name"] == "alloy"
    assert binding["subjects"] == [{"kind": "ServiceAccount", "name": "alloy", "namespace": OBS}]


def test_alloy_needs_no_host_access_and_runs_as_non_root(render_umbrella: RenderUmbrella) -> None:
    pod = one(render_umbrella({}), "DaemonSet", "alloy")["spec"]["template"]
    spec = pod["spec"]
    assert pod["metadata"]["annotations"]["sidecar.istio.io/inject"] == "false"
    assert not [v for v in spec["volumes"] if "hostPath" in v]
    assert not spec.get("hostNetwork") and not spec.get("hostPID")
    assert spec["securityContext"]["runAsNonRoot"] is True
    assert spec["securityContext"]["runAsUser"] != 0
    container = spec["containers"][0]
    assert container["securityContext"]["readOnlyRootFilesystem"] is True
    assert container["readinessProbe"]["httpGet"]["path"] == "/-/ready"
    assert container["resources"]["limits"]["memory"]


def test_stream_labels_come_from_values(render_umbrella: RenderUmbrella) -> None:
    docs = render_umbrella({"alloy": {"streamLabels": {"team": "app.kubernetes.io/part-of"}}})
    config = one(docs, "ConfigMap", "alloy")["data"]["config.alloy"]
    assert '"__meta_kubernetes_pod_label_app_kubernetes_io_part_of"' in config
    assert 'target_label  = "team"' in config


# --- Loki ----------------------------------------------------------------------------------------

def test_loki_config_is_a_single_binary_tsdb_v13_store(render_umbrella: RenderUmbrella) -> None:
    config = loki_config(render_umbrella({}))
    assert config["auth_enabled"] is False
    assert config["common"]["replication_factor"] == 1
    assert config["common"]["ring"]["kvstore"]["store"] == "inmemory"
    [schema] = config["schema_config"]["configs"]
    assert (schema["store"], schema["schema"], schema["object_store"]) == (
        "tsdb", "v13", "filesystem")
    assert config["compactor"]["retention_enabled"] is True
    assert config["limits_config"]["retention_period"] == "168h"
    paths = [config["common"]["path_prefix"], config["compactor"]["working_directory"],
             *config["common"]["storage"]["filesystem"].values()]
    assert all(p.startswith("/var/loki") for p in paths), paths


def test_loki_writes_only_to_volumes(render_umbrella: RenderUmbrella) -> None:
    docs = render_umbrella({})
    spec = loki_pod(docs)
    container = spec["containers"][0]
    assert "-target=all" in container["args"]
    assert container["securityContext"]["readOnlyRootFilesystem"] is True
    assert spec["securityContext"]["runAsUser"] == 10001
    assert spec["securityContext"]["runAsNonRoot"] is True
    mounts = {m["mountPath"]: m["name"] for m in container["volumeMounts"]}
    assert mounts["/var/loki"] == "storage"
    for probe in ("readinessProbe", "livenessProbe"):
        assert container[probe]["httpGet"] == {"path": "/ready", "port": "http-metrics"}


def test_loki_services(render_umbrella: RenderUmbrella) -> None:
    docs = render_umbrella({})
    loki = one(docs, "Service", "loki")
    headless = one(docs, "Service", "loki-headless")
    assert {p["name"]: p["port"] for p in loki["spec"]["ports"]} == {
        "http-metrics": 3100, "grpc": 9095}
    assert headless["spec"]["clusterIP"] == "None"
    assert one(docs, "StatefulSet", "loki")["spec"]["serviceName"] == "loki-headless"
    assert loki_pod(docs)["containers"][0]["image"].startswith("docker.io/grafana/loki:3.")


def test_no_claim_without_persistence(render_umbrella: RenderUmbrella) -> None:
    docs = render_umbrella({})
    statefulset = one(docs, "StatefulSet", "loki")
    assert "volumeClaimTemplates" not in statefulset["spec"]
    assert not [d for d in docs if d["kind"] == "PersistentVolumeClaim"]
    storage = next(v for v in loki_pod(docs)["volumes"] if v["name"] == "storage")
    assert storage == {"name": "storage", "emptyDir": {}}


def test_oke_persistence_is_a_block_volume_claim(render_umbrella: RenderUmbrella, project_root: Path) -> None:
    written = chart_values(load_environment(project_root, "oke"))
    docs = render_umbrella({"global": written["global"], "loki": written["loki"]})
    statefulset = one(docs, "StatefulSet", "loki")
    [claim] = statefulset["spec"]["volumeClaimTemplates"]
    assert claim["metadata"]["name"] == "storage"
    assert claim["spec"]["storageClassName"] == "oci-bv"
    assert claim["spec"]["resources"]["requests"]["storage"] == "50Gi"
    assert not [v for v in loki_pod(docs)["volumes"] if v["name"] == "storage"]


def test_empty_storage_class_means_the_cluster_default(render_umbrella: RenderUmbrella) -> None:
    docs = render_umbrella({"loki": {"persistence": {"enabled": True, "storageClass": "",
                                                     "size": "20Gi"}}})
    [claim] = one(docs, "StatefulSet", "loki")["spec"]["volumeClaimTemplates"]
    assert "storageClassName" not in claim["spec"]


def test_kind_environment_keeps_loki_on_an_empty_dir(render_umbrella: RenderUmbrella,
                                                     project_root: Path) -> None:
    written = chart_values(load_environment(project_root, "kind"))
    docs = render_umbrella({"global": written["global"], "loki": written["loki"],
                            "alloy": written["alloy"]})
    assert "volumeClaimTemplates" not in one(docs, "StatefulSet", "loki")["spec"]


@pytest.mark.parametrize("persistence", [{"size": "50G"}, {"storageClass": "OCI BV"},
                                         {"accessMode": "ReadWriteMany"}])
def test_values_schema_refuses_bad_persistence(render_umbrella: RenderUmbrella, persistence: dict[str,
                                               Any]) -> None:
    with pytest.raises(HelmError):
        render_umbrella({"loki": {"persistence": persistence}})


# --- Pinned versions and switches ----------------------------------------------------------------

@pytest.mark.parametrize(("chart", "kind", "name", "repository"), [
    ("loki", "StatefulSet", "loki", "docker.io/grafana/loki"),
    ("alloy", "DaemonSet", "alloy", "docker.io/grafana/alloy"),
])
def test_image_tag_is_pinned_to_the_chart_app_version(render_umbrella: RenderUmbrella, project_root: Path,
                                                      chart: str, kind: str, name: str,
                                                      repository: str) -> None:
    meta = yaml_docs.load((project_root / f"charts/olympic-lab/charts/{chart}/Chart.yaml")
                          .read_text())
    image = one(render_umbrella({}), kind, name)["spec"]["template"]["spec"]["containers"][0][
        "image"]
    assert image == f"{repository}:{meta['appVersion']}"


@pytest.mark.parametrize("component", ["loki", "alloy"])
def test_each_can_be_switched_off_alone(render_umbrella: RenderUmbrella, component: str) -> None:
    other = {"loki": "alloy", "alloy": "loki"}[component]
    docs = render_umbrella({component: {"enabled": False}})
    assert not [d for d in docs if d["__source__"].startswith(f"olympic-lab/charts/{component}/")]
    assert [d for d in docs if d["__source__"].startswith(f"olympic-lab/charts/{other}/")]
