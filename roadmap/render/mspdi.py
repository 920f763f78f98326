"""plan.xml: Microsoft Project XML (MSPDI) for MS Project, ProjectLibre and GanttProject.

Stages become summary tasks (outline level 1) over their steps and milestone (level 2); links
are finish-to-start with their lag; the project calendar carries the weekend and, as
exceptions, every holiday and working weekend day of the plan's span; roles are resources.
A plan with sites (issue 17) groups a stage's per-site steps under a summary per wave (level 2)
and, in it, a summary per site (level 3) over that site's steps of the stage (level 4), placed
where the stage's first per-site step was; every summary spans its tasks. A site whose calendar
is not the plan's (another country, blackout days) has a base calendar of its own, set on its
steps, which ignore their resources' calendars: its steps' durations count its working days.

A working day runs 09:00–13:00 and 14:00–18:00 (8 hours). Every task keeps plan.json's dates:
it starts at 09:00 on its start day, finishes at 18:00 on its finish day (a milestone sits at
18:00 of its day), is auto-scheduled with a "start no earlier than" constraint on its start, and
its duration counts the working days between the two, so an importer that reschedules lands on
the same dates. The order the team limits imposed (the same person of a role doing one step
after another, :attr:`Plan.resource_links`) is written as finish-to-start links too, so a
scheduler that recomputes the plan also finds plan.json's slack and critical steps. WBS codes
are stable (a stage's position in the library, a step's in its stage): a dropped stage keeps
the others' numbers. Actual and remaining durations are exact shares of the duration, so the
percent complete a reader recomputes from them is the one written. Elements follow the order
of the MSPDI schema, with every element it requires (``CurrencyCode``: the country's
currency); names are one line within the schema's lengths, and resource names carry no
``,``, ``;`` or brackets, which MS Project refuses in them.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from roadmap.effort import WorkingDays
from roadmap.plan import CalendarInfo, Plan, Task
from roadmap.render import RenderContext

NAMESPACE = "http://schemas.microsoft.com/project"
DAY_START, DAY_FINISH = "09:00:00", "18:00:00"
WORKING_TIMES = (("09:00:00", "13:00:00"), ("14:00:00", "18:00:00"))
HOURS_PER_DAY = 8
LAG_UNITS_PER_DAY = HOURS_PER_DAY * 600
"""MSPDI lags and slack are in tenths of a minute."""
DAYS_FORMAT = "7"
"""MSPDI duration format code for days."""
SNET = "4"
"""Constraint type "start no earlier than"."""
PROJECT_CALENDAR_UID = 1
_MSPDI_DAY = {"sun": 1, "mon": 2, "tue": 3, "wed": 4, "thu": 5, "fri": 6, "sat": 7}
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_SPACES = re.compile(r"\s+")
_LIST_SEPARATOR = re.compile(r"\s*[,;]\s*")
PROJECT_NAME_MAX, NAME_MAX = 255, 512
"""The schema's ``maxLength`` of the project's name and of every other name or title."""
_CURRENCY_TABLE = (
    "EUR AT BE CY DE EE ES FI FR GR HR IE IT LT LU LV MT NL PT SI SK MC ME AD SM VA | RUB RU | "
    "BYN BY | KZT KZ | UZS UZ | KGS KG | TJS TJ | TMT TM | AMD AM | AZN AZ | GEL GE | MDL MD | "
    "UAH UA | ILS IL | TRY TR | AED AE | SAR SA | MNT MN | CNY CN | INR IN | JPY JP | GBP GB | "
    "CHF CH | SEK SE | NOK NO | DKK DK | PLN PL | CZK CZ | HUF HU | RON RO | BGN BG | RSD RS | "
    "USD US | CAD CA | AUD AU | BRL BR"
)
CURRENCIES: dict[str, str] = {
    country: group.split()[0] for group in _CURRENCY_TABLE.split("|") for country in group.split()[1:]
}
"""ISO 4217 code of the country's currency; the schema requires ``CurrencyCode`` (no cost is planned)."""
DEFAULT_CURRENCY = "USD"


