"""``labgen crds pull`` against a Helm repository served on 127.0.0.1, built at test time from
../shared/crds; and ``validate``/``render`` using what was pulled (or saying they did not).

Every test's cache is its own (``XDG_CACHE_HOME`` in tmp_path).
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result

from crd_repo import (
    PROOF_FIELD,
    argocd_chart,
    crds_folder_chart,
    empty_chart,
    index_digest,
    istio_base_chart,
    publish,
    serve,
    sha256_of,
)
from labgen.user_cache import CRDS_CACHE_ENV

Invoke = Callable[..., Result]

#: A VirtualService with a field only the test's Istio "1.31.0" chart defines.
PROOF_VS = f"""\
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {{name: proof, namespace: olympic}}
spec:
  hosts: [proof]
  {PROOF_FIELD}: accepted only by the pulled CRD
  http:
    - route:
        - destination: {{host: proof}}
"""


class Repo:
    """The served repository: its URL, folder and index."""

    def __init__(self, url: str, folder: Path, index: dict[str, Any]) -> None:
        self.url, self.folder, self.index = url, folder, index


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory, shared_dir: Path) -> Iterator[Repo]:
    """Istio base 1.30.3 (the upstream CRDs) and 1.31.0 (plus the proof field), argo-cd charts
    9.0.0 (app v3.4.0) and 9.1.0 and 9.1.1 (app v3.5.1), a chart with crds/, one without CRDs."""
    src = tmp_path_factory.mktemp("charts")
    folder = src / "served" / "charts"
    index = publish([
        istio_base_chart(src, shared_dir, "1.30.3"),
        istio_base_chart(src, shared_dir, "1.31.0", proof=True),
        argocd_chart(src, shared_dir, "9.0.0", "v3.4.0"),
        argocd_chart(src, shared_dir, "9.1.0", "v3.5.1"),
        argocd_chart(src, shared_dir, "9.1.1", "v3.5.1"),
        crds_folder_chart(src, shared_dir, "extra-crds", "0.1.0"),
        empty_chart(src, "no-crds", "1.0.0"),
    ], folder)
    with serve(src / "served") as url:
        yield Repo(f"{url}/charts", folder, index)


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """This test's ``$XDG_CACHE_HOME``; returns ``<it>/labgen/crds``."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.delenv(CRDS_CACHE_ENV)  # the suite's own empty cache: the default layout here
    return tmp_path / "xdg" / "labgen" / "crds"


def pin(lab: Path, url: str, istio: str = "1.30.3") -> Path:
    """``lab`` with base.yaml pinning Istio ``istio`` from ``url``."""
    base = lab / "environments" / "base.yaml"
    text = base.read_text(encoding="utf-8")
    pinned = text.replace('istio:\n  version: "1.30.3"\n',
                          f'istio:\n  version: "{istio}"\n  chartRepoURL: {url}\n')
    assert pinned != text
    base.write_text(pinned, encoding="utf-8")
    return lab


def pull(run: Invoke, lab: Path, repo: Repo, *args: str) -> Result:
    return run("crds", "pull", "--root", str(lab), "--argocd-repo", repo.url, *args)


def one_error_line(result: Result) -> str:
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    return lines[0]


def _line_of(file: Path, text: str) -> int:
    return file.read_text(encoding="utf-8").splitlines().index(text) + 1


def leftovers(cache: Path) -> list[Path]:
    return [p for p in cache.rglob("*") if p.is_dir() and p.name.startswith(".")]


