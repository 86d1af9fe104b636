"""The embedded Helm SDK's render call, and the loop of the helper process around it.

One definition of the call for both ways labgen runs the SDK: in-process
(:class:`labgen.helm_engine.EmbeddedHelm`) and in the helper process
(:mod:`labgen.helm_worker`). This module imports nothing the SDK's Python binding
does not import itself, but :mod:`labgen.errors`, so that the helper
(``python -c 'from labgen.helm_sdk import serve; serve()'``) spends its start on the
SDK alone.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
from collections.abc import Iterator, Mapping
from typing import Any

from .errors import HelmError

#: How much of Helm's message labgen's one line shows.
MESSAGE_CHARS = 500


def load() -> Any:
    """The SDK's binding (loads an 85 MB shared library and starts Go's runtime);
    HelmError when it cannot be loaded (a broken install, a library for another CPU)."""
    try:
        import helm_python
    except (ImportError, OSError) as exc:
        raise HelmError(f"cannot load the embedded Helm SDK (helm-python-sdk): "
                        f"{one_line(exc)}; reinstall labgen, or render with --helm-binary "
                        "PATH") from None
    return helm_python


def render(helm: Any, chart: str, values: Mapping[str, Any], *, release: str,
           namespace: str) -> tuple[dict[str, str], str]:
    """The SDK's own output, ``{template path: text}``, and what Helm logged."""
    # Loaded afresh for every render (~2 ms): Helm prunes disabled subcharts from the
    # loaded chart in place, so a cached chart would lose them for later renders.
    try:
        loaded = helm.Chart.load(os.path.realpath(chart))
    except helm.HelmError as exc:
        raise HelmError(f"helm could not load chart {chart}: {one_line(exc)}") from None
    try:
        with _go_log() as log:  # Helm's Go code logs its warnings straight to fd 2
            rendered = loaded.render(dict(values), name=release, namespace=namespace,
                                     is_install=True)
    except helm.HelmError as exc:
        raise HelmError(f"helm failed to render {chart}: {one_line(exc)}") from None
    finally:
        loaded.close()
    return dict(rendered), log[0]


def one_line(exc: BaseException) -> str:
    """Helm's multi-line messages folded onto one line, cut to :data:`MESSAGE_CHARS`."""
    text = " ".join(str(exc)[: MESSAGE_CHARS * 4].split())
    text = "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)
    return text if len(text) <= MESSAGE_CHARS else text[: MESSAGE_CHARS - 3] + "..."


@contextlib.contextmanager
def _go_log() -> Iterator[list[str]]:
    """What native code writes to fd 2 while the block runs, kept instead of printed
    (the list's one item, once the block is over)."""
    captured = [""]
    sink = _scratch_file()
    saved = os.dup(2)
    os.dup2(sink, 2)
    try:
        yield captured
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.lseek(sink, 0, os.SEEK_SET)
        captured[0] = os.read(sink, 1 << 16).decode("utf-8", "replace")
        os.close(sink)


def _scratch_file() -> int:
    """An anonymous file's descriptor: in memory where Linux offers it (and tempfile,
    with all it imports, is not needed), else a temporary file already unlinked."""
    with contextlib.suppress(AttributeError, OSError):
        return os.memfd_create("labgen-helm-log", os.MFD_CLOEXEC)
    import tempfile

    with tempfile.TemporaryFile() as handle:
        return os.dup(handle.fileno())


def serve() -> None:
    """The helper's loop: load the SDK, then answer each request line until stdin closes.
    Replies go to the pipe that was fd 1; fd 1 itself then points at stderr, so nothing
    native code might print can corrupt a reply."""
    replies = os.fdopen(os.dup(1), "w", encoding="utf-8")
    os.dup2(2, 1)
    try:
        helm, broken = load(), None
    except HelmError as exc:  # every request is answered with it: one line, no traceback
        helm, broken = None, exc
    for line in sys.stdin:
        request = json.loads(line)
        try:
            if broken is not None:
                raise broken
            rendered, log = render(helm, request["chart"], request["values"],
                                   release=request["release"], namespace=request["namespace"])
            reply: dict[str, Any] = {"rendered": rendered, "log": log}
        except HelmError as exc:
            reply = {"error": exc.message}
        replies.write(json.dumps(reply) + "\n")
        replies.flush()
