"""Pulled CRDs in the user's cache: one verified entry per source and version.

``<cache>/crds/<source>/<version>/`` (:mod:`labgen.user_cache`) holds one JSON file per
CustomResourceDefinition and ``CRDS.json``, written last, which records where the CRDs came
from (repository, chart, version, the digest the repository's index lists) and the sha256 of
every stored file with the kinds it defines. An entry is written in a folder of its own beside
the final one and renamed into place, so a failed pull leaves no entry behind; one whose files
no longer hash to what was recorded is refused. ``labgen validate`` and ``render`` use the
entries of the versions an environment pins (:func:`select_pulled`).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import tempfile
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import InputError, LabgenError
from .user_cache import CRDS_RECORD, crd_entry_dir, crds_root

if TYPE_CHECKING:
    from .env_model import EnvironmentFile

ISTIO = "istio"
ARGOCD = "argocd"
#: What a source is called in messages.
LABELS = {ISTIO: "Istio", ARGOCD: "Argo CD"}
#: The entry's record, written last.
MANIFEST = CRDS_RECORD
#: Temporary folders of pulls still running (or killed) start with this; readers skip them.
STAGING_PREFIX = ".pulling-"
_STALE_SECONDS = 3600.0


@dataclass(frozen=True, order=True)
class CrdPin:
    """A version of a CRD source: ``CrdPin("istio", "1.30.3")``."""

    source: str
    version: str

    @property
    def label(self) -> str:
        return f"{LABELS.get(self.source, self.source)} {self.version}"


def environment_pins(spec: EnvironmentFile) -> tuple[CrdPin, ...]:
    """The CRD versions an environment pins: ``istio.version`` and ``argocd.version``."""
    return CrdPin(ISTIO, spec.istio.version), CrdPin(ARGOCD, spec.argocd.version)


@dataclass(frozen=True)
class CrdEntry:
    """A verified cache entry (hashable: validation caches compiled schemas by it)."""

    pin: CrdPin
    folder: Path
    repository: str
    chart: str
    chart_version: str
    chart_digest: str
    #: ``(file name, sha256)`` of every stored CRD file.
    files: tuple[tuple[str, str], ...]
    #: ``(apiVersion, kind, file name)`` of every served version the files define.
    kinds: tuple[tuple[str, str, str], ...] = field(default=())

    def describe(self) -> str:
        return f"{self.pin.label} from pulled CRDs ({self.folder})"


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def read_entry(pin: CrdPin) -> CrdEntry | None:
    """The entry of ``pin`` with every file verified; None when nothing was pulled for it.
    InputError (one line, the file and the fix) when it was changed after the pull."""
    folder = crd_entry_dir(pin.source, pin.version)
    record = folder / MANIFEST
    if not record.is_file():
        return None
    fix = f"pull it again (labgen crds pull) or delete {folder}"
    try:
        data = json.loads(record.read_text(encoding="utf-8"))
        entry = _entry_from(pin, folder, data)
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        raise InputError(f"damaged record of pulled CRDs; {fix}", file=str(record)) from None
    for name, recorded in entry.files:
        path = folder / name
        try:
            actual = sha256_hex(path.read_bytes())
        except OSError:
            raise InputError(f"pulled CRD file is missing; {fix}", file=str(path)) from None
        if actual != recorded:
            raise InputError(f"sha256 {actual[:16]}... is not the {recorded[:16]}... recorded "
                             f"when it was pulled: the cache was changed; {fix}", file=str(path))
    return entry


def _entry_from(pin: CrdPin, folder: Path, data: Mapping[str, Any]) -> CrdEntry:
    files = tuple(sorted((str(name), str(info["sha256"])) for name, info in data["files"].items()))
    if any("/" in name or name.startswith(".") or name == MANIFEST for name, _sha in files):
        raise ValueError("file name")
    kinds = tuple(sorted((str(api), str(kind), str(name))
                         for name, info in data["files"].items() for api, kind in info["kinds"]))
    return CrdEntry(pin, folder, str(data["repository"]), str(data["chart"]),
                    str(data["chartVersion"]), str(data["chartDigest"]), files, kinds)


def crd_file_name(crd: Mapping[str, Any]) -> str:
    """``<metadata.name>.json``: one file per CRD (names are DNS subdomains)."""
    name = str((crd.get("metadata") or {}).get("name") or "")
    if not name or "/" in name or name.startswith("."):
        raise InputError(f"a pulled CustomResourceDefinition has no usable name ({name!r})")
    return f"{name}.json"


def served_kinds(crd: Mapping[str, Any]) -> list[tuple[str, str]]:
    """``(apiVersion, kind)`` of every served version of ``crd``."""
    spec = crd.get("spec") or {}
    kind = (spec.get("names") or {}).get("kind")
    return [(f"{spec.get('group')}/{v.get('name')}", str(kind))
            for v in spec.get("versions") or [] if v.get("served", True)]


def write_entry(pin: CrdPin, meta: Mapping[str, str], crds: Sequence[Mapping[str, Any]]) -> CrdEntry:
    """Store ``crds`` as the entry of ``pin``, atomically (replacing an older one)."""
    folder = crd_entry_dir(pin.source, pin.version)
    folder.parent.mkdir(parents=True, exist_ok=True)
    _remove_stale(folder.parent)
    staging = Path(tempfile.mkdtemp(prefix=f"{STAGING_PREFIX}{pin.version}-", dir=folder.parent))
    try:
        files: dict[str, dict[str, Any]] = {}
        for crd in crds:
            name = crd_file_name(crd)
            data = (json.dumps(crd, sort_keys=True, default=str) + "\n").encode()
            _write_synced(staging / name, data)
            files[name] = {"sha256": sha256_hex(data), "kinds": served_kinds(crd)}
        record = {**meta, "source": pin.source, "version": pin.version, "files": files}
        _write_synced(staging / MANIFEST, (json.dumps(record, indent=1, sort_keys=True) + "\n").encode())
        _swap_in(staging, folder)
    except OSError as exc:
        raise InputError(f"cannot write the CRD cache: {exc.strerror or exc}; nothing was "
                         "stored", file=str(folder)) from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    entry = read_entry(pin)
    assert entry is not None
    return entry


def _write_synced(path: Path, data: bytes) -> None:
    with path.open("xb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


def _swap_in(staging: Path, folder: Path) -> None:
    """``staging`` becomes ``folder``; an older entry is moved aside first, then removed."""
    old = None
    if folder.exists():
        old = folder.parent / f"{STAGING_PREFIX}old-{folder.name}-{os.getpid()}-{time.monotonic_ns()}"
        folder.rename(old)
    try:
        staging.rename(folder)
    except OSError:
        if old is not None:
            old.rename(folder)
        elif (folder / MANIFEST).is_file():  # another pull of the same pin got there first
            return
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def _remove_stale(parent: Path) -> None:
    """Staging folders an interrupted pull left, an hour or more ago."""
    for child in parent.glob(f"{STAGING_PREFIX}*"):
        with contextlib.suppress(OSError):
            if time.time() - child.stat().st_mtime > _STALE_SECONDS:
                shutil.rmtree(child, ignore_errors=True)


@dataclass(frozen=True)
class SchemaSources:
    """Which pinned versions validate with pulled CRDs, and which with the built-ins."""

    pulled: tuple[CrdEntry, ...] = ()
    builtin: tuple[CrdPin, ...] = ()
    #: Why no pins apply (``validate PATH`` outside a labgen repository, say).
    reason: str = ""

    def describe(self) -> str:
        """One line: ``schemas: Istio 1.30.3 from pulled CRDs (...); Argo CD v3.5.1 built-in...``."""
        parts = [entry.describe() for entry in self.pulled]
        if self.builtin:
            labels = ", ".join(pin.label for pin in self.builtin)
            parts.append(f"{labels}: built-in schemas (nothing pulled; `labgen crds pull` "
                         "fetches them)")
        if self.reason:
            parts.append(f"built-in schemas ({self.reason})")
        return "schemas: " + "; ".join(parts)

    def as_json(self) -> list[dict[str, str]]:
        """For ``--format json``: one item per source."""
        out = [{"source": e.pin.source, "version": e.pin.version, "origin": "pulled",
                "path": str(e.folder), "chart": f"{e.chart} {e.chart_version}",
                "repository": e.repository, "digest": e.chart_digest} for e in self.pulled]
        out += [{"source": p.source, "version": p.version, "origin": "built-in"}
                for p in self.builtin]
        if self.reason:
            out.append({"source": "", "version": "", "origin": "built-in", "reason": self.reason})
        return out


def select_pulled(pins: Iterable[CrdPin]) -> SchemaSources:
    """The verified entries of ``pins`` (pulled), and the pins with none (built-in)."""
    pulled, builtin = [], []
    for pin in dict.fromkeys(pins):  # in the order given, each once
        entry = read_entry(pin)
        if entry is None:
            builtin.append(pin)
        else:
            pulled.append(entry)
    return SchemaSources(tuple(pulled), tuple(builtin))


def repository_sources(root: Path | None) -> SchemaSources:
    """For ``validate PATH``: the versions the environments of repository ``root`` pin, where
    they agree (no repository, nothing pulled or pins that differ: the built-ins, said why)."""
    if root is None:
        return SchemaSources(reason="not in a labgen repository, so no pinned versions; "
                             "--crds loads CRDs you have")
    if not crds_root().is_dir():
        return SchemaSources(reason=f"nothing pulled into {crds_root()}; `labgen crds pull "
                             "--all` fetches the pinned versions' CRDs")
    from .environment import available_environments, load_environment

    versions: dict[str, set[str]] = {}
    for name in available_environments(root):
        try:
            pins = environment_pins(load_environment(root, name).spec)
        except LabgenError:
            continue  # a broken environment file pins nothing here (render says why)
        for pin in pins:
            versions.setdefault(pin.source, set()).add(pin.version)
    sources = select_pulled(CrdPin(source, min(found)) for source, found in versions.items()
                            if len(found) == 1)
    differ = sorted(LABELS.get(s, s) for s, found in versions.items() if len(found) > 1)
    if differ:
        return replace(sources, reason=f"the environments pin different {' and '.join(differ)} "
                       "versions: use --env, or --crds")
    return sources
