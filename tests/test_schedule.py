"""The resource-constrained scheduler: date rules, levelling, slack, critical path, properties."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from itertools import pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from roadmap.schedule import (
    PRIORITY_RULE,
    SchedResult,
    SchedTask,
    ScheduleError,
    schedule_tasks,
)
from tests.conftest import examples

pytestmark = pytest.mark.usefixtures("real_improvement")  # conftest: run the improvement every time

UNLIMITED = 10**6
ROLES = ("dev", "it", "pm")


def task(
    id: str,
    duration: int,
    *preds: str | tuple[str, int],
    roles: Sequence[str] = (),
    not_before: int = 0,
    fixed_start: int | None = None,
    fixed_finish: int | None = None,
) -> SchedTask:
    """A task; a predecessor is an id (lag 0) or an (id, lag) pair."""
    return SchedTask(
        id=id,
        duration=duration,
        preds=tuple((p, 0) if isinstance(p, str) else p for p in preds),
        roles=tuple(roles),
        not_before=not_before,
        fixed_start=fixed_start,
        fixed_finish=fixed_finish,
    )


def gap(t: SchedTask, lag: int) -> int:
    """Days from a predecessor's finish to the earliest start of ``t``."""
    return lag if t.duration == 0 else lag + 1


def usage(
    tasks: Sequence[SchedTask], start: Mapping[str, int], finish: Mapping[str, int]
) -> dict[tuple[str, int], int]:
    """How many tasks hold each role on each day."""
    used: dict[tuple[str, int], int] = {}
    for t in tasks:
        if t.duration == 0:
            continue
        for role in set(t.roles):
            for day in range(start[t.id], finish[t.id] + 1):
                used[role, day] = used.get((role, day), 0) + 1
    return used


def forward_pass(tasks: Sequence[SchedTask]) -> dict[str, int]:
    """A plain critical-path forward pass (no capacities): the earliest starts."""
    by_id = {t.id: t for t in tasks}
    start: dict[str, int] = {}
    finish: dict[str, int] = {}

    def visit(tid: str) -> None:
        if tid in start:
            return
        t = by_id[tid]
        es = t.not_before
        for p, lag in t.preds:
            visit(p)
            es = max(es, finish[p] + gap(t, lag))
        start[tid] = es
        finish[tid] = es + max(t.duration - 1, 0)

    for t in tasks:
        visit(t.id)
    return start


# -- date rules ---------------------------------------------------------------------------------


def test_a_task_occupies_its_duration() -> None:
    result = schedule_tasks([task("a", 3)], {})
    assert (result.start["a"], result.finish["a"]) == (0, 2)


def test_successor_starts_the_day_after_its_predecessor_plus_lag() -> None:
    result = schedule_tasks([task("a", 3), task("b", 2, "a"), task("c", 1, ("a", 2))], {})
    assert result.start["b"] == 3
    assert result.finish["b"] == 4
    assert result.start["c"] == 5


def test_milestone_sits_on_the_finish_of_its_last_predecessor() -> None:
    tasks = [task("a", 3), task("b", 5), task("m", 0, "a", "b"), task("n", 0, ("a", 1)), task("c", 2, "m")]
    result = schedule_tasks(tasks, {})
    assert result.start["m"] == result.finish["m"] == 4  # b finishes on index 4
    assert result.start["n"] == result.finish["n"] == 3  # a's finish (2) plus the lag
    assert result.start["c"] == 5  # the working day after the milestone


def test_milestone_without_predecessors_sits_on_not_before() -> None:
    result = schedule_tasks([task("kickoff", 0, not_before=4), task("a", 1, "kickoff")], {})
    assert result.start["kickoff"] == result.finish["kickoff"] == 4
    assert result.start["a"] == 5


def test_not_before_holds_every_unfixed_task() -> None:
    result = schedule_tasks([task("a", 2, not_before=3), task("b", 1, "a", not_before=10)], {})
    assert result.start["a"] == 3
    assert result.start["b"] == 10


