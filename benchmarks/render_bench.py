"""Render speed: `labgen render --all` over 10, 50 and 100 environments, the
cost of a re-render with no input change, one environment end to end, and
`labgen --help`. Wall-clock times of real `labgen` processes (interpreter
start included); medians of --runs runs; ratios are taken within this run.

    python benchmarks/render_bench.py [--runs 5] [--sizes 10,50,100]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
LABGEN = [sys.executable, "-m", "labgen"]
SPLITS = [(80, 15, 5), (60, 30, 10), (50, 30, 20), (34, 33, 33), (0, 0, 100)]


def make_repo(folder: Path, count: int) -> Path:
    """A repository copy with `count` environments extending oke or kind."""
    shutil.copytree(PROJECT / "charts", folder / "charts")
    envs = folder / "environments"
    envs.mkdir()
    for name in ("base.yaml", "oke.yaml", "kind.yaml"):
        shutil.copy(PROJECT / "environments" / name, envs / name)
    for path in (envs / "oke.yaml", envs / "kind.yaml"):  # only the generated ones are rendered
        path.write_text("abstract: true\n" + path.read_text())
    for i in range(count):
        v1, v2, v3 = SPLITS[i % len(SPLITS)]
        (envs / f"lab-{i:03d}.yaml").write_text(
            f"extends: {'oke' if i % 2 else 'kind'}\n"
            f"traffic:\n  scenario: custom\n  weights: {{v1: {v1}, v2: {v2}, v3: {v3}}}\n")
    return folder


def timed(args: list[str], cwd: Path | None = None) -> float:
    start = time.perf_counter()
    subprocess.run(args, check=True, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def mtimes(folder: Path) -> dict[Path, int]:
    return {p: p.stat().st_mtime_ns for p in folder.rglob("*")}


def bench_all(count: int, runs: int) -> tuple[float, float, bool]:
    full, again, untouched = [], [], True
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as tmp:
            root = make_repo(Path(tmp), count)
            full.append(timed([*LABGEN, "render", "--all", "--root", str(root)]))
            before = mtimes(root / "gitops")
            again.append(timed([*LABGEN, "render", "--all", "--root", str(root)]))
            untouched &= mtimes(root / "gitops") == before
    return statistics.median(full), statistics.median(again), untouched


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--sizes", default="10,50,100")
    args = parser.parse_args()
    print(f"runs per figure: {args.runs} (medians); {os.cpu_count()} CPUs")
    for count in [int(s) for s in args.sizes.split(",")]:
        full, again, untouched = bench_all(count, args.runs)
        print(f"render --all, {count:3d} envs: {full:6.2f} s ({full / count * 1000:5.0f} ms/env); "
              f"no-change re-render {again:5.2f} s = {again / full:5.1%} of full; "
              f"files untouched: {untouched}")
    one = []
    for _ in range(args.runs):
        with tempfile.TemporaryDirectory() as tmp:
            root = Path(tmp)
            shutil.copytree(PROJECT / "charts", root / "charts")
            shutil.copytree(PROJECT / "environments", root / "environments")
            one.append(timed([*LABGEN, "render", "--env", "oke", "--root", str(root)]))
    print(f"one environment (oke), render + validate + write, cold process: {statistics.median(one):.2f} s")
    helps = [timed([str(Path(sys.executable).parent / "labgen"), "--help"]) for _ in range(args.runs)]
    print(f"labgen --help: {statistics.median(helps):.3f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
