"""Time ``roadmap plan --simulate`` (issue 16) against its two targets; print a Markdown table.

    .venv/bin/python benchmarks/bench_forecast.py              # both targets, best of 3
    .venv/bin/python benchmarks/bench_forecast.py --repeat 1 --iterations 1000

1. The biggest bundled example (the one with the most tasks): ``plan --format json`` with
   ``--simulate 1000`` must take at most 10x a plain ``plan --format json`` (both end to end, in a
   fresh process, imports included).
2. A generated plan of 300 steps and 5 roles (stages of 25 steps, ranges on every stage, some
   three-point estimates, a quantified risk, team sizes that bind): 1,000 iterations in at most
   30 s, end to end.

The forecast's convergence (P80 change between the last two batches) is reported for each.
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
ROLES = ("pm", "dev", "it", "hr", "qa")


def generated_library(folder: Path, n_steps: int = 300, seed: int = 1) -> Path:
    """A library of ``n_steps`` steps in stages of 25 over five roles; returns the company file."""
    rng = random.Random(seed)
    lib = folder / "lib"
    lib.mkdir(parents=True)
    (lib / "roles.yaml").write_text(yaml.safe_dump({"roles": {r: {"title": r.upper()} for r in ROLES}}))
    per_stage = 25
    for s in range(n_steps // per_stage):
        sid = f"st{s}"
        steps: list[dict[str, Any]] = []
        for k in range(per_stage):
            days = rng.randint(2, 10)
            item: dict[str, Any] = {
                "id": f"{sid}.step-{k}",
                "title": f"Step {k} of stage {s}",
                "duration_days": days,
                "roles": rng.sample(ROLES, rng.randint(1, 2)),
            }
            earlier = [x["id"] for x in steps[-8:]]
            after: list[Any] = [f"st{s - 1}.done"] if k == 0 and s > 0 else []
            after += rng.sample(earlier, min(len(earlier), rng.randint(0, 2)))
            if after:
                item["after"] = after
            if rng.random() < 0.2:
                item["estimate"] = {"low": max(1, days - 2), "high": days * 2 + 3}
            steps.append(item)
        risk = {
            "risk": f"Stage {s} data arrives late",
            "probability": 0.25,
            "impact_days": [3, 10],
            "steps": [f"{sid}.step-3"],
        }
        stage = {
            "id": sid,
            "order": s + 1,
            "title": f"Stage {s}",
            "goal": "Synthetic",
            "steps": steps,
            "questions": [
                {
                    "id": f"q{s}",
                    "text": "Late data?",
                    "kind": "yes_no",
                    "default": True,
                    "options": [{"value": "yes", "label": "Yes", "effects": [risk]}],
                }
            ],
            "ranges": {"default": {"low": 0.8, "high": 1.5}, "steps": {f"{sid}.step-5": {"low": 0.8, "high": 2.2}}},
        }
        (lib / f"{s:03d}.yaml").write_text(yaml.safe_dump(stage))
    company = {
        "company": {"name": "Bench Co", "employees": 1200, "country": "FR"},
        "plan": {"start": "2027-01-04"},
        "team": {r: 1 + i % 2 for i, r in enumerate(ROLES)},
    }
    path = folder / "company.yaml"
    path.write_text(yaml.safe_dump(company))
    return path


def run_cli(args: list[str], out: Path) -> float:
    """Wall time of one ``roadmap`` run in a fresh process."""
    code = "import cli; cli.main()"
    began = time.perf_counter()
    subprocess.run(
        [sys.executable, "-c", code, *args, "--out", str(out)],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    return time.perf_counter() - began


def best(repeat: int, args: list[str], out: Path) -> float:
    return min(run_cli(args, out) for _ in range(repeat))


def biggest_example(out: Path) -> Path:
    sizes = {}
    for example in sorted((ROOT / "examples").glob("*.yaml")):
        run_cli(["plan", str(example), "--format", "json"], out)
        sizes[example] = len(json.loads((out / "plan.json").read_text())["tasks"])
    return max(sizes, key=lambda p: (sizes[p], p.name))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--iterations", type=int, default=1000)
    opts = parser.parse_args()
    n = str(opts.iterations)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "out"
        example = biggest_example(out)
        plain = best(opts.repeat, ["plan", str(example), "--format", "json"], out)
        simulated = best(opts.repeat, ["plan", str(example), "--format", "json", "--simulate", n], out)
        fc = json.loads((out / "plan.json").read_text())["forecast"]
        tasks = len(json.loads((out / "plan.json").read_text())["tasks"])
        rows.append((f"{example.name} ({tasks} tasks)", plain, simulated, f"{simulated / plain:.1f}x (<= 10x)", fc))
        company = generated_library(Path(tmp) / "gen")
        lib = ["--library", str(company.parent / "lib")]
        plain = best(opts.repeat, ["plan", str(company), *lib, "--format", "json"], out)
        simulated = best(opts.repeat, ["plan", str(company), *lib, "--format", "json", "--simulate", n], out)
        fc = json.loads((out / "plan.json").read_text())["forecast"]
        rows.append(("generated, 300 steps, 5 roles", plain, simulated, f"{simulated:.1f} s (<= 30 s)", fc))
    print(f"| plan | plain plan (s) | --simulate {n} (s) | target | P50 / P80 / P90 | P80 change, last batch |")
    print("|---|---:|---:|---|---|---:|")
    for name, plain, simulated, target, fc in rows:
        f = fc["finish"]
        change = fc["convergence"]["p80_change_days"]
        print(
            f"| {name} | {plain:.2f} | {simulated:.2f} | {target} | {f['p50']} / {f['p80']} / {f['p90']} | {change} |"
        )


if __name__ == "__main__":
    main()
