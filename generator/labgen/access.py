"""How a person reaches each UI of an environment (``labgen access``, README)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .components import enabled, uis
from .environment import Environment
from .results import AccessReport


@dataclass(frozen=True)
class Access:
    title: str
    #: The command to run first, if any (port-forward, or a lookup of the address).
    command: str
    url: str


def ui_access(env: Environment) -> list[Access]:
    """One entry per enabled UI, in a fixed order."""
    spec = env.spec
    ns = spec.namespaces.observability
    out = []
    for item, ui in uis():
        if not enabled(spec.components, item.key):
            continue
        if spec.expose.mode == "nodePort":
            port = spec.expose.node_ports[ui.service]
            command = ("kubectl get nodes -o jsonpath="
                       "'{.items[0].status.addresses[?(@.type==\"ExternalIP\")].address}'")
            out.append(Access(ui.title, command, f"http://<node-ip>:{port}{ui.path}"))
        elif spec.expose.mode == "loadBalancer":
            command = (f"kubectl -n {ns} get svc {ui.service} -o jsonpath="
                       "'{.status.loadBalancer.ingress[0].ip}'")
            out.append(Access(ui.title, command, f"http://<external-ip>:{ui.port}{ui.path}"))
        else:
            command = f"kubectl -n {ns} port-forward svc/{ui.service} {ui.local_port}:{ui.port}"
            out.append(Access(ui.title, command, f"http://localhost:{ui.local_port}{ui.path}"))
    return out


def app_access(env: Environment) -> Access:
    """The Olympic frontend, through the Istio ingress gateway."""
    gateway = env.spec.istio.gateway
    if gateway.service_type == "LoadBalancer":
        command = ("kubectl -n istio-system get svc istio-ingressgateway -o jsonpath="
                   "'{.status.loadBalancer.ingress[0].ip}'")
        return Access("Olympic app", command, "http://<external-ip>/")
    if gateway.service_type == "NodePort":
        command = ("kubectl -n istio-system get svc istio-ingressgateway -o jsonpath="
                   "'{.spec.ports[?(@.name==\"http2\")].nodePort}'")
        return Access("Olympic app", command, "http://<node-ip>:<node-port>/")
    command = "kubectl -n istio-system port-forward svc/istio-ingressgateway 8080:80"
    return Access("Olympic app", command, "http://localhost:8080/")


@dataclass(frozen=True)
class ClusterAccess:
    """A participant cluster of a workshop and the URLs of its UIs and app."""

    cluster: str
    #: Its API server URL or Argo CD cluster name ("" when Argo CD's cluster secrets say).
    address: str
    #: ``(title, url)`` in the order of :func:`ui_access`, then the app.
    urls: tuple[tuple[str, str], ...]


def cluster_access(cluster: str, address: str, env: Environment) -> ClusterAccess:
    """Access of one participant cluster; ``env`` carries its overrides (e.g. node ports)."""
    items = [*ui_access(env), app_access(env)]
    return ClusterAccess(cluster, address, tuple((item.title, item.url) for item in items))



def access_report(root: Path, name: str) -> AccessReport:
    """``labgen access``: the UIs and the app of ``name``, per participant for a workshop."""
    from .clusters import expand_clusters
    from .environment import load_environment
    from .posture import login_notes, warnings_of

    env = load_environment(root, name)
    participants = tuple(cluster_access(p.name, p.server or p.cluster_name, p.env)
                         for p in expand_clusters(env))
    items = () if participants else (*ui_access(env), app_access(env))
    return AccessReport(items, participants, tuple(login_notes(env)), tuple(warnings_of(env)))
