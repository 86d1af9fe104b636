"""Fault injection: SIGKILL at every write step, concurrent writers, full, read-only and
foreign file systems. After each: no foreign byte changed and gitops/<env>/ is the old
render or the new one, never a mix.

The SIGKILL cases drive :func:`labgen.tree_writer.write_tree` in a child process (the
writer's own test hook kills it at the named step); the others run the real CLI. The
mount cases need root (CI runs as root) and skip with the reason otherwise.
"""

from __future__ import annotations

import multiprocessing
import os
import stat
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from labgen.repo_lock import repo_lock
from labgen.tree_writer import KILL_ENV, OWNED, STEPS_ENV, leftover_staging, write_tree

if TYPE_CHECKING:
    from conftest import Invoke
    from labgen.helm_engine import EmbeddedHelm

OLD = {"root.yaml": "kind: Application\n", "apps/a.yaml": "a: 1\n", "apps/b.yaml": "b: 1\n",
       "values.yaml": "x: 1\n", "manifests/m.yaml": "m: 1\n", "old/deep/x.yaml": "x: 1\n",
       "q": "a file\n"}
NEW = {"root.yaml": "kind: Application\n", "apps/a.yaml": "a: 2\n", "apps/c.yaml": "c: 2\n",
       "values.yaml": "x: 2\n", "README.md": "new\n", "q/r.yaml": "r: 2\n"}


def snapshot(target: Path) -> dict[str, object]:
    """Every entry under ``target``: file bytes, link targets, kinds of special files."""
    out: dict[str, object] = {}
    for path in sorted(target.rglob("*")):
        rel = path.relative_to(target).as_posix()
        mode = path.lstat().st_mode
        if stat.S_ISLNK(mode):
            out[rel] = ("link", os.readlink(path))
        elif stat.S_ISREG(mode):
            out[rel] = path.read_bytes()
        elif stat.S_ISDIR(mode):
            out[rel] = "dir" if any(path.iterdir()) else "empty dir"
        else:
            out[rel] = ("special", stat.S_IFMT(mode))
    return out


def add_foreign(target: Path) -> dict[str, object]:
    """A person's things in the tree: a file, a link, a FIFO, an empty folder, a hand edit."""
    (target / "NOTES.md").write_bytes(b"mine\n\x00binary")
    (target / "apps" / "mine.yaml").write_text("kept: true\n")
    (target / "link.yaml").symlink_to("NOTES.md")
    (target / "dangling").symlink_to("/nowhere")
    os.mkfifo(target / "pipe")
    (target / "empty").mkdir()
    (target / "manifests" / "m.yaml").write_text("m: edited by hand\n")  # stale and edited
    snap = snapshot(target)
    return {rel: value for rel, value in snap.items() if rel in FOREIGN}


FOREIGN = {"NOTES.md", "apps/mine.yaml", "link.yaml", "dangling", "pipe", "empty",
           "manifests/m.yaml"}


def labgen_files(target: Path) -> dict[str, bytes]:
    snap = snapshot(target)
    return {rel: value for rel, value in snap.items()
            if isinstance(value, bytes) and rel not in FOREIGN and rel != OWNED
            and not rel.startswith(".labgen-staging/")}


def _write_in_child(target: Path, files: dict[str, str], env: dict[str, str]) -> int:
    script = textwrap.dedent(f"""
        from pathlib import Path
        from labgen.tree_writer import write_tree
        write_tree(Path({str(target)!r}), {files!r})
    """)
    return subprocess.run([sys.executable, "-c", script], env={**os.environ, **env},
                          check=False).returncode


def _steps(tmp_path: Path) -> list[str]:
    target = tmp_path / "probe" / "lab"
    write_tree(target, OLD)
    add_foreign(target)
    log = tmp_path / "steps.log"
    assert _write_in_child(target, NEW, {STEPS_ENV: str(log)}) == 0
    return log.read_text().split()


