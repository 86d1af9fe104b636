"""What the semantic checks read: the documents of a run, indexed by kind.

Pod templates come from workload controllers (Deployments, StatefulSets,
DaemonSets, ReplicaSets, Jobs), never from live Pods. A document without a
namespace is in "the release namespace", which matches any namespace.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..findings import Finding, Severity
from ..manifests import Document

WORKLOAD_KINDS = ("Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job")
CLUSTER_SUFFIXES = ("svc.cluster.local", "svc")


def as_map(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def same_namespace(a: str, b: str) -> bool:
    return not a or not b or a == b


@dataclass(frozen=True)
class PodTemplate:
    """The pod template of a workload controller."""

    doc: Document
    labels: Mapping[str, str]
    spec: Mapping[str, Any]
    #: ``None`` for DaemonSets (one per node); 1 when a Deployment omits it.
    replicas: int | None
    namespace: str

    def containers(self) -> Iterator[tuple[str, Mapping[str, Any]]]:
        """``(path, container)`` of init and app containers."""
        for key in ("initContainers", "containers"):
            for index, container in enumerate(as_list(self.spec.get(key))):
                if isinstance(container, Mapping):
                    yield f"spec.template.spec.{key}[{index}]", container

    def port_targets(self) -> tuple[set[int], set[str]]:
        """Declared container port numbers and names."""
        numbers: set[int] = set()
        names: set[str] = set()
        for _path, container in self.containers():
            for port in as_list(container.get("ports")):
                port = as_map(port)
                if isinstance(port.get("containerPort"), int):
                    numbers.add(port["containerPort"])
                if isinstance(port.get("name"), str):
                    names.add(port["name"])
        return numbers, names


def selects(selector: Mapping[str, Any], labels: Mapping[str, Any]) -> bool:
    """Whether every ``key: value`` of ``selector`` is in ``labels`` (an empty one selects none)."""
    return bool(selector) and all(labels.get(k) == v for k, v in selector.items())


@dataclass
class Inventory:
    documents: list[Document]
    by_kind: dict[str, list[Document]] = field(default_factory=dict)
    templates: list[PodTemplate] = field(default_factory=list)
    _services: dict[str, list[Document]] = field(default_factory=dict)
    _namespaces: set[str] | None = None
    _by_label: dict[tuple[str, str], list[PodTemplate]] = field(default_factory=dict)
    _selections: dict[tuple[frozenset[tuple[str, str]], str], Selection] = field(
        default_factory=dict)
    #: Indexes that checks build once per run.
    memo: dict[str, Any] = field(default_factory=dict)
    #: False when the documents are a part of what runs (``validate PATH...``).
    complete: bool = True

    @classmethod
    def of(cls, documents: Iterable[Document], *, complete: bool = True) -> Inventory:
        inventory = cls([doc for doc in documents if isinstance(doc.body, Mapping)],
                        complete=complete)
        for doc in inventory.documents:
            inventory.by_kind.setdefault(doc.kind, []).append(doc)
            if doc.kind in WORKLOAD_KINDS:
                spec = as_map(doc.body.get("spec"))
                template = as_map(spec.get("template"))
                replicas = spec.get("replicas", 1)
                inventory.templates.append(PodTemplate(
                    doc=doc,
                    labels=as_map(as_map(template.get("metadata")).get("labels")),
                    spec=as_map(template.get("spec")),
                    replicas=None if doc.kind == "DaemonSet" else
                    (replicas if isinstance(replicas, int) else 1),
                    namespace=doc.namespace))
        for pod in inventory.templates:
            for key, value in pod.labels.items():
                inventory._by_label.setdefault((str(key), str(value)), []).append(pod)
        for service in inventory.kind("Service"):
            inventory._services.setdefault(service.name, []).append(service)
        return inventory

    def kind(self, *kinds: str) -> Iterator[Document]:
        for kind in kinds:
            yield from self.by_kind.get(kind, [])

    def namespaces(self) -> set[str]:
        if self._namespaces is None:
            found = {doc.namespace for doc in self.documents if doc.namespace}
            found.update(doc.name for doc in self.kind("Namespace"))
            self._namespaces = found
        return self._namespaces

    def services(self, name: str, namespace: str = "") -> list[Document]:
        return [doc for doc in self._services.get(name, ())
                if same_namespace(doc.namespace, namespace)]

    def resolve_host(self, host: str, namespace: str = "") -> list[Document] | None:
        """Services an Istio/URL host names; ``None`` when it is not an in-cluster name.

        ``name``, ``name.ns``, ``name.ns.svc`` and ``name.ns.svc.cluster.local`` are
        in-cluster; ``name.ns`` only when ``ns`` is a namespace of the run. In part of
        a run (``validate PATH``) a host with no Service among the files is not judged.
        """
        parts = host.split(".")
        if host == "localhost" or "*" in host or all(p.isdigit() for p in parts):
            return None
        if len(parts) == 1:
            return self._judged(self.services(parts[0], namespace))
        rest = ".".join(parts[2:])
        if len(parts) == 2 and parts[1] not in self.namespaces() and parts[1] != namespace:
            return None
        if len(parts) > 2 and rest not in CLUSTER_SUFFIXES:
            return None
        return self._judged(self.services(parts[0], parts[1]))

    def _judged(self, found: list[Document]) -> list[Document] | None:
        """``found``, or ``None`` (not judged) when it is empty in part of a run."""
        return found if found or self.complete else None

    def judges_templates(self) -> bool:
        """Whether "selects no pod template" can be said: only of a complete run. For
        part of one (``validate PATH``) the pod templates may be in other files; the rule
        for partial sets is that references to what the files do not contain are not judged."""
        return self.complete

    def judges_absence(self) -> bool:
        """Whether a reference to an object that is not among the documents is wrong:
        in a complete run only (see :meth:`judges_templates`)."""
        return self.complete

    def templates_selected(self, selector: Mapping[str, Any], namespace: str) -> list[PodTemplate]:
        return self.selection(selector, namespace).templates

    def selection(self, selector: Mapping[str, Any], namespace: str) -> Selection:
        """The pod templates ``selector`` selects in ``namespace``, found through the
        label index (the rarest of its labels) and computed once per selector: many
        Services with one selector (copies of a workload) cost one look-up."""
        key = (frozenset((str(k), str(v)) for k, v in selector.items()), namespace)
        found = self._selections.get(key)
        if found is None:
            found = self._selections[key] = Selection(self._select(selector, namespace))
        return found

    def _select(self, selector: Mapping[str, Any], namespace: str) -> list[PodTemplate]:
        if not selector:
            return []
        candidates = min((self._by_label.get((str(k), str(v)), []) for k, v in selector.items()),
                         key=len)
        return [t for t in candidates
                if same_namespace(t.namespace, namespace) and selects(selector, t.labels)]


@dataclass
class Selection:
    """Pod templates a selector selects, and their container ports (computed on first use)."""

    templates: list[PodTemplate]
    _ports: tuple[set[int], set[str]] | None = None

    def port_targets(self) -> tuple[set[int], set[str]]:
        """Container port numbers and names declared by any of the templates."""
        if self._ports is None:
            numbers: set[int] = set()
            names: set[str] = set()
            for template in self.templates:
                more_numbers, more_names = template.port_targets()
                numbers |= more_numbers
                names |= more_names
            self._ports = numbers, names
        return self._ports


def service_ports(service: Document) -> list[Mapping[str, Any]]:
    return [as_map(p) for p in as_list(as_map(service.body.get("spec")).get("ports"))]


def service_selector(service: Document) -> Mapping[str, Any]:
    return as_map(as_map(service.body.get("spec")).get("selector"))


@dataclass(frozen=True)
class Reporter:
    """Makes findings for one check."""

    rule: str
    severity: Severity

    def __call__(self, doc: Document, path: str, message: str) -> Finding:
        return Finding.at(doc, path, self.rule, self.severity, message)
