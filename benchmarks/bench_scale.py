"""Scale: every format at 2,500 / 10,000 / 50,000 steps, the growth exponent, the ratio to TaskJuggler.

    .venv/bin/python benchmarks/bench_scale.py                       # all sizes, every format
    .venv/bin/python benchmarks/bench_scale.py --sizes 2500 10000 --formats json,mspdi
    .venv/bin/python benchmarks/bench_scale.py --no-tj3              # skip TaskJuggler

For each size a library is generated (``bench_plan.synthetic_library``: stages of 100 steps
with ``after`` links and lags, ``requires`` links, one or two roles per step out of six, team
limits that bind, a question per stage) and each format is planned by the real command in a
fresh process, ``roadmap plan company.yaml --library LIB --format F`` (terminal summary
included), then every format at once (``all``; a plan of 2,000 tasks or more shares them with
a helper process, :mod:`roadmap.render.helper`). Each run reports its wall time (best of
``--repeat``), its CPU time (user + system, the helper's included: steadier than wall time on a
shared machine) and its peak RSS (``ru_maxrss`` of the largest process: the command or its
helper). The ratio of every format together to json alone is printed by size.

The growth exponent of a column is the least-squares slope of log(time) (or log(RSS)) over
log(steps): 1 is linear. With ``tj3`` on the PATH, the same scheduling problem (every step,
link, lag and role of the resolved plan; roles as TaskJuggler resources, one per team slot,
see ``tests/tj3_helpers.tjp_leveling``) is scheduled by TaskJuggler for sizes up to
``--tj3-max`` steps, and its time is compared with ``--format json``.
"""

from __future__ import annotations

import argparse
import json
import math
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.bench_plan import synthetic_library, write_company  # noqa: E402

SIZES = (2500, 10_000, 50_000)
FORMATS = ("json", "csv", "ics", "mermaid", "checklist", "mspdi", "gantt", "xlsx")

_MEASURE = """
import resource, subprocess, sys, time
t0 = time.perf_counter()
done = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
elapsed = time.perf_counter() - t0
if done.returncode:
    sys.stderr.write(done.stderr)
    sys.exit(done.returncode)
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(elapsed, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime)
"""
"""A small parent process: the child's wall time, its own peak RSS (MB) and its CPU time."""


def run_plan(folder: Path, formats: str, timeout: float) -> tuple[float, float, float] | None:
    """(seconds, peak MB, CPU seconds) of ``roadmap plan --format FORMATS`` on ``folder``; None on timeout."""
    out = folder / "out"
    shutil.rmtree(out, ignore_errors=True)
    command = [
        sys.executable,
        "-c",
        "from cli import main; main()",
        "plan",
        str(folder / "company.yaml"),
        "--library",
        str(folder / "lib"),
        "--format",
        formats,
        "--out",
        str(out),
    ]
    try:
        done = subprocess.run(
            [sys.executable, "-c", _MEASURE, *command],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=True,
        )
    except subprocess.TimeoutExpired:
        return None
    seconds, peak, cpu = done.stdout.split()
    return float(seconds), float(peak), float(cpu)


def best(folder: Path, formats: str, repeat: int, timeout: float) -> tuple[float, float, float] | None:
    """Best time (and the peak RSS of that run) of ``repeat`` runs."""
    runs = [run_plan(folder, formats, timeout) for _ in range(repeat)]
    done = [r for r in runs if r is not None]
    return min(done) if done else None


def tj3_seconds(folder: Path, workdir: Path, timeout: float) -> tuple[float, int, int] | None:
    """TaskJuggler's wall time on the resolved plan's scheduling problem, its makespan and ours (days)."""
    from roadmap.calendar import build_calendar
    from roadmap.company import load_company
    from roadmap.library import load_library
    from roadmap.plan import _sched_tasks
    from roadmap.resolve import resolve
    from roadmap.schedule import schedule_tasks
    from tests.tj3_helpers import tj3_makespan

    library = load_library(folder / "lib")
    company = load_company(folder / "company.yaml", library)
    data = company.data
    resolution = resolve(library, data, "en", "company.yaml")
    calendar = build_calendar(data.plan.start, data.company.country, data.plan.weekend, data.plan.holidays)
    tasks = [note.task for note in _sched_tasks(resolution, data.progress, calendar, None).values()]
    ours = max(schedule_tasks(tasks, dict(data.team)).finish.values()) + 1
    t0 = time.perf_counter()
    try:
        theirs = tj3_makespan(tasks, dict(data.team), workdir, horizon_days=3 * ours + 60, timeout=timeout)
    except subprocess.TimeoutExpired:
        return None
    return time.perf_counter() - t0, theirs, ours