def test_sigkill_at_every_write_step_leaves_the_old_or_the_new_tree(tmp_path: Path) -> None:
    steps = _steps(tmp_path)
    assert {"before-swap", "after-swap", "cleaned", "staged:values.yaml", "carried:pipe"} \
        <= set(steps)
    new_files = {rel: text.encode() for rel, text in NEW.items()}
    outcomes = set()
    for index, step in enumerate(steps):
        root = tmp_path / f"case{index}"
        target = root / "gitops" / "lab"
        write_tree(target, OLD)
        foreign = add_foreign(target)
        old_files = labgen_files(target)
        assert _write_in_child(target, NEW, {KILL_ENV: step}) == -9, step
        after = labgen_files(target)
        assert after in (old_files, new_files), step
        outcomes.add("new" if after == new_files else "old")
        assert {rel: v for rel, v in snapshot(target).items() if rel in FOREIGN} == foreign, step
        # The next writer (holding the lock, as every command does) cleans up and finishes.
        with repo_lock(root):
            result = write_tree(target, NEW)
        assert labgen_files(target) == new_files
        assert {rel: v for rel, v in snapshot(target).items() if rel in FOREIGN} == foreign
        assert result.foreign == ("NOTES.md", "apps/mine.yaml", "dangling", "empty/",
                                  "link.yaml", "manifests/m.yaml", "pipe")
        assert leftover_staging(target.parent) == [], step
    assert outcomes == {"old", "new"}
    print(f"\n{len(steps)} kill points")


def test_a_killed_render_leaves_staging_that_check_reports_and_render_removes(
        lab: Path, run: Invoke) -> None:
    assert run("render", "--env", "kind", "--root", str(lab)).exit_code == 0
    env_file = lab / "environments" / "kind.yaml"
    env_file.write_text(env_file.read_text().replace("scenario: canary", "scenario: all-v3"))
    proc = subprocess.run([sys.executable, "-m", "labgen", "render", "--env", "kind", "--root",
                           str(lab)], env={**os.environ, KILL_ENV: "after-swap"},
                          capture_output=True, check=False)
    assert proc.returncode == -9
    assert "all-v3" in (lab / "gitops" / "kind" / "values.yaml").read_text()
    git = subprocess.run(["git", "init", "-q", str(lab)], check=True)
    assert git.returncode == 0
    status = subprocess.run(["git", "-C", str(lab), "status", "--porcelain", "--untracked=all"],
                            capture_output=True, text=True, check=True).stdout
    assert ".labgen-staging" not in status and ".labgen-cache" not in status
    result = run("check", "--env", "kind", "--root", str(lab))
    assert result.exit_code == 1
    assert ("gitops/.labgen-staging/: left by an interrupted render; the next labgen render "
            "removes it (or delete it)") in result.stdout
    result = run("render", "--env", "kind", "--root", str(lab))  # a cache hit still cleans
    assert result.stdout == "gitops/kind: up to date\n"
    assert not (lab / "gitops" / ".labgen-staging").exists()
    assert run("check", "--env", "kind", "--root", str(lab)).exit_code == 0


def _cli(args: list[str], queue: multiprocessing.Queue[tuple[int, str]]) -> None:
    """One labgen run in a spawned process: (exit code, stderr)."""
    import contextlib
    import io

    from labgen.cli import cli

    err = io.StringIO()
    code = 0
    with contextlib.redirect_stderr(err):
        try:
            cli(args, prog_name="labgen", standalone_mode=True)
        except SystemExit as exc:
            code = int(exc.code or 0)
    queue.put((code, err.getvalue()))


def _run_parallel(runs: list[list[str]], timeout: str) -> list[tuple[int, str]]:
    ctx = multiprocessing.get_context("spawn")  # no fork of a process that loaded Go (Helm)
    queue: multiprocessing.Queue[tuple[int, str]] = ctx.Queue()
    os.environ["LABGEN_LOCK_TIMEOUT"] = timeout  # inherited by the spawned children
    try:
        procs = [ctx.Process(target=_cli, args=(args, queue)) for args in runs]
        for proc in procs:
            proc.start()
        results = [queue.get(timeout=120) for _ in procs]
        for proc in procs:
            proc.join(30)
    finally:
        del os.environ["LABGEN_LOCK_TIMEOUT"]
    return results


