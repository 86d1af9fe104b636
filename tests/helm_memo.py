"""The suite's memo of the embedded Helm SDK's renders.

Most tests render the same chart with the same values (a lab copied into ``tmp_path``
is rendered by its command, again by the check after it, by the next test...): of the
817 in-process renders of one run of the suite without tests/e2e, 489 repeated an
earlier one in the same process.
Helm's output is a function of the chart's files, the values, the release and the
namespace (the chart-determinism check keeps our charts so), so each distinct input is
rendered once per test process by the real SDK and later renders reuse that output.
The key holds the bytes of every file of the chart folder, not its path or times: a
test that edits a template or a values file gets a render of its own.

A test whose point is to render again (determinism across checkouts) is marked
``@pytest.mark.helm_each_time``; the Helm helper process and the helm CLI are never
memoized (they are other processes).
"""

from __future__ import annotations

import hashlib
import os
import pickle
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from labgen import helm_sdk
from labgen.render_cache import hash_files

Render = Callable[..., tuple[dict[str, str], str]]
#: Renders by key: (Helm's files, Helm's log). Strings only, so sharing them is safe.
_RENDERS: dict[str, tuple[dict[str, str], str]] = {}
#: The SDK's own render, as the module defines it.
REAL_RENDER: Render = helm_sdk.render


def chart_digest(chart: str) -> str:
    """The render cache's digest of every file under ``chart`` (a chart folder), or of the
    file (a packaged chart)."""
    root = Path(os.path.realpath(chart))
    if not root.is_dir():
        return hashlib.sha256(b"file\0" + root.read_bytes()).hexdigest()
    return hash_files(sorted(p for p in root.rglob("*") if p.is_file()), root)


def memoized_render(helm: Any, chart: str, values: Mapping[str, Any], *, release: str,
                    namespace: str) -> tuple[dict[str, str], str]:
    """:func:`labgen.helm_sdk.render`, once per distinct chart content and input."""
    try:
        inputs = pickle.dumps((dict(values), release, namespace))
    except (pickle.PicklingError, TypeError, AttributeError):
        return REAL_RENDER(helm, chart, values, release=release, namespace=namespace)
    key = chart_digest(chart) + hashlib.sha256(inputs).hexdigest()
    if key not in _RENDERS:  # a HelmError is raised every time: nothing is kept
        _RENDERS[key] = REAL_RENDER(helm, chart, values, release=release, namespace=namespace)
    files, log = _RENDERS[key]
    return dict(files), log
