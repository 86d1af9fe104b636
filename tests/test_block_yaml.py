"""The fast block-YAML reader (labgen.block_yaml) gives exactly libyaml's answer or
refuses (``Unsupported``, and the caller parses with libyaml): differential tests over
every YAML file of the project, the upstream CRDs, generated documents dumped in many
styles, mutated texts, and hand-written corner cases. "Exactly" is strict: types too
(``True`` is not ``1``), key order, and every value."""

from __future__ import annotations

import datetime
import math
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from labgen import block_yaml, yaml_io
from labgen.helm_engine import EmbeddedHelm
from labgen.render import render_environment
from labgen.yaml_io import dump

PROJECT = Path(__file__).resolve().parents[1]
SHARED = PROJECT.parent / "shared"


def libyaml(text: str) -> list[Any] | None:
    """libyaml's documents, or None when it refuses the text."""
    try:
        return list(yaml.load_all(text, Loader=yaml.CSafeLoader))
    except (yaml.YAMLError, ValueError, TypeError, RecursionError):
        return None


def identical(a: Any, b: Any) -> bool:
    """Equal with the same types at every level (walked with a stack: no recursion limit)."""
    stack = [(a, b)]
    while stack:
        x, y = stack.pop()
        if type(x) is not type(y):
            return False
        if isinstance(x, dict):
            if list(x) != list(y):
                return False
            stack.extend(zip(list(x), list(y), strict=True))
            stack.extend((x[k], y[k]) for k in x)
        elif isinstance(x, list):
            if len(x) != len(y):
                return False
            stack.extend(zip(x, y, strict=True))
        elif isinstance(x, float) and math.isnan(x):
            if not math.isnan(y):
                return False
        elif x != y:
            return False
    return True


def agrees(text: str) -> bool:
    """The fast reader refuses ``text`` or loads exactly what libyaml loads."""
    try:
        fast = block_yaml.load_all(text)
    except block_yaml.Unsupported:
        return True
    expected = libyaml(text)
    return expected is not None and identical(fast, expected)


def _project_files() -> list[Path]:
    roots = [PROJECT / "gitops", PROJECT / "tests", PROJECT / "environments",
             PROJECT / "charts", SHARED / "crds"]
    return sorted(p for root in roots if root.is_dir() for p in root.rglob("*")
                  if p.suffix in (".yaml", ".yml") and p.is_file())


def test_every_yaml_file_of_the_project_loads_as_libyaml_loads_it() -> None:
    files = _project_files()
    assert len(files) > 500
    fast = 0
    for path in files:
        text = path.read_text(encoding="utf-8", errors="replace")
        assert agrees(text), path
        try:
            block_yaml.load_all(text)
            fast += 1
        except block_yaml.Unsupported:
            pass
    # The subset is the common case: most files never need libyaml.
    assert fast > len(files) * 0.8, (fast, len(files))


