"""Benchmark of ``labgen validate`` against kubernetes-validate (not a test).

Generates a corpus of mixed manifests in a temporary folder (Deployments,
Services, ConfigMaps, DaemonSets, StatefulSets, ClusterRoles, ServiceAccounts,
Ingresses, VirtualServices, DestinationRules), then measures, each as the
median of ``--runs`` runs:

* labgen schema validation alone (documents already parsed; compiled
  validators warm, as in any run after the first kind is seen);
* labgen end to end: read + parse (labgen's block reader; libyaml for what it leaves) +
  schemas + semantic checks;
* kubernetes-validate, strict, on a sample of the core-kind documents: its
  ``validate()`` function per document, and its CLI on one sample file. Both
  are scaled per document (it has no Istio schemas, so only core kinds count);
* optionally a whole environment (``--env oke``): validation of what
  ``render_environment`` returns, interpreter and render excluded;
* ``--copies N``: N documents made of copies of the ``oke`` render, every workload in
  one namespace with the same labels (the case where matching Services to pod
  templates must stay linear), validated end to end as ``labgen validate PATH`` does.
  With ``--against REF`` the same corpus is validated by the code of git ``REF``
  (checked out in a temporary worktree) in alternating runs, so both figures come
  from one paired run.

Usage: python benchmarks/validate_bench.py [--count 5000] [--runs 5] [--env oke]
       python benchmarks/validate_bench.py --copies 5000 [--against main]
       python benchmarks/validate_bench.py --against main   (the mixed corpus, paired)
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def _deployment(i: int, kind: str = "Deployment") -> dict[str, object]:
    labels = {"app": f"app-{i}", "version": f"v{i % 3 + 1}"}
    spec: dict[str, object] = {
        "selector": {"matchLabels": labels},
        "template": {
            "metadata": {"labels": labels, "annotations": {"prometheus.io/scrape": "true"}},
            "spec": {
                "serviceAccountName": f"app-{i}",
                "containers": [{
                    "name": "app", "image": f"registry.example.com/app-{i}:1.{i % 7}.0",
                    "args": ["--port=8080", "--log-level=info"],
                    "env": [{"name": "SERVICE_VERSION", "value": f"V{i % 3 + 1}"},
                            {"name": "POD_NS", "valueFrom": {
                                "fieldRef": {"fieldPath": "metadata.namespace"}}}],
                    "ports": [{"name": "http", "containerPort": 8080}],
                    "resources": {"requests": {"cpu": "50m", "memory": "128Mi"},
                                  "limits": {"memory": "256Mi"}},
                    "readinessProbe": {"httpGet": {"path": "/ready", "port": "http"},
                                       "periodSeconds": 5},
                    "securityContext": {"runAsNonRoot": True,
                                        "allowPrivilegeEscalation": False},
                    "volumeMounts": [{"name": "config", "mountPath": "/etc/app"}],
                }],
                "volumes": [{"name": "config", "configMap": {"name": f"app-{i}"}}],
            },
        },
    }
    if kind == "Deployment":
        spec["replicas"] = 2
    if kind == "StatefulSet":
        spec["serviceName"] = f"app-{i}"
    return {"apiVersion": "apps/v1", "kind": kind,
            "metadata": {"name": f"app-{i}", "namespace": "bench", "labels": labels},
            "spec": spec}


def _service(i: int) -> dict[str, object]:
    return {"apiVersion": "v1", "kind": "Service",
            "metadata": {"name": f"app-{i}", "namespace": "bench"},
            "spec": {"selector": {"app": f"app-{i}"},
                     "ports": [{"name": "http", "port": 80, "targetPort": "http"}]}}


def _others(i: int) -> list[dict[str, object]]:
    meta = {"name": f"app-{i}", "namespace": "bench"}
    return [
        {"apiVersion": "v1", "kind": "ConfigMap", "metadata": meta,
         "data": {"app.yaml": f"listen: 8080\nupstream: http://app-{i}:80\n"}},
        {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": meta},
        {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole",
         "metadata": {"name": f"app-{i}"},
         "rules": [{"apiGroups": [""], "resources": ["pods", "services"],
                    "verbs": ["get", "list", "watch"]}]},
        {"apiVersion": "networking.k8s.io/v1", "kind": "Ingress", "metadata": meta,
         "spec": {"ingressClassName": "istio", "rules": [{"http": {"paths": [{
             "path": "/", "pathType": "Prefix", "backend": {"service": {
                 "name": f"app-{i}", "port": {"number": 80}}}}]}}]}},
        {"apiVersion": "networking.istio.io/v1", "kind": "DestinationRule", "metadata": meta,
         "spec": {"host": f"app-{i}", "trafficPolicy": {"loadBalancer": {"simple": "RANDOM"}},
                  "subsets": [{"name": f"v{i % 3 + 1}", "labels": {"version": f"v{i % 3 + 1}"}}]}},
        {"apiVersion": "networking.istio.io/v1", "kind": "VirtualService", "metadata": meta,
         "spec": {"hosts": [f"app-{i}"], "http": [{"route": [
             {"destination": {"host": f"app-{i}", "subset": f"v{i % 3 + 1}"}, "weight": 100}],
             "timeout": "10s"}]}},
    ]


def generate(folder: Path, count: int) -> int:
    """Write at least ``count`` documents, 50 per file; return how many."""
    docs: list[dict[str, object]] = []
    i = 0
    while len(docs) < count:
        kind = ("Deployment", "DaemonSet", "StatefulSet")[i % 3]
        docs += [_deployment(i, kind), _service(i), *_others(i)]
        i += 1
    for start in range(0, len(docs), 50):
        text = yaml.safe_dump_all(docs[start:start + 50], sort_keys=False)
        (folder / f"manifests-{start // 50:04d}.yaml").write_text(text)
    return len(docs)


_LABEL_KEYS = frozenset({"labels", "matchLabels", "selector", "data"})


def _renamed(value: object, names: frozenset[str], suffix: str) -> object:
    """``value`` with every reference to an object of the render renamed (a name, a
    ``name.ns...`` host, a ``ns/name`` gateway); labels, selectors and data stay."""
    if isinstance(value, dict):
        return {k: v if k in _LABEL_KEYS else _renamed(v, names, suffix)
                for k, v in value.items()}
    if isinstance(value, list):
        return [_renamed(v, names, suffix) for v in value]
    if isinstance(value, str):
        if value in names:
            return value + suffix
        head, dot, rest = value.partition(".")
        if dot and head in names:
            return f"{head}{suffix}.{rest}"
        left, slash, right = value.partition("/")
        if slash and right in names:
            return f"{left}/{right}{suffix}"
    return value


def oke_copies(count: int) -> list[dict[str, object]]:
    """``count`` documents: copies of the ``oke`` umbrella render, the first unchanged, the
    others renamed ``-cN`` with their references, every namespaced object in ``olympic``."""
    from labgen.helm_engine import get_engine
    from labgen.render import render_environment

    rendered = render_environment(ROOT, "oke", get_engine(None))
    bodies = [dict(doc.body) for doc in rendered.manifests]
    names = frozenset(str(b["metadata"]["name"]) for b in bodies)
    docs: list[dict[str, object]] = []
    number = 0
    while len(docs) < count:
        for body in bodies:
            item = copy.deepcopy(body) if number == 0 else _renamed(body, names, f"-c{number}")
            assert isinstance(item, dict)
            metadata = item["metadata"]
            if metadata.get("namespace", "") in ("", "olympic") and \
                    item["kind"] not in ("ClusterRole", "ClusterRoleBinding"):
                metadata["namespace"] = "olympic"
            docs.append(item)
        number += 1
    return docs[:count]


def _time_copies(folder: Path) -> dict[str, float]:
    """Seconds of validating ``folder`` (``validate PATH`` options): its parsed documents,
    and end to end (read + parse + validate)."""
    from labgen.validation import ValidationOptions, validate_documents
    from labgen.validation.files import load_paths

    options = ValidationOptions(kubernetes_version="1.34", complete=False)
    documents = load_paths([folder])
    validate_documents(documents, options)  # compiles the kinds
    start = time.perf_counter()
    found = validate_documents(documents, options)
    parsed = time.perf_counter() - start
    assert not [f for f in found if f.severity == "error"], [str(f) for f in found[:3]]
    start = time.perf_counter()
    validate_documents(load_paths([folder]), options)
    return {"validate": parsed, "end to end": time.perf_counter() - start}


def copies_benchmark(count: int, runs: int, against: str | None, mixed: bool = False) -> None:
    """Validate ``count`` copies of the ``oke`` render (``mixed``: the generated mixed
    corpus); with ``against``, pair each run with one of git ``against`` on the same corpus."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "corpus"
        folder.mkdir()
        if mixed:
            count = generate(folder, count)
        else:
            docs = oke_copies(count)
            for start in range(0, len(docs), 50):
                text = yaml.safe_dump_all(docs[start:start + 50], sort_keys=False)
                (folder / f"manifests-{start // 50:04d}.yaml").write_text(text)
        trees = {"this tree": ROOT / "generator"}
        if against:
            other = Path(tmp) / "against"
            subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", "-q",
                            str(other), against], check=True)
            trees[against] = other / "generator"
        try:
            results: dict[str, list[dict[str, float]]] = {name: [] for name in trees}
            for _ in range(runs):
                for name, path in trees.items():
                    out = subprocess.run(
                        [sys.executable, __file__, "--time-copies", str(folder)],
                        check=True, capture_output=True, text=True,
                        env={**os.environ, "PYTHONPATH": str(path)})
                    results[name].append(json.loads(out.stdout))
        finally:
            if against:
                subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force",
                                str(other)], check=True)
        for name, times in results.items():
            for what in ("validate", "end to end"):
                median = statistics.median(t[what] for t in times)
                corpus = "the mixed corpus" if mixed else "copies of the oke render, one namespace"
                print(f"{count} docs ({corpus}), {name}, "
                      f"{what}: median {median:.3f} s = {count / median:,.0f} docs/s "
                      f"({len(times)} runs)")


