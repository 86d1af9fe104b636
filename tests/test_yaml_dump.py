"""The dumper's memo: a text is reused only for data that dumps to the same text.

``dump`` and ``scalar`` remember what they wrote, keyed by the data's ``repr`` when the
data holds only builtin types. Data Python calls equal but YAML writes differently
(``1``, ``1.0``, ``True`` and ``"1"``; a list and a tuple; keys in another order when
they are not sorted) must each get its own text.
"""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from labgen import yaml_io
from labgen.yaml_io import _dump, _dump_scalar, dump, scalar

SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-3, 3), st.sampled_from([1.0, -0.0, 0.0]),
                    st.sampled_from(["1", "true", "on", "1.0", "", "a b", "x\ny", "null"]),
                    st.text(max_size=6))
KEYS = st.one_of(st.sampled_from(["1", "a", "b", "true"]), st.integers(0, 2), st.booleans())
DATA = st.recursive(SCALARS, lambda inner: st.one_of(
    st.lists(inner, max_size=3), st.lists(inner, max_size=3).map(tuple),
    st.dictionaries(KEYS, inner, max_size=3)), max_leaves=8)


@settings(max_examples=300, deadline=None)
@given(st.lists(DATA, min_size=2, max_size=6), st.booleans())
def test_memoized_texts_equal_a_fresh_dump(data: list[Any], sort_keys: bool) -> None:
    for item in data + data:  # the second pass reads the memo
        try:
            fresh = _dump(item, sort_keys=sort_keys)
        except TypeError:  # keys of mixed types cannot be sorted: the memo must not hide it
            continue
        assert dump(item, sort_keys=sort_keys) == fresh
        if not isinstance(item, (dict, list, tuple)):
            assert scalar(item) == _dump_scalar(item)


def test_equal_data_with_other_types_or_order_get_their_own_text() -> None:
    assert [dump({"k": value}) for value in (1, 1.0, True, "1")] == \
        ["k: 1\n", "k: 1.0\n", "k: true\n", "k: '1'\n"]
    assert [scalar(value) for value in (0, 0.0, False, "0", -0.0)] == \
        ["0", "0.0", "false", "'0'", "-0.0"]
    assert dump({"b": 1, "a": 2}, sort_keys=False) == "b: 1\na: 2\n"
    assert dump({"a": 2, "b": 1}, sort_keys=False) == "a: 2\nb: 1\n"
    assert dump({"b": 1, "a": 2}) == "a: 2\nb: 1\n"


def test_data_of_other_types_is_never_remembered() -> None:
    class Name(str):
        pass

    before = dict(yaml_io._DUMPED)
    for _ in range(2):  # the safe dumper refuses a str subclass, every time
        with pytest.raises(yaml.YAMLError):
            dump({"name": Name("x")})
    assert before == yaml_io._DUMPED


def test_the_memo_holds_at_most_its_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(yaml_io, "_DUMPED", {})
    monkeypatch.setattr(yaml_io, "_dumped_size", [0])
    monkeypatch.setattr(yaml_io, "_DUMPED_BUDGET", 1_000)
    for n in range(50):
        assert dump({"k": f"v{n:0100d}"}) == f"k: v{n:0100d}\n"
        held = sum(len(key[1]) + len(text) for key, text in yaml_io._DUMPED.items())
        assert held == yaml_io._dumped_size[0] <= 1_000
