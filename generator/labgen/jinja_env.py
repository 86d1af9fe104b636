"""The one Jinja2 environment factory for labgen's own templates."""

from __future__ import annotations

import contextlib
import json
import os
from functools import cache
from typing import Any

import jinja2
import jinja2.bccache

from .errors import TemplateError
from .user_cache import cache_home
from .yaml_io import dump, scalar


def _to_yaml(value: Any, indent: int = 0) -> str:
    text = dump(value, sort_keys=False).rstrip("\n")
    if indent:
        pad = " " * indent
        text = "\n".join(pad + line if line else line for line in text.splitlines())
    return text


def _bytecode_cache() -> jinja2.BytecodeCache | None:
    """Compiled templates kept in the user's cache folder (XDG), so a process does not
    compile every template again; Jinja2 keys each entry by the template's source."""
    folder = cache_home() / f"jinja2-{jinja2.__version__}"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return _QuietCache(str(folder)) if os.access(folder, os.W_OK) else None


class _QuietCache(jinja2.FileSystemBytecodeCache):
    """A bytecode cache whose failures only cost a compile (a full disk, a race)."""

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        with contextlib.suppress(OSError):
            super().dump_bytecode(bucket)


@cache
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("labgen", "templates"),
        bytecode_cache=_bytecode_cache(),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,
    )
    env.filters["to_yaml"] = _to_yaml
    env.filters["to_scalar"] = scalar
    env.filters["to_json"] = lambda value: json.dumps(value, sort_keys=True)
    return env


def render(template: str, **context: Any) -> str:
    """Render ``templates/<template>``; errors name the template and line."""
    try:
        return environment().get_template(template).render(**context)
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateError(f"{exc.name or template}:{exc.lineno}: {exc.message}") from None
    except jinja2.UndefinedError as exc:
        raise TemplateError(f"{template}:{_template_line(exc, template)}: {exc.message}") from None


def _template_line(exc: BaseException, template: str) -> int | str:
    tb = exc.__traceback__
    line: int | str = "?"
    while tb is not None:
        if tb.tb_frame.f_code.co_filename.endswith(template):
            line = tb.tb_lineno
        tb = tb.tb_next
    return line
