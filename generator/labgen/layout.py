"""Where things live in a labgen repository: every repository path, in one place.

A labgen repository holds its inputs (``environments/``, ``charts/``) and what
labgen generates from them (``gitops/<env>/``, never edited by hand), plus a
cache that git never sees. Paths here are relative to the repository root
and use ``/``, as git and Argo CD write them.
"""

from __future__ import annotations

#: Environment files: ``environments/<name>.yaml``.
ENV_DIR = "environments"
ENV_SUFFIX = ".yaml"
#: The editor JSON Schema of environment files (``labgen schema``).
ENV_SCHEMA = f"{ENV_DIR}/schema.json"
#: Helm charts; the umbrella chart Argo CD renders for every environment.
CHARTS_DIR = "charts"
UMBRELLA_CHART = f"{CHARTS_DIR}/olympic-lab"
#: Generated trees, one folder per environment.
GITOPS_DIR = "gitops"
#: Inside a tree: the Argo CD Applications (or ApplicationSets) the root app syncs.
APPS_DIR = "apps"
#: Inside a tree: hydrated manifests (``argocd.renderedManifests``).
MANIFESTS_DIR = "manifests"
#: Inside a workshop tree: one folder per participant, ``clusters/<name>/``.
PARTICIPANTS_DIR = "clusters"
#: A participant's values file, inside its folder (and a single environment's, in its tree).
VALUES_FILE = "values.yaml"
#: Inside a tree: the files labgen wrote there, with their hashes.
OWNED_FILE = ".labgen-owned"
#: Render cache and other machine-local state, ignored by git wherever it is.
CACHE_DIR = ".labgen-cache"
#: Folders a render reads besides the environment files (and what ``labgen diff`` copies).
INPUT_DIRS = (ENV_DIR, CHARTS_DIR)


def env_file(name: str) -> str:
    """``environments/<name>.yaml``."""
    return f"{ENV_DIR}/{name}{ENV_SUFFIX}"


def tree_dir(name: str) -> str:
    """``gitops/<name>``: the generated tree of environment ``name``."""
    return f"{GITOPS_DIR}/{name}"


def participant_dir(participant: str) -> str:
    """``clusters/<participant>``, relative to a workshop's tree."""
    return f"{PARTICIPANTS_DIR}/{participant}"


def participant_values(participant: str) -> str:
    """``clusters/<participant>/values.yaml``, relative to a workshop's tree."""
    return f"{participant_dir(participant)}/{VALUES_FILE}"


def tree_of(path: str) -> str | None:
    """``gitops/<env>`` when repository path ``path`` lies in a generated tree, else None."""
    parts = path.split("/")
    if GITOPS_DIR in parts[:-2]:
        at = parts.index(GITOPS_DIR)
        return "/".join(parts[:at + 2])
    return None
