"""Image digests: optional values next to tags, used where set (repository:tag@digest)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from chart_docs import Doc, one

from labgen.errors import HelmError

if TYPE_CHECKING:
    from conftest import RenderUmbrella

DIGEST = "sha256:" + "ab" * 32
WORKLOADS = [("prometheus", "Deployment", "prometheus"), ("grafana", "Deployment", "grafana"),
             ("jaeger", "Deployment", "jaeger"), ("kiali", "Deployment", "kiali"),
             ("loki", "StatefulSet", "loki"), ("alloy", "DaemonSet", "alloy"),
             ("node-exporter", "DaemonSet", "node-exporter")]


def _images(doc: Doc) -> list[str]:
    return [c["image"] for c in doc["spec"]["template"]["spec"]["containers"]]


@pytest.mark.parametrize("chart, kind, name", WORKLOADS)
def test_a_digest_pins_the_image_and_keeps_the_tag(render_umbrella: RenderUmbrella, chart: str, kind: str,
                                                   name: str) -> None:
    plain = _images(one(render_umbrella({}), kind, name))[0]
    assert "@" not in plain
    [image] = _images(one(render_umbrella({chart: {"image": {"digest": DIGEST}}}), kind, name))
    assert image == f"{plain}@{DIGEST}"


def test_sample_app_digests_are_per_image(render_umbrella: RenderUmbrella) -> None:
    docs = render_umbrella({"olympic-apps": {"frontend": {"digest": DIGEST}}})
    [frontend] = _images(one(docs, "Deployment", "frontend-app"))
    [backend] = _images(one(docs, "Deployment", "backend-app-v1"))
    assert frontend.endswith(f"/frontend-app:helidon4@{DIGEST}")
    assert "@" not in backend


def test_the_kiali_hook_image_takes_a_digest(render_umbrella: RenderUmbrella) -> None:
    docs = render_umbrella({"kiali": {"loginToken": {"generateSecret": {"image": {
        "digest": DIGEST}}}}})
    job = one(docs, "Job", "kiali-signing-key")
    assert _images(job)[0].endswith("@" + DIGEST)


def test_a_malformed_digest_is_refused(render_umbrella: RenderUmbrella) -> None:
    with pytest.raises(HelmError, match="digest"):
        render_umbrella({"grafana": {"image": {"digest": "latest"}}})
