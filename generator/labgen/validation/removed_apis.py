"""Kubernetes API versions that were removed, the release that removed them, and what replaces them.

Written from the facts of Kubernetes' deprecated API migration guide. A
document whose ``apiVersion`` was removed at or before the target version has
no schema; the finding then says so and names the replacement, instead of
asking for a CRD that does not exist.
"""

from __future__ import annotations

#: apiVersion -> {kind: (minor release that removed it, replacement)}
_REMOVED: dict[str, dict[str, tuple[int, str]]] = {
    "extensions/v1beta1": {
        "DaemonSet": (16, "apps/v1"), "Deployment": (16, "apps/v1"),
        "ReplicaSet": (16, "apps/v1"), "NetworkPolicy": (16, "networking.k8s.io/v1"),
        "PodSecurityPolicy": (16, "policy/v1beta1"), "Ingress": (22, "networking.k8s.io/v1"),
    },
    "apps/v1beta1": {"Deployment": (16, "apps/v1"), "StatefulSet": (16, "apps/v1")},
    "apps/v1beta2": {"DaemonSet": (16, "apps/v1"), "Deployment": (16, "apps/v1"),
                     "ReplicaSet": (16, "apps/v1"), "StatefulSet": (16, "apps/v1")},
    "admissionregistration.k8s.io/v1beta1": {
        "MutatingWebhookConfiguration": (22, "admissionregistration.k8s.io/v1"),
        "ValidatingWebhookConfiguration": (22, "admissionregistration.k8s.io/v1"),
    },
    "apiextensions.k8s.io/v1beta1": {"CustomResourceDefinition": (22, "apiextensions.k8s.io/v1")},
    "apiregistration.k8s.io/v1beta1": {"APIService": (22, "apiregistration.k8s.io/v1")},
    "authentication.k8s.io/v1beta1": {"TokenReview": (22, "authentication.k8s.io/v1")},
    "authorization.k8s.io/v1beta1": {
        kind: (22, "authorization.k8s.io/v1")
        for kind in ("SubjectAccessReview", "LocalSubjectAccessReview", "SelfSubjectAccessReview")
    },
    "certificates.k8s.io/v1beta1": {"CertificateSigningRequest": (22, "certificates.k8s.io/v1")},
    "coordination.k8s.io/v1beta1": {"Lease": (22, "coordination.k8s.io/v1")},
    "networking.k8s.io/v1beta1": {"Ingress": (22, "networking.k8s.io/v1"),
                                  "IngressClass": (22, "networking.k8s.io/v1")},
    "rbac.authorization.k8s.io/v1beta1": {
        kind: (22, "rbac.authorization.k8s.io/v1")
        for kind in ("ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding")
    },
    "scheduling.k8s.io/v1beta1": {"PriorityClass": (22, "scheduling.k8s.io/v1")},
    "storage.k8s.io/v1beta1": {
        **{kind: (22, "storage.k8s.io/v1")
           for kind in ("CSIDriver", "CSINode", "StorageClass", "VolumeAttachment")},
        "CSIStorageCapacity": (27, "storage.k8s.io/v1"),
    },
    "batch/v1beta1": {"CronJob": (25, "batch/v1")},
    "discovery.k8s.io/v1beta1": {"EndpointSlice": (25, "discovery.k8s.io/v1")},
    "events.k8s.io/v1beta1": {"Event": (25, "events.k8s.io/v1")},
    "autoscaling/v2beta1": {"HorizontalPodAutoscaler": (25, "autoscaling/v2")},
    "autoscaling/v2beta2": {"HorizontalPodAutoscaler": (26, "autoscaling/v2")},
    "policy/v1beta1": {"PodDisruptionBudget": (25, "policy/v1"), "PodSecurityPolicy": (25, "")},
    "node.k8s.io/v1beta1": {"RuntimeClass": (25, "node.k8s.io/v1")},
    "flowcontrol.apiserver.k8s.io/v1beta1": {
        "FlowSchema": (26, "flowcontrol.apiserver.k8s.io/v1"),
        "PriorityLevelConfiguration": (26, "flowcontrol.apiserver.k8s.io/v1"),
    },
    "flowcontrol.apiserver.k8s.io/v1beta2": {
        "FlowSchema": (29, "flowcontrol.apiserver.k8s.io/v1"),
        "PriorityLevelConfiguration": (29, "flowcontrol.apiserver.k8s.io/v1"),
    },
    "flowcontrol.apiserver.k8s.io/v1beta3": {
        "FlowSchema": (32, "flowcontrol.apiserver.k8s.io/v1"),
        "PriorityLevelConfiguration": (32, "flowcontrol.apiserver.k8s.io/v1"),
    },
}

_NO_REPLACEMENT = {
    "PodSecurityPolicy": "it has no replacement API: enforce the Pod Security Standards with "
                         "Pod Security Admission (pod-security.kubernetes.io/* namespace labels)",
}


def removed_apis() -> list[tuple[str, str, int, str]]:
    """``(apiVersion, kind, minor release that removed it, replacement apiVersion)``."""
    return [(api, kind, minor, replacement) for api, kinds in _REMOVED.items()
            for kind, (minor, replacement) in kinds.items()]


def _minor(kubernetes_version: str) -> int | None:
    parts = kubernetes_version.lstrip("v").split(".")
    return int(parts[1]) if len(parts) > 1 and parts[0] == "1" and parts[1].isdigit() else None


#: A replacement that came later than the removal, and what to use until then.
_AVAILABLE_FROM = {"flowcontrol.apiserver.k8s.io/v1": (29, "flowcontrol.apiserver.k8s.io/v1beta3")}


def replacement_at(api_version: str, kind: str, kubernetes_version: str) -> str | None:
    """The apiVersion to use instead at ``kubernetes_version`` ("" when no API replaces it)."""
    found = _REMOVED.get(api_version, {}).get(kind)
    target = _minor(kubernetes_version)
    if found is None or target is None or target < found[0]:
        return None
    replacement = found[1]
    if replacement == "policy/v1beta1" and target >= 25:  # PodSecurityPolicy moved, then went
        return ""
    since, earlier = _AVAILABLE_FROM.get(replacement, (0, replacement))
    return replacement if target >= since else earlier


def removal_message(api_version: str, kind: str, kubernetes_version: str) -> str | None:
    """Why ``kind`` at ``api_version`` cannot exist at ``kubernetes_version``, or None."""
    replacement = replacement_at(api_version, kind, kubernetes_version)
    if replacement is None:
        return None
    removed = f"{kind} {api_version} was removed in Kubernetes 1.{_REMOVED[api_version][kind][0]}"
    if not replacement:
        return f"{removed}; {_NO_REPLACEMENT[kind]}"
    return (f"{removed}; use {replacement} instead (Kubernetes' deprecated API migration "
            "guide lists the fields that changed)")
