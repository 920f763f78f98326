"""Which person would help (issue 9, point 5): who a delayed step waits for, and what one more
person of each role would gain.

Works on the scheduler's own inputs and result, outside the scheduler: a step *waits for* a
role when, at the day its predecessors allowed it to start, that role's people were all busy
with other steps on some day of its span. ``gain_days`` re-plans with one more person of a role
and counts the working days the finish moves earlier. Only roles that held back a step with no
slack are re-planned: a role whose people were never all busy, or that only delayed steps with
slack to spare, is given a gain of 0. Above :data:`FULL_REPLAN_TASKS` tasks, only the
:data:`LARGE_PLAN_ROLES` roles that held zero-slack steps back the longest are re-planned.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from roadmap.daymask import DayMask
from roadmap.schedule import SchedResult, SchedTask, project_finishes

FULL_REPLAN_TASKS = 2000
"""Up to this many tasks, every candidate role is re-planned."""
LARGE_PLAN_ROLES = 1
"""Above it, how many roles are re-planned (the one that held zero-slack steps back longest)."""


@dataclass(frozen=True)
class Wait:
    """How long a step waited for people, and of which roles."""

    days: int
    roles: tuple[str, ...]


@dataclass(frozen=True)
class RoleLoad:
    """One role's staffing figures."""

    role: str
    capacity: int | float
    """People of the role (``team``; 1 when not given)."""
    busy_days: int | float
    """Person-days of planned work holding the role (done and in-progress work included), to 0.01."""
    gain_days: int
    """Working days the finish moves earlier with one more person of the role."""


@dataclass(frozen=True)
class Staffing:
    """What the team size does to the plan."""

    waits: dict[str, Wait]
    """Step id → its wait (only steps that waited)."""
    roles: tuple[RoleLoad, ...]
    """Every role the plan uses: largest gain first, then role id."""
    bound_by_team: bool
    """Whether a step on the critical path waited for people (else the method's order binds)."""


def _earliest(task: SchedTask, finish: Mapping[str, int]) -> int:
    mask = task.calendar
    if mask is not None:  # issue 17: on the task's own working days
        ms = task.duration == 0
        first = max([task.not_before, *(mask.after(finish[p], lag, milestone=ms) for p, lag in task.preds)])
        return first if ms else mask.next(first)
    gap = 0 if task.duration == 0 else 1
    return max([task.not_before, *(finish[p] + lag + gap for p, lag in task.preds)])


HUNDRED = 100
"""Usage and capacities are counted in hundredths of a person, as the scheduler counts them."""


def _capacity(role: str, team: Mapping[str, int | float]) -> int:
    """People of a role, in hundredths."""
    return round(team.get(role, 1) * HUNDRED)


def _people(hundredths: int) -> int | float:
    """Hundredths of a person → a number for people to read (whole numbers stay whole)."""
    return hundredths // HUNDRED if hundredths % HUNDRED == 0 else hundredths / HUNDRED


def _needs(task: SchedTask) -> dict[str, int]:
    """Role → hundredths of a person the task holds (one person each without demands)."""
    if not task.demand:
        return dict.fromkeys(task.roles, HUNDRED)
    return {role: round(need * HUNDRED) for role, need in zip(task.roles, task.demand, strict=True)}


def staffing(
    tasks: Sequence[SchedTask], result: SchedResult, team: Mapping[str, int | float], head_office: DayMask | None = None
) -> Staffing:
    """Waits per step, and per role its capacity, busy person-days and gain from one more person.

    Issue 17: with a calendar per task, indices are calendar days: a step holds its roles on its
    own working days, waits are counted in them, and gains in ``head_office``'s working days.
    """
    use: dict[str, dict[int, int]] = {}
    needs = {task.id: _needs(task) for task in tasks}
    for task in tasks:
        if task.duration == 0:
            continue
        on_days: Iterable[int] = range(result.start[task.id], result.finish[task.id] + 1)
        if task.calendar is not None:
            on_days = [d for d in on_days if task.calendar.works(d)]
        for role, need in needs[task.id].items():
            days = use.setdefault(role, {})
            for d in on_days:
                days[d] = days.get(d, 0) + need
    # A role is saturated when on some day less than its smallest demand was left free.
    smallest = {role: min(n[role] for n in needs.values() if role in n) for role in use}
    saturated = {
        role for role, days in use.items() if days and max(days.values()) + smallest[role] > _capacity(role, team)
    }

    waits: dict[str, Wait] = {}
    for task in tasks:
        if task.duration == 0 or task.fixed_start is not None or not task.roles:
            continue
        start = result.start[task.id]
        earliest = _earliest(task, result.finish)
        if start <= earliest:
            continue
        span = result.finish[task.id] - start
        full = tuple(
            sorted(
                role
                for role in set(task.roles)
                if role in saturated
                and _full_within(use[role], _capacity(role, team), needs[task.id][role], earliest, span, start)
            )
        )
        waited = start - earliest if task.calendar is None else task.calendar.count(earliest, start)
        waits[task.id] = Wait(waited, full or tuple(sorted(set(task.roles) & saturated)))

    held: dict[str, int] = {}  # role -> working days it held zero-slack steps back
    for tid, wait in waits.items():
        if result.critical.get(tid):
            for role in wait.roles:
                held[role] = held.get(role, 0) + wait.days
    candidates = sorted(held, key=lambda role: (-held[role], role))
    if len(tasks) > FULL_REPLAN_TASKS:
        candidates = candidates[:LARGE_PLAN_ROLES]
    gains: dict[str, int] = {}
    if candidates:
        base: dict[str, float] = {role: team.get(role, 1) for role in use}
        more = ({**base, role: base[role] + 1} for role in candidates)
        finishes = project_finishes(tasks, [base, *more], scheduled=result)
        if head_office is None:
            gains = {role: max(0, finishes[0] - more) for role, more in zip(candidates, finishes[1:], strict=True)}
        else:
            gains = {
                role: head_office.count(more + 1, finishes[0] + 1)
                for role, more in zip(candidates, finishes[1:], strict=True)
            }
    # The critical path runs through a step that waited for people exactly when team size binds.
    bound = any(tid in waits for tid in result.critical_path)
    loads = [
        RoleLoad(role, _people(_capacity(role, team)), _people(sum(use[role].values())), gains.get(role, 0))
        for role in use
    ]
    loads.sort(key=lambda load: (-load.gain_days, load.role))
    return Staffing(waits, tuple(loads), bound)


def _full_within(days: Mapping[int, int], capacity: int, need: int, earliest: int, span: int, start: int) -> bool:
    """Whether the role had too few free people for the step on a day of the span it could have had."""
    # Its own days from ``start`` on count in ``days``; the window before its start does not hold it.
    for d in range(earliest, min(earliest + span + 1, start)):
        if days.get(d, 0) + need > capacity:
            return True
    return any(days.get(d, 0) > capacity for d in range(start, earliest + span + 1))
