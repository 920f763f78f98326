"""Build a dated plan: load → resolve → schedule. The result is what every renderer reads."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field

from roadmap.baseline import compare_with_baseline, default_baseline_path, save_baseline
from roadmap.calendar import WorkCalendar, build_calendar
from roadmap.company import CompanyInput, fit_record, load_company
from roadmap.cost import Cost, plan_cost
from roadmap.daymask import DayIndex, DayMask
from roadmap.demand import over_capacity
from roadmap.effort import Effort, plan_effort, task_effort
from roadmap.errors import InputError
from roadmap.forecast_model import Forecast
from roadmap.i18n import t
from roadmap.inputs import AnswerStatus, answer_status, check_status_date, progress_warnings
from roadmap.library import load_library
from roadmap.limits import calendar_warnings, check_calendar_end, check_date, check_plan_limits
from roadmap.models import Company, CompanyFile, Library, Progress, Rates, Site
from roadmap.reasons import (
    DeadlineDropped,
    Done,
    DropReason,
    InProgress,
    InputDropped,
    NotBefore,
    PlanWarning,
    SiteHeadcount,
    TaskReason,
    Waits,
)
from roadmap.report import (
    Branding,
    OpenQuestion,
    QuestionWords,
    StageResource,
    branding,
    delivered_by_step,
    question_words,
    role_titles,
    stage_words,
    wbs_codes,
)
from roadmap.resolve import Block, Resolution, resolve
from roadmap.schedule import SchedTask, ScheduleError, schedule_tasks
from roadmap.staffing import Wait, staffing
from roadmap.wording import say, words
from roadmap.yamlio import gc_paused

if TYPE_CHECKING:
    from roadmap.sites import SitePlan


def _is_none(value: object) -> bool:
    """Baseline fields appear in the output only when a baseline was compared."""
    return value is None


def _is_empty(value: tuple[object, ...]) -> bool:
    """Fields of an optional capability (sites) appear in the output only when used."""
    return not value


class Out(BaseModel):
    """Base of the plan's output models: immutable, exact."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class Predecessor(Out):
    """A finish-to-start link after bridging."""

    id: str
    lag_days: int


class Task(Out):
    """A dated step or stage milestone."""

    id: str
    stage: str
    title: str
    start: dt.date
    finish: dt.date
    """Inclusive: the last working day occupied (a milestone: its day)."""
    duration_days: int
    """Working days occupied between start and finish (0 for a milestone)."""
    milestone: bool
    predecessors: tuple[Predecessor, ...]
    roles: tuple[str, ...]
    critical: bool
    slack_days: int
    status: str
    percent: int
    why: tuple[str, ...]
    description: str | None = None
    deliverables: tuple[str, ...] = ()
    baseline_start: dt.date | None = Field(default=None, exclude_if=_is_none)
    baseline_finish: dt.date | None = Field(default=None, exclude_if=_is_none)
    slip_days: int | None = Field(default=None, exclude_if=_is_none)
    waits_for: WaitsFor | None = Field(default=None, exclude_if=_is_none)
    """Team limits held the step back: for how many working days, and which full roles."""
    demands: dict[str, float] = {}
    """Role id → people the step needs (issue 12)."""
    effort: dict[str, float] = {}
    """Role id → person-days: demand × working days."""
    site: str | None = Field(default=None, exclude_if=_is_none)
    """The site a per-site step is planned for (issue 17); its id is ``STEP@SITE``."""
    reasons: tuple[TaskReason, ...] = ()
    """``why`` as data, line for line (issue 11): ``{code, ...params}``; ``roadmap diff`` compares these."""
    wave: int | None = Field(default=None, exclude_if=_is_none)
    """Issue 17: the wave of a per-site step's site, or of a wave's gate or lessons-learned step."""


class WaitsFor(Out):
    """How long a step waited for people, and the roles whose people were all busy (issue 9)."""

    days: int
    roles: tuple[str, ...]


class Deadline(Out):
    """A date from ``plan.deadlines`` measured against the plan (issue 9)."""

    id: str
    date: dt.date
    finish: dt.date
    late_days: int
    """Working days after the deadline that the block finishes (0 when met)."""


class StaffingRow(Out):
    """One role: its people, its busy person-days, and what one more person gains (issue 9)."""

    role: str
    capacity: int | float
    busy_days: int | float
    """Person-days of work in the plan holding the role."""
    gain_days: int
    """Working days the finish moves earlier with one more person of the role (re-planned)."""


class Dropped(Out):
    """A block left out of the plan, and why."""

    id: str
    reason: str
    stage: str
    title: str
    reasons: tuple[DropReason, ...] = ()
    """``reason`` as data (issue 11): ``{code, ...params}``."""


class Risk(Out):
    """A risk raised by an answer."""

    text: str
    because: str


