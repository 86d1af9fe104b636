"""The pre-commit hook, run by pre-commit itself on a sample repository.

The repository has a pre-commit configuration, a CI workflow and one cluster
split over many files. The hook definitions come from this project's
``.pre-commit-hooks.yaml`` (as a ``repo: local`` hook running the installed
labgen, so nothing is downloaded): only manifests are validated, and all of
them in one run, so references between files resolve.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

import yaml_docs

LABGEN = Path(sys.executable).with_name("labgen")
PRE_COMMIT = Path(sys.executable).with_name("pre-commit")

WORKFLOW = """\
name: validate
on: [pull_request]
jobs:
  manifests:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: pipx run pre-commit run --all-files
"""


def _service(i: int) -> str:
    return (f"apiVersion: v1\nkind: Service\nmetadata: {{name: svc-{i}, namespace: shop}}\n"
            f"spec:\n  selector: {{app: svc-{i}}}\n  ports: [{{name: http, port: 8080}}]\n")


def _deployment(i: int, version: str = "v1") -> str:
    return (f"apiVersion: apps/v1\nkind: Deployment\n"
            f"metadata: {{name: svc-{i}-{version}, namespace: shop}}\n"
            f"spec:\n  replicas: 1\n  selector: {{matchLabels: {{app: svc-{i}, version: {version}}}}}\n"
            f"  template:\n    metadata: {{labels: {{app: svc-{i}, version: {version}}}}}\n"
            f"    spec:\n      containers:\n        - name: app\n"
            f"          image: registry.example.com/shop/svc-{i}:1.0.{i}\n"
            f"          ports: [{{containerPort: 8080}}]\n"
            f"          resources: {{requests: {{cpu: 10m, memory: 32Mi}}, limits: {{memory: 64Mi}}}}\n")


ROUTES = """\
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: svc-0, namespace: shop}
spec:
  hosts: [svc-0]
  http:
    - route:
        - {destination: {host: svc-0, subset: v1}, weight: 90}
        - {destination: {host: svc-0, subset: v2}, weight: 10}
"""

RULES = """\
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: svc-0, namespace: shop}
spec:
  host: svc-0
  subsets:
    - {name: v1, labels: {version: v1}}
"""


def _config(project_root: Path, **change: object) -> str:
    """A local hook with this project's labgen-validate definition (``change`` overrides)."""
    [hook] = [h for h in yaml_docs.load((project_root / ".pre-commit-hooks.yaml").read_text())
              if h["id"] == "labgen-validate"]
    hook.update(language="system", entry=f"{LABGEN} validate", **change)
    return yaml.safe_dump({"repos": [{"repo": "local", "hooks": [hook]}]}, sort_keys=False)


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True)


@pytest.fixture
def sample(tmp_path: Path, project_root: Path) -> Path:
    repo = tmp_path / "repo"
    (repo / ".github" / "workflows").mkdir(parents=True)
    (repo / ".github" / "workflows" / "validate.yaml").write_text(WORKFLOW)
    (repo / ".pre-commit-config.yaml").write_text(_config(project_root))
    cluster = repo / "cluster"
    cluster.mkdir()
    for i in range(30):  # one cluster, one object a file: more files than one batch takes
        (cluster / f"service-{i:02d}.yaml").write_text(_service(i))
        (cluster / f"deployment-{i:02d}.yaml").write_text(_deployment(i))
    (cluster / "deployment-00-v2.yaml").write_text(_deployment(0, "v2"))
    # The route and its DestinationRule sort far apart: parallel batches would split them.
    (cluster / "zz-routes.yaml").write_text(ROUTES)
    (cluster / "aa-rules.yaml").write_text(RULES)
    _git(repo, "init", "-q")
    _git(repo, "add", ".")
    return repo


def _pre_commit(repo: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PRE_COMMIT_HOME": str(repo.parent / "pre-commit-home"),
           "PATH": f"{LABGEN.parent}{os.pathsep}{os.environ['PATH']}"}
    return subprocess.run([str(PRE_COMMIT), "run", "--all-files", "--color", "never"],
                          cwd=repo, env=env, capture_output=True, text=True, timeout=300)


@pytest.mark.skipif(not PRE_COMMIT.exists() or shutil.which("git") is None,
                    reason="pre-commit (the test extra) and git are needed")
def test_pre_commit_validates_one_cluster_in_one_run(sample: Path) -> None:
    failed = _pre_commit(sample)
    assert failed.returncode == 1, failed.stdout + failed.stderr
    # The subset defined in another file than the route: found only when both are validated
    # together (require_serial: one run, not parallel batches).
    assert ("cluster/zz-routes.yaml:9:39: error vs-subset spec.http[0].route[1].destination."
            "subset: subset 'v2' of 'svc-0' is not defined by any DestinationRule"
            ) in failed.stdout
    assert ".github" not in failed.stdout and ".pre-commit-config" not in failed.stdout
    assert _summaries(failed.stdout) == ["1 error(s), 0 warning(s)"]  # labgen ran once

    rules = sample / "cluster" / "aa-rules.yaml"
    rules.write_text(RULES + "    - {name: v2, labels: {version: v2}}\n")
    _git(sample, "add", ".")
    passed = _pre_commit(sample)
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert "labgen validate" in passed.stdout and "Passed" in passed.stdout


@pytest.mark.skipif(not PRE_COMMIT.exists() or shutil.which("git") is None,
                    reason="pre-commit (the test extra) and git are needed")
def test_without_require_serial_the_batches_split_the_cluster(sample: Path,
                                                              project_root: Path) -> None:
    """The control: without require_serial pre-commit runs labgen on parts of the cluster."""
    (sample / ".pre-commit-config.yaml").write_text(_config(project_root, require_serial=False))
    _git(sample, "add", ".")
    assert len(_summaries(_pre_commit(sample).stdout)) > 1


def _summaries(output: str) -> list[str]:
    """The last line of each labgen run in pre-commit's output."""
    return [line for line in output.splitlines()
            if line == "no findings" or line.endswith(" warning(s)")]
