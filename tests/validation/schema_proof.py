"""Field-by-field comparison of labgen's built-in schemas with an upstream CRD's openAPIV3Schema.

The CRD is read in place from ../shared/crds at test time. ``compare`` walks
both trees together and reports, by path, every difference in what the two
accept: property names at every nesting level, types (``nullable`` counts as
``null``), enums, bounds (``minimum``/``maximum``), required fields,
int-or-string, whether unknown fields are kept, list items, map values, and
the "at most one of" groups Istio writes as ``oneOf``. Length limits, patterns,
list sizes and CEL rules (``x-kubernetes-validations``) are not compared.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

ROOT_FIELDS = ("apiVersion", "kind", "metadata")


@dataclass
class Proof:
    """What one comparison found: differences (by path) and how many fields it compared."""

    definitions: Mapping[str, Any]
    problems: list[str] = field(default_factory=list)
    fields: int = 0

    def resolve(self, node: Mapping[str, Any]) -> Mapping[str, Any]:
        while "$ref" in node:
            node = self.definitions[node["$ref"].rsplit("/", 1)[-1]]
        return node

    def fail(self, path: str, message: str) -> None:
        self.problems.append(f"{path or '<root>'}: {message}")


def compare_root(crd: Mapping[str, Any], ours: Mapping[str, Any], proof: Proof) -> None:
    """The whole object: apiVersion/kind/metadata are the API server's, the rest is compared."""
    upstream = dict(crd)
    upstream["properties"] = {k: v for k, v in (crd.get("properties") or {}).items()
                              if k not in ROOT_FIELDS}
    upstream["required"] = sorted({*crd.get("required", ()), "apiVersion", "kind"})
    mine = dict(proof.resolve(ours))
    properties = dict(mine.get("properties") or {})
    for name in ROOT_FIELDS:
        if name not in properties:
            proof.fail(name, "labgen's schema does not declare it")
        properties.pop(name, None)
    mine["properties"] = properties
    compare(upstream, mine, "", proof)


def compare(crd: Mapping[str, Any], ours: Mapping[str, Any], path: str, proof: Proof) -> None:
    ours = proof.resolve(ours)
    if crd.get("x-kubernetes-int-or-string"):
        if ours.get("anyOf") != [{"type": "integer"}, {"type": "string"}]:
            proof.fail(path, f"upstream is int-or-string, labgen has {_short(ours)}")
        return
    _compare_scalars(crd, ours, path, proof)
    _compare_properties(crd, ours, path, proof)
    _compare_children(crd, ours, path, proof)
    if _groups(crd) != _groups(ours):
        proof.fail(path, f"at-most-one groups differ: upstream {sorted(map(sorted, _groups(crd)))}, "
                         f"labgen {sorted(map(sorted, _groups(ours)))}")


def _compare_scalars(crd: Mapping[str, Any], ours: Mapping[str, Any], path: str,
                     proof: Proof) -> None:
    upstream_types = {crd["type"]} if "type" in crd else set()
    if crd.get("nullable") and upstream_types:
        upstream_types.add("null")
    declared = ours.get("type", [])
    our_types = {declared} if isinstance(declared, str) else set(declared)
    if upstream_types != our_types:
        proof.fail(path, f"type: upstream {sorted(upstream_types)}, labgen {sorted(our_types)}")
    if sorted(crd.get("enum", [])) != sorted(ours.get("enum", [])):
        proof.fail(path, f"enum: upstream {crd.get('enum')}, labgen {ours.get('enum')}")
    for bound in ("minimum", "maximum"):
        if crd.get(bound) != ours.get(bound):
            proof.fail(path, f"{bound}: upstream {crd.get(bound)}, labgen {ours.get(bound)}")
    if set(crd.get("required", ())) != set(ours.get("required", ())):
        proof.fail(path, f"required: upstream {sorted(crd.get('required', ()))}, "
                         f"labgen {sorted(ours.get('required', ()))}")


def _compare_properties(crd: Mapping[str, Any], ours: Mapping[str, Any], path: str,
                        proof: Proof) -> None:
    upstream = crd.get("properties")
    mine = ours.get("properties")
    closed_upstream = upstream is not None and not crd.get("x-kubernetes-preserve-unknown-fields")
    if closed_upstream != (ours.get("additionalProperties") is False):
        proof.fail(path, "upstream rejects unknown fields and labgen keeps them" if closed_upstream
                   else "upstream keeps unknown fields and labgen rejects them")
    if upstream is None and mine is None:
        return
    upstream, mine = upstream or {}, mine or {}
    for name in sorted(set(upstream) - set(mine)):
        proof.fail(_join(path, name), "defined upstream, missing in labgen's schema")
    for name in sorted(set(mine) - set(upstream)):
        proof.fail(_join(path, name), "in labgen's schema, not defined upstream")
    for name in sorted(set(upstream) & set(mine)):
        proof.fields += 1
        compare(upstream[name], mine[name], _join(path, name), proof)


def _compare_children(crd: Mapping[str, Any], ours: Mapping[str, Any], path: str,
                      proof: Proof) -> None:
    if ("items" in crd) != ("items" in ours):
        proof.fail(path, "only one side declares list items")
    elif "items" in crd:
        compare(crd["items"], ours["items"], f"{path}[]", proof)
    upstream = crd.get("additionalProperties")
    mine = ours.get("additionalProperties")
    if isinstance(upstream, Mapping) != isinstance(mine, Mapping):
        proof.fail(path, "only one side declares map values")
    elif isinstance(upstream, Mapping) and isinstance(mine, Mapping):
        compare(upstream, mine, f"{path}{{}}", proof)


def _groups(node: Mapping[str, Any]) -> set[frozenset[str]]:
    """The "none or exactly one of these fields" groups of a node's ``oneOf``/``allOf``."""
    found: set[frozenset[str]] = set()
    for one_of in ([node["oneOf"]] if "oneOf" in node else []) + [
            sub["oneOf"] for sub in node.get("allOf", ())]:
        names = [branch["required"][0] for branch in one_of[1:]]
        none_of = {"not": {"anyOf": [{"required": [name]} for name in names]}}
        if _strip(one_of[0]) != none_of or any(_strip(b) != {"required": [n]}
                                               for b, n in zip(one_of[1:], names, strict=True)):
            raise AssertionError(f"unexpected oneOf form {one_of!r}")
        found.add(frozenset(names))
    return found


def _strip(node: Any) -> Any:
    if isinstance(node, Mapping):
        return {k: _strip(v) for k, v in node.items() if k != "description"}
    if isinstance(node, list):
        return [_strip(v) for v in node]
    return node


def property_paths(node: Mapping[str, Any], path: str = "") -> Iterator[str]:
    """Every property path of a CRD schema (for counting, independently of ``compare``)."""
    for name, sub in (node.get("properties") or {}).items():
        yield _join(path, name)
        yield from property_paths(sub, _join(path, name))
    if isinstance(node.get("items"), Mapping):
        yield from property_paths(node["items"], f"{path}[]")
    if isinstance(node.get("additionalProperties"), Mapping):
        yield from property_paths(node["additionalProperties"], f"{path}{{}}")


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def _short(node: Mapping[str, Any]) -> str:
    return str({k: v for k, v in node.items() if k in ("type", "anyOf", "$ref")})
