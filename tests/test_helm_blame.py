"""A chart's refusal is blamed on the environment key that set the value (labgen.helm_blame).

The real cases are ``helmValues`` (JSON data the model accepts and passes to the chart as
written): a values.schema.json violation, a template ``fail``. Every other chart value comes
from a model key, and a hypothesis property shows the model refuses whatever the chart would
refuse there: environments the model accepts, their leaves drawn from the model's own schema
(bounds, patterns, enums), always render.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from labgen.chart_values import CHART_PATH, RELEASE_NAME, chart_values
from labgen.env_model import EnvironmentFile
from labgen.environment import environment_from_layers, load_layers
from labgen.errors import HelmError, InputError
from labgen.helm_blame import SOURCES, failing_path, source_key
from labgen.typed_config import deep_merge, json_schema

if TYPE_CHECKING:
    from conftest import Invoke
    from labgen.helm_engine import EmbeddedHelm


def _with(lab: Path, text: str, name: str = "kind") -> Path:
    path = lab / "environments" / f"{name}.yaml"
    path.write_text(path.read_text() + text)
    return path


def _line_of(path: Path, needle: str) -> int:
    return next(n for n, line in enumerate(path.read_text().splitlines(), 1) if needle in line)


@pytest.mark.parametrize(("text", "needle", "key", "what", "values_path"), [
    ("helmValues:\n  olympic-apps:\n    frontend:\n      replicas: two\n", "replicas: two",
     "helmValues.olympic-apps.frontend.replicas", "got string, want integer",
     "olympic-apps.frontend.replicas"),
    ("helmValues:\n  traffic:\n    virtualService:\n      weights: {v1: 50}\n", "weights:",
     "helmValues.traffic.virtualService.weights", "weights sum to 70, not 100",
     "traffic.virtualService.weights"),
    ("helmValues:\n  grafana:\n    admin:\n      generateSecret: {enabled: false}\n", "admin:",
     "helmValues.grafana.admin", "set existingSecret to a Secret with the admin login, or keep "
     "generateSecret.enabled", "grafana.admin"),
    ("helmValues:\n  global:\n    platform: 7\n", "platform: 7", "helmValues.global.platform",
     "value must be one of 'oke', 'kind', 'generic'", "global.platform"),
])
def test_a_chart_refusal_names_the_environment_file_line_and_key(
        lab: Path, run: Invoke, text: str, needle: str, key: str, what: str,
        values_path: str) -> None:
    env_file = _with(lab, text)
    result = run("render", "--env", "kind", "--root", str(lab))
    assert result.exit_code == 2
    line = _line_of(env_file, needle)
    assert result.stderr == (
        f"error: environments/kind.yaml:{line}: {key}: {what} (the chart refuses the value at "
        f"{values_path}; helmValues reach the chart as written: change {key})\n")
    assert not (lab / "gitops" / "kind").exists()


def test_a_value_set_in_a_layer_is_blamed_on_the_layer(lab: Path, run: Invoke) -> None:
    base = _with(lab, "helmValues:\n  prometheus:\n    retention: [15d]\n", name="base")
    result = run("check", "--env", "oke", "--root", str(lab))
    line = _line_of(base, "retention: [15d]")
    assert result.exit_code == 2
    assert result.stderr.startswith(
        f"error: environments/base.yaml:{line}: helmValues.prometheus.retention: got array, "
        "want string (the chart refuses the value at prometheus.retention")
    assert len(result.stderr.splitlines()) == 1


def test_a_participant_override_is_blamed_on_its_line_and_cluster(lab: Path, run: Invoke) -> None:
    path = lab / "environments" / "workshop.yaml"
    text = path.read_text()
    assert "        traffic: {scenario: all-v3}\n" in text
    path.write_text(text.replace("        traffic: {scenario: all-v3}\n",
                                 "        traffic: {scenario: all-v3}\n        helmValues: "
                                 "{olympic-apps: {frontend: {replicas: two}}}\n", 1))
    result = run("render", "--env", "workshop", "--root", str(lab))
    assert result.exit_code == 2
    assert result.stderr.startswith(
        f"error: environments/workshop.yaml:{_line_of(path, 'replicas: two')}: cluster team-02: "
        "helmValues.olympic-apps.frontend.replicas: got string, want integer")


def test_the_helm_cli_message_is_blamed_the_same_way(lab: Path, helm_binary: str) -> None:
    from labgen.workspace import Workspace

    env_file = _with(lab, "helmValues:\n  olympic-apps:\n    image: {tag: 5}\n")
    with pytest.raises(HelmError) as caught:
        Workspace(lab, helm_binary=helm_binary).rendered("kind")
    assert caught.value.message.startswith(
        f"environments/kind.yaml:{_line_of(env_file, 'tag: 5')}: helmValues.olympic-apps.image"
        ".tag: got number, want string")


@pytest.mark.parametrize(("message", "path", "what"), [
    ("helm failed to render charts/olympic-lab: values don't meet the specifications of the "
     "schema(s) in the following chart(s): olympic-apps: - at '/frontend/replicas': got string, "
     "want integer - at '/image/tag': got number, want string",
     ("olympic-apps", "frontend", "replicas"), "got string, want integer"),
    ("values don't meet the specifications of the schema(s) in the following chart(s): "
     "olympic-apps: - at '': additional properties 'notAValue' not allowed",
     ("olympic-apps", "notAValue"), "additional properties 'notAValue' not allowed"),
    ("values don't meet the specifications of the schema(s) in the following chart(s): "
     "olympic-lab: - at '/global/expose/mode': value must be one of 'a'",
     ("global", "expose", "mode"), "value must be one of 'a'"),
    ("values don't meet the specifications of the schema(s) in the following chart(s): "
     "kiali: - auth.strategy: Invalid type. Expected: string, given: integer",
     ("kiali", "auth", "strategy"), "Invalid type. Expected: string, given: integer"),
    ("template: olympic-lab/charts/olympic-apps/templates/frontend.yaml:12:20: executing "
     "\"x\" at <.Values.image.tag>: wrong type for value; expected string; got map",
     ("olympic-apps", "image", "tag"), "wrong type for value; expected string; got map"),
    ("execution error at (olympic-lab/charts/traffic/templates/vs.yaml:8:4): "
     "traffic.virtualService.weights: weights sum to 70, not 100",
     ("traffic", "virtualService", "weights"), "weights sum to 70, not 100"),
])
def test_helm_messages_name_a_values_path(message: str, path: tuple[str, ...],
                                          what: str) -> None:
    assert failing_path(message) == (path, what)


def test_a_message_without_a_values_path_is_left_as_helm_wrote_it() -> None:
    assert failing_path("helm could not load chart charts/olympic-lab: Chart.yaml missing") \
        is None


def _leaves(values: Any, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    if isinstance(values, dict) and values:
        return [leaf for key, child in values.items() for leaf in _leaves(child, (*prefix, key))]
    return [prefix]


def _schema_has(schema: dict[str, Any], key: tuple[str, ...]) -> bool:
    node = schema
    for part in key:
        props = node.get("properties", {})
        if part not in props:
            return False
        node = props[part]
    return True


@pytest.mark.parametrize("name", ["kind", "oke", "workshop"])
def test_every_chart_value_has_its_environment_key(project_root: Path, name: str) -> None:
    """SOURCES is the inverse of chart_values: every value it writes maps to a model key."""
    env = environment_from_layers(name, load_layers(project_root, name))
    schema = json_schema(EnvironmentFile)
    for leaf in _leaves(chart_values(env)):
        key = source_key(env, leaf)
        assert key is not None and key[0] != "helmValues", leaf
    for keys in SOURCES.values():
        for key in keys:
            assert _schema_has(schema, key), key


# --- the property: the model refuses what the chart would refuse ---------------------------


def _strategy(node: dict[str, Any]) -> st.SearchStrategy[Any]:
    """Values the environment model's own schema allows (bounds, patterns, enums)."""
    if "enum" in node:
        return st.sampled_from(node["enum"])
    if "anyOf" in node:
        return st.one_of([_strategy(option) for option in node["anyOf"]])
    kind = node.get("type")
    if kind == "integer":
        return st.integers(node.get("minimum", -(2**31)), node.get("maximum", 2**31))
    if kind == "boolean":
        return st.booleans()
    if kind == "string":
        if "pattern" in node:
            return st.from_regex(re.compile(node["pattern"]), fullmatch=True).filter(
                lambda text: len(text) <= node.get("maxLength", 253))
        return st.text(st.characters(codec="utf-8", categories=["L", "N", "P", "Zs"]),
                       max_size=20)
    if kind == "array":
        return st.lists(_strategy(node.get("items", {"type": "string"})), max_size=2)
    if kind == "null":
        return st.none()
    if "properties" in node:
        return st.fixed_dictionaries({}, optional={key: _strategy(child) for key, child
                                                   in node["properties"].items()})
    keys = node.get("propertyNames", {"pattern": "^[a-z]{1,8}$"})
    return st.dictionaries(_strategy({"type": "string", **keys}),
                           _strategy(node.get("additionalProperties", {"type": "string"})),
                           max_size=3)