class CalendarInfo(Out):
    """The working calendar over the plan's span."""

    weekend: tuple[str, ...]
    holidays: tuple[dt.date, ...]
    """Non-working dates that are not weekend days."""
    extra_working_days: tuple[dt.date, ...]
    """Weekend dates that are working days."""
    country: str | None = None
    holiday_names: dict[dt.date, str] = {}
    """Holiday date → its name in the plan's language (public holidays, and the company's own)."""


class DateSpan(Out):
    """Days from ``start`` to ``finish``, both included."""

    start: dt.date
    finish: dt.date


class SiteWindow(Out):
    """One site of a rollout in waves (issue 17): its wave and dates."""

    name: str
    wave: int
    """1 is the first wave (the pilot's, when there is one)."""
    employees: int
    country: str | None = None
    start: dt.date
    """The first day of the site's first per-site step."""
    go_live: dt.date | None = None
    """The day the site goes live (its go-live step's finish), when the template has one."""
    finish: dt.date
    """The last day of the site's last per-site step."""
    blackout: tuple[DateSpan, ...] = Field(default=(), exclude_if=_is_empty)
    """The site's ``blackout`` windows (nothing of the site is scheduled on those days)."""
    calendar: CalendarInfo | None = Field(default=None, exclude_if=_is_none)
    """The site's own working calendar over the plan's span, when it is not the plan's: another
    country's weekend and holidays, and its ``blackout`` days (holidays named as such)."""


class StageSummary(Out):
    """One stage's dates."""

    id: str
    order: int
    title: str
    start: dt.date
    finish: dt.date
    working_days: int
    milestone: str
    slip_days: int | None = Field(default=None, exclude_if=_is_none)
    cost_delta: str | None = Field(default=None, exclude_if=_is_none)
    """Cost now minus the baseline's cost of the stage (issue 12), when both have a cost."""
    goal: str | None = Field(default=None, exclude_if=_is_none)
    """What the stage achieves, in the plan's language (issue 11)."""
    resources: tuple[StageResource, ...] = ()
    """The roles to involve, and what for."""
    results: tuple[str, ...] = ()
    """Expected results (acceptance checks)."""
    open_questions: tuple[OpenQuestion, ...] = ()
    """Its questions that apply and that the company file leaves unanswered, with what is assumed."""


class DueItem(Out):
    """A step due in the week of the status date, or overdue at it."""

    id: str
    title: str
    finish: dt.date
    """Its finish in the plan (overdue: the finish it had without the status date)."""
    status: str
    percent: int


DUE_WINDOW_DAYS = 7
"""The status date and the six days after it."""


class DueList(Out):
    """What a project manager chases at the status date."""

    as_of: dt.date
    overdue: tuple[DueItem, ...]
    due: tuple[DueItem, ...]


class Plan(Out):
    """The dated roadmap of one company."""

    company: Company
    """The company file's facts (name, industry, employees, hierarchy levels, branches, country)."""
    start: dt.date
    finish: dt.date
    working_days: int
    calendar: CalendarInfo
    tasks: tuple[Task, ...]
    dropped: tuple[Dropped, ...]
    risks: tuple[Risk, ...]
    critical_path: tuple[str, ...]
    stages: tuple[StageSummary, ...]
    warnings: tuple[str, ...]
    answers: dict[str, Any]
    as_of: dt.date | None
    lang: str
    scheduling_rule: str
    team: dict[str, int | float]
    resource_links: tuple[tuple[str, str], ...] = ()
    """(earlier, later) steps that follow each other on one person of a role: the team-limit order
    the scheduler imposed, as finish-to-start links (slack and the critical path walk them)."""
    forecast: Forecast | None = Field(default=None, exclude_if=_is_none)
    """Monte Carlo forecast (``plan --simulate N``; issue 16)."""
    assumed: tuple[str, ...] = ()
    """Applicable questions not answered in the file whose library default the plan uses."""
    unanswered: tuple[str, ...] = ()
    """Applicable questions with neither an answer nor a default."""
    deadlines: tuple[Deadline, ...] = ()
    staffing: tuple[StaffingRow, ...] = ()
    """Every role the plan uses, largest gain first."""
    due: DueList | None = Field(default=None, exclude_if=_is_none)
    """With a status date: the steps due in its week and those overdue at it."""
    bound_by_team: bool = False
    """Whether a step on the critical path waited for people (else the finish is bound by the order)."""
    effort: Effort = Effort(total=0, by_role={}, by_stage={}, by_month={})
    """Person-days per role, stage and month (issue 12)."""
    cost: Cost | None = Field(default=None, exclude_if=_is_none)
    """Money, when the company file gives rates or costs (issue 12)."""
    sites: tuple[SiteWindow, ...] = Field(default=(), exclude_if=_is_empty)
    """Sites in wave order, then by name (issue 17); absent without ``sites`` in the company file."""
    warning_reasons: tuple[PlanWarning, ...] = Field(default=(), exclude_if=_is_empty)
    """``warnings`` as data, line for line (issue 11): ``{code, ...params}``; absent without warnings."""
    branding: Branding | None = Field(default=None, exclude_if=_is_none)
    """The company file's ``report:`` with its logo checked (issue 11); the logo is not in plan.json."""
    role_titles: dict[str, str] = {}
    """Role id → its title in the plan's language, in the library's order (issue 11), for the roles
    the plan names: its steps', its team's and its rates'."""
    questions: dict[str, QuestionWords] = {}
    """The questions the plan answers, assumes or leaves open, in its language, in library order (issue 11)."""
    wbs: dict[str, str] = Field(default={}, exclude=True)
    """Stage or task id → its stable WBS code: the stage's position in the library, then the step's
    in its stage, the milestone last (issue 11); stages first, then tasks, in plan order. Not in
    plan.json: the codes follow the order of the library's files, which plan.json does not."""
    delivered: dict[str, tuple[int, ...]] = Field(default={}, exclude_if=_is_empty)
    """Step id → indexes of its deliverables ticked in ``progress`` (all of them once done; issue 11)."""
    rates: Rates | None = Field(default=None, exclude_if=_is_none)
    """The company file's ``rates`` (issue 12), which the workbook's cost lines price people's time at."""

    def to_json(self) -> str:
        """plan.json's text: two-space indent, the plan's own (deterministic) order, a final newline."""
        return self.model_dump_json(indent=2) + "\n"


