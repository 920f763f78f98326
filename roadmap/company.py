"""Load a company file and check it against a stage library."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from roadmap.calendar import default_weekend
from roadmap.cost import check_costs
from roadmap.errors import Diagnostic, InputError
from roadmap.inputs import check_adjustments, check_progress_entry
from roadmap.library import answer_problem
from roadmap.models import CompanyFile, Library, Question, coerce_answer
from roadmap.reasons import Fit
from roadmap.wording import words
from roadmap.yamlio import LoadedYaml, Loc, did_you_mean, load_yaml, validate_model

EARLIEST = dt.date(1990, 1, 1)
LATEST = dt.date(2100, 12, 31)
FIT_MIN, FIT_MAX = 150, 3000
FIT_MIN_LEVELS, FIT_MAX_BRANCHES = 3, 30


@dataclass(frozen=True)
class CompanyInput:
    """A validated company file, with its source kept for positions and relative paths."""

    data: CompanyFile
    """The parsed file."""
    source: LoadedYaml
    """The YAML it came from."""
    path: Path
    """Where it was read."""


def load_company(path: Path, library: Library) -> CompanyInput:
    """Read, validate and cross-check a company file; all problems are reported at once."""
    loaded = load_yaml(path, defer=True)
    from roadmap.sites import with_head_office

    data = with_head_office(normalise_answers(validate_model(loaded, CompanyFile), library))  # issue 17
    problems = list(check_company(data, loaded, library, path.parent))
    if problems:
        raise InputError(problems)
    return CompanyInput(data=data, source=loaded, path=path)


def normalise_answers(data: CompanyFile, library: Library) -> CompanyFile:
    """Read each answer the way its question means it (see :func:`~roadmap.models.coerce_answer`).

    YAML 1.1 turns a bare ``no`` into ``false``: for a single-choice question whose options are
    ``yes``/``no`` that becomes the option again; ``"oui"`` answers a yes/no question; a quoted
    ``"2027-03-01"`` answers a date question and ``"12"`` a number question; one option alone
    answers a multiple-choice question.
    """
    fixed: dict[str, Any] = {}
    for qid, value in data.answers.items():
        question = library.question(qid)
        if question is None:
            continue
        read = coerce_answer(question.kind, (o.value for o in question.options), value)
        if read is not value:
            fixed[qid] = read
    if not fixed:
        return data
    return data.model_copy(update={"answers": {**data.answers, **fixed}})


def fit_warning(data: CompanyFile, lang: str = "en") -> str | None:
    """A warning when the company is outside the method's fit, all reasons in one line."""
    record = fit_record(data)
    return None if record is None else words(record, lang)


def fit_record(data: CompanyFile) -> Fit | None:
    """How the company is outside the method's fit (None: it fits).

    The method fits manufacturing, construction and service companies of 150–3,000 people
    with three hierarchy levels or more; its size scaling covers up to 30 branches. An
    industry left as ``other`` is only mentioned along with another reason, or when stated.
    """
    company = data.company
    outside: list[Literal["low", "high", "levels", "branches", "industry"]] = []
    n = company.employees
    if n < FIT_MIN:
        outside.append("low")
    if n > FIT_MAX:
        outside.append("high")
    if company.hierarchy_levels < FIT_MIN_LEVELS:
        outside.append("levels")
    if company.branches > FIT_MAX_BRANCHES:
        outside.append("branches")
    if company.industry == "other" and "industry" in company.model_fields_set:
        outside.append("industry")
    if not outside:
        return None
    return Fit(
        outside=tuple(outside),
        employees=n,
        hierarchy_levels=company.hierarchy_levels,
        branches=company.branches,
    )


