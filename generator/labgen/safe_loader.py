"""The safe YAML loader every reader of labgen builds on.

PyYAML's safe constructors on libyaml's parser (about ten times faster than PyYAML's
own for rendered manifests), refusing a key written twice in one mapping, as
Kubernetes, Argo CD and kubectl do; PyYAML alone keeps the last one silently. A key
that a ``<<`` merge brings in may still be overridden, as YAML intends.
"""

from __future__ import annotations

from typing import Any

import yaml

_MERGE = "tag:yaml.org,2002:merge"


class SafeLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """``yaml.CSafeLoader`` (``yaml.SafeLoader`` without libyaml) with unique keys."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        if isinstance(node, yaml.MappingNode):
            seen: dict[Any, yaml.Node] = {}
            for key_node, _value in node.value:
                if not isinstance(key_node, yaml.ScalarNode) or key_node.tag == _MERGE:
                    continue
                first = seen.setdefault(self.construct_object(key_node), key_node)
                if first is not key_node:
                    raise yaml.constructor.ConstructorError(
                        None, None, f"duplicate key '{key_node.value}' (first at line "
                        f"{first.start_mark.line + 1}); keep only one", key_node.start_mark)
        mapping: dict[Any, Any] = super().construct_mapping(node, deep=deep)
        return mapping
