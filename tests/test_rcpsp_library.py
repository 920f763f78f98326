"""Issue 14: a published kind of benchmark (RCPSP, as PSPLIB's j30) written as a roadmap library
plans through the whole pipeline to the same makespan the scheduler finds, near the optimum."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from benchmarks.rcpsp import progen, rcpsp_tasks, write_library
from roadmap.plan import plan_file
from roadmap.schedule import schedule_tasks
from tests.conftest import ROOT

OPTIMA = json.loads((ROOT / "benchmarks" / "data" / "rcpsp_optima.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("seed", [0, 12, 36, 47])  # RS 1.0, 0.5, 0.2 (the hard end), RF 1.0
def test_an_rcpsp_instance_planned_as_a_library_keeps_the_schedulers_makespan(tmp_path: Path, seed: int) -> None:
    inst = progen(seed)
    team = write_library(inst, tmp_path / "lib")
    company = {
        "company": {"name": "RCPSP", "employees": 200},
        "plan": {"start": "2027-01-04", "weekend": ["sat", "sun"]},
        "team": team,
    }
    path = tmp_path / "company.yaml"
    path.write_text(yaml.safe_dump(company), encoding="utf-8")
    plan = plan_file(path, library_dir=tmp_path / "lib")[0]
    tasks, caps = rcpsp_tasks(inst)
    expected = max(schedule_tasks(tasks, caps).finish.values()) + 1
    jobs = [t for t in plan.tasks if not t.milestone]
    assert len(jobs) == len(inst.durations)
    assert plan.working_days == expected
    optimum = OPTIMA[inst.name]["optimum"]
    assert optimum <= plan.working_days <= optimum * 1.05
