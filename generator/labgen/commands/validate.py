"""``labgen validate``: schemas + semantic checks for an environment or YAML files."""

from __future__ import annotations

from pathlib import Path

import click

from ..errors import InputError
from ..options import _resolve_root, helm_binary_option, workspace

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
    from ..validation import has_errors
    from ..validation.reporters import REPORTERS, json_report, rule_catalog

    if list_checks:
        for rule, (severity, summary) in rule_catalog().items():
            click.echo(f"{rule}\t{severity}\t{summary}")
        return
    if bool(env_name) == bool(paths):
        raise InputError("validate an environment with --env ENV, or files with PATH... "
                         "(one of the two)")
    if env_name and (root is None or kubernetes_version):
        raise InputError("no environments/ folder here or above; pass --root" if root is None
                         else "--kubernetes-version is for PATHS; --env uses "
                         "cluster.kubernetesVersion of the environment")
    ws = workspace(root or Path.cwd(), helm_binary)  # a fresh process: Helm in the helper
    result = (ws.validate_env(env_name, strict=strict, crd_paths=crd_paths) if env_name else
              ws.validate_paths(paths, strict=strict, crd_paths=crd_paths,
                                kubernetes_version=kubernetes_version))
    for note in result.notes:
        click.echo(note, err=True)
    if result.schemas is not None:
        click.echo(result.schemas.describe(), err=True)
    if output_format == "json":
        report = json_report(list(result.findings),
                             schemas=result.schemas.as_json() if result.schemas else None)
    else:
        report = REPORTERS[output_format](list(result.findings))
    click.echo(report, nl=False)
    if has_errors(result.findings):
        ctx.exit(1)
