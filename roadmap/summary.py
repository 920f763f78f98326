"""The terminal summary of ``roadmap plan`` as data: a list of sections the CLI prints.

Each section is built by one function ``(SummaryInput) -> Section | None`` (None: nothing to
say). :data:`SECTIONS` lists them, in order, as ``"module:function"`` strings imported when the
summary is built, so another module adds its own block with one line in that list and no
import here (e.g. ``"roadmap.forecast:summary_section"``). A section is either lines (text plus a
style name) or a table whose date columns never wrap; the CLI maps styles to colours and fits
the whole at 80 columns. The short summary is what :attr:`SummaryInput.details` is false for;
sections meant for ``--details`` only return None without it.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from roadmap.company import CompanyInput
from roadmap.i18n import t
from roadmap.models import Library
from roadmap.plan import Plan
from roadmap.summary_parts import Line, Section, Style, Table, signed

TOP_RISKS = 3
"""Risks listed in the short summary (all of them with ``--details``)."""
TOP_DUE = 5
"""Overdue and due steps listed in the short summary."""

__all__ = ["Line", "Section", "Style", "SummaryInput", "Table", "build_summary"]


@dataclass(frozen=True)
class SummaryInput:
    """What a section may read."""

    plan: Plan
    company: CompanyInput | None = None
    library: Library | None = None
    written: tuple[Path, ...] = ()
    """Files this run wrote."""
    previous: tuple[Path, ...] = ()
    """Report files in the output folder left by an earlier run (not removed)."""
    out_dir: Path | None = None
    baseline: Path | None = None
    details: bool = False
    extra: dict[str, object] = field(default_factory=dict)
    """Room for other modules' data without changing this signature."""

    @property
    def lang(self) -> str:
        return self.plan.lang


SectionBuilder = Callable[[SummaryInput], "Section | None"]


def headline(src: SummaryInput) -> Section:
    plan = src.plan
    company = plan.company
    text = t(
        src.lang,
        "cli_headline",
        name=company.name,
        employees=company.employees,
        start=plan.start,
        finish=plan.finish,
        days=plan.working_days,
    )
    lines = [Line(text, "bold")]
    lines += [Line(warning, "warn", t(src.lang, "cli_warning") + ":") for warning in plan.warnings]
    return Section("headline", None, tuple(lines))


def stages(src: SummaryInput) -> Section | None:
    plan, lang = src.plan, src.lang
    if not plan.stages:
        return Section("stages", None, (Line(t(lang, "report_no_tasks")),))
    with_slip = any(stage.slip_days is not None for stage in plan.stages)
    columns = [t(lang, key) for key in ("report_stage", "report_start", "report_finish", "sum_days")]
    if with_slip:
        columns.append(t(lang, "sum_slip"))
    rows = []
    for stage in plan.stages:
        row = [f"{stage.order}. {stage.title}", str(stage.start), str(stage.finish), str(stage.working_days)]
        if with_slip:
            row.append(signed(stage.slip_days) if stage.slip_days is not None else t(lang, "cli_new"))
        rows.append(tuple(row))
    return Section(
        "stages",
        t(lang, "report_stages"),
        table=Table(tuple(columns), tuple(rows), no_wrap=(1, 2, 3, 4), right=(3, 4)),
    )


def baseline_moves(src: SummaryInput) -> Section | None:
    plan, lang = src.plan, src.lang
    if not any(stage.slip_days is not None for stage in plan.stages):
        return None
    steps = [task for task in plan.tasks if not task.milestone]
    moved = [task for task in steps if task.slip_days]
    new = [task for task in steps if task.baseline_finish is None]
    if not (moved or new):
        return None
    if not src.details:
        return Section("baseline", None, (Line(t(lang, "sum_moved", n=len(moved), new=len(new))),))
    rows = [
        (f"{task.id} {task.title}", str(task.baseline_finish), str(task.finish), signed(task.slip_days or 0))
        for task in moved
    ]
    rows += [(f"{task.id} {task.title}", "", str(task.finish), t(lang, "cli_new")) for task in new]
    columns = (t(lang, "sum_step"), t(lang, "sum_baseline"), t(lang, "report_finish"), t(lang, "sum_slip"))
    return Section("baseline", t(lang, "cli_baseline"), table=Table(columns, tuple(rows), (1, 2, 3), (3,)))


def critical(src: SummaryInput) -> Section | None:
    """The critical path (not every zero-slack step): the chain that sets the finish."""
    if not src.details:
        return None
    lang = src.lang
    by_id = {task.id: task for task in src.plan.tasks}
    tasks = [by_id[i] for i in src.plan.critical_path if i in by_id and not by_id[i].milestone]
    if not tasks:
        return None
    rows = tuple((f"{task.id} {task.title}", str(task.start), str(task.finish)) for task in tasks)
    columns = (t(lang, "sum_step"), t(lang, "report_start"), t(lang, "report_finish"))
    return Section("critical", t(lang, "cli_critical_path"), table=Table(columns, rows, (1, 2)))


def due(src: SummaryInput) -> Section | None:
    """At a status date: steps overdue, and due in its week."""
    lang = src.lang
    found = src.plan.due
    if found is None or not (found.overdue or found.due):
        return None
    colon = _colon(lang)
    lines = [
        Line(f"{i.id} {i.title}{colon}" + t(lang, "due_expected", finish=i.finish), "late", "!") for i in found.overdue
    ]
    lines += [Line(f"{i.id} {i.title}{colon}" + t(lang, "due_finish", finish=i.finish), "", "·") for i in found.due]
    if not src.details and len(lines) > TOP_DUE:
        lines = [*lines[:TOP_DUE], Line(t(lang, "sum_more", n=len(lines) - TOP_DUE), "dim")]
    return Section("due", t(lang, "due_title", date=found.as_of), tuple(lines))


