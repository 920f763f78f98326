"""Fractional demands against whole people on the same 10,000-step network (issue 12).

    .venv/bin/python benchmarks/bench_units.py              # 10,000 steps, best of 5, interleaved
    .venv/bin/python benchmarks/bench_units.py --steps 1000 --repeat 3

Writes the synthetic library of ``bench_plan.py`` twice — roles as lists (one person each) and
as ``{role: people}`` mappings with shares (0.05–0.75) — and times, alternating the two so a
busy machine slows both alike: the scheduler alone (``schedule_tasks``) and the whole
``plan_file`` (load, resolve, schedule, effort, the Plan model). Prints a Markdown table with
the ratio fractional / list; the target is at most 1.5.
"""

from __future__ import annotations

import argparse
import gc
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import bench_plan  # noqa: E402


def setup(folder: Path, n_steps: int, fractional: bool) -> Path:
    bench_plan.FRACTIONAL = fractional
    team = bench_plan.synthetic_library(folder / "lib", n_steps)
    return bench_plan.write_company(folder / "company.yaml", n_steps, team)  # type: ignore[arg-type]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--steps", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    from roadmap.calendar import build_calendar
    from roadmap.company import load_company
    from roadmap.library import load_library
    from roadmap.plan import _sched_tasks, plan_file
    from roadmap.resolve import resolve
    from roadmap.schedule import schedule_tasks

    tmp = Path(tempfile.mkdtemp(prefix="bench-units-"))
    cases: dict[str, dict[str, Any]] = {}
    for name, fractional in (("list", False), ("fractional", True)):
        path = setup(tmp / name, args.steps, fractional)
        library = load_library(tmp / name / "lib")
        data = load_company(path, library).data
        resolution = resolve(library, data, "en", path.name)
        calendar = build_calendar(data.plan.start, data.company.country, data.plan.weekend, data.plan.holidays)
        tasks = [n.task for n in _sched_tasks(resolution, data.progress, calendar, None).values()]
        cases[name] = {"path": path, "lib": tmp / name / "lib", "tasks": tasks, "team": dict(data.team)}
    best: dict[tuple[str, str], float] = {}
    for _ in range(args.repeat):
        for name, case in cases.items():
            gc.collect()
            gc.disable()
            t0 = time.perf_counter()
            schedule_tasks(case["tasks"], case["team"])
            t1 = time.perf_counter()
            plan_file(case["path"], library_dir=case["lib"])
            t2 = time.perf_counter()
            gc.enable()
            for key, value in (("schedule", t1 - t0), ("plan_file", t2 - t1)):
                best[name, key] = min(best.get((name, key), float("inf")), value)
    print(f"| {args.steps:,} steps | list (whole people) | fractional | ratio |")
    print("|---|---:|---:|---:|")
    for key in ("schedule", "plan_file"):
        a, b = best["list", key], best["fractional", key]
        print(f"| {key} | {a:.3f} s | {b:.3f} s | {b / a:.2f}x |")
    print(f"\nbest of {args.repeat}, interleaved; Python {sys.version.split()[0]}")


if __name__ == "__main__":
    main()
