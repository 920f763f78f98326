"""plan.csv: a row per task for spreadsheets.

UTF-8 with a byte-order mark so that Excel shows French and Cyrillic text right. A text cell a
spreadsheet would read as a formula gets a leading ``'`` (:func:`roadmap.render.cells.neutralise`:
also after spaces or zero-width characters, and in full-width forms). Every field holding ``,``
or ``;`` is quoted, so LibreOffice's default import keeps the columns. Numbers the
plan computes itself stay numbers: a negative one (an early slip) is written after a space,
``" -2"``, which spreadsheets and ``int()`` still read as -2, so no cell starts with ``-``.
A plan with sites (issue 17) has a ``site`` column after ``stage`` (neutralised like any text).
"""

from __future__ import annotations

from roadmap.plan import Plan, Task
from roadmap.render import RenderContext
from roadmap.render.cells import csv_field, neutralise

COLUMNS = (
    "id",
    "stage",
    "title",
    "start",
    "finish",
    "duration_days",
    "milestone",
    "predecessors",
    "roles",
    "critical",
    "slack_days",
    "status",
    "percent",
    "why",
    "description",
    "deliverables",
    "waits_for",
    "demands",
    "effort",
)
BASELINE_COLUMNS = ("baseline_start", "baseline_finish", "slip_days")
PLAIN = frozenset(
    ("start", "finish", "duration_days", "milestone", "critical", "slack_days", "status", "percent", *BASELINE_COLUMNS)
)
"""Columns the plan computes itself (dates, numbers, ``true``/``false``, a status word): no
separator, quote or formula in them; only a negative number's leading space is quoted (issue
14: a call less per cell, see :func:`_plain`)."""
SITE_COLUMN = "site"
"""Only in a plan with sites (issue 17): the site's name, empty for the steps planned once."""


def render(ctx: RenderContext) -> bytes:
    """plan.csv."""
    return render_plan(ctx.plan).encode("utf-8")


def render_plan(plan: Plan) -> str:
    """The CSV text, byte-order mark first."""
    with_baseline = any(task.baseline_finish is not None for task in plan.tasks)
    columns = COLUMNS + (BASELINE_COLUMNS if with_baseline else ())
    if plan.sites:  # issue 17: the site of a per-site step, after its stage
        columns = (*columns[:2], SITE_COLUMN, *columns[2:])
    lines = [",".join(csv_field(name) for name in columns)]
    kinds = [(name, name in PLAIN) for name in columns]
    for task in plan.tasks:
        row = _row(task)
        lines.append(",".join(_plain(row[name]) if plain else csv_field(_cell(row[name])) for name, plain in kinds))
    return "\ufeff" + "".join(line + "\r\n" for line in lines)


def _row(task: Task) -> dict[str, str | int | None]:
    return {
        "id": task.id,
        "stage": task.stage,
        "title": task.title,
        "start": task.start.isoformat(),
        "finish": task.finish.isoformat(),
        "duration_days": task.duration_days,
        "milestone": _bool(task.milestone),
        "predecessors": ";".join(f"{p.id}+{p.lag_days}" for p in task.predecessors),
        "roles": ";".join(task.roles),
        "critical": _bool(task.critical),
        "slack_days": task.slack_days,
        "status": task.status,
        "percent": task.percent,
        "why": "|".join(task.why),
        "description": task.description,
        "deliverables": "|".join(task.deliverables),
        "baseline_start": task.baseline_start.isoformat() if task.baseline_start else None,
        "baseline_finish": task.baseline_finish.isoformat() if task.baseline_finish else None,
        "slip_days": task.slip_days,
        "waits_for": f"{task.waits_for.days}:{';'.join(task.waits_for.roles)}" if task.waits_for else None,
        "demands": ";".join(f"{role}={people:g}" for role, people in task.demands.items()),
        "effort": ";".join(f"{role}={days:g}" for role, days in task.effort.items()),
        "site": task.site,
    }


def _plain(value: str | int | None) -> str:
    """A :data:`PLAIN` column's field: what ``csv_field(_cell(value))`` gives, without its checks."""
    text = _cell(value)
    return csv_field(text) if text[:1] == " " else text


def _bool(value: bool) -> str:
    return "true" if value else "false"


def _cell(value: str | int | None) -> str:
    if value is None:
        return ""
    if isinstance(value, int):
        return f" {value}" if value < 0 else str(value)
    return neutralise(value)
