"""``promtool check config`` (Prometheus v3.14.0, built from the pinned module) on the
Prometheus configuration each environment renders."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from e2e_cluster import ENVIRONMENTS, require_binary

from labgen.render import RenderedEnvironment


def prometheus_configs(rendered: RenderedEnvironment) -> dict[str, str]:
    """``prometheus.yml`` of the ConfigMap ``prometheus``, per cluster (one for a single cluster)."""
    sets = rendered.participants or {rendered.env.name: rendered.manifests}
    configs = {}
    for cluster, docs in sets.items():
        for doc in docs:
            if doc.kind == "ConfigMap" and doc.name == "prometheus":
                configs[cluster] = str(doc.body["data"]["prometheus.yml"])
    return configs


SERVICE_ACCOUNT = "/var/run/secrets/kubernetes.io/serviceaccount/"


def check_config(promtool: Path, config: str, folder: Path) -> subprocess.CompletedProcess[str]:
    """promtool's full check, files included: the service-account files a pod has mounted
    (token, ca.crt) are put in ``folder`` and the configuration points there."""
    mount = folder / "serviceaccount"
    mount.mkdir(exist_ok=True)
    (mount / "token").write_text("e2e-token\n")
    (mount / "ca.crt").write_text("e2e placeholder: promtool checks that the file exists\n")
    path = folder / "prometheus.yml"
    path.write_text(config.replace(SERVICE_ACCOUNT, f"{mount}/"))
    return subprocess.run([str(promtool), "check", "config", str(path)], capture_output=True,
                          text=True, timeout=60)


@pytest.mark.parametrize("name", ENVIRONMENTS)
def test_rendered_prometheus_config_passes_promtool(
        name: str, rendered_envs: dict[str, RenderedEnvironment], tmp_path: Path) -> None:
    promtool = require_binary("promtool")
    configs = prometheus_configs(rendered_envs[name])
    assert configs, f"{name}: no ConfigMap prometheus rendered"
    for cluster, config in sorted(set(configs.items()), key=lambda item: item[1]):
        result = check_config(promtool, config, tmp_path)
        assert result.returncode == 0, f"{name}/{cluster}:\n{result.stdout}{result.stderr}"
        assert "SUCCESS" in result.stdout + result.stderr


def test_promtool_refuses_a_broken_config(rendered_envs: dict[str, RenderedEnvironment],
                                          tmp_path: Path) -> None:
    """The same check fails on the oke configuration with one scrape interval made invalid."""
    promtool = require_binary("promtool")
    config = prometheus_configs(rendered_envs["oke"])["oke"]
    broken = config.replace("scrape_configs:", "scrape_configs:\n  - job_name: broken\n"
                            "    scrape_interval: every-now-and-then", 1)
    assert broken != config
    result = check_config(promtool, broken, tmp_path)
    assert result.returncode != 0
    assert "every-now-and-then" in result.stdout + result.stderr