def test_concurrent_renders_and_edits_serialize(lab: Path, run: Invoke) -> None:
    assert run("render", "--env", "kind", "--root", str(lab)).exit_code == 0
    tree = lab / "gitops" / "kind"
    (tree / "NOTES.md").write_text("a person's notes\n")
    root = ["--root", str(lab)]
    results = _run_parallel([["render", "--env", "kind", "--force", *root],
                             ["scenario", "weights", "--env", "kind", "v1=10", "v2=20", "v3=70",
                              *root],
                             ["scenario", "weights", "--env", "kind", "v1=30", "v2=30", "v3=40",
                              *root]], timeout="60")
    assert [code for code, _ in results] == [0, 0, 0], results
    assert (tree / "NOTES.md").read_text() == "a person's notes\n"
    text = (lab / "environments" / "kind.yaml").read_text()
    assert "scenario: custom" in text
    assert ("v3: 70" in text) != ("v3: 40" in text)  # one edit after the other, never mixed
    assert run("check", "--env", "kind", "--root", str(lab)).exit_code == 1  # NOTES.md only
    assert not (lab / "gitops" / ".labgen-staging").exists()


def test_a_writer_that_cannot_get_the_lock_exits_2_naming_the_holder(lab: Path) -> None:
    root = ["--root", str(lab)]
    results = _run_parallel([["render", "--env", "kind", *root]] * 3, timeout="0")
    codes = sorted(code for code, _ in results)
    assert codes[0] == 0 and set(codes) <= {0, 2}, results
    for code, err in results:
        if code == 2:
            assert len(err.splitlines()) == 1 and "another labgen is writing" in err
            assert "(labgen render --env kind)" in err


# --- file systems: root only ----------------------------------------------------------------


@contextmanager
def mounted(where: Path, *options: str) -> Iterator[None]:
    if os.geteuid() != 0:
        pytest.skip("needs root to mount (CI runs as root)")
    where.mkdir(parents=True, exist_ok=True)
    proc = subprocess.run(["mount", *options, str(where)], capture_output=True, text=True,
                          check=False)
    if proc.returncode != 0:
        pytest.skip(f"mount refused: {proc.stderr.strip()}")
    try:
        yield
    finally:
        subprocess.run(["umount", "-l", str(where)], check=False)


def _change_scenario(lab: Path) -> None:
    env_file = lab / "environments" / "kind.yaml"
    env_file.write_text(env_file.read_text().replace("scenario: canary", "scenario: all-v3"))


def test_a_full_disk_leaves_the_tree_untouched(lab: Path, run: Invoke) -> None:
    gitops = lab / "gitops"
    with mounted(gitops, "-t", "tmpfs", "-o", "size=256k", "tmpfs"):
        assert run("render", "--env", "kind", "--root", str(lab)).exit_code == 0
        (gitops / "kind" / "NOTES.md").write_text("mine\n")
        before = snapshot(gitops / "kind")
        fd = os.open(gitops / "filler", os.O_WRONLY | os.O_CREAT)
        try:  # fill the file system
            while os.write(fd, b"\0" * 4096):
                pass
        except OSError:
            pass
        finally:
            os.close(fd)
        _change_scenario(lab)
        result = run("render", "--env", "kind", "--root", str(lab))
        assert result.exit_code == 2
        assert result.stderr == (f"error: {gitops / 'kind'}: cannot write the new tree (No space "
                                 "left on device); the previous tree is unchanged: free some "
                                 "space and render again\n")
        assert snapshot(gitops / "kind") == before
        assert not (gitops / ".labgen-staging").exists()
        (gitops / "filler").unlink()
        assert run("render", "--env", "kind", "--root", str(lab)).exit_code == 0
        assert "all-v3" in (gitops / "kind" / "values.yaml").read_text()


def test_a_read_only_file_system_leaves_the_tree_untouched(lab: Path, run: Invoke) -> None:
    gitops = lab / "gitops"
    assert run("render", "--env", "kind", "--root", str(lab)).exit_code == 0
    before = snapshot(gitops / "kind")
    _change_scenario(lab)
    with mounted(gitops, "--bind", "-o", "ro", str(gitops)):
        result = run("render", "--env", "kind", "--root", str(lab))
        assert result.exit_code == 2
        assert result.stderr.startswith(f"error: {gitops / 'kind'}: cannot write the new tree "
                                        "(Read-only file system)")
        assert len(result.stderr.splitlines()) == 1
        assert snapshot(gitops / "kind") == before


