"""Removed Kubernetes APIs: the finding names the release and the replacement, not --crds."""

from __future__ import annotations

import pytest

from labgen.manifests import documents_of
from labgen.validation import ValidationOptions, validate_documents
from labgen.validation.kube_schemas import core_check, supported_versions
from labgen.validation.removed_apis import removal_message, removed_apis, replacement_at


def _findings(text: str, version: str) -> list[str]:
    options = ValidationOptions(kubernetes_version=version)
    return [f"{f.rule}: {f.message}" for f in validate_documents(documents_of("m.yaml", text),
                                                                  options)
            if f.rule == "unknown-kind"]


HPA = ("apiVersion: autoscaling/v2beta2\nkind: HorizontalPodAutoscaler\n"
       "metadata: {name: web}\nspec:\n  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment,"
       " name: web}\n  minReplicas: 1\n  maxReplicas: 3\n")


def test_autoscaling_v2beta2_at_1_26_names_autoscaling_v2() -> None:
    assert _findings(HPA, "1.26") == [
        "unknown-kind: HorizontalPodAutoscaler autoscaling/v2beta2 was removed in Kubernetes "
        "1.26; use autoscaling/v2 instead (Kubernetes' deprecated API migration guide lists the "
        "fields that changed) (target Kubernetes 1.26)"]
    assert _findings(HPA, "1.25") == []  # still served there: its schema applies


def test_pod_security_policy_has_no_replacement_api() -> None:
    psp = "apiVersion: policy/v1beta1\nkind: PodSecurityPolicy\nmetadata: {name: restricted}\n"
    [finding] = _findings(psp, "1.34")
    assert "was removed in Kubernetes 1.25" in finding and "Pod Security Admission" in finding
    assert "--crds" not in finding
    assert "Pod Security Admission" in (removal_message("extensions/v1beta1",
                                                        "PodSecurityPolicy", "1.34") or "")


def test_an_unknown_custom_kind_still_asks_for_its_crd() -> None:
    widget = "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\n"
    [finding] = _findings(widget, "1.34")
    assert finding.endswith("pass its CRD with --crds")


@pytest.mark.parametrize(("api_version", "kind", "minor"),
                         [(a, k, m) for a, k, m, _r in removed_apis()],
                         ids=[f"{k}-{a}" for a, k, _m, _r in removed_apis()])
def test_table_agrees_with_kubernetes_validate_schemas(api_version: str, kind: str,
                                                       minor: int) -> None:
    """Each removal is real: no schema from that release on, a schema the release before (where
    kubernetes-validate bundles it), and the named replacement has a schema at every release."""
    for version in supported_versions():
        target = int(version.split(".")[1])
        served = core_check(version, api_version, kind) is not None
        if target >= minor:
            assert not served, (version, api_version, kind)
            replacement = replacement_at(api_version, kind, version)
            assert replacement is not None
            if replacement:
                assert core_check(version, replacement, kind) is not None, (version, replacement)
        elif target == minor - 1:
            assert served, (version, api_version, kind)
