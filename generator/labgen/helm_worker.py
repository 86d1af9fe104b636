"""The embedded Helm SDK in a helper process that loads while labgen imports.

Loading the SDK (an 85 MB Go library, its runtime and its Python binding) is a large
part of a cold render, and it needs nothing from the environment. So a render that
will need Helm starts ``python -c 'from labgen.helm_sdk import serve; serve()'``
first (:class:`WorkerHelm`): the helper loads the SDK on the second core while labgen
imports its own modules and reads the environment, then renders each request with
:func:`labgen.helm_sdk.render`, the same SDK call as in-process.

One JSON line per request on the helper's stdin, one JSON line per reply on its
stdout. The helper ends when its stdin closes (labgen exited, or :meth:`close`).
"""

from __future__ import annotations

import contextlib
import json
import subprocess
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import IO, Any

from .errors import HelmError
from .helm_engine import sdk_output

_START = "from labgen.helm_sdk import serve; serve()"


class WorkerHelm:
    """Helm's Go SDK in a helper process (see the module docstring)."""

    name = "embedded"

    def __init__(self, meanwhile: Callable[[], object] | None = None) -> None:
        """Start the helper; ``meanwhile`` runs once, here, while it renders the first
        request (this process would otherwise only wait for the reply)."""
        self._meanwhile = meanwhile
        self._process = subprocess.Popen(
            [sys.executable, "-c", _START], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            text=True, encoding="utf-8",
            start_new_session=True)  # Ctrl-C is labgen's to handle; the helper ends on EOF

    def render(
        self, chart: Path, values: Mapping[str, Any], *, release: str, namespace: str
    ) -> dict[str, str]:
        reply = self._ask({"chart": str(chart), "values": values, "release": release,
                           "namespace": namespace})
        if "error" in reply:
            raise HelmError(reply["error"])
        return sdk_output(chart, reply["rendered"], reply["log"])

    def _ask(self, request: dict[str, Any]) -> dict[str, Any]:
        stdin, stdout = self._pipes()
        try:
            stdin.write(json.dumps(request) + "\n")
            stdin.flush()
            work, self._meanwhile = self._meanwhile, None
            if work is not None:
                work()
            line = stdout.readline()
        except BrokenPipeError:
            line = ""
        if not line:
            code = self.close()
            raise HelmError(f"the Helm helper process exited with code {code} before it "
                            "answered; run again, or render with --helm-binary")
        reply: dict[str, Any] = json.loads(line)
        return reply

    def _pipes(self) -> tuple[IO[str], IO[str]]:
        assert self._process.stdin is not None and self._process.stdout is not None
        return self._process.stdin, self._process.stdout

    def close(self) -> int:
        """End the helper (it also ends by itself when this process exits); its exit code."""
        stdin, stdout = self._pipes()
        with contextlib.suppress(BrokenPipeError):  # a helper that died left data unread
            stdin.close()
        code = self._process.wait()
        stdout.close()
        return code