def plan_file(
    path: Path,
    *,
    library_dir: Path | None = None,
    as_of: dt.date | None = None,
    lang: str = "en",
    baseline: Path | None = None,
) -> tuple[Plan, CompanyInput, Library]:
    """Load the library and a company file, and plan it (measured against ``baseline`` when given)."""
    with gc_paused():  # many small long-lived objects: see gc_paused
        library = load_library(library_dir)
        company = load_company(path, library)
        plan = build_plan(company, library, as_of=as_of, lang=lang)
        if baseline is not None:
            plan = compare_with_baseline(plan, company, baseline)
    return plan, company, library


def save_company_baseline(
    company_file: Path,
    *,
    baseline: Path | None = None,
    library_dir: Path | None = None,
    as_of: dt.date | None = None,
    lang: str = "en",
    force: bool = False,
) -> tuple[Path, Plan]:
    """Plan a company file and save the plan as its baseline (default path: :func:`default_baseline_path`)."""
    path = baseline if baseline is not None else default_baseline_path(company_file)
    if path.is_dir():
        raise InputError.at(path, "is a folder: give the baseline's file name, e.g. company.baseline.json")
    if path.exists() and not force:
        from roadmap.errors import FileExists

        raise FileExists(path, "a baseline already exists")
    plan, _, _ = plan_file(company_file, library_dir=library_dir, as_of=as_of, lang=lang)
    return save_baseline(plan, path, force=force), plan


