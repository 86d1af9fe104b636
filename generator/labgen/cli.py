"""The ``labgen`` command: a thin click layer over the library.

Each command lives in ``labgen/commands/<name>.py`` and is imported only when
it runs, so ``labgen --help`` stays fast. Errors: every :class:`LabgenError`
is caught here, printed as one line on stderr, and mapped to its exit code;
anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import sys
from typing import Any

import click

from . import FRESH_PROCESS, __version__
from .errors import LabgenError

#: command name -> (module:attribute, one-line help shown by --help).
COMMANDS: dict[str, tuple[str, str]] = {
    "render": ("labgen.commands.render:render", "Render gitops/<env>/ from environments/<env>.yaml."),
    "envs": ("labgen.commands.envs:envs", "List the environments and what they extend."),
    "schema": ("labgen.commands.envs:schema", "Print the JSON Schema of environment files."),
    "access": ("labgen.commands.access:access", "Print how to reach each UI of an environment."),
    "validate": ("labgen.commands.validate:validate",
                 "Validate an environment or YAML files (schemas + checks)."),
    "scenario": ("labgen.commands.scenario:scenario", "Show or change the traffic scenario."),
    "diff": ("labgen.commands.diff:diff", "Show what a change does to traffic and manifests."),
    "check": ("labgen.commands.check:check", "Fail if gitops/ drifted from its inputs."),
    "bootstrap": ("labgen.commands.bootstrap:bootstrap",
                  "Print what to apply once in the Argo CD namespace."),
    "crds": ("labgen.commands.crds:crds", "Pull the CRDs of the pinned versions into your cache."),
}


class LazyGroup(click.Group):
    """A group whose subcommands are imported on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(name for name in COMMANDS if _available(name))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS or not _available(cmd_name):
            return None
        target, _help = COMMANDS[cmd_name]
        module, attribute = target.split(":")
        command = getattr(importlib.import_module(module), attribute)
        assert isinstance(command, click.Command)
        return command

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except LabgenError as exc:
            click.echo(f"error: {exc.message}", err=True)
            ctx.exit(exc.exit_code)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, COMMANDS[name][1]) for name in self.list_commands(ctx)]
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


def _available(name: str) -> bool:
    module = COMMANDS[name][0].split(":")[0]
    return importlib.util.find_spec(module) is not None


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="labgen")
def cli() -> None:
    """Render, validate and roll out the Istio observability lab the GitOps way."""


def main() -> None:
    """Console-script entry point.

    The process ends with ``os._exit`` once its output is flushed: tearing down the
    interpreter (every module, the embedded Helm's objects) took 45-125 ms of a 0.5 s
    render and does nothing a finished command needs. Everything labgen opens is
    closed by then (files, temporary folders, the repository lock by ``with``);
    ``labgen`` under ``CliRunner`` (the tests) calls :data:`cli` and exits normally.
    """
    try:
        cli(prog_name="labgen", obj={FRESH_PROCESS: True})
        code = 0
    except SystemExit as done:
        code = _exit_code(done.code)
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except OSError:  # a closed pipe (labgen ... | head): nothing more can be said
        code = code or 1
    os._exit(code)


def _exit_code(code: object) -> int:
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    print(code, file=sys.stderr)  # sys.exit("message"), as the interpreter would print it
    return 1
