"""The grafana subchart, rendered through real Helm (the umbrella chart)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import pytest
from chart_docs import Doc, one, strictly_valid

import yaml_docs
from labgen.chart_values import chart_values
from labgen.environment import load_environment
from labgen.errors import HelmError

if TYPE_CHECKING:
    from conftest import RenderUmbrella

PROJECT = Path(__file__).resolve().parents[2]
SUBCHARTS = PROJECT / "charts" / "olympic-lab" / "charts"
SOURCE = "olympic-lab/charts/grafana/"
VALID_K8S_CASES = [
    {},
    {"grafana": {"anonymous": {"enabled": True}, "admin": {"existingSecret": "grafana-admin"}},
     "global": {"expose": {"mode": "nodePort", "nodePorts": {"grafana": 30300}}}},
]

# Services the jaeger and loki charts (another engineer's) must render, in the
# observability namespace, by fixed name -> ports.
SERVICES_EXPECTED_FROM_OTHER_CHARTS: dict[str, set[int]] = {
    "tracing": {80, 16685},
    "zipkin": {9411},
    "loki": {3100},
    "kiali": {20001},
}
PANEL_QUERIES = {
    "Available memory per node":
        "sum by (kubernetes_node) (node_memory_MemAvailable_bytes)",
    "Available memory, all nodes":
        "sum without (instance, kubernetes_node) (node_memory_MemAvailable_bytes)",
    "backend-app request rate by version":
        'sum by (destination_version) (rate(istio_requests_total{destination_service_name='
        '"backend-app",reporter="destination"}[1m]))',
}


def _grafana(render_umbrella: RenderUmbrella, values: dict[str, Any] | None = None) -> list[Doc]:
    return render_umbrella({"grafana": values or {}})


def _datasources(docs: list[Doc]) -> list[dict[str, Any]]:
    provisioning = yaml_docs.load(one(docs, "ConfigMap", "grafana")["data"]["datasources.yaml"])
    assert provisioning["apiVersion"] == 1
    return list(provisioning["datasources"])


def _container(docs: list[Doc]) -> dict[str, Any]:
    (container,) = one(docs, "Deployment", "grafana")["spec"]["template"]["spec"]["containers"]
    return dict(container)


def _env(docs: list[Doc]) -> dict[str, Any]:
    return {e["name"]: e.get("value", e.get("valueFrom")) for e in _container(docs)["env"]}


def _services(docs: list[Doc], namespace: str) -> dict[str, set[int]]:
    return {d["metadata"]["name"]: {p["port"] for p in d["spec"]["ports"]}
            for d in docs if d["kind"] == "Service" and d["metadata"]["namespace"] == namespace}


def _url_target(url: str) -> tuple[str, int]:
    parts = urlsplit(url)
    assert parts.hostname and "." not in parts.hostname, f"{url}: not a same-namespace Service"
    return parts.hostname, parts.port or (443 if parts.scheme == "https" else 80)


def _other_charts_render_services() -> bool:
    return all((SUBCHARTS / name / "templates").is_dir() for name in ("jaeger", "loki"))


# --- datasources --------------------------------------------------------------

def test_datasources_are_provisioned_with_fixed_uids(render_umbrella: RenderUmbrella) -> None:
    by_name = {ds["name"]: ds for ds in _datasources(_grafana(render_umbrella))}
    assert set(by_name) == {"Prometheus", "Loki", "Jaeger"}
    assert {(n, ds["type"], ds["uid"], ds["url"]) for n, ds in by_name.items()} == {
        ("Prometheus", "prometheus", "prometheus", "http://prometheus:9090"),
        ("Loki", "loki", "loki", "http://loki:3100"),
        ("Jaeger", "jaeger", "jaeger", "http://tracing:80/jaeger"),
    }
    assert [n for n, ds in by_name.items() if ds.get("isDefault")] == ["Prometheus"]
    assert by_name["Loki"]["jsonData"]["maxLines"] == 1000
    assert all(ds["access"] == "proxy" for ds in by_name.values())


@pytest.mark.xfail(not _other_charts_render_services(), strict=True,
                   reason="the jaeger and loki subcharts are still stubs: no tracing/loki "
                          "Service is rendered yet (the variant below checks the expected names)")
def test_every_datasource_url_names_a_rendered_service(render_umbrella: RenderUmbrella) -> None:
    docs = render_umbrella({})
    services = _services(docs, "istio-system")
    for datasource in _datasources(docs):
        host, port = _url_target(datasource["url"])
        assert port in services.get(host, set()), (
            f"datasource {datasource['name']} -> {host}:{port}: no such Service port")


def test_every_datasource_url_names_a_rendered_or_expected_service(render_umbrella: RenderUmbrella) -> None:
    docs = render_umbrella({})
    services = _services(docs, "istio-system")
    assert services["prometheus"] == {9090}
    for datasource in _datasources(docs):
        host, port = _url_target(datasource["url"])
        known = services.get(host, set()) | SERVICES_EXPECTED_FROM_OTHER_CHARTS.get(host, set())
        assert port in known, f"datasource {datasource['name']} -> {host}:{port}: unknown"


# --- the lab dashboard ----------------------------------------------------------

def test_lab_dashboard_parses_and_has_the_lab_queries(render_umbrella: RenderUmbrella) -> None:
    docs = _grafana(render_umbrella)
    configmap = one(docs, "ConfigMap", "grafana-dashboards-olympic-lab")
    dashboard = json.loads(configmap["data"]["olympic-lab.json"])
    assert dashboard["uid"] == "olympic-lab"
    queries = {panel["title"]: [t["expr"] for t in panel["targets"]]
               for panel in dashboard["panels"]}
    assert queries == {title: [expr] for title, expr in PANEL_QUERIES.items()}
    uids = {ds["uid"] for ds in _datasources(docs) if ds["type"] == "prometheus"}
    for panel in dashboard["panels"]:
        assert panel["datasource"]["uid"] in uids
        assert all(t["datasource"]["uid"] in uids for t in panel["targets"])
    ids = [panel["id"] for panel in dashboard["panels"]]
    assert len(set(ids)) == len(ids)


def test_provisioning_files_are_mounted_where_grafana_reads_them(render_umbrella: RenderUmbrella) -> None:
    docs = _grafana(render_umbrella)
    config = one(docs, "ConfigMap", "grafana")
    providers = yaml_docs.load(config["data"]["dashboardproviders.yaml"])["providers"]
    pod = one(docs, "Deployment", "grafana")["spec"]["template"]["spec"]
    volumes = {v["name"]: v for v in pod["volumes"]}
    mounts = {m["mountPath"]: m for m in _container(docs)["volumeMounts"]}
    assert [p["options"]["path"] for p in providers] == ["/etc/grafana/dashboards/olympic-lab"]
    dashboards = mounts["/etc/grafana/dashboards/olympic-lab"]
    assert volumes[dashboards["name"]]["configMap"]["name"] == "grafana-dashboards-olympic-lab"
    for path, key in (("/etc/grafana/grafana.ini", "grafana.ini"),
                      ("/etc/grafana/provisioning/datasources/datasources.yaml",
                       "datasources.yaml"),
                      ("/etc/grafana/provisioning/dashboards/dashboardproviders.yaml",
                       "dashboardproviders.yaml")):
        assert mounts[path]["subPath"] == key and key in config["data"]
        assert volumes[mounts[path]["name"]]["configMap"]["name"] == "grafana"
    assert volumes[mounts["/var/lib/grafana"]["name"]] == {"name": "storage", "emptyDir": {}}


@pytest.mark.helm_each_time  # the second render must be Helm's own
def test_provisioning_checksum_is_deterministic_and_follows_the_config(
        render_umbrella: RenderUmbrella) -> None:
    def checksum(values: dict[str, Any]) -> str:
        deployment = one(_grafana(render_umbrella, values), "Deployment", "grafana")
        return str(deployment["spec"]["template"]["metadata"]["annotations"]
                   ["checksum/provisioning"])

    first = checksum({})
    assert re.fullmatch(r"[0-9a-f]{64}", first)
    assert checksum({}) == first
    assert checksum({"datasources": {"loki": {"maxLines": 5000}}}) != first


# --- access -------------------------------------------------------------------

@pytest.mark.parametrize(("anonymous", "expected"), [
    (None, {"GF_AUTH_ANONYMOUS_ENABLED": "false"}),
    ({"enabled": False, "role": "Admin"}, {"GF_AUTH_ANONYMOUS_ENABLED": "false"}),
    ({"enabled": True}, {"GF_AUTH_ANONYMOUS_ENABLED": "true",
                         "GF_AUTH_ANONYMOUS_ORG_ROLE": "Viewer"}),
    ({"enabled": True, "role": "Editor"}, {"GF_AUTH_ANONYMOUS_ENABLED": "true",
                                           "GF_AUTH_ANONYMOUS_ORG_ROLE": "Editor"}),
    ({"enabled": True, "role": "Admin"}, {"GF_AUTH_ANONYMOUS_ENABLED": "true",
                                          "GF_AUTH_ANONYMOUS_ORG_ROLE": "Admin"}),
])
def test_anonymous_access(render_umbrella: RenderUmbrella, anonymous: dict[str, Any] | None,
                          expected: dict[str, Any]) -> None:
    values = {} if anonymous is None else {"anonymous": anonymous}
    env = _env(_grafana(render_umbrella, values))
    assert {k: v for k, v in env.items() if k.startswith("GF_AUTH_ANONYMOUS")} == expected


def test_anonymous_role_must_be_a_grafana_role(render_umbrella: RenderUmbrella) -> None:
    with pytest.raises(HelmError, match="role"):
        _grafana(render_umbrella, {"anonymous": {"enabled": True, "role": "admin"}})


def _admin_volume(docs: list[Doc]) -> tuple[Doc, Doc]:
    pod = one(docs, "Deployment", "grafana")["spec"]["template"]["spec"]
    [mount] = [m for m in pod["containers"][0]["volumeMounts"] if m["name"] == "admin"]
    [volume] = [v for v in pod["volumes"] if v["name"] == "admin"]
    return mount, volume["secret"]


def test_no_admin_password_is_rendered_and_none_is_admin(render_umbrella: RenderUmbrella) -> None:
    docs = _grafana(render_umbrella)
    assert not [d for d in docs if d["kind"] == "Secret"]
    env = _env(docs)
    assert "GF_SECURITY_ADMIN_PASSWORD" not in env and "GF_SECURITY_ADMIN_USER" not in env
    mount, secret = _admin_volume(docs)
    assert mount["readOnly"] is True
    assert env["GF_SECURITY_ADMIN_USER__FILE"] == mount["mountPath"] + "/user"
    assert env["GF_SECURITY_ADMIN_PASSWORD__FILE"] == mount["mountPath"] + "/password"
    assert secret["secretName"] == "grafana-admin" and secret.get("optional") is not True
    assert secret["items"] == [{"key": "user", "path": "user"},
                               {"key": "password", "path": "password"}]


def test_a_hook_job_generates_the_admin_password_in_the_cluster(render_umbrella: RenderUmbrella) -> None:
    docs = _grafana(render_umbrella)
    job = one(docs, "Job", "grafana-admin-secret")
    assert job["metadata"]["annotations"]["helm.sh/hook"] == "pre-install,pre-upgrade"
    container = job["spec"]["template"]["spec"]["containers"][0]
    env = {e["name"]: e.get("value") for e in container["env"]}
    assert env["SECRET_NAME"] == "grafana-admin"
    assert (env["SECRET_KEY"], env["RANDOM_BYTES"]) == ("password", "20")
    assert (env["FIXED_KEY"], env["FIXED_VALUE"]) == ("user", "admin")
    assert "secrets.token_hex(" in container["args"][0]
    role = one(docs, "Role", "grafana-admin-secret")
    assert role["rules"] == [{"apiGroups": [""], "resources": ["secrets"], "verbs": ["create"]}]
    service = one(docs, "Service", "grafana")
    pod_labels = job["spec"]["template"]["metadata"]["labels"]
    assert not set(service["spec"]["selector"].items()) <= set(pod_labels.items())


def test_admin_login_comes_from_an_existing_secret(render_umbrella: RenderUmbrella) -> None:
    docs = _grafana(render_umbrella, {"admin": {"existingSecret": "my-login",
                                                "userKey": "u", "passwordKey": "p"}})
    _mount, secret = _admin_volume(docs)
    assert secret["secretName"] == "my-login"
    assert secret["items"] == [{"key": "u", "path": "user"}, {"key": "p", "path": "password"}]
    assert not [d for d in docs if d["kind"] == "Secret" or d["metadata"]["name"] == "grafana-admin-secret"]


def test_no_secret_and_no_generator_is_refused(render_umbrella: RenderUmbrella) -> None:
    with pytest.raises(HelmError, match="existingSecret"):
        _grafana(render_umbrella, {"admin": {"generateSecret": {"enabled": False}}})


# --- the Deployment, exposure, switches, values contract ------------------------

def test_deployment_is_hardened_with_probes(render_umbrella: RenderUmbrella) -> None:
    docs = _grafana(render_umbrella)
    pod = one(docs, "Deployment", "grafana")["spec"]["template"]
    assert pod["metadata"]["annotations"]["sidecar.istio.io/inject"] == "false"
    context = pod["spec"]["securityContext"]
    assert (context["runAsUser"], context["runAsGroup"], context["fsGroup"]) == (472, 472, 472)
    assert context["runAsNonRoot"] is True
    container = _container(docs)
    assert container["securityContext"]["allowPrivilegeEscalation"] is False
    assert container["securityContext"]["capabilities"] == {"drop": ["ALL"]}
    for probe in ("readinessProbe", "livenessProbe"):
        assert container[probe]["httpGet"] == {"path": "/api/health", "port": "http"}
    assert container["resources"]["limits"]["memory"]
    chart = yaml_docs.load((SUBCHARTS / "grafana" / "Chart.yaml").read_text(encoding="utf-8"))
    assert container["image"].rsplit(":", 1)[1] == chart["appVersion"]
    service = one(docs, "Service", "grafana")
    assert service["spec"]["selector"].items() <= pod["metadata"]["labels"].items()


@pytest.mark.parametrize(("expose", "expected"), [
    ({"mode": "clusterIP", "nodePorts": {"grafana": 30300}}, {"type": "ClusterIP"}),
    ({"mode": "nodePort", "nodePorts": {"grafana": 30300, "prometheus": 30090}},
     {"type": "NodePort", "nodePort": 30300}),
    ({"mode": "loadBalancer",
      "loadBalancerAnnotations": {"service.beta.kubernetes.io/oci-load-balancer-shape":
                                  "flexible"}},
     {"type": "LoadBalancer",
      "annotations": {"service.beta.kubernetes.io/oci-load-balancer-shape": "flexible"}}),
])
def test_exposure_modes(render_umbrella: RenderUmbrella, expose: dict[str, Any], expected: dict[str,
                        Any]) -> None:
    service = one(render_umbrella({"global": {"expose": expose}}), "Service", "grafana")
    (port,) = service["spec"]["ports"]
    assert (port["name"], port["port"], port["targetPort"]) == ("http", 3000, "http")
    assert service["spec"]["type"] == expected["type"]
    assert port.get("nodePort") == expected.get("nodePort")
    assert service["metadata"].get("annotations") == expected.get("annotations")


def test_resources_follow_the_observability_namespace(render_umbrella: RenderUmbrella) -> None:
    docs = render_umbrella({"global": {"observabilityNamespace": "monitoring"}})
    mine = [d for d in docs if d["__source__"].startswith(SOURCE)]
    assert sorted(d["kind"] for d in mine) == ["ConfigMap", "ConfigMap", "Deployment", "Job",
                                                "NetworkPolicy",
                                                "Role", "RoleBinding", "Service",
                                                "ServiceAccount", "ServiceAccount"]
    assert {d["metadata"]["namespace"] for d in mine} == {"monitoring"}


def test_grafana_can_be_switched_off(render_umbrella: RenderUmbrella) -> None:
    assert [d for d in render_umbrella({}) if d["__source__"].startswith(SOURCE)]
    docs = render_umbrella({"grafana": {"enabled": False}})
    assert not [d for d in docs if d["__source__"].startswith(SOURCE)]
    assert [d for d in docs if d["__source__"].startswith("olympic-lab/charts/prometheus/")]


@pytest.mark.parametrize("env_name", ["oke", "kind"])
def test_accepts_what_labgen_writes(render_umbrella: RenderUmbrella, env_name: str) -> None:
    values = chart_values(load_environment(PROJECT, env_name))
    docs = render_umbrella({"global": values["global"], "grafana": values["grafana"]})
    env = _env(docs)
    assert env["GF_AUTH_ANONYMOUS_ENABLED"] == str(
        values["grafana"]["anonymous"]["enabled"]).lower()


@pytest.mark.parametrize("values", VALID_K8S_CASES)
def test_manifests_are_valid_kubernetes_objects(render_umbrella: RenderUmbrella, values: dict[str,
                                                Any]) -> None:
    """Strict Kubernetes 1.34 schemas (kubernetes-validate): unknown fields are errors."""
    strictly_valid(render_umbrella(values), SOURCE)
