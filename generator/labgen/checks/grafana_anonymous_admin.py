"""grafana-anonymous-admin (warning): Grafana does not give anonymous visitors the Admin role.

The hands-on's Grafana set ``GF_AUTH_ANONYMOUS_ENABLED=true`` with
``GF_AUTH_ANONYMOUS_ORG_ROLE=Admin``: anyone who reaches the NodePort can
change data sources and read every metric and log. Read from container env
and from ``grafana.ini`` in ConfigMaps (``[auth.anonymous]``).

Passes: anonymous enabled with ``org_role = Viewer``, or anonymous disabled.

Fails: ``env: [{name: GF_AUTH_ANONYMOUS_ENABLED, value: "true"},
{name: GF_AUTH_ANONYMOUS_ORG_ROLE, value: Admin}]``.
"""

from __future__ import annotations

import configparser
from collections.abc import Iterator

from ..findings import Finding, Severity, ValidationOptions
from .inventory import Inventory, Reporter, as_list, as_map

ID = "grafana-anonymous-admin"
SEVERITY: Severity = "warning"
report = Reporter(ID, SEVERITY)
MESSAGE = "Grafana gives anonymous users the Admin role; use Viewer or disable anonymous access"


def run(inventory: Inventory, options: ValidationOptions) -> Iterator[Finding]:
    for template in inventory.templates:
        for path, container in template.containers():
            env = {str(as_map(e).get("name")): str(as_map(e).get("value", ""))
                   for e in as_list(container.get("env"))}
            if env.get("GF_AUTH_ANONYMOUS_ENABLED", "").lower() == "true" and \
                    env.get("GF_AUTH_ANONYMOUS_ORG_ROLE", "").lower() == "admin":
                yield report(template.doc, f"{path}.env", MESSAGE)
    for config_map in inventory.kind("ConfigMap"):
        text = as_map(config_map.body.get("data")).get("grafana.ini")
        if isinstance(text, str) and _ini_anonymous_admin(text):
            yield report(config_map, 'data."grafana.ini"', MESSAGE)


def _ini_anonymous_admin(text: str) -> bool:
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    try:
        parser.read_string(text)
    except configparser.Error:
        return False
    if not parser.has_section("auth.anonymous"):
        return False
    section = parser["auth.anonymous"]
    return section.get("enabled", "").strip().lower() == "true" and \
        section.get("org_role", "Viewer").strip().lower() == "admin"
