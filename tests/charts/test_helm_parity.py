"""The embedded Helm SDK and the helm CLI render the umbrella chart alike.

tests/test_golden.py compares the two engines on each shipped environment's
values; the cases here set values those renders do not (defaults switched,
optional keys set, another release name), so other branches of the templates
are compared too. Documents are compared parsed, as in test_golden.py: the CLI
strips the blank lines a template may start with.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any, NamedTuple

import pytest

import yaml_docs
from labgen.helm_engine import CliHelm, EmbeddedHelm

APPS = "olympic-lab/charts/olympic-apps/"
TRAFFIC = "olympic-lab/charts/traffic/"
KIALI = "olympic-lab/charts/kiali/"


class Case(NamedTuple):
    release: str
    values: dict[str, Any]
    templates: tuple[str, ...]  # the templates the case is about (path prefixes)
    files: int | None = None  # how many of those templates render, where that is the point
    documents: Mapping[str, int] = MappingProxyType({})  # template -> documents it renders


CASES = {
    # viewOnlyMode defaults to true; false gives the ClusterRole its write verbs.
    "kiali-writable": Case("olympic-lab", {"kiali": {"viewOnlyMode": False}}, (KIALI,)),
    "apps-own-registry-and-a-fourth-version": Case(
        "lab",
        {"olympic-apps": {"image": {"registry": "ghcr.io/acme", "tag": "2"},
                          "imagePullSecrets": ["pull"],
                          "backend": {"versions": {"v4": {"replicas": 1}}}}},
        (APPS,), documents={f"{APPS}templates/deployment.yaml": 6}),
    "traffic-canary-with-header-match": Case(
        "lab",
        {"traffic": {"enabled": True, "scenario": "canary", "subsets": ["v1", "v2", "v3"],
                     "virtualService": {"enabled": True, "weights": {"v1": 80, "v2": 15, "v3": 5},
                                        "headerMatch": {"header": "x-canary", "exact": "true",
                                                        "subset": "v3"}}}},
        (TRAFFIC, APPS), files=7),
}


def render_parsed(engine: EmbeddedHelm | CliHelm, chart: Path, case: Case) -> dict[str, list[Any]]:
    rendered = engine.render(chart, case.values, release=case.release, namespace="olympic")
    return {path: yaml_docs.load_all(text) for path, text in rendered.items()}


@pytest.mark.helm_cli
@pytest.mark.parametrize("name", list(CASES))
def test_cli_and_embedded_helm_agree(helm_binary: str, project_root: Path, name: str) -> None:
    case = CASES[name]
    chart = project_root / "charts" / "olympic-lab"
    embedded = render_parsed(EmbeddedHelm(), chart, case)
    assert embedded == render_parsed(CliHelm(helm_binary), chart, case)
    ours = [path for path in embedded if path.startswith(case.templates)]
    assert ours, "nothing rendered"
    if case.files is not None:
        assert len(ours) == case.files
    for template, count in case.documents.items():
        assert len(embedded[template]) == count, template