def test_milestones_hold_no_role() -> None:
    tasks = [task("a", 2, roles=["dev"]), task("m", 0, roles=["dev"]), task("b", 2, roles=["dev"])]
    result = schedule_tasks(tasks, {"dev": 1})
    assert result.start["m"] == 0
    assert sorted([result.start["a"], result.start["b"]]) == [0, 2]


# -- capacities ---------------------------------------------------------------------------------


def test_capacity_levels_tasks() -> None:
    tasks = [task(name, 2, roles=["dev"]) for name in "abc"]
    one = schedule_tasks(tasks, {"dev": 1})
    assert [one.start[t] for t in "abc"] == [0, 2, 4]
    two = schedule_tasks(tasks, {"dev": 2})
    assert [two.start[t] for t in "abc"] == [0, 0, 2]
    assert schedule_tasks(tasks, {}, default_capacity=3).start == {"a": 0, "b": 0, "c": 0}


def test_priority_goes_to_the_least_latest_start() -> None:
    # b feeds a long chain: its latest start is earlier, so it gets the developer first.
    tasks = [task("a", 2, roles=["dev"]), task("b", 2, roles=["dev"]), task("c", 5, "b")]
    result = schedule_tasks(tasks, {"dev": 1})
    assert result.start["b"] == 0
    assert result.start["a"] == 2
    assert result.rule == PRIORITY_RULE
    assert "least latest start" in result.rule


def test_a_task_waits_for_a_free_slot_on_every_role() -> None:
    tasks = [
        task("a", 3, roles=["dev"]),
        task("b", 2, roles=["it"], not_before=2),
        task("c", 2, roles=["dev", "it"]),
    ]
    result = schedule_tasks(tasks, {"dev": 1, "it": 1}, improvement=False)
    assert result.start["a"] == 0
    assert result.start["b"] == 2
    assert result.start["c"] == 4  # dev is free from 3, it from 4
    improved = schedule_tasks(tasks, {"dev": 1, "it": 1})  # c first: a and b after it, one day sooner
    assert (improved.start["c"], improved.start["a"], improved.start["b"]) == (0, 2, 2)


def test_a_task_fits_into_a_gap_long_enough() -> None:
    tasks = [
        task("x", 2, roles=["dev"], fixed_start=0),
        task("y", 2, roles=["dev"], fixed_start=5),
        task("c", 3, roles=["dev"]),
        task("d", 4, roles=["dev"]),
    ]
    result = schedule_tasks(tasks, {"dev": 1})
    # d goes first (its latest start is earlier) but the 3-day gap is too short for it.
    assert result.start["d"] == 7
    assert result.start["c"] == 2


def test_capacity_zero_is_an_error_for_a_task_that_needs_the_role() -> None:
    with pytest.raises(ScheduleError, match="capacity is 0"):
        schedule_tasks([task("a", 1, roles=["dev"])], {"dev": 0})


# -- fixed tasks --------------------------------------------------------------------------------


def test_done_and_in_progress_tasks_are_placed_where_they_are() -> None:
    tasks = [
        task("done", 99, fixed_start=-6, fixed_finish=-4, roles=["dev"]),
        task("doing", 3, "done", fixed_start=-1, roles=["dev"]),
        task("next", 2, "doing", roles=["dev"]),
        task("other", 2, roles=["dev"]),
    ]
    result = schedule_tasks(tasks, {"dev": 1})
    assert (result.start["done"], result.finish["done"]) == (-6, -4)
    assert (result.start["doing"], result.finish["doing"]) == (-1, 1)
    assert result.start["next"] == 2
    assert result.start["other"] == 4  # the developer is busy until index 3
    assert result.critical_path == ("doing", "next", "other")