def test_rendered_trees_take_the_fast_path() -> None:
    """Every committed GitOps file (what labgen renders) is in the subset."""
    files = sorted((PROJECT / "gitops").rglob("*.yaml"))
    assert files
    for path in files:
        block_yaml.load_all(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("env", ["oke", "kind", "workshop"])
def test_what_render_parses_takes_the_fast_path(env: str, project_root: Path,
                                                engine: EmbeddedHelm) -> None:
    """Every text ``labgen render`` parses and validates (Helm's output per template, the
    Argo CD files) is read by the block reader, to exactly libyaml's data."""
    rendered = render_environment(project_root, env, engine)
    sources = {doc.source for doc in [*rendered.manifests, *rendered.argocd]}
    assert len(sources) > 20
    for text in sources:
        assert identical(block_yaml.load_all(text), libyaml(text)), text[:200]


CORNERS = [
    "", "# only a comment\n", "---\n", "---\n---\n", "a: 1\n---\n", "--- # c\na: 1\n...\n",
    "a: 1\n", "a:\n", "a: ~\nb: null\nc: Null\nd:\n", "on: yes\noff: no\ny: n\n",
    "a: 010\nb: 0o10\nc: 0x1F\nd: 1_000\ne: 1:20\nf: -0\ng: +12\n",
    "a: 1.5\nb: .inf\nc: -.Inf\nd: .nan\ne: 1e3\nf: 6.8523015e+5\ng: 1.\n",
    "a: 2001-12-14\nb: 2001-12-14t21:59:43.10-05:00\nc: 2001-12-14 21:59:43.10\n",
    "a: 'x'\nb: \"y\"\nc: 'it''s'\nd: \"tab\\there\"\ne: \"\\u00e9\"\nf: ''\ng: \"\"\n",
    "'quoted key': 1\n\"dq key\": 2\n'k''q': 3\n",
    "a: b # comment\nc: d#not\ne: 'f' # c\n",
    "a: http://x:80/y\nb: a:b\nc: -1\nd: -x\ne: ?x\nf: :x\n",
    "k: v\n  w\n", "k: - x\n", "k: a: b\n", "k: a:\n", "- a\nb: 1\n", "a: 1\n- b\n",
    "a:\n- 1\n- 2\nb: 3\n", "a:\n  - 1\n  - 2\n", "- - a\n  - b\n- c\n",
    "- a: 1\n  b: 2\n- c: 3\n", "-   a: 1\n    b: 2\n", "-\n  a: 1\n- \n", "- -\n",
    "a:\n  b:\n    c: 1\n  d: 2\ne: 3\n", "a:\n    b: 1\n  c: 2\n",
    "a: [1, 2]\nb: {c: d}\nc: []\nd: {}\ne: [a, {b: c}] # x\n", "a: [1,\n  2]\n",
    "- {a: 1}\n- [b]\n", "a: |\n  one\n  two\n", "a: |-\n  one\n\n  two\n\n\nb: 1\n",
    "a: |\n\n  x\n", "a: |\n    \n  x\n", "a: |\n  x\n   \n", "a: |+\n  x\n\n", "a: |2\n   x\n",
    "a: >\n  folded\n  text\n", "- |\n  in a list\n- x\n", "a: |\n  x\n b: 1\n",
    "a: |\n  # not a comment\n  x\n# a comment\nb: 1\n", "a: |\n  x", "a: |-\n  x",
    "a: very long\n  plain text\n\n  with a break\nb: 1\n", "a: 'multi\n  line'\n",
    "a: 'multi\n\n  line '\n", "a: \"multi\\\n  line\"\n", "a: \"a\n  b\n  \"\n",
    "a: 'x\nb: 1\n", "a: \"x\n", "&a a: 1\n", "a: &x 1\nb: *x\n", "a: !!str 1\n",
    "<<: {a: 1}\n", "? a\n: b\n", "a:\tb\n", "a: 1\r\nb: 2\r\n", "\ufeffa: 1\n",
    "a: b\x85c\n", "%YAML 1.1\n---\na: 1\n", "a: 1\na: 2\n", "x\n", "- x\n  y\n",
    "a: =\n", "a: 12345678901234567890\n", "a: 1\n # indented comment\nb: 2\n",
    "a:\n  # comment\n  b: 1\n", "a: b\n---x\n", "a: ]\n", "a: '\n", "a: \"\\x\"\n",
    "a: é\nb: 日本\n", "a: &'q' 1\n", "a: &x.y 1\nb: *x.y\n", "a: &x\n  b: *x\n",
    "a: &x 1\na: &x 2\n", "a: *x\n", "- &x [1, 2]\n- *x\n", "a: &x |\n  t\nb: *x\n",
    "a: 'é'\n", "true: 1\n1: a\n1.5: b\nnull: c\n", "a : 1\n",
    "a:  spaced   out  \n", "- 'a': 1\n", "a: \"x\" y\n", "a: 'x' y\n",
    "a: |2-\n\n\n    x\n  y\n", "a:\n  b: |2-\n\n\n      Valid\n  c: 1\n", "- |1\n  x\n- y\n",
    "a: |-2\n   x\n  y\n", "a: |2\n  x\n b: 1\n", "a: |3\n  x\n", "a: |2 # c\n  x\n",
    "a: |22\n  x\n", "a: |9\n  x\n", "k:\n- |2\n   x\n", "a: |2\n\n\n", "a: |1\n  \n x\n",
]


@pytest.mark.parametrize("text", CORNERS)
def test_corner_cases_agree_with_libyaml(text: str) -> None:
    assert agrees(text)


def test_the_subset_covers_what_dumpers_write() -> None:
    """The common shapes are read by the fast path, not only refused safely."""
    for text in ("a: 1\n", "a:\n- 1\n", "- a: 1\n  b: [x]\n", "a: |\n  x\n", "a: |2-\n\n   x\n",
                 "a: 'multi\n  line'\n", "a: folded\n  plain\n"):
        assert identical(block_yaml.load_all(text), libyaml(text)), text


SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(-10**20, 10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.dates(min_value=datetime.date(1900, 1, 1)),
    st.sampled_from(["on", "yes", "No", "null", "~", "1", "0o17", "0x1f", "1:20", "1.0", ".inf",
                     "=", "<<", "a: b", "a #b", "#c", "- x", "-", "'q'", '"d"', "", " lead",
                     "trail ", "multi\nline", "two\n\nbreaks\n", "tab\there", "é", "日本",
                     "x" * 100, "word " * 30, "2001-01-01", "[a]", "{a: b}", "|", ">", "&a",
                     "*a", "!t", "%", "@", "`", "a: ", "\\", "back\\slash", "it's", 'say "hi"',
                     "\x07bell", "\u2028", "\ufeff", "---", "...", "key:", "?", ": x"]),
    st.text(max_size=30),
)
KEYS = st.one_of(st.sampled_from(["a", "on", "1", "null", "key with space", "k: v", "#", "-",
                                  "é", "x.y/z", "'", '"', "", "true"]),
                 st.text(min_size=1, max_size=10), st.integers(-5, 5), st.booleans())
DATA = st.recursive(SCALARS, lambda children: st.one_of(
    st.lists(children, max_size=4), st.dictionaries(KEYS, children, max_size=4)), max_leaves=25)
STYLES = st.fixed_dictionaries({
    "default_flow_style": st.sampled_from([False, None, True]),
    "width": st.sampled_from([10, 30, 80, 1000]),
    "allow_unicode": st.booleans(),
    "default_style": st.sampled_from([None, None, "'", '"', "|"]),
    "indent": st.sampled_from([2, 4]),
    "explicit_start": st.booleans(),
})


@settings(max_examples=400, deadline=None)
@given(st.lists(DATA, min_size=1, max_size=3), STYLES)
def test_dumped_documents_load_as_libyaml_loads_them(documents: list[Any],
                                                     style: dict[str, Any]) -> None:
    text = yaml.safe_dump_all(documents, **style)
    assert agrees(text), text


@settings(max_examples=150, deadline=None)
@given(DATA)
def test_labgens_own_dump_takes_the_fast_path_when_it_can(data: Any) -> None:
    text = dump(data)
    assert agrees(text), text


MUTATIONS = [" ", "  ", "- ", ": ", "#", " #", "'", '"', "|", "\n", "---\n", "{", "[", "&", "*",
             "!", "\\", "?", ":", "\t"]


@settings(max_examples=400, deadline=None)
@given(DATA, st.integers(0, 10**6), st.sampled_from(MUTATIONS), st.booleans())
def test_mutated_texts_never_load_differently(data: Any, where: int, insert: str,
                                              delete: bool) -> None:
    """Broken or odd texts: the fast path refuses them or agrees with libyaml (it never
    accepts what libyaml refuses)."""
    text = yaml.safe_dump(data, default_flow_style=False, width=30)
    at = where % (len(text) + 1)
    text = text[:at] + insert + text[at + 1 if delete else at:]
    assert agrees(text), text


@pytest.mark.parametrize("length", [10, 999, 1023, 1024, 1025, 3000])
def test_long_keys_agree_with_libyaml(length: int) -> None:
    for text in (f"{'k' * length}: v\n", f"'{'k' * length}': v\n", f"- {'k' * length}\n",
                 f"a: {'v' * length}\n"):
        assert agrees(text)


@settings(max_examples=300, deadline=None)
@given(DATA, STYLES)
def test_shared_objects_dumped_with_anchors_load_as_libyaml_loads_them(
        shared: Any, style: dict[str, Any]) -> None:
    """PyYAML's dumper writes ``&id001`` and ``*id001`` for an object used twice."""
    text = yaml.safe_dump({"a": shared, "b": [shared, {"c": shared}], "d": shared}, **style)
    assert agrees(text), text


def test_anchored_dumps_take_the_fast_path() -> None:
    labels = {"app": "a", "version": "v1"}
    text = yaml.safe_dump({"metadata": {"labels": labels},
                           "spec": {"selector": {"matchLabels": labels}, "items": [labels]}})
    assert "&id001" in text and "*id001" in text
    loaded = block_yaml.load_all(text)[0]
    assert identical([loaded], libyaml(text))
    assert loaded["spec"]["selector"]["matchLabels"] is loaded["metadata"]["labels"]


@pytest.mark.parametrize("text", ["a: 1\na: 2\n", "m:\n  k: 1\n  k: 1\n", "- {a: 1, a: 2}\n"])
def test_a_key_written_twice_is_left_to_libyaml_which_says_where(text: str) -> None:
    with pytest.raises(block_yaml.Unsupported):
        block_yaml.load_all(text)
    with pytest.raises(yaml.constructor.ConstructorError, match="duplicate key"):
        list(yaml_io.safe_load_all(text))
