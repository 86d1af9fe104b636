"""Workshop mode: one lab per participant cluster.

An environment with a ``clusters`` section stands for many clusters. Each
cluster's ``overrides`` are deep-merged onto the environment's raw (merged)
data and the result goes through the same typed model and the same cross-key
checks as any environment, so a bad override fails with its own file and line.
The outcome, one :class:`Environment` per cluster, feeds the same chart-values
function as a single environment.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from . import layout
from .env_model import Clusters, ParticipantCluster
from .environment import Environment, Layers, environment_from_layers, merge_layer
from .errors import InputError
from .yaml_io import KeyPath


@dataclass(frozen=True)
class ParticipantEnvironment:
    """One participant cluster: where it is and its environment with overrides applied."""

    name: str
    #: Kubernetes API URL (generator list with server), else "".
    server: str
    #: Argo CD cluster name (generator list with clusterName), else "".
    cluster_name: str
    env: Environment

    @property
    def folder(self) -> str:
        """``clusters/<name>``, relative to ``gitops/<env>/``."""
        return layout.participant_dir(self.name)

    @property
    def values_path(self) -> str:
        return layout.participant_values(self.name)


def expand_clusters(env: Environment) -> list[ParticipantEnvironment]:
    """One environment per participant cluster; InputError (file:line) on any problem."""
    clusters = env.spec.clusters
    if clusters is None:
        return []
    layers = env.layers
    assert layers is not None, "an Environment from load_environment carries its layers"
    fail = _failer(layers)
    _check_section(env, clusters, fail)
    _check_items(clusters, fail)
    return [
        ParticipantEnvironment(name=item.name, server=item.server, cluster_name=item.cluster_name,
                               env=_participant_env(env, layers, index, item.name))
        for index, item in enumerate(clusters.items)
    ]


_Fail = Callable[[KeyPath, str], None]
_ITEMS_PATH: KeyPath = ("clusters", "items")


def _failer(layers: Layers) -> _Fail:
    """``fail(path, message)``: raise InputError at the file and line of ``path``."""

    def fail(path: KeyPath, message: str) -> None:
        file, line = layers.locate(path)
        raise InputError(message, file=file, line=line)

    return fail


def _check_section(env: Environment, clusters: Clusters, fail: _Fail) -> None:
    """The ``clusters`` section as a whole: items present, generator and selector agree."""
    if not clusters.items:
        fail(_ITEMS_PATH, "clusters.items is empty; list at least one cluster (name and server)")
    if clusters.generator == "list" and clusters.selector:
        fail(("clusters", "selector"), "clusters.selector is only read with generator "
             "clusterLabels; remove it or set generator: clusterLabels")
    if clusters.generator == "clusterLabels" and not clusters.selector:
        fail(("clusters", "selector"), "generator clusterLabels needs clusters.selector, e.g. "
             "selector: {workshop: oke}")
    if env.spec.argocd.rendered_manifests:
        fail(("argocd", "renderedManifests"), "argocd.renderedManifests is not supported with "
             "clusters yet; remove one of them")


def _check_items(clusters: Clusters, fail: _Fail) -> None:
    """Each cluster named once; with generator list, each with its own address."""
    names: dict[str, int] = {}
    addresses = _Addresses()
    for index, item in enumerate(clusters.items):
        at: KeyPath = (*_ITEMS_PATH, index)
        if not item.name:
            fail(at, f"clusters.items[{index}] needs a name (e.g. team-01)")
        if item.name in names:
            fail((*at, "name"), f"cluster name '{item.name}' is used twice (items {names[item.name]} "
                 f"and {index}); give each cluster its own name")
        names[item.name] = index
        if clusters.generator == "clusterLabels":
            if item.server or item.cluster_name:
                fail(at, f"cluster {item.name}: with generator clusterLabels Argo CD's cluster "
                     "secrets give the address; remove server and clusterName")
            continue
        addresses.check(item, at, fail)


@dataclass
class _Addresses:
    """Generator list: the clusters' addresses so far."""

    #: Whether the clusters give a server (True) or a clusterName (False); None before the first.
    by_server: bool | None = None
    #: address -> the cluster that has it
    owners: dict[str, str] = field(default_factory=dict)

    def check(self, item: ParticipantCluster, at: KeyPath, fail: _Fail) -> None:
        """Exactly one of server/clusterName, the same one as the other clusters, and an
        address no other cluster has."""
        if bool(item.server) == bool(item.cluster_name):
            fail(at, f"cluster {item.name}: give either server (a URL) or clusterName (an Argo CD "
                 "cluster name), exactly one")
        uses_server = bool(item.server)
        if self.by_server is None:
            self.by_server = uses_server
        elif self.by_server != uses_server:
            fail(at, f"cluster {item.name}: give every cluster a server, or every cluster a "
                 "clusterName, not a mix")
        address = item.server or item.cluster_name
        if address in self.owners:
            fail((*at, "server" if uses_server else "clusterName"),
                 f"cluster {item.name} has the same address {address} as {self.owners[address]}; "
                 "each participant needs its own cluster")
        self.owners[address] = item.name


def _participant_env(env: Environment, layers: Layers, index: int, name: str) -> Environment:
    """The environment with cluster ``index``'s overrides merged in, checked again."""
    prefix: KeyPath = ("clusters", "items", index, "overrides")
    raw_items = layers.data["clusters"]["items"]
    overrides = raw_items[index].get("overrides") or {}
    data = merge_layer(layers.data, overrides)
    data.pop("clusters", None)
    # Keys the override set point at the override's lines; the rest at the environment's.
    where = dict(layers.where)
    for path, location in layers.where.items():
        if path[:len(prefix)] == prefix and len(path) > len(prefix):
            where[path[len(prefix):]] = location
    merged = Layers(data=data, where=where, files=layers.files)
    try:
        return environment_from_layers(env.name, merged)
    except InputError as exc:
        raise _in_cluster(exc, name) from None


def _in_cluster(exc: InputError, name: str) -> InputError:
    """The same error, saying which cluster it is about."""
    where = ""
    if exc.file is not None:
        where = f"{exc.file}:{exc.line}: " if exc.line is not None else f"{exc.file}: "
    message = exc.message[len(where):] if exc.message.startswith(where) else exc.message
    return InputError(f"cluster {name}: {message}", file=exc.file, line=exc.line)
