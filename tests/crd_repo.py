"""A Helm chart repository built at test time and served on 127.0.0.1.

Charts are written in tmp_path, packaged and indexed by real Helm (the embedded SDK's
``package`` and ``repo_index_generate``: real sha256 digests), from the upstream CRDs in
``../shared/crds`` read in place. Nothing is downloaded.
"""

from __future__ import annotations

import functools
import hashlib
import http.server
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import helm_python
import yaml

import yaml_docs

ISTIO_CRDS = "crds/istio/crd-all.gen.yaml"
ARGOCD_CRDS = ("crds/argocd/application-crd.yaml", "crds/argocd/applicationset-crd.yaml",
               "crds/argocd/appproject-crd.yaml")
#: A field no Istio version defines; the "1.31.0" test chart adds it to VirtualService.
PROOF_FIELD = "labgenProof"

#: A CRD of this test's own, for a chart that carries its CRDs in ``crds/``.
WIDGET_CRD = """\
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.example.com
spec:
  group: example.com
  names: {kind: Widget, plural: widgets, singular: widget, listKind: WidgetList}
  scope: Namespaced
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec:
              type: object
              properties:
                size: {type: integer}
"""

_GATED = '{{{{- if {flag} }}}}\n{{{{ .Files.Get "files/{name}" }}}}\n{{{{- end }}}}\n'
_SERVICE_ACCOUNT = "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: {{ .Release.Name }}\n"


def _chart(src: Path, name: str, version: str, app_version: str,
           values: str = "{}\n") -> Path:
    chart = src / f"{name}-{version}"
    (chart / "templates").mkdir(parents=True)
    (chart / "files").mkdir()
    (chart / "Chart.yaml").write_text(f"apiVersion: v2\nname: {name}\nversion: {version}\n"
                                      f"appVersion: {app_version}\n", encoding="utf-8")
    (chart / "values.yaml").write_text(values, encoding="utf-8")
    (chart / "templates" / "serviceaccount.yaml").write_text(_SERVICE_ACCOUNT, encoding="utf-8")
    return chart


def with_proof_field(text: str) -> str:
    """Istio's CRD file with :data:`PROOF_FIELD` added to every VirtualService version."""
    docs = yaml_docs.load_all(text)
    for doc in docs:
        if doc and doc["spec"]["names"]["kind"] == "VirtualService":
            for version in doc["spec"]["versions"]:
                spec = version["schema"]["openAPIV3Schema"]["properties"]["spec"]
                spec["properties"][PROOF_FIELD] = {"type": "string"}
    return yaml.dump_all(docs, Dumper=getattr(yaml, "CSafeDumper", yaml.SafeDumper))


def istio_base_chart(src: Path, shared: Path, version: str, *, proof: bool = False) -> Path:
    """Istio's ``base`` chart as Istio lays it out: the CRDs in ``files/``, rendered by a
    template only when ``base.enableCRDTemplates`` (off here, so labgen must turn it on)."""
    chart = _chart(src, "base", version, version, "base:\n  enableCRDTemplates: false\n")
    text = (shared / ISTIO_CRDS).read_text(encoding="utf-8")
    (chart / "files" / "crd-all.gen.yaml").write_text(with_proof_field(text) if proof else text,
                                                      encoding="utf-8")
    (chart / "templates" / "crds.yaml").write_text(
        _GATED.format(flag=".Values.base.enableCRDTemplates", name="crd-all.gen.yaml"),
        encoding="utf-8")
    return chart


def argocd_chart(src: Path, shared: Path, version: str, app_version: str) -> Path:
    """Argo Helm's ``argo-cd`` chart as it lays its CRDs out: one template each, gated on
    ``crds.install``."""
    chart = _chart(src, "argo-cd", version, app_version, "crds:\n  install: false\n")
    (chart / "templates" / "crds").mkdir()
    for rel in ARGOCD_CRDS:
        name = Path(rel).name
        (chart / "files" / name).write_text((shared / rel).read_text(encoding="utf-8"),
                                            encoding="utf-8")
        (chart / "templates" / "crds" / name).write_text(
            _GATED.format(flag=".Values.crds.install", name=name), encoding="utf-8")
    return chart


def crds_folder_chart(src: Path, shared: Path, name: str, version: str) -> Path:
    """A chart with its CRDs in ``crds/`` (never templated): this test's Widget and the
    upstream AppProject CRD."""
    chart = _chart(src, name, version, version)
    (chart / "crds").mkdir()
    (chart / "crds" / "widgets.yaml").write_text(WIDGET_CRD, encoding="utf-8")
    (chart / "crds" / "appproject.yaml").write_text(
        (shared / ARGOCD_CRDS[2]).read_text(encoding="utf-8"), encoding="utf-8")
    return chart


def empty_chart(src: Path, name: str, version: str) -> Path:
    return _chart(src, name, version, version)


def publish(charts: list[Path], repo: Path) -> dict[str, Any]:
    """Package ``charts`` into ``repo`` and write its ``index.yaml`` (real Helm); the index."""
    repo.mkdir(parents=True, exist_ok=True)
    for chart in charts:
        helm_python.package(str(chart), destination=str(repo))
    index: dict[str, Any] = helm_python.repo_index_generate(str(repo))
    return index


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def index_digest(index: Mapping[str, Any], chart: str, version: str) -> str:
    return str(next(e["digest"] for e in index["entries"][chart] if e["version"] == version))


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        """No request log on the test's stderr."""


@contextmanager
def serve(folder: Path) -> Iterator[str]:
    """``folder`` over HTTP on 127.0.0.1 (a free port) while the block runs; its URL."""
    handler = functools.partial(_Quiet, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