def risks(src: SummaryInput) -> Section | None:
    plan, lang = src.plan, src.lang
    if not plan.risks:
        return None
    shown = plan.risks if src.details else plan.risks[:TOP_RISKS]
    lines = [
        Line(f"{risk.text} ({risk.because})", "warn", "!") if src.details else Line(risk.text, "warn", "!", clip=True)
        for risk in shown
    ]
    if len(shown) < len(plan.risks):
        lines.append(Line(t(lang, "sum_more", n=len(plan.risks) - len(shown)), "dim"))
    title = t(lang, "report_risks") if src.details else t(lang, "sum_top_risks")
    return Section("risks", title, tuple(lines))


def dropped(src: SummaryInput) -> Section | None:
    if not src.details or not src.plan.dropped:
        return None
    lines = tuple(Line(f"{drop.id}{_colon(src.lang)}{drop.reason}", "", "-") for drop in src.plan.dropped)
    return Section("dropped", t(src.lang, "report_dropped"), lines)


def counts(src: SummaryInput) -> Section:
    plan, lang = src.plan, src.lang
    on_path = set(plan.critical_path)
    critical_steps = len([task for task in plan.tasks if task.id in on_path and not task.milestone])
    steps = len([task for task in plan.tasks if not task.milestone])
    text = t(lang, "sum_counts", steps=steps, critical=critical_steps, dropped=len(plan.dropped))
    answers = t(lang, "cli_inputs", given=len(plan.answers), assumed=len(plan.assumed), unanswered=len(plan.unanswered))
    return Section("counts", None, (Line(text), Line(answers, "warn" if plan.assumed or plan.unanswered else "")))


def team(src: SummaryInput) -> Section | None:
    """Deadlines, what binds the finish, and the hires that would move it most."""
    plan, lang = src.plan, src.lang
    lines: list[Line] = []
    for deadline in plan.deadlines:
        key = "cli_deadline_late" if deadline.late_days else "cli_deadline_met"
        values = {"id": deadline.id, "date": deadline.date, "finish": deadline.finish, "late": deadline.late_days}
        lines.append(Line(t(lang, key, **values), "late" if deadline.late_days else "early"))
    if not plan.tasks:
        return Section("team", None, tuple(lines)) if lines else None
    waiting = sum(1 for task in plan.tasks if task.waits_for)
    lines.append(Line(t(lang, "cli_bound_team" if plan.bound_by_team else "cli_bound_order", n=waiting)))
    helpful = [row for row in plan.staffing if row.gain_days > 0][:3]
    if not helpful and plan.staffing:
        lines.append(Line(t(lang, "cli_staffing_none"), "dim"))
    if helpful and not src.details:  # one line: the top three hires
        gains = ", ".join(t(lang, "cli_staffing_short", role=row.role, gain=row.gain_days) for row in helpful)
        lines.append(Line(t(lang, "cli_staffing") + _colon(lang) + gains))
        return Section("team", None, tuple(lines))
    for row in helpful:
        text = t(lang, "cli_staffing_row", role=row.role, capacity=row.capacity, gain=row.gain_days, busy=row.busy_days)
        lines.append(Line(text))
    return Section("team", t(lang, "cli_staffing") if helpful else None, tuple(lines))


def files(src: SummaryInput) -> Section | None:
    lang = src.lang
    lines: list[Line] = []
    if src.baseline is not None:
        lines.append(Line(t(lang, "cli_compared", path=src.baseline), "dim", whole=True))
    lines += [Line(t(lang, "cli_wrote", path=path), whole=True) for path in src.written]
    if src.previous:
        names = ", ".join(path.name for path in src.previous)
        lines.append(Line(t(lang, "sum_previous", names=names), "dim"))
    gantt = next((path for path in src.written if path.suffix == ".html"), None)
    if gantt is not None:
        lines.append(Line(t(lang, "sum_open", path=gantt), "bold", whole=True))
    return Section("files", None, tuple(lines)) if lines else None


SECTIONS: list[str] = [
    "roadmap.summary:headline",
    "roadmap.summary:stages",
    "roadmap.effort:summary_section",
    "roadmap.forecast:summary_section",
    "roadmap.summary:due",
    "roadmap.summary:baseline_moves",
    "roadmap.summary:critical",
    "roadmap.summary:risks",
    "roadmap.summary:counts",
    "roadmap.summary:team",
    "roadmap.summary:dropped",
    "roadmap.summary:files",
]
"""The summary's sections in order, as ``module:function`` (see the module's docstring)."""


def build_summary(src: SummaryInput, sections: Sequence[str] | None = None) -> list[Section]:
    """The sections that have something to say, in order."""
    out: list[Section] = []
    for ref in SECTIONS if sections is None else sections:
        module_name, _, name = ref.partition(":")
        builder: SectionBuilder = getattr(importlib.import_module(module_name), name)
        section = builder(src)
        if section is not None:
            out.append(section)
    return out


def _colon(lang: str) -> str:
    """``: `` (French typography: `` : ``)."""
    return " : " if lang == "fr" else ": "


__all__ = ["SECTIONS", "Line", "Section", "SummaryInput", "Table", "build_summary"]
