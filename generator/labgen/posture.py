"""Security posture and login notes of an environment, in words for people.

The generated README shows them under "Before you expose this" and after the
UI table; ``labgen access`` prints them too.
"""

from __future__ import annotations

from .components import enabled
from .environment import Environment


def warnings_of(env: Environment) -> list[str]:
    """What an environment exposes that a person should restrict before going live."""
    spec = env.spec
    notes = []
    if spec.expose.mode == "nodePort":
        ports = ", ".join(f"{name} {port}" for name, port in spec.expose.node_ports.items())
        notes.append(f"The UIs are NodePorts ({ports}) on every node. The hands-on opened "
                     "30000-65535 to 0.0.0.0/0: open only these ports, only to your own address.")
    if spec.expose.mode == "loadBalancer" and not spec.expose.load_balancer_source_ranges:
        notes.append("The UI load balancers accept any source; set expose.loadBalancerSourceRanges.")
    open_uis = [name for name in ("prometheus", "jaeger") if enabled(spec.components, name)]
    if spec.expose.mode != "clusterIP" and open_uis:
        notes.append(f"{' and '.join(n.capitalize() for n in open_uis)} have no login of their "
                     "own: whoever reaches their port reads every metric and trace.")
    if (spec.istio.gateway.service_type == "LoadBalancer"
            and not spec.istio.gateway.load_balancer_source_ranges):
        notes.append("The ingress gateway's load balancer accepts any source; set "
                     "istio.gateway.loadBalancerSourceRanges to limit who reaches the app.")
    if spec.observability.grafana_anonymous_role == "Admin":
        notes.append("Grafana gives anonymous visitors the Admin role.")
    if spec.observability.kiali_auth_strategy == "anonymous":
        notes.append("Kiali lets anyone in (auth strategy anonymous).")
    return notes


def login_notes(env: Environment) -> list[str]:
    """How a person logs in to the UIs."""
    spec = env.spec
    ns = spec.namespaces.observability
    notes = []
    if enabled(spec.components, "grafana"):
        notes.append("Grafana: user `admin`; the password is generated in the cluster (never "
                     f"committed): `kubectl -n {ns} get secret grafana-admin -o jsonpath="
                     "'{.data.password}' | base64 -d` (or name your own Secret in "
                     "`grafana.admin.existingSecret` through `helmValues`).")
    if enabled(spec.components, "kiali") and spec.observability.kiali_auth_strategy == "token":
        notes.append("Kiali asks for a token: log in as the read-only `kiali-viewer` with a "
                     f"short-lived one, `kubectl -n {ns} create token kiali-viewer --duration 1h` "
                     "(never with Kiali's own ServiceAccount).")
    return notes
