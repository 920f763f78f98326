"""Time ``roadmap plan`` on the bundled examples with and without the staffing re-plan (issue 9).

    .venv/bin/python benchmarks/bench_staffing.py             # best of 9
    .venv/bin/python benchmarks/bench_staffing.py --repeat 21

For each example: ``plan_file`` (load, resolve, schedule, the Plan model) and ``plan_file`` plus
every report of ``roadmap plan`` (what the command spends after its imports), each timed once
as shipped and once with the staffing analysis replaced by a stub that re-plans nothing (the
plan as it was before issue 9's point 5). The ratio is the cost of the re-plans; the issue asks
for at most 1.5x on the whole command. Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


@contextmanager
def without_staffing() -> Iterator[None]:
    """``build_plan`` with a staffing analysis that re-plans nothing."""
    import roadmap.plan
    from roadmap.staffing import Staffing

    real = roadmap.plan.staffing
    roadmap.plan.staffing = lambda tasks, result, team, head_office=None: Staffing({}, (), False)
    try:
        yield
    finally:
        roadmap.plan.staffing = real


def best_pair(run: Callable[[], object], repeat: int) -> tuple[float, float]:
    """Best times without and with the staffing analysis, the two runs interleaved (a busy
    machine slows both alike)."""
    without, with_ = [], []
    for _ in range(repeat):
        with without_staffing():
            began = time.perf_counter()
            run()
            without.append(time.perf_counter() - began)
        began = time.perf_counter()
        run()
        with_.append(time.perf_counter() - began)
    return min(without), min(with_)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=9, help="best of this many runs (default 9)")
    args = parser.parse_args()

    from roadmap.plan import plan_file
    from roadmap.render import DEFAULT_FORMATS, RenderContext, write_reports

    def plan_only(path: Path) -> Callable[[], object]:
        return lambda: plan_file(path)

    def whole_command(path: Path, out: Path) -> Callable[[], object]:
        def run() -> object:
            plan = plan_file(path)[0]
            ctx = RenderContext(plan=plan)
            return write_reports(ctx, list(DEFAULT_FORMATS), out)

        return run

    print("| example | steps | roles | plan_file before | after | ratio | whole `plan` before | after | ratio |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory() as tmp:
        for path in sorted((ROOT / "examples").glob("*.yaml")):
            plan, _, _ = plan_file(path)  # warm caches (holidays, templates) before timing
            replanned = len(plan.staffing)
            steps = sum(1 for task in plan.tasks if not task.milestone)
            out = Path(tmp) / path.stem
            whole_command(path, out)()
            p0, p1 = best_pair(plan_only(path), args.repeat)
            w0, w1 = best_pair(whole_command(path, out), args.repeat)
            print(
                f"| {path.stem} | {steps} | {replanned} | {p0 * 1000:.0f} ms | {p1 * 1000:.0f} ms | {p1 / p0:.2f}x"
                f" | {w0 * 1000:.0f} ms | {w1 * 1000:.0f} ms | {w1 / w0:.2f}x |"
            )


if __name__ == "__main__":
    main()
