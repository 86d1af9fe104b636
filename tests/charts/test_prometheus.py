"""The prometheus subchart, rendered through real Helm (the umbrella chart).

The scrape configuration is parsed as YAML and its relabelling is *applied*
to the targets Kubernetes discovery would produce (node-exporter's endpoints,
an Istio-injected pod), so the hands-on's PromQL is checked end to end.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from chart_docs import Doc, one, strictly_valid

import yaml_docs
from labgen.chart_values import chart_values
from labgen.environment import load_environment
from labgen.errors import HelmError

if TYPE_CHECKING:
    from conftest import RenderUmbrella

PROJECT = Path(__file__).resolve().parents[2]
CHART = PROJECT / "charts" / "olympic-lab" / "charts" / "prometheus"
SOURCE = "olympic-lab/charts/prometheus/"
ADDON_JOBS = {
    "prometheus", "kubernetes-apiservers", "kubernetes-nodes", "kubernetes-nodes-cadvisor",
    "kubernetes-service-endpoints", "kubernetes-service-endpoints-slow",
    "kubernetes-pods", "kubernetes-pods-slow",
}
VALID_K8S_CASES = [
    {},
    {"prometheus": {"persistence": {"enabled": True, "storageClass": "oci-bv", "size": "50Gi"}},
     "global": {"expose": {"mode": "nodePort", "nodePorts": {"prometheus": 30090}}}},
    {"global": {"expose": {"mode": "loadBalancer", "loadBalancerAnnotations": {"a": "b"},
                           "loadBalancerSourceRanges": ["203.0.113.0/24"]}}},
]


def _render(render_umbrella: RenderUmbrella, prometheus: dict[str, Any] | None = None) -> list[Doc]:
    return render_umbrella({"prometheus": prometheus or {}})


def _scrape_config(docs: list[Doc]) -> dict[str, Any]:
    config = yaml_docs.load(one(docs, "ConfigMap", "prometheus")["data"]["prometheus.yml"])
    assert isinstance(config, dict)
    return config


def _job(config: dict[str, Any], name: str) -> dict[str, Any]:
    jobs: list[dict[str, Any]] = [job for job in config["scrape_configs"] if job["job_name"] == name]
    assert len(jobs) == 1, name
    return jobs[0]


# --- a small, faithful subset of Prometheus relabelling -------------------------

def _expand(template: str, match: re.Match[str]) -> str:
    return re.sub(r"\$\{?(\d+)\}?", lambda m: match.group(int(m.group(1))) or "", template)


def relabel(labels: dict[str, str], rules: list[dict[str, Any]]) -> dict[str, str] | None:
    """Apply ``relabel_configs`` like Prometheus does; None when the target is dropped."""
    out = dict(labels)
    for rule in rules:
        action = rule.get("action", "replace")
        regex = re.compile(rule.get("regex", "(.*)"))
        if action == "labelmap":
            for name, value in list(out.items()):
                match = regex.fullmatch(name)
                if match:
                    out[_expand(rule.get("replacement", "$1"), match)] = value
            continue
        value = rule.get("separator", ";").join(out.get(s, "") for s in
                                                rule.get("source_labels", []))
        match = regex.fullmatch(value)
        if action == "keep" and not match:
            return None
        if action == "drop" and match:
            return None
        if action == "replace" and match:
            result = _expand(rule.get("replacement", "$1"), match)
            if result:
                out[rule["target_label"]] = result
            else:
                out.pop(rule["target_label"], None)
        assert action in {"keep", "drop", "replace"}, action
    return out


def series_labels(target: dict[str, str], job: str) -> dict[str, str]:
    """Labels of the scraped series: the target's public labels, job and instance."""
    public = {k: v for k, v in target.items() if not k.startswith("__")}
    return {**public, "job": job, "instance": target["__address__"]}


def _sanitize(name: str) -> str:
    return re.sub(r"[^a-zA-Z0-9_]", "_", name)


# --- the scrape configuration ---------------------------------------------------

