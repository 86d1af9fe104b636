"""The kiali subchart: RBAC, config wiring, signing key handling, exposure.

Rendered through real Helm. Cross-references are parsed out of the rendered
Kiali ConfigMap and looked up among the rendered Services; the Prometheus and
Grafana Services come from the prometheus and grafana subcharts.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import pytest
from chart_docs import Doc, one, service_port

import yaml_docs
from labgen.chart_values import chart_values
from labgen.environment import load_environment
from labgen.errors import HelmError

if TYPE_CHECKING:
    from conftest import RenderUmbrella

OBS = "istio-system"
STRATEGIES = ("anonymous", "token", "openid", "header")
READ = {"get", "list", "watch"}


def kiali_config(docs: list[Doc]) -> dict[str, Any]:
    config = yaml_docs.load(one(docs, "ConfigMap", "kiali")["data"]["config.yaml"])
    assert isinstance(config, dict)
    return config


def pod_spec(docs: list[Doc]) -> dict[str, Any]:
    spec = one(docs, "Deployment", "kiali")["spec"]["template"]["spec"]
    assert isinstance(spec, dict)
    return spec


# --- Cross-references: every URL names a rendered Service and port -------------------------------

def test_prometheus_url_names_the_prometheus_service(render_umbrella: RenderUmbrella) -> None:
    docs = render_umbrella({})
    url = kiali_config(docs)["external_services"]["prometheus"]["url"]
    assert url == f"http://prometheus.{OBS}:9090"
    _, port = service_port(docs, url)
    assert port["name"] == "http"


def test_grafana_url_names_the_grafana_service(render_umbrella: RenderUmbrella) -> None:
    docs = render_umbrella({})
    grafana = kiali_config(docs)["external_services"]["grafana"]
    assert grafana["enabled"] is True
    assert grafana["internal_url"] == f"http://grafana.{OBS}:3000"
    service_port(docs, grafana["internal_url"])


def test_tracing_url_names_the_grpc_query_port_and_jaeger_base_path(render_umbrella: RenderUmbrella) -> None:
    docs = render_umbrella({})
    tracing = kiali_config(docs)["external_services"]["tracing"]
    assert tracing["enabled"] is True and tracing["provider"] == "jaeger"
    assert tracing["use_grpc"] is True
    _, port = service_port(docs, tracing["internal_url"])
    assert port["name"].startswith("grpc"), "use_grpc needs the gRPC query port"
    jaeger = yaml_docs.load(one(docs, "ConfigMap", "jaeger")["data"]["config.yaml"])
    assert urlsplit(tracing["internal_url"]).path == jaeger["extensions"]["jaeger_query"][
        "base_path"]


def test_a_wrong_service_port_is_caught(render_umbrella: RenderUmbrella) -> None:
    docs = render_umbrella({"kiali": {"externalServices": {"tracing": {"grpcPort": 16687}}}})
    url = kiali_config(docs)["external_services"]["tracing"]["internal_url"]
    with pytest.raises(AssertionError, match="has no port 16687"):
        service_port(docs, url)


def test_config_follows_the_observability_namespace(render_umbrella: RenderUmbrella) -> None:
    docs = render_umbrella({"global": {"observabilityNamespace": "observability"}})
    config = kiali_config(docs)
    assert config["istio_namespace"] == "observability"
    assert config["deployment"]["namespace"] == "observability"
    assert config["external_services"]["prometheus"]["url"] == (
        "http://prometheus.observability:9090")
    assert one(docs, "Deployment", "kiali")["metadata"]["namespace"] == "observability"


def test_kiali_v2_cluster_wide_access_and_web_root(render_umbrella: RenderUmbrella) -> None:
    config = kiali_config(render_umbrella({}))
    assert config["deployment"]["cluster_wide_access"] is True
    assert "accessible_namespaces" not in config["deployment"]  # removed in Kiali v2
    assert config["server"]["web_root"] == "/kiali"
    assert config["server"]["port"] == 20001


# --- Authentication and the signing key ----------------------------------------------------------

@pytest.mark.parametrize("strategy", STRATEGIES)
def test_auth_strategy_follows_the_value(render_umbrella: RenderUmbrella, strategy: str) -> None:
    docs = render_umbrella({"kiali": {"auth": {"strategy": strategy}}})
    config = kiali_config(docs)
    assert config["auth"]["strategy"] == strategy
    assert "login_token" not in config
    mounts = {m["name"]: m["mountPath"] for m in pod_spec(docs)["containers"][0]["volumeMounts"]}
    if strategy == "anonymous":
        assert "login-token-signing-key" not in mounts
    else:
        assert mounts["login-token-signing-key"] == (
            "/kiali-override-secrets/login-token-signing-key")


def test_default_strategy_is_token(render_umbrella: RenderUmbrella) -> None:
    assert kiali_config(render_umbrella({}))["auth"]["strategy"] == "token"


def test_no_signing_key_value_is_ever_rendered(render_umbrella: RenderUmbrella) -> None:
    for strategy in STRATEGIES:
        docs = render_umbrella({"kiali": {"auth": {"strategy": strategy}}})
        text = one(docs, "ConfigMap", "kiali")["data"]["config.yaml"]
        assert "signing_key" not in text and "CHANGEME" not in text
        assert not [d for d in docs if d["kind"] == "Secret"]


def test_signing_key_comes_from_an_existing_secret(render_umbrella: RenderUmbrella) -> None:
    docs = render_umbrella({"kiali": {"loginToken": {"signingKeySecret": {
        "name": "my-key", "key": "signing-key"}}}})
    volume = next(v for v in pod_spec(docs)["volumes"] if v["name"] == "login-token-signing-key")
    assert volume["secret"]["secretName"] == "my-key"
    assert volume["secret"]["items"] == [{"key": "signing-key", "path": "value.txt"}]
    assert volume["secret"].get("optional") is not True


def test_a_hook_job_creates_the_missing_signing_key_secret(render_umbrella: RenderUmbrella) -> None:
    docs = render_umbrella({})
    job = one(docs, "Job", "kiali-signing-key")
    assert job["metadata"]["annotations"]["helm.sh/hook"] == "pre-install,pre-upgrade"
    weights = {d["kind"]: int(d["metadata"]["annotations"]["helm.sh/hook-weight"])
               for d in docs if d["metadata"]["name"] == "kiali-signing-key"}
    assert weights["Role"] < weights["RoleBinding"] < weights["Job"]
    assert weights["ServiceAccount"] < weights["Job"]
    role = one(docs, "Role", "kiali-signing-key")
    assert role["rules"] == [{"apiGroups": [""], "resources": ["secrets"], "verbs": ["create"]}]
    container = job["spec"]["template"]["spec"]["containers"][0]
    env = {e["name"]: e.get("value") for e in container["env"]}
    assert env["SECRET_NAME"] == "kiali-signing-key" and env["SECRET_KEY"] == "value.txt"
    assert env["RANDOM_BYTES"] == "16" and "secrets.token_hex(" in container["args"][0]  # 32 characters
    service = one(docs, "Service", "kiali")
    pod_labels = job["spec"]["template"]["metadata"]["labels"]
    assert not set(service["spec"]["selector"].items()) <= set(pod_labels.items())


@pytest.mark.parametrize("values", [
    {"auth": {"strategy": "anonymous"}},
    {"loginToken": {"generateSecret": {"enabled": False}}},
])
def test_no_hook_job_without_need(render_umbrella: RenderUmbrella, values: dict[str, Any]) -> None:
    docs = render_umbrella({"kiali": values})
    assert not [d for d in docs if d["metadata"]["name"] == "kiali-signing-key"]


@pytest.mark.parametrize("values", [
    {"loginToken": {"signingKey": "0123456789abcdef"}},
    {"login_token": {"signing_key": "0123456789abcdef"}},
    {"auth": {"strategy": "openshift"}},
])
def test_values_schema_refuses_inline_keys_and_unknown_strategies(render_umbrella: RenderUmbrella,
                                                                  values: dict[str, Any]) -> None:
    with pytest.raises(HelmError):
        render_umbrella({"kiali": values})


# --- RBAC ----------------------------------------------------------------------------------------

def _rules(docs: list[Doc]) -> list[dict[str, Any]]:
    rules = one(docs, "ClusterRole", "kiali")["rules"]
    assert isinstance(rules, list)
    return rules


def test_view_only_by_default(render_umbrella: RenderUmbrella) -> None:
    docs = render_umbrella({})
    assert kiali_config(docs)["deployment"]["view_only_mode"] is True
    for rule in _rules(docs):
        extra = set(rule["verbs"]) - READ
        if extra:  # only the login TokenReview and the port-forward subresource
            assert rule["resources"] in (["tokenreviews"], ["pods/portforward"]), rule
    assert not [r for r in _rules(docs) if "secrets" in r["resources"]]


def test_write_verbs_only_when_view_only_mode_is_off(render_umbrella: RenderUmbrella) -> None:
    docs = render_umbrella({"kiali": {"viewOnlyMode": False}})
    assert kiali_config(docs)["deployment"]["view_only_mode"] is False
    istio = next(r for r in _rules(docs) if "networking.istio.io" in r["apiGroups"])
    assert {"create", "delete", "patch"} <= set(istio["verbs"])
    apps = next(r for r in _rules(docs) if r["apiGroups"] == ["apps"])
    assert "patch" in apps["verbs"]


def test_port_forward_is_off_by_default_and_can_be_asked_for(render_umbrella: RenderUmbrella) -> None:
    assert not [r for r in _rules(render_umbrella({})) if "pods/portforward" in r["resources"]]
    docs = render_umbrella({"kiali": {"rbac": {"portForward": True}}})
    assert [r for r in _rules(docs) if "pods/portforward" in r["resources"]]


def test_people_log_in_as_a_read_only_viewer(render_umbrella: RenderUmbrella) -> None:
    docs = render_umbrella({})
    account = one(docs, "ServiceAccount", "kiali-viewer")
    assert account["automountServiceAccountToken"] is False
    binding = one(docs, "ClusterRoleBinding", "kiali-viewer")
    assert binding["roleRef"]["name"] == "kiali-viewer"
    assert binding["subjects"] == [{"kind": "ServiceAccount", "name": "kiali-viewer",
                                    "namespace": OBS}]
    rules = one(docs, "ClusterRole", "kiali-viewer")["rules"]
    assert {verb for rule in rules for verb in rule["verbs"]} == {"get", "list", "watch"}
    resources = {res for rule in rules for res in rule["resources"]}
    assert not resources & {"secrets", "pods/portforward", "pods/exec", "tokenreviews"}
    # Not with the anonymous strategy (nobody logs in), nor when switched off.
    for values in ({"auth": {"strategy": "anonymous"}}, {"loginViewer": {"enabled": False}}):
        assert not [d for d in render_umbrella({"kiali": values})
                    if d["metadata"]["name"] == "kiali-viewer"]


def test_binding_ties_the_service_account_to_the_cluster_role(render_umbrella: RenderUmbrella) -> None:
    docs = render_umbrella({})
    binding = one(docs, "ClusterRoleBinding", "kiali")
    assert binding["roleRef"] == {"apiGroup": "rbac.authorization.k8s.io",
                                  "kind": "ClusterRole", "name": "kiali"}
    assert binding["subjects"] == [{"kind": "ServiceAccount", "name": "kiali", "namespace": OBS}]
    assert one(docs, "ServiceAccount", "kiali")["metadata"]["namespace"] == OBS
    assert pod_spec(docs)["serviceAccountName"] == "kiali"


# --- Deployment and Service ----------------------------------------------------------------------

def test_probes_and_ports(render_umbrella: RenderUmbrella) -> None:
    docs = render_umbrella({})
    container = pod_spec(docs)["containers"][0]
    ports = {p["name"]: p["containerPort"] for p in container["ports"]}
    assert ports == {"api-port": 20001, "http-metrics": 9090}
    for probe in ("readinessProbe", "livenessProbe", "startupProbe"):
        assert container[probe]["httpGet"] == {"path": "/kiali/healthz", "port": "api-port"}
    service = one(docs, "Service", "kiali")
    assert {p["name"]: (p["port"], p["targetPort"]) for p in service["spec"]["ports"]} == {
        "http": (20001, "api-port")}
    metrics = one(docs, "Service", "kiali-metrics")
    assert metrics["spec"]["type"] == "ClusterIP"
    assert {p["name"]: (p["port"], p["targetPort"]) for p in metrics["spec"]["ports"]} == {
        "http-metrics": (9090, "http-metrics")}
    template = one(docs, "Deployment", "kiali")["spec"]["template"]
    assert service["spec"]["selector"].items() <= template["metadata"]["labels"].items()


def test_pod_is_hardened_and_outside_the_mesh(render_umbrella: RenderUmbrella) -> None:
    docs = render_umbrella({})
    template = one(docs, "Deployment", "kiali")["spec"]["template"]
    assert template["metadata"]["annotations"]["sidecar.istio.io/inject"] == "false"
    container = template["spec"]["containers"][0]
    assert template["spec"]["securityContext"]["runAsNonRoot"] is True
    assert container["securityContext"]["readOnlyRootFilesystem"] is True
    assert container["securityContext"]["allowPrivilegeEscalation"] is False
    assert container["resources"]["requests"]


def test_image_tag_is_pinned_to_the_chart_app_version(render_umbrella: RenderUmbrella,
                                                      project_root: Path) -> None:
    chart = yaml_docs.load((project_root / "charts/olympic-lab/charts/kiali/Chart.yaml")
                           .read_text())
    assert chart["appVersion"].startswith("v2.")
    image = pod_spec(render_umbrella({}))["containers"][0]["image"]
    assert image == f"quay.io/kiali/kiali:{chart['appVersion']}"


# --- Exposure ------------------------------------------------------------------------------------

def test_kiali_is_cluster_ip_by_default(render_umbrella: RenderUmbrella) -> None:
    service = one(render_umbrella({}), "Service", "kiali")
    assert service["spec"]["type"] == "ClusterIP"
    assert "annotations" not in service["metadata"]


def test_kiali_gets_its_fixed_node_port(render_umbrella: RenderUmbrella) -> None:
    docs = render_umbrella({"global": {"expose": {"mode": "nodePort",
                                                  "nodePorts": {"kiali": 30201}}}})
    service = one(docs, "Service", "kiali")
    ports = {p["name"]: p for p in service["spec"]["ports"]}
    assert service["spec"]["type"] == "NodePort"
    assert ports["http"]["nodePort"] == 30201
    assert list(ports) == ["http"]  # the UI port only; metrics stay on kiali-metrics
    assert one(docs, "Service", "kiali-metrics")["spec"]["type"] == "ClusterIP"


def test_kiali_load_balancer(render_umbrella: RenderUmbrella) -> None:
    shape = {"service.beta.kubernetes.io/oci-load-balancer-shape": "flexible"}
    docs = render_umbrella({"global": {"expose": {
        "mode": "loadBalancer", "loadBalancerAnnotations": shape,
        "loadBalancerSourceRanges": ["198.51.100.7/32"]}}})
    service = one(docs, "Service", "kiali")
    assert service["spec"]["type"] == "LoadBalancer"
    assert service["spec"]["loadBalancerSourceRanges"] == ["198.51.100.7/32"]
    assert service["metadata"]["annotations"] == shape


# --- Switches and the values contract ------------------------------------------------------------

def test_kiali_can_be_switched_off(render_umbrella: RenderUmbrella) -> None:
    docs = render_umbrella({"kiali": {"enabled": False}})
    assert not [d for d in docs if d["__source__"].startswith("olympic-lab/charts/kiali/")]
    assert not [d for d in docs if d["metadata"]["name"] == "kiali"]


@pytest.mark.parametrize("env", ["oke", "kind"])
def test_accepts_what_labgen_writes(render_umbrella: RenderUmbrella, project_root: Path, env: str) -> None:
    written = chart_values(load_environment(project_root, env))
    docs = render_umbrella({"global": written["global"], "kiali": written["kiali"]})
    assert kiali_config(docs)["auth"]["strategy"] == written["kiali"]["auth"]["strategy"]
