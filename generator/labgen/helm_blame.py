"""A chart's refusal, blamed on the environment key that produced the value.

Helm names the chart's side of a failure: a values path (a ``values.schema.json``
violation: ``- at '/frontend/replicas': got string, want integer``), a
template's ``fail``/``required`` message (the charts start theirs with the
values path, ``traffic.virtualService.weights: ...``) or a type error at
``<.Values.image.tag>``. :func:`blame` turns that path back into the key of the
environment file that set it, with its line:

    environments/kind.yaml:29: helmValues.olympic-apps.frontend.replicas: got string,
    want integer (the chart refuses the value at olympic-apps.frontend.replicas: ...)

``helmValues`` reach the chart as written, so a path under a key they set is
blamed on that key; every other value comes from one model key, listed in
:data:`SOURCES` (the inverse of :func:`labgen.chart_values.chart_values`; a test
keeps the two in step).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from . import layout
from .components import COMPONENTS
from .errors import HelmError, printable
from .helm_engine import IGNORED_PREFIX, IGNORED_VALUE
from .typed_config import camel, dotted

if TYPE_CHECKING:
    from .environment import Environment
    from .yaml_io import KeyPath

__all__ = ["SOURCES", "blame", "failing_path", "source_key"]

#: The umbrella chart's name: Helm's prefix of its values paths and template paths.
UMBRELLA = layout.UMBRELLA_CHART.rpartition("/")[2]
_S = tuple[str, ...]

#: Chart values path (a prefix) -> the environment keys it is made of, most specific first.
SOURCES: dict[_S, tuple[_S, ...]] = {
    ("global", "observabilityNamespace"): (("namespaces", "observability"),),
    ("global", "platform"): (("cluster", "platform"),),
    ("global", "expose", "mode"): (("expose", "mode"),),
    ("global", "expose", "nodePorts"): (("expose", "nodePorts"),),
    ("global", "expose", "loadBalancerAnnotations"): (("expose", "loadBalancerAnnotations"),),
    ("global", "expose", "loadBalancerSourceRanges"): (("expose", "loadBalancerSourceRanges"),),
    ("olympic-apps", "image", "registry"): (("apps", "imageRegistry"),),
    ("olympic-apps", "image", "tag"): (("apps", "imageTag"),),
    ("olympic-apps", "frontend", "replicas"): (("apps", "replicas"),),
    ("olympic-apps", "datasource", "replicas"): (("apps", "replicas"),),
    ("olympic-apps", "backend", "versions"): (("apps", "backendVersions"),),
    ("traffic", "scenario"): (("traffic", "scenario"),),
    ("traffic", "subsets"): (("apps", "backendVersions"),),
    ("traffic", "virtualService", "headerMatch"): (("traffic", "headerRoute"),
                                                   ("traffic", "scenario")),
    ("traffic", "virtualService"): (("traffic", "weights"), ("traffic", "scenario")),
    ("prometheus", "retention"): (("observability", "prometheusRetention"),),
    ("prometheus", "persistence"): (("observability", "prometheusStorage"),),
    ("grafana", "anonymous"): (("observability", "grafanaAnonymousRole"),),
    ("jaeger", "telemetry", "samplingPercentage"): (("observability", "tracingSampling"),),
    ("kiali", "auth", "strategy"): (("observability", "kialiAuthStrategy"),),
    ("loki", "persistence"): (("observability", "lokiStorage"),),
    **{(item.chart, "enabled"): (("components", camel(item.key)),) for item in COMPONENTS},
}

_SCHEMA = re.compile(r"following chart\(s\):\s*([\w.-]+):\s*-\s*at\s*'((?:/[^']*)?)':\s*"
                     r"(.*?)(?=\s+-\s*at\s*'|\s+[\w.-]+:\s+-\s|$)")
_SCHEMA_OLD = re.compile(r"following chart\(s\):\s*([\w.-]+):\s*-\s*([\w.\-]+):\s*(.*?)"
                         r"(?=\s+-\s|$)")
_FAIL = re.compile(r"(?:execution error at \(([^)]*)\)|error calling required):\s*"
                   r"([A-Za-z][\w-]*(?:\.[\w-]+)*):\s*(.*)")
_VALUES_REF = re.compile(r"template: ([^:]*):[^<]*<\$?\.Values\.([\w.-]+)>:\s*(.*)")
_IGNORED = re.compile(rf"{IGNORED_PREFIX}{IGNORED_VALUE}{UMBRELLA}\.([\w.-]+?)(?::| is a table| \(|$)")
_EXTRA = re.compile(r"additional propert(?:y|ies) '([^']+)'")
_SUBCHART = re.compile(rf"^{UMBRELLA}/charts/([\w-]+)/")


def _chart_of(template: str) -> str | None:
    match = _SUBCHART.match(template)
    return match[1] if match else None


def _in_chart(chart: str | None, path: _S) -> _S:
    """A subchart's own values path as a path of the umbrella chart's values."""
    if chart in (None, UMBRELLA) or path[:1] == ("global",):
        return path
    return (str(chart), *path)


def failing_path(message: str) -> tuple[_S, str] | None:
    """The umbrella values path a Helm message blames, and what is wrong there."""
    match = _SCHEMA.search(message)
    if match:
        parts = tuple(p.replace("~1", "/").replace("~0", "~") for p in match[2].split("/")[1:])
        extra = _EXTRA.match(match[3])  # "additional properties 'x' not allowed": blame x
        return _in_chart(match[1], (*parts, *extra.groups()) if extra else parts), \
            match[3].strip()
    match = _SCHEMA_OLD.search(message)
    if match:
        return _in_chart(match[1], tuple(match[2].split("."))), match[3].strip()
    match = _FAIL.search(message)
    if match:  # the charts start fail/required messages with the umbrella values path
        return tuple(match[2].split(".")), match[3].strip()
    match = _IGNORED.search(message)
    if match:
        return tuple(match[1].split(".")), "Helm ignores this value: it replaces a table with " \
            "a plain value, or a plain value with a table"
    match = _VALUES_REF.search(message)
    if match:
        return _in_chart(_chart_of(match[1]), tuple(match[2].split("."))), match[3].strip()
    return None


def _set_in(data: Any, path: _S) -> int:
    """How many leading parts of ``path`` name keys ``data`` sets."""
    depth = 0
    for part in path:
        if not isinstance(data, Mapping) or part not in data:
            break
        data, depth = data[part], depth + 1
    return depth


def source_key(env: Environment, path: _S) -> KeyPath | None:
    """The environment key the chart values at ``path`` came from (None: none known)."""
    helm_values = env.spec.helm_values
    depth = _set_in(helm_values, path) if helm_values is not None else 0
    if depth >= min(2, len(path)) and depth:
        return ("helmValues", *path[:depth])
    for cut in range(len(path), 0, -1):
        keys = SOURCES.get(path[:cut])
        if keys:
            where = env.layers.where if env.layers else {}
            return next((key for key in keys if key in where), keys[-1])
    return ("helmValues", *path[:depth]) if depth else None


def blame(env: Environment, error: HelmError, cluster: str | None = None) -> HelmError:
    """``error`` as one line naming the environment file, line and key (unchanged when
    Helm's message names no values path); ``cluster``: the workshop participant's."""
    found = failing_path(error.message)
    if found is None:
        if env.spec.helm_values is None:
            return error
        return HelmError(f"{error.message} (helmValues of {env.files[-1]} or its layers reach "
                         "the chart as written: check them)")
    path, what = found
    key = source_key(env, path)
    if key is None:
        return HelmError(f"{error.message} (values path {printable('.'.join(path))}; no "
                         "environment key sets it)")
    file, line = env.layers.locate(key) if env.layers else (env.files[-1], None)
    where = f"{file}:{line}" if line is not None else f"{file or env.files[-1]}"
    via = "; helmValues reach the chart as written" if key[0] == "helmValues" else ""
    of = f"cluster {printable(cluster)}: " if cluster else ""
    return HelmError(
        f"{where}: {of}{printable(dotted(key))}: {printable(what)} (the chart refuses the value at "
        f"{printable('.'.join(path))}{via}: change {printable(dotted(key))})")
