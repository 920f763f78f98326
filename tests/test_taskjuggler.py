"""Cross-check the date rules with TaskJuggler (Debian package ``tj3``), without capacities.

Each plan is made with teams too large to matter, exported to a .tjp (tests/tj3_helpers.py),
scheduled by tj3, and every task's start and finish compared with plan.json. Skipped when
``tj3`` is not on PATH (``apt-get install tj3``).

Demands in units (a step's ``roles`` as ``{role: people}``): TaskJuggler allocates whole
resources for a task's whole length and has no way to say "a quarter of one person" (its
``efficiency`` and ``limits`` change how work is booked, not a share of a person held each
day), so a fractional demand cannot be expressed there, and its levelling heuristic differs
from ours anyway. What is cross-checked is that the mapping form (integer units and
fractions alike) leaves the date rules untouched when the team does not bind.
"""

from __future__ import annotations

import datetime as dt
import random
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from roadmap.library import load_library
from roadmap.plan import Plan, plan_file
from tests.conftest import EXAMPLES
from tests.libgen import ROLES, Oracle, company, random_dag_stages, write_company, write_library
from tests.tj3_helpers import SiteDays, run_tj3, tj_id, tjp_text, working_dates

pytestmark = [
    pytest.mark.external,
    pytest.mark.skipif(shutil.which("tj3") is None, reason="TaskJuggler (tj3) is not installed"),
]

HUGE = 10_000
D = dt.date


def compare(
    plan: Plan, oracle: Oracle, plan_start: dt.date, workdir: Path, sites: dict[str, SiteDays] | None = None
) -> None:
    """Every task's start and finish in plan.json equals TaskJuggler's."""
    reported = run_tj3(tjp_text(plan, oracle, plan_start, sites=sites), workdir)
    own = {tj_id(t.id): sites[t.site] for t in plan.tasks if sites and t.site in sites}
    theirs = working_dates(reported, [tj_id(t.id) for t in plan.tasks if t.milestone], oracle, own)
    theirs = {tid: dates for tid, dates in theirs.items() if not tid.startswith("ready_")}
    ours = {tj_id(t.id): (t.start, t.finish) for t in plan.tasks}
    assert set(theirs) == set(ours)
    wrong = {tid: (ours[tid], theirs[tid]) for tid in ours if ours[tid] != theirs[tid]}
    assert not wrong, f"roadmap vs tj3: {wrong}"


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_examples_match_taskjuggler(path: Path, tmp_path: Path) -> None:
    data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["team"] = {role: HUGE for role in load_library().roles}
    copy = tmp_path / path.name
    copy.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    plan = plan_file(copy)[0]
    assert len(plan.tasks) > 20
    settings = data["plan"]
    oracle = Oracle(data["company"].get("country"), settings.get("weekend"), settings.get("holidays", ()))
    compare(plan, oracle, settings["start"], tmp_path / "tj", _site_days(data, oracle))


def _site_days(data: dict[str, Any], head_office: Oracle) -> dict[str, SiteDays]:
    """The sites (issue 17) whose days are not the head office's: another country, blackouts, a ready day."""
    out: dict[str, SiteDays] = {}
    country = data["company"].get("country")
    for site in data.get("sites") or ():
        own = site.get("country", country)
        blackout = [(w["from"], w["to"]) for w in site.get("blackout", ())]
        if own == country and not blackout and "ready" not in site:
            continue
        base = head_office if own == country else Oracle(own, None, data["plan"].get("holidays", ()))

        def works(d: dt.date, base: Oracle = base, blackout: list[Any] = blackout) -> bool:
            return base.is_working(d) and not any(a <= d <= b for a, b in blackout)

        out[site["name"]] = SiteDays(base.weekend, works, site.get("ready"))
    return out


CALENDARS = [
    {"country": "FR", "start": D(2027, 4, 26), "holidays": [D(2027, 5, 7)]},  # Ascension bridge day
    {"country": "RU", "start": D(2027, 2, 15)},  # Saturday 20 February is a working day
    {"country": "IL", "start": D(2027, 4, 16)},  # Friday–Saturday weekend, starts on a Friday
    {"country": None, "start": D(2026, 12, 19), "weekend": ["sun"]},  # a six-day week
    {"country": "KZ", "start": D(2027, 3, 6), "weekend": ["fri", "sat", "sun"]},
]


@pytest.mark.parametrize("seed", range(len(CALENDARS)))
def test_random_networks_match_taskjuggler(seed: int, tmp_path: Path) -> None:
    cal = CALENDARS[seed]
    stages = random_dag_stages(random.Random(seed), n_stages=4, max_steps=6)
    comp = company(
        cal["start"],
        country=cal["country"],
        weekend=cal.get("weekend"),
        holidays_=cal.get("holidays", ()),
        team={r: HUGE for r in ROLES},
    )
    lib = write_library(tmp_path / "lib", stages)
    plan = plan_file(write_company(tmp_path / "company.yaml", comp), library_dir=lib)[0]
    assert any(p.lag_days for t in plan.tasks for p in t.predecessors)
    compare(plan, Oracle(cal["country"], cal.get("weekend"), cal.get("holidays", ())), cal["start"], tmp_path / "tj")


@pytest.mark.parametrize("seed", range(2))
def test_unit_demands_keep_the_dates_of_taskjuggler(seed: int, tmp_path: Path) -> None:
    cal = CALENDARS[seed]
    rng = random.Random(100 + seed)
    stages = random_dag_stages(rng, n_stages=4, max_steps=6)
    for st in stages:
        for sp in st["steps"]:
            sp["roles"] = {role: rng.choice([0.05, 0.25, 0.5, 1, 2, 3]) for role in sp.get("roles", [])}
    comp = company(
        cal["start"], country=cal["country"], holidays_=cal.get("holidays", ()), team={r: HUGE for r in ROLES}
    )
    lib = write_library(tmp_path / "lib", stages)
    plan = plan_file(write_company(tmp_path / "company.yaml", comp), library_dir=lib)[0]
    compare(plan, Oracle(cal["country"], None, cal.get("holidays", ())), cal["start"], tmp_path / "tj")


def test_the_mapping_catches_a_wrong_date(tmp_path: Path) -> None:
    """A sabotaged plan (one task a day late) is caught: the cross-check can fail."""
    lib = write_library(tmp_path / "lib", random_dag_stages(random.Random(7), n_stages=2, max_steps=3))
    comp = company(D(2027, 5, 3), team={r: HUGE for r in ROLES})
    plan = plan_file(write_company(tmp_path / "company.yaml", comp), library_dir=lib)[0]
    oracle = Oracle("FR")
    last = plan.tasks[-1]
    moved = last.model_copy(update={"finish": oracle.add(last.finish, 1)})
    bad = plan.model_copy(update={"tasks": (*plan.tasks[:-1], moved)})
    with pytest.raises(AssertionError, match="roadmap vs tj3"):
        compare(bad, oracle, D(2027, 5, 3), tmp_path / "tj")