def test_pull_caches_the_pinned_versions_with_digests(run: Invoke, lab: Path, repo: Repo,
                                                      cache: Path) -> None:
    result = pull(run, pin(lab, repo.url), repo, "--env", "oke")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith("Istio 1.30.3: 15 CRDs pulled (base 1.30.3 from "
                               f"{repo.url}, sha256:")
    assert lines[1].startswith("Argo CD v3.5.1: 3 CRDs pulled (argo-cd 9.1.1 from ")
    assert sorted(p.relative_to(cache).as_posix() for p in cache.glob("*/*")) == [
        "argocd/v3.5.1", "istio/1.30.3"]  # exactly the pins: not 1.31.0, not v3.4.0
    for folder, chart, version in ((cache / "istio/1.30.3", "base", "1.30.3"),
                                   (cache / "argocd/v3.5.1", "argo-cd", "9.1.1")):
        record = json.loads((folder / "CRDS.json").read_text(encoding="utf-8"))
        assert record["chartVersion"] == version
        assert record["chartDigest"] == f"sha256:{index_digest(repo.index, chart, version)}"
        assert record["chartDigest"] == f"sha256:{sha256_of(repo.folder / f'{chart}-{version}.tgz')}"
        stored = sorted(p.name for p in folder.iterdir() if p.name != "CRDS.json")
        assert stored == sorted(record["files"])
        for name, info in record["files"].items():
            assert sha256_of(folder / name) == info["sha256"]
            assert json.loads((folder / name).read_text())["kind"] == "CustomResourceDefinition"
    istio = json.loads((cache / "istio/1.30.3/CRDS.json").read_text())["files"]
    assert ["networking.istio.io/v1alpha3", "VirtualService"] in (
        istio["virtualservices.networking.istio.io.json"]["kinds"])
    assert leftovers(cache) == []


def test_a_second_pull_uses_the_verified_cache(run: Invoke, lab: Path, repo: Repo,
                                               cache: Path) -> None:
    pin(lab, repo.url)
    assert pull(run, lab, repo, "--all").exit_code == 0
    before = (cache / "istio/1.30.3/CRDS.json").stat().st_mtime_ns
    again = pull(run, lab, repo, "--all")
    assert again.exit_code == 0
    assert [line.split(" (")[0] for line in again.stdout.splitlines()] == [
        "Istio 1.30.3: 15 CRDs cached", "Argo CD v3.5.1: 3 CRDs cached"]
    assert (cache / "istio/1.30.3/CRDS.json").stat().st_mtime_ns == before
    forced = pull(run, lab, repo, "--env", "kind", "--force")
    assert "15 CRDs pulled" in forced.stdout


def test_validate_uses_the_pulled_crds(run: Invoke, lab: Path, repo: Repo, cache: Path) -> None:
    """The proof field is unknown to the built-ins and to Istio 1.30.3; the pinned 1.31.0's
    CRDs define it. Explicit --crds still win over what was pulled."""
    pin(lab, repo.url, istio="1.31.0")
    manifest = lab / "proof.yaml"
    manifest.write_text(PROOF_VS, encoding="utf-8")
    before = run("validate", "--root", str(lab), str(manifest))
    assert before.exit_code == 1
    assert f"spec.{PROOF_FIELD}: unknown field" in before.stdout
    assert "built-in schemas" in before.stderr
    assert pull(run, lab, repo, "--env", "oke").exit_code == 0
    after = run("validate", "--root", str(lab), "--format", "json", str(manifest))
    assert after.exit_code == 0, after.output
    assert json.loads(after.stdout)["findings"] == []
    assert f"schemas: Istio 1.31.0 from pulled CRDs ({cache / 'istio' / '1.31.0'})" in after.stderr
    sources = json.loads(after.stdout)["schemas"]
    assert {"source": "istio", "version": "1.31.0", "origin": "pulled",
            "path": str(cache / "istio/1.31.0"), "chart": "base 1.31.0", "repository": repo.url,
            "digest": f"sha256:{index_digest(repo.index, 'base', '1.31.0')}"} in sources
    explicit = run("validate", "--root", str(lab), "--crds",
                   str(repo.folder.parents[1] / "base-1.30.3" / "files"), str(manifest))
    assert explicit.exit_code == 1 and f"spec.{PROOF_FIELD}: unknown field" in explicit.stdout


