"""Rendering charts through real Helm.

Two engines, both Helm itself:

* :class:`EmbeddedHelm` (default): Helm's Go SDK in-process through the
  ``helm-python-sdk`` package (pinned in pyproject.toml).
* :class:`CliHelm`: the ``helm`` binary, ``helm template`` exactly as Argo
  CD's repo-server runs it. Chosen with ``--helm-binary PATH`` or the
  ``LABGEN_HELM_BINARY`` environment variable.

Both return ``{template path: rendered text}`` with paths as
``<chart>/templates/<file>`` (subcharts: ``<chart>/charts/<sub>/templates/...``),
so their output can be compared document for document.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Protocol

from . import helm_sdk
from .errors import HelmError, InputError
from .helm_choice import HELM_BINARY_ENV, chosen_binary
from .helm_sdk import one_line

#: Seconds a helm CLI run may take (``LABGEN_HELM_TIMEOUT``).
HELM_TIMEOUT_ENV = "LABGEN_HELM_TIMEOUT"
DEFAULT_HELM_TIMEOUT = 120.0
_SOURCE = re.compile(r"^# Source: (.+)$", re.MULTILINE)


class HelmEngine(Protocol):
    name: str

    def render(
        self, chart: Path, values: Mapping[str, Any], *, release: str, namespace: str
    ) -> dict[str, str]:
        """Render ``chart`` with ``values``; raise HelmError with Helm's message."""
        ...  # pragma: no cover


class EmbeddedHelm:
    """Helm's Go SDK, in-process (the call itself: :mod:`labgen.helm_sdk`)."""

    name = "embedded"

    def __init__(self) -> None:
        self._helm = helm_sdk.load()  # deferred to here: an 85 MB shared library

    def version(self) -> str:
        return str(self._helm.helm_sdk_version())

    def render(
        self, chart: Path, values: Mapping[str, Any], *, release: str, namespace: str
    ) -> dict[str, str]:
        rendered, log = self.sdk_render(chart, values, release=release, namespace=namespace)
        return sdk_output(chart, rendered, log)

    def sdk_render(self, chart: Path, values: Mapping[str, Any], *, release: str,
                   namespace: str) -> tuple[dict[str, str], str]:
        """The SDK's own output, ``{template path: text}``, and what Helm logged."""
        return helm_sdk.render(self._helm, str(chart), values, release=release,
                               namespace=namespace)

    def lint(self, chart: Path, values: Mapping[str, Any] | None = None,
             kube_version: str | None = None) -> dict[str, Any]:
        report: dict[str, Any] = self._helm.lint(
            str(chart), dict(values) if values is not None else None, strict=True,
            kube_version=kube_version)
        return report


def sdk_output(chart: Path, rendered: Mapping[str, str], log: str) -> dict[str, str]:
    """The SDK's output as both engines return it: YAML templates only, each tidied; a value
    Helm logged as ignored is refused."""
    refuse_ignored_values(chart, log)
    return {path: _tidy(text) for path, text in sorted(rendered.items())
            if path.endswith((".yaml", ".yml")) and text.strip()}


class CliHelm:
    """The ``helm`` binary: ``helm template`` as Argo CD's repo-server runs it."""

    name = "cli"

    def __init__(self, binary: str) -> None:
        path = Path(binary)
        if not (path.is_file() and os.access(path, os.X_OK)):
            raise InputError(f"helm binary '{binary}' is not an executable file; "
                             f"fix --helm-binary or {HELM_BINARY_ENV}")
        self.binary = str(path)

    def version(self) -> str:
        return self._run([self.binary, "version", "--short"], None).stdout.strip()

    def _run(self, cmd: list[str], env: dict[str, str] | None) -> subprocess.CompletedProcess[str]:
        timeout = _helm_timeout()
        try:  # its own process group: on timeout helm and anything it started are stopped
            with subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                  errors="replace", env=env, start_new_session=True) as proc:
                try:
                    out, err = proc.communicate(timeout=timeout)
                except subprocess.TimeoutExpired:
                    os.killpg(proc.pid, signal.SIGKILL)
                    proc.communicate()
                    raise HelmError(f"helm ({self.binary}) did not finish within {timeout:g} s "
                                    f"and was stopped; check the binary, or raise "
                                    f"{HELM_TIMEOUT_ENV}") from None
                return subprocess.CompletedProcess(cmd, proc.returncode, out, err)
        except OSError as exc:
            raise HelmError(f"cannot run helm ({self.binary}): {exc.strerror}; fix "
                            f"--helm-binary or {HELM_BINARY_ENV}") from None

    def render(
        self, chart: Path, values: Mapping[str, Any], *, release: str, namespace: str
    ) -> dict[str, str]:
        with tempfile.TemporaryDirectory(prefix="labgen-helm-") as tmp:
            values_file = Path(tmp) / "values.json"  # JSON is YAML; no quoting surprises
            values_file.write_text(json.dumps(values), encoding="utf-8")
            cmd = [self.binary, "template", release, str(chart), "--namespace", namespace,
                   "--values", str(values_file), "--include-crds"]
            result = self._run(cmd, {**os.environ, "HELM_CACHE_HOME": tmp,
                                     "HELM_CONFIG_HOME": tmp, "HELM_DATA_HOME": tmp})
        if result.returncode != 0:
            message = one_line(Exception(result.stderr)) or f"exit code {result.returncode}"
            raise HelmError(f"helm failed to render {chart}: {message}")
        refuse_ignored_values(chart, result.stderr)
        return split_template_output(result.stdout)


#: Helm's warnings when it drops a value while merging values (a table replaced by a
#: scalar or the other way round): the rendering goes on without that value.
IGNORED_VALUE = (r"warning: (?:skipped value for|destination for|cannot overwrite table "
                 r"with non table for) ")
#: The words labgen puts before such a warning in its HelmError.
IGNORED_PREFIX = "helm ignored a value: "
_IGNORED = re.compile(IGNORED_VALUE + r"[^\n]*")


def refuse_ignored_values(chart: Path, log: str) -> None:
    """A value Helm ignored is an input error, not a line on stderr: raise HelmError with
    Helm's warning (its values path is blamed by :mod:`labgen.helm_blame`)."""
    match = _IGNORED.search(log)
    if match:
        raise HelmError(f"helm failed to render {chart}: {IGNORED_PREFIX}"
                        f"{one_line(Exception(match[0]))}")


def _tidy(text: str) -> str:
    """One rendered template: no blank lines around it, one final newline (both engines)."""
    return text.strip("\n") + "\n"


def _helm_timeout() -> float:
    try:
        return max(0.1, float(os.environ.get(HELM_TIMEOUT_ENV, DEFAULT_HELM_TIMEOUT)))
    except ValueError:
        return DEFAULT_HELM_TIMEOUT


def split_template_output(stdout: str) -> dict[str, str]:
    """Split ``helm template`` output into ``{source path: text}``."""
    out: dict[str, str] = {}
    for chunk in re.split(r"^---\s*$", stdout, flags=re.MULTILINE):
        match = _SOURCE.search(chunk)
        if not match or not chunk.strip():
            continue
        body = _tidy(chunk[match.end():])
        path = match.group(1).strip()
        out[path] = out.get(path, "") + ("---\n" if path in out else "") + body
    return dict(sorted(out.items()))


def get_engine(helm_binary: str | None = None) -> HelmEngine:
    """The CLI engine when a binary is named (option or environment), else embedded."""
    binary = chosen_binary(helm_binary)
    if binary:
        return CliHelm(binary)
    return EmbeddedHelm()
