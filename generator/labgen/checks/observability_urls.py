"""observability-urls: in-cluster URLs of the observability stack point at Services and ports.

Reads Grafana datasource provisioning, Kiali's ``config.yaml``
(``external_services``), promtail ``clients`` and Alloy ``url = "..."``
in ConfigMaps, and Istio's zipkin address / tracing extension providers in the
Helm values of Argo CD Applications. ``http://name[.ns[.svc[.cluster.local]]]:port``
must resolve to a Service with that port; external hosts are skipped.

Passes::

    kind: Service     # loki, ports [{port: 3100}]
    kind: ConfigMap   # datasources.yaml: "datasources: [{name: Loki, url: http://loki:3100}]"

Fails: ``url: http://loki:3101`` (no such port) or ``http://lokii:3100`` (no such Service).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator, Mapping
from typing import Any
from urllib.parse import urlsplit

from ..findings import Finding, Severity, ValidationOptions
from ..manifests import Document
from ..yaml_io import YAMLError, safe_load
from .inventory import Inventory, Reporter, as_list, as_map, service_ports

ID = "observability-urls"
SEVERITY: Severity = "error"
report = Reporter(ID, SEVERITY)

URL_KEYS = frozenset({"url", "in_cluster_url", "internal_url", "url_service_version", "address"})
_ALLOY_URL = re.compile(r'\burl\s*=\s*"([^"]+)"')
_DEFAULT_PORTS = {"http": 80, "https": 443, "grpc": 80}


def config_urls(config_map: Document) -> Iterator[tuple[str, str]]:
    """``(path, address)`` of every in-config URL of a ConfigMap (also read by
    network-reachability)."""
    for key, text in as_map(config_map.body.get("data")).items():
        if not isinstance(text, str):
            continue
        path = f'data."{key}"' if "." in str(key) else f"data.{key}"
        if str(key).endswith(".alloy"):
            yield from ((path, m) for m in _ALLOY_URL.findall(text))
        else:
            yield from _urls_in(_parse(text), path)


def run(inventory: Inventory, options: ValidationOptions) -> Iterator[Finding]:
    for config_map in inventory.kind("ConfigMap"):
        for where, address in config_urls(config_map):
            yield from _check(inventory, config_map, config_map.namespace, where, address)
    for app in inventory.kind("Application"):
        spec = as_map(app.body.get("spec"))
        namespace = str(as_map(spec.get("destination")).get("namespace", ""))
        sources = [("spec.source", spec.get("source"))] + [
            (f"spec.sources[{i}]", s) for i, s in enumerate(as_list(spec.get("sources")))]
        for path, source in sources:
            helm = as_map(as_map(source).get("helm"))
            values: Any = helm.get("valuesObject")
            where = f"{path}.helm.valuesObject"
            if values is None and isinstance(helm.get("values"), str):
                values, where = _parse(helm["values"]), f"{path}.helm.values"
            for url_path, address in [*_urls_in(values, where), *_providers(values, where)]:
                yield from _check(inventory, app, namespace, url_path, address)


@functools.lru_cache(maxsize=512)
def _parse(text: str) -> Any:
    """The YAML in a ConfigMap or values string (read-only; copies of one config share it)."""
    try:
        return safe_load(text)
    except YAMLError:
        return None


def _urls_in(data: Any, path: str) -> Iterator[tuple[str, str]]:
    if isinstance(data, Mapping):
        for key, value in data.items():
            sub = f"{path}.{key}"
            if key in URL_KEYS and isinstance(value, str) and value:
                yield sub, value
            else:
                yield from _urls_in(value, sub)
    elif isinstance(data, list):
        for index, item in enumerate(data):
            yield from _urls_in(item, f"{path}[{index}]")


def _providers(data: Any, path: str) -> Iterator[tuple[str, str]]:
    """Istio ``meshConfig.extensionProviders[].zipkin|opentelemetry`` service:port."""
    mesh = as_map(as_map(data).get("meshConfig"))
    for index, provider in enumerate(as_list(mesh.get("extensionProviders"))):
        for kind, body in as_map(provider).items():
            body = as_map(body)
            if isinstance(body.get("service"), str) and kind != "name":
                yield (f"{path}.meshConfig.extensionProviders[{index}].{kind}",
                       f"{body['service']}:{body.get('port', 80)}")


def _check(inventory: Inventory, doc: Document, namespace: str, path: str,
           address: str) -> Iterator[Finding]:
    split = urlsplit(address if "://" in address else f"tcp://{address}")
    host = split.hostname
    if not host:
        return
    try:
        port = split.port or _DEFAULT_PORTS.get(split.scheme)
    except ValueError:
        yield report(doc, path, f"{address!r} has an invalid port")
        return
    services = inventory.resolve_host(host, namespace)
    if services is None:
        return
    if not services:
        yield report(doc, path, f"{address!r}: no Service {host!r}")
        return
    ports = {p.get("port") for s in services for p in service_ports(s)}
    if port is not None and port not in ports:
        shown = ", ".join(str(p) for p in sorted(p for p in ports if isinstance(p, int)))
        yield report(doc, path, f"{address!r}: Service {host!r} has no port {port} "
                     f"(ports: {shown or 'none'})")
