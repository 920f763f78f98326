"""Optimal makespans of the generated RCPSP instances, with CP-SAT (run once; the results are stored).

    python -m pip install ortools   # in any venv: this script needs nothing of roadmap's
    python benchmarks/rcpsp_optima.py --count 240 > benchmarks/data/rcpsp_optima.json
    python benchmarks/rcpsp_optima.py --jobs 60 --count 48 > benchmarks/data/rcpsp_optima_j60.json

Each instance is solved to optimality (a time limit per instance; an instance not proven
optimal is stored with ``"proved": false`` and its best bound, and the benchmark leaves it out).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.rcpsp import Instance, progen


def solve(inst: Instance, seconds: float) -> tuple[int, int, bool]:
    """(best makespan, best bound, proved optimal)."""
    from ortools.sat.python import cp_model

    n = len(inst.durations)
    horizon = sum(inst.durations)
    m = cp_model.CpModel()
    starts, ends, intervals = [], [], []
    for j in range(n):
        s = m.new_int_var(0, horizon, f"s{j}")
        e = m.new_int_var(0, horizon, f"e{j}")
        intervals.append(m.new_interval_var(s, inst.durations[j], e, f"i{j}"))
        starts.append(s)
        ends.append(e)
    for j, succs in enumerate(inst.successors):
        for k in succs:
            m.add(starts[k] >= ends[j])
    for r, cap in enumerate(inst.capacities):
        m.add_cumulative(intervals, [d[r] for d in inst.demands], cap)
    makespan = m.new_int_var(0, horizon, "makespan")
    m.add_max_equality(makespan, ends)
    m.minimize(makespan)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = seconds
    solver.parameters.num_workers = 2
    status = solver.solve(m)
    return int(solver.objective_value), int(solver.best_objective_bound), status == cp_model.OPTIMAL


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--count", type=int, default=96)
    parser.add_argument(
        "--seconds", type=float, default=30.0, help="CP-SAT's time per instance (the stored optima: 30)"
    )
    parser.add_argument("--jobs", type=int, default=30, help="jobs per instance (PSPLIB: 30, 60, 90, 120)")
    args = parser.parse_args()
    out = {}
    for seed in range(args.count):
        inst = progen(seed, args.jobs)
        best, bound, proved = solve(inst, args.seconds)
        out[inst.name] = {"optimum": best, "bound": bound, "proved": proved, "lower_bound": inst.lower_bound()}
        print(inst.name, best, bound, proved, file=sys.stderr)
    json.dump(out, sys.stdout, indent=1, sort_keys=True)
    print()


if __name__ == "__main__":
    main()
