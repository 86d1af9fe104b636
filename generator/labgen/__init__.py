"""labgen: render an Istio observability lab as a reviewable GitOps tree."""

__version__ = "0.1.0"

#: Set in the click context by the console script (:func:`labgen.cli.main`): this process
#: runs one command and ends, so a render may load Helm in a helper meanwhile
#: (:meth:`labgen.workspace.Workspace.start_engine`).
FRESH_PROCESS = "fresh_process"
