"""Tier 2 and 3 (issue 14): Argo CD's controller and repo-server syncing this repository.

Not built: the Go module proxy does not serve what they need (checked 2026-12-01, and again
2026-12-02: both pins below still answer 403).
Each test below is skipped with the exact module@version that is missing, so the
gap stays visible in every run; none is imitated.
"""

from __future__ import annotations

import pytest

ARGOCD_MISSING = (
    "github.com/argoproj/argo-cd/v3 v3.4.13..v3.5.7 require "
    "github.com/argoproj/argo-cd/gitops-engine@v0.7.1-0.20250908182407-97ad5b59a627, which the "
    "Go module proxy refuses (403 'This module version is not available'); v3.6.x needs Go 1.27 and "
    "github.com/argoproj/argo-cd/gitops-engine/v3 v3.6.1, listed as failing go get/tidy"
)
ISTIO_MISSING = (
    "istio.io/istio@v0.0.0-20260713165634-56df41f63e51 (tag 1.30.3): the Go module proxy refuses it "
    "(403 'This module version is not available'), so neither istioctl 1.30.3 nor Istio's 1.30.3 "
    "charts (its manifests/charts) can be had"
)


@pytest.mark.skip(reason=f"Tier 2 not built: {ARGOCD_MISSING}; {ISTIO_MISSING}")
def test_every_application_reaches_synced() -> None:
    """Argo CD application-controller + repo-server against the Tier 1 API server."""


@pytest.mark.skip(reason=f"Tier 3 not built: {ARGOCD_MISSING}")
def test_scenario_weights_commit_is_synced_into_the_virtualservice() -> None:
    """`labgen scenario weights --env oke v1=50 v2=30 v3=20`, commit, observe the sync."""
