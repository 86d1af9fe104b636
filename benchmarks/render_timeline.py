"""Where a cold `labgen render --env oke --force` spends its time, phase by phase.

Each round runs the render in a fresh process in a fresh copy of the repository,
as `helm_ratio_bench.py` does, with a few of labgen's functions wrapped to note
the time (ms since the process was started, interpreter start included):

- `helper started`: the Helm helper process is spawned (`Workspace.start_engine`);
- `request sent` / `reply`: the first request to the helper, and its answer;
- `meanwhile`: how long this process worked while the helper rendered, and
  `waited` how long it then still waited for the reply;
- `validated`, `written`, `end`.

It also counts the dataclasses the render creates and the time their creation
took, and the CPU time of both processes: labgen's own and the helper's (the
helper, started here through a wrapper, writes its `getrusage` when its input
closes). Their sum against the machine's cores times the wall time says how much
of the machine the render used. The wrapping adds a little time of its own; read the
phases against each other, and `helm_ratio_bench.py` for the figures that count.

    python benchmarks/render_timeline.py [--runs 11]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from helm_ratio_bench import compile_labgen, copy_repo

PHASES = ("helper started", "request sent", "reply", "validated", "written", "end")
#: The helper's start, wrapped: once it has served, it writes its CPU time (ms) to a file.
HELPER_CPU_ENV = "LABGEN_BENCH_HELPER_CPU"
_COUNTED_HELPER = (
    "import os, resource\n"
    "from labgen.helm_sdk import serve\n"
    "serve()\n"
    "use = resource.getrusage(resource.RUSAGE_SELF)\n"
    "path = os.environ['" + HELPER_CPU_ENV + "']\n"
    "with open(path + '.tmp', 'w') as out:\n"
    "    out.write(str((use.ru_utime + use.ru_stime) * 1000))\n"
    "os.replace(path + '.tmp', path)\n")


def _since_start() -> float:
    """Milliseconds since this process was started (from /proc: Linux only)."""
    with open("/proc/self/stat", encoding="ascii") as stat:
        started = int(stat.read().rsplit(")", 1)[1].split()[19]) / os.sysconf("SC_CLK_TCK")
    with open("/proc/uptime", encoding="ascii") as uptime:
        return (float(uptime.read().split()[0]) - started) * 1000


def child() -> None:
    """One instrumented render in the current folder; prints one JSON line."""
    import dataclasses

    base = _since_start() - time.perf_counter() * 1000
    marks: dict[str, float] = {}
    made = {"classes": 0, "ms": 0.0}

    def now() -> float:
        return base + time.perf_counter() * 1000

    create = dataclasses._process_class  # type: ignore[attr-defined]

    def timed_create(*args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return create(*args, **kwargs)
        finally:
            made["classes"] += 1
            made["ms"] += (time.perf_counter() - start) * 1000

    dataclasses._process_class = timed_create  # type: ignore[attr-defined]

    from labgen import FRESH_PROCESS, helm_worker, workspace
    from labgen.cli import cli

    def after(owner: Any, name: str, label: str) -> None:
        original = getattr(owner, name)

        def wrapper(*args: Any, **kwargs: Any) -> Any:
            try:
                return original(*args, **kwargs)
            finally:
                marks.setdefault(label, now())

        setattr(owner, name, wrapper)

    after(workspace.Workspace, "start_engine", "helper started")
    after(workspace.Workspace, "validated", "validated")
    after(workspace.Workspace, "_write", "written")
    ask = helm_worker.WorkerHelm._ask

    def timed_ask(self: helm_worker.WorkerHelm, request: dict[str, Any]) -> dict[str, Any]:
        marks.setdefault("request sent", now())
        meanwhile = self._meanwhile
        if meanwhile is not None:
            def noted() -> object:
                result = meanwhile()
                marks["meanwhile done"] = now()
                return result
            self._meanwhile = noted
        reply = ask(self, request)
        marks.setdefault("reply", now())
        return reply

    helm_worker.WorkerHelm._ask = timed_ask  # type: ignore[method-assign]
    helm_worker._START = _COUNTED_HELPER
    try:
        cli(["render", "--env", "oke", "--force"], prog_name="labgen",
            obj={FRESH_PROCESS: True}, standalone_mode=False)
    finally:
        marks["end"] = now()
        cpu = os.times()
        marks["cpu"] = (cpu.user + cpu.system) * 1000
        marks["dataclasses"] = made["classes"]
        marks["dataclass ms"] = made["ms"]
        print(json.dumps(marks), file=sys.__stdout__, flush=True)
        os._exit(0)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=11)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child()
    compile_labgen()  # as an installed labgen has it (see helm_ratio_bench.py)
    rounds: list[dict[str, float]] = []
    with tempfile.TemporaryDirectory() as tmp:
        for round_ in range(args.runs):
            root = copy_repo(Path(tmp) / f"repo-{round_}")
            helper_cpu = Path(tmp) / f"helper-cpu-{round_}"
            out = subprocess.run([sys.executable, __file__, "--child"], cwd=root, check=True,
                                 capture_output=True, text=True,
                                 env={**os.environ, HELPER_CPU_ENV: str(helper_cpu)}).stdout
            rounds.append(json.loads(out.splitlines()[-1]))
            rounds[-1]["helper cpu"] = _wait_for_number(helper_cpu)

    def median(key: str) -> float:
        return statistics.median(r[key] for r in rounds)

    print(f"rounds: {args.runs} (medians, ms since the process started)")
    for phase in PHASES:
        print(f"  {phase:<16} {median(phase):7.1f}")
    meanwhile = [r["meanwhile done"] - r["request sent"] for r in rounds]
    waited = [r["reply"] - r["meanwhile done"] for r in rounds]
    print(f"  meanwhile {statistics.median(meanwhile):.1f} ms, then waited "
          f"{statistics.median(waited):.1f} ms for the reply")
    print(f"  this process's CPU time: {median('cpu'):.0f} ms; dataclasses created: "
          f"{median('dataclasses'):.0f}, in {median('dataclass ms'):.1f} ms")
    cores = os.cpu_count() or 1
    both = [r["cpu"] + r["helper cpu"] for r in rounds]
    used = [(r["cpu"] + r["helper cpu"]) / (cores * r["end"]) for r in rounds]
    print(f"  the helper's CPU time: {median('helper cpu'):.0f} ms; both processes: "
          f"{statistics.median(both):.0f} ms, {statistics.median(used):.0%} of the "
          f"{cores} cores over the wall time")
    return 0


def _wait_for_number(path: Path, timeout: float = 10) -> float:
    """The number the helper writes once labgen has exited and closed its input."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError, ValueError):
            return float(path.read_text(encoding="ascii"))
        time.sleep(0.01)
    raise RuntimeError(f"the helper wrote no CPU time to {path}")


if __name__ == "__main__":
    sys.exit(main())
