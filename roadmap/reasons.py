"""Reasons as data (issue 11): why a block was dropped, each part of a duration, waits, progress.

``resolve`` and ``plan`` state facts as small frozen records, ``{code, ...params}``, with ids
and numbers only; :func:`roadmap.wording.say` turns one into the sentence of the plan's language, with the
words of the catalogue (:data:`roadmap.i18n.MESSAGES`) and the library's titles and labels.
plan.json carries both: ``why``/``reason`` sentences and ``reasons`` records. ``roadmap diff``
compares the records. Every record class names its catalogue key in ``MESSAGE``; a test checks
that each has words in both languages.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field

FactValue = bool | int | float | str | dt.date | list[bool | int | float | str] | None
"""A company fact or an answer as conditions see it."""


class _Reason(BaseModel):
    """Base of the reason records: immutable, exact."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    MESSAGE: ClassVar[str]
    """The catalogue key of the sentence."""


class Fact(BaseModel):
    """A company fact or an answer a condition read, with its value."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    """A question id or a company fact (``employees``, ``branches``…)."""
    value: FactValue
    """Its value (None: not answered)."""


class Answers(BaseModel):
    """The answers to one question that would select a block."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    question: str
    """The question id."""
    values: tuple[str, ...]
    """Option values (``yes``/``no`` for a yes/no question)."""


# ---------------------------------------------------------------- why a block was dropped


class StageExcluded(_Reason):
    """The company file's ``plan.exclude`` names the block's stage."""

    MESSAGE = "drop_stage_excluded"
    code: Literal["stage_excluded"] = "stage_excluded"
    """The kind of reason."""
    stage: str
    """The stage id."""
    file: str
    """The company file's name."""


class StageDroppedByAnswer(_Reason):
    """An answer's effect excludes the block's stage."""

    MESSAGE = "drop_stage_by_answer_title"
    code: Literal["stage_dropped_by_answer"] = "stage_dropped_by_answer"
    """The kind of reason."""
    stage: str
    """The stage id."""
    question: str
    """The question answered."""
    value: str
    """The option chosen (``yes``/``no`` for a yes/no question)."""


class StageCondition(_Reason):
    """The stage's own ``when`` does not hold."""

    MESSAGE = "drop_stage_condition_facts"
    code: Literal["stage_condition"] = "stage_condition"
    """The kind of reason."""
    stage: str
    """The stage id."""
    when: str
    """The condition."""
    facts: tuple[Fact, ...]
    """The answers and facts it reads, with their values (library order)."""


class Excluded(_Reason):
    """The company file's ``plan.exclude`` names the step."""

    MESSAGE = "drop_excluded"
    code: Literal["excluded"] = "excluded"
    """The kind of reason."""
    file: str
    """The company file's name."""


class DroppedByAnswer(_Reason):
    """An answer's effect excludes the step."""

    MESSAGE = "cause_answer_label"
    code: Literal["dropped_by_answer"] = "dropped_by_answer"
    """The kind of reason."""
    question: str
    """The question answered."""
    value: str
    """The option chosen (``yes``/``no`` for a yes/no question)."""


class Condition(_Reason):
    """The step's own ``when`` does not hold."""

    MESSAGE = "drop_condition_facts"
    code: Literal["condition"] = "condition"
    """The kind of reason."""
    when: str
    """The condition."""
    facts: tuple[Fact, ...]
    """The answers and facts it reads, with their values (library order)."""


class OptionalNotSelected(_Reason):
    """An optional step no answer includes."""

    MESSAGE = "drop_optional_by_answers"
    code: Literal["optional_not_selected"] = "optional_not_selected"
    """The kind of reason."""
    selected_by: tuple[Answers, ...] = ()
    """The answers that would include it (none: no answer can)."""


class RequiresDropped(_Reason):
    """The step requires a block that was dropped."""

    MESSAGE = "drop_requires_title"
    code: Literal["requires_dropped"] = "requires_dropped"
    """The kind of reason."""
    requires: str
    """The dropped block's id."""


class StageEmpty(_Reason):
    """No step of the milestone's stage is left."""

    MESSAGE = "drop_empty_stage"
    code: Literal["stage_empty"] = "stage_empty"
    """The kind of reason."""
    stage: str
    """The stage id."""


# ---------------------------------------------------------------- why a block takes that long, and when


class Milestone(_Reason):
    """The block is a stage's milestone."""

    MESSAGE = "why_milestone"
    code: Literal["milestone"] = "milestone"
    """The kind of reason."""
    stage: str
    """The stage id."""


class Base(_Reason):
    """The library's duration of the step."""

    MESSAGE = "why_base"
    code: Literal["base"] = "base"
    """The kind of reason."""
    days: int
    """Working days."""