def test_a_tree_on_its_own_device_is_updated_in_place(lab: Path, run: Invoke) -> None:
    tree = lab / "gitops" / "kind"
    with mounted(tree, "-t", "tmpfs", "-o", "size=4m", "tmpfs"):
        assert os.stat(tree).st_dev != os.stat(tree.parent).st_dev
        assert run("render", "--env", "kind", "--root", str(lab)).exit_code == 0
        (tree / "NOTES.md").write_text("mine\n")
        os.mkfifo(tree / "pipe")
        _change_scenario(lab)
        result = run("render", "--env", "kind", "--root", str(lab))
        assert result.exit_code == 0, result.stderr
        assert "all-v3" in (tree / "values.yaml").read_text()
        assert (tree / "NOTES.md").read_text() == "mine\n"
        assert stat.S_ISFIFO((tree / "pipe").lstat().st_mode)
        assert not (tree / ".labgen-staging").exists()
        result = run("check", "--env", "kind", "--root", str(lab))
        assert "values.yaml" not in result.stdout  # the tree matches, only the foreign notes
        assert os.path.ismount(tree)


def test_a_scenario_edit_on_a_read_only_file_system_changes_nothing(lab: Path, run: Invoke) -> None:
    assert run("render", "--env", "kind", "--root", str(lab)).exit_code == 0
    environments = lab / "environments"
    before = snapshot(lab / "gitops"), (environments / "kind.yaml").read_bytes()
    with mounted(environments, "--bind", "-o", "ro", str(environments)):
        result = run("scenario", "set", "--env", "kind", "all-v3", "--root", str(lab))
        assert result.exit_code == 2
        assert result.stderr == (f"error: {environments / 'kind.yaml'}: cannot write the edited "
                                 "file (Read-only file system); it is unchanged: fix the cause "
                                 "and run the command again\n")
    assert (snapshot(lab / "gitops"), (environments / "kind.yaml").read_bytes()) == before


def _labgen_state(target: Path) -> dict[str, object]:
    """The tree without the person's entries and without labgen's hidden staging."""
    return {rel: value for rel, value in snapshot(target).items()
            if rel not in FOREIGN and not rel.startswith(".labgen-staging")}


def _fresh(target: Path, files: dict[str, str]) -> dict[str, object]:
    """Empty the mounted tree, render ``files`` into it, add a person's things: their snapshot."""
    subprocess.run(["sh", "-c", f"rm -rf {target}/* {target}/.[!.]*"], check=True)
    write_tree(target, files)
    return add_foreign(target)


def _next_command(root: Path, index: int) -> None:
    """The next labgen command after a kill: a writer (any) or a reader (check, validate)."""
    if index % 2:
        with repo_lock(root, shared=True):
            pass
    else:
        with repo_lock(root):
            pass


def test_sigkill_during_an_in_place_update_rolls_forward_or_back(tmp_path: Path) -> None:
    """A tree on its own device is updated through a journal: after a SIGKILL at any step and
    the next labgen command (writer or reader), the tree is the old render or the new one,
    byte for byte (ownership file and folders included), and no foreign byte changed."""
    root = tmp_path / "repo"
    target = root / "gitops" / "lab"
    with mounted(target, "-t", "tmpfs", "-o", "size=4m", "tmpfs"):
        _fresh(target, OLD)
        old_state = _labgen_state(target)
        log = tmp_path / "steps.log"
        assert _write_in_child(target, NEW, {STEPS_ENV: str(log)}) == 0
        new_state = _labgen_state(target)
        steps = log.read_text().split()
        assert steps[-3:] == ["in-place:.labgen-owned", "after-swap", "cleaned"]
        committed = steps.index("in-place:journal")
        assert "staged:apps/c.yaml" in steps[:committed]
        assert "in-place:removed:apps/b.yaml" in steps[committed:]
        assert "old" in old_state and "old" not in new_state  # a folder labgen's files leave
        outcomes = []
        for index, step in enumerate(steps):
            foreign = _fresh(target, OLD)
            assert _write_in_child(target, NEW, {KILL_ENV: step}) == -9, step
            seen = _labgen_state(target)  # what Argo CD or git would read before any labgen
            if index < committed:
                assert seen == old_state, step
            for rel, value in seen.items():
                assert value in (old_state.get(rel), new_state.get(rel)), (step, rel)
            staged = [p.name for p in (target / ".labgen-staging").rglob("*")]
            assert not [n for n in staged if n.endswith((".yaml", ".yml", ".json"))], staged
            _next_command(root, index)
            after = _labgen_state(target)
            assert after == (old_state if index < committed else new_state), step
            assert {rel: v for rel, v in snapshot(target).items() if rel in FOREIGN} == foreign
            if (target / ".labgen-staging").exists():  # a reader after a kill before the commit
                assert index % 2 and index < committed, step
                assert leftover_staging(target.parent) == [target / ".labgen-staging"]
                _next_command(root, 0)  # labgen check reported it; the next writer removes it
                assert _labgen_state(target) == old_state
            assert not (target / ".labgen-staging").exists(), step
            outcomes.append("old" if after == old_state else "new")
        assert {"old", "new"} == set(outcomes)
        print(f"\n{len(steps)} in-place kill points ({committed} before the commit record)")


