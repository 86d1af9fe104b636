"""Where the e2e binaries live, and how they are built from the pinned Go modules.

Each toolset is a small Go module under ``tests/e2e/tools/<name>/`` whose
``go.mod``/``go.sum`` pin every version. Its binaries are cached in
``$LABGEN_E2E_CACHE`` (default ``${XDG_CACHE_HOME:-~/.cache}/labgen/e2e``) under
``<name>-<digest>/bin``, where the digest covers go.mod, go.sum, the module's own
Go files and the Go version: a changed pin gets a new folder, an unchanged one
is never rebuilt. Nothing here is committed but the sources.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

TOOLS = Path(__file__).resolve().parent / "tools"


@dataclass(frozen=True)
class Toolset:
    """One Go module and the binaries built from it: ``{binary name: package}``."""

    name: str
    binaries: dict[str, str]
    #: ``-X`` settings for the linker (version strings the upstream builds stamp in).
    stamps: tuple[str, ...] = ()

    @property
    def module_dir(self) -> Path:
        return TOOLS / self.name


TOOLSETS: dict[str, Toolset] = {
    toolset.name: toolset
    for toolset in (
        Toolset("kube", {"etcd": "./etcd", "kube-apiserver": "k8s.io/kubernetes/cmd/kube-apiserver"},
                ("k8s.io/component-base/version.gitVersion=v1.34.4",
                 "k8s.io/component-base/version.gitMajor=1",
                 "k8s.io/component-base/version.gitMinor=34")),
        Toolset("promtool", {"promtool": "github.com/prometheus/prometheus/cmd/promtool"},
                ("github.com/prometheus/common/version.Version=3.14.0",)),
        Toolset("kubeconform", {"kubeconform": "github.com/yannh/kubeconform/cmd/kubeconform"}),
        # One binary; it runs as the controller or the repo-server by the name it is run as
        # (a link named argocd-application-controller or argocd-repo-server).
        Toolset("argocd", {"argocd": "github.com/argoproj/argo-cd/v3/cmd"},
                ("github.com/argoproj/argo-cd/v3/common.version=3.5.1",)),
    )
}


def cache_root() -> Path:
    explicit = os.environ.get("LABGEN_E2E_CACHE")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "labgen" / "e2e"


def go_binary() -> str | None:
    return shutil.which("go")


def go_version(go: str) -> str:
    return subprocess.run([go, "env", "GOVERSION"], check=True, capture_output=True,
                          text=True).stdout.strip()


def digest(toolset: Toolset, go: str) -> str:
    """Digest of the pins (go.mod, go.sum), the module's Go sources and the Go version."""
    sha = hashlib.sha256(go_version(go).encode())
    folder = toolset.module_dir
    sha.update(repr(toolset.stamps).encode())
    for path in sorted([folder / "go.mod", folder / "go.sum", *folder.rglob("*.go")]):
        sha.update(str(path.relative_to(folder)).encode() + b"\0" + path.read_bytes() + b"\0")
    return sha.hexdigest()[:16]


def bin_dir(toolset: Toolset, go: str) -> Path:
    return cache_root() / f"{toolset.name}-{digest(toolset, go)}" / "bin"


def find_binary(name: str) -> Path | None:
    """The cached binary ``name`` built from the current pins, or None (no Go, not built)."""
    go = go_binary()
    if go is None:
        return None
    toolset = next(t for t in TOOLSETS.values() if name in t.binaries)
    path = bin_dir(toolset, go) / name
    return path if path.is_file() else None


def build(toolset: Toolset, go: str, *, jobs: int = 2, niceness: int = 10) -> tuple[Path, bool]:
    """Build ``toolset`` into its cache folder unless present; return (bin folder, built?)."""
    target = bin_dir(toolset, go)
    if all((target / name).is_file() for name in toolset.binaries):
        return target, False
    target.parent.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{toolset.name}-", dir=target.parent.parent))
    try:
        for name, package in toolset.binaries.items():
            ldflags = " ".join(["-s", "-w", *(f"-X {stamp}" for stamp in toolset.stamps)])
            command = ["nice", "-n", str(niceness), go, "build", "-mod=readonly", "-trimpath",
                       "-buildvcs=false", "-p", str(jobs), f"-ldflags={ldflags}",
                       "-o", str(staging / "bin" / name), package]
            subprocess.run(command, cwd=toolset.module_dir, check=True)
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.exists():
            shutil.rmtree(target)
        (staging / "bin").rename(target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target, True
