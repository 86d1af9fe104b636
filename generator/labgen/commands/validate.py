"""``labgen validate``: schemas + semantic checks for an environment or YAML files."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from ..errors import InputError
from ..options import _resolve_root, helm_binary_option

if TYPE_CHECKING:
    from ..manifests import Document
    from ..validation import ValidationOptions

FORMATS = ("text", "json", "github", "sarif")


def _lenient_root(ctx: click.Context, param: click.Parameter, value: Path | None) -> Path | None:
    """Like ``root_option``, but plain files can be validated outside a repository."""
    try:
        return _resolve_root(ctx, param, value)
    except InputError:
        return None


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--env", "env_name", metavar="ENV",
              help="Validate what Argo CD would apply for environments/ENV.yaml.")
@click.option("--root", type=click.Path(file_okay=False, path_type=Path), envvar="LABGEN_ROOT",
              callback=_lenient_root, help="Repository root (default: the nearest folder with "
              "environments/ at or above the current one).")
@click.option("--format", "output_format", type=click.Choice(FORMATS), default="text",
              show_default=True, help="Report format.")
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
@click.option("--crds", "crd_paths", multiple=True, metavar="FILE|DIR",
              type=click.Path(path_type=Path),
              help="CRDs to validate custom resources against (repeatable).")
@click.option("--kubernetes-version", metavar="1.XX",
              help="Kubernetes minor version for PATHS (default 1.34; --env uses the "
                   "environment's).")
@click.option("--list-checks", is_flag=True, help="List the rules and exit.")
@helm_binary_option
@click.pass_context
def validate(ctx: click.Context, paths: tuple[Path, ...], env_name: str | None,
             root: Path | None, output_format: str, strict: bool, crd_paths: tuple[Path, ...],
             kubernetes_version: str | None, list_checks: bool, helm_binary: str | None) -> None:
    """Validate an environment (--env ENV) or YAML files and folders (PATH...).

    Exit 0 when clean, 1 with findings at error level, 2 for bad input.
    """
    from ..findings import finalize
    from ..validation import ValidationOptions, has_errors, validate_documents
    from ..validation.kube_schemas import schema_folder, supported_versions
    from ..validation.reporters import REPORTERS, rule_catalog

    if list_checks:
        for rule, (severity, summary) in rule_catalog().items():
            click.echo(f"{rule}\t{severity}\t{summary}")
        return
    if bool(env_name) == bool(paths):
        raise InputError("validate an environment with --env ENV, or files with PATH... "
                         "(one of the two)")
    for crd in crd_paths:
        if not crd.exists():
            raise InputError("no such CRD file or folder", file=str(crd))
    if env_name:
        if root is None:
            raise InputError("no environments/ folder here or above; pass --root")
        if kubernetes_version:
            raise InputError("--kubernetes-version is for PATHS; --env uses "
                             "cluster.kubernetesVersion of the environment")
        documents, options = _environment(root, env_name, helm_binary, strict, crd_paths)
    else:
        from ..validation.files import load_paths

        version = kubernetes_version or "1.34"
        documents = load_paths(paths)
        if not documents:
            click.echo("no Kubernetes manifests among the given paths (Helm chart sources and "
                       "environment files are left out: use --env)", err=True)
        from ..repo_config import rule_levels

        options = ValidationOptions(kubernetes_version=version, strict=strict,
                                    crd_paths=crd_paths, repo_root=root, complete=False,
                                    rule_levels=rule_levels(root or Path.cwd(), rule_catalog()))
    if not schema_folder(options.kubernetes_version).is_dir():
        raise InputError(f"no Kubernetes schemas for {options.kubernetes_version}; "
                         f"supported: {', '.join(supported_versions())}")
    groups = _trees(documents) if paths else [documents]
    findings = finalize((finding for group in groups for finding in validate_documents(group, options)),
                        options)
    click.echo(REPORTERS[output_format](findings), nl=False)
    if has_errors(findings):
        ctx.exit(1)


def _trees(documents: list[Document]) -> list[list[Document]]:
    """Each ``gitops/<env>/`` tree is its own Argo CD world (its own cluster and project):
    files given together are validated per tree, everything else as one set."""
    groups: dict[str, list[Document]] = {}
    for doc in documents:
        parts = doc.file.split("/")
        key = "/".join(parts[:parts.index("gitops") + 2]) if "gitops" in parts[:-2] else ""
        groups.setdefault(key, []).append(doc)
    return [groups[key] for key in sorted(groups)]


def _environment(root: Path, name: str, helm_binary: str | None, strict: bool,
                 crd_paths: tuple[Path, ...]) -> tuple[list[Document], ValidationOptions]:
    """What Argo CD would apply for ``name``: the umbrella chart's manifests and the tree."""
    from ..helm_engine import get_engine
    from ..pipeline import environment_options
    from ..render import render_environment

    rendered = render_environment(root, name, get_engine(helm_binary))
    options = environment_options(root, rendered, strict=strict, crd_paths=crd_paths)
    return [*rendered.manifests, *rendered.argocd], options
