"""Why a step is when it is: ``roadmap explain STEP FILE`` as data.

For one step (or milestone) of a plan: each predecessor with its finish, the lag, the earliest
start it allows and whether it is the one that holds the step (the binding one); the steps it
waited for because the team has too few people of a role (:attr:`Plan.resource_links`); the
status date or plan start it could not start before; and its duration in parts: the library's
base, size scaling, answers' effects, progress (the plan's ``why``). Slack and critical flag
close it. A step that was dropped is explained by its reason.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from roadmap.calendar import WorkCalendar, build_calendar
from roadmap.company import CompanyInput
from roadmap.errors import InputError
from roadmap.models import Library
from roadmap.plan import Plan, Task
from roadmap.yamlio import did_you_mean


@dataclass(frozen=True)
class Constraint:
    """Something the step waits for: a predecessor's finish, or a person of a role."""

    id: str
    title: str
    finish: dt.date
    lag_days: int
    """Working days after its finish (0 for a role)."""
    allows: dt.date
    """The earliest start it allows."""
    binding: bool
    """It is what fixes the step's start (the start equals what it allows)."""
    roles: tuple[str, ...] = ()
    """For a wait for people: the roles both steps need."""


@dataclass(frozen=True)
class Explanation:
    """Why a step is when it is."""

    task: Task
    stage_title: str
    predecessors: tuple[Constraint, ...]
    role_waits: tuple[Constraint, ...]
    earliest: dt.date
    """The plan start or status date: no step starts before it."""
    earliest_binds: bool
    successors: tuple[str, ...]
    dropped_reason: str | None = None


def explain_step(plan: Plan, company: CompanyInput, step_id: str, library: Library | None = None) -> Explanation:
    """The explanation of ``step_id`` in ``plan``; an unknown id is an input error with a did-you-mean.

    With ``library``, the roles waited for are named by their titles.
    """
    tasks = {task.id: task for task in plan.tasks}
    task = tasks.get(step_id)
    if task is None:
        drop = next((d for d in plan.dropped if d.id == step_id), None)
        if drop is not None:
            raise InputError.at(step_id, f"'{step_id}' is not in the plan: {drop.reason}")
        known = list(tasks) + [d.id for d in plan.dropped]
        raise InputError.at(step_id, f"no step '{step_id}' in this plan{did_you_mean(step_id, known)}")
    data = company.data
    calendar = build_calendar(data.plan.start, data.company.country, data.plan.weekend, data.plan.holidays)
    preds = tuple(
        _constraint(tasks[p.id], p.lag_days, task, calendar)
        for p in sorted(task.predecessors, key=lambda p: (tasks[p.id].finish, p.id))
        if p.id in tasks
    )

    def title(role: str) -> str:
        spec = library.roles.get(role) if library else None
        return spec.title.get(plan.lang) if spec else role

    waits = tuple(
        _constraint(tasks[a], 0, task, calendar, roles=tuple(title(r) for r in task.roles if r in tasks[a].roles))
        for a, b in plan.resource_links
        if b == step_id and a in tasks
    )
    earliest = calendar.next_working(plan.as_of or data.plan.start)
    stage = next((s.title for s in plan.stages if s.id == task.stage), task.stage)
    successors = tuple(sorted(t.id for t in plan.tasks if any(p.id == step_id for p in t.predecessors)))
    return Explanation(
        task=task,
        stage_title=stage,
        predecessors=preds,
        role_waits=waits,
        earliest=earliest,
        earliest_binds=not task.milestone and task.status == "planned" and task.start == earliest,
        successors=successors,
    )


def _constraint(pred: Task, lag: int, task: Task, calendar: WorkCalendar, roles: tuple[str, ...] = ()) -> Constraint:
    gap = lag if task.milestone else lag + 1
    allows = calendar.to_date(calendar.to_index(calendar.previous_working(pred.finish)) + gap)
    start = task.finish if task.milestone else task.start
    return Constraint(pred.id, pred.title, pred.finish, lag, allows, allows == start, roles)


__all__ = ["Constraint", "Explanation", "explain_step"]
