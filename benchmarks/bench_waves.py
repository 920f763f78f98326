"""Rollout waves (issue 17): 200 sites × 15 per-site steps against 3,000 plain steps.

    .venv/bin/python benchmarks/bench_waves.py                  # 200 sites, best of 3
    .venv/bin/python benchmarks/bench_waves.py --sites 50 --repeat 1

Both plans have the same work: a template of 15 steps (a small DAG with lags, one or two roles
out of four, shares of a person) repeated 200 times, and one preparation step before it.

* **waves**: the template is marked ``per_site`` and the company lists 200 sites (countries FR,
  DE, SA and AE, so four weekends and holiday books; a blackout window on every tenth site),
  in waves of 20 after a pilot: every task on its own calendar, gates between waves;
* **plain**: the template is written out 200 times as stages of plain steps on one calendar,
  each stage starting after the stage 20 places earlier (the same shape as the waves).

What is timed is :func:`roadmap.plan.build_plan` (resolve, schedule, staffing, the Plan), the
library and company already loaded. The issue asks for waves ≤ 5× plain. A plan with sites skips
the improvement stage (issue 14), which the plain plan runs: the plain plan is also timed
without it (``plain, first pass only``), for the cost of the calendars alone.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

ROLES = ("pm", "trainer", "admin", "it")
TEAM = {"pm": 3, "trainer": 4, "admin": 3, "it": 2}
COUNTRIES = ("FR", "DE", "SA", "AE")
TEMPLATE_STEPS = 15
WAVE = 20


def template(seed: int = 17) -> list[dict[str, Any]]:
    """15 steps: id suffix, days, roles (mapping), links to earlier steps of the template (with lags)."""
    rng = random.Random(seed)
    steps: list[dict[str, Any]] = []
    for k in range(TEMPLATE_STEPS):
        roles = rng.sample(ROLES, rng.randint(1, 2))
        after = [(f"t{j}", rng.choice((0, 0, 1))) for j in rng.sample(range(k), min(k, rng.randint(1, 2)))] if k else []
        steps.append(
            {
                "name": f"t{k}",
                "days": rng.randint(1, 5),
                "roles": {r: rng.choice((1, 0.5)) for r in roles},
                "after": after,
            }
        )
    return steps


def _roles_file(folder: Path) -> None:
    roles = {"roles": {r: {"title": {"en": r.upper()}} for r in ROLES}}
    (folder / "roles.yaml").write_text(yaml.safe_dump(roles), encoding="utf-8")


def _prep_stage() -> dict[str, Any]:
    step = {"id": "prep.kickoff", "title": {"en": "Kick-off"}, "duration_days": 3, "roles": {"pm": 1}}
    return {"id": "prep", "order": 1, "title": {"en": "Prep"}, "goal": {"en": "Prepare"}, "steps": [step]}


def _steps(sid: str, extra_after: list[str], per_site: bool) -> list[dict[str, Any]]:
    out = []
    for k, spec in enumerate(template()):
        after: list[Any] = [{"id": f"{sid}.{name}", "lag_days": lag} for name, lag in spec["after"]]
        if k == 0:
            after.extend(extra_after)
        step: dict[str, Any] = {
            "id": f"{sid}.{spec['name']}",
            "title": {"en": f"Step {k}"},
            "duration_days": spec["days"],
            "roles": spec["roles"],
            "after": after,
        }
        if per_site:
            step["per_site"] = True
            step["scaling"] = [{"by": "employees", "per": 100, "add_days": 1, "max_days": 3}]
        out.append(step)
    return out


def write_waves(folder: Path, n_sites: int) -> Path:
    """The per-site library and a company of ``n_sites`` sites; the company file's path."""
    lib = folder / "lib"
    lib.mkdir(parents=True)
    _roles_file(lib)
    (lib / "1-prep.yaml").write_text(yaml.safe_dump(_prep_stage()), encoding="utf-8")
    stage = {
        "id": "site",
        "order": 2,
        "title": {"en": "Site"},
        "goal": {"en": "Roll out"},
        "steps": _steps("site", ["prep.kickoff"], per_site=True),
    }
    (lib / "2-site.yaml").write_text(yaml.safe_dump(stage, sort_keys=False), encoding="utf-8")
    rng = random.Random(5)
    sites = []
    for k in range(n_sites):
        site: dict[str, Any] = {"name": f"Site {k:03d}", "employees": rng.randint(20, 300)}
        site["country"] = COUNTRIES[k % len(COUNTRIES)]
        if k % 10 == 9:
            begin = dt.date(2027, 3, 1) + dt.timedelta(days=7 * (k % 40))
            site["blackout"] = [{"from": begin, "to": begin + dt.timedelta(days=9)}]
        sites.append(site)
    data = {
        "company": {"name": "Bench Sites", "employees": sum(s["employees"] for s in sites), "country": "FR"},
        "plan": {"start": dt.date(2027, 1, 4), "waves": {"pilot": "Site 000", "size": WAVE}},
        "team": TEAM,
        "sites": sites,
    }
    path = folder / "company.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def write_plain(folder: Path, n_sites: int) -> Path:
    """The same template written out ``n_sites`` times as plain stages; the company file's path."""
    lib = folder / "lib"
    lib.mkdir(parents=True)
    _roles_file(lib)
    (lib / "1-prep.yaml").write_text(yaml.safe_dump(_prep_stage()), encoding="utf-8")
    for k in range(n_sites):
        before = [f"s{k - WAVE}.done"] if k >= WAVE else ["prep.kickoff"]
        stage = {
            "id": f"s{k}",
            "order": 2 + k,
            "title": {"en": f"Site {k}"},
            "goal": {"en": "Roll out"},
            "steps": _steps(f"s{k}", before, per_site=False),
        }
        (lib / f"s{k:03d}.yaml").write_text(yaml.safe_dump(stage, sort_keys=False), encoding="utf-8")
    data = {
        "company": {"name": "Bench Plain", "employees": 1200, "country": "FR"},
        "plan": {"start": dt.date(2027, 1, 4)},
        "team": TEAM,
    }
    path = folder / "company.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def time_plan(company_path: Path, repeat: int, *, improvement: bool = True) -> tuple[float, int]:
    """Best wall time of build_plan over ``repeat`` runs, and the plan's task count."""
    import functools

    import roadmap.plan
    from roadmap.company import load_company
    from roadmap.library import load_library
    from roadmap.plan import build_plan
    from roadmap.schedule import schedule_tasks

    roadmap.plan.schedule_tasks = functools.partial(schedule_tasks, improvement=improvement)  # type: ignore[attr-defined]

    library = load_library(company_path.parent / "lib")
    company = load_company(company_path, library)
    best = float("inf")
    tasks = 0
    for _ in range(repeat):
        gc.collect()
        t0 = time.perf_counter()
        plan = build_plan(company, library)
        best = min(best, time.perf_counter() - t0)
        tasks = len(plan.tasks)
    return best, tasks


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--sites", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        waves_time, waves_tasks = time_plan(write_waves(Path(tmp) / "waves", args.sites), args.repeat)
        plain_path = write_plain(Path(tmp) / "plain", args.sites)
        plain_time, plain_tasks = time_plan(plain_path, args.repeat)
        first_time, _ = time_plan(plain_path, args.repeat, improvement=False)
    steps = args.sites * TEMPLATE_STEPS
    print(f"{args.sites} sites × {TEMPLATE_STEPS} per-site steps ({steps} steps)")
    print(f"  waves: {waves_time:7.2f} s  ({waves_tasks} tasks: steps, gates, milestones)")
    print(f"  plain: {plain_time:7.2f} s  ({plain_tasks} tasks)")
    print(f"  plain, first pass only: {first_time:7.2f} s")
    print(f"  ratio: {waves_time / plain_time:.2f}× (goal ≤ 5×); {waves_time / first_time:.2f}× the first pass only")


if __name__ == "__main__":
    main()
