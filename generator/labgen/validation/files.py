"""Plain YAML files and folders as documents, for ``labgen validate PATH...``."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from .. import layout
from ..errors import InputError
from ..manifests import Document, documents_of

SUFFIXES = (".yaml", ".yml")


#: Files that are YAML but not manifests: Helm chart metadata, kustomize, pre-commit.
NOT_MANIFESTS = frozenset({
    "Chart.yaml", "Chart.lock", "kustomization.yaml", "kustomization.yml", "Kustomization",
    ".pre-commit-config.yaml", ".pre-commit-hooks.yaml", ".labgen.yaml"})
#: Groups whose "kinds" are tool configuration, not API objects.
CONFIG_GROUPS = ("kustomize.config.k8s.io/",)


def is_manifest_file(path: Path) -> bool:
    """Whether ``path`` may hold Kubernetes manifests: not a Helm chart's own files
    (``Chart.yaml``, ``values*.yaml``, ``templates/``), kustomize or pre-commit
    configuration, a CI workflow (``.github/``), nor labgen's environment files, which
    ``labgen validate --env`` checks through a render."""
    name = path.name
    if name in NOT_MANIFESTS or name.startswith("values") or name.endswith(
            (".values.yaml", ".values.yml")):
        return False
    return not ({"templates", layout.ENV_DIR, ".github"} & set(path.parts[:-1]))


def is_manifest(doc: Document) -> bool:
    """Only documents with ``apiVersion`` and ``kind`` are manifests (a workflow, a values
    file or a chart's metadata is not); kustomize's own kinds are left out too."""
    body = doc.body
    return isinstance(body, dict) and bool(body.get("apiVersion")) and bool(body.get("kind")) \
        and not str(body["apiVersion"]).startswith(CONFIG_GROUPS)


def yaml_files(paths: Iterable[Path]) -> Iterator[Path]:
    """``paths`` themselves when files; ``*.yaml``/``*.yml`` below them (sorted) when
    folders; Helm chart sources and environment files are left out."""
    for path in paths:
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*") if p.suffix in SUFFIXES and p.is_file()
                              and is_manifest_file(Path(path.resolve().name, p.relative_to(path))))
        elif path.is_file():
            if is_manifest_file(Path(path.resolve().parent.name, path.name)):
                yield path
        else:
            raise InputError("no such file or folder", file=str(path))


def load_paths(paths: Iterable[Path]) -> list[Document]:
    """Every manifest among the YAML documents of ``paths`` (see :func:`is_manifest`);
    bad YAML is an :class:`InputError`."""
    documents: list[Document] = []
    for file in yaml_files(paths):
        try:
            text = file.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            raise InputError("is not valid UTF-8", file=str(file)) from None
        except OSError as exc:
            raise InputError(f"cannot read file: {exc.strerror}", file=str(file)) from None
        documents.extend(doc for doc in documents_of(file.as_posix(), text) if is_manifest(doc))
    return documents