def test_scrape_config_has_the_addon_jobs(render_umbrella: RenderUmbrella) -> None:
    config = _scrape_config(_render(render_umbrella))
    assert {job["job_name"] for job in config["scrape_configs"]} == ADDON_JOBS
    assert config["global"] == {"scrape_interval": "15s", "scrape_timeout": "10s",
                                "evaluation_interval": "1m"}
    for name in ("kubernetes-service-endpoints-slow", "kubernetes-pods-slow"):
        assert _job(config, name)["scrape_interval"] == "5m"
        assert _job(config, name)["scrape_timeout"] == "30s"
    api = _job(config, "kubernetes-apiservers")
    assert api["scheme"] == "https"
    assert api["relabel_configs"][0] == {
        "source_labels": ["__meta_kubernetes_namespace", "__meta_kubernetes_service_name",
                          "__meta_kubernetes_endpointslice_port_name"],
        "regex": "default;kubernetes;https", "action": "keep"}


def test_service_endpoints_job_adds_kubernetes_node(render_umbrella: RenderUmbrella) -> None:
    job = _job(_scrape_config(_render(render_umbrella)), "kubernetes-service-endpoints")
    assert job["kubernetes_sd_configs"] == [{"role": "endpointslice"}]
    targets = {rule.get("target_label"): rule.get("source_labels")
               for rule in job["relabel_configs"]}
    assert targets["kubernetes_node"] == ["__meta_kubernetes_pod_node_name"]
    assert targets["kubernetes_namespace"] == ["__meta_kubernetes_namespace"]
    assert targets["kubernetes_name"] == ["__meta_kubernetes_service_name"]


def test_node_memory_queries_of_the_hands_on_work(render_umbrella: RenderUmbrella) -> None:
    """node-exporter's endpoints, relabelled: one series per node, one cluster sum."""
    docs = render_umbrella({})
    job = _job(_scrape_config(docs), "kubernetes-service-endpoints")
    service = one(docs, "Service", "node-exporter")
    meta = {f"__meta_kubernetes_service_annotation_{_sanitize(k)}": v
            for k, v in service["metadata"]["annotations"].items()}
    meta |= {f"__meta_kubernetes_service_label_{_sanitize(k)}": v
             for k, v in service["metadata"]["labels"].items()}
    series = []
    for index in range(3):
        target = relabel({
            "__address__": f"10.0.0.{index + 10}:9100",
            "__meta_kubernetes_namespace": service["metadata"]["namespace"],
            "__meta_kubernetes_service_name": "node-exporter",
            "__meta_kubernetes_endpointslice_port_name": "metrics",
            "__meta_kubernetes_pod_node_name": f"node-{index}",
            **meta,
        }, job["relabel_configs"])
        assert target is not None, "the annotated node-exporter Service must be kept"
        assert target["__address__"] == f"10.0.0.{index + 10}:9100"
        series.append(series_labels(target, job["job_name"]))
    assert sorted(s["kubernetes_node"] for s in series) == ["node-0", "node-1", "node-2"]
    # sum without (instance, kubernetes_node) (node_memory_MemAvailable_bytes): one group
    groups = {frozenset((k, v) for k, v in s.items() if k not in {"instance", "kubernetes_node"})
              for s in series}
    assert len(groups) == 1
    # sum by (kubernetes_node): one group per node
    assert len({s["kubernetes_node"] for s in series}) == 3


def test_unannotated_services_are_not_scraped(render_umbrella: RenderUmbrella) -> None:
    job = _job(_scrape_config(_render(render_umbrella)), "kubernetes-service-endpoints")
    assert relabel({"__address__": "10.0.0.1:80",
                    "__meta_kubernetes_service_name": "frontend-app"},
                   job["relabel_configs"]) is None


