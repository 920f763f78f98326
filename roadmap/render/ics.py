"""plan.ics: the plan as an iCalendar (RFC 5545) file, written by hand.

One all-day event per step and per milestone (``ics_level`` option ``step``, the default), or one
per stage (``ics_level`` ``stage``). A plan with no step at all (every block left out) has no
event but one journal entry saying so, as RFC 5545 wants at least one component. An event
covers its working days from start to finish: ``DTEND`` is the day after the finish, as RFC 5545
wants for all-day events.

Same plan, same bytes: each ``UID`` is the SHA-1 of the company name and the task (or stage) id,
so a calendar that imports the file again updates its events instead of duplicating them, and
``DTSTAMP`` (required by the RFC) is midnight UTC of the plan's start date rather than the time
of the run. Lines end in CRLF and are folded at 75 octets without splitting a UTF-8 character.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re

from roadmap.errors import InputError
from roadmap.plan import Plan, Task
from roadmap.render import RenderContext

LEVELS = ("step", "stage")
PRODID = "-//roadmap//Intranet portal rollout plan//EN"
MAX_OCTETS = 75
LABELS = {
    "roles": ("Roles", "Rôles"),
    "critical": ("Critical: no slack", "Critique : aucune marge"),
    "empty": ("{name}: no step in the plan", "{name} : aucune tâche dans le plan"),
    "dropped": ("Left out of the plan:", "Retirés du plan :"),
}
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def render(ctx: RenderContext) -> bytes:
    """plan.ics."""
    level = ctx.option("ics_level", "step")
    if level not in LEVELS:
        raise InputError.at("--ics-level", f"unknown level '{level}'; choose from {', '.join(LEVELS)}")
    plan = ctx.plan
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape_text(str(plan.company['name']))}",
    ]
    stamp = f"{_date(plan.start)}T000000Z"
    if level == "stage":
        by_stage: dict[str, list[Task]] = {}
        for task in plan.tasks:
            by_stage.setdefault(task.stage, []).append(task)
        for stage in plan.stages:
            own = by_stage.get(stage.id, [])
            steps = [f"- {task.title}" for task in own if not task.milestone]
            lines += _event(
                uid=_uid(plan, f"stage:{stage.id}"),
                stamp=stamp,
                start=stage.start,
                finish=stage.finish,
                summary=f"{stage.order}. {stage.title}",
                description="\n".join(steps),
                category=stage.title,
            )
    else:
        titles = {stage.id: stage.title for stage in plan.stages}
        roles = {role: spec.title.get(ctx.lang) for role, spec in ctx.library.roles.items()}
        for task in plan.tasks:
            lines += _event(
                uid=_uid(plan, task.id),
                stamp=stamp,
                start=task.start,
                finish=task.finish,
                summary=task.title,
                description=_description(task, roles, ctx.lang),
                category=titles.get(task.stage, task.stage),
            )
    if not plan.tasks:
        lines += _empty_note(plan, stamp, ctx.lang)
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines).encode("utf-8")


def _event(
    *, uid: str, stamp: str, start: dt.date, finish: dt.date, summary: str, description: str, category: str
) -> list[str]:
    lines = [
        "BEGIN:VEVENT",
        f"UID:{uid}",
        f"DTSTAMP:{stamp}",
        f"DTSTART;VALUE=DATE:{_date(start)}",
        f"DTEND;VALUE=DATE:{_date(finish + dt.timedelta(days=1))}",
        f"SUMMARY:{escape_text(summary)}",
    ]
    if description:
        lines.append(f"DESCRIPTION:{escape_text(description)}")
    lines += [f"CATEGORIES:{escape_text(category)}", "TRANSP:TRANSPARENT", "END:VEVENT"]
    return lines


def _empty_note(plan: Plan, stamp: str, lang: str) -> list[str]:
    """RFC 5545 wants at least one component: a plan with no step gets a journal entry, not an event."""
    dropped = [f"- {drop.id}: {drop.reason}" for drop in plan.dropped]
    text = "\n".join([_label("dropped", lang), *dropped]) if dropped else ""
    lines = [
        "BEGIN:VJOURNAL",
        f"UID:{_uid(plan, 'empty-plan')}",
        f"DTSTAMP:{stamp}",
        f"DTSTART;VALUE=DATE:{_date(plan.start)}",
        f"SUMMARY:{escape_text(_label('empty', lang).format(name=plan.company['name']))}",
    ]
    if text:
        lines.append(f"DESCRIPTION:{escape_text(text)}")
    return [*lines, "END:VJOURNAL"]


def _description(task: Task, roles: dict[str, str], lang: str) -> str:
    parts = [task.id]
    if task.description:
        parts.append(task.description)
    if task.roles:
        parts.append(f"{_label('roles', lang)}: " + ", ".join(roles.get(role, role) for role in task.roles))
    parts.extend(task.why)
    if task.critical and not task.milestone:
        parts.append(_label("critical", lang))
    return "\n".join(parts)


def _label(key: str, lang: str) -> str:
    en, fr = LABELS[key]
    return fr if lang == "fr" else en


def _uid(plan: Plan, key: str) -> str:
    """Stable across runs: the same company and id give the same UID."""
    digest = hashlib.sha1(f"{plan.company['name']}\x00{key}".encode(), usedforsecurity=False).hexdigest()
    return f"{digest}@roadmap"


def _date(day: dt.date) -> str:
    return day.strftime("%Y%m%d")


def escape_text(value: str) -> str:
    r"""RFC 5545 TEXT: backslash, semicolon and comma escaped, line breaks as ``\n``, no control characters."""
    value = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL.sub("", value).replace("\n", "\\n")


def fold(line: str) -> str:
    """Fold a content line at 75 octets (continuations start with a space), never inside a character."""
    if len(line.encode("utf-8")) <= MAX_OCTETS:
        return line
    parts: list[str] = []
    current: list[str] = []
    size = 0
    limit = MAX_OCTETS
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            parts.append("".join(current))
            current, size, limit = [], 0, MAX_OCTETS - 1
        current.append(char)
        size += width
    parts.append("".join(current))
    return "\r\n ".join(parts)
