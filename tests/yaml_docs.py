"""YAML as the tests read it: libyaml, through PyYAML's C loader.

An independent reader of what labgen and Helm write (labgen's own fast reader,
``labgen.block_yaml``, is what tests/test_block_yaml.py holds against it), and
several times faster than PyYAML's pure-Python loader, which the suite used to spend
a tenth of its time in.
"""

from __future__ import annotations

from typing import Any

import yaml

LOADER: type[yaml.CSafeLoader] = yaml.CSafeLoader


def load(text: str) -> Any:
    """One YAML document, as ``yaml.safe_load`` reads it."""
    return yaml.load(text, Loader=LOADER)


def load_all(text: str) -> list[Any]:
    """Every document of ``text`` (empty ones as None), as ``yaml.safe_load_all`` reads them."""
    return list(yaml.load_all(text, Loader=LOADER))