def test_envoy_merged_metrics_are_scraped_from_injected_pods(render_umbrella: RenderUmbrella) -> None:
    """Istio's injector annotates pods with port 15020 and path /stats/prometheus."""
    job = _job(_scrape_config(_render(render_umbrella)), "kubernetes-pods")
    pod = {
        "__address__": "10.1.0.7:8081",
        "__meta_kubernetes_namespace": "olympic",
        "__meta_kubernetes_pod_name": "backend-app-v2-abc",
        "__meta_kubernetes_pod_phase": "Running",
        "__meta_kubernetes_pod_label_app": "backend-app",
        "__meta_kubernetes_pod_label_version": "v2",
        "__meta_kubernetes_pod_annotation_prometheus_io_scrape": "true",
        "__meta_kubernetes_pod_annotation_prometheus_io_port": "15020",
        "__meta_kubernetes_pod_annotation_prometheus_io_path": "/stats/prometheus",
    }
    target = relabel(pod, job["relabel_configs"])
    assert target is not None
    assert target["__address__"] == "10.1.0.7:15020"
    assert target["__metrics_path__"] == "/stats/prometheus"
    assert series_labels(target, "kubernetes-pods") == {
        "app": "backend-app", "version": "v2", "kubernetes_namespace": "olympic",
        "kubernetes_pod_name": "backend-app-v2-abc", "job": "kubernetes-pods",
        "instance": "10.1.0.7:15020"}
    assert relabel({**pod, "__meta_kubernetes_pod_phase": "Pending"},
                   job["relabel_configs"]) is None
    unannotated = {k: v for k, v in pod.items() if "annotation" not in k}
    assert relabel(unannotated, job["relabel_configs"]) is None
    slow = {**pod, "__meta_kubernetes_pod_annotation_prometheus_io_scrape_slow": "true"}
    assert relabel(slow, job["relabel_configs"]) is None
    slow_job = _job(_scrape_config(_render(render_umbrella)), "kubernetes-pods-slow")
    assert relabel(slow, slow_job["relabel_configs"]) is not None


# --- the Deployment, storage and RBAC -------------------------------------------

def test_deployment_is_hardened_with_probes_and_retention(render_umbrella: RenderUmbrella) -> None:
    docs = _render(render_umbrella, {"retention": "30d"})
    deployment = one(docs, "Deployment", "prometheus")
    pod = deployment["spec"]["template"]
    assert pod["metadata"]["annotations"]["sidecar.istio.io/inject"] == "false"
    spec = pod["spec"]
    assert spec["serviceAccountName"] == "prometheus"
    assert spec["securityContext"]["runAsUser"] == 65534
    assert spec["securityContext"]["runAsNonRoot"] is True
    (container,) = spec["containers"]
    assert "--storage.tsdb.retention.time=30d" in container["args"]
    assert "--web.enable-lifecycle" not in container["args"]
    assert container["readinessProbe"]["httpGet"]["path"] == "/-/ready"
    assert container["livenessProbe"]["httpGet"]["path"] == "/-/healthy"
    assert container["securityContext"]["readOnlyRootFilesystem"] is True
    assert container["securityContext"]["allowPrivilegeEscalation"] is False
    assert container["resources"]["requests"]["memory"]
    image_tag = container["image"].rsplit(":", 1)[1]
    chart = yaml_docs.load((CHART / "Chart.yaml").read_text(encoding="utf-8"))
    assert image_tag == f"v{chart['appVersion']}"


def test_default_retention_is_15d(render_umbrella: RenderUmbrella) -> None:
    (container,) = one(_render(render_umbrella), "Deployment",
                        "prometheus")["spec"]["template"]["spec"]["containers"]
    assert "--storage.tsdb.retention.time=15d" in container["args"]


def test_config_change_rolls_the_pod(render_umbrella: RenderUmbrella) -> None:
    def checksum(docs: list[Doc]) -> str:
        deployment = one(docs, "Deployment", "prometheus")
        return str(deployment["spec"]["template"]["metadata"]["annotations"]["checksum/config"])

    first = checksum(_render(render_umbrella))
    assert re.fullmatch(r"[0-9a-f]{64}", first)
    assert checksum(_render(render_umbrella)) == first
    assert checksum(_render(render_umbrella, {"scrape": {"interval": "30s"}})) != first


def test_no_pvc_without_persistence(render_umbrella: RenderUmbrella) -> None:
    docs = _render(render_umbrella)
    assert not [d for d in docs if d["kind"] == "PersistentVolumeClaim"]
    deployment = one(docs, "Deployment", "prometheus")
    storage = {v["name"]: v for v in deployment["spec"]["template"]["spec"]["volumes"]}["storage"]
    assert storage == {"name": "storage", "emptyDir": {}}
    assert deployment["spec"]["strategy"]["type"] == "RollingUpdate"


