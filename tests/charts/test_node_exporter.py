"""The node-exporter subchart, rendered through real Helm (the umbrella chart)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from chart_docs import Doc, one, strictly_valid

import yaml_docs
from labgen.chart_values import chart_values
from labgen.environment import load_environment

if TYPE_CHECKING:
    from conftest import RenderUmbrella

PROJECT = Path(__file__).resolve().parents[2]
SOURCE = "olympic-lab/charts/node-exporter/"
VALID_K8S_CASES = [{}, {"node-exporter": {"rootfs": {"enabled": False}}}]


def _pod(docs: list[Doc]) -> dict[str, Any]:
    return dict(one(docs, "DaemonSet", "node-exporter")["spec"]["template"])


def _render(render_umbrella: RenderUmbrella, values: dict[str, Any] | None = None) -> list[Doc]:
    return render_umbrella({"node-exporter": values or {}})


def test_runs_non_root_with_a_read_only_root(render_umbrella: RenderUmbrella) -> None:
    pod = _pod(_render(render_umbrella))["spec"]
    assert pod["securityContext"]["runAsUser"] == 65534
    assert pod["securityContext"]["runAsGroup"] == 65534
    assert pod["securityContext"]["runAsNonRoot"] is True
    (container,) = pod["containers"]
    context = container["securityContext"]
    assert context["readOnlyRootFilesystem"] is True
    assert context["allowPrivilegeEscalation"] is False
    assert context["capabilities"] == {"drop": ["ALL"]}
    assert "privileged" not in context
    assert container["resources"]["requests"] and container["resources"]["limits"]


def test_host_namespaces_and_port(render_umbrella: RenderUmbrella) -> None:
    pod = _pod(_render(render_umbrella))["spec"]
    assert pod["hostNetwork"] is True
    assert pod["hostPID"] is True
    (container,) = pod["containers"]
    assert container["ports"] == [{"name": "metrics", "containerPort": 9100, "hostPort": 9100,
                                   "protocol": "TCP"}]
    for probe in ("livenessProbe", "readinessProbe"):
        assert container[probe]["httpGet"] == {"path": "/", "port": 9100}
    assert pod["tolerations"] == [{"operator": "Exists"}]


def test_host_mounts_are_read_only_and_match_the_flags(render_umbrella: RenderUmbrella) -> None:
    pod = _pod(_render(render_umbrella))["spec"]
    (container,) = pod["containers"]
    volumes = {v["name"]: v for v in pod["volumes"]}
    mounts = {m["mountPath"]: m for m in container["volumeMounts"]}
    assert all(m["readOnly"] is True for m in mounts.values())
    host_paths = {path: volumes[m["name"]]["hostPath"]["path"] for path, m in mounts.items()}
    assert host_paths == {"/host/proc": "/proc", "/host/sys": "/sys", "/host/root": "/"}
    flags = dict(arg.split("=", 1) for arg in container["args"] if arg.startswith("--path."))
    assert flags == {"--path.procfs": "/host/proc", "--path.sysfs": "/host/sys",
                     "--path.rootfs": "/host/root"}


def test_rootfs_mount_is_optional(render_umbrella: RenderUmbrella) -> None:
    pod = _pod(_render(render_umbrella, {"rootfs": {"enabled": False}}))["spec"]
    (container,) = pod["containers"]
    assert {m["mountPath"] for m in container["volumeMounts"]} == {"/host/proc", "/host/sys"}
    assert {v["hostPath"]["path"] for v in pod["volumes"]} == {"/proc", "/sys"}
    assert not [a for a in container["args"] if a.startswith("--path.rootfs")]


def test_headless_service_is_annotated_for_scraping(render_umbrella: RenderUmbrella) -> None:
    docs = _render(render_umbrella)
    service = one(docs, "Service", "node-exporter")
    assert service["metadata"]["annotations"] == {"prometheus.io/scrape": "true"}
    assert service["spec"]["clusterIP"] == "None"
    assert service["spec"]["ports"] == [{"name": "metrics", "port": 9100,
                                         "targetPort": "metrics", "protocol": "TCP"}]
    pod = _pod(docs)
    assert service["spec"]["selector"].items() <= pod["metadata"]["labels"].items()
    daemonset = one(docs, "DaemonSet", "node-exporter")
    assert daemonset["spec"]["selector"]["matchLabels"] == service["spec"]["selector"]
    assert pod["spec"]["serviceAccountName"] == "node-exporter"
    assert one(docs, "ServiceAccount", "node-exporter")["automountServiceAccountToken"] is False


def test_image_tag_matches_the_chart_app_version(render_umbrella: RenderUmbrella) -> None:
    (container,) = _pod(_render(render_umbrella))["spec"]["containers"]
    chart_file = PROJECT / "charts/olympic-lab/charts/node-exporter/Chart.yaml"
    chart = yaml_docs.load(chart_file.read_text(encoding="utf-8"))
    assert container["image"] == f"quay.io/prometheus/node-exporter:v{chart['appVersion']}"


def test_resources_follow_the_observability_namespace(render_umbrella: RenderUmbrella) -> None:
    docs = render_umbrella({"global": {"observabilityNamespace": "monitoring"}})
    mine = [d for d in docs if d["__source__"].startswith(SOURCE)]
    assert sorted(d["kind"] for d in mine) == ["DaemonSet", "NetworkPolicy", "Service",
                                                "ServiceAccount"]
    assert {d["metadata"]["namespace"] for d in mine} == {"monitoring"}
    assert {d["metadata"]["labels"]["app.kubernetes.io/name"] for d in mine} == {"node-exporter"}


def test_node_exporter_can_be_switched_off(render_umbrella: RenderUmbrella) -> None:
    assert [d for d in render_umbrella({}) if d["__source__"].startswith(SOURCE)]
    docs = render_umbrella({"node-exporter": {"enabled": False}})
    assert not [d for d in docs if d["__source__"].startswith(SOURCE)]
    assert [d for d in docs if d["__source__"].startswith("olympic-lab/charts/prometheus/")]


@pytest.mark.parametrize("env_name", ["oke", "kind"])
def test_accepts_what_labgen_writes(render_umbrella: RenderUmbrella, env_name: str) -> None:
    values = chart_values(load_environment(PROJECT, env_name))
    docs = render_umbrella({"global": values["global"],
                            "node-exporter": values["node-exporter"]})
    one(docs, "DaemonSet", "node-exporter")


@pytest.mark.parametrize("values", VALID_K8S_CASES)
def test_manifests_are_valid_kubernetes_objects(render_umbrella: RenderUmbrella, values: dict[str,
                                                Any]) -> None:
    """Strict Kubernetes 1.34 schemas (kubernetes-validate): unknown fields are errors."""
    strictly_valid(render_umbrella(values), SOURCE)
