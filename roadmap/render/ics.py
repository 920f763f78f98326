"""plan.ics: the plan as an iCalendar (RFC 5545) file, written by hand.

One all-day event per step and per milestone (``ics_level`` option ``step``, the default), or one
per stage (``ics_level`` ``stage``). A plan with no step at all (every block left out) has no
event but one journal entry saying so, as RFC 5545 wants at least one component. An event
covers its working days from start to finish: ``DTEND`` is the day after the finish, as RFC 5545
wants for all-day events.

Same input, same bytes: each ``UID`` is the SHA-1 of the company name and the task (or stage)
id, so a calendar that imports the file again updates its events instead of duplicating them.
A calendar replaces an event it already has only when the new copy's ``SEQUENCE`` is higher, or
equal with a later ``DTSTAMP`` (RFC 5546 §2.1.5), so both are derived, never taken from the clock:

- ``DTSTAMP`` is a date the plan carries: midnight UTC of the status date (``--as-of``), else of
  the plan's start.
- ``SEQUENCE`` counts revisions. When the previous ``plan.ics`` of the same output folder is
  there (``write_reports`` passes it as the ``ics_previous`` option), an event whose content
  (dates, title, description, category) changed gets that file's ``SEQUENCE`` plus one and a
  ``DTSTAMP`` no earlier than one second after the previous one; an unchanged event keeps both,
  so re-running an unchanged plan still gives the same bytes. Without a previous file, an event
  of a plan measured against a baseline gets the calendar days its start and finish moved from
  the baseline (0 where it did not move), so an event that slipped from the baseline replaces
  the baseline's copy whichever way it moved. The sequence never goes below either value, so it
  only rises from one run to the next.

Lines end in CRLF and are folded at 75 octets without splitting a UTF-8 character.

Rollout waves (issue 17): with the ``ics_split`` option ``site`` (``roadmap plan --ics-per-site``)
and a plan with sites, :func:`extra_files` also writes one calendar per site, ``plan-SITE.ics``
(SITE: the site's name made a safe file name, :func:`roadmap.render.sites.site_file_names`),
holding that site's own steps. A step's event there is the one plan.ics has (same UID, same
content, same ``SEQUENCE``), so importing both calendars never doubles an event; at ``stage``
level, a site's stage event spans that site's steps of the stage (its UID names the site).
``write_reports`` passes the output folder as the ``ics_folder`` option: a site's previous file
there gives its events' revisions, as plan.ics does for the plan's.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import re
from collections import ChainMap
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from roadmap.errors import InputError
from roadmap.i18n import t
from roadmap.plan import Plan, Task
from roadmap.render import RenderContext

LEVELS = ("step", "stage")
SPLITS = ("none", "site")
"""Values of the ``ics_split`` option: ``site`` also writes one calendar per site (issue 17)."""
SITE_FILE_PREFIX = "plan-"
PRODID = "-//roadmap//Intranet portal rollout plan//EN"
MAX_OCTETS = 75
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def render(ctx: RenderContext) -> bytes:
    """plan.ics."""
    return _calendar(ctx, _level(ctx))


def extra_files(ctx: RenderContext) -> list[tuple[str, bytes]]:
    """With the ``ics_split`` option ``site`` (``roadmap plan --ics-per-site``) and a plan with
    sites (issue 17): one calendar per site, ``plan-SITE.ics`` (see :func:`site_file_names`)."""
    split = ctx.option("ics_split", "none")
    if split not in SPLITS:
        raise InputError.of_param("ics_split", f"unknown split '{split}'; choose from {', '.join(SPLITS)}")
    if split != "site" or not ctx.plan.sites:
        return []
    from roadmap.render.sites import site_file_names, site_tasks

    level = _level(ctx)
    names = site_file_names(ctx.plan.sites, SITE_FILE_PREFIX, ".ics")
    tasks = site_tasks(ctx.plan)
    folder = ctx.option("ics_folder", "")
    shared = _read_previous(ctx.option("ics_previous", ""))  # plan.ics, read once for every site
    files = []
    for site in ctx.plan.sites:
        name = names[site.name]
        # a site's own previous calendar first; else its events as plan.ics had them (not copied)
        previous = ChainMap(_read_previous(str(Path(folder) / name)) if folder else {}, shared)
        files.append((name, _calendar(ctx, level, site.name, tasks.get(site.name, []), previous)))
    return files


def _level(ctx: RenderContext) -> str:
    level = ctx.option("ics_level", "step")
    if level not in LEVELS:
        raise InputError.of_param("ics_level", f"unknown level '{level}'; choose from {', '.join(LEVELS)}")
    return level


def _calendar(
    ctx: RenderContext,
    level: str,
    site: str | None = None,
    tasks: list[Task] | None = None,
    previous: Mapping[str, _Seen] | None = None,
) -> bytes:
    """The calendar of the whole plan, or of one ``site``'s ``tasks``; ``previous``: the events
    written before (default: the previous plan.ics, the ``ics_previous`` option)."""
    plan = ctx.plan
    name = plan.company.name if site is None else f"{plan.company.name} — {site}"
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape_text(name)}",
    ]
    stamp = _stamp(plan.as_of or plan.start)
    if previous is None:
        previous = _read_previous(ctx.option("ics_previous", ""))
    baseline_spans = _baseline_spans(plan, level, site)
    own_tasks = plan.tasks if tasks is None else tasks
    if level == "stage":
        by_stage: dict[str, list[Task]] = {}
        for task in own_tasks:
            by_stage.setdefault(task.stage, []).append(task)
        for stage in plan.stages:
            own = by_stage.get(stage.id, [])
            if site is not None and not own:
                continue
            steps = [f"- {task.title}" for task in own if not task.milestone]
            lines += _event(
                uid=_uid(plan, _stage_key(stage.id, site)),
                stamp=stamp,
                start=stage.start if site is None else min(task.start for task in own),
                finish=stage.finish if site is None else max(task.finish for task in own),
                summary=f"{stage.order}. {stage.title}",
                description="\n".join(steps),
                category=stage.title,
            )
    else:
        titles = {stage.id: stage.title for stage in plan.stages}
        roles = dict(plan.role_titles)
        for task in own_tasks:
            lines += _event(
                uid=_uid(plan, task.id),
                stamp=stamp,
                start=task.start,
                finish=task.finish,
                summary=_summary(task),
                description=_description(task, roles, ctx.lang),
                category=titles.get(task.stage, task.stage),
            )
    if not own_tasks:
        lines += _empty_note(plan, stamp, ctx.lang, site)
    lines = _revise(lines, previous, baseline_spans)
    lines.append("END:VCALENDAR")
    # most lines are short ASCII: as long as their octets, nothing to fold (issue 14: no call each)
    return "".join(
        (line if len(line) <= MAX_OCTETS and line.isascii() else fold(line)) + "\r\n" for line in lines
    ).encode("utf-8")


def _stage_key(stage: str, site: str | None) -> str:
    """What a stage's event UID is made of: the stage, and the site in a site's calendar."""
    return f"stage:{stage}" if site is None else f"stage:{stage}@{site}"


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


@dataclass(frozen=True)
class _Seen:
    """An event as a previous plan.ics wrote it."""

    sequence: int
    stamp: str
    fingerprint: str


_CONTENT = ("DTSTART", "DTEND", "SUMMARY", "DESCRIPTION", "CATEGORIES")
"""The properties whose change is a new revision of an event."""


def _stamp(day: dt.date) -> str:
    return f"{_date(day)}T000000Z"


_NAME_END = re.compile(r"[;:]")


def _name_of(line: str) -> str:
    return _NAME_END.split(line, maxsplit=1)[0].upper()


def _fingerprint(lines: list[str]) -> str:
    content = "\n".join(line for line in lines if _name_of(line) in _CONTENT)
    return hashlib.sha1(content.encode(), usedforsecurity=False).hexdigest()


def _components(lines: list[str]) -> list[tuple[int, int]]:
    """(first, last) line index of every VEVENT and VJOURNAL."""
    spans: list[tuple[int, int]] = []
    first = -1
    for k, line in enumerate(lines):
        if line in ("BEGIN:VEVENT", "BEGIN:VJOURNAL"):
            first = k
        elif line in ("END:VEVENT", "END:VJOURNAL") and first >= 0:
            spans.append((first, k))
            first = -1
    return spans


def _read_previous(path: str) -> dict[str, _Seen]:
    """UID → what the previous plan.ics said of it (empty when there is none or it cannot be read).

    Read once per version of the file: plan.ics and the per-site calendars of one run both ask
    for it (the caller must not change the mapping)."""
    if not path:
        return {}
    try:
        info = Path(path).stat()
        return _read_version(path, info.st_mtime_ns, info.st_size, info.st_ino)
    except (OSError, UnicodeDecodeError):
        return {}


@functools.lru_cache(maxsize=1)
def _read_version(path: str, mtime_ns: int, size: int, inode: int) -> dict[str, _Seen]:
    """:func:`_read_previous` of one version of the file (its time, size and inode name it)."""
    text = Path(path).read_text(encoding="utf-8")
    lines = re.sub(r"\r?\n[ \t]", "", text).splitlines()  # unfold
    seen: dict[str, _Seen] = {}
    for first, last in _components(lines):
        props = {_name_of(line): line.split(":", 1)[-1] for line in lines[first + 1 : last]}
        uid = props.get("UID")
        if not uid:
            continue
        try:
            sequence = int(props.get("SEQUENCE", "0"))
        except ValueError:
            sequence = 0
        stamp = props.get("DTSTAMP", "")
        seen[uid] = _Seen(sequence, stamp, _fingerprint(lines[first + 1 : last]))
    return seen


def _baseline_spans(plan: Plan, level: str, site: str | None = None) -> dict[str, int]:
    """UID → calendar days an event's start and finish moved from the baseline."""
    moved: dict[str, int] = {}
    tasks = [task for task in plan.tasks if site is None or task.site == site]
    if level == "stage":
        for stage in plan.stages:
            own = [task for task in tasks if task.stage == stage.id and task.baseline_start]
            starts = [task.baseline_start for task in own if task.baseline_start]
            finishes = [task.baseline_finish for task in own if task.baseline_finish]
            if starts and finishes:
                first = stage.start if site is None else min(task.start for task in own)
                last = stage.finish if site is None else max(task.finish for task in own)
                shift = abs((first - min(starts)).days) + abs((last - max(finishes)).days)
                moved[_uid(plan, _stage_key(stage.id, site))] = shift
        return moved
    for task in tasks:
        if task.baseline_start and task.baseline_finish:
            shift = abs((task.start - task.baseline_start).days) + abs((task.finish - task.baseline_finish).days)
            moved[_uid(plan, task.id)] = shift
    return moved