class Scaling(_Reason):
    """Days added by a scaling rule of the step (headcount, branches, levels)."""

    MESSAGE = "why_scaling"
    code: Literal["scaling"] = "scaling"
    """The kind of reason."""
    days: int
    """Working days added."""
    by: str
    """The company fact the rule reads."""
    value: int
    """Its value."""
    add: int
    """Days the rule adds per ``per``."""
    per: int
    """The step of the fact."""
    above: int
    """The threshold the rule counts from."""
    cap: int | None = None
    """The most the rule adds."""


class AnswerDays(_Reason):
    """Days an answer's ``add_days`` effect adds."""

    MESSAGE = "why_answer"
    code: Literal["answer_days"] = "answer_days"
    """The kind of reason."""
    days: int
    """Working days added."""
    question: str
    """The question answered."""
    value: str
    """The option chosen (``yes``/``no`` for a yes/no question)."""


class AdjustSet(_Reason):
    """The company file's ``adjust`` sets the duration."""

    MESSAGE = "why_adjust_set"
    code: Literal["adjust_set"] = "adjust_set"
    """The kind of reason."""
    days: int
    """The duration set."""
    file: str
    """The company file's name."""
    note: str | None = None
    """The PM's note."""


class AdjustAdd(_Reason):
    """The company file's ``adjust`` adds (or takes) days."""

    MESSAGE = "why_adjust_add"
    code: Literal["adjust_add"] = "adjust_add"
    """The kind of reason."""
    days: int
    """Working days added (negative: taken off)."""
    file: str
    """The company file's name."""
    note: str | None = None
    """The PM's note."""


class Done(_Reason):
    """The step is done: its actual dates."""

    MESSAGE = "why_done"
    code: Literal["done"] = "done"
    """The kind of reason."""
    start: dt.date
    """Actual start."""
    finish: dt.date
    """Actual finish."""


class InProgress(_Reason):
    """The step is in progress."""

    MESSAGE = "why_in_progress"
    code: Literal["in_progress"] = "in_progress"
    """The kind of reason."""
    start: dt.date
    """Actual start."""
    percent: int
    """Percent done."""
    remaining: int
    """Working days left."""


class NotBefore(_Reason):
    """``plan.not_before`` holds the step back."""

    MESSAGE = "why_not_before"
    code: Literal["not_before"] = "not_before"
    """The kind of reason."""
    date: dt.date
    """The earliest start."""
    file: str
    """The company file's name."""


class Waits(_Reason):
    """Team limits held the step back."""

    MESSAGE = "why_capacity"
    code: Literal["waits"] = "waits"
    """The kind of reason."""
    days: int
    """Working days waited."""
    roles: tuple[str, ...]
    """The roles whose people were all busy."""


class Site(_Reason):
    """A per-site step's copy for one site (issue 17)."""

    MESSAGE = "why_site"
    code: Literal["site"] = "site"
    """The kind of reason."""
    site: str
    """The site's name."""
    employees: int
    """The site's headcount, which its copy's scaling reads."""
    wave: int
    """The site's wave."""


class Gate(_Reason):
    """The gate milestone of a wave (issue 17): the next wave starts after it."""

    MESSAGE = "why_gate"
    code: Literal["gate"] = "gate"
    """The kind of reason."""
    wave: int
    """The wave."""
    sites: tuple[str, ...]
    """The wave's sites, in the company file's order."""
    last: bool = False
    """The last wave's gate: the rollout to the sites ends there."""


class Lessons(_Reason):
    """The lessons-learned step before a wave's gate (issue 17)."""

    MESSAGE = "why_lessons"
    code: Literal["lessons"] = "lessons"
    """The kind of reason."""
    days: int
    """Its working days (``plan.waves.lessons_days``)."""


# ---------------------------------------------------------------- plan warnings


class Fit(_Reason):
    """The company is outside the method's fit (one warning, every way it is outside)."""

    MESSAGE = "fit_low"
    code: Literal["fit"] = "fit"
    """The kind of reason."""
    outside: tuple[Literal["low", "high", "levels", "branches", "industry"], ...]
    """Below 150 or above 3,000 people, under three levels, over 30 branches, industry ``other``."""
    employees: int
    """Headcount."""
    hierarchy_levels: int
    """Levels of management."""
    branches: int
    """Branch offices."""


class ProgressDropped(_Reason):
    """``progress`` names a block the plan dropped."""

    MESSAGE = "warn_progress_dropped"
    code: Literal["progress_dropped"] = "progress_dropped"
    """The kind of reason."""
    id: str
    """The block."""
    reason: DropReason
    """Why it was dropped."""


