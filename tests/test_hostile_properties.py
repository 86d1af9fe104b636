"""Property-based hostility (hypothesis): generated environment files and generated
trees. Whatever comes in: exit code 0, 1 or 2; no traceback; at most the promised
number of stderr lines; gitops/ unchanged unless the command succeeded; every
foreign byte in the tree identical.

Bounded (see the settings) so that CI on two cores runs them in seconds: environment
files go through the real CLI in-process (embedded Helm); trees through the writer.
"""

from __future__ import annotations

import os
import shutil
import stat
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from labgen.errors import InputError, printable
from labgen.tree_writer import OWNED, write_tree
from labgen.value_formats import first_control

PROJECT = Path(__file__).resolve().parents[1]
MAX_ERROR_LINES = 20

# --- environment files ----------------------------------------------------------------------

KEY_PATHS = [
    ("description",), ("observability", "lokiStorage", "storageClass"),
    ("observability", "prometheusStorage", "size"), ("apps", "imageRegistry"),
    ("apps", "imageTag"), ("apps", "replicas"), ("istio", "gateway", "serviceAnnotations", "k"),
    ("istio", "gateway", "serviceAnnotations", "example.com/x"), ("helmValues", "grafana", "x"),
    ("helmValues", "x"), ("traffic", "weights", "v1"), ("traffic", "scenario"),
    ("expose", "loadBalancerSourceRanges"), ("argocd", "repoURL"), ("argocd", "targetRevision"),
    ("namespaces", "apps"), ("traffic", "headerRoute", "exact"), ("extends",), ("weird key",),
]
HOSTILE_TEXT = st.one_of(
    st.text(max_size=40),
    st.sampled_from(["x\n---\nkind: ClusterRoleBinding", "{{ .Values }}", "\x1b[31m", "a\tb",
                     "oci-bv", "50Gi", "ghcr.io/org/app", "203.0.113.0/24", "", "latest",
                     "https://github.com/o/r.git", "v1", "kind", "x" * 3000]),
)
#: Raw YAML for a value: what a parser may choke on.
RAW_SNIPPETS = ["!!int abc", "!!float x", "!!binary '%%%'", "!!timestamp nope", "2024-01-01",
                "!!python/object:os.system 1", "9" * 5000, "1e999", ".nan", "-.inf", "[" * 80 +
                "]" * 80, "*missing", "&a [*a]", '"\\ud800"', '"\\x00"', "!!set {a, b}",
                "{? [a]: b}", "<<: {a: 1}", "!custom 1", "0x7fffffffffffffffff"]
VALUES = st.one_of(
    HOSTILE_TEXT,
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(), st.none(),
    st.lists(HOSTILE_TEXT, max_size=3),
    st.dictionaries(HOSTILE_TEXT, HOSTILE_TEXT, max_size=2),
)


@st.composite
def environment_files(draw: st.DrawFn) -> bytes:
    """A small environment built on kind with hostile values (and sometimes raw bytes)."""
    lines = ["extends: kind"]
    for path in draw(st.lists(st.sampled_from(KEY_PATHS), min_size=1, max_size=4, unique=True)):
        if draw(st.booleans()):
            value = draw(st.sampled_from(RAW_SNIPPETS))
        else:
            value = yaml.safe_dump(draw(VALUES), default_flow_style=True, width=10**6)
            value = value.removesuffix("\n...\n").strip()
        nested: Any = value
        text = ""
        for depth, key in enumerate(path):
            text += "  " * depth + yaml.safe_dump(key).removesuffix("\n...\n").strip() + ":"
            text += "\n" if depth < len(path) - 1 else f" {nested}\n"
        lines.append(text.rstrip("\n"))
    body = "\n".join(lines) + "\n"
    raw = body.encode("utf-8", "surrogatepass")
    tail = draw(st.sampled_from([b""] * 12 + [b"\x00", b"\xff\xfe", b"\t- x\n", b": :\n"]))
    return raw + tail


