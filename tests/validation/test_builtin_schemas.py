"""labgen's built-in Istio and Argo CD schemas, proven against the upstream CRDs field by field.

For every kind and every version the upstream CRDs serve (Istio 1.30.3,
Argo CD v3.5.1, read in place from ../shared/crds), the built-in schema must
accept exactly the property names the CRD defines at every nesting level, with
the same types, enums, bounds and required fields (see schema_proof.py).
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from labgen.validation.registry import (
    shipped_definitions,
    shipped_kinds,
    shipped_schema,
    with_definitions,
)
from upstream_crds import served_versions
from validation.schema_proof import ROOT_FIELDS, Proof, compare_root, property_paths


@pytest.fixture(scope="session")
def upstream_schemas(shared_dir: Path) -> dict[tuple[str, str], dict[str, Any]]:
    return {(api, kind): schema for api, kind, schema in served_versions(shared_dir)}


def _prove(crd: dict[str, Any], api_version: str, kind: str,
           definitions: dict[str, Any] | None = None) -> Proof:
    ours = shipped_schema(api_version, kind)
    assert ours is not None, f"no built-in schema for {kind} ({api_version})"
    proof = Proof(definitions if definitions is not None else shipped_definitions())
    compare_root(crd, ours, proof)
    return proof


def _upstream_fields(crd: dict[str, Any]) -> int:
    return sum(1 for path in property_paths(crd)
               if path.split(".")[0] not in ROOT_FIELDS)


def test_builtin_kinds_are_exactly_the_served_versions(upstream_schemas: dict[Any, Any]) -> None:
    assert sorted(shipped_kinds()) == sorted(upstream_schemas)
    groups = {api.split("/")[0] for api, _kind in upstream_schemas}
    assert groups == {"networking.istio.io", "security.istio.io", "telemetry.istio.io",
                      "extensions.istio.io", "argoproj.io"}
    assert len({kind for _api, kind in upstream_schemas if "istio" in _api}) == 15


def test_every_kind_and_version_matches_its_crd_field_by_field(
        upstream_schemas: dict[tuple[str, str], dict[str, Any]]) -> None:
    problems: list[str] = []
    proven = 0
    for (api_version, kind), crd in sorted(upstream_schemas.items()):
        proof = _prove(crd, api_version, kind)
        problems.extend(f"{kind} ({api_version}) {p}" for p in proof.problems)
        # Every property path of the CRD was compared, none skipped.
        assert proof.fields == _upstream_fields(crd), (kind, api_version)
        proven += proof.fields
    assert not problems, "\n".join(problems)
    assert proven > 10_000


def test_builtin_schemas_are_valid_json_schema() -> None:
    import jsonschema

    jsonschema.Draft202012Validator.check_schema(with_definitions({}))  # every type, once
    for api_version, kind in shipped_kinds():
        schema = shipped_schema(api_version, kind)
        assert schema is not None
        jsonschema.Draft202012Validator.check_schema(schema)


def _mutated(change: str) -> dict[str, Any]:
    definitions = copy.deepcopy(shipped_definitions())
    mirror = definitions["HTTPRoute"]["properties"]
    if change == "drop":
        del mirror["mirrors"]
    elif change == "extra":
        mirror["mirrorz"] = {"type": "string"}
    elif change == "enum":
        definitions["ProxyProtocol"]["properties"]["version"]["enum"] = ["V1"]
    elif change == "type":
        mirror["timeout"] = {"type": "integer"}
    elif change == "required":
        definitions["Destination"]["required"] = []
    elif change == "open":
        del definitions["HTTPRetry"]["additionalProperties"]
    elif change == "group":
        del definitions["HTTPRedirect"]["oneOf"]
    return definitions


@pytest.mark.parametrize(("change", "expected"), [
    ("drop", "spec.http[].mirrors: defined upstream, missing"),
    ("extra", "spec.http[].mirrorz: in labgen's schema, not defined upstream"),
    ("enum", "spec.trafficPolicy.proxyProtocol.version: enum"),
    ("type", "spec.http[].timeout: type: upstream ['string'], labgen ['integer']"),
    ("required", "spec.http[].mirror: required"),
    ("open", "spec.http[].retries: upstream rejects unknown fields"),
    ("group", "spec.http[].redirect: at-most-one groups differ"),
])
def test_the_proof_finds_a_difference(change: str, expected: str,
                                      upstream_schemas: dict[tuple[str, str], Any]) -> None:
    definitions = _mutated(change)
    kind = "DestinationRule" if change == "enum" else "VirtualService"
    proof = _prove(upstream_schemas[("networking.istio.io/v1beta1", kind)],
                   "networking.istio.io/v1beta1", kind, definitions)
    assert any(p.startswith(expected) for p in proof.problems), proof.problems
