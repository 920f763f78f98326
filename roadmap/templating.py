"""Jinja2 templates for the reports: the bundled ``templates/`` or a consultant's own folder.

A consultant's folder (``--templates DIR``) only needs the templates they change: a template
missing there is taken from the bundled folder. Templates ending in ``.html`` (or
``.html.j2``) are autoescaped; undefined variables are errors, never silent blanks.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from roadmap.errors import InputError
from roadmap.resources import data_dir

if TYPE_CHECKING:
    import jinja2

HTML_SUFFIXES = (".html", ".htm", ".html.j2", ".htm.j2")
_MD_SPECIAL = re.compile(r"([\\`*\[\]|~#$]|(?<![0-9A-Za-z])_|_(?![0-9A-Za-z]))")
_MD_LINE_START = re.compile(r"^([-+=]|\d+(?=[.)]))")
_MD_LINK = re.compile(r"(?i:[a-z][a-z0-9+.-]*:(?=//)|\b(?:mailto|xmpp|tel|javascript|data):(?=\S)|\bwww\.)|@")
"""What GitHub turns into a live link in plain text: ``scheme:`` (``https://``, ``mailto:``),
``www.`` and the ``@`` of an e-mail address; escaping their punctuation keeps them text."""


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
    heading marker (``- ``, ``1.``) are escaped too: the text reads as typed. Bare URLs,
    ``www.`` addresses and e-mail addresses are not turned into live links.
    """
    value = str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    value = _MD_SPECIAL.sub(r"\\\1", " ".join(value.split()))
    value = _MD_LINK.sub(lambda m: m.group(0)[:-1] + "\\" + m.group(0)[-1], value)
    return _MD_LINE_START.sub(_escape_marker, value)


def _escape_marker(match: re.Match[str]) -> str:
    """``- x`` → ``\\- x``, ``1. x`` → ``1\\. x``: no list item or heading underline at a line's start."""
    marker = match.group(1)
    return marker + "\\" if marker[0].isdigit() else "\\" + marker


def plain(value: Any) -> Any:
    """``value`` as plain data for a template: dicts, lists, str, numbers, dates, and our functions.

    Pydantic models and dataclasses become dicts, tuples and sets lists, so a template reaches
    data only, never a model's methods (``parse_file``, ``parse_raw``...). Anything else
    becomes its text. Linear in the data (issue 14: a 10,000-step plan is walked in a few
    hundredths of a second): one type test per value, each class's shape looked up once.
    """
    import dataclasses
    import types

    from pydantic import BaseModel

    scalars = (type(None), bool, int, float, str, dt.date, dt.datetime)
    functions = (types.FunctionType, types.BuiltinFunctionType, functools.partial)
    shapes: dict[type, tuple[str, ...] | bool | None] = {}
    """Per class: True for a pydantic model, a dataclass instance's field names, None otherwise."""

    def shape(kind: type, item: Any) -> tuple[str, ...] | bool | None:
        if kind not in shapes:  # a dataclass *class* is not data: it becomes its text
            if issubclass(kind, BaseModel):
                shapes[kind] = True
            elif dataclasses.is_dataclass(item) and not isinstance(item, type):
                shapes[kind] = tuple(f.name for f in dataclasses.fields(item))
            else:
                shapes[kind] = None
        return shapes[kind]

    def walk(item: Any) -> Any:
        kind = type(item)
        if kind in scalars:
            return item
        if kind is list or kind is tuple:
            return [walk(x) for x in item]
        if kind is dict:
            return {k if type(k) is str else str(k): walk(v) for k, v in item.items()}
        if isinstance(item, bool | int | float | str | dt.date):  # subclasses (enums, IntEnum...)
            return item
        own = shape(kind, item)
        if own is True:  # a pydantic model keeps its fields, and only them, in its __dict__
            return {name: walk(v) for name, v in item.__dict__.items()}
        if isinstance(own, tuple):
            return {name: walk(getattr(item, name)) for name in own}
        if isinstance(item, Mapping):
            return {str(k): walk(v) for k, v in item.items()}
        if isinstance(item, list | tuple):
            return [walk(x) for x in item]
        if isinstance(item, set | frozenset):
            return [walk(x) for x in sorted(item, key=repr)]
        if isinstance(item, functions):
            return item
        return str(item)

    return walk(value)


TIME_BUDGET = 10.0
"""Seconds a template may take to render."""
OUTPUT_BUDGET = 50 * 1024 * 1024
"""Characters a template may produce (and the largest string or list it may build)."""


class TemplateBudgetError(Exception):
    """A template ran past its time or output budget."""


class _OutOfTime(BaseException):
    """Raised by the alarm; a BaseException so that no ``except Exception`` in Jinja swallows it."""


_HUGE_WIDTH = re.compile(r"\d{7,}")
"""A width or precision of a million or more in a format string."""


def _refuse_numbers(values: Iterable[Any]) -> None:
    """Refuse a numeric argument that would size a string or list over the output budget."""
    for value in values:
        if isinstance(value, int) and not isinstance(value, bool) and abs(value) > OUTPUT_BUDGET:
            raise TemplateBudgetError(f"the number {value} is too large for a template (at most {OUTPUT_BUDGET:,})")


def _refuse_format(text: object) -> None:
    """Refuse a format string whose width would build a huge string (``'%999999999d'``)."""
    if isinstance(text, str) and _HUGE_WIDTH.search(text):
        raise TemplateBudgetError("a format width of a million or more is refused")


def _check_binop(operator_name: str, left: Any, right: Any) -> None:
    """Refuse ``'x' * 10**12``, ``9 ** (10**9)``, huge ``%`` widths and concatenations before they run."""
    sized = (str, list, tuple)
    if operator_name == "*":
        for seq, times in ((left, right), (right, left)):
            if isinstance(seq, sized) and isinstance(times, int) and len(seq) * max(times, 0) > OUTPUT_BUDGET:
                raise TemplateBudgetError(f"a repetition over {OUTPUT_BUDGET:,} items is refused")
    elif operator_name == "**":
        numbers = isinstance(left, int | float) and isinstance(right, int | float)
        if numbers and abs(right) > 1_000 and abs(left) > 1:
            raise TemplateBudgetError("a power over 1,000 is refused")
    elif operator_name == "%" and isinstance(left, str):
        _refuse_format(left)
        _refuse_numbers(right if isinstance(right, tuple) else (right,))
    elif (
        operator_name == "+"
        and isinstance(left, sized)
        and isinstance(right, sized)
        and len(left) + len(right) > OUTPUT_BUDGET
    ):
        raise TemplateBudgetError(f"a text over {OUTPUT_BUDGET:,} characters is refused")


def _sandbox_class() -> type[jinja2.sandbox.SandboxedEnvironment]:
    """The sandbox with a time budget on every call, attribute, item and operator."""
    import time

    from jinja2.sandbox import SandboxedEnvironment, safe_range

    class Budgeted(SandboxedEnvironment):
        intercepted_binops = frozenset({"*", "**", "%", "+"})
        deadline = float("inf")

        def check_time(self) -> None:
            if time.monotonic() > self.deadline:
                raise TemplateBudgetError(f"the template took longer than {TIME_BUDGET:g} s")

        def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
            self.check_time()
            _check_binop(operator, left, right)
            return super().call_binop(context, operator, left, right)

        def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:
            __self.check_time()
            if __obj is not safe_range:  # range() has its own, smaller limit
                _refuse_numbers([*args, *kwargs.values()])
            return super().call(__context, __obj, *args, **kwargs)

        def getattr(self, obj: Any, attribute: str) -> Any:
            self.check_time()
            if attribute in ("format", "format_map"):
                _refuse_format(obj)
            return super().getattr(obj, attribute)

        def getitem(self, obj: Any, argument: Any) -> Any:
            self.check_time()
            return super().getitem(obj, argument)

    return Budgeted


def _budget_filter(env: Any, name: str, func: Any) -> Any:
    """A filter that checks the clock and refuses huge numeric arguments before running."""

    @functools.wraps(func)
    def guarded(*args: Any, **kwargs: Any) -> Any:
        env.check_time()
        _refuse_numbers([*args[1:], *kwargs.values()])
        if name == "format":
            _refuse_format(args[0] if args else None)
        return func(*args, **kwargs)

    return guarded


MAX_TEMPLATE_BYTES = 5 * 1024 * 1024
"""Largest template file read."""


def _regular_files_loader() -> type[jinja2.FileSystemLoader]:
    """A file loader that reads regular files only (a pipe would hang), of a sane size."""
    import stat

    import jinja2

    class RegularFiles(jinja2.FileSystemLoader):
        def get_source(self, environment: jinja2.Environment, template: str) -> tuple[str, str, Any]:
            from jinja2.loaders import split_template_path

            pieces = split_template_path(template)  # refuses '..' like the loader itself
            for folder in self.searchpath:
                path = os.path.join(folder, *pieces)
                try:
                    info = os.stat(path)
                except (OSError, ValueError):
                    continue
                if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_TEMPLATE_BYTES:
                    raise InputError.at(path, "template error: not a regular file of at most 5 MB")
                break
            return super().get_source(environment, template)

    return RegularFiles


@functools.cache
def _plain_class() -> type[jinja2.Environment]:
    """The bundled templates' environment: ``step.title`` reads a dict's key before its attributes.

    Their data is plain dicts (:func:`plain`) and they call no dict method, so the key is what
    they mean; Jinja2's own order (the attribute first, the key after an ``AttributeError``) was
    a fifth of the checklist's time at 10,000 steps (issue 14). A consultant's templates keep
    Jinja2's order (and its sandbox).
    """
    import jinja2

    class PlainData(jinja2.Environment):
        def getattr(self, obj: Any, attribute: str) -> Any:
            if type(obj) is dict:
                try:
                    return obj[attribute]
                except KeyError:
                    pass
            return super().getattr(obj, attribute)

    return PlainData


def environment(templates_dir: Path | None = None) -> jinja2.Environment:
    """A Jinja2 environment reading ``templates_dir`` first, then the bundled templates.

    With ``templates_dir``, every operator, call, attribute, item and filter checks the time
    budget; repetitions, padding widths and powers that would build something huge are refused
    before they run, in Jinja2's sandbox. The bundled templates alone are trusted: rendered by a
    plain environment (their data is plain all the same).
    The bundled templates' environment is made once a process: each template is compiled once
    (a consultant's folder gets a new one each time, so an edited template is read again).
    """
    if templates_dir is None:
        return _bundled_environment()
    return _new_environment(templates_dir)


@functools.cache
def _bundled_environment() -> jinja2.Environment:
    return _new_environment(None)


def _new_environment(templates_dir: Path | None) -> jinja2.Environment:
    import jinja2

    folders = [str(bundled_templates())]
    # The bundled templates are ours (and get plain data like any template): no sandbox, no
    # budget checks on every call, attribute and filter (half the checklist's time at 10,000
    # steps, issue 14). A consultant's folder gets both.
    env_class: type[jinja2.Environment] = _plain_class()
    if templates_dir is not None:
        if not templates_dir.is_dir():
            raise InputError.at(templates_dir, "templates folder not found")
        folders.insert(0, str(templates_dir))
        env_class = _sandbox_class()
    env = env_class(
        loader=_regular_files_loader()(folders, encoding="utf-8"),
        autoescape=_autoescape,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,
    )
    env.filters["md"] = md_escape
    if templates_dir is not None:
        for name, func in list(env.filters.items()):
            env.filters[name] = _budget_filter(env, name, func)
    return env


def render_template(
    name: str, context: dict[str, Any], templates_dir: Path | None = None, *, prepared: bool = False
) -> str:
    """Render template ``name`` with ``context``; a broken template is an :class:`InputError`.

    The error names the template file and, when known, the line: a syntax error, an undefined
    variable, a forbidden attribute, or anything the template's own code raises (``{{ 1/0 }}``,
    a recursive macro, an unknown label), and a template file that is not UTF-8. Templates get
    plain data only (:func:`plain`); with ``templates_dir`` (a consultant's own templates) the
    render also has a time and output budget (:data:`TIME_BUDGET`, :data:`OUTPUT_BUDGET`).
    ``prepared``: the caller made ``context`` plain itself (:func:`plain`; a caller rendering one
    context twice): it is not checked again, for a consultant's templates either.
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
    data = context if prepared else plain(context)
    try:
        if templates_dir is None:  # the bundled templates: trusted, no time budget for a huge plan
            return template.render(data)
        return _render_within_budget(env, template, data)
    except TemplateBudgetError as exc:
        file, line = _template_frame(exc, env, template.filename or name)
        raise InputError.at(file, f"template error: {exc}", line=line) from None
    except jinja2.TemplateSyntaxError as exc:  # in a template it includes
        raise InputError.at(exc.filename or name, f"template error: {exc.message}", line=exc.lineno or 0) from exc
    except jinja2.TemplateNotFound as exc:
        file, line = _template_frame(exc, env, template.filename or name)
        raise InputError.at(file, f"template not found: {exc.message}", line=line) from exc
    except (jinja2.TemplateError, ArithmeticError, LookupError, RecursionError, TypeError, ValueError) as exc:
        file, line = _template_frame(exc, env, template.filename or name)
        message = exc.message if isinstance(exc, jinja2.TemplateError) and exc.message else _describe(exc)
        raise InputError.at(file, f"template error: {message}", line=line) from exc


def _render_within_budget(env: Any, template: jinja2.Template, context: dict[str, Any]) -> str:
    """Render piece by piece, stopping at the time or output budget.

    On the main thread an alarm also interrupts a loop that neither outputs nor calls anything.
    """
    import signal
    import threading
    import time

    env.deadline = time.monotonic() + TIME_BUDGET
    alarm = threading.current_thread() is threading.main_thread() and hasattr(signal, "setitimer")
    previous: Any = None
    if alarm:

        def ring(signum: int, frame: object) -> None:
            raise _OutOfTime

        previous = signal.signal(signal.SIGALRM, ring)
        signal.setitimer(signal.ITIMER_REAL, TIME_BUDGET + 0.5)  # the cooperative checks come first
    pieces: list[str] = []
    size = 0
    try:
        try:
            for piece in template.generate(context):
                size += len(piece)
                if size > OUTPUT_BUDGET:
                    raise TemplateBudgetError(f"the template's output is over {OUTPUT_BUDGET // (1024 * 1024)} MB")
                pieces.append(piece)
                env.check_time()
        finally:
            if alarm:
                signal.setitimer(signal.ITIMER_REAL, 0)
    except _OutOfTime:  # also when it rang while another error was on its way out
        raise TemplateBudgetError(f"the template took longer than {TIME_BUDGET:g} s") from None
    finally:
        env.deadline = float("inf")
        if alarm:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
    return "".join(pieces)


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
