"""Realistic Istio and Argo CD objects (tests/validation/samples, written for labgen) through the
built-in schemas: accepted, as the upstream CRDs accept them; misspelled fields rejected with the
right hint; every kind at every served version known and strict."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

import yaml_docs
from labgen.manifests import documents_of
from labgen.validation import ValidationOptions, validate_documents
from labgen.validation.compiler import Errors
from labgen.validation.registry import shipped_check, shipped_kinds

SAMPLES = Path(__file__).parent / "samples"
DOCUMENTS: list[dict[str, Any]] = [
    doc for file in sorted(SAMPLES.glob("*.yaml"))
    for doc in yaml_docs.load_all(file.read_text(encoding="utf-8")) if doc]


def _errors(doc: dict[str, Any]) -> Errors:
    check = shipped_check(doc["apiVersion"], doc["kind"])
    assert check is not None, f"no built-in schema for {doc['kind']} ({doc['apiVersion']})"
    errors: Errors = []
    check(doc, "", errors)
    return errors


def _named(kind: str, name: str) -> dict[str, Any]:
    found = [d for d in DOCUMENTS if d["kind"] == kind and d["metadata"]["name"] == name]
    assert len(found) == 1, (kind, name)
    return copy.deepcopy(found[0])


@pytest.mark.parametrize("doc", DOCUMENTS, ids=lambda d: f"{d['kind']}-{d['metadata']['name']}")
def test_sample_is_accepted_by_labgen_and_by_the_upstream_crd(
        doc: dict[str, Any], upstream_crd_errors: Callable[[dict[str, Any]], list[str]]) -> None:
    assert upstream_crd_errors(doc) == []  # the sample is valid upstream, so labgen must agree
    assert _errors(doc) == []


def test_samples_use_the_fields_that_were_rejected_before() -> None:
    text = "\n".join(f.read_text(encoding="utf-8") for f in SAMPLES.glob("*.yaml"))
    for field in ("mirrors:", "localityLbSetting:", "proxyProtocol:", "warmup:", "backoff: 25ms",
                  "credentialNames:", "targetRef:", "targetRefs:", "sourceHydrator:",
                  "clusterResourceWhitelist:\n  - {group: \"\", kind: Namespace, name:"):
        assert field in text, field
    versions = {(d["apiVersion"].split("/")[1]) for d in DOCUMENTS}
    assert {"v1", "v1beta1", "v1alpha3", "v1alpha1"} <= versions


def _at(doc: dict[str, Any], path: tuple[Any, ...]) -> dict[str, Any]:
    node = doc
    for key in path:
        node = node[key]
    return node


TYPOS = [  # (kind, name, path to the mapping, real field, misspelling)
    ("VirtualService", "reviews", ("spec", "http", 0), "mirrors", "mirorrs"),
    ("VirtualService", "reviews", ("spec", "http", 0, "retries"), "backoff", "backof"),
    ("VirtualService", "reviews", ("spec", "http", 1), "corsPolicy", "corsPolicies"),
    ("DestinationRule", "reviews", ("spec", "trafficPolicy", "loadBalancer"),
     "localityLbSetting", "localityLBSettings"),
    ("DestinationRule", "reviews", ("spec", "trafficPolicy"), "proxyProtocol", "proxyProtocl"),
    ("DestinationRule", "reviews", ("spec", "trafficPolicy", "loadBalancer"), "warmup", "warmUp"),
    ("Gateway", "bookinfo-gateway", ("spec", "servers", 0, "tls"), "credentialNames",
     "credentialsNames"),
    ("Telemetry", "gateway-tracing", ("spec",), "targetRef", "targetReff"),
    ("Telemetry", "waypoint-metrics", ("spec",), "targetRefs", "targetRfs"),
    ("Application", "guestbook", ("spec",), "sourceHydrator", "sourceHydrater"),
    ("Application", "guestbook", ("spec", "sourceHydrator"), "drySource", "drysource"),
    ("AppProject", "team-a", ("spec", "clusterResourceWhitelist", 0), "name", "nmae"),
    ("ApplicationSet", "cluster-addons", ("spec", "strategy", "rollingSync"), "steps", "step"),
    ("AuthorizationPolicy", "httpbin", ("spec", "rules", 0, "from", 0, "source"),
     "principals", "principal"),
    ("WasmPlugin", "basic-auth", ("spec",), "pluginConfig", "pluginConf"),
    ("RequestAuthentication", "jwt-example", ("spec", "jwtRules", 0), "jwksUri", "jwksURI"),
]


@pytest.mark.parametrize(("kind", "name", "path", "field", "typo"), TYPOS,
                         ids=[f"{t[0]}-{t[4]}" for t in TYPOS])
def test_misspelled_field_is_rejected_with_the_right_hint(
        kind: str, name: str, path: tuple[Any, ...], field: str, typo: str) -> None:
    doc = _named(kind, name)
    parent = _at(doc, path)
    parent[typo] = parent.pop(field)
    where = ".".join(f"[{p}]" if isinstance(p, int) else p for p in path).replace(".[", "[")
    errors = _errors(doc)
    assert (f"{where}.{typo}", f"unknown field {typo!r}; did you mean {field!r}?") in errors
    # The only other finding: the real field, when it is required, is now missing.
    assert [e for e in errors if "unknown field" not in e[1]] in (
        [], [(f"{where}.{field}", "is required")])


def test_a_real_field_next_to_its_near_namesake_gets_no_hint() -> None:
    doc = _named("VirtualService", "reviews")
    route = doc["spec"]["http"][0]
    route["mirror"] = {"host": "reviews", "subset": "v3"}  # mirror and mirrors side by side
    assert _errors(doc) == []
    app = _named("Application", "guestbook")
    app["spec"]["source"] = {"repoURL": "https://github.com/argoproj/argocd-example-apps"}
    assert _errors(app) == []


def _minimal(api_version: str, kind: str) -> dict[str, Any]:
    same_kind = [d for d in DOCUMENTS if d["kind"] == kind]
    assert same_kind, f"no sample of {kind}"
    doc = copy.deepcopy(same_kind[0])
    doc["apiVersion"] = api_version
    return doc


@pytest.mark.parametrize(("api_version", "kind"), shipped_kinds(),
                         ids=[f"{k}-{a}" for a, k in shipped_kinds()])
def test_every_kind_and_version_is_known_and_strict(api_version: str, kind: str) -> None:
    doc = _minimal(api_version, kind)
    options = ValidationOptions(kubernetes_version="1.34")
    text = yaml.safe_dump(doc)
    assert [f for f in validate_documents(documents_of("x.yaml", text), options)
            if f.rule in ("schema", "unknown-kind")] == []
    doc["spec"]["zzUnknown"] = 1
    assert _errors(doc) == [("spec.zzUnknown", "unknown field 'zzUnknown'")]


def test_fields_istio_allows_only_one_of() -> None:
    doc = _named("DestinationRule", "reviews")
    doc["spec"]["trafficPolicy"]["loadBalancer"]["consistentHash"] = {"useSourceIp": True}
    assert _errors(doc) == [(
        "spec.trafficPolicy.loadBalancer",
        "sets 'simple' and 'consistentHash'; at most one of 'simple', 'consistentHash' may be set")]
    doc = _named("VirtualService", "reviews")
    doc["spec"]["http"][1]["corsPolicy"]["allowOrigins"][0]["prefix"] = "https://"
    assert [p for p, _m in _errors(doc)] == ["spec.http[1].corsPolicy.allowOrigins[0]"]
