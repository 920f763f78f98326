"""Which person would help (issue 9, point 5): waits_for, staffing gains, the critical path line."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from cli import app
from roadmap.plan import Plan, plan_file
from roadmap.render.json_out import dumps
from roadmap.schedule import SchedTask, schedule_tasks
from roadmap.staffing import staffing
from tests.libgen import company, stage, step, write_company, write_library

pytestmark = pytest.mark.usefixtures("real_improvement")  # conftest: run the improvement every time

START = dt.date(2027, 1, 4)

# Four steps may all start on day one: the one developer is short, qa (only on s.c) and pm are not.
PARALLEL = [
    stage(
        "s",
        1,
        [
            step("s.a", 5, roles=["dev"]),
            step("s.b", 5, roles=["dev"]),
            step("s.c", 5, roles=["dev", "qa"]),
            step("s.d", 2, roles=["pm"]),
        ],
    )
]


def _plan(tmp_path: Path, stages: list[dict[str, Any]], team: dict[str, int] | None = None) -> tuple[Plan, Path]:
    lib = write_library(tmp_path / "lib", stages)
    path = write_company(tmp_path / "company.yaml", company(START, team=team))
    return plan_file(path, library_dir=lib)[0], lib


def test_waits_for_names_only_the_full_role(tmp_path: Path) -> None:
    plan, _ = _plan(tmp_path, PARALLEL)
    data = {t["id"]: t for t in json.loads(dumps(plan))["tasks"]}
    waiting = {tid: t["waits_for"] for tid, t in data.items() if "waits_for" in t}
    # s.c holds dev and qa but only dev was full when it could start
    assert waiting["s.c"]["roles"] == ["dev"]
    assert all(w["roles"] == ["dev"] for w in waiting.values())
    assert "s.d" not in waiting  # qa was free
    assert any("waits 5 working days for dev (team limit)" in why for why in data["s.b"]["why"] + data["s.c"]["why"])
    assert not any("qa" in why for why in data["s.c"]["why"] if "team limit" in why)


def test_staffing_gain_comes_from_re_planning(tmp_path: Path) -> None:
    plan, _ = _plan(tmp_path, PARALLEL)
    rows = {row.role: row for row in plan.staffing}
    assert rows["dev"].capacity == 1 and rows["dev"].busy_days == 15
    assert rows["dev"].gain_days == 5  # two devs: 10 working days instead of 15
    assert rows["qa"].gain_days == 0 and rows["qa"].busy_days == 5
    assert plan.staffing[0].role == "dev"  # largest gain first
    assert plan.bound_by_team
    more, _ = _plan(tmp_path / "more", PARALLEL, team={"dev": 2})
    assert plan.working_days - more.working_days == rows["dev"].gain_days


def test_a_large_team_is_bound_by_order_only(tmp_path: Path) -> None:
    plan, _ = _plan(tmp_path, PARALLEL, team={"dev": 3})
    assert not plan.bound_by_team
    assert all(row.gain_days == 0 for row in plan.staffing)
    assert not any(task.waits_for for task in plan.tasks)


def test_staffing_on_scheduler_tasks_directly() -> None:
    tasks = [
        SchedTask("a", 3, roles=("x",)),
        SchedTask("b", 3, roles=("x",)),
        SchedTask("c", 1, preds=(("a", 0), ("b", 0)), roles=("y",)),
    ]
    result = schedule_tasks(tasks, {})
    staff = staffing(tasks, result, {})
    assert [(w, staff.waits[w].days, staff.waits[w].roles) for w in staff.waits] == [("b", 3, ("x",))]
    assert [(r.role, r.capacity, r.busy_days, r.gain_days) for r in staff.roles] == [("x", 1, 6, 3), ("y", 1, 1, 0)]


def test_terminal_prints_the_critical_path_and_top_hires(tmp_path: Path) -> None:
    # s.c and s.d run beside the developer's two steps, with slack: they are not listed
    stages = [
        stage(
            "s",
            1,
            [
                step("s.a", 5, roles=["dev"]),
                step("s.b", 5, roles=["dev"]),
                step("s.c", 5, roles=["qa"]),
                step("s.d", 2, after=["s.c"], roles=["pm"]),
            ],
        )
    ]
    plan, lib = _plan(tmp_path, stages)
    args = [
        "plan",
        str(tmp_path / "company.yaml"),
        "--library",
        str(lib),
        "--out",
        str(tmp_path / "o"),
        "--format",
        "json",
        "--details",
    ]
    result = CliRunner().invoke(app, args, env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    out = result.output
    lines = out.splitlines()
    head = lines.index("Critical path")
    steps = {task.id for task in plan.tasks if not task.milestone}
    listed = [line.split()[0] for line in lines[head + 1 :] if line.split() and line.split()[0] in steps]
    assert listed == [tid for tid in plan.critical_path if tid in steps]
    assert "Team size binds the finish" in out
    assert "One more person would help most" in out
    assert "+1 dev (now 1): finish 3 working days earlier" in out
