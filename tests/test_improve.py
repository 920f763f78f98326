"""The improvement stage after the first serial pass: never longer, never infeasible, deterministic."""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from roadmap.improve import MAX_PASSES, MIN_PASSES, pass_budget
from roadmap.schedule import SchedResult, SchedTask, schedule_tasks
from tests.conftest import examples

pytestmark = pytest.mark.usefixtures("real_improvement")  # conftest: run the improvement every time

ROLES = ("dev", "it", "pm")


@st.composite
def plans(draw: st.DrawFn) -> tuple[list[SchedTask], dict[str, int]]:
    """Random tasks with links, lags, roles, release days, milestones, some started or done."""
    n = draw(st.integers(min_value=2, max_value=16))
    tasks: list[SchedTask] = []
    for i in range(n):
        preds = draw(st.lists(st.integers(min_value=0, max_value=i - 1), unique=True, max_size=3)) if i else []
        duration = draw(st.integers(min_value=0, max_value=6))
        fixed = draw(st.sampled_from((None, None, None, None, "started", "done")))
        fixed_start = draw(st.integers(min_value=0, max_value=6)) if fixed else None
        fixed_finish = None
        if fixed == "done" and fixed_start is not None:
            fixed_finish = fixed_start + max(duration - 1, 0)
        tasks.append(
            SchedTask(
                id=f"t{i}",
                duration=duration,
                preds=tuple((f"t{p}", draw(st.integers(min_value=0, max_value=2))) for p in preds),
                roles=tuple(draw(st.lists(st.sampled_from(ROLES), unique=True, max_size=2))),
                not_before=draw(st.integers(min_value=0, max_value=3)),
                fixed_start=fixed_start,
                fixed_finish=fixed_finish,
            )
        )
    capacity = {role: draw(st.integers(min_value=1, max_value=2)) for role in ROLES}
    return tasks, capacity


def makespan(result: SchedResult) -> int:
    return max(result.finish.values())


def check_feasible(tasks: Sequence[SchedTask], capacity: Mapping[str, int], result: SchedResult) -> None:
    """Links, release days and fixed dates hold; no role is over its capacity on a day a free task holds it."""
    start, finish = result.start, result.finish
    used: dict[tuple[str, int], int] = {}
    for t in tasks:
        if t.fixed_start is not None:
            assert start[t.id] == t.fixed_start
            if t.fixed_finish is not None:
                assert finish[t.id] == t.fixed_finish
        else:
            assert start[t.id] >= t.not_before
            assert finish[t.id] == start[t.id] + max(t.duration - 1, 0)
            for p, lag in t.preds:
                assert start[t.id] >= finish[p] + (lag if t.duration == 0 else lag + 1)
        if t.duration:
            for role in t.roles:
                for day in range(start[t.id], finish[t.id] + 1):
                    used[role, day] = used.get((role, day), 0) + 1
    for t in tasks:  # fixed tasks may overbook; a task placed by the scheduler never adds to that
        if t.fixed_start is None and t.duration:
            for role in t.roles:
                for day in range(start[t.id], finish[t.id] + 1):
                    fixed_here = sum(
                        1
                        for o in tasks
                        if o.fixed_start is not None
                        and o.duration
                        and role in o.roles
                        and start[o.id] <= day <= finish[o.id]
                    )
                    assert used[role, day] <= max(capacity[role], fixed_here)


@settings(max_examples=examples(33), deadline=None)
@given(plan=plans())
def test_never_longer_than_the_first_pass_and_always_feasible(plan: tuple[list[SchedTask], dict[str, int]]) -> None:
    tasks, capacity = plan
    first = schedule_tasks(tasks, capacity, improvement=False)
    best = schedule_tasks(tasks, capacity)
    assert makespan(best) <= makespan(first)
    check_feasible(tasks, capacity, best)
    if makespan(best) == makespan(first):
        assert best.start == first.start  # a tie keeps the first pass


@settings(max_examples=examples(40), deadline=None)
@given(plan=plans(), seed=st.integers(min_value=0, max_value=10**6))
def test_same_input_same_plan_whatever_the_order(plan: tuple[list[SchedTask], dict[str, int]], seed: int) -> None:
    tasks, capacity = plan
    shuffled = list(tasks)
    random.Random(seed).shuffle(shuffled)
    assert schedule_tasks(tasks, capacity) == schedule_tasks(shuffled, capacity)


def test_reaches_the_optimum_the_first_pass_misses() -> None:
    # One dev does 16 days of work, so 16 days is optimal; the first pass starts the free dev
    # tasks first and leaves t1 -> t5 waiting behind them (19 days).
    tasks = [
        SchedTask("t0", 3, roles=("it",)),
        SchedTask("t1", 4, preds=(("t0", 0),), roles=("dev",)),
        SchedTask("t2", 2, preds=(("t0", 0),), roles=("dev",)),
        SchedTask("t3", 4, roles=("dev",)),
        SchedTask("t4", 5, roles=("dev",)),
        SchedTask("t5", 1, preds=(("t1", 0),), roles=("dev",)),
    ]
    capacity = {"dev": 1, "it": 1}
    assert makespan(schedule_tasks(tasks, capacity, improvement=False)) + 1 == 19
    best = schedule_tasks(tasks, capacity)
    assert makespan(best) + 1 == 16
    check_feasible(tasks, capacity, best)


def test_the_budget_shrinks_with_size_but_never_to_nothing() -> None:
    assert pass_budget(0) == 0
    assert pass_budget(10) == MAX_PASSES
    assert pass_budget(10_000) < pass_budget(1_000) <= MAX_PASSES
    assert pass_budget(10**7) == MIN_PASSES


def test_rule_says_whether_the_improvement_ran() -> None:
    tasks = [SchedTask("a", 1, roles=("dev",)), SchedTask("b", 1, roles=("dev",))]
    assert "forward-backward" in schedule_tasks(tasks, {}).rule
    assert "forward-backward" not in schedule_tasks(tasks, {}, improvement=False).rule


def test_these_tests_run_the_improvement_itself() -> None:
    """Elsewhere the suite remembers improvements (conftest); here every call runs it."""
    import roadmap.improve
    import roadmap.schedule

    assert roadmap.schedule.improve is roadmap.improve.improve
