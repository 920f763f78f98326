"""Effort: person-days of each role, per task, stage and month, from the plan's dates.

A step that needs ``d`` people of a role for ``n`` working days costs ``d × n`` person-days of
that role (a list of roles: one person each). Every figure is counted in hundredths of a
person-day (integers), so the totals reconcile exactly: the sum over roles, over stages and
over months is the same number, to the hundredth. A task's working days are read from the
plan's own calendar (weekend, holidays, extra working days), each landing in its month.

The weekly load (:func:`weekly_load`) is what the Gantt page's load chart draws: per role,
the average number of people busy on the working days of each week, against the team size.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict

from roadmap.demand import HUNDRED, hundredths
from roadmap.i18n import t
from roadmap.models import WEEKDAYS

if TYPE_CHECKING:
    from roadmap.plan import CalendarInfo, Plan, Task
    from roadmap.summary import SummaryInput
    from roadmap.summary_parts import Section


def text(lang: str, key: str, **values: object) -> str:
    """One of this module's words in ``lang``."""
    return t(lang, "effort_" + key, **values)


class Effort(BaseModel):
    """plan.json ``effort``: person-days per role, per stage and role, per month and role."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    total: float
    """All person-days of the plan."""
    by_role: dict[str, float]
    """Role id → person-days."""
    by_stage: dict[str, dict[str, float]]
    """Stage id → role id → person-days (stages in plan order)."""
    by_month: dict[str, dict[str, float]]
    """``YYYY-MM`` → role id → person-days (months in order)."""


def pd(value: int) -> float:
    """Hundredths of a person-day as a number with two decimals at most."""
    return round(value / HUNDRED, 2)


def task_effort(demands: Mapping[str, float], days: int) -> dict[str, float]:
    """Person-days per role of a task needing ``demands`` people for ``days`` working days."""
    return {role: pd(hundredths(need) * days) for role, need in demands.items()} if days > 0 else {}


class WorkingDays:
    """The working days of a plan's span, from its calendar facts."""

    def __init__(self, calendar: CalendarInfo) -> None:
        self.weekend = {WEEKDAYS.index(d) for d in calendar.weekend if d in WEEKDAYS}
        self.holidays = set(calendar.holidays)
        self.extra = set(calendar.extra_working_days)
        self._first = 0
        """Ordinal of the first day of the table below (none yet: :meth:`_cover` builds it)."""
        self._dates: list[dt.date] = []
        """The working days of the table's span, in order."""
        self._before: list[int] = [0]
        """Per day of the span (and one past it): how many of ``_dates`` come before it."""

    def is_working(self, day: dt.date) -> bool:
        """Whether ``day`` is worked."""
        return day in self.extra or (day.weekday() not in self.weekend and day not in self.holidays)

    def between(self, earlier: dt.date, later: dt.date) -> int:
        """Signed working days from ``earlier`` to ``later``, counted in ``(earlier, later]``."""
        if later < earlier:
            return -self.between(later, earlier)
        return self.count(earlier + dt.timedelta(days=1), later)

    def of(self, task: Task) -> list[dt.date]:
        """The ``task.duration_days`` working days of a task, from its start.

        Exactly ``duration_days`` dates: should the calendar disagree with the recorded
        duration (an actual start on a day off), the last date is repeated or the list cut.
        """
        n = task.duration_days
        if n <= 0:
            return []
        if task.finish < task.start:  # no day between them: the start, repeated
            return [task.start] * n
        first, end = self._span(task.start, task.finish)
        days = self._dates[first : min(end, first + n)]
        if not days:
            days.append(task.start)
        days.extend([days[-1]] * (n - len(days)))
        return days

    def count(self, start: dt.date, finish: dt.date) -> int:
        """Working days in ``[start, finish]`` (0 when ``finish`` is before ``start``)."""
        if finish < start:
            return 0
        first, end = self._span(start, finish)
        return end - first

    def _span(self, start: dt.date, finish: dt.date) -> tuple[int, int]:
        """Where the working days of ``[start, finish]`` lie in the table: ``_dates[first:end]``
        (the table grows to take them, with a year to spare on each side)."""
        lo, hi = start.toordinal(), finish.toordinal()
        if lo < self._first or hi + 1 - self._first >= len(self._before):
            self._cover(lo, hi, spare=366)
        return self._before[lo - self._first], self._before[hi + 1 - self._first]

    def cover(self, first: dt.date, last: dt.date) -> None:
        """Make :meth:`of` ready for tasks between ``first`` and ``last`` (it extends itself anyway)."""
        self._cover(first.toordinal(), last.toordinal())

    def _cover(self, lo: int, hi: int, spare: int = 0) -> None:
        """Make the table span the ordinals ``lo``..``hi`` too, ``spare`` days more on each side."""
        if len(self._before) > 1:  # keep what the table spans already
            lo, hi = min(lo, self._first), max(hi, self._first + len(self._before) - 2)
        lo, hi = max(1, lo - spare), min(dt.date.max.toordinal(), hi + spare)
        self._first = lo
        self._dates, self._before = [], []
        for ordinal in range(lo, hi + 1):
            self._before.append(len(self._dates))
            day = dt.date.fromordinal(ordinal)
            if self.is_working(day):
                self._dates.append(day)
        self._before.append(len(self._dates))


