"""image-tag (warning): container images carry an explicit tag or digest, never ``latest``.

Passes: ``image: grafana/grafana:12.1.0`` or ``image: repo/app@sha256:...``.

Fails: ``image: nrt.ocir.io/orasejapan/codeatcustomer/frontend-app`` (no tag: ``latest``)
or ``image: busybox:latest``: what runs changes without a change in git.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..findings import Finding, Severity, ValidationOptions
from .inventory import Inventory, Reporter

ID = "image-tag"
SEVERITY: Severity = "warning"
report = Reporter(ID, SEVERITY)


def image_tag(image: str) -> str | None:
    """The tag of an image reference (None when untagged; digests count as pinned)."""
    if "@" in image:
        return "@digest"
    last = image.rsplit("/", 1)[-1]
    return last.split(":", 1)[1] if ":" in last else None


def run(inventory: Inventory, options: ValidationOptions) -> Iterator[Finding]:
    for template in inventory.templates:
        for path, container in template.containers():
            image = container.get("image")
            if not isinstance(image, str):
                continue
            tag = image_tag(image)
            if tag is None or tag == "latest":
                yield report(template.doc, f"{path}.image",
                             f"image {image!r} is {'untagged' if tag is None else ':latest'}; "
                             "pin a version")
