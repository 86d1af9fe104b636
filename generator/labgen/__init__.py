"""labgen: render an Istio observability lab as a reviewable GitOps tree."""

__version__ = "0.1.0"