def render(ctx: RenderContext) -> bytes:
    """plan.xml."""
    out = io.StringIO()
    _document(ctx, out.write)
    return out.getvalue().encode("utf-8")


class _Xml:
    """An element written straight as text, as ``ET.indent(tree, "  ")`` then ``ET.tostring`` would
    write it at ``level`` (issue 14: a 10,000-step plan has half a million leaves, and building
    elements only to write them cost half of plan.xml's time). ``sub`` adds a child, a leaf when
    it has text, else an element of its own that closes with the next child; ``leaves`` adds
    several leaves at once."""

    __slots__ = ("at", "closed", "count", "level", "open", "parts", "tag")

    def __init__(self, tag: str, level: int = 2, parts: list[str] | None = None) -> None:
        self.parts: list[str] = [] if parts is None else parts
        self.tag = tag
        self.level = level
        self.at = len(self.parts)
        self.parts.append(f"<{tag}>")
        self.count = 0
        self.open: _Xml | None = None
        self.closed = False

    def sub(self, tag: str, text: str | None = None) -> _Xml:
        """A child ``<tag>text</tag>`` (returns self), or without text an element (returned)."""
        if text is not None:
            return self.leaves((tag, text))
        self.parts.append(self._next_child())
        self.count += 1
        self.open = _Xml(tag, self.level + 1, self.parts)
        return self.open

    def leaves(self, *items: tuple[str, str]) -> _Xml:
        """Children ``<tag>text</tag>``, one per ``(tag, text)``, in one call (the hot path of
        plan.xml: half a million leaves at 10,000 steps). Returns self."""
        inner = self._next_child()
        self.count += len(items)
        parts = self.parts
        for tag, text in items:
            if "&" in text or "<" in text or ">" in text:  # checked here, not in a call
                text = _escape_text(text)
            parts.append(f"{inner}<{tag}>{text}</{tag}>" if text else f"{inner}<{tag} />")
        return self

    def close(self) -> None:
        """Write the end tag (``<tag />`` for an element without children), once."""
        if self.closed:
            return
        self.closed = True
        self._close_open()
        if self.count:
            self.parts.append("\n" + "  " * self.level + f"</{self.tag}>")
        else:
            self.parts[self.at] = f"<{self.tag} />"

    def body(self) -> str:
        """The element's children as text, closed, without the element's own tags (a top element:
        the caller writes the tags around what comes next, as :func:`_document` does)."""
        self._check_top()
        self._close_open()
        self.closed = True
        return "".join(self.parts[1:])

    def _next_child(self) -> str:
        """Make way for a child (the open one is closed); its indentation."""
        if self.closed:
            msg = f"<{self.tag}> is closed: a child added now would land after it"
            raise ValueError(msg)
        self._close_open()
        return "\n" + "  " * (self.level + 1)

    def _close_open(self) -> None:
        if self.open is not None:
            self.open.close()
            self.open = None

    def xml(self) -> str:
        """The element as text, closed (a top element: a nested one shares its parent's text)."""
        self._check_top()
        self.close()
        return "".join(self.parts)

    def _check_top(self) -> None:
        if self.at:
            msg = f"<{self.tag}> is nested: write its top element"
            raise ValueError(msg)


def _escape_text(text: str) -> str:
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    return text


