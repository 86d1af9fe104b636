"""Tier 2 and 3 (issue 14): Argo CD's controller and repo-server syncing this repository.

Not run yet. Argo CD v3.5.1 builds from the Go module proxy since 2026-12-02 (toolset
``argocd``, tests/e2e/tools/argocd/go.mod says how, and with which gitops-engine), but
the harness that runs it -- the controller and repo-server against the Tier 1 API server,
Redis, this repository served from a loopback git server -- is not written; Tier 2 also
needs Istio's 1.30.3 charts, which the proxy still refuses. Each test below is skipped
with what is missing, so the gap stays visible in every run; none is imitated.
"""

from __future__ import annotations

import pytest

ARGOCD_MISSING = (
    "Argo CD v3.5.1 builds (python tests/e2e/build_tools.py --only argocd), but no harness runs "
    "its controller and repo-server yet (Redis, a loopback git server, the Tier 1 API server)"
)
ISTIO_MISSING = (
    "istio.io/istio@v0.0.0-20260713165634-56df41f63e51 (tag 1.30.3): the Go module proxy refuses it "
    "(403 'This module version is not available'), so neither istioctl 1.30.3 nor Istio's 1.30.3 "
    "charts (its manifests/charts) can be had"
)


@pytest.mark.skip(reason=f"Tier 2 not run: {ARGOCD_MISSING}; {ISTIO_MISSING}")
def test_every_application_reaches_synced() -> None:
    """Argo CD application-controller + repo-server against the Tier 1 API server."""


@pytest.mark.skip(reason=f"Tier 3 not run: {ARGOCD_MISSING}")
def test_scenario_weights_commit_is_synced_into_the_virtualservice() -> None:
    """`labgen scenario weights --env oke v1=50 v2=30 v3=20`, commit, observe the sync."""