def build_plan(company: CompanyInput, library: Library, *, as_of: dt.date | None = None, lang: str = "en") -> Plan:
    """Resolve and schedule a validated company against a library."""
    data = company.data
    if as_of is not None:
        check_date(as_of, "as_of")
        if late := check_status_date(data, company.source, as_of):
            raise InputError(late)
    prepared = _prepare(company, library, as_of, lang)
    resolution, site_plan, calendar = prepared.resolution, prepared.site_plan, prepared.calendar
    index, masks, sched_tasks = prepared.index, prepared.masks, prepared.sched_tasks
    too_big = over_capacity(
        (b.step for b in resolution.blocks.values() if b.step and sched_tasks[b.id].task.fixed_start is None),
        data.team,
        company.source,
        library.source,
    )
    if too_big:
        raise InputError(too_big)
    try:  # a ValueError: a site calendar without working days (issue 17)
        result = schedule_tasks([n.task for n in sched_tasks.values()], dict(data.team))
        staff = staffing(
            [n.task for n in sched_tasks.values()], result, data.team, masks.head_office if masks else None
        )
    except (ScheduleError, ValueError) as exc:  # the library was validated: only a bug gets here
        raise InputError.at(company.path, f"cannot schedule: {exc}") from exc

    last = max(result.finish.values(), default=0)
    check_calendar_end(company, calendar, last if masks is None else calendar.to_index(index.to_date(last)))
    codes = wbs_codes(library)
    tasks: list[Task] = []
    for bid in _task_order(resolution, result.start):
        block = resolution.blocks[bid]
        step = block.step
        start_i, finish_i = result.start[bid], result.finish[bid]
        progress = data.progress.get(bid) if step else None
        start, finish = index.to_date(start_i), index.to_date(finish_i)
        days = finish_i - start_i + 1
        if masks is not None:
            days = masks.of(block.site).count(start_i, finish_i + 1)
        status, percent = "planned", 0
        reasons = list(block.reasons)
        why = list(block.why)
        added: list[TaskReason] = []
        if progress and progress.status != "planned" and progress.start:
            status = progress.status
            start = progress.start
            if progress.status == "done" and progress.finish:
                finish = progress.finish
                percent = 100
                reasons, why = [], []
                added.append(Done(start=progress.start, finish=progress.finish))
            else:
                percent = progress.percent or 0
                note = sched_tasks[bid].note
                if note is not None:  # None only for a done step without a finish, which loading refuses
                    added.append(note)
        elif step is not None:
            if bid in data.plan.not_before and start_i == sched_tasks[bid].task.not_before:
                added.append(NotBefore(date=data.plan.not_before[bid], file=company.path.name))
            if bid in staff.waits:
                wait = staff.waits[bid]
                added.append(Waits(days=wait.days, roles=wait.roles))
        reasons.extend(added)
        why.extend(say(reason, library, lang) for reason in added)
        tasks.append(
            Task(
                id=bid,
                stage=block.stage.id,
                title=_block_title(block, lang),
                start=start,
                finish=finish,
                duration_days=0 if step is None else days,
                milestone=step is None,
                predecessors=tuple(
                    Predecessor(id=p, lag_days=resolution.graph.edges[p, bid]["lag"])
                    for p in sorted(resolution.graph.predecessors(bid))
                ),
                roles=step.roles if step else (),
                critical=result.critical[bid] and status != "done",  # MS Project: a finished task is never critical
                slack_days=0 if status == "done" else result.slack[bid],  # MS Project: a finished task has no slack
                status=status,
                percent=percent,
                why=tuple(why),
                description=step.description.get(lang) if step and step.description else None,
                deliverables=tuple(d.get(lang) for d in step.deliverables) if step else (),
                waits_for=_waits_for(staff.waits.get(bid), status),
                demands=step.demands if step else {},
                effort=task_effort(step.demands, days) if step else {},
                reasons=tuple(reasons),
                site=block.site,
                wave=block.gate if block.site is None else site_plan.waves[block.site] if site_plan else None,
            )
        )

    if tasks:
        start_i = min(result.start.values())
        finish_i = max(result.finish.values())
        plan_start = min(min(t_.start for t_ in tasks), index.to_date(start_i))
        plan_finish = max(max(t_.finish for t_ in tasks), index.to_date(finish_i))
    else:
        plan_start = plan_finish = calendar.next_working(data.plan.start)
    fit = fit_record(data)
    honest = _honest_parts(company, library, resolution, calendar, tasks, lang)
    warned = ((fit,) if fit else ()) + honest.warnings + calendar_warnings(calendar, plan_start, plan_finish)
    warned += _site_headcount(data)
    answers = {
        q: resolution.env[q]
        for q in resolution.applicable_questions
        if resolution.env[q] is not None and data.answers.get(q) is not None
    }
    named = {r for t_ in tasks for r in (*t_.roles, *t_.demands)} | set(data.team)
    titles = role_titles(library, lang, named | (set(data.rates.roles) if data.rates else set()))
    words = _StageWords(titles, data.answers, {*answers, *honest.status.assumed, *honest.status.unanswered})
    stages = tuple(_stage_summaries(library, tasks, calendar, lang, words, data.company.country))
    plan = Plan(
        company=data.company,
        start=plan_start,
        finish=plan_finish,
        working_days=calendar.count_working(plan_start, plan_finish) if tasks else 0,
        calendar=_calendar_info(calendar, plan_start, plan_finish, data.company.country),
        tasks=tuple(tasks),
        dropped=tuple(
            Dropped(
                id=bid,
                reason=reason,
                stage=_stage_id(bid),
                title=_title(library, bid, lang),
                reasons=(resolution.drop_reasons[bid],) if bid in resolution.drop_reasons else (),
            )
            for bid, reason in resolution.dropped.items()
        ),
        risks=tuple(Risk(text=text, because=because) for text, because in resolution.risks) + honest.risks,
        critical_path=tuple(result.critical_path),
        stages=stages,
        warnings=tuple(say(w, library, lang) for w in warned),
        warning_reasons=warned,
        answers=answers,
        as_of=as_of,
        lang=lang,
        scheduling_rule=result.rule,
        team=dict(sorted(data.team.items())),
        resource_links=result.resource_links,
        assumed=honest.status.assumed,
        unanswered=honest.status.unanswered,
        deadlines=honest.deadlines,
        staffing=tuple(
            StaffingRow(role=r.role, capacity=r.capacity, busy_days=r.busy_days, gain_days=r.gain_days)
            for r in staff.roles
        ),
        bound_by_team=staff.bound_by_team,
        branding=branding(company),
        role_titles=titles,
        wbs={bid: codes[bid] for bid in (*(s.id for s in stages), *(t_.id for t_ in tasks)) if bid in codes},
        delivered=_in_plan_order(delivered_by_step(data, library, {t_.id for t_ in tasks}), tasks),
        questions=question_words(library, answers, honest.status.assumed, honest.status.unanswered, lang),
        rates=data.rates,
    )
    if site_plan is not None and masks is not None:
        plan = _with_sites(plan, data, site_plan, masks.calendars, lang)
    plan = with_effort_and_cost(plan, data)
    if as_of is not None:  # what is overdue: against the same company planned without the status date
        plan = plan.model_copy(update={"due": due_and_overdue(plan, build_plan(company, library, lang=lang))})
    return plan