def _document(ctx: RenderContext, write: Callable[[str], object]) -> None:
    """The whole file, in pieces: the project's fields and calendars, then each task and each
    assignment as it is made (the largest parts of the file never sit in memory at once)."""
    plan = ctx.plan
    company = _name(plan.company.name)
    name = _name(plan.company.name, PROJECT_NAME_MAX)
    title = company
    if ctx.plan.branding and ctx.plan.branding.title:
        title = _name(ctx.plan.branding.title)
    roles = _used_roles(ctx)
    head = _Xml("Project", 0)
    head.leaves(
        ("SaveVersion", "14"),
        ("Name", name),
        ("Title", title),
        ("Company", company),
        ("ScheduleFromStart", "1"),
        ("StartDate", _at(plan.start, DAY_START)),
        ("FinishDate", _at(plan.finish, DAY_FINISH)),
        ("CurrencyCode", CURRENCIES.get(plan.calendar.country or "", DEFAULT_CURRENCY)),
        ("CalendarUID", str(PROJECT_CALENDAR_UID)),
        ("DefaultStartTime", DAY_START),
        ("DefaultFinishTime", DAY_FINISH),
        ("MinutesPerDay", str(HOURS_PER_DAY * 60)),
        ("MinutesPerWeek", str(HOURS_PER_DAY * 60 * (7 - len(plan.calendar.weekend)))),
        ("DaysPerMonth", "20"),
        ("DefaultTaskType", "1"),
        ("DurationFormat", DAYS_FORMAT),
        ("WorkFormat", "2"),
        ("HonorConstraints", "1"),
        ("NewTasksEffortDriven", "0"),
        ("WeekStartDay", "1"),
    )
    if plan.as_of:
        head.sub("StatusDate", _at(plan.as_of, DAY_FINISH))
    head.sub("NewTasksAreManual", "0")
    calendars = head.sub("Calendars")
    _project_calendar(calendars, ctx)
    for uid, (_, role_title) in enumerate(roles, start=PROJECT_CALENDAR_UID + 1):
        _resource_calendar(calendars, uid, role_title)
    cals = _SiteCalendars.of(plan, PROJECT_CALENDAR_UID + len(roles) + 1)
    for site in plan.sites:  # issue 17: a site's own calendar, for its steps
        if site.name in cals.uids:
            info = cals.infos[site.name]
            name = _name(f"{site.name} ({site.country})" if site.country else site.name)
            _base_calendar(calendars, cals.uids[site.name], name, info, _names(info))
    uids = _task_uids(plan)
    team_order: dict[str, list[str]] = {}
    for earlier, later in plan.resource_links:
        team_order.setdefault(later, []).append(earlier)
    write(f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Project xmlns="{NAMESPACE}">')
    write(head.body())
    _stream(write, "Tasks", _tasks(plan, uids, _wbs_codes(plan), team_order, cals))
    write("\n  " + _resources(plan, roles).xml())
    _stream(write, "Assignments", _assignments(plan, uids, roles, cals))
    write("\n</Project>\n")


def _stream(write: Callable[[str], object], tag: str, children: Iterator[_Xml]) -> None:
    """``<tag>`` (a child of the project) with each child written as it comes; ``<tag />`` without any."""
    first = next(children, None)
    if first is None:
        write(f"\n  <{tag} />")
        return
    write(f"\n  <{tag}>\n    {first.xml()}")
    for child in children:
        write("\n    " + child.xml())
    write(f"\n  </{tag}>")


@dataclass(frozen=True)
class _SiteCalendars:
    """The sites with a calendar of their own (issue 17): its MSPDI calendar UID and its days."""

    plan: CalendarInfo
    uids: dict[str, int]
    infos: dict[str, CalendarInfo]
    tables: dict[str | None, WorkingDays] = field(default_factory=dict)
    """The day table of each calendar, made when first asked for (one per calendar and file)."""

    @classmethod
    def of(cls, plan: Plan, first_uid: int) -> _SiteCalendars:
        own = [site for site in plan.sites if site.calendar is not None]
        uids = {site.name: uid for uid, site in enumerate(own, start=first_uid)}
        return cls(plan.calendar, uids, {site.name: site.calendar for site in own if site.calendar is not None})

    def days(self, site: str | None) -> WorkingDays:
        """The working days of the calendar a step of ``site`` (None: planned once) works on."""
        key = site if site in self.infos else None
        table = self.tables.get(key)
        if table is None:
            table = self.tables[key] = WorkingDays(self.plan if key is None else self.infos[key])
        return table


def _tasks(
    plan: Plan, uids: dict[str, int], wbs: dict[str, str], team_order: dict[str, list[str]], cals: _SiteCalendars
) -> Iterator[_Xml]:
    """The project summary, then each stage's summary followed by its steps and milestone."""
    yield _project_summary(plan, cals)
    row = 1
    by_stage = _by_stage(plan)
    for number, stage in enumerate(plan.stages, start=1):
        own = by_stage.get(stage.id, [])
        summary = _task_head(
            uids[f"stage:{stage.id}"], row, _name(stage.title), str(number), 1, wbs.get(stage.id, str(number))
        )
        _dates(summary, stage.start, stage.finish, cals.days(None).count(stage.start, stage.finish), False)
        summary.sub("Milestone", "0")
        summary.sub("Summary", "1")
        summary.sub("Critical", "1" if any(task.critical for task in own) else "0")
        summary.sub("PercentComplete", str(_stage_percent(own)))
        summary.sub("ConstraintType", "0")
        _baseline(summary, [task for task in own if task.baseline_start], cals.days(None), milestone=False)
        yield summary
        row += 1
        if plan.sites and any(task.site is not None for task in own):  # issue 17
            for el in _stage_with_sites(plan, own, number, uids, row, wbs, team_order, cals):
                yield el
                row += 1
            continue
        for sub_number, task in enumerate(own, start=1):
            outline = f"{number}.{sub_number}"
            yield _task(plan, task, uids, row, (outline, wbs.get(task.id, outline)), team_order, cals)
            row += 1


def _stage_with_sites(
    plan: Plan,
    own: list[Task],
    number: int,
    uids: dict[str, int],
    row: int,
    wbs: dict[str, str],
    team_order: dict[str, list[str]],
    cals: _SiteCalendars,
) -> Iterator[_Xml]:
    """A stage's tasks when some are per-site steps (issue 17): the others at level 2 in plan
    order and, where its first per-site task was, a summary per wave (level 2), in it a summary
    per site (level 3) over that site's tasks of the stage (level 4). Summaries span their tasks."""
    sites = {site.name: site for site in plan.sites}
    by_wave: dict[int, dict[str, list[Task]]] = {}
    for task in own:
        if task.site is not None:
            wave = sites[task.site].wave if task.site in sites else 0
            by_wave.setdefault(wave, {}).setdefault(task.site, []).append(task)
    order = {site.name: k for k, site in enumerate(plan.sites)}
    sub = 0
    grouped = False
    for task in own:
        if task.site is None:
            sub += 1
            outline = f"{number}.{sub}"
            yield _task(plan, task, uids, row, (outline, wbs.get(task.id, outline)), team_order, cals)
            row += 1
            continue
        if grouped:
            continue
        grouped = True
        for wave, members in sorted(by_wave.items()):
            sub += 1
            wave_outline = f"{number}.{sub}"
            wave_tasks = [t for tasks in members.values() for t in tasks]
            name = _wave_name(plan.lang, wave)
            yield _summary(uids[_wave_key(own[0].stage, wave)], row, name, wave_outline, 2, wave_tasks, cals.days(None))
            row += 1
            for k, site in enumerate(sorted(members, key=lambda s: (order.get(s, len(order)), s)), start=1):
                site_outline = f"{wave_outline}.{k}"
                key = _site_key(own[0].stage, site)
                yield _summary(uids[key], row, site, site_outline, 3, members[site], cals.days(site))
                row += 1
                for j, step in enumerate(members[site], start=1):
                    outline = f"{site_outline}.{j}"
                    yield _task(plan, step, uids, row, (outline, outline), team_order, cals, level=4)
                    row += 1


def _wave_name(lang: str, wave: int) -> str:
    from roadmap.render.sites import word

    return word(lang, "wave", n=wave)


def _wave_key(stage: str, wave: int) -> str:
    return f"wave:{stage}:{wave}"


def _site_key(stage: str, site: str) -> str:
    return f"site:{stage}:{site}"


def _summary(uid: int, row: int, name: str, outline: str, level: int, tasks: list[Task], days: WorkingDays) -> _Xml:
    """A summary task over ``tasks`` (a wave's or a site's): from their first start to their last finish."""
    start, finish = min(task.start for task in tasks), max(task.finish for task in tasks)
    el = _task_head(uid, row, _name(name), outline, level)
    _dates(el, start, finish, days.count(start, finish), False)
    el.sub("Milestone", "0")
    el.sub("Summary", "1")
    el.sub("Critical", "1" if any(task.critical for task in tasks) else "0")
    el.sub("PercentComplete", str(_stage_percent(tasks)))
    el.sub("ConstraintType", "0")
    _baseline(el, [task for task in tasks if task.baseline_start], days, milestone=False)
    return el


def _resources(plan: Plan, roles: list[tuple[str, str]]) -> _Xml:
    resources = _Xml("Resources", 1)
    for uid, (role, role_title) in enumerate(roles, start=1):
        resources.sub("Resource").leaves(
            ("UID", str(uid)),
            ("ID", str(uid)),
            ("Name", role_title),
            ("Type", "1"),
            ("IsNull", "0"),
            ("MaxUnits", f"{plan.team.get(role, 1):.2f}"),
            ("CalendarUID", str(PROJECT_CALENDAR_UID + uid)),
        )
    return resources


def _assignments(
    plan: Plan, uids: dict[str, int], roles: list[tuple[str, str]], cals: _SiteCalendars
) -> Iterator[_Xml]:
    resource_uid = {role: uid for uid, (role, _) in enumerate(roles, start=1)}
    next_uid = 1
    for task in plan.tasks:
        for role in task.roles:
            days = cals.days(task.site).count(task.start, task.finish)
            people = task.demands.get(role, 1.0)
            yield _Xml("Assignment").leaves(
                ("UID", str(next_uid)),
                ("TaskUID", str(uids[task.id])),
                ("ResourceUID", str(resource_uid[role])),
                ("PercentWorkComplete", str(task.percent)),
                ("Finish", _at(task.finish, DAY_FINISH)),
                ("Start", _at(task.start, DAY_START)),
                ("Units", f"{people:g}"),
                ("Work", _work(days, people)),
            )
            next_uid += 1


def _task(
    plan: Plan,
    task: Task,
    uids: dict[str, int],
    row: int,
    numbers: tuple[str, str],
    team_order: dict[str, list[str]],
    cals: _SiteCalendars,
    level: int = 2,
) -> _Xml:
    """A step or milestone at outline ``level`` (``numbers``: outline number, WBS code); a site's
    step works on its site's calendar, resources' calendars aside (issue 17)."""
    working = cals.days(task.site)
    el = _task_head(uids[task.id], row, _name(task.title), numbers[0], level, numbers[1])
    days = 0 if task.milestone else working.count(task.start, task.finish)
    if task.milestone:
        _dates(el, task.finish, task.finish, 0, True, 0)
    else:
        _dates(el, task.start, task.finish, days, False)
        el.sub("Work", _work(days, sum(task.demands.get(r, 1.0) for r in task.roles)))
    el.leaves(
        ("EffortDriven", "0"),
        ("Milestone", "1" if task.milestone else "0"),
        ("Summary", "0"),
        ("Critical", "1" if task.critical else "0"),
        ("TotalSlack", str(task.slack_days * LAG_UNITS_PER_DAY)),
        ("PercentComplete", str(task.percent)),
    )
    if task.status in ("in_progress", "done"):
        el.sub("ActualStart", _at(task.start, DAY_FINISH if task.milestone else DAY_START))
    if task.status == "done":
        el.sub("ActualFinish", _at(task.finish, DAY_FINISH))
    done = days * 100 if task.status == "done" else days * task.percent  # in hundredths of a day
    el.leaves(
        ("ActualDuration", _seconds(done * HOURS_PER_DAY * 36)),
        ("RemainingDuration", _seconds((days * 100 - done) * HOURS_PER_DAY * 36)),
        ("ConstraintType", SNET),
    )
    start_time = DAY_FINISH if task.milestone else DAY_START
    own_calendar = cals.uids.get(task.site) if task.site is not None else None
    if own_calendar is not None:
        el.sub("CalendarUID", str(own_calendar))
    el.sub("ConstraintDate", _at(task.finish if task.milestone else task.start, start_time))
    if own_calendar is not None:
        el.sub("IgnoreResourceCalendar", "1")
    notes = [task.description] if task.description else []
    notes.extend(task.why)
    if notes:
        el.sub("Notes", _text("\n".join(notes)))
    for pred_id, lag in _links(task, team_order):
        el.sub("PredecessorLink").leaves(
            ("PredecessorUID", str(uids[pred_id])),
            ("Type", "1"),
            ("CrossProject", "0"),
            ("LinkLag", str(lag * LAG_UNITS_PER_DAY)),
            ("LagFormat", DAYS_FORMAT),
        )
    _baseline(el, [task] if task.baseline_start else [], working, milestone=task.milestone)
    return el


def _links(task: Task, team_order: dict[str, list[str]]) -> list[tuple[str, int]]:
    """The task's predecessors with their lags, then the team-limit order as lag-0 links.

    A resource link says "the same person of a role does this one next": written as a
    finish-to-start link, a scheduler that recomputes the plan (MS Project, MPXJ) finds the
    same dates and, walking the same chains backwards, the same slack and critical steps.
    """
    links = [(pred.id, pred.lag_days) for pred in task.predecessors]
    known = {pred.id for pred in task.predecessors}
    links.extend((earlier, 0) for earlier in team_order.get(task.id, ()) if earlier not in known)
    return links


def _baseline(el: _Xml, tasks: list[Task], calendar: WorkingDays, *, milestone: bool) -> None:
    """Baseline 0 of a task (or of a stage summary: the span of its steps' baselines)."""
    starts = [task.baseline_start for task in tasks if task.baseline_start]
    finishes = [task.baseline_finish for task in tasks if task.baseline_finish]
    if not starts or not finishes:
        return
    baseline = el.sub("Baseline")
    baseline.sub("Number", "0")
    baseline.sub("Start", _at(min(starts), DAY_FINISH if milestone else DAY_START))
    baseline.sub("Finish", _at(max(finishes), DAY_FINISH))
    baseline.sub("Duration", _hours(0 if milestone else calendar.count(min(starts), max(finishes))))
    baseline.sub("DurationFormat", DAYS_FORMAT)


def _task_head(uid: int, row: int, name: str, outline: str, level: int, wbs: str | None = None) -> _Xml:
    return _Xml("Task").leaves(
        ("UID", str(uid)),
        ("ID", str(row)),
        ("Name", name),
        ("Active", "1"),
        ("Manual", "0"),
        ("Type", "1"),
        ("IsNull", "0"),
        ("WBS", wbs or outline),
        ("OutlineNumber", outline),
        ("OutlineLevel", str(level)),
        ("Priority", "500"),
    )


def _dates(el: _Xml, start: dt.date, finish: dt.date, days: int, milestone: bool, work_days: int | None = None) -> None:
    el.leaves(
        ("Start", _at(start, DAY_FINISH if milestone else DAY_START)),
        ("Finish", _at(finish, DAY_FINISH)),
        ("Duration", _hours(days)),
        ("DurationFormat", DAYS_FORMAT),
    )
    if work_days is not None:
        el.sub("Work", _hours(work_days))


def _project_summary(plan: Plan, cals: _SiteCalendars) -> _Xml:
    el = _task_head(0, 0, _name(plan.company.name), "0", 0)
    _dates(el, plan.start, plan.finish, cals.days(None).count(plan.start, plan.finish), False)
    el.sub("Milestone", "0")
    el.sub("Summary", "1")
    el.sub("Critical", "1" if plan.critical_path else "0")
    el.sub("PercentComplete", str(_stage_percent(list(plan.tasks))))
    el.sub("ConstraintType", "0")
    return el


def _project_calendar(calendars: _Xml, ctx: RenderContext) -> None:
    """The project's base calendar."""
    info = ctx.plan.calendar
    country = f" ({info.country})" if info.country else ""
    _base_calendar(calendars, PROJECT_CALENDAR_UID, f"Roadmap{country}", info, _names(info))


def _base_calendar(calendars: _Xml, uid: int, name: str, info: CalendarInfo, names: dict[dt.date, str]) -> None:
    """A base calendar: week days, then exceptions in both the legacy and the 2007 form."""
    cal = calendars.sub("Calendar").leaves(
        ("UID", str(uid)),
        ("Name", name),
        ("IsBaseCalendar", "1"),
        ("IsBaselineCalendar", "0"),
        ("BaseCalendarUID", "-1"),
    )
    week = cal.sub("WeekDays")
    for day_name in ("sun", "mon", "tue", "wed", "thu", "fri", "sat"):
        working = day_name not in info.weekend
        week_day = week.sub("WeekDay").leaves(
            ("DayType", str(_MSPDI_DAY[day_name])), ("DayWorking", "1" if working else "0")
        )
        if working:
            _working_times(week_day)
    exceptions = _exceptions(info)
    for day, working in exceptions:  # the pre-2007 form, still read by some importers
        week_day = week.sub("WeekDay").leaves(("DayType", "0"), ("DayWorking", "1" if working else "0"))
        _time_period(week_day, day)
        if working:
            _working_times(week_day)
    if exceptions:
        block = cal.sub("Exceptions")
        for day, working in exceptions:
            exc = block.sub("Exception").leaves(("EnteredByOccurrences", "0"))
            _time_period(exc, day)
            exc.leaves(
                ("Occurrences", "1"),
                ("Name", names.get(day) or ("Working day" if working else "Holiday")),
                ("Type", "1"),
                ("DayWorking", "1" if working else "0"),
            )
            if working:
                _working_times(exc)


def _resource_calendar(calendars: _Xml, uid: int, name: str) -> None:
    """A resource's own calendar: derived from the project calendar, no changes."""
    calendars.sub("Calendar").leaves(
        ("UID", str(uid)),
        ("Name", name[:51]),
        ("IsBaseCalendar", "0"),
        ("IsBaselineCalendar", "0"),
        ("BaseCalendarUID", str(PROJECT_CALENDAR_UID)),
    )


def _exceptions(info: CalendarInfo) -> list[tuple[dt.date, bool]]:
    """Holidays (non-working) and working weekend days, sorted by date."""
    days = [(d, False) for d in info.holidays] + [(d, True) for d in info.extra_working_days]
    return sorted(set(days))


def _names(info: CalendarInfo) -> dict[dt.date, str]:
    """Names of a calendar's holidays, as MS Project shows them."""
    return {day: _name(name) for day, name in info.holiday_names.items()}


def _time_period(parent: _Xml, day: dt.date) -> None:
    parent.sub("TimePeriod").leaves(("FromDate", _at(day, "00:00:00")), ("ToDate", _at(day, "23:59:00")))


def _working_times(parent: _Xml) -> None:
    times = parent.sub("WorkingTimes")
    for start, finish in WORKING_TIMES:
        times.sub("WorkingTime").leaves(("FromTime", start), ("ToTime", finish))


def _task_uids(plan: Plan) -> dict[str, int]:
    """UID 0 is the project summary; then each stage's summary, its steps and milestone."""
    uids: dict[str, int] = {}
    by_stage = _by_stage(plan)
    for stage in plan.stages:
        uids[f"stage:{stage.id}"] = len(uids) + 1
        for task in by_stage.get(stage.id, []):
            uids[task.id] = len(uids) + 1
    if plan.sites:  # issue 17: the wave and site summaries of each stage, after every task
        waves = {site.name: site.wave for site in plan.sites}
        for stage in plan.stages:
            for task in by_stage.get(stage.id, []):
                if task.site is not None:
                    uids.setdefault(_wave_key(stage.id, waves.get(task.site, 0)), len(uids) + 1)
                    uids.setdefault(_site_key(stage.id, task.site), len(uids) + 1)
    return uids


def _by_stage(plan: Plan) -> dict[str, list[Task]]:
    """The plan's tasks per stage, in the plan's order."""
    out: dict[str, list[Task]] = {}
    for task in plan.tasks:
        out.setdefault(task.stage, []).append(task)
    return out


def _used_roles(ctx: RenderContext) -> list[tuple[str, str]]:
    """(role id, resource name) of every role a task needs, in the library's order."""
    used = {role for task in ctx.plan.tasks for role in task.roles}
    titles = ctx.plan.role_titles
    known = [role for role in titles if role in used]
    known.extend(sorted(used - set(known)))
    out: list[tuple[str, str]] = []
    taken: set[str] = set()
    for role in known:
        title = titles.get(role, role)
        name = resource_name(title)
        if name.casefold() in taken:
            name = resource_name(f"{title} ({role})")
        taken.add(name.casefold())
        out.append((role, name))
    return out


def resource_name(title: str) -> str:
    """A role's title as MS Project accepts a resource name: no list separator (``,`` or ``;``), no brackets.

    MS Project refuses those characters in a resource name and rewrites them on import, with a warning.
    """
    name = _LIST_SEPARATOR.sub(" / ", _name(title)).replace("[", "(").replace("]", ")")
    return name.strip(" /") or "-"


def _stage_percent(tasks: list[Task]) -> int:
    """Duration-weighted percent complete."""
    total = sum(task.duration_days for task in tasks)
    if not total:
        return 100 if tasks and all(task.percent == 100 for task in tasks) else 0
    return sum(task.duration_days * task.percent for task in tasks) // total


def _at(day: dt.date, time: str) -> str:
    return f"{day.isoformat()}T{time}"


def _work(days: int, people: float) -> str:
    """Work of ``people`` (shares of a person, issue 12) over ``days`` working days, as a duration."""
    minutes = days * HOURS_PER_DAY * round(people * 100) * 60 // 100
    return f"PT{minutes // 60}H{minutes % 60}M0S"


def _hours(days: int) -> str:
    return f"PT{days * HOURS_PER_DAY}H0M0S"


def _seconds(total: int) -> str:
    """A duration of ``total`` seconds of work, exact (a percent of a day is a whole number of seconds)."""
    hours, rest = divmod(total, 3600)
    return f"PT{hours}H{rest // 60}M{rest % 60}S"


def _wbs_codes(plan: Plan) -> dict[str, str]:
    """Stable WBS codes of the plan's stages and tasks (see :func:`roadmap.report.wbs_codes`)."""
    return dict(plan.wbs)


def _text(value: str) -> str:
    """A string XML 1.0 can carry."""
    return _CONTROL.sub("", value)


def _name(value: str, limit: int = NAME_MAX) -> str:
    """A one-line name: no control characters, whitespace runs as one space, within the schema's length."""
    return _SPACES.sub(" ", _text(value)).strip()[:limit]