def _revise(lines: list[str], previous: Mapping[str, _Seen], moved: dict[str, int]) -> list[str]:
    """Give every component its SEQUENCE and DTSTAMP (see the module's docstring)."""
    out: list[str] = []
    copied = 0  # lines[:copied] are in out
    for first, last in _components(lines):
        body = lines[first + 1 : last]
        uid = next(line[4:] for line in body if line.startswith("UID:"))
        stamp = next(line[8:] for line in body if line.startswith("DTSTAMP:"))
        sequence = moved.get(uid, 0)
        seen = previous.get(uid)
        if seen is not None:
            if seen.fingerprint == _fingerprint(body):
                sequence, stamp = max(sequence, seen.sequence), seen.stamp
            else:
                sequence = max(sequence, seen.sequence + 1)
                stamp = max(stamp, _after(seen.stamp))
        at = first + 1 + next(k for k, line in enumerate(body) if line.startswith("DTSTAMP:"))
        out.extend(lines[copied:at])
        out += (f"DTSTAMP:{stamp}", f"SEQUENCE:{sequence}")
        copied = at + 1
    out.extend(lines[copied:])
    return out


def _after(stamp: str) -> str:
    """One second after a UTC ``DTSTAMP`` (itself when it cannot be read)."""
    try:
        when = dt.datetime.strptime(stamp, "%Y%m%dT%H%M%SZ")
    except ValueError:
        return stamp
    return (when + dt.timedelta(seconds=1)).strftime("%Y%m%dT%H%M%SZ")


