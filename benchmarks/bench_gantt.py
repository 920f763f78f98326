"""Time and size of gantt.html against plan.json on generated libraries; print a Markdown table.

    .venv/bin/python benchmarks/bench_gantt.py                    # 1,000, 10,000 and 50,000 steps
    .venv/bin/python benchmarks/bench_gantt.py --sizes 1000 10000 --repeat 3
    .venv/bin/python benchmarks/bench_gantt.py --profile 10000    # cProfile of the Gantt render

Each size runs in a fresh Python process (its peak memory is its own). The library is written
with ``tests/libgen.py``: stages of 100 steps (25 up to 1,000 steps) with two or three
deliverables, roles and links to earlier steps; ten parallel chains of stages.

Columns: plan (``plan_file``), json (render plan.json), gantt (render gantt.html, after a
``gc.collect()`` that pays for the plan's garbage: planning runs with the collector paused, and
whatever runs next would pay for it), gantt ÷ json
(the Gantt's time over json alone *with* its planning, the issue's "all formats ≤ 2× json
alone" budget is about the latter), the page's size (budget: < 6 MB up to 1,000 steps, < 12 MB
above), and the peak RSS of the process; then the growth exponent of the Gantt's time and of the
page's size between successive sizes (1.0 is linear).
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import gc
import itertools
import json
import math
import pstats
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

SIZES = (1000, 10_000, 50_000)
WORDS = ("portal", "intranet", "migration", "content", "training", "rollout", "directory", "access", "approval")


def write_inputs(folder: Path, n_steps: int, seed: int = 7) -> Path:
    """A library of ``n_steps`` steps and a company file in ``folder``; the company file's path."""
    from tests.libgen import company, stage, step, write_company, write_library

    rng = random.Random(seed)
    per_stage = 25 if n_steps <= 1000 else 100
    stages = []
    for s in range(max(1, n_steps // per_stage)):
        steps = []
        for k in range(per_stage):
            earlier = [f"s{s}.t{j}" for j in range(max(0, k - 8), k)]
            after: list[Any] = rng.sample(earlier, min(len(earlier), rng.randint(0, 2)))
            if k == 0 and s >= 10:
                after.append(f"s{s - 10}.done")
            title = " ".join(rng.choice(WORDS) for _ in range(rng.randint(3, 9))).capitalize()
            deliverables = [
                " ".join(rng.choice(WORDS) for _ in range(rng.randint(4, 10))) for _ in range(rng.randint(2, 3))
            ]
            steps.append(
                step(
                    f"s{s}.t{k}",
                    rng.randint(1, 8),
                    after=sorted(after),
                    title=f"{title} {k}",
                    roles=rng.sample(["pm", "dev", "qa"], rng.randint(1, 2)),
                    deliverables=deliverables,
                )
            )
        stages.append(stage(f"s{s}", s + 1, steps))
    library = write_library(folder / "lib", stages)
    path = write_company(folder / "company.yaml", company(dt.date(2027, 1, 4), team={"pm": 20, "dev": 30, "qa": 10}))
    (folder / "library").write_text(str(library), encoding="utf-8")
    return path


def measure(n_steps: int, repeat: int) -> dict[str, Any]:
    """One size, in this process."""
    from roadmap.plan import plan_file
    from roadmap.render import RenderContext, render

    with tempfile.TemporaryDirectory() as tmp:
        path = write_inputs(Path(tmp), n_steps)
        library = Path((Path(tmp) / "library").read_text(encoding="utf-8"))
        best: dict[str, float] = {}
        size = 0
        for _ in range(repeat):
            t0 = time.perf_counter()
            plan = plan_file(path, library_dir=library)[0]
            t1 = time.perf_counter()
            ctx = RenderContext(plan=plan)
            render("json", ctx)
            gc.collect()  # the plan's own garbage (planning runs with the collector paused)
            t2 = time.perf_counter()
            page = render("gantt", ctx)
            t3 = time.perf_counter()
            size = len(page)
            for key, value in (("plan", t1 - t0), ("json", t2 - t1), ("gantt", t3 - t2)):
                best[key] = min(best.get(key, math.inf), value)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"steps": n_steps, **best, "size": size, "rss": rss}


def profile(n_steps: int) -> None:
    from roadmap.plan import plan_file
    from roadmap.render import RenderContext, render

    with tempfile.TemporaryDirectory() as tmp:
        path = write_inputs(Path(tmp), n_steps)
        library = Path((Path(tmp) / "library").read_text(encoding="utf-8"))
        plan = plan_file(path, library_dir=library)[0]
        ctx = RenderContext(plan=plan)
        render("gantt", ctx)  # warm: plotly's bundle read once
        with cProfile.Profile() as prof:
            render("gantt", ctx)
        pstats.Stats(prof).sort_stats("cumulative").print_stats(25)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES))
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--profile", type=int, metavar="STEPS")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(measure(args.one, args.repeat)))
        return
    if args.profile:
        profile(args.profile)
        return
    rows = []
    for n in args.sizes:
        done = subprocess.run(
            [sys.executable, __file__, "--one", str(n), "--repeat", str(args.repeat)],
            capture_output=True,
            text=True,
            check=True,
        )
        rows.append(json.loads(done.stdout))
    print("| steps | plan s | json s | gantt s | gantt ÷ (plan + json) | page MB | peak RSS MB |")
    print("|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        ratio = r["gantt"] / (r["plan"] + r["json"])
        print(
            f"| {r['steps']:,} | {r['plan']:.2f} | {r['json']:.2f} | {r['gantt']:.2f} | {ratio:.2f} |"
            f" {r['size'] / 1e6:.2f} | {r['rss']:.0f} |"
        )
    for a, b in itertools.pairwise(rows):
        scale = math.log(b["steps"] / a["steps"])
        time_exp = math.log(b["gantt"] / a["gantt"]) / scale
        size_exp = math.log(b["size"] / a["size"]) / scale
        print(f"\n{a['steps']:,} → {b['steps']:,} steps: gantt time exponent {time_exp:.2f}, size {size_exp:.2f}")


if __name__ == "__main__":
    main()
