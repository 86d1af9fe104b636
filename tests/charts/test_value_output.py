"""A value never creates structure: every value a chart template prints is a scalar.

Two halves:

* a scan of every template and helper of every chart: each action that prints
  something ends in ``quote``/``squote``, ``toYaml``/``toJson``, an ``int``/``float64``
  cast, ``ternary`` or ``sha256sum`` (formatting such as ``nindent`` may follow), or
  includes a named template whose own output is safe. A named template that prints a
  raw value (an image reference, a URL) is allowed only where every caller quotes it;
* real renders with strings that contain a newline and ``---``: the document set stays
  the same and each value comes back as the one scalar it was.
"""

from __future__ import annotations

import json
import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

import yaml_docs
from labgen.errors import HelmError
from labgen.helm_engine import EmbeddedHelm

if TYPE_CHECKING:
    from conftest import RenderUmbrella

CHARTS = Path(__file__).resolve().parents[2] / "charts"
ACTION = re.compile(r"\{\{-?\s*(.*?)\s*-?\}\}", re.DOTALL)
CONTROL = {"if", "else", "end", "range", "with", "define", "block", "break", "continue"}
SAFE = {"quote", "squote", "toYaml", "toJson", "toPrettyJson", "toRawJson", "int", "int64",
        "float64", "ternary", "sha256sum", "fail"}
FORMAT = {"nindent", "indent", "trim", "trimSuffix", "trimPrefix"}
LITERAL = re.compile(r'^("([^"\\]|\\.)*"|`[^`]*`|-?[0-9]+)$')
INCLUDE = re.compile(r'^(include|template)\s+"([^"]+)"')


@dataclass(frozen=True)
class Output:
    """One printing action: where it is, its text, and the define it sits in (if any)."""

    path: str
    line: int
    text: str
    define: str | None


def _commands(pipeline: str) -> list[str]:
    """The commands of a pipeline (split on ``|`` outside parentheses and strings)."""
    parts, depth, quote, current = [], 0, "", ""
    for char in pipeline:
        if quote:
            quote = "" if char == quote and not current.endswith("\\") else quote
        elif char in "\"`":
            quote = char
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == "|" and depth == 0:
            parts.append(current.strip())
            current = ""
            continue
        current += char
    parts.append(current.strip())
    return parts


def _outputs(path: Path) -> list[Output]:
    text = path.read_text(encoding="utf-8")
    outputs: list[Output] = []
    define: str | None = None
    depth = 0
    for match in ACTION.finditer(text):
        body = match.group(1).strip()
        word = body.split(None, 1)[0] if body else ""
        line = text.count("\n", 0, match.start()) + 1
        if body.startswith("/*") or not body:
            continue
        if word == "define":
            define, depth = body.split('"')[1], 0
            continue
        if word in ("if", "range", "with", "block"):
            depth += 1
        if word == "end":
            if depth == 0:
                define = None
            depth -= 1
        if word in CONTROL or re.match(r"^\$\w*\s*:?=", body):
            continue
        outputs.append(Output(str(path.relative_to(CHARTS)), line, " ".join(body.split()),
                              define))
    return outputs


def _templates() -> list[Path]:
    return sorted(p for p in CHARTS.rglob("templates/*") if p.suffix in (".yaml", ".tpl"))


def _verdict(output: Output, raw_defines: set[str]) -> str | None:
    """Why the action may print structure, or None when it is safe."""
    commands = _commands(output.text)
    while len(commands) > 1 and commands[-1].split()[0] in FORMAT:
        commands.pop()
    last = commands[-1]
    name = last.split(None, 1)[0]
    if name in SAFE or LITERAL.match(last) or last.startswith(".Files.Get"):
        return None
    include = INCLUDE.match(last)
    if include and len(commands) == 1:
        if include.group(2) not in raw_defines:
            return None
        return f"includes {include.group(2)!r}, which prints a raw value: quote it"
    return "prints a value without quote/toYaml/toJson/int"