class ProgressDayOff(_Reason):
    """An actual date of ``progress`` is no working day."""

    MESSAGE = "warn_progress_day_off"
    code: Literal["progress_day_off"] = "progress_day_off"
    """The kind of reason."""
    id: str
    """The step."""
    field: Literal["start", "finish"]
    """Which date."""
    date: dt.date
    """The date."""


class ProgressEarly(_Reason):
    """A step started before a predecessor finished."""

    MESSAGE = "warn_progress_early"
    code: Literal["progress_early"] = "progress_early"
    """The kind of reason."""
    id: str
    """The step."""
    start: dt.date
    """Its actual start."""
    pred: str
    """The predecessor."""
    finish: dt.date
    """The predecessor's finish."""


class InputDropped(_Reason):
    """``adjust`` or ``plan.not_before`` names a block the plan dropped."""

    MESSAGE = "warn_input_dropped"
    code: Literal["input_dropped"] = "input_dropped"
    """The kind of reason."""
    field: str
    """``adjust`` or ``plan.not_before``."""
    id: str
    """The block."""
    reason: DropReason
    """Why it was dropped."""


class DeadlineDropped(_Reason):
    """``plan.deadlines`` names a block the plan dropped."""

    MESSAGE = "warn_deadline_dropped"
    code: Literal["deadline_dropped"] = "deadline_dropped"
    """The kind of reason."""
    id: str
    """The block."""
    date: dt.date
    """The deadline."""


class HolidaysUncovered(_Reason):
    """The ``holidays`` package has no public holidays of the country for some years of the plan."""

    MESSAGE = "holidays_uncovered"
    code: Literal["holidays_uncovered"] = "holidays_uncovered"
    """The kind of reason."""
    country: str
    """ISO code."""
    first: int
    """The first year not covered."""
    last: int
    """The last year not covered."""


class CostDropped(_Reason):
    """A cost is tied to a block the plan dropped: it is left out."""

    MESSAGE = "warn_cost_dropped"
    code: Literal["cost_dropped"] = "cost_dropped"
    """The kind of reason."""
    cost: str
    """The cost's name."""
    block: str
    """The block it is tied to."""


class SiteHeadcount(_Reason):
    """The sites' headcounts do not add up to the company's (issue 17)."""

    MESSAGE = "warn_site_headcount"
    code: Literal["site_headcount"] = "site_headcount"
    """The kind of reason."""
    total: int
    """The sites' employees, added up."""
    employees: int
    """``company.employees``."""


PlanWarning = Annotated[
    Fit
    | ProgressDropped
    | ProgressDayOff
    | ProgressEarly
    | InputDropped
    | DeadlineDropped
    | HolidaysUncovered
    | CostDropped
    | SiteHeadcount,
    Field(discriminator="code"),
]
"""A warning of the plan, as data."""

DropReason = Annotated[
    StageExcluded
    | StageDroppedByAnswer
    | StageCondition
    | Excluded
    | DroppedByAnswer
    | Condition
    | OptionalNotSelected
    | RequiresDropped
    | StageEmpty,
    Field(discriminator="code"),
]
"""Why a block is not in the plan."""

TaskReason = Annotated[
    Milestone
    | Base
    | Scaling
    | AnswerDays
    | AdjustSet
    | AdjustAdd
    | Done
    | InProgress
    | NotBefore
    | Waits
    | Site
    | Gate
    | Lessons,
    Field(discriminator="code"),
]
"""Why a task takes its working days and starts when it does."""

for _record in (ProgressDropped, InputDropped):
    _record.model_rebuild()

REASON_TYPES: tuple[type[_Reason], ...] = (
    StageExcluded,
    StageDroppedByAnswer,
    StageCondition,
    Excluded,
    DroppedByAnswer,
    Condition,
    OptionalNotSelected,
    RequiresDropped,
    StageEmpty,
    Milestone,
    Base,
    Scaling,
    AnswerDays,
    AdjustSet,
    AdjustAdd,
    Done,
    InProgress,
    NotBefore,
    Waits,
    Site,
    Gate,
    Lessons,
    Fit,
    ProgressDropped,
    ProgressDayOff,
    ProgressEarly,
    InputDropped,
    DeadlineDropped,
    HolidaysUncovered,
    CostDropped,
    SiteHeadcount,
)
"""Every kind of reason: the registry a test walks to check each has words."""


def option_answer(kind: str, value: str) -> bool | str:
    """An option value as an answer of its question (``yes`` is true for a yes/no question)."""
    if kind == "yes_no":
        return value == "yes"
    return value


AnyReason = _Reason
"""Any reason record (for functions that take either kind)."""
