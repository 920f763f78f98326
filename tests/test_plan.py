"""The whole pipeline (load → resolve → schedule → plan.json) against the rules of the plan issue.

Examples first, one rule each, with dates worked out by hand on the real calendar; then
hypothesis properties over random libraries and calendars, checked against an independent
working-day calendar (tests/libgen.py ``Oracle``).
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import random
import re
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from cli import app
from roadmap.errors import InputError
from roadmap.plan import Plan, Task, plan_file
from roadmap.render.json_out import dumps
from tests.conftest import MINI_ALPHA, MINI_BETA, MINI_COMPANY, MINI_ROLES, examples, write_tree
from tests.libgen import ROLES, WEEKDAYS, Oracle, company, stage, step, write_company, write_library

D = dt.date
HUGE = 10_000
"""A team size no plan here can reach: capacity has no effect."""

# s.a (3 d, pm) → lag 2 → s.b (2 d, dev) → s.done → t.a (1 d, pm) → t.done
DATES = [
    stage("s", 1, [step("s.a", 3, roles=["pm"]), step("s.b", 2, after=[("s.a", 2)], roles=["dev"])]),
    stage("t", 2, [step("t.a", 1, after=["s.done"], roles=["pm"])]),
]

Planner = Callable[..., Plan]


@pytest.fixture
def planner(tmp_path: Path) -> Planner:
    """Plan ``stages`` for a company dict; each call writes its own folder."""
    runs = itertools.count()

    def run(
        stages: Sequence[Mapping[str, Any]],
        comp: Mapping[str, Any],
        *,
        as_of: dt.date | None = None,
        lang: str = "en",
    ) -> Plan:
        root = tmp_path / f"run{next(runs)}"
        lib = write_library(root / "lib", stages)
        path = write_company(root / "company.yaml", comp)
        return plan_file(path, library_dir=lib, as_of=as_of, lang=lang)[0]

    return run


def by_id(plan: Plan) -> dict[str, Task]:
    return {t.id: t for t in plan.tasks}


def dates(plan: Plan) -> dict[str, tuple[dt.date, dt.date]]:
    return {t.id: (t.start, t.finish) for t in plan.tasks}


# ----------------------------------------------------------------------- date rules


def test_dates_on_a_french_calendar(planner: Planner) -> None:
    # May 2027 in France: Thu 6 Ascension, Mon 17 Whit Monday.
    plan = planner(DATES, company(D(2027, 5, 5)))
    assert dates(plan) == {
        "s.a": (D(2027, 5, 5), D(2027, 5, 10)),  # Wed 5, Fri 7, Mon 10
        "s.b": (D(2027, 5, 13), D(2027, 5, 14)),  # lag 2: Tue 11 and Wed 12 wait
        "s.done": (D(2027, 5, 14), D(2027, 5, 14)),  # the finish of its last predecessor
        "t.a": (D(2027, 5, 18), D(2027, 5, 18)),  # next working day after a milestone
        "t.done": (D(2027, 5, 18), D(2027, 5, 18)),
    }
    assert (plan.start, plan.finish, plan.working_days) == (D(2027, 5, 5), D(2027, 5, 18), 8)
    assert plan.calendar.holidays == (D(2027, 5, 6), D(2027, 5, 17))
    assert plan.calendar.weekend == ("sat", "sun")
    assert [(t.duration_days, t.milestone) for t in plan.tasks] == [
        (3, False),
        (2, False),
        (0, True),
        (1, False),
        (0, True),
    ]


@pytest.mark.parametrize(
    ("days", "start", "finish"),
    [
        (1, D(2027, 5, 5), D(2027, 5, 5)),
        (2, D(2027, 5, 5), D(2027, 5, 7)),  # over Ascension
        (6, D(2027, 5, 5), D(2027, 5, 13)),  # over Ascension and a weekend
        (10, D(2027, 5, 5), D(2027, 5, 20)),  # ... and Whit Monday
        (40, D(2027, 6, 28), D(2027, 8, 23)),  # over 14 July
    ],
)
def test_a_step_of_n_days_occupies_exactly_n_working_days(
    planner: Planner, days: int, start: dt.date, finish: dt.date
) -> None:
    plan = planner([stage("s", 1, [step("s.a", days)])], company(start))
    task = by_id(plan)["s.a"]
    assert (task.start, task.finish, task.duration_days) == (start, finish, days)
    assert Oracle("FR").count(task.start, task.finish) == days


@pytest.mark.parametrize(
    ("lag", "start"),
    [(0, D(2027, 5, 11)), (1, D(2027, 5, 12)), (2, D(2027, 5, 13)), (4, D(2027, 5, 18)), (5, D(2027, 5, 19))],
)
def test_lag_l_starts_on_the_l_plus_first_working_day_after_the_finish(
    planner: Planner, lag: int, start: dt.date
) -> None:
    stages = [stage("s", 1, [step("s.a", 3), step("s.b", 1, after=[("s.a", lag)])])]
    plan = by_id(planner(stages, company(D(2027, 5, 5))))
    assert plan["s.a"].finish == D(2027, 5, 10)
    assert plan["s.b"].start == start
    assert plan["s.b"].predecessors[0].lag_days == lag


@pytest.mark.parametrize(
    ("plan_start", "first"),
    [
        (D(2027, 5, 5), D(2027, 5, 5)),  # a working Wednesday
        (D(2027, 5, 6), D(2027, 5, 7)),  # Ascension
        (D(2027, 5, 8), D(2027, 5, 10)),  # Saturday
        (D(2027, 5, 15), D(2027, 5, 18)),  # Saturday before Whit Monday
    ],
)
def test_roots_start_on_the_first_working_day_on_or_after_plan_start(
    planner: Planner, plan_start: dt.date, first: dt.date
) -> None:
    stages = [stage("s", 1, [step("s.a", 2), step("s.b", 5)]), stage("t", 2, [step("t.a", 1)])]
    plan = planner(stages, company(plan_start, team={"pm": HUGE}))
    assert {t.start for t in plan.tasks if not t.predecessors} == {first}
    assert plan.start == first


def test_milestone_is_dated_the_finish_of_its_last_predecessor(planner: Planner) -> None:
    stages = [
        stage("s", 1, [step("s.short", 2), step("s.long", 4)]),
        stage("t", 2, [step("t.a", 1, after=["s.done"]), step("t.b", 2, after=[("s.done", 1)])]),
    ]
    plan = by_id(planner(stages, company(D(2027, 5, 10))))
    assert plan["s.short"].finish == D(2027, 5, 11)
    assert plan["s.long"].finish == D(2027, 5, 13)
    done = plan["s.done"]
    assert (done.start, done.finish, done.duration_days, done.milestone) == (D(2027, 5, 13), D(2027, 5, 13), 0, True)
    assert done.roles == ()
    assert plan["t.a"].start == D(2027, 5, 14)  # the next working day
    assert plan["t.b"].start == D(2027, 5, 18)  # lag 1 after the milestone: Fri 14 waits, Mon 17 is a holiday
    assert plan["t.done"].finish == max(plan["t.a"].finish, plan["t.b"].finish)


def test_weekend_from_the_plan_overrides_the_country(planner: Planner) -> None:
    plan = planner(DATES, company(D(2027, 6, 3), weekend=["fri", "sat"]))
    assert plan.calendar.weekend == ("fri", "sat")
    # Thu 3, [Fri 4, Sat 5 off], Sun 6, Mon 7
    assert by_id(plan)["s.a"].finish == D(2027, 6, 7)


def test_weekend_defaults_to_the_country_s(planner: Planner) -> None:
    # Israel: Friday–Saturday weekend.
    plan = planner(DATES, company(D(2027, 1, 8), country="IL"))
    assert plan.calendar.weekend == ("fri", "sat")
    assert dates(plan)["s.a"] == (D(2027, 1, 10), D(2027, 1, 12))  # starts on Sunday
    assert dates(plan)["s.b"] == (D(2027, 1, 17), D(2027, 1, 18))  # Wed 13, Thu 14 wait; Sunday again


def test_no_country_means_saturday_sunday_and_no_public_holiday(planner: Planner) -> None:
    plan = planner(DATES, company(D(2027, 5, 6), country=None))
    assert plan.calendar.weekend == ("sat", "sun")
    assert plan.calendar.holidays == ()
    assert dates(plan)["s.a"] == (D(2027, 5, 6), D(2027, 5, 10))  # Ascension is a working day


def test_public_holidays_of_the_country(planner: Planner) -> None:
    plan = planner(DATES, company(D(2027, 7, 13)))
    assert dates(plan)["s.a"] == (D(2027, 7, 13), D(2027, 7, 16))  # 14 July is off
    assert D(2027, 7, 14) in plan.calendar.holidays


def test_transferred_working_saturday_counts_and_is_listed(planner: Planner) -> None:
    # Russia 2027: Saturday 20 February is a working day; Mon 22 (its day off) and Tue 23 are holidays.
    plan = planner(DATES, company(D(2027, 2, 18), country="RU"))
    assert dates(plan)["s.a"] == (D(2027, 2, 18), D(2027, 2, 20))
    assert by_id(plan)["s.a"].duration_days == 3
    assert dates(plan)["s.b"] == (D(2027, 2, 26), D(2027, 3, 1))  # lag 2: Wed 24, Thu 25
    assert plan.calendar.extra_working_days == (D(2027, 2, 20),)
    assert plan.calendar.holidays == (D(2027, 2, 22), D(2027, 2, 23))


def test_extra_plan_holidays(planner: Planner) -> None:
    extra = [D(2027, 7, 13), D(2027, 7, 20), D(2027, 7, 17)]  # the 17th is a Saturday anyway
    plan = planner(DATES, company(D(2027, 7, 12), holidays_=extra))
    assert dates(plan)["s.a"] == (D(2027, 7, 12), D(2027, 7, 16))
    assert dates(plan)["s.b"] == (D(2027, 7, 22), D(2027, 7, 23))  # Mon 19, [Tue 20 off], Wed 21 wait
    assert plan.calendar.holidays == (D(2027, 7, 13), D(2027, 7, 14), D(2027, 7, 20))


# ----------------------------------------------------------------------- team capacity

CAPACITY = [
    stage(
        "c",
        1,
        [
            *(step(f"c.w{k}", 2, roles=["dev"]) for k in range(4)),
            step("c.lead", 3, roles=["pm"]),
            step("c.pair", 1, roles=["pm", "dev"]),
        ],
    )
]


def role_usage(plan: Plan, oracle: Oracle) -> dict[tuple[str, dt.date], int]:
    """How many tasks hold each role on each working day."""
    used: dict[tuple[str, dt.date], int] = {}
    for task in plan.tasks:
        for day in oracle.between(task.start, task.finish):
            for role in task.roles:
                used[role, day] = used.get((role, day), 0) + 1
    return used


@pytest.mark.parametrize(("team", "days"), [({}, 9), ({"dev": 2}, 5), ({"dev": 5, "pm": 2}, 3)])
def test_team_capacity_is_never_exceeded(planner: Planner, team: dict[str, int], days: int) -> None:
    plan = planner(CAPACITY, company(D(2027, 1, 4), team=team))
    used = role_usage(plan, Oracle("FR"))
    assert max(used.values()) > 1 or not team  # the limit is reached, not just respected
    for (role, _), n in used.items():
        assert n <= team.get(role, 1)
    assert plan.working_days == days
    assert plan.team == team


def test_capacity_never_splits_a_step_nor_breaks_a_dependency(planner: Planner) -> None:
    stages = [
        stage("c", 1, [step("c.a", 3, roles=["dev"]), step("c.b", 4, roles=["dev"]), step("c.c", 1, after=["c.a"])])
    ]
    plan = planner(stages, company(D(2027, 1, 4)))
    oracle = Oracle("FR")
    for task in plan.tasks:
        if not task.milestone:
            assert oracle.count(task.start, task.finish) == task.duration_days
    t = by_id(plan)
    assert oracle.count(t["c.a"].finish, t["c.c"].start) == 2  # c.c right after c.a


# ----------------------------------------------------------------------- progress

LONG = [stage("s", 1, [step("s.a", 10, roles=["pm"]), step("s.b", 2, after=[("s.a", 2)], roles=["pm"])])]


def test_done_steps_sit_on_their_actual_dates(planner: Planner) -> None:
    progress = {"s.a": {"status": "done", "start": D(2027, 5, 5), "finish": D(2027, 5, 11)}}
    plan = planner(DATES, company(D(2027, 5, 5), progress=progress))
    a = by_id(plan)["s.a"]
    assert (a.start, a.finish, a.status, a.percent) == (D(2027, 5, 5), D(2027, 5, 11), "done", 100)
    assert a.why == ("done: actual dates 2027-05-05 – 2027-05-11",)
    assert dates(plan)["s.b"] == (D(2027, 5, 14), D(2027, 5, 18))  # lag 2 after the actual finish


def test_in_progress_keeps_its_start_and_plans_the_remaining_share(planner: Planner) -> None:
    progress = {"s.a": {"status": "in_progress", "start": D(2027, 5, 5), "percent": 40}}
    plan = by_id(planner(LONG, company(D(2027, 5, 5), progress=progress)))
    a = plan["s.a"]
    assert (a.start, a.status, a.percent) == (D(2027, 5, 5), "in_progress", 40)
    # 4 days done, 6 remain: 10 working days from Wed 5 May (Ascension, Whit Monday off).
    assert a.finish == D(2027, 5, 20)
    assert a.why[-1] == "in progress since 2027-05-05, 40% done: 6 working days remain"


def test_in_progress_started_before_plan_start_is_refused(planner: Planner) -> None:
    progress = {"s.a": {"status": "in_progress", "start": D(2027, 4, 19), "percent": 40}}
    with pytest.raises(InputError, match=r"start 2027-04-19 is before the plan's start 2027-05-05"):
        planner(LONG, company(D(2027, 5, 5), progress=progress))


def test_as_of_plans_no_remaining_work_before_it(planner: Planner) -> None:
    as_of = D(2027, 5, 12)
    progress = {"s.a": {"status": "in_progress", "start": D(2027, 4, 19), "percent": 40}}
    plan = planner([*LONG, stage("u", 2, [step("u.x", 3)])], company(D(2027, 4, 19), progress=progress), as_of=as_of)
    t = by_id(plan)
    assert t["s.a"].start == D(2027, 4, 19)
    assert t["s.a"].finish == D(2027, 5, 20)  # 6 remaining days from the status date
    assert t["s.b"].start == D(2027, 5, 25)
    assert t["u.x"].start == as_of  # a root starts on the status date, not on plan.start
    assert all(task.start >= as_of for task in plan.tasks if task.status == "planned")
    assert plan.as_of == as_of


def test_as_of_on_a_holiday_starts_the_next_working_day(planner: Planner) -> None:
    plan = planner(DATES, company(D(2027, 5, 3)), as_of=D(2027, 5, 6))
    assert by_id(plan)["s.a"].start == D(2027, 5, 7)


def test_without_as_of_the_same_input_gives_the_same_plan(planner: Planner) -> None:
    progress = {"s.a": {"status": "in_progress", "start": D(2027, 4, 19), "percent": 40}}
    one = planner(LONG, company(D(2027, 4, 19), progress=progress))
    two = planner(LONG, company(D(2027, 4, 19), progress=progress))
    assert dumps(one) == dumps(two)
    assert one.as_of is None


def test_a_stage_milestone_waits_for_every_step_when_a_later_one_is_already_done(planner: Planner) -> None:
    # s.b is done ahead of s.a, which it follows: the stage still closes when s.a finishes.
    stages = [
        stage("s", 1, [step("s.a", 3), step("s.b", 1, after=["s.a"])]),
        stage("t", 2, [step("t.a", 1, after=["s.done"])]),
    ]
    progress = {"s.b": {"status": "done", "start": D(2027, 5, 3), "finish": D(2027, 5, 3)}}
    plan = by_id(planner(stages, company(D(2027, 5, 3), progress=progress), as_of=D(2027, 5, 5)))
    assert plan["s.a"].finish == D(2027, 5, 10)
    assert plan["s.done"].start == D(2027, 5, 10)
    assert plan["t.a"].start == D(2027, 5, 11)


# ----------------------------------------------------------------------- dropped blocks

REQUIRES = [
    stage(
        "crm",
        1,
        [
            step("crm.adapt", 5),
            step("crm.dealers", 3, requires=["crm.adapt"]),
            step("crm.reports", 4, after=["crm.adapt"]),
        ],
    ),
    stage(
        "accounts",
        2,
        [
            step("accounts.design", 2, after=["crm.done"]),
            step("accounts.dealer", 4, after=["accounts.design"], requires=["crm.dealers"]),
            step("accounts.portal", 1, requires=["accounts.dealer"]),
            step("accounts.launch", 1, after=["accounts.dealer", "accounts.portal"]),
        ],
    ),
]


def dropped(plan: Plan) -> dict[str, str]:
    return {d.id: d.reason for d in plan.dropped}


def test_excluded_step_says_so(planner: Planner) -> None:
    plan = planner(DATES, company(D(2027, 5, 5), exclude=["s.b"]))
    assert dropped(plan) == {"s.b": "excluded in company.yaml"}
    assert [p.id for p in by_id(plan)["s.done"].predecessors] == ["s.a"]


def test_excluded_stage_drops_its_steps_and_milestone(planner: Planner) -> None:
    plan = planner(DATES, company(D(2027, 5, 5), exclude=["s"]))
    assert dropped(plan) == {
        "s.a": "stage s excluded in company.yaml",
        "s.b": "stage s excluded in company.yaml",
        "s.done": "stage s excluded in company.yaml",
    }
    assert dates(plan)["t.a"] == (D(2027, 5, 5), D(2027, 5, 5))


def test_answer_that_excludes_a_step_is_named(planner: Planner) -> None:
    question = {
        "id": "org_source",
        "text": "Where does the org structure live?",
        "kind": "single",
        "default": "ad",
        "options": [
            {"value": "ad", "label": "Active Directory"},
            {"value": "nowhere", "label": "Nowhere", "effects": [{"exclude": ["setup.ad-sync"]}]},
        ],
    }
    stages = [stage("setup", 1, [step("setup.install", 2), step("setup.ad-sync", 5)], questions=[question])]
    assert dropped(planner(stages, company(D(2027, 5, 5)))) == {}
    plan = planner(stages, company(D(2027, 5, 5), answers={"org_source": "nowhere"}))
    assert dropped(plan) == {"setup.ad-sync": 'answer "Nowhere" to "Where does the org structure live?"'}
    assert plan.answers == {"org_source": "nowhere"}


def test_requires_a_dropped_step_cascades_with_the_reason(planner: Planner) -> None:
    plan = planner(REQUIRES, company(D(2027, 5, 5), exclude=["crm.dealers"]))
    assert dropped(plan) == {
        "crm.dealers": "excluded in company.yaml",
        "accounts.dealer": 'requires "Step crm.dealers", which was dropped',
        "accounts.portal": 'requires "Step accounts.dealer", which was dropped',
    }
    launch = by_id(plan)["accounts.launch"]
    # ordering through the dropped steps is kept: crm.adapt → crm.dealers → accounts.dealer → launch
    assert [(p.id, p.lag_days) for p in launch.predecessors] == [("accounts.design", 0), ("crm.adapt", 0)]
    assert [d.id for d in plan.dropped] == ["crm.dealers", "accounts.dealer", "accounts.portal"]


def test_bridging_a_dropped_step_adds_the_lags(planner: Planner) -> None:
    stages = [stage("s", 1, [step("s.a", 3), step("s.b", 4, after=[("s.a", 1)]), step("s.c", 1, after=[("s.b", 2)])])]
    plan = by_id(planner(stages, company(D(2027, 5, 5), exclude=["s.b"])))
    assert [(p.id, p.lag_days) for p in plan["s.c"].predecessors] == [("s.a", 3)]
    assert plan["s.c"].start == Oracle("FR").add(plan["s.a"].finish, 4)


def test_dropping_a_block_moves_no_unrelated_block_and_none_later(planner: Planner) -> None:
    team = {r: HUGE for r in ROLES}
    full = dates(planner(REQUIRES, company(D(2027, 5, 5), team=team)))
    less = dates(planner(REQUIRES, company(D(2027, 5, 5), team=team, exclude=["crm.reports"])))
    assert set(full) - set(less) == {"crm.reports"}
    assert all(less[b] == full[b] for b in ("crm.adapt", "crm.dealers"))
    assert all(less[b][0] <= full[b][0] for b in less)
    assert less["crm.done"][0] < full["crm.done"][0]


# ----------------------------------------------------------------------- fit, risks, plan.json

FIT_LOW = "100 employees is below the 150–3,000 the method is built for: the plan may be heavier than needed"


@pytest.mark.parametrize(
    ("employees", "warnings"),
    [
        (100, (FIT_LOW,)),
        (149, ("149 employees is below the 150–3,000 the method is built for: the plan may be heavier than needed",)),
        (150, ()),
        (3000, ()),
        (3001, ("3001 employees is above the 150–3,000 the method is built for: expect more work than planned",)),
    ],
)
def test_size_fit_warning(planner: Planner, employees: int, warnings: tuple[str, ...]) -> None:
    assert planner(DATES, company(D(2027, 5, 5), employees=employees)).warnings == warnings


def test_size_fit_warning_is_printed(tmp_path: Path) -> None:
    lib = write_library(tmp_path / "lib", DATES)
    path = write_company(tmp_path / "company.yaml", company(D(2027, 5, 5), employees=100))
    args = ["plan", str(path), "--library", str(lib), "--out", str(tmp_path / "out"), "--format", "json"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "warning:" in result.output
    assert "100 employees is below the 150" in " ".join(result.output.split())


ISSUE_KEYS = ["company", "start", "finish", "working_days", "calendar", "tasks", "dropped", "risks", "critical_path"]
TASK_KEYS = [
    "id",
    "stage",
    "title",
    "start",
    "finish",
    "duration_days",
    "milestone",
    "predecessors",
    "roles",
    "critical",
    "slack_days",
    "status",
    "percent",
    "why",
]
ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def test_plan_json_keys_and_iso_dates(mini_library: Path, make_company: Callable[..., Path]) -> None:
    comp = MINI_COMPANY.replace("  start: 2027-01-04", "  start: 2027-01-04\n  exclude: [alpha.two]")
    plan = plan_file(make_company(comp), library_dir=mini_library)[0]
    data = json.loads(dumps(plan))
    assert list(data)[: len(ISSUE_KEYS)] == ISSUE_KEYS
    assert set(data) - set(ISSUE_KEYS) == {
        "stages",
        "warnings",
        "answers",
        "as_of",
        "lang",
        "scheduling_rule",
        "team",
        "resource_links",
        "assumed",
        "unanswered",
        "deadlines",
        "staffing",
        "bound_by_team",
        "effort",
        "role_titles",  # issue 11: what the reports print, resolved once
        "questions",
    }
    assert isinstance(data["working_days"], int)
    assert set(data["calendar"]) >= {"weekend", "holidays", "extra_working_days"}
    assert data["calendar"]["weekend"] == ["sat", "sun"]
    for task in data["tasks"]:
        assert list(task)[: len(TASK_KEYS)] == TASK_KEYS
        assert not set(task) & {"baseline_start", "baseline_finish", "slip_days"}
        for link in task["predecessors"]:
            assert set(link) == {"id", "lag_days"}
        assert isinstance(task["why"], list) and task["why"]
    assert data["dropped"][0] == {
        "id": "alpha.two",
        "reason": "excluded in company.yaml",
        "stage": "alpha",
        "title": "Two",
        "reasons": [{"code": "excluded", "file": "company.yaml"}],
    }
    assert data["risks"] == [{"text": "X is risky", "because": 'answer "X way" to "Which way?"'}]
    days = [data["start"], data["finish"], *data["calendar"]["holidays"], *data["calendar"]["extra_working_days"]]
    days += [task[k] for task in data["tasks"] for k in ("start", "finish")]
    assert days and all(ISO.match(d) for d in days)
    assert all(isinstance(x, str) for x in data["critical_path"])


def test_why_explains_the_duration(planner: Planner) -> None:
    question = {
        "id": "q",
        "text": "Q?",
        "kind": "yes_no",
        "default": True,
        "options": [{"value": "yes", "label": "Yes", "effects": [{"add_days": {"step": "s.a", "days": 4}}]}],
    }
    scaling = [{"by": "employees", "above": 300, "per": 500, "add_days": 2, "max_days": 8}]
    stages = [stage("s", 1, [step("s.a", 5, scaling=scaling)], questions=[question])]
    task = by_id(planner(stages, company(D(2027, 5, 5), employees=1400)))["s.a"]
    assert task.duration_days == 5 + 4 + 4
    assert task.why == (
        "base 5 working days (library assumption)",
        "+4 for 1400 employees (+2 per 500 above 300, at most +8)",
        '+4 from answer "Yes" to "Q?"',
    )


# ----------------------------------------------------------------------- critical path


def assert_critical_chain(plan: Plan, oracle: Oracle) -> None:
    """The critical path: critical tasks, each right after the previous, from the start to the finish."""
    tasks = by_id(plan)
    path = [tasks[i] for i in plan.critical_path]
    assert path, "no critical path"
    assert all(t.critical and t.slack_days == 0 for t in path)
    assert path[0].start == plan.start
    assert path[-1].finish == plan.finish
    for before, after in itertools.pairwise(path):
        # a dependency with its lag, or (lag 0) the same role slot handed over
        lag = next((p.lag_days for p in after.predecessors if p.id == before.id), 0)
        assert after.start == oracle.add(before.finish, lag + (not after.milestone)), (before.id, after.id)


def test_critical_path_of_a_simple_plan(planner: Planner) -> None:
    stages = [
        stage(
            "s", 1, [step("s.a", 3, roles=["pm"]), step("s.b", 2, after=[("s.a", 2)]), step("s.c", 1, after=["s.a"])]
        ),
        stage("t", 2, [step("t.a", 1, after=["s.done"])]),
    ]
    plan = planner(stages, company(D(2027, 5, 5)))
    assert plan.critical_path == ("s.a", "s.b", "s.done", "t.a", "t.done")
    t = by_id(plan)
    assert not t["s.c"].critical
    assert t["s.c"].slack_days == 3  # could finish on Fri 14 instead of Tue 11
    assert_critical_chain(plan, Oracle("FR"))


def test_critical_path_goes_through_a_capacity_conflict(planner: Planner) -> None:
    stages = [stage("c", 1, [step("c.a", 3, roles=["dev"]), step("c.b", 2, roles=["dev"]), step("c.x", 1)])]
    plan = planner(stages, company(D(2027, 1, 4)))
    assert plan.critical_path == ("c.a", "c.b", "c.done")
    assert by_id(plan)["c.x"].slack_days == 4
    assert_critical_chain(plan, Oracle("FR"))


# ----------------------------------------------------------------------- same input, same bytes


def test_same_input_gives_byte_identical_plan_json(mini_library: Path, make_company: Callable[..., Path]) -> None:
    path = make_company()
    assert dumps(plan_file(path, library_dir=mini_library)[0]) == dumps(plan_file(path, library_dir=mini_library)[0])


SHUFFLE_COMPANY = """
company:
  name: Mini Co
  employees: 300
  country: FR
