"""A cold `labgen render --env oke` beside `helm template` of the same chart and values.

Paired runs, alternating the two commands so both see the same machine load: each
round times `helm template olympic-lab charts/olympic-lab -n olympic -f
gitops/oke/values.yaml` (the official helm binary, what Argo CD's repo-server runs)
and then `labgen render --env oke --force` in a fresh copy of the repository (a
cold process: interpreter start, imports, Helm, validation and the atomic write).
Also a no-change `labgen render --env oke` and `labgen --help`. Prints medians and
the median of the per-round ratios.

Each round also times the floor of labgen's design: a Python process that does
nothing but load the embedded Helm SDK and render the same chart with the same
values (read as JSON) -- no click, no Jinja2, no validation, no write. The
ratio floor / helm is what any Python tool rendering Helm in-process pays before
doing its own work. And the floor with labgen's named dependencies
(`dependency_floor.py`): the SDK in a helper process while click, Jinja2 and PyYAML
are imported, the values sent, the manifests written -- what labgen's design pays
before any of labgen's own code runs.

labgen's bytecode is compiled first, as `pip install .` (the quick start) does at
install time: an editable install under `PYTHONDONTWRITEBYTECODE=1` (set on this
project's machines) would otherwise compile every module from source in every run,
which no installed labgen does.

    python benchmarks/helm_ratio_bench.py --helm PATH [--runs 11]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
LABGEN = str(Path(sys.executable).parent / "labgen")


def timed(args: list[str], cwd: Path | None = None) -> float:
    start = time.perf_counter()
    subprocess.run(args, check=True, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def compile_labgen() -> None:
    """Write labgen's bytecode beside its sources, as pip does when it installs a package."""
    import compileall
    import importlib.util

    spec = importlib.util.find_spec("labgen")
    assert spec is not None and spec.origin is not None, "labgen is not installed here"
    compileall.compile_dir(Path(spec.origin).parent, quiet=1)


FLOOR = """
import json, sys
import helm_python
chart = helm_python.Chart.load(sys.argv[1])
out = chart.render(json.load(open(sys.argv[2])), name="olympic-lab", namespace="olympic",
                   is_install=True)
sys.stdout.write("".join(out.values()))
"""


def copy_repo(folder: Path) -> Path:
    for name in ("charts", "environments", "gitops"):
        shutil.copytree(PROJECT / name, folder / name)
    return folder


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--helm", default=os.environ.get("LABGEN_TEST_HELM_BINARY"),
                        help="the helm binary (default: $LABGEN_TEST_HELM_BINARY)")
    parser.add_argument("--runs", type=int, default=11)
    args = parser.parse_args()
    if not args.helm:
        parser.error("give --helm PATH (e.g. the one .ci/fetch_helm.py prints)")
    compile_labgen()
    helm, labgen, cached, ratios, floor, floor_ratios = [], [], [], [], [], []
    deps_floor, deps_ratios = [], []
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp) / "helm-home"
        env = {**os.environ, "HELM_CACHE_HOME": str(home), "HELM_CONFIG_HOME": str(home),
               "HELM_DATA_HOME": str(home)}
        template = [args.helm, "template", "olympic-lab", str(PROJECT / "charts/olympic-lab"),
                    "-n", "olympic", "-f", str(PROJECT / "gitops/oke/values.yaml")]
        timed(template)  # warm the file cache for both
        values_json = Path(tmp) / "values.json"
        import yaml

        values_json.write_text(json.dumps(yaml.safe_load(
            (PROJECT / "gitops/oke/values.yaml").read_text(encoding="utf-8"))), encoding="utf-8")
        sdk_only = [sys.executable, "-c", FLOOR, str(PROJECT / "charts/olympic-lab"),
                    str(values_json)]
        with_deps = [sys.executable, str(Path(__file__).with_name("dependency_floor.py")),
                     str(PROJECT / "charts/olympic-lab"), str(values_json),
                     str(Path(tmp) / "floor-out.yaml")]
        for round_ in range(args.runs):
            root = copy_repo(Path(tmp) / f"repo-{round_}")
            start = time.perf_counter()
            subprocess.run(template, check=True, env=env, stdout=subprocess.DEVNULL)
            helm.append(time.perf_counter() - start)
            labgen.append(timed([LABGEN, "render", "--env", "oke", "--force"], cwd=root))
            cached.append(timed([LABGEN, "render", "--env", "oke"], cwd=root))
            ratios.append(labgen[-1] / helm[-1])
            floor.append(timed(sdk_only))
            floor_ratios.append(floor[-1] / helm[-1])
            deps_floor.append(timed(with_deps))
            deps_ratios.append(deps_floor[-1] / helm[-1])
    helps = [timed([LABGEN, "--help"]) for _ in range(args.runs)]
    print(f"rounds: {args.runs} (medians); {os.cpu_count()} CPUs")
    print(f"helm template (oke values):                 {statistics.median(helm):.3f} s")
    print(f"labgen render --env oke --force, cold:      {statistics.median(labgen):.3f} s")
    print(f"ratio labgen / helm, median of rounds:      {statistics.median(ratios):.2f}x")
    print(f"python + Helm SDK render only (floor):     {statistics.median(floor):.3f} s")
    print(f"ratio floor / helm, median of rounds:       {statistics.median(floor_ratios):.2f}x")
    print(f"+ click, Jinja2, PyYAML; SDK in a helper:   {statistics.median(deps_floor):.3f} s")
    print(f"ratio that floor / helm, median of rounds:  {statistics.median(deps_ratios):.2f}x")
    print(f"labgen render --env oke, no change:         {statistics.median(cached):.3f} s")
    print(f"labgen --help:                              {statistics.median(helps):.3f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