def test_pvc_when_persistence_is_enabled(render_umbrella: RenderUmbrella) -> None:
    docs = _render(render_umbrella, {"persistence": {"enabled": True, "storageClass": "oci-bv",
                                                     "size": "50Gi"}})
    pvc = one(docs, "PersistentVolumeClaim", "prometheus")
    assert pvc["metadata"]["namespace"] == "istio-system"
    assert pvc["spec"] == {"accessModes": ["ReadWriteOnce"], "storageClassName": "oci-bv",
                           "resources": {"requests": {"storage": "50Gi"}}}
    deployment = one(docs, "Deployment", "prometheus")
    storage = {v["name"]: v for v in deployment["spec"]["template"]["spec"]["volumes"]}["storage"]
    assert storage["persistentVolumeClaim"] == {"claimName": "prometheus"}
    assert deployment["spec"]["strategy"] == {"type": "Recreate"}


def test_pvc_uses_the_default_storage_class_when_none_is_named(render_umbrella: RenderUmbrella) -> None:
    docs = _render(render_umbrella, {"persistence": {"enabled": True, "storageClass": ""}})
    assert "storageClassName" not in one(docs, "PersistentVolumeClaim", "prometheus")["spec"]


def test_rbac_is_read_only_discovery(render_umbrella: RenderUmbrella) -> None:
    docs = _render(render_umbrella)
    role = one(docs, "ClusterRole", "prometheus")
    verbs = {verb for rule in role["rules"] for verb in rule["verbs"]}
    assert verbs == {"get", "list", "watch"}
    resources = {(group, resource) for rule in role["rules"]
                 for group in rule.get("apiGroups", []) for resource in rule["resources"]}
    assert resources == {("", r) for r in ("nodes", "nodes/metrics", "services",
                                           "endpoints", "pods")} | {
        ("discovery.k8s.io", "endpointslices")}
    assert [r for r in role["rules"] if "nonResourceURLs" in r] == [
        {"nonResourceURLs": ["/metrics"], "verbs": ["get"]}]
    binding = one(docs, "ClusterRoleBinding", "prometheus")
    assert binding["roleRef"] == {"apiGroup": "rbac.authorization.k8s.io",
                                  "kind": "ClusterRole", "name": "prometheus"}
    assert binding["subjects"] == [{"kind": "ServiceAccount", "name": "prometheus",
                                    "namespace": "istio-system"}]
    one(docs, "ServiceAccount", "prometheus")


# --- exposure, namespace, switches, values contract -----------------------------

@pytest.mark.parametrize(("expose", "expected"), [
    ({"mode": "clusterIP", "nodePorts": {"prometheus": 30090}},
     {"type": "ClusterIP"}),
    ({"mode": "nodePort", "nodePorts": {"prometheus": 30090}},
     {"type": "NodePort", "nodePort": 30090}),
    ({"mode": "loadBalancer", "loadBalancerAnnotations": {"oci.oraclecloud.com/x": "y"},
      "loadBalancerSourceRanges": ["203.0.113.0/24"]},
     {"type": "LoadBalancer", "annotations": {"oci.oraclecloud.com/x": "y"},
      "loadBalancerSourceRanges": ["203.0.113.0/24"]}),
])
def test_exposure_modes(render_umbrella: RenderUmbrella, expose: dict[str, Any], expected: dict[str,
                        Any]) -> None:
    docs = render_umbrella({"global": {"expose": expose}})
    service = one(docs, "Service", "prometheus")
    (port,) = service["spec"]["ports"]
    assert (port["name"], port["port"], port["targetPort"]) == ("http", 9090, "http")
    assert service["spec"]["type"] == expected["type"]
    assert port.get("nodePort") == expected.get("nodePort")
    assert service["metadata"].get("annotations") == expected.get("annotations")
    assert service["spec"].get("loadBalancerSourceRanges") == expected.get(
        "loadBalancerSourceRanges")