plan:
  start: 2027-01-04
  exclude: [beta.two]
team: {pm: 1, dev: 2}
answers: {q1: x, q2: true}
"""

SHUFFLED_COMPANY = """
answers:
  q2: true
  q1: x
team:
  dev: 2
  pm: 1
plan:
  exclude: [beta.two]
  start: 2027-01-04
company:
  country: FR
  employees: 300
  name: Mini Co
"""


def reverse_steps(text: str) -> str:
    """The same stage file with its steps listed in reverse order."""
    head, rest = text.split("steps:\n", 1)
    body, sep, tail = rest.partition("questions:\n")
    items = re.split(r"(?m)^(?=  - id: )", body)
    return head + "steps:\n" + "".join(reversed([i for i in items if i.strip()])) + sep + tail


def test_shuffled_input_gives_byte_identical_plan_json(tmp_path: Path) -> None:
    a = write_tree(
        tmp_path / "a",
        {
            "lib/roles.yaml": MINI_ROLES,
            "lib/1-alpha.yaml": MINI_ALPHA,
            "lib/2-beta.yaml": MINI_BETA,
            "company.yaml": SHUFFLE_COMPANY,
        },
    )
    b = write_tree(
        tmp_path / "b",
        {
            "lib/roles.yaml": MINI_ROLES,
            "lib/a-beta.yaml": reverse_steps(MINI_BETA),  # sorts first by name
            "lib/b-alpha.yaml": reverse_steps(MINI_ALPHA),
            "company.yaml": SHUFFLED_COMPANY,
        },
    )
    assert reverse_steps(MINI_ALPHA) != MINI_ALPHA
    one = dumps(plan_file(a / "company.yaml", library_dir=a / "lib")[0])
    two = dumps(plan_file(b / "company.yaml", library_dir=b / "lib")[0])
    assert one == two


def test_the_order_of_a_multiple_answer_does_not_matter(planner: Planner) -> None:
    question = {
        "id": "pains",
        "text": "What hurts?",
        "kind": "multiple",
        "options": [
            {"value": v, "label": v, "effects": [{"risk": f"Risk {v}"}, {"add_days": {"step": "s.a", "days": d}}]}
            for v, d in (("slow", 1), ("paper", 2), ("errors", 3))
        ],
    }
    stages = [stage("s", 1, [step("s.a", 2)], questions=[question])]
    one = planner(stages, company(D(2027, 5, 5), answers={"pains": ["errors", "slow", "paper"]}))
    two = planner(stages, company(D(2027, 5, 5), answers={"pains": ["paper", "errors", "slow"]}))
    assert dumps(one) == dumps(two)
    assert [r.text for r in one.risks] == ["Risk slow", "Risk paper", "Risk errors"]  # the question's order
    assert one.answers == {"pains": ["slow", "paper", "errors"]}


# ----------------------------------------------------------------------- properties

COUNTRIES = (None, "FR", "RU", "IL", "KZ", "US", "DE")


@st.composite
def libraries(draw: st.DrawFn) -> list[dict[str, Any]]:
    """1–3 stages of 1–4 steps; links (lags 0–3) only to earlier steps and milestones; one question."""
    stages: list[dict[str, Any]] = []
    earlier: list[str] = []
    all_steps: list[str] = []
    for si in range(draw(st.integers(1, 3))):
        sid = f"s{si}"
        steps = []
        for k in range(draw(st.integers(1, 4))):
            step_id = f"{sid}.t{k}"
            extra: dict[str, Any] = {"roles": draw(st.lists(st.sampled_from(ROLES), unique=True, max_size=2))}
            links = draw(st.lists(st.sampled_from(earlier), unique=True, max_size=2)) if earlier else []
            after = [(x, draw(st.integers(0, 3))) for x in links]
            hard = [x for x in links if draw(st.booleans()) and draw(st.booleans())]
            if hard:
                extra["requires"] = hard
            steps.append(step(step_id, draw(st.integers(1, 6)), after=after, **extra))
            earlier.append(step_id)
            all_steps.append(step_id)
        stages.append(stage(sid, si + 1, steps))
        earlier.append(f"{sid}.done")
    victim, longer = draw(st.sampled_from(all_steps)), draw(st.sampled_from(all_steps))
    stages[0]["questions"] = [
        {
            "id": "q",
            "text": "Q?",
            "kind": "single",
            "default": "keep",
            "options": [
                {"value": "keep", "label": "Keep"},
                {"value": "skip", "label": "Skip", "effects": [{"exclude": [victim]}, {"risk": "Skipping"}]},
                {"value": "more", "label": "More", "effects": [{"add_days": {"step": longer, "days": 3}}]},
            ],
        }
    ]
    return stages


@st.composite
def calendars(draw: st.DrawFn) -> dict[str, Any]:
    """A company dict: country, start, maybe a weekend override and extra holidays."""
    start = draw(st.dates(D(2024, 1, 1), D(2028, 12, 31)))
    weekend = draw(st.none() | st.lists(st.sampled_from(WEEKDAYS), unique=True, max_size=3))
    extra = draw(st.lists(st.integers(0, 90).map(lambda n: start + dt.timedelta(days=n)), unique=True, max_size=6))
    return company(
        start,
        country=draw(st.sampled_from(COUNTRIES)),
        weekend=weekend,
        holidays_=extra,
        answers={"q": draw(st.sampled_from(["keep", "skip", "more"]))},
    )


teams = st.dictionaries(st.sampled_from(ROLES), st.integers(1, 3), max_size=3)

PROPERTY = settings(
    max_examples=examples(20),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def earliest_starts(plan: Plan, task: Task, oracle: Oracle) -> list[dt.date]:
    """What each predecessor allows: a step the (L+1)-th working day after its finish, a milestone the L-th."""
    tasks = by_id(plan)
    return [oracle.add(tasks[p.id].finish, p.lag_days + (not task.milestone)) for p in task.predecessors]


def oracle_of(comp: Mapping[str, Any]) -> Oracle:
    plan = comp["plan"]
    return Oracle(comp["company"].get("country"), plan.get("weekend"), plan.get("holidays", ()))


@PROPERTY
@given(stages=libraries(), comp=calendars(), team=teams)
def test_property_dates_calendar_and_capacity(
    planner: Planner, stages: list[dict[str, Any]], comp: dict[str, Any], team: dict[str, int]
) -> None:
    comp = {**comp, "team": team} if team else comp
    plan = planner(stages, comp)
    oracle = oracle_of(comp)
    first = oracle.next_working(comp["plan"]["start"])
    if not plan.tasks:  # every block dropped
        assert (plan.start, plan.finish, plan.working_days) == (first, first, 0)
        return
    for task in plan.tasks:
        # on working days, exactly as long as planned, never before the plan start
        assert oracle.is_working(task.start) and oracle.is_working(task.finish), task.id
        assert oracle.count(task.start, task.finish) == task.duration_days or task.milestone
        assert task.start >= first
        if not task.predecessors:
            assert task.start == first or task.roles, task.id  # only capacity may delay a root
        bounds = earliest_starts(plan, task, oracle)
        assert all(task.start >= b for b in bounds), task.id
        if task.milestone:
            assert task.start == max(bounds, default=first), task.id
    for (role, _), n in role_usage(plan, oracle).items():
        assert n <= team.get(role, 1)
    # the calendar block lists exactly the off weekdays and working weekend days of the span
    weekend = {WEEKDAYS.index(w) for w in plan.calendar.weekend}
    assert weekend == oracle.weekend
    span = [plan.start + dt.timedelta(days=n) for n in range((plan.finish - plan.start).days + 1)]
    assert list(plan.calendar.holidays) == [d for d in span if d.weekday() not in weekend and not oracle.is_working(d)]
    assert list(plan.calendar.extra_working_days) == [
        d for d in span if d.weekday() in weekend and oracle.is_working(d)
    ]
    assert plan.working_days == oracle.count(plan.start, plan.finish)
    # slack and the critical path
    assert all(t.critical == (t.slack_days == 0) and t.slack_days >= 0 for t in plan.tasks)
    assert_critical_chain(plan, oracle)


def cpm(plan: Plan, oracle: Oracle) -> dict[str, int]:
    """Total slack of every task by a plain CPM backward pass on working days (no capacities)."""
    days = oracle.between(plan.start, plan.finish)
    index = {d: i for i, d in enumerate(days)}
    succs: dict[str, list[tuple[str, int]]] = {t.id: [] for t in plan.tasks}
    for t in plan.tasks:
        for link in t.predecessors:
            succs[link.id].append((t.id, link.lag_days))
    tasks = by_id(plan)
    latest_finish: dict[str, int] = {}

    def lf(tid: str) -> int:
        if tid not in latest_finish:
            bound = len(days) - 1
            for s, lag in succs[tid]:
                gap = lag if tasks[s].milestone else lag + 1
                bound = min(bound, lf(s) - (tasks[s].duration_days - 1 if tasks[s].duration_days else 0) - gap)
            latest_finish[tid] = bound
        return latest_finish[tid]

    return {t.id: lf(t.id) - index[t.finish] for t in plan.tasks}


@PROPERTY
@given(stages=libraries(), comp=calendars())
def test_property_unlimited_capacity_is_plain_cpm(
    planner: Planner, stages: list[dict[str, Any]], comp: dict[str, Any]
) -> None:
    comp = {**comp, "team": {r: HUGE for r in ROLES}}
    plan = planner(stages, comp)
    oracle = oracle_of(comp)
    first = oracle.next_working(comp["plan"]["start"])
    for task in plan.tasks:  # every task as early as its predecessors allow
        assert task.start == max(earliest_starts(plan, task, oracle), default=first), task.id
    if not plan.tasks:
        return
    slack = cpm(plan, oracle)
    # With a team this large no role ever binds: slack is plain CPM slack.
    assert {t.id: t.slack_days for t in plan.tasks} == slack


def test_unlimited_capacity_slack_is_plain_cpm(planner: Planner) -> None:
    # s.x (1 d, pm) and s.y (1 d) start on day 1; s.z (1 d, pm) follows s.y. With 10,000 pm, s.x can
    # slip one day (next to s.z) without moving the finish.
    stages = [
        stage("s", 1, [step("s.x", 1, roles=["pm"]), step("s.y", 1), step("s.z", 1, after=["s.y"], roles=["pm"])])
    ]
    plan = planner(stages, company(D(2027, 1, 4), team={"pm": HUGE}))
    assert cpm(plan, Oracle("FR"))["s.x"] == 1
    assert by_id(plan)["s.x"].slack_days == 1
    assert not by_id(plan)["s.x"].critical


@PROPERTY
@given(stages=libraries(), comp=calendars(), data=st.data())
def test_property_dropping_a_block_moves_nothing_unrelated_and_nothing_later(
    planner: Planner, stages: list[dict[str, Any]], comp: dict[str, Any], data: st.DataObject
) -> None:
    comp = {**comp, "team": {r: HUGE for r in ROLES}}
    blocks = [s["id"] for s in stages] + [x["id"] for s in stages for x in s["steps"]]
    victim = data.draw(st.sampled_from(blocks))
    full = planner(stages, comp)
    less = planner(stages, {**comp, "plan": {**comp["plan"], "exclude": [victim]}})
    # descendants of the dropped blocks in the full plan (after its own bridging)
    gone = {d.id for d in less.dropped} - {d.id for d in full.dropped}
    succs: dict[str, set[str]] = {}
    for t in full.tasks:
        for link in t.predecessors:
            succs.setdefault(link.id, set()).add(t.id)
    related, todo = set(gone), list(gone)
    while todo:
        for s in succs.get(todo.pop(), ()):
            if s not in related:
                related.add(s)
                todo.append(s)
    before, after = dates(full), dates(less)
    assert set(after) == set(before) - gone
    for bid, (start, finish) in after.items():
        assert start <= before[bid][0] and finish <= before[bid][1], bid
        if bid not in related:
            assert (start, finish) == before[bid], bid


def shuffled_copy(stages: list[dict[str, Any]], comp: dict[str, Any], rng: random.Random) -> tuple[Any, Any, Any]:
    """Steps, links, stage files, company keys and lists in another order; the same plan."""

    def mix(value: Any) -> Any:
        if isinstance(value, list):
            return rng.sample(value, len(value))
        if isinstance(value, dict):
            return {k: mix(value[k]) for k in rng.sample(sorted(value), len(value))}
        return value

    stages = [
        dict(s, steps=[dict(x, after=mix(x["after"])) if "after" in x else x for x in mix(s["steps"])]) for s in stages
    ]
    names = [f"{rng.randint(0, 9999):04d}-{s['id']}.yaml" for s in stages]
    return stages, names, mix(comp)


@PROPERTY
@given(stages=libraries(), comp=calendars(), team=teams, rng=st.randoms(use_true_random=False))
def test_property_output_independent_of_input_order(
    tmp_path_factory: pytest.TempPathFactory,
    stages: list[dict[str, Any]],
    comp: dict[str, Any],
    team: dict[str, int],
    rng: random.Random,
) -> None:
    comp = {**comp, "team": team, "answers": {"q": comp["answers"]["q"]}} if team else comp
    root = tmp_path_factory.mktemp("order")
    write_library(root / "a", stages)
    other, names, comp2 = shuffled_copy(stages, comp, rng)
    write_library(root / "b", other, names=names)
    one = plan_file(write_company(root / "ca" / "c.yaml", comp), library_dir=root / "a")[0]
    two = plan_file(write_company(root / "cb" / "c.yaml", comp2), library_dir=root / "b")[0]
    assert dumps(one) == dumps(two)


@st.composite
def progress_of(draw: st.DrawFn, stages: list[dict[str, Any]], start: dt.date) -> dict[str, Any]:
    """Random progress for some steps: done (actual dates) or in progress (start, percent)."""
    out: dict[str, Any] = {}
    for sid in [x["id"] for s in stages for x in s["steps"]]:
        kind = draw(st.sampled_from(["planned", "planned", "done", "in_progress"]))
        begin = start + dt.timedelta(days=draw(st.integers(0, 40)))  # never before the plan start (issue 9)
        if kind == "done":
            out[sid] = {"status": "done", "start": begin, "finish": begin + dt.timedelta(days=draw(st.integers(0, 12)))}
        elif kind == "in_progress":
            out[sid] = {"status": "in_progress", "start": begin, "percent": draw(st.integers(0, 100))}
    return out


@PROPERTY
@given(stages=libraries(), comp=calendars(), team=teams, data=st.data())
def test_property_progress(
    planner: Planner, stages: list[dict[str, Any]], comp: dict[str, Any], team: dict[str, int], data: st.DataObject
) -> None:
    start = comp["plan"]["start"]
    progress = data.draw(progress_of(stages, start))
    # A status date after every actual date given (issue 9 refuses a done finish or a start after it).
    actuals = [p["finish"] if p["status"] == "done" else p["start"] for p in progress.values()]
    earliest = max([start - dt.timedelta(days=10), *actuals])
    as_of = data.draw(st.none() | st.integers(0, 60).map(lambda n: earliest + dt.timedelta(days=n)))
    comp = {**comp, "team": team, "progress": progress}
    plan = planner(stages, comp, as_of=as_of)
    oracle = oracle_of(comp)
    tasks = by_id(plan)
    floor = oracle.next_working(max(start, as_of) if as_of else start)
    for task in plan.tasks:
        actual = progress.get(task.id)
        if task.status == "done":
            assert actual and (task.start, task.finish) == (actual["start"], actual["finish"])
        elif task.status == "in_progress":
            assert actual and task.start == actual["start"] and task.percent == actual["percent"]
            assert task.finish >= oracle.next_working(task.start)
        else:
            assert task.id not in progress or task.milestone
            # planned work: never before the plan start or the status date, after every predecessor
            assert task.start >= floor or task.milestone, task.id
            for link in task.predecessors:
                # a done step may end on a day off: its last working day counts
                last = oracle.previous_working(tasks[link.id].finish)
                assert task.start >= oracle.add(last, link.lag_days + (not task.milestone)), (link.id, task.id)
        if task.milestone:  # a stage closes after all its steps, whatever their status
            for t in plan.tasks:
                if t.stage == task.stage and not t.milestone:
                    assert task.start >= oracle.previous_working(t.finish), (t.id, task.id)


def test_milestone_of_finished_stage_keeps_its_date_after_as_of(
    mini_library: Path, make_company: Callable[..., Path]
) -> None:
    """A stage whose steps are all done is complete on its last finish, not on the status date."""
    text = (
        "company: {name: Mini Co, employees: 300, country: FR}\n"
        "plan: {start: 2027-01-04}\n"
        "progress:\n"
        "  alpha.one: {status: done, start: 2027-01-04, finish: 2027-01-08}\n"
        "  alpha.two: {status: done, start: 2027-01-11, finish: 2027-01-12}\n"
        "  alpha.opt: {status: done, start: 2027-01-11, finish: 2027-01-14}\n"
    )
    plan, _, _ = plan_file(make_company(text), library_dir=mini_library, as_of=dt.date(2027, 2, 1))
    tasks = {t.id: t for t in plan.tasks}
    assert tasks["alpha.done"].start == tasks["alpha.done"].finish == dt.date(2027, 1, 14)
    assert tasks["beta.two"].start == dt.date(2027, 2, 1)


def test_a_step_held_back_by_the_team_limit_says_so(tmp_path: Path) -> None:
    lib = write_tree(
        tmp_path / "lib",
        {
            "roles.yaml": MINI_ROLES,
            "1-s.yaml": """
                id: s
                order: 1
                title: S
                goal: G
                steps:
                  - {id: s.a, title: A, duration_days: 3, roles: [pm]}
                  - {id: s.b, title: B, duration_days: 2, roles: [pm]}
            """,
        },
    )
    company = write_tree(tmp_path, {"c.yaml": "company: {name: C, employees: 300}\nplan: {start: 2027-01-04}\n"})
    plan, _, _ = plan_file(company / "c.yaml", library_dir=lib)
    tasks = {t.id: t for t in plan.tasks}
    assert tasks["s.a"].why == ("base 3 working days (library assumption)",)
    assert tasks["s.b"].why[-1] == "waits 3 working days for pm (team limit)"
    assert tasks["s.b"].start == dt.date(2027, 1, 7)
