"""Honest inputs (issue 9): what was answered or assumed, checks on progress, adjustments.

* :func:`answer_status` splits the applicable questions into answered in the file, assumed
  from the library default, and unanswered (no answer, no default).
* :func:`check_progress_entry` and :func:`check_status_date` refuse progress that cannot be
  true; :func:`progress_warnings` notes what is odd but possible.
* :func:`check_adjustments` checks the ids of ``adjust``, ``plan.not_before`` and
  ``plan.deadlines``; :func:`deadline_results` measures each deadline against the plan.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from roadmap.errors import Diagnostic
from roadmap.models import CompanyFile, Library
from roadmap.reasons import DropReason, PlanWarning, ProgressDayOff, ProgressDropped, ProgressEarly
from roadmap.yamlio import LoadedYaml, did_you_mean

if TYPE_CHECKING:
    from roadmap.calendar import WorkCalendar


@dataclass(frozen=True)
class AnswerStatus:
    """The applicable questions of a plan, by where their value came from (library order)."""

    given: tuple[str, ...]
    """Answered in the company file."""
    assumed: tuple[str, ...]
    """No answer: the library default is used."""
    unanswered: tuple[str, ...]
    """No answer and no default."""


def answer_status(library: Library, data: CompanyFile) -> AnswerStatus:
    """Where each question that applies to this company (as ``roadmap ask`` would ask it) stands."""
    from roadmap.resolve import applicable_questions

    given: list[str] = []
    assumed: list[str] = []
    unanswered: list[str] = []
    for _, question in applicable_questions(library, data, library.stages):
        if data.answers.get(question.id) is not None:
            given.append(question.id)
        elif question.default is not None:
            assumed.append(question.id)
        else:
            unanswered.append(question.id)
    return AnswerStatus(tuple(given), tuple(assumed), tuple(unanswered))


# ---------------------------------------------------------------- progress


def check_progress_entry(data: CompanyFile, y: LoadedYaml, sid: str) -> Iterator[Diagnostic]:
    """Progress checks beyond the model's: done means 100 %, nothing before the plan's start."""
    prog = data.progress[sid]
    loc = ("progress", sid)
    if prog.status == "done" and prog.percent is not None and prog.percent < 100:
        yield y.diagnostic((*loc, "percent"), f"'{sid}' is done but only {prog.percent}% complete")
    start = data.plan.start
    for field in ("start", "finish"):
        day = getattr(prog, field)
        if day is not None and day < start:
            yield y.diagnostic((*loc, field), f"{field} {day} is before the plan's start {start}")


def check_status_date(data: CompanyFile, y: LoadedYaml, as_of: dt.date) -> list[Diagnostic]:
    """With ``--as-of``: a done step finished, and an in-progress step started, by the status date."""
    out: list[Diagnostic] = []
    for sid, prog in data.progress.items():
        loc = ("progress", sid)
        if prog.status == "done" and prog.finish and prog.finish > as_of:
            message = f"'{sid}' is done on {prog.finish}, after the status date {as_of}"
            out.append(y.diagnostic((*loc, "finish"), message))
        if prog.status == "in_progress" and prog.start and prog.start > as_of:
            out.append(y.diagnostic((*loc, "start"), f"'{sid}' started on {prog.start}, after the status date {as_of}"))
    return out


def progress_warnings(
    data: CompanyFile,
    calendar: WorkCalendar,
    dropped: Mapping[str, DropReason],
    finish_of: Mapping[str, dt.date],
    predecessors: Mapping[str, list[str]],
) -> list[PlanWarning]:
    """Odd but possible progress: started before a predecessor finished, a day off, a dropped step."""
    out: list[PlanWarning] = []
    for sid, prog in sorted(data.progress.items()):
        if sid in dropped:
            out.append(ProgressDropped(id=sid, reason=dropped[sid]))
            continue
        for field in ("start", "finish"):
            day = getattr(prog, field)
            if day is not None and prog.status != "planned" and not calendar.is_working(day):
                out.append(ProgressDayOff(id=sid, field=field, date=day))
        if prog.status != "planned" and prog.start is not None:
            for pred in predecessors.get(sid, []):
                end = finish_of.get(pred)
                if end is not None and end >= prog.start:
                    out.append(ProgressEarly(id=sid, start=prog.start, pred=pred, finish=end))
    return out


# ---------------------------------------------------------------- adjust, not_before, deadlines


def check_adjustments(data: CompanyFile, y: LoadedYaml, library: Library) -> Iterator[Diagnostic]:
    """Unknown ids in ``adjust``, ``plan.not_before`` and ``plan.deadlines`` (with did-you-mean)."""
    from roadmap.sites import site_step_ids

    site_ids = site_step_ids(data, library)  # issue 17: STEP@SITE
    step_ids = {step.id for step in library.steps()}
    blocks = step_ids | {stage.milestone_id for stage in library.stages} | site_ids
    for sid in data.adjust:
        if sid not in step_ids and sid not in site_ids:
            yield y.diagnostic(("adjust", sid), f"unknown step '{sid}'{did_you_mean(sid, step_ids)}", key=True)
    for sid in data.plan.not_before:
        if sid not in step_ids and sid not in site_ids:
            hint = did_you_mean(sid, step_ids)
            yield y.diagnostic(("plan", "not_before", sid), f"unknown step '{sid}'{hint}", key=True)
    for bid in data.plan.deadlines:
        if bid not in blocks:
            hint = did_you_mean(bid, blocks)
            yield y.diagnostic(("plan", "deadlines", bid), f"unknown step or milestone '{bid}'{hint}", key=True)


def strict_problem(assumed: tuple[str, ...], unanswered: tuple[str, ...], file_name: str) -> str | None:
    """Why strict planning refuses a plan: the questions not answered in the file (None: all are)."""
    if not assumed and not unanswered:
        return None
    parts = []
    if unanswered:
        parts.append(f"{len(unanswered)} unanswered ({', '.join(unanswered)})")
    if assumed:
        parts.append(f"{len(assumed)} only assumed from library defaults ({', '.join(assumed)})")
    return f"strict: {' and '.join(parts)}; answer them in {file_name} (roadmap ask {file_name})"