def test_fixed_tasks_ignore_their_predecessors_and_may_exceed_capacity() -> None:
    tasks = [
        task("late", 5, not_before=3),
        task("started", 4, "late", fixed_start=0, roles=["dev"]),
        task("also", 4, fixed_start=1, roles=["dev"]),
        task("after", 1, roles=["dev"]),
    ]
    result = schedule_tasks(tasks, {"dev": 1})
    assert result.start["started"] == 0
    assert result.start["also"] == 1
    assert result.start["after"] == 5
    assert all(value >= 0 for value in result.slack.values())


def test_fixed_milestone() -> None:
    result = schedule_tasks([task("gate", 0, fixed_start=3, fixed_finish=3), task("a", 1, "gate")], {})
    assert result.start["gate"] == result.finish["gate"] == 3
    assert result.start["a"] == 4


# -- slack and critical path --------------------------------------------------------------------


def test_slack_from_precedence() -> None:
    result = schedule_tasks([task("a", 5), task("b", 2), task("c", 1, "a", "b")], {})
    assert result.slack == {"a": 0, "b": 3, "c": 0}
    assert result.critical == {"a": True, "b": False, "c": True}
    assert result.critical_path == ("a", "c")


def test_slack_follows_resource_links() -> None:
    # a and b share the only developer: b waits for a, so a cannot slip either.
    tasks = [task("a", 3, roles=["dev"]), task("b", 2, roles=["dev"]), task("x", 1)]
    result = schedule_tasks(tasks, {"dev": 1})
    assert (result.start["a"], result.start["b"]) == (0, 3)
    assert result.resource_links == (("a", "b"),)
    assert result.slack == {"a": 0, "b": 0, "x": 4}
    assert result.critical_path == ("a", "b")


def test_critical_path_ends_with_the_closing_milestone() -> None:
    tasks = [task("a", 2), task("b", 3, "a"), task("z", 1), task("end", 0, "b", "z")]
    result = schedule_tasks(tasks, {})
    assert result.critical_path == ("a", "b", "end")


def test_empty_plan() -> None:
    result = schedule_tasks([], {})
    assert result.start == {}
    assert result.critical_path == ()


# -- errors -------------------------------------------------------------------------------------


def test_cycle_is_named() -> None:
    tasks = [task("a", 1, "c"), task("b", 1, "a"), task("c", 1, "b"), task("d", 1, "a")]
    with pytest.raises(ScheduleError, match="cycle: a -> b -> c -> a"):
        schedule_tasks(tasks, {})
    with pytest.raises(ScheduleError, match="cycle: s -> s"):
        schedule_tasks([task("s", 1, "s")], {})


@pytest.mark.parametrize(
    ("tasks", "message"),
    [
        ([task("a", 1, "ghost")], "unknown task 'ghost'"),
        ([task("a", 1), task("a", 2)], "duplicate task id 'a'"),
        ([task("a", -1)], "negative duration"),
        ([task("a", 1), task("b", 1, ("a", -1))], "negative lag"),
        ([task("a", 1, fixed_finish=3)], "needs a fixed start"),
        ([task("a", 1, fixed_start=3, fixed_finish=2)], "before fixed start"),
        ([task("a", 0, fixed_start=3, fixed_finish=4)], "milestone"),
    ],
)
def test_bad_values(tasks: list[SchedTask], message: str) -> None:
    with pytest.raises(ScheduleError, match=message):
        schedule_tasks(tasks, {})


def test_bad_capacities() -> None:
    with pytest.raises(ScheduleError, match="negative capacity"):
        schedule_tasks([task("a", 1, roles=["dev"])], {"dev": -1})
    with pytest.raises(ScheduleError, match="negative default capacity"):
        schedule_tasks([task("a", 1)], {}, default_capacity=-1)
    assert issubclass(ScheduleError, ValueError)


# -- properties over random plans ---------------------------------------------------------------