def test_validate_env_and_render_say_which_schemas(run: Invoke, lab: Path, repo: Repo,
                                                   cache: Path) -> None:
    pin(lab, repo.url)
    first = run("render", "--root", str(lab), "--env", "oke")
    assert first.exit_code == 0, first.output
    assert first.stderr.splitlines()[-1] == (
        "gitops/oke: schemas: Istio 1.30.3, Argo CD v3.5.1: built-in schemas (nothing pulled; "
        "`labgen crds pull` fetches them)")
    offline = run("validate", "--root", str(lab), "--env", "oke", "--format", "json")
    assert offline.exit_code == 0, offline.output
    assert ("schemas: Istio 1.30.3, Argo CD v3.5.1: built-in schemas (nothing pulled; "
            "`labgen crds pull` fetches them)") in offline.stderr
    assert [s["origin"] for s in json.loads(offline.stdout)["schemas"]] == ["built-in"] * 2
    assert pull(run, lab, repo, "--env", "oke").exit_code == 0
    online = run("validate", "--root", str(lab), "--env", "oke")
    assert online.exit_code == 0, online.output
    assert online.stderr.splitlines()[-1] == (
        f"schemas: Istio 1.30.3 from pulled CRDs ({cache / 'istio/1.30.3'}); "
        f"Argo CD v3.5.1 from pulled CRDs ({cache / 'argocd/v3.5.1'})")
    # The render cache knows the pull: the unchanged tree is validated again (a cache hit
    # prints no schemas line), now with the pulled CRDs.
    rendered = run("render", "--root", str(lab), "--env", "oke")
    assert rendered.exit_code == 0, rendered.output
    assert rendered.stderr.splitlines()[-1].startswith(
        "gitops/oke: schemas: Istio 1.30.3 from pulled CRDs")


def test_digest_mismatch_is_refused_and_nothing_cached(run: Invoke, lab: Path, repo: Repo,
                                                       cache: Path, tmp_path: Path) -> None:
    served = tmp_path / "tampered"
    shutil.copytree(repo.folder, served)
    archive = served / "base-1.30.3.tgz"
    archive.write_bytes(archive.read_bytes() + b"\0")  # index.yaml keeps the old digest
    with serve(served) as url:
        line = one_error_line(pull(run, pin(lab, url), repo, "--env", "oke"))
    assert re.fullmatch(r"error: base-1\.30\.3\.tgz from http://127\.0\.0\.1:\d+ has sha256 "
                        r"[0-9a-f]{16}\.\.\., not the [0-9a-f]{16}\.\.\. its index lists; nothing "
                        r"was cached \(a changed or corrupted download\)", line), line
    assert not (cache / "istio").exists() or list((cache / "istio").iterdir()) == []
    undigested = tmp_path / "undigested"
    shutil.copytree(repo.folder, undigested)
    index = undigested / "index.yaml"
    index.write_text(re.sub(r"(?m)^\s*digest: .*\n", "", index.read_text()))
    with serve(undigested) as url:
        (lab / "environments" / "base.yaml").write_text(re.sub(
            r"chartRepoURL: .*", f"chartRepoURL: {url}",
            (lab / "environments" / "base.yaml").read_text()))
        line = one_error_line(pull(run, lab, repo, "--env", "oke"))
    assert line == (f"error: the index of {url} lists no sha256 digest for base 1.30.3: labgen "
                    "pulls only charts it can check")
    assert not (cache / "istio").exists() or list((cache / "istio").iterdir()) == []


def test_a_version_missing_from_the_index_is_refused(run: Invoke, lab: Path, repo: Repo,
                                                     cache: Path) -> None:
    line = one_error_line(pull(run, pin(lab, repo.url, istio="1.99.0"), repo, "--env", "oke"))
    assert line == (f"error: base version 1.99.0 is not in the Helm repository {repo.url} "
                    "(newest there: 1.31.0, 1.30.3); fix istio.version (environments/base.yaml:19)"
                    " or istio.chartRepoURL (environments/base.yaml:20)")
    assert not cache.exists() or leftovers(cache) == []
    argo = one_error_line(pull(run, lab, repo, "--argocd-version", "v9.9.9"))
    assert argo.startswith("error: argo-cd app version v9.9.9 is not in the Helm repository")
    assert argo.endswith("(newest there: v3.5.1, v3.4.0); fix --argocd-version or --argocd-repo")
    kind_file = lab / "environments" / "kind.yaml"
    kind_file.write_text(kind_file.read_text(encoding="utf-8").replace(
        "istio:\n", 'istio:\n  version: "1.30.3"\n', 1) + "argocd:\n  version: v3.6.0\n",
        encoding="utf-8")
    kind = one_error_line(pull(run, lab, repo, "--env", "kind"))
    assert kind.endswith("(newest there: v3.5.1, v3.4.0); fix argocd.version "
                         "(environments/kind.yaml:NN) or --argocd-repo".replace("NN", str(
                             _line_of(lab / "environments/kind.yaml", "  version: v3.6.0"))))


