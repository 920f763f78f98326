"""plan.csv: a row per task for spreadsheets.

UTF-8 with a byte-order mark so that Excel shows French and Cyrillic text right. A text cell
that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return would be read as a formula
by a spreadsheet: it gets a leading ``'`` (OWASP's advice against CSV injection). Numbers the
plan computes itself stay numbers: a negative one (an early slip) is written after a space,
``" -2"``, which spreadsheets and ``int()`` still read as -2, so no cell starts with ``-``.
"""

from __future__ import annotations

import csv
import io

from roadmap.plan import Plan, Task
from roadmap.render import RenderContext

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
    "demands",
    "effort",
)
BASELINE_COLUMNS = ("baseline_start", "baseline_finish", "slip_days")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def render(ctx: RenderContext) -> bytes:
    """plan.csv."""
    return render_plan(ctx.plan).encode("utf-8")


def render_plan(plan: Plan) -> str:
    """The CSV text, byte-order mark first."""
    with_baseline = any(task.baseline_finish is not None for task in plan.tasks)
    columns = COLUMNS + (BASELINE_COLUMNS if with_baseline else ())
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    for task in plan.tasks:
        row = _row(task)
        writer.writerow([_cell(row[name]) for name in columns])
    return "\ufeff" + buffer.getvalue()


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
        "demands": ";".join(f"{role}={people:g}" for role, people in task.demands.items()),
        "effort": ";".join(f"{role}={days:g}" for role, days in task.effort.items()),
    }


def _bool(value: bool) -> str:
    return "true" if value else "false"


def _cell(value: str | int | None) -> str:
    if value is None:
        return ""
    if isinstance(value, int):
        return f" {value}" if value < 0 else str(value)
    return neutralise(value)


def neutralise(text: str) -> str:
    """Prefix ``'`` to a cell a spreadsheet would take for a formula."""
    return "'" + text if text.startswith(FORMULA_START) else text