@st.composite
def plans(draw: st.DrawFn, *, spread_not_before: bool = False) -> tuple[list[SchedTask], dict[str, int]]:
    """A random DAG of tasks (ids t0..tN, so sorting by id mixes the creation order)."""
    n = draw(st.integers(min_value=1, max_value=14))
    tasks: list[SchedTask] = []
    for i in range(n):
        preds = draw(st.lists(st.integers(min_value=0, max_value=i - 1), unique=True, max_size=3)) if i else []
        lags = [draw(st.integers(min_value=0, max_value=2)) for _ in preds]
        tasks.append(
            SchedTask(
                id=f"t{i}",
                duration=draw(st.integers(min_value=0, max_value=5)),
                preds=tuple((f"t{p}", lag) for p, lag in zip(preds, lags, strict=True)),
                roles=tuple(draw(st.lists(st.sampled_from(ROLES), unique=True, max_size=2))),
                not_before=draw(st.integers(min_value=0, max_value=4)) if spread_not_before else 0,
            )
        )
    capacity = {role: draw(st.integers(min_value=1, max_value=2)) for role in ROLES}
    return tasks, capacity


def check_constraints(tasks: Sequence[SchedTask], capacity: Mapping[str, int], result: SchedResult) -> None:
    by_id = {t.id: t for t in tasks}
    start, finish = result.start, result.finish
    for t in tasks:
        assert start[t.id] >= t.not_before
        assert finish[t.id] == start[t.id] + max(t.duration - 1, 0)
        for p, lag in t.preds:
            assert start[t.id] >= finish[p] + gap(t, lag)
        if t.duration == 0 and t.preds:
            assert start[t.id] == max(t.not_before, *(finish[p] + lag for p, lag in t.preds))
    for (role, _), count in usage(tasks, start, finish).items():
        assert count <= capacity[role]
    for earlier, later in result.resource_links:
        assert finish[earlier] < start[later]
        assert set(by_id[earlier].roles) & set(by_id[later].roles)


@settings(max_examples=examples(100), deadline=None)
@given(plan=plans(spread_not_before=True))
def test_constraints_hold(plan: tuple[list[SchedTask], dict[str, int]]) -> None:
    tasks, capacity = plan
    check_constraints(tasks, capacity, schedule_tasks(tasks, capacity))


@settings(max_examples=examples(100), deadline=None)
@given(plan=plans())
def test_critical_path_is_a_tight_chain_from_first_start_to_finish(
    plan: tuple[list[SchedTask], dict[str, int]],
) -> None:
    tasks, capacity = plan
    result = schedule_tasks(tasks, capacity)
    by_id = {t.id: t for t in tasks}
    links = set(result.resource_links)
    assert all(result.critical[t] == (result.slack[t] == 0) for t in result.start)
    assert all(slack >= 0 for slack in result.slack.values())
    path = result.critical_path
    assert path
    assert all(result.critical[t] for t in path)
    assert result.start[path[0]] == min(result.start.values())
    assert result.finish[path[-1]] == max(result.finish.values())
    for before, after in pairwise(path):
        lags = [lag for p, lag in by_id[after].preds if p == before]
        if lags:
            assert result.finish[before] + gap(by_id[after], lags[0]) == result.start[after]
        else:
            assert (before, after) in links
            assert result.finish[before] + 1 == result.start[after]


def slip(tasks: Sequence[SchedTask], result: SchedResult, moved: str, days: int) -> dict[str, int]:
    """Delay one task; push the others only as far as precedence and resource links demand."""
    by_id = {t.id: t for t in tasks}
    start = dict(result.start)
    start[moved] += days
    edges = [(p, t.id, gap(t, lag)) for t in tasks for p, lag in t.preds]
    edges += [(a, b, 1) for a, b in result.resource_links]
    changed = True
    while changed:
        changed = False
        for a, b, g in edges:
            need = start[a] + max(by_id[a].duration - 1, 0) + g
            if start[b] < need:
                start[b] = need
                changed = True
    return start


