"""Jinja2 templates for the reports: the bundled ``templates/`` or a consultant's own folder.

A consultant's folder (``--templates DIR``) only needs the templates they change: a template
missing there is taken from the bundled folder. Templates ending in ``.html`` (or
``.html.j2``) are autoescaped; undefined variables are errors, never silent blanks.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from roadmap.errors import InputError
from roadmap.resources import data_dir

if TYPE_CHECKING:
    import jinja2

HTML_SUFFIXES = (".html", ".htm", ".html.j2", ".htm.j2")
_MD_SPECIAL = re.compile(r"([\\`*\[\]|]|(?<![0-9A-Za-z])_|_(?![0-9A-Za-z]))")


def bundled_templates() -> Path:
    """The folder of the bundled templates."""
    return data_dir("templates")


def _autoescape(name: str | None) -> bool:
    return name is not None and name.lower().endswith(HTML_SUFFIXES)


def md_escape(text: object) -> str:
    """Text made inert in Markdown: HTML-ish characters as entities, markup characters escaped.

    GitHub shows ``&lt;`` as ``<`` and so does rich's Markdown in a terminal, so a title such
    as ``<img src=x onerror=...>`` reads as text and is never taken for HTML.
    """
    value = str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    value = _MD_SPECIAL.sub(r"\\\1", value)
    return " ".join(value.split())


def environment(templates_dir: Path | None = None) -> jinja2.Environment:
    """A sandboxed Jinja2 environment reading ``templates_dir`` first, then the bundled templates."""
    import jinja2
    from jinja2.sandbox import SandboxedEnvironment

    folders: list[str] = []
    if templates_dir is not None:
        if not templates_dir.is_dir():
            raise InputError.at(templates_dir, "templates folder not found")
        folders.append(str(templates_dir))
    folders.append(str(bundled_templates()))
    env = SandboxedEnvironment(
        loader=jinja2.FileSystemLoader(folders, encoding="utf-8"),
        autoescape=_autoescape,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,
    )
    env.filters["md"] = md_escape
    return env


def render_template(name: str, context: dict[str, Any], templates_dir: Path | None = None) -> str:
    """Render template ``name`` with ``context``; a broken template is an :class:`InputError`."""
    import jinja2

    env = environment(templates_dir)
    try:
        template = env.get_template(name)
        return template.render(context)
    except jinja2.TemplateNotFound as exc:
        raise InputError.at(name, f"template not found: {exc.message}") from exc
    except jinja2.TemplateSyntaxError as exc:
        raise InputError.at(exc.filename or name, f"template error: {exc.message}", line=exc.lineno or 0) from exc
    except jinja2.UndefinedError as exc:
        raise InputError.at(_source_of(env, name), f"template error: {exc.message}") from exc
    except jinja2.TemplateError as exc:
        raise InputError.at(_source_of(env, name), f"template error: {exc.message or exc}") from exc


def _source_of(env: jinja2.Environment, name: str) -> str:
    """The file a template was read from (its name when unknown)."""
    try:
        template = env.get_template(name)
    except Exception:  # pragma: no cover - only for the message
        return name
    return template.filename or name
