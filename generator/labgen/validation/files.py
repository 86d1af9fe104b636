"""Plain YAML files and folders as documents, for ``labgen validate PATH...``."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from ..errors import InputError
from ..manifests import Document, documents_of

SUFFIXES = (".yaml", ".yml")


def yaml_files(paths: Iterable[Path]) -> Iterator[Path]:
    """``paths`` themselves when files; ``*.yaml``/``*.yml`` below them (sorted) when folders."""
    for path in paths:
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*") if p.suffix in SUFFIXES and p.is_file())
        elif path.is_file():
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