def test_unreachable_repository_and_unknown_environment(run: Invoke, lab: Path, repo: Repo,
                                                        cache: Path) -> None:
    line = one_error_line(pull(run, pin(lab, "http://127.0.0.1:9/charts"), repo, "--env", "oke"))
    assert line.startswith("error: cannot read the Helm repository http://127.0.0.1:9/charts: ")
    assert line.endswith("connection refused; fix istio.version (environments/base.yaml:19) or "
                         "istio.chartRepoURL (environments/base.yaml:20)")
    assert not cache.exists()
    unknown = one_error_line(pull(run, lab, repo, "--env", "nope"))
    assert "nope" in unknown
    odd = one_error_line(pull(run, lab, repo, "--chart", repo.url, "../up", "1.0.0"))
    assert odd == ("error: CRD source '../up' cannot name a cache folder; use letters, digits, "
                   "'.', '_', '+' and '-'")
    nothing = one_error_line(run("crds", "pull", "--root", str(lab)))
    assert nothing == ("error: name environments with --env ENV or --all, or CRD sources with "
                       "--argocd-version or --chart")


def test_a_tampered_cache_is_refused_then_replaced(run: Invoke, lab: Path, repo: Repo,
                                                   cache: Path) -> None:
    pin(lab, repo.url)
    assert pull(run, lab, repo, "--env", "oke").exit_code == 0
    changed = cache / "istio/1.30.3/gateways.networking.istio.io.json"
    changed.write_text(changed.read_text().replace('"string"', '"integer"', 1))
    line = one_error_line(run("validate", "--root", str(lab), "--env", "oke"))
    assert line.startswith(f"error: {changed}: sha256 ")
    assert line.endswith("recorded when it was pulled: the cache was changed; pull it again "
                         f"(labgen crds pull) or delete {cache / 'istio/1.30.3'}")
    again = pull(run, lab, repo, "--env", "oke")
    assert again.stdout.startswith("Istio 1.30.3: 15 CRDs replaced a changed cache entry")
    assert run("validate", "--root", str(lab), "--env", "oke").exit_code == 0
    record = cache / "istio/1.30.3/CRDS.json"
    record.write_text("{not json")
    damaged = one_error_line(run("validate", "--root", str(lab), "--env", "oke"))
    assert damaged == (f"error: {record}: damaged record of pulled CRDs; pull it again (labgen "
                       f"crds pull) or delete {record.parent}")


def test_any_chart_with_a_crds_folder(run: Invoke, lab: Path, repo: Repo, cache: Path) -> None:
    result = pull(run, lab, repo, "--chart", repo.url, "extra-crds", "0.1.0")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("extra-crds 0.1.0: 2 CRDs pulled (extra-crds 0.1.0 from ")
    assert sorted(p.name for p in (cache / "extra-crds/0.1.0").iterdir()) == [
        "CRDS.json", "appprojects.argoproj.io.json", "widgets.example.com.json"]
    widget = lab / "widget.yaml"
    widget.write_text("apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\n"
                      "spec: {size: big}\n", encoding="utf-8")
    checked = run("validate", "--root", str(lab), "--crds", str(cache / "extra-crds/0.1.0"),
                  str(widget))
    assert checked.exit_code == 1 and "spec.size: " in checked.stdout
    empty = one_error_line(pull(run, lab, repo, "--chart", repo.url, "no-crds", "1.0.0"))
    assert empty == ("error: chart no-crds 1.0.0 carries no CustomResourceDefinitions (none in "
                     "its crds/ folder or rendered templates)")
    assert not (cache / "no-crds").exists() or list((cache / "no-crds").iterdir()) == []