def exponent(sizes: list[int], values: list[float]) -> float:
    """Least-squares slope of log(value) over log(size)."""
    xs = [math.log(s) for s in sizes]
    ys = [math.log(max(v, 1e-9)) for v in values]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    den = sum((x - mx) ** 2 for x in xs)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / den if den else float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=list(SIZES))
    parser.add_argument("--formats", default=",".join(FORMATS), help="comma-separated (default: every format)")
    parser.add_argument("--repeat", type=int, default=1, help="best of this many runs (default 1)")
    parser.add_argument("--timeout", type=float, default=900, help="seconds before a run is given up")
    parser.add_argument("--no-tj3", action="store_true", help="do not run TaskJuggler")
    parser.add_argument("--tj3-max", type=int, default=10_000, help="largest size given to TaskJuggler")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args()
    formats = [f.strip() for f in args.formats.split(",") if f.strip()]
    columns = [*formats, "all"] if len(formats) > 1 else formats
    use_tj3 = not args.no_tj3 and shutil.which("tj3") is not None
    rows: list[dict[str, Any]] = []
    for n in args.sizes:
        with tempfile.TemporaryDirectory(prefix=f"scale-{n}-") as tmp:
            folder = Path(tmp)
            team = synthetic_library(folder / "lib", n)
            write_company(folder / "company.yaml", n, team)
            row: dict[str, Any] = {"steps": n}
            for column in columns:
                fmts = ",".join(formats) if column == "all" else column
                row[column] = best(folder, fmts, args.repeat, args.timeout)
                print(f"{n:>6} {column:<9} {row[column]}", file=sys.stderr, flush=True)
            if use_tj3 and n <= args.tj3_max:
                row["tj3"] = tj3_seconds(folder, folder / "tj3", args.timeout)
                print(f"{n:>6} tj3       {row['tj3']}", file=sys.stderr, flush=True)
            rows.append(row)
    print(table(rows, columns))
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1), encoding="utf-8")


def _cell(value: tuple[float, float, float] | None) -> str:
    return "timeout" if value is None else f"{value[0]:.2f} s ({value[2]:.2f} s CPU) · {value[1]:.0f} MB"


def table(rows: list[dict[str, Any]], columns: list[str]) -> str:
    """The Markdown tables: time and RSS per format and size, exponents, TaskJuggler."""
    lines = [
        "| steps | " + " | ".join(columns) + " |",
        "|---:|" + "---:|" * len(columns),
    ]
    for row in rows:
        lines.append(f"| {row['steps']:,} | " + " | ".join(_cell(row[c]) for c in columns) + " |")
    sizes = [row["steps"] for row in rows]
    if len(rows) > 1:
        times, mems = [], []
        for c in columns:
            done = [row[c] for row in rows]
            if all(d is not None for d in done):
                times.append(
                    f"{exponent(sizes, [d[0] for d in done]):.2f} ({exponent(sizes, [d[2] for d in done]):.2f} CPU)"
                )
                mems.append(f"{exponent(sizes, [d[1] for d in done]):.2f}")
            else:
                times.append("–")
                mems.append("–")
        lines.append("| growth exponent, time | " + " | ".join(times) + " |")
        lines.append("| growth exponent, RSS | " + " | ".join(mems) + " |")
    both = [row for row in rows if row.get("all") and row.get("json")]
    if both:  # the "every format together ≤ 2× json alone"
        lines += ["", "| steps | all ÷ json, wall time | all ÷ json, CPU time |", "|---:|---:|---:|"]
        for row in both:
            wall, cpu = row["all"][0] / row["json"][0], row["all"][2] / row["json"][2]
            lines.append(f"| {row['steps']:,} | {wall:.2f}× | {cpu:.2f}× |")
    compared = [row for row in rows if row.get("tj3") and row.get("json")]
    if compared:
        lines += [
            "",
            "| steps | TaskJuggler (tj3) | roadmap --format json | ratio | makespan tj3 / ours (days) |",
            "|---:|---:|---:|---:|---:|",
        ]
        for row in compared:
            tj, ours_s = row["tj3"], row["json"][0]
            lines.append(
                f"| {row['steps']:,} | {tj[0]:.1f} s | {ours_s:.2f} s | {tj[0] / ours_s:.0f}× | {tj[1]:,} / {tj[2]:,} |"
            )
    return "\n".join(lines)


if __name__ == "__main__":
    main()