@settings(max_examples=examples(66), deadline=None)
@given(plan=plans(spread_not_before=True), data=st.data())
def test_a_task_can_slip_by_its_slack_and_no_more(
    plan: tuple[list[SchedTask], dict[str, int]], data: st.DataObject
) -> None:
    tasks, capacity = plan
    result = schedule_tasks(tasks, capacity)
    project_finish = max(result.finish.values())
    moved = data.draw(st.sampled_from(sorted(result.start)))
    slack = result.slack[moved]
    start = slip(tasks, result, moved, slack)
    finish = {t.id: start[t.id] + max(t.duration - 1, 0) for t in tasks}
    assert max(finish.values()) == project_finish
    for (role, _), count in usage(tasks, start, finish).items():
        assert count <= capacity[role]
    # Others move only when pushed, and never beyond their own slack.
    assert all(result.start[t] <= start[t] <= result.start[t] + result.slack[t] for t in start)
    late = slip(tasks, result, moved, slack + 1)
    assert max(late[t.id] + max(t.duration - 1, 0) for t in tasks) > project_finish


@settings(max_examples=examples(66), deadline=None)
@given(plan=plans(spread_not_before=True))
def test_with_unlimited_capacity_the_schedule_is_the_forward_pass(
    plan: tuple[list[SchedTask], dict[str, int]],
) -> None:
    tasks, _ = plan
    result = schedule_tasks(tasks, {}, default_capacity=UNLIMITED)
    assert result.start == forward_pass(tasks)


def descendants(tasks: Sequence[SchedTask], root: str) -> set[str]:
    found = {root}
    grew = True
    while grew:
        grew = False
        for t in tasks:
            if t.id not in found and any(p in found for p, _ in t.preds):
                found.add(t.id)
                grew = True
    return found


@settings(max_examples=examples(66), deadline=None)
@given(plan=plans(spread_not_before=True), data=st.data())
def test_removing_a_bridged_task_moves_only_its_descendants_and_only_earlier(
    plan: tuple[list[SchedTask], dict[str, int]], data: st.DataObject
) -> None:
    tasks, _ = plan
    removed = data.draw(st.sampled_from(tasks))
    kept = []
    for t in tasks:
        if t is removed:
            continue
        preds: list[tuple[str, int]] = []
        for p, lag in t.preds:
            if p == removed.id:
                preds.extend((q, lag + lag_q) for q, lag_q in removed.preds)
            else:
                preds.append((p, lag))
        kept.append(dataclasses.replace(t, preds=tuple(preds)))
    before = schedule_tasks(tasks, {}, default_capacity=UNLIMITED).start
    after = schedule_tasks(kept, {}, default_capacity=UNLIMITED).start
    affected = descendants(tasks, removed.id)
    for tid, when in after.items():
        assert when <= before[tid]
        if tid not in affected:
            assert when == before[tid]


@settings(max_examples=examples(66), deadline=None)
@given(plan=plans(spread_not_before=True), data=st.data())
def test_result_does_not_depend_on_input_order(
    plan: tuple[list[SchedTask], dict[str, int]], data: st.DataObject
) -> None:
    tasks, capacity = plan
    shuffled = data.draw(st.permutations(tasks))
    reordered = [dataclasses.replace(t, roles=tuple(reversed(t.roles))) for t in shuffled]
    assert schedule_tasks(reordered, capacity) == schedule_tasks(tasks, capacity)


def test_fixed_tasks_keep_constraints_for_the_rest() -> None:
    tasks = [
        task("a", 4, roles=["dev"], fixed_start=0, fixed_finish=3),
        task("b", 3, "a", roles=["dev"], fixed_start=4),
        task("c", 2, "b", roles=["dev", "it"]),
        task("d", 5, roles=["it"]),
        task("e", 1, "c", "d", roles=["dev"]),
    ]
    capacity = {"dev": 1, "it": 1}
    result = schedule_tasks(tasks, capacity)
    check_constraints(tasks, capacity, result)
    assert result.start["c"] == 7
    assert result.start["d"] == 0
