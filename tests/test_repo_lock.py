"""One writer at a time: the repository lock (labgen.repo_lock)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from labgen.errors import InputError
from labgen.repo_lock import CACHE_DIR, LOCK_FILE, TIMEOUT_ENV, LockBusy, repo_lock

if TYPE_CHECKING:
    from conftest import Invoke


@pytest.fixture
def holder(lab: Path) -> Iterator[subprocess.Popen[str]]:
    """Another process holding tmp_path's write lock as 'labgen render --env oke'."""
    script = textwrap.dedent(f"""
        import sys, time
        from pathlib import Path
        from labgen.repo_lock import repo_lock
        with repo_lock(Path({str(lab)!r}), command="labgen render --env oke"):
            print("held", flush=True)
            time.sleep(60)
    """)
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None and proc.stdout.readline() == "held\n"
    yield proc
    proc.kill()
    proc.wait()
    proc.stdout.close()


def test_a_second_writer_waits_then_names_the_holder(lab: Path, holder: subprocess.Popen[str], run: Invoke,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(TIMEOUT_ENV, "0.3")
    started = time.monotonic()
    result = run("render", "--env", "kind", "--root", str(lab))
    assert time.monotonic() - started >= 0.3
    assert result.exit_code == 2
    assert result.stderr == (f"error: {lab / CACHE_DIR / LOCK_FILE}: another labgen is "
                             f"writing this repository: pid {holder.pid} (labgen render --env "
                             "oke); wait for it to finish (or stop it), then run this again\n")
    assert not (lab / "gitops").exists()


def test_readers_wait_for_the_writer_too(lab: Path, holder: subprocess.Popen[str],
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(TIMEOUT_ENV, "0.1")
    with pytest.raises(LockBusy, match=f"pid {holder.pid}"), repo_lock(lab, shared=True):
        pass


def test_the_lock_is_released_when_its_holder_dies(lab: Path, holder: subprocess.Popen[str],
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    holder.kill()  # SIGKILL: no cleanup code runs
    holder.wait()
    monkeypatch.setenv(TIMEOUT_ENV, "0.5")
    with repo_lock(lab):
        assert (lab / CACHE_DIR / LOCK_FILE).read_text().startswith(f"{os.getpid()} ")
    assert (lab / CACHE_DIR / LOCK_FILE).read_text() == ""
    assert (lab / CACHE_DIR / ".gitignore").read_text() == "*\n"


def test_the_lock_is_reentrant_and_readers_share_it(tmp_path: Path) -> None:
    with repo_lock(tmp_path), repo_lock(tmp_path), repo_lock(tmp_path, shared=True):
        pass
    with repo_lock(tmp_path, shared=True), repo_lock(tmp_path, shared=True):
        pass


def test_a_file_named_like_the_cache_folder_stops_a_writer_before_it_writes(
        lab: Path, run: Invoke) -> None:
    (lab / CACHE_DIR).write_text("not a folder\n")
    result = run("render", "--env", "kind", "--root", str(lab))
    assert result.exit_code == 2
    assert result.stderr == (f"error: {lab / CACHE_DIR}: is not a folder, where labgen keeps its "
                             "cache and lock; delete or move it (labgen recreates it)\n")
    assert not (lab / "gitops").exists()
    assert (lab / CACHE_DIR).read_text() == "not a folder\n"


def test_a_reader_of_a_read_only_checkout_needs_no_lock_file(tmp_path: Path) -> None:
    (tmp_path / CACHE_DIR).mkdir()
    (tmp_path / CACHE_DIR).chmod(0o500)
    try:
        if os.access(tmp_path / CACHE_DIR, os.W_OK):
            pytest.skip("running as root: permissions do not stop writes")
        with repo_lock(tmp_path, shared=True):
            pass
        with pytest.raises(InputError, match="cannot create labgen's lock file"), \
                repo_lock(tmp_path):
            pass
    finally:
        (tmp_path / CACHE_DIR).chmod(0o700)


def test_a_writer_waiting_for_readers_says_so(lab: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    script = textwrap.dedent(f"""
        import time
        from pathlib import Path
        from labgen.repo_lock import repo_lock
        with repo_lock(Path({str(lab)!r}), shared=True):
            print("held", flush=True)
            time.sleep(60)
    """)
    with subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE,
                          text=True) as reader:
        try:
            assert reader.stdout is not None and reader.stdout.readline() == "held\n"
            monkeypatch.setenv(TIMEOUT_ENV, "0.1")
            with repo_lock(lab, shared=True):  # readers share
                pass
            with pytest.raises(LockBusy, match="another labgen is reading gitops/"), \
                    repo_lock(lab):
                pass
        finally:
            reader.kill()