def test_an_interrupted_in_place_update_is_finished_by_check_or_refused(
        lab: Path, run: Invoke, engine: EmbeddedHelm) -> None:
    """The CLI: a render killed after its commit record leaves a mix; ``labgen check`` (a
    reader) finishes it; when it cannot (read-only), it says so: exit 2, one line."""
    tree = lab / "gitops" / "kind"
    with mounted(tree, "-t", "tmpfs", "-o", "size=4m", "tmpfs"):
        assert run("render", "--env", "kind", "--root", str(lab)).exit_code == 0
        _change_scenario(lab)
        proc = subprocess.run([sys.executable, "-m", "labgen", "render", "--env", "kind",
                               "--root", str(lab)], capture_output=True, check=False,
                              env={**os.environ, KILL_ENV: "in-place:values.yaml"})
        assert proc.returncode == -9
        assert "all-v3" in (tree / "values.yaml").read_text()  # the mix a raw reader sees
        assert (tree / OWNED).read_bytes() != _owned_of_render(lab, engine)
        subprocess.run(["git", "init", "-q", str(lab)], check=True)
        status = subprocess.run(["git", "-C", str(lab), "status", "--porcelain",
                                 "--untracked=all"], capture_output=True, text=True,
                                check=True).stdout
        assert "gitops/kind/.labgen-staging" not in status  # the journal is hidden from git
        assert "gitops/kind/values.yaml" in status
        subprocess.run(["mount", "-o", "remount,ro", str(tree)], check=True)
        result = run("check", "--env", "kind", "--root", str(lab))
        assert result.exit_code == 2
        assert result.stderr == (
            f"error: {tree}: an update of this tree was interrupted and labgen cannot finish it "
            "now (Read-only file system); run labgen render (it completes the update) once "
            "that is fixed\n")
        subprocess.run(["mount", "-o", "remount,rw", str(tree)], check=True)
        result = run("check", "--env", "kind", "--root", str(lab))
        assert result.exit_code == 0, result.stdout + result.stderr
        assert not (tree / ".labgen-staging").exists()
        assert (tree / OWNED).read_bytes() == _owned_of_render(lab, engine)
        assert run("render", "--env", "kind", "--root", str(lab)).stdout.endswith(
            "up to date\n")
        env_file = lab / "environments" / "kind.yaml"  # again, read by validate PATH
        env_file.write_text(env_file.read_text().replace("scenario: all-v3", "scenario: random"))
        proc = subprocess.run([sys.executable, "-m", "labgen", "render", "--env", "kind",
                               "--root", str(lab)], capture_output=True, check=False,
                              env={**os.environ, KILL_ENV: "in-place:journal"})
        assert proc.returncode == -9 and (tree / ".labgen-staging").exists()
        result = run("validate", str(tree), "--root", str(lab))
        assert result.exit_code == 0, result.output
        assert not (tree / ".labgen-staging").exists()
        assert (tree / OWNED).read_bytes() == _owned_of_render(lab, engine)


def _owned_of_render(lab: Path, engine: EmbeddedHelm) -> bytes:
    """The ownership file of the environment's current render (rendered in memory)."""
    from labgen.render import render_environment
    from labgen.tree_plan import owned_manifest

    rendered = render_environment(lab, "kind", engine)
    prefix = f"{rendered.tree_dir}/"
    files = {path[len(prefix):]: text for path, text in rendered.tree.items()}
    return owned_manifest(files).encode()
