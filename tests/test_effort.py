"""Effort and cost: examples worked out by hand, then totals that reconcile on random plans."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from cli import app
from roadmap.demand import hundredths
from roadmap.errors import InputError
from roadmap.plan import Plan, plan_file
from tests.conftest import examples
from tests.libgen import ROLES, Oracle, company, random_dag_stages, stage, step, write_company, write_library

D = dt.date
START = D(2027, 1, 4)  # a Monday; FR holidays: none in January after the 1st

LIB = [
    stage("s", 1, [step("s.a", 3, roles={"pm": 1, "dev": 0.5}), step("s.b", 2, after=["s.a"], roles=["dev"])]),
    stage("t", 2, [step("t.a", 5, after=["s.done"], roles={"qa": 0.25})]),
]


def make_plan(tmp_path: Path, stages: Any = LIB, start: dt.date = START, **extra: Any) -> Plan:
    lib = write_library(tmp_path / "lib", stages)
    data = company(start, team=extra.pop("team", None))
    data.update(extra)
    return plan_file(write_company(tmp_path / "company.yaml", data), library_dir=lib)[0]


def test_task_effort_is_demand_times_working_days(tmp_path: Path) -> None:
    plan = make_plan(tmp_path)
    tasks = {t.id: t for t in plan.tasks}
    assert tasks["s.a"].demands == {"pm": 1.0, "dev": 0.5}
    assert tasks["s.a"].effort == {"pm": 3.0, "dev": 1.5}
    assert tasks["s.b"].effort == {"dev": 2.0}
    assert tasks["t.a"].effort == {"qa": 1.25}
    assert tasks["s.done"].effort == {} and tasks["s.done"].demands == {}
    assert plan.effort.by_role == {"dev": 3.5, "pm": 3.0, "qa": 1.25}
    assert plan.effort.by_stage == {"s": {"dev": 3.5, "pm": 3.0}, "t": {"qa": 1.25}}
    assert plan.effort.total == 7.75


def test_effort_lands_in_the_month_of_each_working_day(tmp_path: Path) -> None:
    # t.a runs Wed 2027-01-27 .. Tue 2027-02-02: 3 days in January, 2 in February
    plan = make_plan(
        tmp_path,
        stages=[stage("t", 1, [step("t.a", 5, roles={"qa": 0.25, "pm": 2})])],
        start=D(2027, 1, 27),
        team={"pm": 2},
    )
    assert plan.effort.by_month == {"2027-01": {"pm": 6.0, "qa": 0.75}, "2027-02": {"pm": 4.0, "qa": 0.5}}


def test_cost_at_day_rates_with_items(tmp_path: Path) -> None:
    plan = make_plan(
        tmp_path,
        team={"dev": 1},
        rates={"currency": "EUR", "roles": {"dev": 500, "pm": 800.25}},
        costs=[
            {"name": "Licence", "amount": 1000, "at": "s.b"},
            {"name": "Hosting", "amount": "10.01", "every": "month", "from": "s.done", "until": D(2027, 3, 31)},
        ],
    )
    cost = plan.cost
    assert cost is not None and cost.currency == "EUR"
    assert cost.by_role == {"dev": "1750.00", "pm": "2400.75"}
    assert cost.unpriced == ("qa",)
    licence, hosting = cost.items
    assert licence.dates == (D(2027, 1, 7),) and licence.total == "1000.00" and licence.stage == "s"
    assert hosting.dates == (D(2027, 1, 8), D(2027, 2, 8), D(2027, 3, 8)) and hosting.total == "30.03"
    assert cost.labour == "4150.75"
    assert cost.total == "5180.78"
    assert cost.by_stage == {"s": "5180.78", "t": "0.00"}
    assert cost.by_month == {"2027-01": "5160.76", "2027-02": "10.01", "2027-03": "10.01"}


def test_hour_rates(tmp_path: Path) -> None:
    plan = make_plan(tmp_path, rates={"currency": "USD", "unit": "hour", "hours_per_day": 7.5, "roles": {"qa": 100}})
    assert plan.cost is not None and plan.cost.by_role == {"qa": "937.50"}  # 1.25 person-days × 7.5 h × 100


def test_a_yearly_cost_on_the_last_day_of_a_month_stays_at_month_end(tmp_path: Path) -> None:
    stages = [stage("s", 1, [step("s.a", 1, roles=["pm"])])]
    plan = make_plan(
        tmp_path,
        stages=stages,
        start=D(2027, 1, 29),
        rates={"currency": "EUR"},
        costs=[{"name": "M", "amount": 1, "every": "month", "from": "s.a", "until": D(2027, 4, 30)}],
    )
    assert plan.cost is not None
    assert plan.cost.items[0].dates == (D(2027, 1, 29), D(2027, 2, 28), D(2027, 3, 29), D(2027, 4, 29))
    assert plan.cost.unpriced == ("pm",) and plan.cost.by_role == {}


def test_no_rates_and_no_costs_no_cost_section(tmp_path: Path) -> None:
    plan = make_plan(tmp_path)
    assert plan.cost is None
    assert "cost" not in plan.model_dump(mode="json")


def test_cost_tied_to_a_dropped_block_warns(tmp_path: Path) -> None:
    plan = make_plan(
        tmp_path,
        rates={"currency": "EUR"},
        costs=[{"name": "Kit", "amount": 5, "at": "t.a"}],
        plan={"start": START, "exclude": ["t.a"]},
    )
    assert plan.cost is not None and plan.cost.items[0].dates == () and plan.cost.total == "0.00"
    assert any("cost 'Kit' is tied to t.a" in w for w in plan.warnings)


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"rates": {"currency": "EUR", "roles": {"dve": 1}}}, "unknown role 'dve' (did you mean 'dev'?)"),
        (
            {"rates": {"currency": "EUR"}, "costs": [{"name": "x", "amount": 1, "at": "s.bb"}]},
            "unknown step or milestone 's.bb' (did you mean 's.b'?)",
        ),
        (
            {"rates": {"currency": "EUR"}, "costs": [{"name": "x", "amount": 1, "every": "week", "from": "s.done"}]},
            "expected one of 'month' or 'year'",
        ),
        ({"costs": [{"name": "x", "amount": 1, "at": "s.b"}]}, "costs need a currency"),
        ({"rates": {"currency": "EUR", "roles": {"dev": 1.234}}}, "2 decimal places"),
        ({"rates": {"currency": "euro"}}, "rates.currency"),
        (
            {"rates": {"currency": "EUR"}, "costs": [{"name": "x", "amount": 1, "at": "s.b", "every": "month"}]},
            "either once (at) or recurring",
        ),
    ],
)
def test_bad_rates_and_costs(tmp_path: Path, extra: dict[str, Any], message: str) -> None:
    with pytest.raises(InputError) as info:
        make_plan(tmp_path, **extra)
    text = str(info.value)
    assert message in text and "company.yaml:" in text, text
    assert text.split("company.yaml:", 1)[1].split(":")[0].isdigit()


def test_terminal_prints_effort_per_role_and_the_cost(tmp_path: Path) -> None:
    lib = write_library(tmp_path / "lib", LIB)
    data = company(START)
    data["rates"] = {"currency": "EUR", "roles": {"dev": 500}}
    path = write_company(tmp_path / "company.yaml", data)
    args = ["plan", str(path), "--library", str(lib), "--out", str(tmp_path / "out")]
    result = CliRunner().invoke(app, args, env={"COLUMNS": "100"})
    assert result.exit_code == 0, result.output
    assert "Effort (person-days): 7.75 (dev 3.5, " in result.output
    assert "Cost: EUR 1,750.00" in result.output and "no rate (not counted): pm, qa" in result.output
    details = CliRunner().invoke(app, [*args, "--details"], env={"COLUMNS": "100"})
    lines = [line.split() for line in details.output.splitlines()]
    assert ["dev", "3.5"] in lines and ["Total", "7.75"] in lines


def test_gantt_page_has_the_load_section(tmp_path: Path) -> None:
    lib = write_library(tmp_path / "lib", LIB)
    path = write_company(tmp_path / "company.yaml", company(START))
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["plan", str(path), "--library", str(lib), "--out", str(out), "--format", "gantt"])
    assert result.exit_code == 0, result.output
    page = (out / "gantt.html").read_text(encoding="utf-8")
    assert '<section class="load" id="load">' in page and "Load per role" in page
    assert page.count('class="bar"') == 3 * 2  # three roles, two weeks (Jan 4 → Jan 15)


# -- properties --------------------------------------------------------------------------------


SHARES = (0.05, 0.25, 0.5, 0.75, 1, 2)


def random_plan(tmp_path: Path, seed: int) -> tuple[Plan, dict[str, float]]:
    rng = random.Random(seed)
    stages = random_dag_stages(rng, n_stages=rng.randint(1, 4), max_steps=5)
    for st_ in stages:
        for sp in st_["steps"]:
            if rng.random() < 0.7:
                sp["roles"] = {role: rng.choice(SHARES) for role in sp.get("roles", [])}
    team = {role: rng.choice((2, 2.5, 3)) for role in ROLES}
    priced = rng.sample(ROLES, rng.randint(0, len(ROLES)))
    rates = {"currency": "EUR", "roles": {r: rng.choice((0.01, 333.33, 812.5, 1000)) for r in priced}}
    if rng.random() < 0.5:
        rates.update({"unit": "hour", "hours_per_day": rng.choice((7, 7.5, 8))})
    blocks = [sp["id"] for st_ in stages for sp in st_["steps"]] + [f"{st_['id']}.done" for st_ in stages]
    costs = [
        {"name": "once", "amount": "1234.56", "at": rng.choice(blocks)},
        {"name": "monthly", "amount": 99.99, "every": "month", "from": rng.choice(blocks)},
        {"name": "yearly", "amount": 0.07, "every": "year", "from": rng.choice(blocks), "until": D(2030, 1, 1)},
    ]
    start = D(2027, 1, 1) + dt.timedelta(days=rng.randint(0, 400))
    lib = write_library(tmp_path / f"lib{seed}", stages)
    data = company(start, team=team)
    data.update(rates=rates, costs=costs)
    return plan_file(write_company(tmp_path / f"c{seed}.yaml", data), library_dir=lib)[0], team


def cents(value: str) -> int:
    return int(Decimal(value) * 100)


@settings(max_examples=examples(25), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(min_value=0, max_value=10**6))
def test_totals_reconcile_and_no_day_exceeds_a_capacity(tmp_path: Path, seed: int) -> None:
    plan, team = random_plan(tmp_path, seed)
    effort, cost = plan.effort, plan.cost
    assert cost is not None
    # effort: tasks = by_role = Σ by_stage = Σ by_month (in hundredths of a person-day, exactly)
    per_role: dict[str, int] = {}
    for task in plan.tasks:
        for role, days in task.effort.items():
            assert hundredths(days) == hundredths(task.demands[role]) * task.duration_days
            per_role[role] = per_role.get(role, 0) + hundredths(days)
    assert per_role == {r: hundredths(v) for r, v in effort.by_role.items()}
    for table in (effort.by_stage, effort.by_month):
        summed: dict[str, int] = {}
        for roles in table.values():
            for role, value in roles.items():
                summed[role] = summed.get(role, 0) + hundredths(value)
        assert summed == per_role
    assert hundredths(effort.total) == sum(per_role.values())
    # cost: total = Σ by_stage = Σ by_month = labour + Σ items; labour = Σ by_role
    total = cents(cost.total)
    assert total == sum(map(cents, cost.by_stage.values())) == sum(map(cents, cost.by_month.values()))
    assert cents(cost.labour) == sum(map(cents, cost.by_role.values()))
    assert total == cents(cost.labour) + sum(cents(item.total) for item in cost.items)
    assert set(cost.unpriced) == set(per_role) - set(cost.by_role)
    # no working day holds more people of a role than the team has
    oracle = Oracle("FR", None, ())
    busy: dict[tuple[str, dt.date], int] = {}
    for task in plan.tasks:
        for day in oracle.between(task.start, task.finish):
            for role, need in task.demands.items():
                busy[role, day] = busy.get((role, day), 0) + hundredths(need)
    for (role, _), used in busy.items():
        assert used <= hundredths(team[role])


def test_baseline_and_diff_show_the_cost_delta_per_stage(tmp_path: Path) -> None:
    from roadmap.diff import diff_plans
    from roadmap.plan import save_company_baseline
    from roadmap.render.json_out import plan_to_dict

    lib = write_library(tmp_path / "lib", LIB)
    data = company(START)
    data["rates"] = {"currency": "EUR", "roles": {"dev": 500, "qa": 100}}
    path = write_company(tmp_path / "company.yaml", data)
    baseline, before = save_company_baseline(path, library_dir=lib)
    data["rates"]["roles"]["dev"] = 600
    write_company(path, data)
    after = plan_file(path, library_dir=lib, baseline=baseline)[0]
    assert {s.id: s.cost_delta for s in after.stages} == {"s": "350.00", "t": "0.00"}
    changes = diff_plans(plan_to_dict(before), plan_to_dict(after)).cost
    assert [(c.stage, c.old, c.new, c.delta) for c in changes] == [
        ("s", "1750.00", "2100.00", "+350.00"),
        ("total", "1875.00", "2225.00", "+350.00"),
    ]
    result = CliRunner().invoke(app, ["diff", str(baseline), str(baseline)])
    assert "Cost changed" not in result.output


@settings(max_examples=examples(200), deadline=None)
@given(
    weekend=st.sets(st.sampled_from(("sat", "sun", "fri")), max_size=2),
    holidays=st.sets(st.integers(min_value=0, max_value=60), max_size=8),
    extra=st.sets(st.integers(min_value=0, max_value=60), max_size=3),
    tasks=st.lists(
        st.tuples(
            st.integers(min_value=-800, max_value=900), st.integers(min_value=-5, max_value=40), st.integers(1, 30)
        ),
        min_size=1,
        max_size=6,
    ),
)
def test_a_tasks_working_days_come_from_the_table_as_from_a_walk(
    weekend: set[str], holidays: set[int], extra: set[int], tasks: list[tuple[int, int, int]]
) -> None:
    """Issue 14: WorkingDays.of reads one table per calendar (extended as tasks need it); the days
    are those a day-by-day walk from the start finds (cut at the duration, padded with the last)."""
    from roadmap.effort import WorkingDays
    from roadmap.plan import CalendarInfo, Task

    base = dt.date(2027, 1, 4)
    info = CalendarInfo(
        weekend=tuple(sorted(weekend)),
        holidays=tuple(sorted(base + dt.timedelta(days=k) for k in holidays)),
        extra_working_days=tuple(sorted(base + dt.timedelta(days=k) for k in extra)),
    )
    days = WorkingDays(info)

    def walk(task: Task) -> list[dt.date]:
        found: list[dt.date] = []
        day = task.start
        while day <= task.finish and len(found) < task.duration_days:
            if days.is_working(day):
                found.append(day)
            day += dt.timedelta(days=1)
        found = found or [task.start]
        return found + [found[-1]] * (task.duration_days - len(found))

    for offset, span, n in tasks:
        start = base + dt.timedelta(days=offset)
        task = Task.model_construct(id="x", start=start, finish=start + dt.timedelta(days=span), duration_days=n)
        assert days.of(task) == walk(task)
        length = (task.finish - task.start).days + 1
        every = [task.start + dt.timedelta(days=k) for k in range(max(length, 0))]
        assert days.count(task.start, task.finish) == sum(map(days.is_working, every))  # plan.xml's durations
        after = every[1:] if length > 0 else [task.finish + dt.timedelta(days=k) for k in range(1, 2 - length)]
        moved = sum(map(days.is_working, after))  # diff's slips: counted in (earlier, later], signed
        assert days.between(task.start, task.finish) == (moved if length > 0 else -moved)


def test_the_weekly_load_never_passes_the_team_with_site_calendars() -> None:
    """A site working on a day the plan's calendar rests (another country's week) counts that day:
    the chart's promise that no bar passes the team size holds (it showed 3.75 of 3 people)."""
    from roadmap.effort import weekly_load
    from roadmap.plan import plan_file
    from tests.conftest import ROOT

    plan = plan_file(ROOT / "examples" / "builder-sites.yaml")[0]
    _, series = weekly_load(plan)
    assert series
    for role, values in series.items():
        assert max(values) <= plan.team.get(role, 1), role