def median_seconds(action: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--sample", type=int, default=300,
                        help="core-kind documents given to kubernetes-validate")
    parser.add_argument("--env", help="also time validating this environment")
    parser.add_argument("--copies", type=int, help="only: validate this many documents made "
                        "of copies of the oke render in one namespace")
    parser.add_argument("--against", metavar="REF", help="pair each run with the code of this "
                        "git ref: with --copies, or alone for the mixed corpus of --count")
    parser.add_argument("--time-copies", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.time_copies:
        print(json.dumps(_time_copies(args.time_copies)))
        return
    if args.copies:
        copies_benchmark(args.copies, args.runs, args.against)
        return
    if args.against:
        copies_benchmark(args.count, args.runs, args.against, mixed=True)
        return

    from kubernetes_validate import utils as kv

    from labgen.validation import ValidationOptions, validate_documents
    from labgen.validation.files import load_paths
    from labgen.validation.kube_schemas import is_core_api
    from labgen.validation.registry import SchemaRegistry
    from labgen.validation.schema_check import schema_findings

    if args.env:  # first, so that its first run compiles its kinds from scratch
        from labgen.helm_engine import get_engine
        from labgen.render import render_environment

        rendered = render_environment(ROOT, args.env, get_engine(None))
        env_docs = [*rendered.manifests, *rendered.argocd]
        env_options = ValidationOptions(
            kubernetes_version=rendered.env.spec.cluster.kubernetes_version, repo_root=ROOT,
            planned_files=frozenset(rendered.tree))
        start = time.perf_counter()
        validate_documents(env_docs, env_options)
        cold = time.perf_counter() - start
        warm = median_seconds(lambda: validate_documents(env_docs, env_options), args.runs)
        print(f"environment {args.env}: {len(env_docs)} documents, first validation "
              f"{cold:.3f} s (compiles its kinds), then median {warm:.3f} s")

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        total = generate(folder, args.count)
        documents = load_paths([folder])
        assert len(documents) == total
        kinds = sorted({d.kind for d in documents})
        print(f"corpus: {total} documents in {len(list(folder.iterdir()))} files; "
              f"kinds: {', '.join(kinds)}")

        start = time.perf_counter()
        registry = SchemaRegistry("1.34")
        first = list(schema_findings(documents, registry))
        print(f"labgen schemas, first run (compiles each kind): "
              f"{time.perf_counter() - start:.3f} s")
        assert first == [], first[:3]

        schema_s = median_seconds(lambda: list(schema_findings(documents, registry)), args.runs)
        options = ValidationOptions(kubernetes_version="1.34")

        def end_to_end() -> None:
            found = validate_documents(load_paths([folder]), options)
            assert not [f for f in found if f.severity == "error"], found[:3]

        e2e_s = median_seconds(end_to_end, args.runs)
        print(f"labgen schemas only:      {schema_s:.3f} s  {total / schema_s:,.0f} docs/s")
        print(f"labgen end to end:        {e2e_s:.3f} s  {total / e2e_s:,.0f} docs/s "
              "(read + parse + schemas + checks)")

        core = [d for d in documents if is_core_api(d.api_version)][: args.sample]
        bodies = [dict(d.body) for d in core]

        def kv_function() -> None:
            for body in bodies:
                kv.validate(body, "1.34", strict=True)

        kv_s = median_seconds(kv_function, max(3, args.runs // 2)) / len(bodies)
        ours_core = median_seconds(lambda: list(schema_findings(core, registry)), args.runs)
        ours_core /= len(core)
        print(f"kubernetes-validate validate(), strict, {len(bodies)} core docs: "
              f"{1 / kv_s:,.0f} docs/s")
        print(f"labgen on the same {len(core)} docs:     {1 / ours_core:,.0f} docs/s  "
              f"-> {kv_s / ours_core:.0f}x faster")
        print(f"labgen on the mixed corpus vs kubernetes-validate per doc: "
              f"{kv_s / (schema_s / total):.0f}x")

        sample_file = folder / "kv-sample.yaml"
        sample_file.write_text(yaml.safe_dump_all(bodies[:100], sort_keys=False))
        cli = [sys.executable, "-m", "kubernetes_validate", "--strict", "-k", "1.34", "--quiet",
               str(sample_file)]
        cli_s = median_seconds(lambda: subprocess.run(cli, check=True, capture_output=True),
                               max(3, args.runs // 2))
        print(f"kubernetes-validate CLI, strict, 100 docs in one file: {cli_s:.2f} s "
              f"= {100 / cli_s:,.0f} docs/s (process start included)")


if __name__ == "__main__":
    main()