class TaskDays:
    """The working days of each task on its own calendar: a site's (issue 17) when it has one of
    its own (another country, blackouts), else the plan's."""

    def __init__(self, plan: Plan) -> None:
        self.shared = WorkingDays(plan.calendar)
        """The plan's own calendar: the steps planned once, and the sites without a calendar of their own."""
        self.shared.cover(plan.start, plan.finish)  # the span at once, not task by task
        self.sites: dict[str, WorkingDays] = {}
        for site in plan.sites:
            if site.calendar is not None:
                self.sites[site.name] = days = WorkingDays(site.calendar)
                days.cover(site.start, site.finish)  # a site's own window: its steps lie in it

    def of(self, task: Task) -> list[dt.date]:
        """:meth:`WorkingDays.of` on the task's calendar."""
        return self.sites.get(task.site or "", self.shared).of(task)


def month_key(day: dt.date) -> str:
    """``YYYY-MM``."""
    return f"{day.year:04d}-{day.month:02d}"


def task_cells(plan: Plan) -> Iterable[tuple[Task, str, str, int]]:
    """(task, role, month, hundredths of a person-day) for every task, role and month it works in."""
    days = TaskDays(plan)
    for task in plan.tasks:
        if task.milestone or not task.demands:
            continue
        months: dict[str, int] = {}
        for day in days.of(task):
            key = month_key(day)
            months[key] = months.get(key, 0) + 1
        for role, need in task.demands.items():
            for month, n in months.items():
                yield task, role, month, hundredths(need) * n


def plan_effort(plan: Plan) -> Effort:
    """The ``effort`` section of plan.json."""
    by_role: dict[str, int] = {}
    by_stage: dict[str, dict[str, int]] = {s.id: {} for s in plan.stages}
    by_month: dict[str, dict[str, int]] = {}
    for task, role, month, value in task_cells(plan):
        by_role[role] = by_role.get(role, 0) + value
        stage = by_stage.setdefault(task.stage, {})
        stage[role] = stage.get(role, 0) + value
        cell = by_month.setdefault(month, {})
        cell[role] = cell.get(role, 0) + value
    return Effort(
        total=pd(sum(by_role.values())),
        by_role={role: pd(v) for role, v in sorted(by_role.items())},
        by_stage={sid: {r: pd(v) for r, v in sorted(roles.items())} for sid, roles in by_stage.items() if roles},
        by_month={m: {r: pd(v) for r, v in sorted(roles.items())} for m, roles in sorted(by_month.items())},
    )


def effort_rows(plan: Plan, role_titles: Mapping[str, str]) -> list[tuple[str, float]]:
    """(role title, person-days) per role, largest first, for the terminal."""
    rows = [(role_titles.get(role, role), value) for role, value in plan.effort.by_role.items()]
    return sorted(rows, key=lambda row: (-row[1], row[0]))