def _scan() -> tuple[list[str], set[str]]:
    """(problems, defines whose output is a raw value). A define that prints a raw value
    is itself "raw"; its callers must then make the value safe (to a fixed point)."""
    outputs = [o for path in _templates() for o in _outputs(path)]
    raw: set[str] = set()
    changed = True
    while changed:
        changed = False
        for output in outputs:
            if output.define and output.define not in raw and _verdict(output, raw):
                raw.add(output.define)
                changed = True
    problems = [f"{o.path}:{o.line}: {{{{ {o.text} }}}} {_verdict(o, raw)}"
                for o in outputs if o.define is None and _verdict(o, raw)]
    return problems, raw


def test_the_scanner_sees_actions_in_every_template() -> None:
    outputs = [o for path in _templates() for o in _outputs(path)]
    assert len(_templates()) > 40
    assert len(outputs) > 300


def test_every_printed_value_is_quoted_or_serialised() -> None:
    problems, _ = _scan()
    assert not problems, "\n".join(problems)


def test_raw_defines_are_only_the_scalar_helpers() -> None:
    """The named templates that print raw values are the scalar helpers (image
    references, URLs, the namespace), never a structural one (labels, a Deployment)."""
    _, raw = _scan()
    for name in raw:
        assert not name.endswith(("labels", "Labels", "deployment", "service", "config")), name


@pytest.mark.parametrize("text, problem", [
    ("key: {{ .Values.x }}", "without quote"),
    ('image: "{{ .Values.image.repository }}:{{ .Values.image.tag }}"', "without quote"),
    ("port: {{ .Values.port }}", "without quote"),
    ("{{- range .Values.hosts }}\n- {{ . }}\n{{- end }}", "without quote"),
    ('{{- define "x.image" -}}{{ .Values.r }}{{- end -}}\nimage: {{ include "x.image" . }}',
     "prints a raw value"),
    ("key: {{ .Values.x | quote }}", None),
    ("key: {{ .Values.x | int }}", None),
    ("spec:\n  {{- toYaml .Values.x | nindent 2 }}", None),
    ('{{- define "x.image" -}}{{ .Values.r }}{{- end -}}\n'
     'image: {{ include "x.image" . | quote }}', None),
])
def test_the_scanner_tells_safe_from_unsafe_output(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str,
                                                   problem: str | None) -> None:
    chart = tmp_path / "c" / "templates"
    chart.mkdir(parents=True)
    (chart / "t.yaml").write_text(text + "\n", encoding="utf-8")
    monkeypatch.setattr(f"{__name__}.CHARTS", tmp_path)
    problems, _ = _scan()
    if problem is None:
        assert problems == []
    else:
        assert problems and problem in problems[0], problems


# --- hostile strings through real Helm ------------------------------------------------------------
# The templates are the last line: the charts' schemas refuse most of these strings already, so
# the renders below use a copy of the chart without its values.schema.json files.

EVIL = "x\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata: {name: pwn}"
Docs = list[tuple[str, str, dict[str, Any]]]


@pytest.fixture(scope="module")
def schemaless(tmp_path_factory: pytest.TempPathFactory) -> Path:
    chart = tmp_path_factory.mktemp("chart") / "olympic-lab"
    shutil.copytree(CHARTS / "olympic-lab", chart)
    for schema in chart.rglob("values.schema.json"):
        schema.unlink()
    return chart


def _documents(chart: Path, values: dict[str, Any]) -> Docs:
    rendered = EmbeddedHelm().render(chart, values, release="olympic-lab", namespace="olympic")
    docs = []
    for text in rendered.values():
        for doc in yaml_docs.load_all(text):
            if doc:
                docs.append((doc["kind"], doc["metadata"]["name"], doc))
    return docs


