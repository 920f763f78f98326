"""Leveling quality: makespan ÷ lower bound on generated capacity-bound instances, and vs TaskJuggler.

    .venv/bin/python benchmarks/bench_leveling.py              # 60 instances, prints a table
    .venv/bin/python benchmarks/bench_leveling.py --tj3        # also schedule each with tj3
    .venv/bin/python benchmarks/bench_leveling.py --known      # instances with a known optimum
    .venv/bin/python benchmarks/bench_leveling.py --rcpsp      # j30-like RCPSP instances, optima by CP-SAT
    .venv/bin/python benchmarks/bench_leveling.py --psplib DIR --optima j30opt.sm   # PSPLIB itself

Instances (seeded, the same on every run): 30 to 120 tasks, durations 1–10 working days, a
sparse random precedence graph (lags 0–2 on some links), one or two roles per task out of
four, capacities 1–3 chosen so that role work ÷ capacity exceeds the critical path: the
instance is capacity-bound. The lower bound is max(critical path, ⌈role work ÷ capacity⌉).

``--known``: instances whose optimum is known by construction (see :func:`packed_instance`):
tasks cut out of a full ``capacity × horizon`` grid per role, so the optimum is the horizon.
``--rcpsp``: the RCPSP instances of :mod:`rcpsp` (drawn as ProGen drew PSPLIB's j30: 30 jobs,
4 resources with multi-unit demands), scored against their proven optima, stored in
``benchmarks/data/rcpsp_optima.json``. ``--psplib DIR``: the ``.sm`` files of a PSPLIB set,
scored against its optimum table.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.rcpsp import Instance, progen, proved_optima, rcpsp_tasks, read_optima, read_sm  # noqa: E402
from roadmap.schedule import SchedTask, schedule_tasks  # noqa: E402

ROLES = ("pm", "dev", "it", "qa")


def instance(seed: int) -> tuple[list[SchedTask], dict[str, int]]:
    """A capacity-bound instance: tasks with roles, sparse links, small teams."""
    rng = random.Random(seed)
    n = rng.randint(30, 120)
    caps = {r: rng.randint(1, 3) for r in ROLES}
    tasks: list[SchedTask] = []
    for k in range(n):
        preds: list[tuple[str, int]] = []
        if k:
            for p in rng.sample(range(k), min(k, rng.choice((0, 1, 1, 2)))):
                preds.append((f"t{p:03d}", rng.choice((0, 0, 0, 1, 2))))
        roles = tuple(rng.sample(ROLES, rng.choice((1, 1, 2))))
        tasks.append(SchedTask(id=f"t{k:03d}", duration=rng.randint(1, 10), preds=tuple(sorted(preds)), roles=roles))
    return tasks, caps


def packed_instance(seed: int) -> tuple[list[SchedTask], dict[str, int], int]:
    """An instance whose optimum makespan is known: ``horizon`` days.

    For each role, ``capacity`` lanes of ``horizon`` days are cut into tasks of 1–10 days laid
    end to end; each task gets a link from the task before it on its lane with probability ½
    (lag 0, so the packed layout stays feasible) and from random tasks that finish before it
    starts. The packed layout is a schedule of ``horizon`` days and every lane is full, so no
    schedule is shorter: the optimum is ``horizon``. Tasks hold one role each.
    """
    rng = random.Random(seed)
    horizon = rng.randint(20, 40)
    caps = {r: rng.randint(1, 2) for r in ROLES}
    placed: list[tuple[int, int, str]] = []  # (start, finish, id)
    tasks: list[SchedTask] = []
    for role in ROLES:
        for lane in range(caps[role]):
            day, previous = 0, None
            while day < horizon:
                length = min(rng.randint(1, 10), horizon - day)
                tid = f"{role}{lane}-{day:03d}"
                preds: set[str] = set()
                if previous is not None and rng.random() < 0.5:
                    preds.add(previous)
                done = [p for p in placed if p[1] < day]
                if done and rng.random() < 0.5:
                    preds.add(rng.choice(done)[2])
                tasks.append(
                    SchedTask(id=tid, duration=length, preds=tuple((p, 0) for p in sorted(preds)), roles=(role,))
                )
                placed.append((day, day + length - 1, tid))
                previous = tid
                day += length
    return tasks, caps, horizon


def rcpsp_rows(args: argparse.Namespace) -> list[tuple[str, int, int, int, int]]:
    """(name, tasks, optimum, first pass, improved) per RCPSP instance."""
    todo: list[tuple[Instance, int]] = []
    if args.psplib:
        optima = read_optima(args.optima)
        for path in sorted(args.psplib.glob("*.sm"))[: args.count]:  # every file unless --count
            if path.stem in optima:
                todo.append((read_sm(path.read_text(encoding="utf-8"), path.stem), optima[path.stem]))
    else:
        proved = proved_optima(args.jobs)
        for seed in range(args.count):
            inst = progen(seed, args.jobs)
            if inst.name in proved:
                todo.append((inst, proved[inst.name]))
    rows = []
    for inst, optimum in todo:
        tasks, caps = rcpsp_tasks(inst)
        rows.append((inst.name, len(tasks), optimum, makespan(tasks, caps, improvement=False), makespan(tasks, caps)))
    return rows


def print_rcpsp(rows: list[tuple[str, int, int, int, int]], elapsed: float) -> None:
    if not rows:
        print("no instance with a known optimum")
        return
    first = [r[3] / r[2] - 1 for r in rows]
    best = [r[4] / r[2] - 1 for r in rows]
    print("| instances | first pass: mean / max deviation | improved: mean / max deviation | optimal |")
    print("|---:|---:|---:|---:|")
    print(
        f"| {len(rows)} | {statistics.mean(first):.2%} / {max(first):.2%} "
        f"| {statistics.mean(best):.2%} / {max(best):.2%} | {sum(r[4] == r[2] for r in rows)} |"
    )
    print(f"\n{elapsed:.1f} s in all (both passes)")


def lower_bound(tasks: list[SchedTask], caps: dict[str, int]) -> int:
    """max(critical path, ⌈role work ÷ capacity⌉) in days."""
    by_id = {t.id: t for t in tasks}
    finish: dict[str, int] = {}

    def ef(tid: str) -> int:
        if tid not in finish:
            t = by_id[tid]
            finish[tid] = max((ef(p) + lag for p, lag in t.preds), default=0) + t.duration
        return finish[tid]

    bound = max(ef(t.id) for t in tasks)
    for role, cap in caps.items():
        work = sum(t.duration for t in tasks if role in t.roles)
        bound = max(bound, -(-work // cap))
    return bound


def makespan(tasks: list[SchedTask], caps: dict[str, int], *, improvement: bool = True) -> int:
    result = schedule_tasks(tasks, caps, improvement=improvement)
    return max(result.finish.values()) + 1


def tj3_makespan(tasks: list[SchedTask], caps: dict[str, int], workdir: Path) -> int | None:
    """TaskJuggler's makespan of the same instance, or None when tj3 failed."""
    from tests.tj3_helpers import tj3_makespan as run

    horizon = 3 * sum(t.duration for t in tasks) + 30
    try:
        return run(tasks, caps, workdir, horizon)
    except (AssertionError, OSError):
        return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--count", type=int, help="instances (default: 60; with --psplib, every file)")
    parser.add_argument("--tj3", action="store_true", help="compare with TaskJuggler (tj3 must be installed)")
    parser.add_argument("--known", action="store_true", help="instances with an optimum known by construction")
    parser.add_argument("--tj3-cache", type=Path, help="JSON file of TaskJuggler's makespans, reused and extended")
    parser.add_argument("--rcpsp", action="store_true", help="j30-like RCPSP instances with proven optima")
    parser.add_argument(
        "--jobs", type=int, default=30, help="--rcpsp: jobs per instance (30, or 60 with its own optima)"
    )
    parser.add_argument("--psplib", type=Path, help="a folder of PSPLIB .sm files (with --optima)")
    parser.add_argument("--optima", type=Path, help="PSPLIB's optimum table for --psplib (e.g. j30opt.sm)")
    args = parser.parse_args()
    if args.count is None and not args.psplib:
        args.count = 60
    if args.psplib and not args.optima:
        parser.error("--psplib needs --optima (the set's optimum table, e.g. j30opt.sm)")
    if args.rcpsp and not args.psplib and args.jobs not in (30, 60):
        parser.error("--jobs: optima are stored for 30 and 60 jobs (benchmarks/rcpsp_optima.py makes others)")
    if args.rcpsp or args.psplib:
        t0 = time.perf_counter()
        rows = rcpsp_rows(args)
        print_rcpsp(rows, time.perf_counter() - t0)
        return
    rows = []
    cache: dict[str, int | None] = {}
    if args.tj3_cache and args.tj3_cache.is_file():
        cache = json.loads(args.tj3_cache.read_text(encoding="utf-8"))
    t0 = time.perf_counter()
    for seed in range(args.count):
        if args.known:
            tasks, caps, bound = packed_instance(seed)
        else:
            tasks, caps = instance(seed)
            bound = lower_bound(tasks, caps)
        first = makespan(tasks, caps, improvement=False)
        best = makespan(tasks, caps)
        tj = None
        key = f"known:{seed}" if args.known else str(seed)
        if args.tj3 and key in cache:
            tj = cache[key]
        elif args.tj3:
            with tempfile.TemporaryDirectory() as tmp:
                tj = cache[key] = tj3_makespan(tasks, caps, Path(tmp))
        rows.append((seed, len(tasks), bound, first, best, tj))
    elapsed = time.perf_counter() - t0
    if args.tj3_cache and args.tj3:
        args.tj3_cache.write_text(json.dumps(cache, indent=0), encoding="utf-8")
    what = "optimum" if args.known else "lower bound"
    first_r = [r[3] / r[2] for r in rows]
    best_r = [r[4] / r[2] for r in rows]
    print(f"| instances | first pass ÷ {what} (mean / max) | improved ÷ {what} (mean / max) | at the {what} |")
    print("|---:|---:|---:|---:|")
    print(
        f"| {len(rows)} | {statistics.mean(first_r):.3f} / {max(first_r):.3f} "
        f"| {statistics.mean(best_r):.3f} / {max(best_r):.3f} | {sum(r[4] == r[2] for r in rows)} |"
    )
    if args.tj3:
        compared = [r for r in rows if r[5] is not None]
        tj_r = [r[5] / r[2] for r in compared]
        ok = sum(1 for r in compared if r[4] <= r[5])
        print()
        print("| instances | TaskJuggler ÷ bound (mean / max) | ours no worse than TaskJuggler |")
        print("|---:|---:|---:|")
        print(f"| {len(compared)} | {statistics.mean(tj_r):.3f} / {max(tj_r):.3f} | {ok} ({ok / len(compared):.0%}) |")
    print(f"\n{elapsed:.1f} s in all (both passes{', tj3' if args.tj3 else ''})")


if __name__ == "__main__":
    main()