def _empty_note(plan: Plan, stamp: str, lang: str, site: str | None = None) -> list[str]:
    """RFC 5545 wants at least one component: a plan (or a site) with no step gets a journal entry, not an event."""
    dropped = [f"- {drop.id}: {drop.reason}" for drop in plan.dropped] if site is None else []
    text = "\n".join([t(lang, "ics_dropped"), *dropped]) if dropped else ""
    name = plan.company.name if site is None else site
    lines = [
        "BEGIN:VJOURNAL",
        f"UID:{_uid(plan, 'empty-plan' if site is None else f'empty-site@{site}')}",
        f"DTSTAMP:{stamp}",
        f"DTSTART;VALUE=DATE:{_date(plan.start)}",
        f"SUMMARY:{escape_text(t(lang, 'ics_empty', name=name))}",
    ]
    if text:
        lines.append(f"DESCRIPTION:{escape_text(text)}")
    return [*lines, "END:VJOURNAL"]


def _summary(task: Task) -> str:
    """An event's title: the task's, with its site's name when the title does not say it (issue 17)."""
    from roadmap.render.sites import site_title

    return site_title(task)


def _description(task: Task, roles: dict[str, str], lang: str) -> str:
    parts = [task.id]
    if task.description:
        parts.append(task.description)
    if task.roles:
        parts.append(f"{t(lang, 'ics_roles')}: " + ", ".join(roles.get(role, role) for role in task.roles))
    parts.extend(task.why)
    if task.critical and not task.milestone:
        parts.append(t(lang, "ics_critical"))
    return "\n".join(parts)


def _uid(plan: Plan, key: str) -> str:
    """Stable across runs: the same company and id give the same UID."""
    digest = hashlib.sha1(f"{plan.company.name}\x00{key}".encode(), usedforsecurity=False).hexdigest()
    return f"{digest}@roadmap"


def _date(day: dt.date) -> str:
    """``20270104``: the ISO date without its dashes (strftime takes longer for the same text)."""
    return day.isoformat().replace("-", "")


def escape_text(value: str) -> str:
    r"""RFC 5545 TEXT: backslash, semicolon and comma escaped, line breaks as ``\n``, no control characters."""
    value = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL.sub("", value).replace("\n", "\\n")


def fold(line: str) -> str:
    """Fold a content line at 75 octets (continuations start with a space), never inside a character.

    :func:`_calendar` calls it only for lines that may be longer (it keeps short ASCII lines as they are)."""
    data = line.encode("utf-8")
    if len(data) <= MAX_OCTETS:
        return line
    parts: list[bytes] = []
    start, limit = 0, MAX_OCTETS
    while len(data) - start > limit:
        cut = start + limit
        while data[cut] & 0xC0 == 0x80:  # a UTF-8 continuation byte: the cut goes before its character
            cut -= 1
        parts.append(data[start:cut])
        start, limit = cut, MAX_OCTETS - 1
    parts.append(data[start:])
    return b"\r\n ".join(parts).decode("utf-8")