def test_pull_with_the_helm_cli(run: Invoke, lab: Path, repo: Repo, cache: Path,
                                helm_binary: str) -> None:
    """The same pull through the official helm binary: the same files and digests."""
    pin(lab, repo.url)
    result = pull(run, lab, repo, "--env", "oke", "--helm-binary", helm_binary)
    assert result.exit_code == 0, result.output
    record = json.loads((cache / "istio/1.30.3/CRDS.json").read_text())
    assert len(record["files"]) == 15
    embedded = cache.parent.parent / "embedded"
    shutil.move(str(cache.parent), str(embedded))
    assert pull(run, lab, repo, "--env", "oke").exit_code == 0
    assert json.loads((cache / "istio/1.30.3/CRDS.json").read_text())["files"] == record["files"]


def test_a_failed_write_keeps_the_old_entry_and_leaves_nothing(lab: Path, run: Invoke,
                                                                repo: Repo, cache: Path) -> None:
    """A write that fails half-way (the second CRD has no name) stores nothing: the entry
    pulled before is still there and verifies, and no staging folder is left."""
    from labgen.crd_cache import CrdPin, read_entry, write_entry
    from labgen.errors import InputError

    assert pull(run, pin(lab, repo.url), repo, "--env", "oke").exit_code == 0
    before = read_entry(CrdPin("istio", "1.30.3"))
    assert before is not None
    good = json.loads((cache / "istio/1.30.3/gateways.networking.istio.io.json").read_text())
    with pytest.raises(InputError, match="has no usable name"):
        write_entry(CrdPin("istio", "1.30.3"), {"repository": "r", "chart": "c",
                    "chartVersion": "v", "chartDigest": "d"}, [good, {"kind": "x"}])
    assert read_entry(CrdPin("istio", "1.30.3")) == before
    with pytest.raises(InputError):
        write_entry(CrdPin("istio", "1.29.0"), {}, [good, {"kind": "x"}])
    assert not (cache / "istio/1.29.0").exists()
    assert leftovers(cache) == []


def test_validate_paths_says_why_the_builtins_apply(run: Invoke, lab: Path, repo: Repo,
                                                    cache: Path, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    manifest = tmp_path / "outside" / "proof.yaml"
    manifest.parent.mkdir()
    manifest.write_text(PROOF_VS, encoding="utf-8")
    monkeypatch.chdir(manifest.parent)
    monkeypatch.delenv("LABGEN_ROOT", raising=False)
    outside = run("validate", str(manifest))
    assert outside.stderr.splitlines()[-1] == (
        "schemas: built-in schemas (not in a labgen repository, so no pinned versions; "
        "--crds loads CRDs you have)")
    pin(lab, repo.url, istio="1.31.0")
    assert pull(run, lab, repo, "--env", "oke").exit_code == 0
    (lab / "environments" / "older.yaml").write_text('extends: kind\nistio:\n  version: "1.30.3"\n')
    differ = run("validate", "--root", str(lab), str(manifest))
    assert differ.exit_code == 1 and f"spec.{PROOF_FIELD}: unknown field" in differ.stdout
    assert differ.stderr.splitlines()[-1] == (
        f"schemas: Argo CD v3.5.1 from pulled CRDs ({cache / 'argocd/v3.5.1'}); built-in "
        "schemas (the environments pin different Istio versions: use --env, or --crds)")


def test_the_workspace_use_case(lab: Path, repo: Repo, cache: Path,
                                workspace: Callable[[Path], Any]) -> None:
    """``Workspace.pull_crds`` returns what it stored; ``validate_env`` reports what it used."""
    ws = workspace(pin(lab, repo.url))
    pulls = ws.pull_crds(all_envs=True, argocd_repo=repo.url)
    assert [(p.entry.pin.label, p.status, p.entry.chart_version) for p in pulls] == [
        ("Istio 1.30.3", "pulled", "1.30.3"), ("Argo CD v3.5.1", "pulled", "9.1.1")]
    assert pulls[0].entry.folder == cache / "istio" / "1.30.3"
    older = ws.pull_crds(argocd_version="3.4.0", argocd_repo=repo.url)
    assert [(p.entry.pin.version, p.entry.chart_version) for p in older] == [("v3.4.0", "9.0.0")]
    sources = ws.validate_env("oke").schemas
    assert sources is not None and sources.builtin == ()
    assert [e.pin.label for e in sources.pulled] == ["Istio 1.30.3", "Argo CD v3.5.1"]