_SCHEMA = json_schema(EnvironmentFile)["properties"]
#: The sections chart_values reads (traffic as scenarios: custom weights need sum 100).
_SECTIONS = {section: _strategy(_SCHEMA[section])
             for section in ("apps", "observability", "expose", "namespaces", "cluster",
                             "components")}
_TRAFFIC = st.fixed_dictionaries({"scenario": st.sampled_from(
    ["random", "canary", "all-v3", "v1-v2-half"])})


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much,
                                 HealthCheck.function_scoped_fixture])
@given(st.fixed_dictionaries({}, optional={**_SECTIONS, "traffic": _TRAFFIC}))
def test_environments_the_model_accepts_render_in_the_chart(
        project_root: Path, engine: EmbeddedHelm, overlay: dict[str, Any]) -> None:
    layers = load_layers(project_root, "kind")
    layers.data = deep_merge(layers.data, overlay)
    try:
        env = environment_from_layers("kind", layers)
    except InputError:
        assume(False)
        return
    values = chart_values(env)
    try:
        engine.render(project_root / CHART_PATH, values, release=RELEASE_NAME,
                      namespace=env.spec.namespaces.apps)
    except HelmError as exc:  # a real case the model lets through: show where it is blamed
        from labgen.helm_blame import blame

        pytest.fail(f"the model accepted what the chart refuses: {blame(env, exc)}")
