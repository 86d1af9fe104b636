"""Environments: ``environments/<name>.yaml``, layered with ``extends``,
checked key by key and turned into one typed, immutable :class:`Environment`.

Everything downstream (chart values, the Argo CD tree, the traffic scenario)
is a pure function of the object returned by :func:`load_environment`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import scenarios
from .env_files import ENV_DIR, MAX_EXTENDS, available_environments, display, environment_file, names
from .env_model import EnvironmentFile
from .errors import InputError, InputErrors
from .typed_config import build, deep_merge
from .yaml_io import KeyPath, load_with_lines

__all__ = ["Environment", "Layers", "available_environments", "environment_file",
           "environment_from_layers", "load_environment", "load_layers", "merge_layer"]

_MIN_OKE_VOLUME_GI = 50


@dataclass
class Layers:
    """Merged raw data of an environment and, per key path, where it was set."""

    data: dict[str, Any]
    where: dict[KeyPath, tuple[str, int]]
    files: list[str]
    #: The environment's own file says ``abstract: true`` (a layer; never inherited).
    abstract: bool = False
    #: The environments (not layers) it extends, nearest first: changing them changes it.
    built_on: tuple[str, ...] = ()

    def locate(self, path: KeyPath) -> tuple[str | None, int | None]:
        for cut in range(len(path), -1, -1):
            if path[:cut] in self.where:
                return self.where[path[:cut]]
        return (self.files[-1] if self.files else None), None


@dataclass(frozen=True)
class Environment:
    """A loaded environment: its name, the files it came from, and its settings."""

    name: str
    #: Input files, base first, relative to the repository root.
    files: tuple[str, ...]
    spec: EnvironmentFile
    routes: scenarios.Routes
    #: The merged raw data it was built from (workshop participants merge their overrides on it).
    layers: Layers | None = field(default=None, compare=False, repr=False)

    @property
    def built_on(self) -> tuple[str, ...]:
        """The environments (not layers) this one extends: a change to them changes it."""
        return self.layers.built_on if self.layers else ()

    @property
    def subsets(self) -> tuple[str, ...]:
        """Backend versions in subset order (v1, v2, ..., v10)."""
        return tuple(sorted(self.spec.apps.backend_versions, key=scenarios.version_key))


def load_environment(root: Path, name: str) -> Environment:
    """Load, merge and check environment ``name``; raise InputError on any problem."""
    layers = load_layers(root, name)
    if layers.abstract:
        raise InputError(f"environment '{name}' is a layer (abstract: true); render an environment "
                         "that extends it", file=layers.files[-1], line=layers.locate(("abstract",))[1])
    return environment_from_layers(name, layers)


def load_layers(root: Path, name: str) -> Layers:
    """The merged raw data of environment ``name`` and where each key was set."""
    return _load_layers(root, name, chain=())


def environment_from_layers(name: str, layers: Layers) -> Environment:
    """Check merged ``layers`` against the model and the cross-key rules, and route traffic."""
    spec = build(EnvironmentFile, layers.data, layers.locate)
    errors = _check(spec, layers)
    header = spec.traffic.header_route
    subsets = set(spec.apps.backend_versions)
    routes = None
    try:
        routes = scenarios.resolve(
            spec.traffic.scenario,
            spec.traffic.weights,
            scenarios.HeaderMatch(header.header, header.exact, header.subset) if header else None,
            subsets,
        )
    except scenarios.ScenarioError as exc:
        errors.append(InputError(str(exc), file=layers.locate(exc.key)[0],
                                 line=layers.locate(exc.key)[1]))
    for index, step in enumerate(spec.traffic.steps):
        try:
            scenarios.check_weights(step, subsets, ("traffic", "steps", index))
        except scenarios.ScenarioError as exc:
            errors.append(InputError(str(exc), file=layers.locate(exc.key)[0],
                                     line=layers.locate(exc.key)[1]))
    if errors or routes is None:
        raise errors[0] if len(errors) == 1 else InputErrors(errors)
    return Environment(name=name, files=tuple(layers.files), spec=spec, routes=routes,
                       layers=layers)


def _load_layers(root: Path, name: str, chain: tuple[str, ...]) -> Layers:
    if len(chain) >= MAX_EXTENDS:
        raise InputError(f"'extends' chains more than {MAX_EXTENDS} files; layer fewer files",
                         file=display(root, environment_file(root, chain[-1])), line=1)
    if name in chain:
        cycle = " -> ".join((*chain, name))
        raise InputError(f"'extends' forms a cycle ({cycle}); remove one of the links",
                         file=display(root, environment_file(root, chain[-1])), line=1)
    path = environment_file(root, name)
    shown = display(root, path)
    data, lines = load_with_lines(path, shown)
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise InputError("must be a mapping of settings (key: value)", file=shown, line=1)
    own_where = {key: (shown, line) for key, line in lines.items()}
    parent = data.get("extends")
    if parent is None:
        return Layers(data=data, where=own_where, files=[shown],
                      abstract=data.get("abstract") is True)
    if not isinstance(parent, str):
        raise InputError("'extends' must name an environment, e.g. extends: base",
                         file=shown, line=lines.get(("extends",)))
    if not (root / ENV_DIR / f"{parent}.yaml").is_file():
        known = ", ".join(n for n in names(root) if n != name) or "none"
        raise InputError(f"extends '{parent}', which does not exist; known environments: {known}",
                         file=shown, line=lines.get(("extends",)))
    base = _load_layers(root, parent, (*chain, name))
    child = {key: value for key, value in data.items() if key not in ("extends", "abstract")}
    merged = merge_layer(base.data, child)
    merged.pop("abstract", None)
    where = {**base.where, **own_where}
    parents = base.built_on if base.abstract else (parent, *base.built_on)
    return Layers(data=merged, where=where, files=[*base.files, shown],
                  abstract=data.get("abstract") is True, built_on=parents)


def merge_layer(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    """Layer ``over`` on ``base`` (key by key, ``null`` removes). ``traffic.scenario`` and
    ``traffic.weights`` go together: a layer that names a scenario without weights does not
    inherit the weights of a ``custom`` scenario below it."""
    merged = deep_merge(base, over)
    traffic = over.get("traffic")
    if isinstance(traffic, dict) and "scenario" in traffic and "weights" not in traffic:
        inherited = merged.get("traffic")
        if isinstance(inherited, dict):
            merged["traffic"] = {k: v for k, v in inherited.items() if k != "weights"}
    return merged


_Fail = Callable[[KeyPath, str], None]


def _check(spec: EnvironmentFile, layers: Layers) -> list[InputError]:
    """Rules that span keys (the types were checked by typed_config): every one broken."""
    errors: list[InputError] = []

    def fail(path: KeyPath, message: str) -> None:
        file, line = layers.locate(path)
        errors.append(InputError(message, file=file, line=line))

    if not spec.argocd.repo_url:
        fail(("argocd",), "argocd.repoURL is required; write this repository's git URL")
    if spec.argocd.destination.server and spec.argocd.destination.name:
        fail(("argocd", "destination"), "argocd.destination gives both server and name; keep "
             "exactly one (set the other to null in a layer that extends another)")
    _check_node_ports(spec, fail)
    if spec.cluster.platform == "oke":
        _check_oke_storage(spec, fail)
    _check_header_route(spec, fail)
    if not spec.apps.backend_versions:
        fail(("apps", "backendVersions"), "apps.backendVersions needs at least one version (v1)")
    _check_acknowledgements(spec, fail)
    return errors


def _check_node_ports(spec: EnvironmentFile, fail: _Fail) -> None:
    """Each node port used once; with expose.mode nodePort, one for every exposed Service."""
    ports: dict[int, str] = {}
    for service, port in spec.expose.node_ports.items():
        if port in ports:
            fail(("expose", "nodePorts", service),
                 f"node port {port} is used by both {ports[port]} and {service}; give each its own")
        ports[port] = service
    if spec.expose.mode == "nodePort":
        from .env_model import NODE_PORT_SERVICES

        missing = [s for s in NODE_PORT_SERVICES if s not in spec.expose.node_ports]
        if missing:
            fail(("expose", "nodePorts"),
                 f"expose.mode is nodePort but expose.nodePorts has no port for "
                 f"{', '.join(missing)}; add one from 30000-32767")


def _check_oke_storage(spec: EnvironmentFile, fail: _Fail) -> None:
    """OKE block volumes have a minimum size."""
    for key in ("lokiStorage", "prometheusStorage"):
        storage = getattr(spec.observability, "loki_storage" if key == "lokiStorage"
                          else "prometheus_storage")
        if storage.enabled and _gibibytes(storage.size) < _MIN_OKE_VOLUME_GI:
            fail(("observability", key, "size"),
                 f"observability.{key}.size is {storage.size}, but OKE block volumes are at "
                 f"least {_MIN_OKE_VOLUME_GI}Gi; write {_MIN_OKE_VOLUME_GI}Gi or more")


def _check_header_route(spec: EnvironmentFile, fail: _Fail) -> None:
    """A header route names the header, its exact value and the subset (first missing one)."""
    header = spec.traffic.header_route
    if header is None:
        return
    for key in ("header", "exact", "subset"):
        if not getattr(header, key):
            fail(("traffic", "headerRoute"),
                 f"traffic.headerRoute needs {key}; write header, exact and subset, e.g. "
                 "{header: x-canary, exact: \"true\", subset: v3}")
            break


def _check_acknowledgements(spec: EnvironmentFile, fail: _Fail) -> None:
    for index, ack in enumerate(spec.validation.acknowledge):
        if not ack.check or not ack.reason.strip():
            fail(("validation", "acknowledge", index),
                 f"validation.acknowledge[{index}] needs check and reason; write "
                 "{check: RULE-ID, reason: why it is accepted}")


def _gibibytes(size: str) -> float:
    number, unit = int(size[:-2]), size[-2:]
    return number * {"Mi": 1 / 1024, "Gi": 1, "Ti": 1024}[unit]
