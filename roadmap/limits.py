"""Limits that keep a plan inside the calendar: no step over 2,000 working days, no date past 2100.

The models cap what a file states (a duration, a lag, added days); these checks cap what the
plan computes from it (a scaled duration, the finish), and point at the company file's key that
drove it, as ``FILE:LINE:COL: message``.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from roadmap.errors import Diagnostic, InputError
from roadmap.models import MAX_DAYS
from roadmap.reasons import HolidaysUncovered
from roadmap.yamlio import EARLIEST, LATEST, Loc

if TYPE_CHECKING:
    from collections.abc import Iterator

    from roadmap.calendar import WorkCalendar
    from roadmap.company import CompanyInput
    from roadmap.models import CompanyFile, Library
    from roadmap.resolve import Resolution
    from roadmap.yamlio import LoadedYaml

RANGE = f"{EARLIEST.year}–{LATEST.year}"


def check_date(day: dt.date, param: str) -> None:
    """An :class:`InputError` on the parameter ``param`` (``as_of``) for a date outside 1990–2100."""
    if not EARLIEST <= day <= LATEST:
        raise InputError.of_param(param, f"{day} is outside {RANGE}")


def check_plan_limits(company: CompanyInput, resolution: Resolution) -> None:
    """Every step's computed duration ≤ :data:`~roadmap.models.MAX_DAYS`."""
    problems: list[Diagnostic] = []
    for block in resolution.blocks.values():
        if block.duration <= MAX_DAYS:
            continue
        loc: Loc = ("company",)
        step = block.step
        if step is not None:
            driving = [rule.by for rule in step.scaling if rule.days_for(getattr(company.data.company, rule.by))]
            loc = ("company", driving[0]) if driving else ("answers",)
        message = (
            f"step '{block.id}' would last {block.duration:,} working days (at most {MAX_DAYS:,}): "
            "check the company's size and the answers that lengthen it"
        )
        problems.append(company.source.diagnostic(loc, message))
    if problems:
        raise InputError(problems)


def check_calendar_end(company: CompanyInput, calendar: WorkCalendar, last_index: int) -> None:
    """The plan's last working day must come before the end of 2100."""
    # Its date, rather than the index of 2100's last working day: the calendar then loads the
    # plan's years only, not every year up to 2100 (issue 14).
    try:
        past = calendar.to_date(last_index) > LATEST
    except ValueError:  # past the year 9999
        past = True
    if past:
        message = f"the plan would run past {LATEST.year}: shorten it or start earlier"
        raise InputError([company.source.diagnostic(("plan", "start"), message)])


def calendar_warnings(calendar: WorkCalendar, start: dt.date, finish: dt.date) -> tuple[HolidaysUncovered, ...]:
    """A plan warning when the ``holidays`` package has no data for some of the plan's years."""
    calendar.holidays_between(start, finish)  # loads every year of the plan
    years = sorted(year for year in calendar.uncovered_years if start.year <= year <= finish.year)
    if not years or calendar.country is None:
        return ()
    return (HolidaysUncovered(country=calendar.country, first=years[0], last=years[-1]),)


def scaling_problems(data: CompanyFile, y: LoadedYaml, library: Library) -> Iterator[Diagnostic]:
    """Steps the company's size would scale past :data:`~roadmap.models.MAX_DAYS` (``validate`` sees them)."""
    for step in library.steps():
        days = step.duration_days
        driving: list[str] = []
        for rule in step.scaling:
            added = rule.days_for(getattr(data.company, rule.by))
            if added:
                days += added
                driving.append(rule.by)
        if days > MAX_DAYS and driving:
            message = (
                f"step '{step.id}' would last {days:,} working days at this size (at most {MAX_DAYS:,}): "
                f"check company.{driving[0]}"
            )
            yield y.diagnostic(("company", driving[0]), message)
