"""Renderers: one module per output format, each a pure function of the plan.

The Plan is a renderer's only input (issue 11): what the reports print beside the dates (role
titles, stage goals, branding, question texts) comes with it, so nothing here reads the company
file, the library, the resolver or the calendar (``roadmap/render/ruff.toml`` bans them).
Heavy modules (plotly, jinja2) are imported by the renderer that needs them, when it runs.
"""

from __future__ import annotations

import contextlib
import importlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from roadmap.errors import InputError
from roadmap.output import refuse_folder, write_set

if TYPE_CHECKING:
    from roadmap.plan import Plan


@dataclass(frozen=True)
class RenderContext:
    """Everything a renderer may read: the plan, and the run's own keywords."""

    plan: Plan
    templates_dir: Path | None = None
    """A consultant's own templates (default: the bundled ones)."""
    options: tuple[tuple[str, str], ...] = ()
    """Format-specific options, e.g. ``("ics_level", "stage")``."""

    @property
    def lang(self) -> str:
        """The reports' language: the plan's."""
        return self.plan.lang

    def option(self, name: str, default: str) -> str:
        """A format-specific option."""
        return dict(self.options).get(name, default)

    def template_plan(self, fields: tuple[str, ...]) -> Plan | dict[str, Any]:
        """The ``plan`` a template gets: with the bundled templates only the plan's ``fields``
        they read (issue 14: a 10,000-step plan's tasks are not made plain for a page that shows
        them from other data), with a consultant's own templates (``--templates``) all of it."""
        if self.templates_dir is not None:
            return self.plan
        return {name: getattr(self.plan, name) for name in fields}


FORMATS: dict[str, tuple[str, str]] = {
    "json": ("plan.json", "roadmap.render.json_out"),
    "gantt": ("gantt.html", "roadmap.render.gantt_page"),
    "checklist": ("checklist.md", "roadmap.render.checklist"),
    "mspdi": ("plan.xml", "roadmap.render.mspdi"),
    "ics": ("plan.ics", "roadmap.render.ics"),
    "csv": ("plan.csv", "roadmap.render.csv_out"),
    "mermaid": ("plan.mmd", "roadmap.render.mermaid"),
    "xlsx": ("plan.xlsx", "roadmap.render.xlsx"),
}
"""Format name → (file name, renderer module exposing ``render(ctx) -> bytes``).

A renderer may also expose ``extra_files(ctx) -> list[tuple[str, bytes]]``: more files of the
same format, written beside its own (one calendar per site, issue 17); see :func:`render_files`."""

DEFAULT_FORMATS = ("gantt", "checklist", "json")


def parse_formats(text: str) -> list[str]:
    """``gantt,json`` → ``["gantt", "json"]``; unknown names are an error."""
    names = [part.strip().lower() for part in text.split(",") if part.strip()]
    if not names:
        raise InputError.of_param("formats", f"no format given; choose from {', '.join(FORMATS)}")
    for name in names:
        if name not in FORMATS:
            raise InputError.of_param("formats", f"unknown format '{name}'; choose from {', '.join(FORMATS)}")
    return list(dict.fromkeys(names))


def render(fmt: str, ctx: RenderContext) -> bytes:
    """The bytes of one format."""
    module = importlib.import_module(FORMATS[fmt][1])
    renderer: Callable[[RenderContext], bytes] = module.render
    return renderer(ctx)


def render_files(fmt: str, ctx: RenderContext) -> list[tuple[str, bytes]]:
    """``(file name, bytes)`` of one format: its own file, then any its renderer's ``extra_files`` adds."""
    files = [(FORMATS[fmt][0], render(fmt, ctx))]
    extra: Callable[[RenderContext], list[tuple[str, bytes]]] | None = getattr(
        importlib.import_module(FORMATS[fmt][1]), "extra_files", None
    )
    if extra is not None:
        files.extend(extra(ctx))
    return files


def write_reports(ctx: RenderContext, formats: Sequence[str], out_dir: Path) -> list[Path]:
    """Render every format and write them into ``out_dir`` as one set: each staged as soon as it
    is made (never all in memory at once), then all swapped in together; returns the files in
    the order of ``formats``. A big plan shares the formats with a helper process
    (:mod:`roadmap.render.helper`): the same files, sooner."""
    from roadmap.yamlio import gc_paused

    for fmt in formats:  # a folder in a report's place: said before anything is rendered
        refuse_folder(out_dir / FORMATS[fmt][0])
    previous = out_dir / FORMATS["ics"][0]
    if "ics" in formats and previous.is_file():  # its SEQUENCE numbers go on from the last run's
        ctx = replace(ctx, options=(*ctx.options, ("ics_previous", str(previous))))
    if "ics" in formats:  # a site's calendar finds its previous copy there (issue 17)
        ctx = replace(ctx, options=(*ctx.options, ("ics_folder", str(out_dir))))

    def make(fmt: str) -> list[tuple[str, bytes]]:
        # issue 14: the text formats build many objects without cycles; see gc_paused
        with gc_paused() if fmt != "gantt" else contextlib.nullcontext():
            return render_files(fmt, ctx)

    from roadmap.render.helper import Helper, helper_formats

    theirs = helper_formats(formats, len(ctx.plan.tasks), ctx.templates_dir is not None)
    place: dict[str, tuple[int, int]] = {}
    """File name → (its format's place, its place in the making): the order of ``written``."""

    def made_here(fmts: Sequence[str]) -> Iterator[tuple[str, bytes]]:
        for fmt in fmts:
            files = make(fmt)
            place.update((name, (formats.index(fmt), len(place))) for name, _ in files)
            yield from files
            del files

    def rendered() -> Iterator[tuple[str, bytes]]:
        helper = None
        if theirs:  # a big plan: a helper makes some formats meanwhile (issue 14); out_dir exists now
            with contextlib.suppress(OSError):  # no room for its folder, no process to spare: all here
                helper = Helper(make, theirs, out_dir)
        try:
            if helper is None:
                yield from made_here(formats)
                return
            yield from made_here([fmt for fmt in formats if fmt not in theirs])
            made = helper.files()
            if made is None:  # the helper did not finish: make them here (an error shows as it always did)
                yield from made_here(theirs)
                return
            for fmt, name, path in made:
                place[name] = (formats.index(fmt), len(place))
                yield name, path.read_bytes()
                path.unlink()
        finally:  # done, failed or let go of: the helper is stopped and its folder removed
            if helper is not None:
                helper.close()

    written = write_set(out_dir, rendered())
    return sorted(written, key=lambda path: place[path.name])
