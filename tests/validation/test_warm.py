"""``registry.warm``: what a render reads ahead while Helm renders (see Workspace._prepare)."""

from __future__ import annotations

from labgen.validation import kube_schemas, registry


def test_warm_reads_the_definitions_the_first_check_needs() -> None:
    kube_schemas._resolver.cache_clear()
    registry.warm("1.34")
    assert kube_schemas._resolver.cache_info().currsize == 1
    assert registry._shipped_resolver.cache_info().currsize == 1
    kube_schemas.core_check.cache_clear()
    kube_schemas.core_check("1.34", "v1", "Service")  # now uses what warm read
    assert kube_schemas._resolver.cache_info().hits >= 1


def test_a_version_without_schemas_reads_nothing() -> None:
    kube_schemas._resolver.cache_clear()
    registry.warm("9.99")  # unsupported: validation says so itself, warm stays quiet
    assert kube_schemas._resolver.cache_info().currsize == 0
