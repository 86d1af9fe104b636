"""Istio message types shared by several API groups (istio.io/api ``type`` and ``meta``)."""

from __future__ import annotations

from .notation import Types

TYPES: Types = {
    # istio.type.v1beta1.WorkloadSelector: pods by label, in the object's namespace.
    "WorkloadSelector": {"matchLabels": "{str<=63}"},
    # istio.type.v1beta1.PolicyTargetReference: a Gateway API Gateway, a Service, ...
    "PolicyTargetReference": {
        "group": "str<=253",
        "kind": "!str",
        "name": "!str",
        "namespace": "str",
    },
    # istio.meta.v1alpha1.IstioStatus, written by istiod; unknown fields are kept.
    "IstioStatus": {
        "@open": "unknown fields kept",
        "conditions": "[IstioCondition]",
        "observedGeneration": "intstr",
        "validationMessages": "[AnalysisMessageBase]",
    },
    "IstioCondition": {
        "type": "str",
        "status": "str",
        "lastProbeTime": "str",
        "lastTransitionTime": "str",
        "reason": "str",
        "message": "str",
        "observedGeneration": "intstr",
    },
    "AnalysisMessageBase": {
        "type": "AnalysisMessageType",
        "level": "(UNKNOWN|ERROR|WARNING|INFO)",
        "documentationUrl": "str",
    },
    "AnalysisMessageType": {"name": "str", "code": "str"},
}
