"""oke-pvc-size: an OCI Block Volume claim asks for at least 50 GiB.

Passes: ``storageClassName: oci-bv``, ``resources.requests.storage: 50Gi``.

Fails: ``storageClassName: oci-bv`` with ``storage: 10Gi``: OCI Block Volumes are
50 GB at least, so OKE provisions (and bills) 50 GB and the claim's size is not
what runs. Claims of StatefulSet ``volumeClaimTemplates`` are checked too.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from ..findings import Finding, Severity, ValidationOptions
from ..manifests import Document
from .inventory import Inventory, Reporter, as_list, as_map

ID = "oke-pvc-size"
SEVERITY: Severity = "warning"
report = Reporter(ID, SEVERITY)

#: OKE's Block Volume storage classes (CSI ``oci-bv`` and the older FlexVolume ``oci``).
OCI_CLASSES = frozenset({"oci-bv", "oci", "oci-bv-encrypted"})
MINIMUM_GIB = 50
_UNITS = {"Ki": 2**-20, "Mi": 2**-10, "Gi": 1, "Ti": 2**10, "Pi": 2**20,
          "k": 1e3 / 2**30, "M": 1e6 / 2**30, "G": 1e9 / 2**30, "T": 1e12 / 2**30, "": 1 / 2**30}
_QUANTITY = re.compile(r"^([0-9.]+)(Ki|Mi|Gi|Ti|Pi|k|M|G|T)?$")


def run(inventory: Inventory, options: ValidationOptions) -> Iterator[Finding]:
    for claim in inventory.kind("PersistentVolumeClaim"):
        yield from _check(claim, as_map(claim.body.get("spec")), "spec")
    for workload in inventory.kind("StatefulSet"):
        templates = as_list(as_map(workload.body.get("spec")).get("volumeClaimTemplates"))
        for index, template in enumerate(templates):
            yield from _check(workload, as_map(as_map(template).get("spec")),
                              f"spec.volumeClaimTemplates[{index}].spec")


def _check(doc: Document, spec: Mapping[str, Any], path: str) -> Iterator[Finding]:
    if spec.get("storageClassName") not in OCI_CLASSES:
        return
    size = as_map(as_map(spec.get("resources")).get("requests")).get("storage")
    gib = gibibytes(size)
    if gib is not None and gib < MINIMUM_GIB:
        yield report(doc, f"{path}.resources.requests.storage",
                     f"{size} is below OCI Block Volume's {MINIMUM_GIB} GiB minimum; OKE "
                     f"provisions {MINIMUM_GIB} GiB anyway: ask for {MINIMUM_GIB}Gi")


def gibibytes(quantity: Any) -> float | None:
    match = _QUANTITY.match(str(quantity)) if quantity is not None else None
    if not match:
        return None
    return float(match.group(1)) * _UNITS[match.group(2) or ""]