def test_resources_follow_the_observability_namespace(render_umbrella: RenderUmbrella) -> None:
    docs = render_umbrella({"global": {"observabilityNamespace": "monitoring"},
                            "prometheus": {"persistence": {"enabled": True}}})
    mine = [d for d in docs if d["__source__"].startswith(SOURCE)]
    assert {d["kind"] for d in mine} == {"ServiceAccount", "ConfigMap", "ClusterRole",
                                         "ClusterRoleBinding", "Service", "Deployment",
                                         "PersistentVolumeClaim", "NetworkPolicy"}
    for doc in mine:
        if doc["kind"] not in {"ClusterRole", "ClusterRoleBinding"}:
            assert doc["metadata"]["namespace"] == "monitoring", doc["kind"]
        assert doc["metadata"]["labels"]["app.kubernetes.io/part-of"] == "olympic-lab"
    assert one(docs, "ClusterRoleBinding", "prometheus")["subjects"][0]["namespace"] == \
        "monitoring"


def test_selector_matches_the_pod_template(render_umbrella: RenderUmbrella) -> None:
    docs = _render(render_umbrella)
    selector = one(docs, "Service", "prometheus")["spec"]["selector"]
    deployment = one(docs, "Deployment", "prometheus")
    pod_labels = deployment["spec"]["template"]["metadata"]["labels"]
    assert selector.items() <= pod_labels.items()
    assert deployment["spec"]["selector"]["matchLabels"] == selector
    assert not {"app.kubernetes.io/version", "helm.sh/chart"} & selector.keys()


def test_prometheus_can_be_switched_off(render_umbrella: RenderUmbrella) -> None:
    assert [d for d in render_umbrella({}) if d["__source__"].startswith(SOURCE)]
    docs = render_umbrella({"prometheus": {"enabled": False}})
    assert not [d for d in docs if d["__source__"].startswith(SOURCE)]
    assert [d for d in docs if d["__source__"].startswith("olympic-lab/charts/node-exporter/")]


def test_unknown_values_are_rejected(render_umbrella: RenderUmbrella) -> None:
    with pytest.raises(HelmError, match="retension"):
        _render(render_umbrella, {"retension": "15d"})
    with pytest.raises(HelmError):
        _render(render_umbrella, {"retention": "fifteen days"})


@pytest.mark.parametrize("env_name", ["oke", "kind"])
def test_accepts_what_labgen_writes(render_umbrella: RenderUmbrella, env_name: str) -> None:
    values = chart_values(load_environment(PROJECT, env_name))
    mine = {key: values[key] for key in ("global", "prometheus", "node-exporter")}
    docs = render_umbrella(mine)
    deployment = one(docs, "Deployment", "prometheus")
    pvcs = [d for d in docs if d["kind"] == "PersistentVolumeClaim"]
    assert bool(pvcs) is values["prometheus"]["persistence"]["enabled"]
    (container,) = deployment["spec"]["template"]["spec"]["containers"]
    assert f"--storage.tsdb.retention.time={values['prometheus']['retention']}" in \
        container["args"]


@pytest.mark.parametrize("values", VALID_K8S_CASES)
def test_manifests_are_valid_kubernetes_objects(render_umbrella: RenderUmbrella, values: dict[str,
                                                Any]) -> None:
    """Strict Kubernetes 1.34 schemas (kubernetes-validate): unknown fields are errors."""
    strictly_valid(render_umbrella(values), SOURCE)


def test_kubelet_metrics_are_scraped_directly_without_the_api_proxy(render_umbrella: RenderUmbrella) -> None:
    docs = render_umbrella({})
    config = yaml_docs.load(one(docs, "ConfigMap", "prometheus")["data"]["prometheus.yml"])
    for name, path in (("kubernetes-nodes", None), ("kubernetes-nodes-cadvisor", "/metrics/cadvisor")):
        job = _job(config, name)
        assert job["scheme"] == "https" and job.get("metrics_path") == path
        # The node role's address is the kubelet's; nothing rewrites it to the API server.
        assert all(rule.get("target_label") not in ("__address__", "__metrics_path__")
                   for rule in job["relabel_configs"])
    role = one(docs, "ClusterRole", "prometheus")
    assert not [r for r in role["rules"] if "nodes/proxy" in r.get("resources", [])]