def _scheduler_tasks(
    company: CompanyInput,
    resolution: Resolution,
    calendar: WorkCalendar,
    as_of: dt.date | None,
    lang: str,
    *,
    sites: bool,
) -> tuple[WorkCalendar | DayIndex, _Masks | None, dict[str, _Note]]:
    """The scheduler's tasks and the index they are on (with sites: calendar days, a calendar per task)."""
    data = company.data
    if not sites:
        notes = _sched_tasks(resolution, data.progress, calendar, as_of)
        return calendar, None, _with_not_before(notes, data.plan.not_before, calendar)
    index, masks = _site_index(data, calendar, as_of, lang, company)
    notes = _sched_tasks(resolution, data.progress, index, as_of)
    notes = _with_not_before(notes, data.plan.not_before, index)
    return index, masks, _on_calendars(notes, resolution, data, index, masks, as_of)


def scheduler_inputs(
    company: CompanyInput, library: Library, as_of: dt.date | None, lang: str
) -> tuple[Resolution, WorkCalendar | DayIndex, list[SchedTask]]:
    """For the forecast: the company resolved (copied per site when it has sites) and its
    scheduler tasks, as :func:`build_plan` schedules them (``plan.not_before`` included), with the
    index they are on (working days; with sites, calendar days)."""
    prepared = _prepare(company, library, as_of, lang)
    return prepared.resolution, prepared.index, [n.task for n in prepared.sched_tasks.values()]


@dataclass(frozen=True)
class _Prepared:
    """What scheduling a company starts from (:func:`_prepare`)."""

    resolution: Resolution
    site_plan: SitePlan | None
    calendar: WorkCalendar
    index: WorkCalendar | DayIndex
    """The index the scheduler counts on: working days; with sites, calendar days."""
    masks: _Masks | None
    sched_tasks: dict[str, _Note]


def _prepare(company: CompanyInput, library: Library, as_of: dt.date | None, lang: str) -> _Prepared:
    """The company resolved (with sites, its per-site copies and a gate per wave, issue 17) and
    checked against the plan limits, its calendar, and the scheduler's tasks on their index: the
    start both :func:`build_plan` and the forecast (:func:`scheduler_inputs`) schedule from."""
    data = company.data
    resolution = resolve(library, data, lang, company.path.name)
    site_plan: SitePlan | None = None
    if data.sites:
        from roadmap.sites import expand_sites

        resolution, site_plan = expand_sites(resolution, library, data, lang, company.path.name)
    check_plan_limits(company, resolution)
    try:
        calendar = build_calendar(
            data.plan.start, data.company.country, data.plan.weekend, data.plan.holidays, language=lang
        )
    except ValueError as exc:
        raise InputError.at(company.path, str(exc)) from exc
    index, masks, sched_tasks = _scheduler_tasks(
        company, resolution, calendar, as_of, lang, sites=site_plan is not None
    )
    return _Prepared(resolution, site_plan, calendar, index, masks, sched_tasks)


@dataclass(frozen=True)
class _Masks:
    """Issue 17: the head office's and each site's working days on the shared calendar-day index."""

    head_office: DayMask
    sites: dict[str, DayMask]
    calendars: dict[str, WorkCalendar]
    """Each site's calendar (blackouts aside), for its window in plan.json."""

    def of(self, site: str | None) -> DayMask:
        """The calendar of a site's step, or of the head office's."""
        return self.head_office if site is None else self.sites[site]


def _site_index(
    data: CompanyFile, calendar: WorkCalendar, as_of: dt.date | None, lang: str, company: CompanyInput
) -> tuple[DayIndex, _Masks]:
    """The shared index of calendar days (from the earliest date the plan knows) and the calendars."""
    from roadmap.sites import site_calendars, site_masks

    dates = [data.plan.start, *(d for p in data.progress.values() for d in (p.start, p.finish) if d is not None)]
    if as_of is not None:
        dates.append(as_of)
    index = DayIndex(min(dates))
    try:
        calendars = site_calendars(data, index.origin, calendar, lang)
        head_office, sites = site_masks(data, index, calendar, calendars)
    except ValueError as exc:
        raise InputError.at(company.path, str(exc)) from exc
    return index, _Masks(head_office, sites, calendars)


