"""plan.mmd: a Mermaid gantt chart, as GitHub renders it in Markdown.

A section per stage, ``crit`` on critical steps, ``done``/``active`` from progress, milestones,
and ``excludes`` for the weekend and the holidays (``includes`` for working weekend days).

A milestone is drawn at its start plus half its duration, so it is written as one day long
on its day: the diamond sits in the middle of the finish day of the stage's last step, under
the end of that bar, not half a day early. Mermaid draws section titles in a left margin of a
fixed width (``leftPadding``, 75 px by default) and lets longer ones run over the bars: the
file opens with a directive widening the margin to the longest title, which is cut at
:data:`SECTION_MAX` characters.

Every task has an explicit start and end date. Mermaid's end date is exclusive, so the end is
the day after the finish; with an explicit end, Mermaid does not stretch the bar over excluded
days, so the bar covers exactly the plan's dates. Titles lose the characters that end a task's
text in Mermaid's grammar (``:``, ``#``, ``;``, line breaks); ids keep letters, digits and ``_``.
"""

from __future__ import annotations

import datetime as dt
import re

from roadmap.plan import Plan, Task
from roadmap.render import RenderContext
from roadmap.render.sites import site_title

DAY_NAMES = {
    "mon": "monday",
    "tue": "tuesday",
    "wed": "wednesday",
    "thu": "thursday",
    "fri": "friday",
    "sat": "saturday",
    "sun": "sunday",
}
_UNSAFE_ID = re.compile(r"[^A-Za-z0-9_]")
_SPACES = re.compile(r"\s+")
_KEYWORD = re.compile(
    r"(?:title|section|click|excludes|includes|dateformat|axisformat|tickinterval|todaymarker|weekday|weekend"
    r"|inclusiveenddates|topaxis|acctitle|accdescr|gantt)(?:\s|$)",
    re.IGNORECASE,
)


def render(ctx: RenderContext) -> bytes:
    """plan.mmd."""
    return render_plan(ctx.plan, ctx.plan.branding.title if ctx.plan.branding else None).encode("utf-8")


SECTION_MAX = 40
"""Longest section title, in characters (longer ones end with ``…``)."""
PX_PER_CHAR, PX_MARGIN = 7, 24
"""Width of a character of a section title (11 px font) and the margin around it."""


def render_plan(plan: Plan, title: str | None = None) -> str:
    """The gantt text."""
    sections = [section_title(f"{stage.order}. {stage.title}") for stage in plan.stages]
    padding = max([75, *(len(text) * PX_PER_CHAR + PX_MARGIN for text in sections)])
    lines = [
        f'%%{{init: {{"gantt": {{"leftPadding": {padding}}}}}}}%%',
        "gantt",
        f"    title {clean_text(title or plan.company.name)}",
        "    dateFormat YYYY-MM-DD",
        "    axisFormat %Y-%m-%d",
    ]
    lines.append("    excludes " + ", ".join(_excludes(plan)))
    if plan.calendar.extra_working_days:
        lines.append("    includes " + ", ".join(d.isoformat() for d in plan.calendar.extra_working_days))
    by_stage: dict[str, list[str]] = {}  # issue 14: one pass over the tasks, not one per stage
    for task in plan.tasks:
        by_stage.setdefault(task.stage, []).append(f"    {_task_line(task)}")
    for stage, section in zip(plan.stages, sections, strict=True):
        lines.append(f"    section {section}")
        lines.extend(by_stage.get(stage.id, ()))
    return "\n".join(lines) + "\n"


def _excludes(plan: Plan) -> list[str]:
    weekend = plan.calendar.weekend
    days = ["weekends"] if set(weekend) == {"sat", "sun"} else [DAY_NAMES[day] for day in weekend]
    return days + [d.isoformat() for d in plan.calendar.holidays]


def task_title(text: str) -> str:
    """A task's text: :func:`clean_text`, and ``- `` before one that starts with a Mermaid keyword."""
    text = clean_text(text)
    return "- " + text if _KEYWORD.match(text) else text


def _task_line(task: Task) -> str:
    title = task_title(site_title(task))
    ident = mermaid_id(task.id)
    if task.milestone:
        tags = ["milestone", *(["done"] if task.status == "done" or task.percent == 100 else [])]
        return f"{title} :{', '.join(tags)}, {ident}, {task.finish.isoformat()}, 1d"
    tags = []
    if task.critical:
        tags.append("crit")
    if task.status == "done":
        tags.append("done")
    elif task.status == "in_progress":
        tags.append("active")
    end = task.finish + dt.timedelta(days=1)
    return f"{title} :{''.join(tag + ', ' for tag in tags)}{ident}, {task.start.isoformat()}, {end.isoformat()}"


def section_title(text: str) -> str:
    """A section's title: :func:`clean_text`, cut at :data:`SECTION_MAX` characters."""
    text = clean_text(text)
    return text if len(text) <= SECTION_MAX else text[: SECTION_MAX - 1].rstrip() + "…"


def mermaid_id(block_id: str) -> str:
    """A task id Mermaid accepts: ``setup.ad-sync`` → ``setup_ad_sync``."""
    return _UNSAFE_ID.sub("_", block_id)


def clean_text(text: str) -> str:
    """Text safe inside a gantt line: no ``:``, ``#``, ``;``, ``<``, ``>`` or line break, spaces collapsed."""
    text = text.replace(":", " -").replace("#", "No.").replace(";", ",").replace("%%", "%")
    text = text.replace("<", "‹").replace(">", "›")  # never raw: Mermaid renders labels as HTML
    return _SPACES.sub(" ", text).strip() or "-"