@pytest.fixture(scope="module")
def hostile_lab(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A lab with a rendered kind tree and gitops/lab/ holding a person's notes."""
    root = tmp_path_factory.mktemp("hostile") / "lab"
    for folder in ("environments", "charts"):
        shutil.copytree(PROJECT / folder, root / folder)
    (root / "environments" / "lab.yaml").write_text("extends: kind\n")
    from click.testing import CliRunner

    from labgen.cli import cli

    assert CliRunner().invoke(cli, ["render", "--env", "lab", "--root", str(root)]).exit_code == 0
    (root / "gitops" / "lab" / "NOTES.md").write_bytes(b"a person's notes \x00\xff\n")
    os.mkfifo(root / "gitops" / "lab" / "pipe")
    return root


def _snapshot(folder: Path) -> dict[str, object]:
    out: dict[str, object] = {}
    for path in sorted(folder.rglob("*")):
        mode = path.lstat().st_mode
        out[str(path.relative_to(folder))] = path.read_bytes() if stat.S_ISREG(mode) \
            else stat.S_IFMT(mode)
    return out


def _assert_sane(result: Any) -> None:
    assert result.exit_code in (0, 1, 2), (result.exit_code, result.stderr[-2000:])
    assert result.exception is None or isinstance(result.exception, SystemExit), \
        repr(result.exception)
    assert "Traceback" not in result.stderr and "Traceback" not in result.stdout
    lines = result.stderr.splitlines()
    if result.exit_code == 2:
        assert 1 <= len(lines) <= MAX_ERROR_LINES, result.stderr[:3000]
        assert all(line.startswith("error: ") for line in lines), result.stderr[:3000]
        assert all(len(line) <= 2100 for line in lines)
    if result.exit_code == 1:
        assert lines[0].startswith("error: gitops/lab not written: ")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                 HealthCheck.function_scoped_fixture])
@given(environment_files())
def test_hostile_environment_files(hostile_lab: Path, content: bytes) -> None:
    from click.testing import CliRunner

    from labgen.cli import cli

    (hostile_lab / "environments" / "lab.yaml").write_bytes(content)
    gitops = hostile_lab / "gitops"
    before = _snapshot(gitops)
    result = CliRunner().invoke(cli, ["render", "--env", "lab", "--root", str(hostile_lab)])
    _assert_sane(result)
    after = _snapshot(gitops)
    if result.exit_code != 0:
        assert after == before
    assert after["lab/NOTES.md"] == b"a person's notes \x00\xff\n"
    assert after["lab/pipe"] == stat.S_IFIFO
    assert not (gitops / ".labgen-staging").exists()


# --- trees ----------------------------------------------------------------------------------

NEW = {"root.yaml": "kind: Application\n", "apps/a.yaml": "a: 2\n", "values.yaml": "x: 2\n",
       "manifests/m.yaml": "m: 2\n"}
OLD = {"root.yaml": "kind: Application\n", "apps/a.yaml": "a: 1\n", "apps/b.yaml": "b: 1\n",
       "values.yaml": "x: 1\n"}
REL_PATHS = ["root.yaml", "apps/a.yaml", "apps/b.yaml", "values.yaml", "manifests/m.yaml",
             "manifests", "apps/c.yaml", "NOTES.md", "deep/er/file", "apps", OWNED, "x y\nz"]
KINDS = ["bytes", "same-as-new", "link", "dangling-link", "fifo", "empty-dir", "delete"]
OWNED_DAMAGE = [None, b"", b"garbage", b"\xff\xfe", "truncate", "tamper", "traversal"]


@st.composite
def hostile_trees(draw: st.DrawFn) -> tuple[list[tuple[str, str, bytes]], object]:
    edits = draw(st.lists(st.tuples(st.sampled_from(REL_PATHS), st.sampled_from(KINDS),
                                    st.binary(max_size=20)), max_size=5))
    return edits, draw(st.sampled_from(OWNED_DAMAGE))


def _apply(target: Path, rel: str, kind: str, data: bytes) -> None:
    path = target / rel
    _remove(path)
    if kind == "delete":
        return
    _clear_parents(target, path)
    path.parent.mkdir(parents=True, exist_ok=True)
    _create(path, rel, kind, data)