def _on_calendars(
    notes: dict[str, _Note],
    resolution: Resolution,
    data: CompanyFile,
    index: DayIndex,
    masks: _Masks,
    as_of: dt.date | None = None,
) -> dict[str, _Note]:
    """Each scheduler task on its calendar, from the plan's start (a site's steps: from its ``ready`` day).

    A step in progress keeps its start; what remains of it is counted in its calendar's working
    days from where its done part ends (or the status date), as on one calendar.
    """
    from dataclasses import replace

    first = index.to_index(data.plan.start)
    ready = {site.name: index.to_index(site.ready) for site in data.sites if site.ready is not None}
    out: dict[str, _Note] = {}
    for bid, note in notes.items():
        task = note.task
        block = resolution.blocks[bid]
        earliest = task.not_before
        if task.fixed_start is None and block.step is not None:
            earliest = max(earliest, first, ready.get(block.site or "", first))
        mask = masks.of(block.site)
        prog = data.progress.get(bid)
        if task.fixed_start is not None and task.fixed_finish is None and prog is not None and block.step:
            task = replace(task, duration=_in_progress_days(mask, task.fixed_start, block.duration, prog, index, as_of))
        out[bid] = _Note(replace(task, not_before=earliest, calendar=mask), note.note)
    return out


def _in_progress_days(
    mask: DayMask, start: int, duration: int, prog: Progress, index: DayIndex, as_of: dt.date | None
) -> int:
    """Working days of ``mask`` from a started step's start to its expected finish."""
    percent = prog.percent or 0
    done_days = duration * percent // 100
    remaining = max(1, duration - done_days) if percent < 100 else 0
    first = mask.next(start)
    resume = mask.end(first, done_days + 1) if done_days else first
    if as_of is not None:
        resume = max(resume, mask.next(index.to_index(as_of)))
    if remaining == 0:
        return max(1, mask.count(first, resume))
    return mask.count(first, mask.end(resume, remaining) + 1)


def _with_sites(
    plan: Plan, data: CompanyFile, site_plan: SitePlan, calendars: Mapping[str, WorkCalendar], lang: str
) -> Plan:
    """``plan`` with its sites' windows."""
    by_site: dict[str, list[Task]] = {}
    for task in plan.tasks:
        if task.site is not None:
            by_site.setdefault(task.site, []).append(task)
    windows: list[SiteWindow] = []
    for site in data.sites:
        own = by_site.get(site.name, [])
        live = [task.finish for task in own if task.id.split("@", 1)[0] in site_plan.go_live]
        windows.append(
            SiteWindow(
                name=site.name,
                wave=site_plan.waves[site.name],
                employees=site.employees,
                country=site.country or data.company.country,
                start=min((task.start for task in own), default=plan.start),
                go_live=min(live, default=None),
                finish=max((task.finish for task in own), default=plan.start),
                blackout=tuple(DateSpan(start=w.from_, finish=w.to) for w in site.blackout),
                calendar=_site_calendar_info(plan, calendars[site.name], site, lang),
            )
        )
    windows.sort(key=lambda w: (w.wave, w.name))
    return plan.model_copy(update={"sites": tuple(windows)})


def _site_headcount(data: CompanyFile) -> tuple[SiteHeadcount, ...]:
    """A warning when the sites' headcounts (the implied head office included) miss the company's."""
    total = sum(site.employees for site in data.sites)
    if not data.sites or total == data.company.employees:
        return ()
    return (SiteHeadcount(total=total, employees=data.company.employees),)


def _block_title(block: Block, lang: str) -> str:
    """A step's title; a stage milestone's or a wave gate's."""
    if block.step is not None:
        return block.step.title.get(lang)
    if block.gate is not None:
        return t(lang, "gate_title", wave=block.gate)
    return t(lang, "milestone_title", stage=block.stage.title.get(lang))


def with_effort_and_cost(plan: Plan, data: CompanyFile) -> Plan:
    """``plan`` with its ``effort`` and ``cost`` sections (issue 12)."""
    cost, warnings = plan_cost(plan, data)
    update: dict[str, Any] = {"effort": plan_effort(plan), "cost": cost}
    if warnings:
        update["warnings"] = (*plan.warnings, *(words(w, plan.lang) for w in warnings))
        update["warning_reasons"] = (*plan.warning_reasons, *warnings)
    return plan.model_copy(update=update)