def number(value: float, lang: str) -> str:
    """``1234.5`` → ``1,234.5`` (en) or ``1 234,5`` (fr)."""
    whole = f"{value:,.2f}".rstrip("0").rstrip(".")
    if lang == "fr":
        return whole.replace(",", "\u202f").replace(".", ",")
    return whole


def weekly_load(plan: Plan) -> tuple[list[dt.date], dict[str, list[float]]]:
    """Mondays of the plan's weeks, and per role the average people busy per working day of each
    week (a day the plan's calendar works, or one a site's step works on its own calendar)."""
    own = TaskDays(plan)
    days = own.shared
    busy: dict[str, dict[dt.date, int]] = {}
    for task in plan.tasks:
        if task.milestone or not task.demands:
            continue
        worked = own.of(task)
        for role, need in task.demands.items():
            held, per_day = hundredths(need), busy.setdefault(role, {})
            for day in worked:
                per_day[day] = per_day.get(day, 0) + held
    first = plan.start - dt.timedelta(days=plan.start.weekday())
    weeks: list[dt.date] = []
    week = first
    while week <= plan.finish:
        weeks.append(week)
        week += dt.timedelta(days=7)
    # A week's working days: the plan's, and any day a step works on its site's own calendar (a
    # Sunday worked abroad), so the average stays within the team, as each day does.
    someone = {day for per_day in busy.values() for day in per_day}
    out: dict[str, list[float]] = {}
    for role in sorted(busy):
        series = []
        for monday in weeks:
            week_days = [monday + dt.timedelta(days=k) for k in range(7)]
            worked = [d for d in week_days if days.is_working(d) or d in someone] or week_days[:1]
            total = sum(busy[role].get(d, 0) for d in week_days)
            series.append(round(total / len(worked) / HUNDRED, 2))
        out[role] = series
    return weeks, out


def load_chart_html(plan: Plan, role_titles: Mapping[str, str], lang: str) -> str:
    """The Gantt page's load section: one bar chart per role in plain HTML and CSS (no script).

    Self-contained (its own ``<section>`` and styles); every user string is escaped. A bar per
    week, its height the people busy on an average working day of that week; the dashed line
    is the team size, which no bar can pass (levelling keeps every day within it).
    """
    from html import escape

    weeks, series = weekly_load(plan)
    if not series or not weeks:
        return ""
    parts = [
        '<section class="load" id="load">',
        "<style>.load .role{margin:.6em 0 1em}.load h3{margin:.2em 0;font-size:.95em}"
        ".load .plot{position:relative;display:flex;align-items:flex-end;gap:1px;height:64px;"
        "border-bottom:1px solid #999}.load .bar{flex:1 1 0;background:#4a78b5;min-width:1px}"
        ".load .cap{position:absolute;left:0;right:0;border-top:1px dashed #c0392b}"
        ".load .axis{display:flex;justify-content:space-between;font-size:.75em;color:#555}</style>",
        f"<h2>{escape(text(lang, 'load_title'))}</h2>",
        f"<p>{escape(text(lang, 'load_note'))}</p>",
    ]
    unit = text(lang, "effort").split(" (", 1)[1].rstrip(")")
    for role, values in series.items():
        cap = float(plan.team.get(role, 1))
        top = max([cap, *values]) or 1.0
        title = role_titles.get(role, role)
        total = number(plan.effort.by_role.get(role, 0.0), lang)
        parts.append(f'<div class="role"><h3>{escape(title)} — {escape(total)} {escape(unit)}</h3><div class="plot">')
        for k, value in enumerate(values):
            label = f"{text(lang, 'week_of', day=weeks[k].isoformat())}: {number(value, lang)} {text(lang, 'people')}"
            parts.append(f'<div class="bar" style="height:{value / top * 100:.1f}%" title="{escape(label)}"></div>')
        cap_label = f"{text(lang, 'team')}: {number(cap, lang)}"
        parts.append(f'<div class="cap" style="bottom:{cap / top * 100:.1f}%" title="{escape(cap_label)}"></div>')
        parts.append(
            f'</div><div class="axis"><span>{weeks[0].isoformat()}</span><span>{escape(cap_label)}</span>'
            f"<span>{weeks[-1].isoformat()}</span></div></div>"
        )
    parts.append("</section>")
    return "\n".join(parts)


