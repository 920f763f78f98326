"""Issue 14: a published kind of benchmark (RCPSP, as PSPLIB's j30) written as a roadmap library
plans through the whole pipeline to the same makespan the scheduler finds, near the optimum."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from benchmarks.rcpsp import progen, proved_optima, rcpsp_tasks, write_library
from roadmap.plan import plan_file
from roadmap.schedule import schedule_tasks
from tests.libgen import company, write_company

OPTIMA = proved_optima()


@pytest.mark.parametrize("seed", [0, 12, 36, 47])  # RS 0.2 (the hard end), 0.5, 1.0, 1.0; RF 0.25 but the last 1.0
def test_an_rcpsp_instance_planned_as_a_library_keeps_the_schedulers_makespan(tmp_path: Path, seed: int) -> None:
    inst = progen(seed)
    team = write_library(inst, tmp_path / "lib")
    data = company(dt.date(2027, 1, 4), employees=200, country=None, weekend=["sat", "sun"], team=team)
    plan = plan_file(write_company(tmp_path / "company.yaml", data), library_dir=tmp_path / "lib")[0]
    tasks, caps = rcpsp_tasks(inst)
    expected = max(schedule_tasks(tasks, caps).finish.values()) + 1
    jobs = [t for t in plan.tasks if not t.milestone]
    assert len(jobs) == len(inst.durations)
    assert plan.working_days == expected
    optimum = OPTIMA[inst.name]
    assert optimum <= plan.working_days <= optimum * 1.05


SM = """\
************************************************************************
jobs (incl. supersource/sink ):  5
************************************************************************
PRECEDENCE RELATIONS:
jobnr.    #modes  #successors   successors
   1        1          2           2   3
   2        1          1           4
   3        1          1           5
   4        1          1           5
   5        1          0
************************************************************************
REQUESTS/DURATIONS:
jobnr. mode duration  R 1  R 2
------------------------------------------------------------------------
  1      1     0       0    0
  2      1     3       2    0
  3      1     2       0    1
  4      1     4       1    1
  5      1     0       0    0
************************************************************************
RESOURCEAVAILABILITIES:
  R 1  R 2
    2    1
************************************************************************
"""


def test_a_psplib_file_and_its_optimum_table_are_read(tmp_path: Path) -> None:
    """``bench_leveling.py --psplib DIR --optima FILE`` reads PSPLIB's own files: the dummy source
    and sink are left out, links to the sink dropped, requests and availabilities kept."""
    from benchmarks.rcpsp import read_optima, read_sm

    inst = read_sm(SM, "j301_1")
    assert inst.durations == (3, 2, 4)
    assert inst.successors == ((2,), (), ())
    assert inst.demands == ((2, 0), (0, 1), (1, 1))
    assert inst.capacities == (2, 1)
    table = tmp_path / "j30opt.sm"
    table.write_text("Paramter  Instance  Makespan  CPU-Time\n   1         1        43       0.20\n", encoding="utf-8")
    assert read_optima(table) == {"j301_1": 43}
    tasks, caps = rcpsp_tasks(inst)
    assert max(schedule_tasks(tasks, caps).finish.values()) + 1 == 7  # job 3 beside job 2, then job 4