@dataclass(frozen=True)
class _Honest:
    """Issue 9's parts of a plan: answer status, progress warnings, deadlines and their risks."""

    status: AnswerStatus
    warnings: tuple[PlanWarning, ...]
    deadlines: tuple[Deadline, ...]
    risks: tuple[Risk, ...]


def _honest_parts(
    company: CompanyInput,
    library: Library,
    resolution: Resolution,
    calendar: WorkCalendar,
    tasks: list[Task],
    lang: str,
) -> _Honest:
    data, name = company.data, company.path.name
    by_id = {task.id: task for task in tasks}
    preds = {task.id: [p.id for p in task.predecessors] for task in tasks}
    dropped = resolution.drop_reasons
    warnings = progress_warnings(data, calendar, dropped, {k: v.finish for k, v in by_id.items()}, preds)
    for key, ids in (("adjust", data.adjust), ("plan.not_before", data.plan.not_before)):
        for sid in ids:
            if sid in dropped:
                warnings.append(InputDropped(field=key, id=sid, reason=dropped[sid]))
    deadlines: list[Deadline] = []
    risks: list[Risk] = []
    for bid, date in data.plan.deadlines.items():
        task = by_id.get(bid)
        if task is None:
            warnings.append(DeadlineDropped(id=bid, date=date))
            continue
        late = calendar.count_working(date + dt.timedelta(days=1), task.finish) if task.finish > date else 0
        deadlines.append(Deadline(id=bid, date=date, finish=task.finish, late_days=late))
        if task.finish > date:
            text = t(lang, "risk_deadline", id=bid, finish=task.finish, late=late, date=date)
            risks.append(Risk(text=text, because=t(lang, "risk_deadline_because", file=name)))
    return _Honest(answer_status(library, data), tuple(warnings), tuple(deadlines), tuple(risks))


def _calendar_info(calendar: WorkCalendar, start: dt.date, finish: dt.date, country: str | None) -> CalendarInfo:
    """The calendar over the plan's span, with the names of its holidays."""
    holidays = tuple(calendar.holidays_between(start, finish))
    names = {day: name for day in holidays if (name := calendar.holiday_name(day))}
    return CalendarInfo(
        weekend=calendar.weekend,
        holidays=holidays,
        extra_working_days=tuple(calendar.extra_working_between(start, finish)),
        country=country,
        holiday_names=names,
    )


def _site_calendar_info(plan: Plan, calendar: WorkCalendar, site: Site, lang: str) -> CalendarInfo | None:
    """A site's calendar over the plan's span with its blackout days; None when it is the plan's."""
    from roadmap.sites import blackout_days

    info = _calendar_info(calendar, plan.start, plan.finish, calendar.country)
    blackout = {
        day: t(lang, "site_blackout") for day in blackout_days(site, calendar) if plan.start <= day <= plan.finish
    }
    if not blackout and info.model_dump() == plan.calendar.model_dump():
        return None
    names = {**info.holiday_names, **blackout}
    return info.model_copy(  # a working weekend day inside a blackout is off too, as the scheduler has it
        update={
            "holidays": tuple(sorted({*info.holidays, *blackout})),
            "holiday_names": dict(sorted(names.items())),
            "extra_working_days": tuple(day for day in info.extra_working_days if day not in blackout),
        }
    )


def _in_plan_order(by_step: dict[str, tuple[int, ...]], tasks: list[Task]) -> dict[str, tuple[int, ...]]:
    return {task.id: by_step[task.id] for task in tasks if task.id in by_step}


def _waits_for(wait: Wait | None, status: str) -> WaitsFor | None:
    if wait is None or status != "planned":
        return None
    return WaitsFor(days=wait.days, roles=wait.roles)


def _with_not_before(
    notes: dict[str, _Note], not_before: Mapping[str, dt.date], calendar: WorkCalendar | DayIndex
) -> dict[str, _Note]:
    """``plan.not_before``: a step not yet started starts no earlier than its date."""
    from dataclasses import replace

    out = dict(notes)
    for sid, day in not_before.items():
        note = notes.get(sid)
        if note is None or note.task.fixed_start is not None:
            continue
        earliest = max(note.task.not_before, calendar.to_index(day))
        out[sid] = replace(note, task=replace(note.task, not_before=earliest))
    return out


