"""The environment file model: what ``environments/<name>.yaml`` may say.

Frozen dataclasses with their constraints in field metadata. ``typed_config``
checks input against them and derives the editor JSON Schema from them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, make_dataclass
from types import MappingProxyType
from typing import Any, Literal

from . import scenarios
from .components import COMPONENTS, node_port_services
from .value_formats import (
    CLUSTER_SERVER,
    DNS1123_LABEL,
    DNS_HINT,
    LABEL_KEY,
    LABEL_VALUE,
    NAME_PREFIX,
    QUANTITY,
    URL,
)

#: Kubernetes minors with strict schemas in the pinned kubernetes-validate.
KUBERNETES_VERSIONS = tuple(f"1.{minor}" for minor in range(25, 38))
NODE_PORT_SERVICES = node_port_services()


def _empty() -> Mapping[str, Any]:
    return MappingProxyType({})


def _meta(doc: str, **more: Any) -> dict[str, Any]:
    return {"doc": doc, **more}


@dataclass(frozen=True)
class Cluster:
    """The target cluster."""

    platform: Literal["oke", "kind", "generic"] = field(
        default="generic", metadata=_meta("Where the lab runs; picks storage and exposure defaults.")
    )
    kubernetes_version: str = field(
        default="1.34",
        metadata=_meta(
            "Kubernetes minor version the manifests are validated against.",
            pattern=r"1\.(2[5-9]|3[0-7])",
            hint='write a supported minor version from 1.25 to 1.37 in quotes, e.g. "1.34"',
        ),
    )


#: Argo CD's name for the cluster it runs in.
IN_CLUSTER = "https://kubernetes.default.svc"


@dataclass(frozen=True)
class Destination:
    """Where the lab's Applications deploy: a cluster Argo CD knows, by server URL or by name
    (exactly one; neither = server https://kubernetes.default.svc, Argo CD's own cluster)."""

    server: str = field(default="", metadata=_meta(
        "Kubernetes API URL as registered in Argo CD ('' with no name = "
        "https://kubernetes.default.svc).", pattern=f"({CLUSTER_SERVER})?",
        hint="write the API server URL, e.g. https://203.0.113.10:6443"))
    name: str = field(default="", metadata=_meta(
        "Argo CD cluster name (instead of server).",
        pattern=r"([A-Za-z0-9]([-A-Za-z0-9_.@]*[A-Za-z0-9])?)?",
        hint="write the cluster's name as `argocd cluster list` shows it"))

    @property
    def target(self) -> dict[str, str]:
        """``{"server": URL}`` or ``{"name": NAME}``, as an Argo CD destination says it."""
        if self.name:
            return {"name": self.name}
        return {"server": self.server or IN_CLUSTER}

    @property
    def explicit(self) -> bool:
        """Whether this names a cluster other than Argo CD's own."""
        return self.target != {"server": IN_CLUSTER}


@dataclass(frozen=True)
class ArgoCD:
    """Where Argo CD runs and which repository it syncs."""

    repo_url: str = field(
        default="",
        metadata=_meta("Git URL of this repository, as Argo CD knows it.", key="repoURL",
                       pattern=URL, hint="write a git URL such as https://github.com/org/repo.git"),
    )
    target_revision: str = field(
        default="main",
        metadata=_meta("Branch, tag or commit Argo CD follows for this repository.",
                       pattern=r"[A-Za-z0-9._/-]+", hint="write a branch, tag or commit"),
    )
    namespace: str = field(default="argocd", metadata=_meta("Argo CD's namespace.",
                                                             pattern=DNS1123_LABEL, hint=DNS_HINT))
    project: str = field(default="olympic-lab", metadata=_meta("AppProject name.",
                                                                pattern=DNS1123_LABEL, hint=DNS_HINT))
    rendered_manifests: bool = field(default=False, metadata=_meta(
        "Commit the hydrated manifests to gitops/<env>/manifests/ and point the umbrella's "
        "Application at them, so Argo CD applies exactly what was reviewed."))
    name_prefix: str = field(default="", metadata=_meta(
        "Prefix of every Argo CD object's name (Applications, ApplicationSets, the root "
        "Application, both AppProjects), so environments sharing one Argo CD never share an "
        "object; '' = today's names.", pattern=NAME_PREFIX, max_length=40,
        hint="use lowercase letters, digits and '-', starting with a letter or digit, e.g. oke-"))
    destination: Destination = field(default_factory=Destination)
    version: str = field(default="v3.5.1", metadata=_meta(
        "Argo CD version whose CRDs validate the Argo CD objects (`labgen crds pull`).",
        pattern=r"v[0-9]+\.[0-9]+\.[0-9]+", hint='pin an exact version such as "v3.5.1"'))
    instance: str = field(default="", metadata=_meta(
        "Which Argo CD manages this environment (a free label, e.g. hub); environments with "
        "the same instance must not share object names. '' = the environment's own in-cluster "
        "Argo CD.", pattern=r"([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?", max_length=63,
        hint="write a short label such as hub"))

    def named(self, name: str) -> str:
        """``name`` as Argo CD sees it: with :attr:`name_prefix`."""
        return f"{self.name_prefix}{name}"

    @property
    def project_name(self) -> str:
        """The lab's AppProject, as Argo CD sees it."""
        return self.named(self.project)


@dataclass(frozen=True)
class Gateway:
    """The Istio ingress gateway Service."""

    service_type: Literal["LoadBalancer", "NodePort", "ClusterIP"] = field(
        default="LoadBalancer", metadata=_meta("Service type of istio-ingressgateway.")
    )
    service_annotations: Mapping[str, str] = field(
        default_factory=_empty, metadata=_meta("Annotations on the gateway Service (e.g. OCI LB).",
                                               key_format="qualified-key",
                                               item={"format": "annotation-value"})
    )
    load_balancer_source_ranges: tuple[str, ...] = field(
        default=(), metadata=_meta("CIDRs allowed to reach the gateway's load balancer "
                                   "(empty: anyone).", item={"format": "cidr"}))


@dataclass(frozen=True)
class Istio:
    """Istio's control plane, installed from Istio's official Helm charts."""

    version: str = field(
        default="1.30.3",
        metadata=_meta("Exact Istio chart version (no ranges).", pattern=r"[0-9]+\.[0-9]+\.[0-9]+",
                       hint='pin an exact version such as "1.30.3"'),
    )
    chart_repo_url: str = field(
        default="https://istio-release.storage.googleapis.com/charts",
        metadata=_meta("Istio's Helm repository.", key="chartRepoURL", pattern=URL,
                       hint="write the Helm repository URL"),
    )
    gateway: Gateway = field(default_factory=Gateway)
    cni: bool = field(default=False, metadata=_meta(
        "Install Istio's CNI chart: the sidecars' network setup moves from an init container "
        "with NET_ADMIN/NET_RAW to a node agent, so the app namespace enforces Pod Security "
        "'restricted' (without it, 'privileged' with 'restricted' warnings)."))


@dataclass(frozen=True)
class Namespaces:
    """Namespaces of the lab."""

    apps: str = field(default="olympic", metadata=_meta(
        "The sample app's namespace (sidecar injection on).", pattern=DNS1123_LABEL, hint=DNS_HINT))
    observability: str = field(default="istio-system", metadata=_meta(
        "Namespace of Prometheus, Grafana, Jaeger, Kiali, Loki.", pattern=DNS1123_LABEL,
        hint=DNS_HINT))


@dataclass(frozen=True)
class Expose:
    """How the observability UIs are reached."""

    mode: Literal["clusterIP", "nodePort", "loadBalancer"] = field(
        default="clusterIP", metadata=_meta("clusterIP (port-forward), nodePort or loadBalancer.")
    )
    node_ports: Mapping[str, int] = field(
        default_factory=_empty,
        metadata=_meta(
            "Fixed node ports per UI (mode nodePort).",
            key_pattern="|".join(NODE_PORT_SERVICES),
            key_hint="node ports exist for " + ", ".join(NODE_PORT_SERVICES),
            item={"minimum": 30000, "maximum": 32767},
        ),
    )
    load_balancer_annotations: Mapping[str, str] = field(
        default_factory=_empty, metadata=_meta("Annotations on UI Services (mode loadBalancer).",
                                               key_format="qualified-key",
                                               item={"format": "annotation-value"})
    )
    load_balancer_source_ranges: tuple[str, ...] = field(
        default=(), metadata=_meta("CIDRs allowed to reach the UIs' load balancers (mode "
                                   "loadBalancer; empty: anyone, which labgen warns about).",
                                   item={"format": "cidr"}))


@dataclass(frozen=True)
class BackendVersion:
    """One version of backend-app (a Deployment and a DestinationRule subset)."""

    replicas: int = field(default=2, metadata=_meta("Pod replicas.", minimum=0, maximum=50))


def default_backend_versions() -> Mapping[str, BackendVersion]:
    return MappingProxyType({v: BackendVersion() for v in ("v1", "v2", "v3")})


@dataclass(frozen=True)
class Apps:
    """The Olympic sample app: frontend, backend versions, datasource."""

    image_registry: str = field(
        default="nrt.ocir.io/orasejapan/codeatcustomer",
        metadata=_meta("Registry and path of the app images.", format="image-repository"),
    )
    image_tag: str = field(
        default="helidon4",
        metadata=_meta("Tag of every app image; never 'latest'.",
                       pattern=r"(?!latest$)[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}",
                       hint="pin an image tag (not empty, not 'latest'), e.g. helidon4"),
    )
    replicas: int = field(default=2, metadata=_meta("Replicas of frontend and datasource.",
                                                    minimum=0, maximum=50))
    backend_versions: Mapping[str, BackendVersion] = field(
        default_factory=default_backend_versions,
        metadata=_meta("Backend versions by subset name.", key_pattern=r"v[0-9]{1,2}",
                       key_hint="name versions v1, v2, ..."),
    )


@dataclass(frozen=True)
class HeaderRoute:
    """Requests with this header go to one subset, before the weighted split."""

    header: str = field(default="", metadata=_meta("Header name.", pattern=r"[a-z0-9-]+",
                                                   hint="write a lowercase header name"))
    exact: str = field(default="", metadata=_meta("Exact header value.", max_length=1024))
    subset: str = field(default="", metadata=_meta("Subset that receives the matched requests.",
                                                   pattern=r"v[0-9]{1,2}",
                                                   hint="name a backend version such as v3"))


@dataclass(frozen=True)
class Traffic:
    """The active traffic scenario for backend-app."""

    scenario: str = field(
        default="random",
        metadata=_meta("A built-in scenario or 'custom': " + ", ".join(scenarios.NAMES)),
    )
    weights: Mapping[str, int] | None = field(
        default=None, metadata=_meta("Weights by subset when scenario is custom; sum 100.",
                                     item={"minimum": 0, "maximum": 100}))
    header_route: HeaderRoute | None = field(default=None)
    steps: tuple[Mapping[str, int], ...] = field(
        default=(), metadata=_meta("Progressive rollout: weight maps, in order.",
                                   item={"item": {"minimum": 0, "maximum": 100}}))


@dataclass(frozen=True)
class Storage:
    """Persistent storage for a component."""

    enabled: bool = field(default=False, metadata=_meta("Use a PersistentVolumeClaim."))
    storage_class: str = field(default="", metadata=_meta("StorageClass ('' = cluster default).",
                                                          format="storage-class"))
    size: str = field(default="10Gi", metadata=_meta("Volume size.", pattern=QUANTITY,
                                                     hint="write a size such as 50Gi"))


@dataclass(frozen=True)
class Observability:
    """Settings of the observability components."""

    prometheus_retention: str = field(default="15d", metadata=_meta(
        "Prometheus TSDB retention.", pattern=r"[0-9]+[dhw]", hint="write e.g. 15d"))
    prometheus_storage: Storage = field(default_factory=Storage)
    loki_storage: Storage = field(default_factory=Storage)
    grafana_anonymous_role: Literal["none", "Viewer", "Editor", "Admin"] = field(
        default="none", metadata=_meta("Role of anonymous Grafana users; 'none' turns it off."))
    kiali_auth_strategy: Literal["anonymous", "token", "openid", "header"] = field(
        default="token", metadata=_meta("Kiali's auth.strategy."))
    tracing_sampling: int = field(default=100, metadata=_meta(
        "Percent of requests traced (Telemetry randomSamplingPercentage).", minimum=0, maximum=100))


#: Switch each part of the lab on or off: one boolean per component of the registry.
Components = make_dataclass(
    "Components",
    [(item.key, bool, field(default=True, metadata=_meta(item.doc))) for item in COMPONENTS],
    frozen=True)
Components.__module__ = __name__
Components.__doc__ = "Switch each part of the lab on or off."


@dataclass(frozen=True)
class ClusterOverrides:
    """What one participant cluster changes. Only settings that reach the umbrella chart's
    values (its own values.yaml); checked again, merged onto the environment, by the same model."""

    expose: Expose | None = None
    apps: Apps | None = None
    traffic: Traffic | None = None
    observability: Observability | None = None
    components: Components | None = None  # type: ignore[valid-type]
    helm_values: Mapping[str, Any] | None = field(default=None, metadata=_meta(
        "Extra umbrella-chart values for this cluster, deep-merged last."))


@dataclass(frozen=True)
class ParticipantCluster:
    """One participant cluster of a workshop."""

    name: str = field(default="", metadata=_meta(
        "Participant name; prefixes its Applications (<name>-<part>).",
        pattern=DNS1123_LABEL, hint=DNS_HINT))
    server: str = field(default="", metadata=_meta(
        "Kubernetes API URL as registered in Argo CD (or give clusterName).",
        pattern=CLUSTER_SERVER, hint="write the API server URL, e.g. https://203.0.113.10:6443"))
    cluster_name: str = field(default="", metadata=_meta(
        "Argo CD cluster name (instead of server).", pattern=r"[A-Za-z0-9]([-A-Za-z0-9_.@]*[A-Za-z0-9])?",
        hint="write the cluster's name as `argocd cluster list` shows it"))
    overrides: ClusterOverrides = field(default_factory=ClusterOverrides)


@dataclass(frozen=True)
class Clusters:
    """Render one lab per participant cluster, through ApplicationSets."""

    generator: Literal["list", "clusterLabels"] = field(default="list", metadata=_meta(
        "list: the clusters below; clusterLabels: Argo CD cluster secrets matching selector."))
    selector: Mapping[str, str] = field(default_factory=_empty, metadata=_meta(
        "Labels of Argo CD cluster secrets (generator clusterLabels).",
        key_pattern=LABEL_KEY, key_hint="write a Kubernetes label key", key_format="qualified-key",
        item={"pattern": LABEL_VALUE, "hint": "write a Kubernetes label value"}))
    items: tuple[ParticipantCluster, ...] = field(default=(), metadata=_meta(
        "The participant clusters, each with optional overrides."))


@dataclass(frozen=True)
class Acknowledgement:
    """A validation finding accepted on purpose."""

    check: str = field(default="", metadata=_meta(
        "Rule id, as 'labgen validate --list-checks' prints it (e.g. nodeport-exposure).",
        pattern=r"[a-z0-9]+(-[a-z0-9]+)*", hint="write a rule id such as nodeport-exposure"))
    reason: str = field(default="", metadata=_meta(
        "Why the finding is accepted (required).", pattern=r".*\S.*",
        hint="say why the finding is accepted"))
    resource: str = field(default="", metadata=_meta(
        "Kind/namespace/name or Kind/name of the resource ('' = every resource).",
        pattern=r"[A-Za-z0-9]+/[a-z0-9.-]+(/[a-z0-9.-]+)?",
        hint="write Kind/namespace/name, e.g. Service/istio-system/grafana"))


@dataclass(frozen=True)
class Validation:
    """How this environment's manifests are validated."""

    acknowledge: tuple[Acknowledgement, ...] = field(default=(), metadata=_meta(
        "Findings accepted on purpose, each with its reason: they are listed as "
        "acknowledged and do not fail --strict."))


@dataclass(frozen=True)
class EnvironmentFile:
    """An environment file: ``environments/<name>.yaml``."""

    extends: str | None = field(default=None, metadata=_meta("Environment this one layers on."))
    abstract: bool = field(default=False, metadata=_meta("A layer only; not rendered itself."))
    description: str = field(default="", metadata=_meta("One line shown by 'labgen envs'.",
                                                        max_length=500))
    cluster: Cluster = field(default_factory=Cluster)
    argocd: ArgoCD = field(default_factory=ArgoCD, metadata={"key": "argocd"})
    istio: Istio = field(default_factory=Istio)
    namespaces: Namespaces = field(default_factory=Namespaces)
    expose: Expose = field(default_factory=Expose)
    apps: Apps = field(default_factory=Apps)
    traffic: Traffic = field(default_factory=Traffic)
    observability: Observability = field(default_factory=Observability)
    components: Components = field(default_factory=Components)  # type: ignore[valid-type]
    helm_values: Mapping[str, Any] | None = field(default=None, metadata=_meta(
        "Extra umbrella-chart values, deep-merged last (checked by the chart's schema)."))
    clusters: Clusters | None = field(default=None, metadata=_meta(
        "Workshop mode: one lab per participant cluster (ApplicationSets)."))
    validation: Validation = field(default_factory=Validation)

