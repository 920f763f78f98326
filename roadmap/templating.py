"""Jinja2 templates for the reports: the bundled ``templates/`` or a consultant's own folder.

A consultant's folder (``--templates DIR``) only needs the templates they change: a template
missing there is taken from the bundled folder. Templates ending in ``.html`` (or
``.html.j2``) are autoescaped; undefined variables are errors, never silent blanks.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from roadmap.errors import InputError
from roadmap.resources import data_dir

if TYPE_CHECKING:
    import jinja2

HTML_SUFFIXES = (".html", ".htm", ".html.j2", ".htm.j2")
_MD_SPECIAL = re.compile(r"([\\`*\[\]|~#$]|(?<![0-9A-Za-z])_|_(?![0-9A-Za-z]))")
_MD_LINE_START = re.compile(r"^([-+=]|\d+(?=[.)]))")


def bundled_templates() -> Path:
    """The folder of the bundled templates."""
    return data_dir("templates")


def _autoescape(name: str | None) -> bool:
    return name is not None and name.lower().endswith(HTML_SUFFIXES)


def md_escape(text: object) -> str:
    """Text made inert in Markdown: HTML-ish characters as entities, markup characters escaped.

    GitHub shows ``&lt;`` as ``<`` and so does rich's Markdown in a terminal, so a title such
    as ``<img src=x onerror=...>`` reads as text and is never taken for HTML. ``~`` (strike
    through), ``#`` (a heading's closing ``#``), ``$`` (GitHub's math) and a leading list or
    heading marker (``- ``, ``1.``) are escaped too: the text reads as typed.
    """
    value = str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    value = _MD_SPECIAL.sub(r"\\\1", " ".join(value.split()))
    return _MD_LINE_START.sub(_escape_marker, value)


def _escape_marker(match: re.Match[str]) -> str:
    """``- x`` → ``\\- x``, ``1. x`` → ``1\\. x``: no list item or heading underline at a line's start."""
    marker = match.group(1)
    return marker + "\\" if marker[0].isdigit() else "\\" + marker


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
    """Render template ``name`` with ``context``; a broken template is an :class:`InputError`.

    The error names the template file and, when known, the line: a syntax error, an undefined
    variable, a forbidden attribute, or anything the template's own code raises (``{{ 1/0 }}``,
    a recursive macro, an unknown label), and a template file that is not UTF-8.
    """
    import jinja2

    env = environment(templates_dir)
    try:
        template = env.get_template(name)
    except jinja2.TemplateNotFound as exc:
        raise InputError.at(name, f"template not found: {exc.message}") from exc
    except jinja2.TemplateSyntaxError as exc:
        raise InputError.at(exc.filename or name, f"template error: {exc.message}", line=exc.lineno or 0) from exc
    except UnicodeDecodeError as exc:
        raise InputError.at(_file_of(env, name), "template error: the file is not UTF-8 text") from exc
    try:
        return template.render(context)
    except jinja2.TemplateSyntaxError as exc:  # in a template it includes
        raise InputError.at(exc.filename or name, f"template error: {exc.message}", line=exc.lineno or 0) from exc
    except jinja2.TemplateNotFound as exc:
        file, line = _template_frame(exc, env, template.filename or name)
        raise InputError.at(file, f"template not found: {exc.message}", line=line) from exc
    except (jinja2.TemplateError, ArithmeticError, LookupError, RecursionError, TypeError, ValueError) as exc:
        file, line = _template_frame(exc, env, template.filename or name)
        message = exc.message if isinstance(exc, jinja2.TemplateError) and exc.message else _describe(exc)
        raise InputError.at(file, f"template error: {message}", line=line) from exc


def _describe(exc: BaseException) -> str:
    if isinstance(exc, RecursionError):
        return "too deep: a macro, include or extends calls itself"
    if isinstance(exc, KeyError):
        return f"unknown key {exc.args[0]!r}" if exc.args else "unknown key"
    return f"{type(exc).__name__}: {exc}"


def _template_frame(exc: BaseException, env: jinja2.Environment, default: str) -> tuple[str, int]:
    """The template file and line the error happened at (the innermost template frame).

    Jinja2 rewrites tracebacks so that template code shows as frames of the template file at
    its own line numbers.
    """
    import jinja2

    folders = env.loader.searchpath if isinstance(env.loader, jinja2.FileSystemLoader) else []
    roots = tuple(os.path.normpath(folder) + os.sep for folder in folders)
    found = (default, 0)
    tb = exc.__traceback__
    while tb is not None:
        filename = os.path.normpath(tb.tb_frame.f_code.co_filename)
        if filename.startswith(roots):
            found = (filename, tb.tb_lineno)
        tb = tb.tb_next
    return found


def _file_of(env: jinja2.Environment, name: str) -> str:
    """The file a template name resolves to in the environment's folders (its name when none)."""
    import jinja2

    loader = env.loader
    if isinstance(loader, jinja2.FileSystemLoader):
        for folder in loader.searchpath:
            if (Path(folder) / name).is_file():
                return str(Path(folder) / name)
    return name
