"""Peers acceptance (not a test): independent tools beside labgen, figures for the README.

* kubeconform (pinned in tests/e2e/tools/kubeconform) and ``labgen validate`` on the
  validation benchmark's corpus (benchmarks/validate_bench.py ``generate``), each
  pinned to one core (``taskset -c 0``), in paired runs (kubeconform, then labgen,
  ``--runs`` times), medians. kubeconform reads Kubernetes 1.34's strict JSON
  schemas from the kubernetes-validate package (offline; converted at run time into
  a temporary folder to the draft-4 layout kubeconform compiles) and, for Istio's kinds,
  JSON schemas converted at run time into a temporary folder from the CRDs in
  ``../shared/crds/istio`` (with ``additionalProperties: false`` where the CRD
  does not preserve unknown fields, as kubeconform's own converter does in strict mode).

Usage: python tests/e2e/acceptance.py [--count 5000] [--runs 1]
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path[:0] = [str(HERE), str(ROOT / "benchmarks")]

from e2e_plan import load_crds  # noqa: E402
from e2e_toolchain import find_binary  # noqa: E402

#: A control both tools must refuse: an unknown Deployment field, a string weight.
BAD_DOCUMENTS = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: bad, namespace: bench}
spec:
  replicaz: 2
  selector: {matchLabels: {app: bad}}
  template:
    metadata: {labels: {app: bad}}
    spec: {containers: [{name: app, image: registry.example.com/bad:1.0.0}]}
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: bad, namespace: bench}
spec:
  hosts: [bad]
  http: [{route: [{destination: {host: bad}, weight: eighty}]}]
"""


def strict(schema: Any) -> Any:
    """Close every object schema that lists properties and does not keep unknown fields."""
    if isinstance(schema, dict):
        out = {key: strict(value) for key, value in schema.items()}
        if ("properties" in out and "additionalProperties" not in out
                and not out.get("x-kubernetes-preserve-unknown-fields")):
            out["additionalProperties"] = False
        return out
    if isinstance(schema, list):
        return [strict(item) for item in schema]
    return schema


def write_crd_schemas(crds: list[dict[str, Any]], folder: Path) -> int:
    """``<group>/<kind>_<version>.json`` per served CRD version; returns how many."""
    count = 0
    for crd in crds:
        spec = crd["spec"]
        for version in spec["versions"]:
            schema = strict(version["schema"]["openAPIV3Schema"])
            # The API server adds these to every custom resource's schema.
            schema.setdefault("properties", {}).update(
                apiVersion={"type": "string"}, kind={"type": "string"}, metadata={"type": "object"})
            path = folder / spec["group"] / f"{spec['names']['kind'].lower()}_{version['name']}.json"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(schema))
            count += 1
    return count


def _draft4(schema: Any) -> Any:
    """kubernetes-validate's 2020-12 layout (``$defs``, refs from its package root) in the
    draft-4 layout kubeconform compiles (``definitions``, refs relative to the file)."""
    if isinstance(schema, dict):
        out = {}
        for key, value in schema.items():
            if key == "$ref" and isinstance(value, str):
                value = value.replace("/api/_definitions.json#", "_definitions.json#")
                out[key] = value.replace("#/$defs/", "#/definitions/")
            elif key == "$schema" and isinstance(value, str):
                continue
            else:
                out["definitions" if key == "$defs" else key] = _draft4(value)
        return out
    if isinstance(schema, list):
        return [_draft4(item) for item in schema]
    return schema


def write_kube_schemas(version: str, folder: Path) -> Path:
    """Kubernetes ``version``'s strict schemas from the kubernetes-validate package, converted."""
    import kubernetes_validate

    source = Path(kubernetes_validate.__file__).parent / "kubernetes-json-schema"
    target = folder / f"v{version}-local-strict"
    target.mkdir(parents=True)
    for path in (source / target.name).glob("*.json"):
        (target / path.name).write_text(json.dumps(_draft4(json.loads(path.read_text()))))
    return folder


def timed(command: list[str]) -> tuple[float, subprocess.CompletedProcess[str]]:
    start = time.perf_counter()
    result = subprocess.run(["taskset", "-c", "0", *command], capture_output=True, text=True)
    return time.perf_counter() - start, result


def kubeconform_vs_labgen(count: int, runs: int) -> None:
    from validate_bench import generate

    kubeconform = find_binary("kubeconform")
    if kubeconform is None:
        print("kubeconform: not built (python tests/e2e/build_tools.py --only kubeconform)")
        return
    labgen = shutil.which("labgen", path=str(Path(sys.executable).parent)) or "labgen"
    with tempfile.TemporaryDirectory() as tmp:
        corpus, schemas = Path(tmp) / "corpus", Path(tmp) / "crd-schemas"
        corpus.mkdir()
        total = generate(corpus, count)
        converted = write_crd_schemas(load_crds(ROOT.parent / "shared" / "crds" / "istio"), schemas)
        kube = write_kube_schemas("1.34.0", Path(tmp) / "kube-schemas")
        peer = [str(kubeconform), "-strict", "-summary", "-kubernetes-version", "1.34.0",
                "-schema-location",
                f"{kube}/{{{{ .NormalizedKubernetesVersion }}}}-local-strict/"
                "{{ .ResourceKind }}{{ .KindSuffix }}.json",
                "-schema-location",
                f"{schemas}/{{{{ .Group }}}}/{{{{ .ResourceKind }}}}_{{{{ .ResourceAPIVersion }}}}.json",
                str(corpus)]
        ours = [labgen, "validate", "--kubernetes-version", "1.34", str(corpus)]
        print(f"corpus: {total} documents, {len(list(corpus.iterdir()))} files; "
              f"{converted} CRD versions converted for kubeconform")
        times: dict[str, list[float]] = {"kubeconform": [], "labgen validate": []}
        for _ in range(runs):
            for name, command in (("kubeconform", peer), ("labgen validate", ours)):
                seconds, result = timed(command)
                times[name].append(seconds)
                last = (result.stdout + result.stderr).strip().splitlines()[-1:]
                print(f"  {name}: {seconds:.2f} s, exit {result.returncode}: {' '.join(last)}")
        bad = Path(tmp) / "bad"
        bad.mkdir()
        (bad / "bad.yaml").write_text(BAD_DOCUMENTS)
        for name, command in (("kubeconform", peer), ("labgen validate", ours)):
            result = subprocess.run([*command[:-1], str(bad)], capture_output=True, text=True)
            print(f"  control, 2 broken documents: {name} exit {result.returncode}: "
                  f"{' | '.join((result.stdout + result.stderr).strip().splitlines()[:3])}")
        for name, values in times.items():
            median = statistics.median(values)
            print(f"{name:<16} median {median:.2f} s over {runs} run(s) on one core: "
                  f"{total / median:,.0f} docs/s (process start included)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=1)
    args = parser.parse_args()
    kubeconform_vs_labgen(args.count, args.runs)


if __name__ == "__main__":
    main()
