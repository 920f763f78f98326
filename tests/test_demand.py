"""Demands in units: a step needs people of each role (a list: one each; a mapping: shares in
steps of 0.05), a team has people per role (decimals allowed), and levelling keeps every
working day's demands within the team (exact, in hundredths of a person)."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from roadmap.demand import RoleDemands, hundredths, people
from roadmap.errors import InputError
from roadmap.library import load_library
from roadmap.models import Step
from roadmap.plan import plan_file
from roadmap.schedule import SchedResult, SchedTask, ScheduleError, schedule_tasks
from tests.conftest import examples
from tests.libgen import company, stage, step, write_company, write_library
from tests.test_schedule import slip

pytestmark = pytest.mark.usefixtures("real_improvement")  # conftest: run the improvement every time

D = dt.date
ROLES = ("dev", "hr", "it")


def shared(
    id: str, duration: int, demand: Mapping[str, float], *preds: str, fixed_start: int | None = None
) -> SchedTask:
    return SchedTask(
        id=id,
        duration=duration,
        preds=tuple((p, 0) for p in preds),
        roles=tuple(demand),
        demand=tuple(demand.values()),
        fixed_start=fixed_start,
    )


# -- the model ---------------------------------------------------------------------------------


def test_a_list_is_one_person_of_each_role() -> None:
    s = Step.model_validate({"id": "a.b", "title": "x", "duration_days": 2, "roles": ["dev", "hr"]})
    assert s.roles == ("dev", "hr") and s.demands == {"dev": 1.0, "hr": 1.0}
    assert s.roles.whole and s.model_dump()["roles"] == ["dev", "hr"]


def test_a_mapping_gives_people_per_role_and_keeps_the_role_tuple() -> None:
    s = Step.model_validate({"id": "a.b", "title": "x", "duration_days": 2, "roles": {"hr": 0.25, "it": 2}})
    assert s.roles == ("hr", "it") and isinstance(s.roles, tuple)
    assert s.demands == {"hr": 0.25, "it": 2.0}
    assert not s.roles.whole and s.model_dump()["roles"] == {"hr": 0.25, "it": 2.0}
    assert RoleDemands({"hr": 0.5}) != RoleDemands({"hr": 0.25})


def test_hundredths_are_exact() -> None:
    assert [hundredths(x) for x in (0.05, 0.15, 0.35, 1.1, 2.55)] == [5, 15, 35, 110, 255]
    assert (people(200), people(25), people(150)) == (2, 0.25, 1.5)


# -- the scheduler -----------------------------------------------------------------------------


def test_two_halves_share_one_person() -> None:
    result = schedule_tasks([shared("a", 3, {"hr": 0.5}), shared("b", 3, {"hr": 0.5})], {"hr": 1})
    assert result.start == {"a": 0, "b": 0}


def test_shares_above_the_capacity_wait() -> None:
    result = schedule_tasks([shared("a", 3, {"hr": 0.6}), shared("b", 2, {"hr": 0.5})], {"hr": 1})
    assert sorted(result.start.values()) == [0, 3]
    assert len(result.resource_links) == 1


def test_a_capacity_with_decimals() -> None:
    tasks = [shared("a", 2, {"hr": 1}), shared("b", 2, {"hr": 0.5}), shared("c", 2, {"hr": 0.5})]
    result = schedule_tasks(tasks, {"hr": 1.5})
    assert sorted(result.start.values()) == [0, 0, 2]


def test_several_people_of_one_role() -> None:
    tasks = [shared("a", 2, {"it": 2}), shared("b", 2, {"it": 1})]
    assert sorted(schedule_tasks(tasks, {"it": 3}).start.values()) == [0, 0]
    assert sorted(schedule_tasks(tasks, {"it": 2}).start.values()) == [0, 2]


def test_twenty_twentieths_fill_one_person_exactly() -> None:
    tasks = [shared(f"t{i:02}", 1, {"hr": 0.05}) for i in range(21)]
    start = schedule_tasks(tasks, {"hr": 1}).start
    assert sorted(start.values()) == [0] * 20 + [1]


def test_a_demand_above_the_capacity_is_an_error() -> None:
    with pytest.raises(ScheduleError, match=r"needs 2 people of role .it., whose capacity is 1\.5"):
        schedule_tasks([shared("a", 1, {"it": 2})], {"it": 1.5})


def test_bad_demands() -> None:
    with pytest.raises(ScheduleError, match=r"not a positive multiple of 0\.01"):
        schedule_tasks([shared("a", 1, {"it": 0.001})], {})
    with pytest.raises(ScheduleError, match="2 demands for 1 roles"):
        schedule_tasks([SchedTask(id="a", duration=1, roles=("it",), demand=(1, 1))], {})


@st.composite
def fractional_plans(draw: st.DrawFn) -> tuple[list[SchedTask], dict[str, float]]:
    n = draw(st.integers(min_value=1, max_value=14))
    capacity = {role: draw(st.integers(min_value=2, max_value=40)) * 0.05 for role in ROLES}
    tasks: list[SchedTask] = []
    for i in range(n):
        preds = draw(st.lists(st.integers(min_value=0, max_value=i - 1), unique=True, max_size=3)) if i else []
        roles = draw(st.lists(st.sampled_from(ROLES), unique=True, max_size=3))
        demand = {r: draw(st.integers(min_value=1, max_value=hundredths(capacity[r]) // 5)) * 0.05 for r in roles}
        fixed = draw(st.one_of(st.none(), st.integers(min_value=0, max_value=6))) if draw(st.booleans()) else None
        task = shared(f"t{i}", draw(st.integers(min_value=0, max_value=5)), demand, *(f"t{p}" for p in preds))
        if fixed is not None and not preds:
            task = shared(task.id, task.duration, demand, fixed_start=fixed)
        tasks.append(task)
    return tasks, capacity


def day_use(tasks: Sequence[SchedTask], result: SchedResult) -> dict[tuple[str, int], int]:
    used: dict[tuple[str, int], int] = {}
    for t in tasks:
        if t.duration == 0 or t.fixed_start is not None:
            continue
        for role, n in zip(t.roles, t.demand, strict=True):
            for day in range(result.start[t.id], result.finish[t.id] + 1):
                used[role, day] = used.get((role, day), 0) + hundredths(n)
    return used


@settings(max_examples=examples(33), deadline=None)
@given(plan=fractional_plans())
def test_no_day_exceeds_any_capacity_with_fractional_demands(plan: tuple[list[SchedTask], dict[str, float]]) -> None:
    tasks, capacity = plan
    result = schedule_tasks(tasks, capacity)
    fixed_use: dict[tuple[str, int], int] = {}
    for t in tasks:
        if t.fixed_start is not None and t.duration:
            for role, n in zip(t.roles, t.demand, strict=True):
                for day in range(t.fixed_start, t.fixed_start + t.duration):
                    fixed_use[role, day] = fixed_use.get((role, day), 0) + hundredths(n)
    for (role, day), used in day_use(tasks, result).items():
        # fixed tasks are where they are; the others never push a day over the capacity
        assert used + fixed_use.get((role, day), 0) <= max(hundredths(capacity[role]), fixed_use.get((role, day), 0))
    by_id = {t.id: t for t in tasks}
    for t in tasks:
        assert result.finish[t.id] == result.start[t.id] + max(t.duration - 1, 0)  # never split
        if t.fixed_start is None:
            for p, _ in t.preds:
                assert result.start[t.id] >= result.finish[p] + (0 if t.duration == 0 else 1)
    for earlier, later in result.resource_links:
        assert result.finish[earlier] < result.start[later]
        assert set(by_id[earlier].roles) & set(by_id[later].roles)


def test_whole_demands_schedule_exactly_as_the_list_form() -> None:
    as_list = [SchedTask(id=f"t{i}", duration=1 + i % 3, roles=("dev",) if i % 2 else ("dev", "it")) for i in range(9)]
    as_units = [shared(t.id, t.duration, dict.fromkeys(t.roles, 1)) for t in as_list]
    assert schedule_tasks(as_list, {"dev": 2}) == schedule_tasks(as_units, {"dev": 2})


# -- files -------------------------------------------------------------------------------------


def lib_with(tmp_path: Path, roles: Any) -> Path:
    copy = dict(roles) if isinstance(roles, dict) else list(roles)
    stages = [stage("s", 1, [step("s.a", 3, roles=roles), step("s.b", 3, roles=copy)])]
    return write_library(tmp_path / "lib", stages, roles=("dev", "hr", "it"))


def test_library_demand_errors_point_at_the_value(tmp_path: Path) -> None:
    lib = lib_with(tmp_path, {"hr": 0.33, "it": 0, "dve": 1})
    with pytest.raises(InputError) as info:
        load_library(lib)
    text = str(info.value)
    assert "1-s.yaml:" in text
    lines = text.splitlines()
    assert any(":10:9: steps[0].roles.hr: people are counted in steps of 0.05" in line for line in lines), text
    assert any(":11:9: steps[0].roles.it: should be greater than 0" in line for line in lines), text


def test_unknown_role_in_a_mapping_points_at_the_key(tmp_path: Path) -> None:
    lib = lib_with(tmp_path, {"hr": 0.5, "dve": 1})
    with pytest.raises(InputError) as info:
        load_library(lib)
    assert "unknown role 'dve' (did you mean 'dev'?)" in str(info.value)
    assert str(info.value).split(": ", 1)[0].endswith(":11:5")


def plan_with(tmp_path: Path, roles: Any, team: Mapping[str, Any] | None = None) -> Any:
    lib = lib_with(tmp_path, roles)
    path = write_company(tmp_path / "company.yaml", company(D(2027, 1, 4), team=team))
    return plan_file(path, library_dir=lib)[0]


def test_halves_run_together_in_a_plan(tmp_path: Path) -> None:
    plan = plan_with(tmp_path, {"hr": 0.5, "dev": 1}, team={"dev": 2})
    a, b = (t for t in plan.tasks if not t.milestone)
    assert a.start == b.start and a.roles == ("hr", "dev")


def test_capacity_with_decimals_in_the_company_file(tmp_path: Path) -> None:
    plan = plan_with(tmp_path, {"hr": 0.75}, team={"hr": 1.5})
    a, b = (t for t in plan.tasks if not t.milestone)
    assert a.start == b.start and plan.team == {"hr": 1.5}


def test_demand_above_the_team_entry_points_at_it(tmp_path: Path) -> None:
    with pytest.raises(InputError) as info:
        plan_with(tmp_path, {"it": 2}, team={"it": 1.5})
    first = str(info.value).splitlines()[0]
    assert first.endswith("team.it: 1.5, but step 's.a' needs 2 people of 'it'"), first
    assert "company.yaml:" in first and first.split("company.yaml:", 1)[1].split(":")[0].isdigit()


def test_demand_above_the_default_points_at_the_demand(tmp_path: Path) -> None:
    with pytest.raises(InputError) as info:
        plan_with(tmp_path, {"it": 1.5})
    first = str(info.value).splitlines()[0]
    assert "1-s.yaml:10:9:" in first and "step 's.a' needs 1.5 people of 'it'" in first, first


@pytest.mark.parametrize("bad", ["0", "-1", "0.333", "yes", "many"])
def test_bad_team_sizes(tmp_path: Path, bad: str) -> None:
    lib = lib_with(tmp_path, ["dev"])
    path = tmp_path / "company.yaml"
    path.write_text(f"company:\n  name: X\n  employees: 300\nplan:\n  start: 2027-01-04\nteam:\n  dev: {bad}\n")
    with pytest.raises(InputError, match=r"company.yaml:7:8: team.dev"):
        plan_file(path, library_dir=lib)


def test_ms_project_gets_units_and_work_of_shares(tmp_path: Path) -> None:
    import xml.etree.ElementTree as ET

    from roadmap.render import RenderContext, render

    lib = lib_with(tmp_path, {"hr": 0.25, "dev": 1})
    path = write_company(tmp_path / "company.yaml", company(D(2027, 1, 4), team={"hr": 1.5}))
    plan = plan_file(path, library_dir=lib)[0]
    root = ET.fromstring(render("mspdi", RenderContext(plan=plan)))
    ns = {"p": "http://schemas.microsoft.com/project"}
    units = sorted(
        (a.findtext("p:Units", namespaces=ns), a.findtext("p:Work", namespaces=ns))
        for a in root.iterfind(".//p:Assignment", ns)
    )
    assert units == [("0.25", "PT6H0M0S")] * 2 + [("1", "PT24H0M0S")] * 2
    caps = {
        r.findtext("p:Name", namespaces=ns): r.findtext("p:MaxUnits", namespaces=ns)
        for r in root.iterfind(".//p:Resource", ns)
    }
    assert caps["HR"] == "1.50"


@settings(max_examples=examples(50), deadline=None)
@given(seed=st.integers(min_value=0, max_value=10**6))
def test_a_task_can_slip_by_its_slack_with_shares(seed: int) -> None:
    """Slack on roles shared in units: slipping a task by its slack (pushing what follows it)
    keeps the finish and every day's demands within the capacity."""
    rng = random.Random(seed)
    cap = {r: rng.randint(2, 30) * 0.05 for r in ROLES}
    tasks = []
    for i in range(rng.randint(2, 10)):
        roles = rng.sample(ROLES, rng.randint(0, 2))
        preds = tuple((f"t{p}", rng.choice((0, 0, 1))) for p in rng.sample(range(i), min(i, rng.randint(0, 2))))
        demand = tuple(rng.randint(1, hundredths(cap[r]) // 5) * 0.05 for r in roles)
        tasks.append(SchedTask(id=f"t{i}", duration=rng.randint(0, 5), preds=preds, roles=tuple(roles), demand=demand))
    result = schedule_tasks(tasks, cap)
    finish = max(result.finish.values())
    for moved in result.start:
        start = slip(tasks, result, moved, result.slack[moved])
        used: dict[tuple[str, int], int] = {}
        for t in tasks:
            for role, n in zip(t.roles, t.demand, strict=True):
                for day in range(start[t.id], start[t.id] + t.duration):
                    used[role, day] = used.get((role, day), 0) + hundredths(n)
        assert max(start[t.id] + max(t.duration - 1, 0) for t in tasks) == finish
        assert all(v <= hundredths(cap[role]) for (role, _), v in used.items())
