"""Peers acceptance (not a test): independent tools beside labgen, figures for the README.

* kubeconform (pinned in tests/e2e/tools/kubeconform) and ``labgen validate`` on the
  validation benchmark's corpus (benchmarks/validate_bench.py ``generate``), each
  pinned to one core (``taskset -c 0``), in paired runs (kubeconform, then labgen,
  ``--runs`` times), medians. kubeconform reads Kubernetes 1.34's strict JSON
  schemas from the kubernetes-validate package (offline) and, for Istio's kinds,
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
            path = folder / spec["group"] / f"{spec['names']['kind'].lower()}_{version['name']}.json"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(schema))
            count += 1
    return count


def kube_schema_dir() -> Path:
    import kubernetes_validate

    return Path(kubernetes_validate.__file__).parent / "kubernetes-json-schema"


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
        kube = kube_schema_dir()
        peer = [str(kubeconform), "-strict", "-summary", "-kubernetes-version", "1.34.0",
                "-schema-location",
                f"{kube}/v{{{{ .NormalizedKubernetesVersion }}}}-local-strict/"
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
