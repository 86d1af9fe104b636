"""Build the e2e binaries from the pinned Go modules under tests/e2e/tools/ (not a test).

Usage: python tests/e2e/build_tools.py [--only kube,promtool] [--jobs 2] [--print-dir]

Each toolset is built once per digest of its pins into the cache folder that
``e2e_toolchain.cache_root()`` names, and skipped when its binaries are there.
Prints one line per toolset: the folder, and whether it was built (with the time)
or already cached. Exit 1 when Go is missing or a build fails.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from e2e_toolchain import TOOLSETS, build, go_binary


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default=",".join(TOOLSETS),
                        help=f"comma-separated toolsets (default: all of {', '.join(TOOLSETS)})")
    parser.add_argument("--jobs", type=int, default=2, help="go build -p (default 2)")
    args = parser.parse_args(argv)
    go = go_binary()
    if go is None:
        print("error: no `go` on PATH; the e2e toolchain is built from Go modules", file=sys.stderr)
        return 1
    names = [name.strip() for name in args.only.split(",") if name.strip()]
    unknown = sorted(set(names) - set(TOOLSETS))
    if unknown:
        print(f"error: unknown toolset(s) {', '.join(unknown)}; known: {', '.join(TOOLSETS)}",
              file=sys.stderr)
        return 1
    for name in names:
        start = time.monotonic()
        try:
            folder, built = build(TOOLSETS[name], go, jobs=args.jobs)
        except subprocess.CalledProcessError as error:
            print(f"error: building toolset {name} failed ({error})", file=sys.stderr)
            return 1
        state = f"built in {time.monotonic() - start:.0f} s" if built else "cached"
        print(f"{name}: {folder} ({state})", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
