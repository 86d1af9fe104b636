"""Plain YAML files and folders as documents, for ``labgen validate PATH...``."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from ..errors import InputError
from ..manifests import Document, documents_of

SUFFIXES = (".yaml", ".yml")


def is_manifest_file(path: Path) -> bool:
    """Whether ``path`` holds Kubernetes manifests: not a Helm chart's own files
    (``Chart.yaml``, ``values*.yaml``, ``templates/``) nor labgen's environment files,
    which ``labgen validate --env`` checks through a render."""
    name = path.name
    if name in ("Chart.yaml", "Chart.lock") or name.startswith("values") or name.endswith(
            (".values.yaml", ".values.yml")):
        return False
    return not ({"templates", "environments"} & set(path.parts[:-1]))


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
    """Every non-empty YAML document of ``paths``; bad YAML is an :class:`InputError`."""
    documents: list[Document] = []
    for file in yaml_files(paths):
        try:
            text = file.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            raise InputError("is not valid UTF-8", file=str(file)) from None
        except OSError as exc:
            raise InputError(f"cannot read file: {exc.strerror}", file=str(file)) from None
        documents.extend(documents_of(file.as_posix(), text))
    return documents
