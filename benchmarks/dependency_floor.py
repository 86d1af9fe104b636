"""The floor of labgen's design with its named dependencies, and none of its own work.

    python benchmarks/dependency_floor.py CHART VALUES_JSON OUT

What a cold `labgen render` cannot do without, done the fastest way it can be done:
the Helm SDK is started first, in a helper process (as labgen's own helper is), and
while it loads this process imports the libraries labgen's command line is built on
(click, Jinja2, PyYAML); then it sends the values, waits for the rendered manifests
and writes them to OUT. No environment file is read, nothing is validated, no lock is
taken. `helm_ratio_bench.py` times it beside `helm template`: what it gives over
helm is spent before labgen runs a line of its own code.
"""

import json
import os
import subprocess
import sys

HELPER = """
import json, sys
import helm_python
request = json.loads(sys.stdin.readline())
chart = helm_python.Chart.load(request["chart"])
rendered = chart.render(request["values"], name="olympic-lab", namespace="olympic",
                        is_install=True)
sys.stdout.write(json.dumps(dict(rendered)) + "\\n")
sys.stdout.flush()
"""


def main() -> None:
    chart, values_json, out = sys.argv[1:4]
    helper = subprocess.Popen([sys.executable, "-c", HELPER], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True, encoding="utf-8")
    import click  # noqa: F401  (the import is what is measured)
    import jinja2  # noqa: F401
    import yaml  # noqa: F401

    assert helper.stdin is not None and helper.stdout is not None
    with open(values_json, encoding="utf-8") as values:
        request = {"chart": chart, "values": json.load(values)}
    helper.stdin.write(json.dumps(request) + "\n")
    helper.stdin.flush()
    rendered = json.loads(helper.stdout.readline())
    if not rendered:
        sys.exit("the helper rendered nothing")
    with open(out, "w", encoding="utf-8") as written:
        written.write("".join(rendered[name] for name in sorted(rendered)))
    # As labgen ends: the helper ends when its input closes, nothing waits for it or
    # for the interpreter's teardown.
    os._exit(0)


if __name__ == "__main__":
    main()