def _remove(path: Path) -> None:
    """Whatever is at ``path`` (a folder with its contents, a file, a link) is removed."""
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    elif path.exists() or path.is_symlink():
        path.unlink()


def _clear_parents(target: Path, path: Path) -> None:
    """Links and files where ``path``'s parent folders must be are removed."""
    for parent in reversed(path.relative_to(target).parents[:-1]):
        folder = target / parent
        if folder.is_symlink() or (folder.exists() and not folder.is_dir()):
            folder.unlink()


def _create(path: Path, rel: str, kind: str, data: bytes) -> None:
    if kind == "bytes":
        path.write_bytes(data)
    elif kind == "same-as-new":
        path.write_text(NEW.get(rel, "x\n"))
    elif kind == "link":
        path.symlink_to("root.yaml" if "/" not in rel else "../root.yaml")
    elif kind == "dangling-link":
        path.symlink_to("/nowhere/at/all")
    elif kind == "fifo":
        os.mkfifo(path)
    else:
        path.mkdir()


def _damage(target: Path, damage: object) -> None:
    owned = target / OWNED
    if damage is None or not owned.is_file() or owned.is_symlink():
        return
    text = owned.read_bytes()
    if damage == "truncate":
        owned.write_bytes(text[: len(text) // 2])
    elif damage == "tamper":
        owned.write_bytes(text.replace(b"  values.yaml", b"  NOTES.md"))
    elif damage == "traversal":
        owned.write_bytes(text + b"0" * 64 + b"  ../../outside\n")
    else:
        assert isinstance(damage, bytes)
        owned.write_bytes(damage)


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(hostile_trees())
def test_hostile_trees(tmp_path: Path, case: tuple[list[tuple[str, str, bytes]], object]) -> None:
    edits, damage = case
    base = tmp_path / f"t{os.urandom(4).hex()}"
    target = base / "gitops" / "lab"
    base.mkdir(parents=True)
    (base / "outside").write_bytes(b"outside\n")
    write_tree(target, OLD)
    for rel, kind, data in edits:
        _apply(target, rel, kind, data)
    _damage(target, damage)
    before = _snapshot(target)
    try:
        result = write_tree(target, NEW)
    except InputError as exc:
        assert "\n" not in exc.message
        assert _snapshot(target) == before  # refused: untouched
    else:
        after = _snapshot(target)
        for rel, text in NEW.items():
            assert after[rel] == text.encode()
        # Everything that is neither new nor pruned labgen output is byte-identical.
        for rel, value in before.items():
            if rel in NEW or rel == OWNED or rel in result.removed:
                continue
            if value != stat.S_IFDIR or rel + "/" in result.foreign:
                assert after.get(rel) == value, rel
        for rel in result.removed:  # pruned: only bytes labgen itself wrote
            assert before[rel] in {text.encode() for text in OLD.values()}, rel
    assert (base / "outside").read_bytes() == b"outside\n"
    assert not (target.parent / ".labgen-staging").exists()
    shutil.rmtree(base)


def _is_control(char: str) -> bool:
    """Control characters by code point, written out independently of the regex."""
    code = ord(char)
    return code < 0x20 or 0x7F <= code < 0xA0 or 0xD800 <= code < 0xE000 \
        or code in (0x2028, 0x2029)


@given(st.text(st.characters(), max_size=40), st.booleans())
def test_first_control_finds_the_first_control_character(text: str, multiline: bool) -> None:
    expected = next((c for c in text if _is_control(c) and not (multiline and c == "\n")), None)
    assert first_control(text, multiline=multiline) == expected


@given(st.text(st.characters(), max_size=40), st.integers(4, 60))
def test_printable_escapes_exactly_what_python_cannot_print(text: str, limit: int) -> None:
    escaped = "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)
    assert printable(text, limit) == (escaped if len(escaped) <= limit
                                      else escaped[:limit - 3] + "...")