def check_company(data: CompanyFile, y: LoadedYaml, library: Library, base: Path) -> Iterator[Diagnostic]:
    """Every reference of the company file checked against the library."""
    stage_ids = {s.id for s in library.stages}
    step_ids = {step.id for step in library.steps()}
    questions = {q.id: q for _, q in library.questions()}

    if data.company.country is not None:
        try:
            default_weekend(data.company.country)
        except ValueError:
            yield y.diagnostic(
                ("company", "country"),
                f"unknown country code '{data.company.country}' (ISO 3166 alpha-2, e.g. FR, DE, RU)",
            )
    yield from _check_dates(data, y)
    for i, block in enumerate(data.plan.exclude):
        if block not in stage_ids | step_ids:
            hint = did_you_mean(block, stage_ids | step_ids)
            yield y.diagnostic(("plan", "exclude", i), f"unknown stage or step '{block}'{hint}")
    known_roles = set(library.roles)
    for role in data.team:
        if role not in known_roles:
            yield y.diagnostic(("team", role), f"unknown role '{role}'{did_you_mean(role, known_roles)}", key=True)
    for qid, value in data.answers.items():
        question = questions.get(qid)
        if question is None:
            yield y.diagnostic(("answers", qid), f"unknown question '{qid}'{did_you_mean(qid, questions)}", key=True)
            continue
        if value is None:  # left empty: not answered yet
            continue
        problem = answer_problem(question, value)
        if problem:
            yield y.diagnostic(_answer_loc(question, value), f"answer to '{qid}': {problem}")
    from roadmap.sites import site_step_ids

    site_ids = site_step_ids(data, library)  # issue 17: STEP@SITE
    for sid in data.progress:
        if sid not in step_ids and sid not in site_ids:
            yield y.diagnostic(("progress", sid), f"unknown step '{sid}'{did_you_mean(sid, step_ids)}", key=True)
    from roadmap.tracking import deliverable_problems  # issue 15

    for loc, message in deliverable_problems(data, library):
        yield y.diagnostic(loc, message)
    yield from check_adjustments(data, y, library)
    from roadmap.limits import scaling_problems

    yield from scaling_problems(data, y, library)
    yield from check_costs(data, y, library)  # issue 12
    from roadmap.sites import check_sites

    yield from check_sites(data, y, library)  # issue 17
    if data.report and data.report.logo:
        from roadmap.logo import LogoError, read_logo

        try:
            read_logo(base, data.report.logo)
        except LogoError as exc:
            yield y.diagnostic(("report", "logo"), str(exc))


def _answer_loc(question: Question, value: Any) -> Loc:
    """Where an answer's problem is: the first bad item of a multiple answer, else the answer."""
    loc: Loc = ("answers", question.id)
    if question.kind == "multiple" and isinstance(value, list):
        values = {o.value for o in question.options}
        seen: set[Any] = set()
        for i, item in enumerate(value):
            if not isinstance(item, str) or item not in values or item in seen:
                return (*loc, i)
            seen.add(item)
        exclusive = {o.value for o in question.options if o.exclusive}
        if len(value) > 1:
            return next(((*loc, i) for i, item in enumerate(value) if item in exclusive), loc)
    return loc


def _check_dates(data: CompanyFile, y: LoadedYaml) -> Iterator[Diagnostic]:
    def out_of_range(d: dt.date) -> bool:
        return not EARLIEST <= d <= LATEST

    if out_of_range(data.plan.start):
        yield y.diagnostic(("plan", "start"), f"start {data.plan.start} is outside {EARLIEST.year}–{LATEST.year}")
    for i, day in enumerate(data.plan.holidays):
        if out_of_range(day):
            yield y.diagnostic(("plan", "holidays", i), f"holiday {day} is outside {EARLIEST.year}–{LATEST.year}")
    if data.plan.weekend is not None:
        if len(set(data.plan.weekend)) == 7:
            yield y.diagnostic(("plan", "weekend"), "a week with no working day: nothing could ever be scheduled")
        if len(set(data.plan.weekend)) != len(data.plan.weekend):
            yield y.diagnostic(("plan", "weekend"), "a weekday is listed twice")
    for sid, prog in data.progress.items():
        loc = ("progress", sid)
        for field in ("start", "finish"):
            day = getattr(prog, field)
            if day is not None and out_of_range(day):
                yield y.diagnostic((*loc, field), f"{field} {day} is outside {EARLIEST.year}–{LATEST.year}")
        if prog.status in ("in_progress", "done") and prog.start is None:
            yield y.diagnostic(loc, f"'{sid}' is {prog.status}: give its actual start")
        if prog.status == "done" and prog.finish is None:
            yield y.diagnostic(loc, f"'{sid}' is done: give its actual finish")
        if prog.status == "planned" and (prog.start or prog.finish or prog.percent):
            yield y.diagnostic(
                loc, f"'{sid}' is planned: start, finish and percent belong to in_progress or done steps"
            )
        if prog.status == "in_progress" and prog.finish is not None:
            yield y.diagnostic((*loc, "finish"), f"'{sid}' is in progress: it has no finish yet (mark it done)")
        if prog.start and prog.finish and prog.finish < prog.start:
            yield y.diagnostic((*loc, "finish"), f"finish {prog.finish} is before start {prog.start}")
        yield from check_progress_entry(data, y, sid)
