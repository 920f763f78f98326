"""Time the plan engine on synthetic libraries of 25, 1,000 and 10,000 steps; print a Markdown table.

    .venv/bin/python benchmarks/bench_plan.py            # all sizes, best of 3
    .venv/bin/python benchmarks/bench_plan.py --sizes 10000 --repeat 1
    .venv/bin/python benchmarks/bench_plan.py --profile 10000   # cProfile, top functions

Each size runs in a fresh Python process (so its peak memory is its own) on a library folder
written to a temporary directory: stages of steps with ``after`` links (lags 0–3), ``requires``
links, links to the previous stage's milestone, one or two roles per step out of six, and a
company file with a team size per role (capacities bind: steps wait for each other), one
question per stage whose answer drops a step and lengthens another.

Columns (seconds, best of ``--repeat``; the phases run with the garbage collector paused, as
``plan_file`` runs them):

* load: read and validate the library and the company file (``load_library``, ``load_company``);
* resolve: ``resolve`` (conditions, answers, dropped blocks, bridging, durations);
* schedule: calendar, scheduler tasks, ``schedule_tasks`` (levelling, slack, critical path);
* plan model: ``build_plan`` minus resolve and schedule (the ``Plan`` pydantic model);
* plan.json: serialise the plan and write it atomically;
* resolve + schedule + write: the issue's target (the four columns before it);
* total: ``plan_file`` + ``write_reports(json)`` end to end, timed on its own (what
  ``roadmap plan --format json`` spends after its imports);
* peak RSS: ``resource.getrusage(RUSAGE_SELF).ru_maxrss`` of a fresh process that imports
  roadmap and plans once — the whole interpreter with its imports;
* tracemalloc peak: Python allocations during one extra, untimed end-to-end run.

``--fractional`` (issue 12) writes each step's roles as a mapping of people instead: the first
role 1, 0.5 or 2 people, the second a share (0.05–0.75), with capacities of 1.5 more people
per role, so levelling packs shares of people; compare its times with a run without it.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import gc
import io
import json
import os
import pstats
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

ROLES = ("pm", "dev", "it", "hr", "qa", "ops")
SIZES = (25, 1000, 10_000)
FRACTIONAL = os.environ.get("ROADMAP_BENCH_FRACTIONAL") == "1"
"""Set by ``--fractional`` (an environment variable, so the worker processes see it too)."""
SHARES = (0.05, 0.1, 0.25, 0.5, 0.75)
T = TypeVar("T")


def synthetic_library(folder: Path, n_steps: int, seed: int = 1) -> dict[str, int]:
    """Write a library of ``n_steps`` steps into ``folder``; return the team sizes to use."""
    rng = random.Random(seed)
    shares = random.Random(seed + 1)  # its own stream: the list-form library stays the same
    per_stage = 5 if n_steps <= 25 else 25 if n_steps <= 1000 else 100
    n_stages = max(1, n_steps // per_stage)
    folder.mkdir(parents=True, exist_ok=True)
    roles = {"roles": {r: {"title": {"en": r.upper(), "fr": r.upper()}} for r in ROLES}}
    (folder / "roles.yaml").write_text(yaml.safe_dump(roles), encoding="utf-8")
    previous: list[str] = []
    for s in range(n_stages):
        sid = f"st{s}"
        steps: list[dict[str, Any]] = []
        for k in range(per_stage):
            step_id = f"{sid}.step-{k}"
            step: dict[str, Any] = {
                "id": step_id,
                "title": {"en": f"Step {k} of stage {s}", "fr": f"Tâche {k} de l'étape {s}"},
                "duration_days": rng.randint(1, 8),
                "roles": rng.sample(ROLES, rng.randint(1, 2)),
            }
            if FRACTIONAL:
                step["roles"] = dict(
                    zip(step["roles"], (shares.choice((1, 0.5, 2)), shares.choice(SHARES)), strict=False)
                )
            earlier = [x["id"] for x in steps[-10:]]
            after: list[Any] = []
            chained = s - 10 if n_stages > 10 else s - 1  # large plans: ten parallel chains of stages
            if k == 0 and chained >= 0:
                after.append(f"st{chained}.done")
            for other in rng.sample(earlier, min(len(earlier), rng.randint(0, 2))):
                lag = rng.choice((0, 0, 0, 1, 2, 3))
                after.append(other if lag == 0 else {"id": other, "lag_days": lag})
            if previous and rng.random() < 0.1:
                after.append(rng.choice(previous))
            if after:
                step["after"] = after
            if earlier and rng.random() < 0.15:
                step["requires"] = [rng.choice(earlier)]
            if rng.random() < 0.3:
                step["scaling"] = [{"by": "employees", "above": 200, "per": 400, "add_days": 1, "max_days": 3}]
            steps.append(step)
        question = {
            "id": f"q{s}",
            "text": {"en": f"Question of stage {s}", "fr": f"Question de l'étape {s}"},
            "kind": "single",
            "default": "a",
            "options": [
                {"value": "a", "label": "A", "effects": [{"add_days": {"step": f"{sid}.step-1", "days": 2}}]},
                {"value": "b", "label": "B", "effects": [{"exclude": [f"{sid}.step-{per_stage - 1}"]}]},
            ],
        }
        stage = {
            "id": sid,
            "order": s + 1,
            "title": {"en": f"Stage {s}", "fr": f"Étape {s}"},
            "goal": {"en": "Synthetic", "fr": "Synthétique"},
            "steps": steps,
            "questions": [question] if per_stage > 1 else [],
        }
        (folder / f"{s:04d}-{sid}.yaml").write_text(yaml.safe_dump(stage, allow_unicode=True), encoding="utf-8")
        previous = [x["id"] for x in steps]
    # Capacities that bind: about one slot per 300 steps, so levelling has real work to do.
    if FRACTIONAL:
        return {r: max(1, n_steps // 300) + i % 2 + 1.5 for i, r in enumerate(ROLES)}  # type: ignore[misc]
    return {r: max(1, n_steps // 300) + i % 2 for i, r in enumerate(ROLES)}


def write_company(path: Path, n_steps: int, team: dict[str, int]) -> Path:
    """The company file: size facts, a start date, the team, an answer for every second stage."""
    per_stage = 5 if n_steps <= 25 else 25 if n_steps <= 1000 else 100
    answers = {f"q{s}": "b" for s in range(0, max(1, n_steps // per_stage), 2)} if per_stage > 1 else {}
    data = {
        "company": {"name": "Bench Co", "employees": 1200, "branches": 4, "country": "FR"},
        "plan": {"start": dt.date(2027, 1, 4)},
        "team": team,
        "answers": answers,
    }
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def best_of(repeat: int, func: Callable[[], T]) -> tuple[float, T]:
    """The shortest wall time of ``repeat`` calls, and the last result."""
    best = float("inf")
    result: Any = None
    for _ in range(repeat):
        gc.collect()
        t0 = time.perf_counter()
        result = func()
        best = min(best, time.perf_counter() - t0)
    return best, result


def measure(n_steps: int, repeat: int) -> dict[str, Any]:
    """Run one size in this process and return its figures."""
    from roadmap.calendar import build_calendar
    from roadmap.company import load_company
    from roadmap.library import _CACHE as library_cache
    from roadmap.library import load_library
    from roadmap.output import write_atomic
    from roadmap.plan import _sched_tasks, build_plan, plan_file
    from roadmap.render import RenderContext, write_reports
    from roadmap.render.json_out import dumps
    from roadmap.resolve import resolve
    from roadmap.schedule import schedule_tasks
    from roadmap.yamlio import gc_paused

    tmp = Path(tempfile.mkdtemp(prefix=f"bench-{n_steps}-"))
    team = synthetic_library(tmp / "lib", n_steps)
    path = write_company(tmp / "company.yaml", n_steps, team)

    def load() -> Any:
        library_cache.clear()  # a fresh process reads the library once: time that read
        library = load_library(tmp / "lib")
        return library, load_company(path, library)

    def schedule() -> Any:
        calendar = build_calendar(data.plan.start, data.company.country, data.plan.weekend, data.plan.holidays)
        tasks = _sched_tasks(resolution, data.progress, calendar, None)
        return schedule_tasks([n.task for n in tasks.values()], dict(data.team))

    def end_to_end() -> Any:  # what `roadmap plan --format json` does
        library_cache.clear()
        plan_ = plan_file(path, library_dir=tmp / "lib")[0]
        return write_reports(RenderContext(plan=plan_), ["json"], tmp / "out")

    with gc_paused():  # the phases as plan_file runs them
        t_load, (library, company) = best_of(repeat, load)
        data = company.data
        t_resolve, resolution = best_of(repeat, lambda: resolve(library, data, "en", path.name))
        t_schedule, result = best_of(repeat, schedule)
        t_build, plan = best_of(repeat, lambda: build_plan(company, library))
    t_write, _ = best_of(repeat, lambda: write_atomic(tmp / "out" / "plan.json", dumps(plan).encode("utf-8")))
    t_total, _ = best_of(repeat, end_to_end)
    tracemalloc.start()
    end_to_end()
    _, traced_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {
        "steps": n_steps,
        "kept": sum(1 for t in plan.tasks if not t.milestone),
        "stages": len(library.stages),
        "working_days": plan.working_days,
        "span": f"{plan.start} → {plan.finish}",
        "load": t_load,
        "resolve": t_resolve,
        "schedule": t_schedule,
        "model": max(0.0, t_build - t_resolve - t_schedule),
        "write": t_write,
        "total": t_total,
        "folder": str(tmp),
        "traced_mb": traced_peak / 2**20,
        "critical": len(result.critical_path),
    }


def peak_rss(folder: Path) -> float:
    """Peak RSS (MB) of this fresh process after one end-to-end plan of the library in ``folder``."""
    from roadmap.plan import plan_file
    from roadmap.render import RenderContext, write_reports

    plan = plan_file(folder / "company.yaml", library_dir=folder / "lib")[0]
    write_reports(RenderContext(plan=plan), ["json"], folder / "rss-out")
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def profile(n_steps: int) -> str:
    """cProfile of one end-to-end run: the top functions by cumulative and by own time."""
    from roadmap.plan import plan_file
    from roadmap.render import RenderContext, write_reports

    tmp = Path(tempfile.mkdtemp(prefix=f"prof-{n_steps}-"))
    team = synthetic_library(tmp / "lib", n_steps)
    path = write_company(tmp / "company.yaml", n_steps, team)
    prof = cProfile.Profile()
    prof.enable()
    plan = plan_file(path, library_dir=tmp / "lib")[0]
    write_reports(RenderContext(plan=plan), ["json"], tmp / "out")
    prof.disable()
    shutil.rmtree(tmp, ignore_errors=True)
    out = io.StringIO()
    stats = pstats.Stats(prof, stream=out)
    stats.sort_stats("cumulative").print_stats(30)
    stats.sort_stats("tottime").print_stats(20)
    return out.getvalue()


def table(rows: list[dict[str, Any]]) -> str:
    """The figures as a Markdown table."""
    lines = [
        "| steps (kept) | load | resolve | schedule | plan model | plan.json | resolve + schedule + write "
        "| total | peak RSS | tracemalloc peak | plan span |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in rows:
        target = r["resolve"] + r["schedule"] + r["model"] + r["write"]
        lines.append(
            f"| {r['steps']:,} ({r['kept']:,}) | {r['load']:.3f} s | {r['resolve']:.3f} s | {r['schedule']:.3f} s "
            f"| {r['model']:.3f} s | {r['write']:.3f} s | {target:.3f} s | **{r['total']:.3f} s** "
            f"| {r['maxrss_mb']:.0f} MB | {r['traced_mb']:.0f} MB | {r['working_days']:,} working days |"
        )
    return "\n".join(lines)


def main() -> None:
    """Run every size in its own process and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=list(SIZES))
    parser.add_argument("--repeat", type=int, default=3, help="best of this many runs (default 3)")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--rss", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--profile", type=int, metavar="STEPS", help="print a cProfile of one run instead")
    parser.add_argument("--fractional", action="store_true", help="steps need shares of people (issue 12)")
    args = parser.parse_args()
    if args.fractional and not FRACTIONAL:
        os.environ["ROADMAP_BENCH_FRACTIONAL"] = "1"
        os.execv(sys.executable, [sys.executable, __file__, *sys.argv[1:]])
    if args.profile:
        print(profile(args.profile))
        return
    if args.rss:
        print(f"{peak_rss(args.rss):.1f}")
        return
    if args.one:
        print(json.dumps(measure(args.one, args.repeat)))
        return
    rows = []
    for n in args.sizes:
        done = subprocess.run(
            [sys.executable, __file__, "--one", str(n), "--repeat", str(args.repeat)],
            capture_output=True,
            text=True,
            check=True,
        )
        row = json.loads(done.stdout.strip().splitlines()[-1])
        # Linux keeps ru_maxrss across fork and exec: measure from this small process, not from --one.
        rss = subprocess.run(
            [sys.executable, __file__, "--rss", row["folder"]], capture_output=True, text=True, check=True
        )
        row["maxrss_mb"] = float(rss.stdout.split()[-1])
        shutil.rmtree(row["folder"], ignore_errors=True)
        rows.append(row)
    print(table(rows))
    print()
    print(f"Python {sys.version.split()[0]}, {_cpu()}; best of {args.repeat}; peak RSS = ru_maxrss of a fresh process.")
    slow = [r for r in rows if r["steps"] >= 10_000 and (r["total"] >= 2 or r["maxrss_mb"] >= 300)]
    if slow:
        print("TARGET MISSED: 10,000 steps must take < 2 s and < 300 MB", file=sys.stderr)
        sys.exit(1)


def _cpu() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                import os

                return f"{line.split(':', 1)[1].strip()} × {os.cpu_count()}"
    except OSError:
        pass
    return "unknown CPU"


if __name__ == "__main__":
    main()
