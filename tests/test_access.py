"""labgen access: how a person reaches each UI of an environment."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from conftest import Invoke


def test_oke_uses_the_fixed_node_ports_and_warns(run: Invoke, project_root: Path) -> None:
    result = run("access", "--env", "oke", "--root", str(project_root))
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert "Grafana: http://<node-ip>:30300/" in lines
    assert "Kiali: http://<node-ip>:30201/kiali" in lines
    assert "Jaeger: http://<node-ip>:30686/jaeger" in lines
    assert "Prometheus: http://<node-ip>:30090/" in lines
    assert "Olympic app: http://<external-ip>/" in lines
    assert "30000-65535" in result.stderr


def test_kind_uses_port_forward_without_clashing_ports(run: Invoke, project_root: Path) -> None:
    result = run("access", "--env", "kind", "--root", str(project_root))
    assert result.exit_code == 0
    forwards = [line.strip() for line in result.stdout.splitlines() if "port-forward" in line]
    assert "kubectl -n istio-system port-forward svc/grafana 3000:3000" in forwards
    assert "kubectl -n istio-system port-forward svc/tracing 16686:80" in forwards
    local_ports = [line.rsplit(" ", 1)[1].split(":")[0] for line in forwards]
    assert len(local_ports) == len(set(local_ports)) == 5
    assert result.stderr == ""


def test_workshop_lists_every_participant_with_its_own_ports(run: Invoke, project_root: Path) -> None:
    result = run("access", "--env", "workshop", "--root", str(project_root))
    assert result.exit_code == 0
    headers = [line for line in result.stdout.splitlines() if line.startswith("team-")]
    assert len(headers) == 30
    block = result.stdout.split("team-02 (")[1].split("team-03 (")[0]
    assert "Grafana: http://<node-ip>:31300/" in block
    assert "Grafana: http://<node-ip>:30300/" in result.stdout.split("team-02 (")[0]
