"""Helpers to read Argo CD Applications, ApplicationSets and AppProjects."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from ..findings import Finding
from ..manifests import Document
from .inventory import Inventory, Reporter, as_list, as_map

SYNC_WAVE = "argocd.argoproj.io/sync-wave"


def sources(app: Document) -> Iterator[tuple[str, Mapping[str, Any]]]:
    """``(path, source)`` of ``spec.source`` and every ``spec.sources[i]``."""
    spec = as_map(app.body.get("spec"))
    if isinstance(spec.get("source"), Mapping):
        yield "spec.source", spec["source"]
    for index, source in enumerate(as_list(spec.get("sources"))):
        if isinstance(source, Mapping):
            yield f"spec.sources[{index}]", source


def sync_wave(doc: Document) -> int | str:
    """The sync wave (0 when unset); the raw text when it is not an integer."""
    annotations = as_map(as_map(doc.body.get("metadata")).get("annotations"))
    raw = annotations.get(SYNC_WAVE, "0")
    try:
        return int(str(raw).strip())
    except ValueError:
        return str(raw)


#: A Go template parameter ``{{.key}}`` (or ``{{ .key }}``) of an ApplicationSet template.
_PARAM = re.compile(r"\{\{\s*\.(\w+)\s*\}\}")


@dataclass(frozen=True)
class Generated:
    """An Application an ApplicationSet's list generator makes for one element."""

    appset: Document
    #: The element's ``name`` (or its position): what a finding about it says.
    element: str
    #: The filled-in Application (file and text of the ApplicationSet).
    app: Document


def generated_apps(appset: Document) -> Iterator[Generated]:
    """The Applications of ``appset``'s ``list`` generators whose template uses only plain
    ``{{.key}}`` parameters the element has; other generators (cluster labels, git, ...) are
    only known to Argo CD and are skipped."""
    spec = as_map(appset.body.get("spec"))
    template = spec.get("template")
    if not isinstance(template, Mapping):
        return
    for generator in as_list(spec.get("generators")):
        elements = as_list(as_map(as_map(generator).get("list")).get("elements"))
        for index, element in enumerate(elements):
            element = as_map(element)
            body = _fill(dict(template), element)
            if body is None:
                continue
            name = str(element.get("name", f"element {index}"))
            app = Document(appset.file, appset.index, {"apiVersion": appset.api_version,
                                                       "kind": "Application", **body},
                           source=appset.source)
            yield Generated(appset, name, app)


AppProblems = Callable[[Document], Iterable[tuple[str, str]]]


def application_findings(inventory: Inventory, problems: AppProblems,
                         reporter: Reporter) -> Iterator[Finding]:
    """``problems`` of every Application, and of every Application an ApplicationSet's list
    generator makes (reported on the ApplicationSet, naming the element)."""
    for app in inventory.kind("Application"):
        for path, message in problems(app):
            yield reporter(app, path, message)
    for appset in inventory.kind("ApplicationSet"):
        for generated in generated_apps(appset):
            for path, message in problems(generated.app):
                yield reporter(appset, f"spec.template.{path}",
                               f"in the Application generated for {generated.element}: {message}")


def _fill(value: Any, element: Mapping[str, Any]) -> Any:
    """``value`` with every parameter replaced; None when one is missing or a ``{{`` stays."""
    if isinstance(value, str):
        missing = [m.group(1) for m in _PARAM.finditer(value) if m.group(1) not in element]
        filled = _PARAM.sub(lambda m: str(element.get(m.group(1), "")), value)
        return None if missing or "{{" in filled else filled
    if isinstance(value, Mapping):
        out = {}
        for key, item in value.items():
            out[key] = _fill(item, element)
            if out[key] is None and item is not None:
                return None
        return out
    if isinstance(value, list):
        items = [_fill(item, element) for item in value]
        return None if any(i is None and v is not None for i, v in zip(items, value, strict=True)) else items
    return value