def summary_lines(plan: Plan) -> list[str]:
    """The terminal's effort (and cost) lines: person-days per role, largest first, then the total."""
    lang = plan.lang
    if not plan.effort.by_role:
        return []
    lines = [f"{text(lang, 'effort')}:"]
    width = max(len(role) for role in plan.effort.by_role)
    for role, value in effort_rows(plan, {}):
        lines.append(f"  {role:<{width}}  {number(value, lang):>10}")
    lines.append(f"  {text(lang, 'total'):<{width}}  {number(plan.effort.total, lang):>10}")
    if plan.cost is not None:
        lines.append(f"{text(lang, 'cost')}: {money_text(Decimal(plan.cost.total), plan.cost.currency, lang)}")
        if plan.cost.unpriced:
            lines.append(f"  {text(lang, 'unpriced')}: {', '.join(plan.cost.unpriced)}")
        deltas = [(s.id, s.cost_delta) for s in plan.stages if s.cost_delta is not None and Decimal(s.cost_delta)]
        if deltas:
            lines.append(f"{text(lang, 'cost_delta')}:")
            for sid, delta in deltas:
                sign = "+" if Decimal(delta) > 0 else ""
                lines.append(f"  {sid}: {sign}{money_text(Decimal(delta), plan.cost.currency, lang)}")
    return lines


def summary_section(src: SummaryInput) -> Section | None:
    """The summary's effort and cost: one line each (the table per role with ``--details``)."""
    from roadmap.summary_parts import Line, Section, Table

    plan = src.plan
    lang = plan.lang
    if not plan.effort.by_role:
        return None
    per_role = effort_rows(plan, {})
    top = ", ".join(f"{role} {number(value, lang)}" for role, value in per_role[:3])
    more = f", +{len(per_role) - 3}" if len(per_role) > 3 else ""
    colon = " : " if lang == "fr" else ": "
    lines = [Line(f"{text(lang, 'effort')}{colon}{number(plan.effort.total, lang)} ({top}{more})", "bold")]
    if plan.cost is not None:
        money = money_text(Decimal(plan.cost.total), plan.cost.currency, lang)
        lines.append(Line(f"{text(lang, 'cost')}{colon}{money}", "bold"))
        if plan.cost.unpriced:
            lines.append(Line(f"{text(lang, 'unpriced')}{colon}{', '.join(plan.cost.unpriced)}", "warn"))
        for stage in plan.stages:
            if stage.cost_delta is not None and Decimal(stage.cost_delta):
                sign = "+" if Decimal(stage.cost_delta) > 0 else ""
                delta = money_text(Decimal(stage.cost_delta), plan.cost.currency, lang)
                lines.append(Line(f"{text(lang, 'cost_delta')}, {stage.id}{colon}{sign}{delta}", "dim"))
    if not src.details:
        return Section("effort", None, tuple(lines))
    rows = [(role, number(value, lang)) for role, value in per_role]
    rows.append((text(lang, "total"), number(plan.effort.total, lang)))
    table = Table((text(lang, "role"), text(lang, "effort")), tuple(rows), no_wrap=(1,), right=(1,))
    return Section("effort", None, tuple(lines), table)


def money_text(value: Decimal, currency: str, lang: str) -> str:
    """``EUR 1,234.50`` (en) or ``1 234,50 EUR`` (fr)."""
    whole = f"{value:,.2f}"
    if lang == "fr":
        return whole.replace(",", "\u202f").replace(".", ",") + f" {currency}"
    return f"{currency} {whole}"


__all__ = [
    "Effort",
    "TaskDays",
    "WorkingDays",
    "effort_rows",
    "load_chart_html",
    "money_text",
    "month_key",
    "number",
    "pd",
    "plan_effort",
    "summary_lines",
    "summary_section",
    "task_cells",
    "task_effort",
    "weekly_load",
]
