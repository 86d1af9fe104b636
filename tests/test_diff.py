"""labgen diff: traffic in plain words and the rendered diff by resource, from git refs."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from labgen.helm_engine import EmbeddedHelm
from labgen.manifest_diff import compare
from labgen.render import render_environment

if TYPE_CHECKING:
    from conftest import Invoke, WorkspaceFactory

HEADER = re.compile(r"[~+-] \S+ \((changed|added|removed)\)")
SUMMARY = "backend-app: v1 80% → 50%, v2 15% → 30%, v3 5% → 20%"


def git(root: Path, *args: str) -> str:
    done = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True,
                          check=True)
    return done.stdout


@pytest.fixture
def repo(rendered_lab: Path) -> Path:
    """A git repository holding the lab inputs and their rendered gitops/, committed."""
    lab = rendered_lab
    (lab / ".gitignore").write_text(".labgen-cache/\n")
    git(lab, "init", "-q", "-b", "main")
    git(lab, "config", "user.name", "labgen test")
    git(lab, "config", "user.email", "labgen-test@example.invalid")
    git(lab, "config", "commit.gpgsign", "false")
    git(lab, "add", "-A")
    git(lab, "commit", "-q", "-m", "lab rendered")
    return lab


def changes_listed(stdout: str) -> list[str]:
    """The ``~ KEY (changed)`` headers of the text report."""
    return [line for line in stdout.splitlines() if HEADER.fullmatch(line)]


def test_diff_shows_the_weight_change_and_nothing_else(repo: Path, run: Invoke) -> None:
    root = str(repo)
    assert run("scenario", "weights", "--env", "oke", "v1=50", "v2=30", "v3=20",
               "--root", root).exit_code == 0
    status, index = git(repo, "status", "--porcelain"), (repo / ".git" / "index").read_bytes()

    result = run("diff", "--env", "oke", "--root", root)
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert out.startswith("labgen diff oke: HEAD → working tree\n")
    assert f"  {SUMMARY}" in out.splitlines()
    assert "  backend-app: scenario canary → custom" in out.splitlines()
    assert changes_listed(out) == [
        "~ VirtualService/olympic/backend-app (changed)",
        "~ gitops/oke/README.md (changed)",
        "~ gitops/oke/values.yaml (changed)",
    ]
    assert "resources: 1 changed, 0 added, 0 removed" in out
    vs_diff = out.split("~ VirtualService/olympic/backend-app (changed)\n")[1].split("\n~ ")[0]
    removed = [line[1:].strip() for line in vs_diff.splitlines()
               if line.startswith("-") and not line.startswith("---")]
    added = [line[1:].strip() for line in vs_diff.splitlines()
             if line.startswith("+") and not line.startswith("+++")]
    assert removed == ["labgen.io/scenario: canary", "weight: 80", "weight: 15", "weight: 5"]
    assert added == ["labgen.io/scenario: custom", "weight: 50", "weight: 30", "weight: 20"]
    # A report only: the working tree and the index are as they were.
    assert git(repo, "status", "--porcelain") == status
    assert (repo / ".git" / "index").read_bytes() == index


def test_diff_between_two_commits_matches_the_working_tree_diff(repo: Path, run: Invoke) -> None:
    root = str(repo)
    assert run("scenario", "weights", "--env", "oke", "v1=50", "v2=30", "v3=20",
               "--root", root).exit_code == 0
    working = run("diff", "--env", "oke", "--root", root).stdout
    git(repo, "commit", "-q", "-am", "canary 50/30/20")
    between = run("diff", "--env", "oke", "--base", "HEAD~1", "--head", "HEAD", "--root", root)
    assert between.exit_code == 0, between.stderr
    assert between.stdout.replace("HEAD~1 → HEAD", "HEAD → working tree") == working
    clean = run("diff", "--env", "oke", "--root", root)
    assert "  backend-app: unchanged (scenario custom: v1 50%, v2 30%, v3 20%)" in \
        clean.stdout.splitlines()
    assert "Rendered manifests: no change" in clean.stdout.splitlines()


def test_markdown_is_a_pull_request_comment_with_a_pie(repo: Path, run: Invoke) -> None:
    root = str(repo)
    assert run("scenario", "weights", "--env", "oke", "v1=50", "v2=30", "v3=20",
               "--root", root).exit_code == 0
    result = run("diff", "--env", "oke", "--format", "markdown", "--root", root)
    assert result.exit_code == 0, result.stderr
    md = result.stdout
    assert md.startswith("### labgen diff: `oke`\n")
    assert f"- {SUMMARY}" in md.splitlines()
    pie = md.split("```mermaid\n")[1].split("```")[0]
    assert pie.splitlines() == ["pie showData title backend-app traffic (custom)",
                                '    "v1" : 50', '    "v2" : 30', '    "v3" : 20']
    assert "<details><summary>~ <code>VirtualService/olympic/backend-app</code> (changed)" in md
    assert md.count("<details>") == md.count("</details>") == 3


def test_a_new_environment_shows_every_resource_as_added(repo: Path, run: Invoke) -> None:
    (repo / "environments" / "dev.yaml").write_text(
        (repo / "environments" / "kind.yaml").read_text())
    result = run("diff", "--env", "dev", "--root", str(repo))
    assert result.exit_code == 0, result.stderr
    assert "  backend-app: new environment, scenario canary: v1 80%, v2 15%, v3 5%" in \
        result.stdout.splitlines()
    headers = changes_listed(result.stdout)
    assert headers and all(h.startswith("+ ") and h.endswith("(added)") for h in headers)
    assert "+ VirtualService/olympic/backend-app (added)" in headers


@pytest.mark.parametrize("args", [["--base", "no-such-branch"], ["--head", "0123abc"],
                                  ["--base", "--output=/tmp/x"]])
def test_a_bad_ref_is_one_line_and_exit_2(repo: Path, run: Invoke, args: list[str]) -> None:
    result = run("diff", "--env", "oke", *args, "--root", str(repo))
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith("error: ") and result.stderr.count("\n") == 1


def test_outside_a_git_repository_is_refused(lab: Path, run: Invoke) -> None:
    result = run("diff", "--env", "oke", "--root", str(lab))
    assert result.exit_code == 2
    assert "not inside a git repository" in result.stderr


def test_compare_groups_by_resource(lab: Path) -> None:
    engine = EmbeddedHelm()
    head = render_environment(lab, "oke", engine)
    assert compare(head, head) == []
    added = compare(None, head)
    keys = [c.key for c in added if c.what == "resource"]
    assert keys == sorted(keys) and "VirtualService/olympic/backend-app" in keys
    assert "Application/argocd/olympic-lab" in keys  # the Argo CD tree is compared too
    assert {c.status for c in added} == {"added"}
    assert {c.key for c in added if c.what == "file"} == {"gitops/oke/README.md",
                                                          "gitops/oke/values.yaml"}


def test_a_workshop_diff_names_the_cluster_whose_traffic_changed(repo: Path, run: Invoke) -> None:
    workshop = repo / "environments" / "workshop.yaml"
    workshop.write_text(workshop.read_text().replace("traffic: {scenario: all-v3}",
                                                     "traffic: {scenario: v1-v2-half}"))
    result = run("diff", "--env", "workshop", "--root", str(repo))
    assert result.exit_code == 0, result.stderr
    traffic = result.stdout.split("Traffic:\n")[1].split("\n\n")[0].splitlines()
    assert traffic == ["  team-02: backend-app: v1 0% → 50%, v2 0% → 50%, v3 100% → 0%",
                       "  team-02: backend-app: scenario all-v3 → v1-v2-half",
                       "  29 clusters (team-01, team-03, … team-30): backend-app: unchanged "
                       "(scenario canary: v1 80%, v2 15%, v3 5%)"]
    assert changes_listed(result.stdout) == [
        "~ clusters/team-02/VirtualService/olympic/backend-app (changed)",
        "~ gitops/workshop/clusters/team-02/values.yaml (changed)"]


def test_a_canary_on_oke_reads_as_one_change_for_the_workshop(repo: Path,
                                                              workspace: WorkspaceFactory) -> None:
    from labgen.commands.diff_format import markdown

    workspace(repo).change_traffic("oke", "custom", {"v1": 50, "v2": 30, "v3": 20})
    report = workspace(repo).diff("workshop")
    assert [line for t in report.traffic for line in t.lines()] == [
        "29 clusters (team-01, team-03, … team-30): backend-app: "
        "v1 80% → 50%, v2 15% → 30%, v3 5% → 20%",
        "29 clusters (team-01, team-03, … team-30): backend-app: scenario canary → custom",
        "team-02: backend-app: unchanged (scenario all-v3: v3 100%)"]
    grouped = {c.key: c.participants for c in report.changes}
    others = tuple(f"team-{i:02d}" for i in range(1, 31) if i != 2)
    assert grouped == {"clusters/{cluster}/VirtualService/olympic/backend-app": others,
                       "gitops/workshop/README.md": (),
                       "gitops/workshop/clusters/{cluster}/values.yaml": others}
    md = markdown(report)
    assert md.count("```mermaid") == 1  # one pie per distinct new split
    assert len(md.encode()) < 10_000  # the job summary of a one-line canary stays small


def test_changed_since_names_the_environments_a_change_touches(repo: Path,
                                                               workspace: WorkspaceFactory) -> None:
    ws = workspace(repo)
    assert ws.changed_since("HEAD") == []
    ws.change_traffic("kind", "all-v3")
    assert ws.changed_since("HEAD") == ["kind"]
    ws.change_traffic("oke", "all-v3")
    assert ws.changed_since("HEAD") == ["kind", "oke", "workshop"]  # workshop extends oke
    git(repo, "commit", "-q", "-am", "all-v3")
    (repo / "charts" / "olympic-lab" / "NOTES.txt").write_text("new\n")  # untracked, in charts/
    assert ws.changed_since("HEAD") == ["kind", "oke", "workshop"]


def test_documents_are_compared_by_content_wherever_they_were_parsed_from() -> None:
    """Pairs parsed from the same text are skipped without dumping; any other pair is
    compared as normalised YAML, so equal content from other text is no change and a
    changed value is one (``1`` and ``true`` included, which Python's ``==`` conflates)."""
    from labgen.manifest_diff import _normalised
    from labgen.manifests import parse_documents

    def docs(text: str, file: str = "charts/x/templates/a.yaml") -> dict[str, Any]:
        return {doc.key: doc for doc in parse_documents({file: text})}

    text = "kind: ConfigMap\nmetadata: {name: a, namespace: n}\ndata: {x: '1'}\n"
    same = docs(text)
    assert _normalised(same, docs(text)) == ({}, {})  # nothing dumped
    reordered = docs("data: {x: '1'}\nmetadata: {namespace: n, name: a}\nkind: ConfigMap\n")
    old, new = _normalised(same, reordered)
    assert old == new and list(old) == ["ConfigMap/n/a"]
    one, true = (docs(f"kind: K\nmetadata: {{name: a}}\nspec: {{on: {v}}}\n") for v in ("1", "true"))
    old, new = _normalised(one, true)
    assert old["K/a"] != new["K/a"]
