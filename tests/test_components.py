"""The component registry is the one declaration of each component: the umbrella chart's
dependencies, the environment model and the chart values all follow it."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import TYPE_CHECKING

import yaml_docs
from labgen.components import COMPONENTS, node_port_services, uis
from labgen.env_model import NODE_PORT_SERVICES, Components
from labgen.typed_config import camel

if TYPE_CHECKING:
    from conftest import WorkspaceFactory


def test_every_subchart_of_the_umbrella_is_a_component(project_root: Path) -> None:
    chart = yaml_docs.load((project_root / "charts/olympic-lab/Chart.yaml").read_text())
    conditions = {dep["name"]: dep.get("condition") for dep in chart["dependencies"]}
    libraries = {name for name, condition in conditions.items() if condition is None}
    assert libraries == {"olympic-common"}  # the library chart is no component
    assert {name for name in conditions if name not in libraries} == {c.chart for c in COMPONENTS}
    for component in COMPONENTS:
        assert conditions[component.chart] == f"{component.chart}.enabled"


def test_the_environment_model_switches_exactly_the_components() -> None:
    assert [f.name for f in dataclasses.fields(Components)] == [c.key for c in COMPONENTS]
    assert NODE_PORT_SERVICES == node_port_services() == ("prometheus", "grafana", "kiali", "tracing")
    assert [camel(c.key) for c in COMPONENTS][-2:] == ["logShipper", "nodeExporter"]


def test_chart_values_switch_every_subchart(rendered_template: Path) -> None:
    values = yaml_docs.load((rendered_template / "gitops/kind/values.yaml").read_text())
    assert {c.chart for c in COMPONENTS} <= set(values)
    assert all(values[c.chart]["enabled"] is True for c in COMPONENTS)


def test_each_ui_is_a_service_of_the_chart_with_its_port(rendered_template: Path,
                                                         workspace: WorkspaceFactory) -> None:
    rendered = workspace(rendered_template).rendered("kind")
    ports = {(doc.name, port.get("port")) for doc in rendered.manifests if doc.kind == "Service"
             for port in doc.body["spec"].get("ports", [])}
    for component, ui in uis():
        assert (ui.service, ui.port) in ports, f"{component.key}: no Service {ui.service}:{ui.port}"
    endpoints = {c.endpoint.removeprefix("http://") for c in COMPONENTS if c.endpoint}
    for address in endpoints:
        name, port = address.split(":")
        assert (name, int(port)) in ports, f"no Service behind {address}"