def _sched_tasks(
    resolution: Resolution,
    progress: dict[str, Progress],
    calendar: WorkCalendar | DayIndex,
    as_of: dt.date | None,
) -> dict[str, _Note]:
    """One scheduler task per kept block, progress applied."""
    not_before = calendar.to_index(as_of) if as_of else 0
    out: dict[str, _Note] = {}
    for bid in sorted(resolution.blocks):
        block = resolution.blocks[bid]
        preds = tuple(
            sorted((p, int(resolution.graph.edges[p, bid]["lag"])) for p in resolution.graph.predecessors(bid))
        )
        roles = block.step.roles if block.step else ()
        demand = () if not roles or roles.whole else tuple(roles.demands.values())
        prog = progress.get(bid) if block.step else None
        # A milestone marks the finish of its last step, even when that was before --as-of.
        earliest = 0 if block.step is None and preds else max(0, not_before)
        task = SchedTask(id=bid, duration=block.duration, preds=preds, roles=roles, not_before=earliest, demand=demand)
        note: InProgress | None = None
        if prog and prog.status == "done" and prog.start and prog.finish:
            s = calendar.to_index(prog.start)
            f = max(s, calendar.to_index(calendar.previous_working(prog.finish)))
            task = SchedTask(
                id=bid, duration=f - s + 1, preds=preds, roles=roles, fixed_start=s, fixed_finish=f, demand=demand
            )
        elif prog and prog.status == "in_progress" and prog.start:
            s = calendar.to_index(prog.start)
            percent = prog.percent or 0
            done_days = block.duration * percent // 100
            remaining = max(1, block.duration - done_days) if percent < 100 else 0
            resume = max(s + done_days, not_before if as_of else 0)
            finish = max(s, resume + remaining - 1)
            task = SchedTask(id=bid, duration=finish - s + 1, preds=preds, roles=roles, fixed_start=s, demand=demand)
            note = InProgress(start=prog.start, percent=percent, remaining=remaining)
        out[bid] = _Note(task, note)
    return out


@dataclass(frozen=True)
class _Note:
    """A scheduler task with the fact explaining its progress."""

    task: SchedTask
    note: InProgress | None


def _task_order(resolution: Resolution, start: Any) -> list[str]:
    """Stage order, then start, milestones last in their stage, then id."""
    blocks = resolution.blocks
    return sorted(
        blocks,
        key=lambda b: (blocks[b].stage.order, blocks[b].step is None, start[b], b),
    )


def _stage_id(block_id: str) -> str:
    return block_id.split(".", 1)[0]


def _title(library: Library, block_id: str, lang: str) -> str:
    stage = library.stage_of(block_id)
    if stage is None:
        return block_id
    if block_id == stage.milestone_id:
        return t(lang, "milestone_title", stage=stage.title.get(lang))
    step = next((s for s in stage.steps if s.id == block_id), None)
    return step.title.get(lang) if step else block_id


@dataclass(frozen=True)
class _StageWords:
    """What :func:`roadmap.report.stage_words` needs besides the stage."""

    titles: dict[str, str]
    answers: Mapping[str, Any]
    """The company file's answers."""
    applicable: set[str]


def _stage_summaries(
    library: Library,
    tasks: list[Task],
    calendar: WorkCalendar,
    lang: str,
    words: _StageWords,
    country: str | None,
) -> list[StageSummary]:
    out: list[StageSummary] = []
    by_stage: dict[str, list[Task]] = {}
    for task in tasks:
        by_stage.setdefault(task.stage, []).append(task)
    for stage in library.stages:
        own = by_stage.get(stage.id, [])
        if not own:
            continue
        start = min(task.start for task in own)
        finish = max(task.finish for task in own)
        out.append(
            StageSummary(
                id=stage.id,
                order=stage.order,
                title=stage.title.get(lang),
                start=start,
                finish=finish,
                working_days=calendar.count_working(start, finish),
                milestone=stage.milestone_id,
                **stage_words(stage, words.titles, words.answers, words.applicable, country, lang),
            )
        )
    return out


def due_and_overdue(plan: Plan, on_time: Plan | None) -> DueList | None:
    """The due and overdue steps of ``plan`` at its status date (None without one).

    ``on_time`` is the same company planned without the status date: a step it finishes before
    the status date and that is not done is overdue.
    """
    if plan.as_of is None:
        return None
    as_of = plan.as_of
    week_end = as_of + dt.timedelta(days=DUE_WINDOW_DAYS - 1)
    open_steps = [task for task in plan.tasks if not task.milestone and task.status != "done"]
    expected: dict[str, dt.date] = {}
    if on_time is not None:
        expected = {task.id: task.finish for task in on_time.tasks}
    overdue = [
        DueItem(id=task.id, title=task.title, finish=expected[task.id], status=task.status, percent=task.percent)
        for task in open_steps
        if task.id in expected and expected[task.id] < as_of
    ]
    late = {item.id for item in overdue}
    due = [
        DueItem(id=task.id, title=task.title, finish=task.finish, status=task.status, percent=task.percent)
        for task in open_steps
        if task.id not in late and as_of <= task.finish <= week_end
    ]
    return DueList(as_of=as_of, overdue=tuple(sorted(overdue, key=_by_finish)), due=tuple(sorted(due, key=_by_finish)))


def _by_finish(item: DueItem) -> tuple[dt.date, str]:
    return item.finish, item.id
