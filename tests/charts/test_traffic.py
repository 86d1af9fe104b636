"""The traffic subchart: DestinationRules and the scenario VirtualService.

Rendered through real Helm (the umbrella chart); every Istio resource of the
lab is also checked against the upstream Istio CRD schema, read in place.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from labgen.errors import HelmError

if TYPE_CHECKING:
    from conftest import CrdErrors, RenderUmbrella

TRAFFIC = "olympic-lab/charts/traffic/"
APPS = "olympic-lab/charts/olympic-apps/"

#: The hands-on's scenarios (k8s/scenario/*.yaml) and labgen's custom ones,
#: as the values chart_values.py writes for them.
SCENARIOS: dict[str, dict[str, Any]] = {
    "canary": {"v1": 80, "v2": 15, "v3": 5},
    "all-v3": {"v3": 100},
    "v1-v2-half": {"v1": 50, "v2": 50},
    "custom": {"v1": 60, "v2": 30, "v3": 10},
}


def traffic_values(scenario: str, weights: dict[str, int], *, header: dict[str, str] | None = None,
                   subsets: tuple[str, ...] = ("v1", "v2", "v3")) -> dict[str, Any]:
    return {"traffic": {
        "enabled": True, "scenario": scenario, "subsets": list(subsets),
        "virtualService": {"enabled": bool(weights) or header is not None,
                           "weights": weights, "headerMatch": header},
    }}


def of_chart(docs: list[dict[str, Any]], prefix: str, kind: str) -> dict[str, dict[str, Any]]:
    return {doc["metadata"]["name"]: doc for doc in docs
            if str(doc["__source__"]).startswith(prefix) and doc["kind"] == kind}


def backend_vs(docs: list[dict[str, Any]]) -> dict[str, Any]:
    services = of_chart(docs, TRAFFIC, "VirtualService")
    assert list(services) == ["backend-app"]
    return services["backend-app"]


def routes(vs: dict[str, Any]) -> list[list[tuple[str | None, int | None]]]:
    """Each http route as [(subset, weight), ...]; every destination is backend-app."""
    out = []
    for http in vs["spec"]["http"]:
        dests = []
        for item in http["route"]:
            assert item["destination"]["host"] == "backend-app"
            dests.append((item["destination"].get("subset"), item.get("weight")))
        out.append(dests)
    return out


# --- DestinationRules -------------------------------------------------------


def test_destination_rules_follow_the_hands_on(render_umbrella: RenderUmbrella) -> None:
    rules = of_chart(render_umbrella(), TRAFFIC, "DestinationRule")
    assert sorted(rules) == ["backend", "datasource", "frontend"]
    for rule in rules.values():
        assert rule["apiVersion"] == "networking.istio.io/v1"
        assert rule["metadata"]["namespace"] == "olympic"
    backend = rules["backend"]["spec"]
    assert backend["host"] == "backend-app"
    assert backend["trafficPolicy"] == {"loadBalancer": {"simple": "RANDOM"}}
    assert backend["subsets"] == [{"name": v, "labels": {"version": v}}
                                  for v in ("v1", "v2", "v3")]
    for name in ("frontend", "datasource"):
        spec = rules[name]["spec"]
        assert spec == {"host": f"{name}-app", "subsets": [{"name": "v1",
                                                            "labels": {"version": "v1"}}]}


def test_backend_subsets_come_from_values(render_umbrella: RenderUmbrella) -> None:
    docs = render_umbrella({"traffic": {"subsets": ["v1", "v2", "v3", "v4"]}})
    subsets = of_chart(docs, TRAFFIC, "DestinationRule")["backend"]["spec"]["subsets"]
    assert [s["name"] for s in subsets] == ["v1", "v2", "v3", "v4"]
    assert subsets[-1]["labels"] == {"version": "v4"}


def test_every_subset_selects_a_backend_pod_template(render_umbrella: RenderUmbrella) -> None:
    docs = render_umbrella()
    pods = [d["spec"]["template"]["metadata"]["labels"]
            for d in of_chart(docs, APPS, "Deployment").values()]
    for rule in of_chart(docs, TRAFFIC, "DestinationRule").values():
        app = rule["spec"]["host"]
        for subset in rule["spec"]["subsets"]:
            wanted = {"app": app, **subset["labels"]}
            assert any(wanted.items() <= labels.items() for labels in pods), (app, subset)


# --- the scenario VirtualService ----------------------------------------------


def test_random_renders_no_virtual_service(render_umbrella: RenderUmbrella) -> None:
    docs = render_umbrella(traffic_values("random", {}))
    assert of_chart(docs, TRAFFIC, "VirtualService") == {}
    assert len(of_chart(docs, TRAFFIC, "DestinationRule")) == 3


def test_default_values_are_the_random_scenario(render_umbrella: RenderUmbrella) -> None:
    assert of_chart(render_umbrella(), TRAFFIC, "VirtualService") == {}


@pytest.mark.parametrize(
    ("scenario", "expected"),
    [
        ("canary", [[("v1", 80), ("v2", 15), ("v3", 5)]]),
        ("all-v3", [[("v3", None)]]),
        ("v1-v2-half", [[("v1", 50), ("v2", 50)]]),
        ("custom", [[("v1", 60), ("v2", 30), ("v3", 10)]]),
    ],
)
def test_scenario_routes_and_weights(render_umbrella: RenderUmbrella, scenario: str,
                                     expected: list[list[tuple[str, int | None]]]) -> None:
    vs = backend_vs(render_umbrella(traffic_values(scenario, SCENARIOS[scenario])))
    assert vs["apiVersion"] == "networking.istio.io/v1"
    assert vs["metadata"]["namespace"] == "olympic"
    assert vs["metadata"]["annotations"] == {"labgen.io/scenario": scenario}
    assert vs["spec"]["hosts"] == ["backend-app"]
    assert "gateways" not in vs["spec"]
    assert routes(vs) == expected
    assert "match" not in vs["spec"]["http"][0]


def test_zero_weights_are_kept(render_umbrella: RenderUmbrella) -> None:
    vs = backend_vs(render_umbrella(traffic_values("custom", {"v1": 0, "v2": 0, "v3": 100})))
    assert routes(vs) == [[("v1", 0), ("v2", 0), ("v3", 100)]]


def test_header_match_routes_first(render_umbrella: RenderUmbrella) -> None:
    header = {"header": "x-canary", "exact": "true", "subset": "v3"}
    vs = backend_vs(render_umbrella(traffic_values("canary", SCENARIOS["canary"], header=header)))
    first, second = vs["spec"]["http"]
    assert first["match"] == [{"headers": {"x-canary": {"exact": "true"}}}]
    assert routes(vs) == [[("v3", None)], [("v1", 80), ("v2", 15), ("v3", 5)]]
    assert "match" not in second


def test_header_match_without_weights_leaves_the_rest_to_the_service(render_umbrella: RenderUmbrella) -> None:
    header = {"header": "x-version", "exact": "v2", "subset": "v2"}
    vs = backend_vs(render_umbrella(traffic_values("random", {}, header=header)))
    assert routes(vs) == [[("v2", None)], [(None, None)]]


def test_switching_traffic_off_removes_its_resources(render_umbrella: RenderUmbrella) -> None:
    values = traffic_values("canary", SCENARIOS["canary"])
    values["traffic"]["enabled"] = False
    docs = render_umbrella(values)
    assert [d for d in docs if str(d["__source__"]).startswith(TRAFFIC)] == []
    assert of_chart(docs, APPS, "Deployment")  # the app itself stays


# --- guards: the chart's own fail and the values schema ------------------------


@pytest.mark.parametrize(
    ("values", "message"),
    [
        (traffic_values("custom", {"v1": 50, "v2": 40}),
         "traffic.virtualService.weights: weights sum to 90, not 100"),
        (traffic_values("custom", {"v1": 50, "v9": 50}),
         "traffic.virtualService.weights: subset 'v9' is not in traffic.subsets (v1, v2, v3)"),
        (traffic_values("all-v3", {"v3": 100}, subsets=("v1", "v2")),
         "subset 'v3' is not in traffic.subsets (v1, v2)"),
        (traffic_values("random", {}, header={"header": "x-a", "exact": "1", "subset": "v7"}),
         "traffic.virtualService.headerMatch: subset 'v7' is not in traffic.subsets"),
        ({"traffic": {"virtualService": {"enabled": True}}},
         "traffic.virtualService: enabled needs weights"),
    ],
)
def test_chart_guards_fail_with_a_clear_message(render_umbrella: RenderUmbrella, values: dict[str, Any],
                                                message: str) -> None:
    with pytest.raises(HelmError, match="helm failed to render") as caught:
        render_umbrella(values)
    assert message in str(caught.value)


@pytest.mark.parametrize(
    "traffic",
    [
        {"unknown": 1},
        {"scenario": "Canary"},
        {"subsets": []},
        {"subsets": ["v1", "v1"]},
        {"virtualService": {"weights": {"v1": 101}}},
        {"virtualService": {"weights": {"v1": "80"}}},
        {"virtualService": {"weights": {"v1": 50.5, "v2": 49.5}}},
        {"virtualService": {"headerMatch": {"header": "x-a", "exact": "1"}}},
        {"virtualService": {"headerMatch": {"header": "X-Upper", "exact": "1", "subset": "v1"}}},
        {"virtualService": {"gateways": ["mesh"]}},
    ],
)
def test_values_outside_the_schema_are_refused(render_umbrella: RenderUmbrella, traffic: dict[str,
                                               Any]) -> None:
    with pytest.raises(HelmError, match=r"schema"):
        render_umbrella({"traffic": traffic})


# --- upstream Istio CRD schemas ------------------------------------------------


def test_crd_validation_rejects_what_istio_rejects(render_umbrella: RenderUmbrella,
                                                   upstream_crd_errors: CrdErrors) -> None:
    vs = backend_vs(render_umbrella(traffic_values("canary", SCENARIOS["canary"])))
    assert upstream_crd_errors(vs) == []
    vs["spec"]["http"][0]["route"][0]["weights"] = 80  # typo: unknown field
    assert any("weights" in e for e in upstream_crd_errors(vs))
    vs["spec"]["http"][0]["route"][0].pop("weights")
    vs["spec"]["http"][0]["route"][0]["weight"] = "80"  # wrong type
    assert upstream_crd_errors(vs)
    assert upstream_crd_errors({**vs, "apiVersion": "networking.istio.io/v2"})


@pytest.mark.parametrize("scenario", ["random", *SCENARIOS])
def test_every_istio_resource_of_the_apps_and_traffic_matches_the_crd(
        render_umbrella: RenderUmbrella, upstream_crd_errors: CrdErrors, scenario: str) -> None:
    header = {"header": "x-canary", "exact": "on", "subset": "v2"}
    values = traffic_values(scenario, SCENARIOS.get(scenario, {}), header=header)
    values["olympic-apps"] = {"gateway": {"hosts": ["*", "olympic.example.com"]}}
    docs = [d for d in render_umbrella(values)
            if str(d["apiVersion"]).endswith(".istio.io/v1")
            and str(d["__source__"]).startswith((APPS, TRAFFIC))]
    kinds = sorted(d["kind"] for d in docs)
    assert kinds == ["DestinationRule"] * 3 + ["Gateway", "VirtualService", "VirtualService"]
    for doc in docs:
        assert upstream_crd_errors(doc) == [], (doc["kind"], doc["metadata"]["name"])