@pytest.fixture(scope="module")
def baseline(schemaless: Path) -> Docs:
    return _documents(schemaless, {})


def _find(docs: Docs, kind: str, name: str) -> dict[str, Any]:
    [doc] = [d for k, n, d in docs if (k, n) == (kind, name)]
    return doc


STORAGE_ON = {"persistence": {"enabled": True, "storageClass": EVIL, "size": "10Gi"}}


def test_a_storage_class_with_a_document_separator_stays_one_scalar(schemaless: Path) -> None:
    baseline = _documents(schemaless, {"prometheus": {"persistence": {"enabled": True}},
                                       "loki": {"persistence": {"enabled": True}}})
    docs = _documents(schemaless, {"prometheus": STORAGE_ON, "loki": STORAGE_ON})
    assert [(k, n) for k, n, _ in docs] == [(k, n) for k, n, _ in baseline]
    assert "pwn" not in {n for _, n, _ in docs}
    claim = _find(docs, "PersistentVolumeClaim", "prometheus")
    assert claim["spec"]["storageClassName"] == EVIL
    loki = _find(docs, "StatefulSet", "loki")
    assert loki["spec"]["volumeClaimTemplates"][0]["spec"]["storageClassName"] == EVIL


def test_the_schema_refuses_such_a_storage_class_first(render_umbrella: RenderUmbrella) -> None:
    with pytest.raises(HelmError, match="storageClass"):
        render_umbrella({"prometheus": STORAGE_ON})


IMAGE = {"image": {"repository": EVIL, "tag": EVIL, "pullPolicy": EVIL}}
STRING_VALUES: list[dict[str, Any]] = [
    {"prometheus": {"retention": EVIL, "scrape": {"interval": EVIL, "slowTimeout": EVIL}}},
    {"grafana": {"datasources": {"loki": {"url": EVIL}, "prometheus": {"url": EVIL}}}},
    {"loki": {"retentionPeriod": EVIL, "schemaFrom": EVIL}},
    {"jaeger": {"query": {"basePath": EVIL}, "telemetry": {"providerName": EVIL}}},
    {"olympic-apps": {"image": {"registry": EVIL, "tag": EVIL, "pullPolicy": EVIL},
                      "imagePullSecrets": [EVIL], "gateway": {"hosts": [EVIL]},
                      "probes": {"readiness": {"path": EVIL}}}},
    {"traffic": {"subsets": [EVIL], "scenario": EVIL}},
    {"kiali": {"loginToken": {"signingKeySecret": {"name": EVIL, "key": EVIL}}}},
    {"alloy": {"loki": {"serviceName": EVIL}, "streamLabels": {"team": EVIL}}},
    {"global": {"observabilityNamespace": EVIL}},
    *({name: IMAGE} for name in ("prometheus", "grafana", "jaeger", "kiali", "loki", "alloy",
                                  "node-exporter")),
]


@pytest.mark.parametrize("values", STRING_VALUES,
                         ids=[f"{next(iter(v))}-{i}" for i, v in enumerate(STRING_VALUES)])
def test_string_values_with_a_document_separator_stay_one_scalar(schemaless: Path, baseline: Docs,
                                                                 values: dict[str, Any]) -> None:
    if "global" in values:  # outside istio-system the chart adds no policies for Istio's pods
        baseline = _documents(schemaless, {"global": {"observabilityNamespace": "obs"}})
    docs = _documents(schemaless, values)
    assert [(k, n) for k, n, _d in docs] == [(k, n) for k, n, _d in baseline]
    # Every document keeps its top-level shape, and the value arrives whole somewhere.
    for (_k, _n, before), (_k2, _n2, after) in zip(baseline, docs, strict=True):
        assert set(after) == set(before)
    text = json.dumps([d for _k, _n, d in docs])
    assert json.dumps(EVIL)[1:-1] in text or json.dumps(EVIL.replace("\n", "\\n"))[1:-1] in text
