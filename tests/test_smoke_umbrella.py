"""The umbrella chart renders through real Helm with its defaults."""

from __future__ import annotations


def test_umbrella_renders_with_defaults(render_umbrella):
    docs = render_umbrella()
    assert all("kind" in doc and "metadata" in doc for doc in docs)
