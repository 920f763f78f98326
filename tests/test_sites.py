"""Rollout waves (issue 17): sites, per-site steps, waves and gates, per-site calendars."""

from __future__ import annotations

import datetime as dt
import itertools
import json
from functools import cache
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from roadmap.calendar import build_calendar
from roadmap.daymask import DayMask
from roadmap.diff import diff_plans
from roadmap.errors import InputError
from roadmap.library import load_library
from roadmap.plan import Plan, build_plan, plan_file
from roadmap.schedule import SchedTask, schedule_tasks
from roadmap.sites import HEAD_OFFICE
from roadmap.wording import words
from tests.conftest import ROOT

EXAMPLE = ROOT / "examples" / "builder-sites.yaml"
PER_SITE = ("core.hypercare", "core.launch", "setup.hypercare", "setup.invite")

SMALL = """
company: {{name: Sites Co, industry: services, employees: 400, country: FR}}
plan:
  start: 2027-01-11
  {waves}
team: {team}
answers: {{deployment: cloud, org_source: nowhere}}
sites:
{sites}
"""


@cache
def example() -> Plan:
    return plan_file(EXAMPLE)[0]


def small(tmp_path: Path, sites: str, waves: str = "", team: str = "{}", name: str = "c.yaml") -> Path:
    path = tmp_path / name
    path.write_text(SMALL.format(sites=sites, waves=waves, team=team), encoding="utf-8")
    return path


def errors(path: Path) -> str:
    with pytest.raises(InputError) as info:
        plan_file(path)
    return str(info.value)


# ---------------------------------------------------------------- the example


def test_the_example_has_a_head_office_and_three_waves_of_sites() -> None:
    plan = example()
    assert len(plan.sites) >= 13
    assert {w.wave for w in plan.sites} == {1, 2, 3}
    assert [w.name for w in plan.sites if w.wave == 1] == ["Almaty"]  # the head office pilots
    assert sum(w.employees for w in plan.sites) == plan.company.employees
    assert all(w.start <= w.finish and w.go_live is not None and w.start <= w.go_live <= w.finish for w in plan.sites)


def test_per_site_steps_are_planned_once_per_site_with_their_site() -> None:
    plan = example()
    site_tasks = [t for t in plan.tasks if t.site is not None]
    assert len(site_tasks) == len(PER_SITE) * len(plan.sites)
    for task in site_tasks:
        step, site = task.id.split("@")
        assert site == task.site and step in PER_SITE
    assert not any(t.id in PER_SITE for t in plan.tasks)  # the template itself is not planned


def test_a_bigger_site_takes_longer_to_invite() -> None:
    days = {t.site: t.duration_days for t in example().tasks if t.id.startswith("setup.invite@")}
    assert days["Almaty"] > days["Astana"] >= days["Turkistan"]  # 820, 310, 35 employees


def test_no_site_step_starts_before_its_previous_wave_gate() -> None:
    plan = example()
    gates = {int(t.id.rsplit("-", 1)[1]): t.finish for t in plan.tasks if ".gate-" in t.id}
    assert sorted(gates) == [1, 2, 3]
    wave = {w.name: w.wave for w in plan.sites}
    for task in plan.tasks:
        if task.site is not None and wave[task.site] > 1:
            assert task.start > gates[wave[task.site] - 1], task.id


def test_site_steps_sit_on_their_own_calendar() -> None:
    plan = example()
    country = {w.name: w.country for w in plan.sites}
    calendars = {c: build_calendar(plan.start, c) for c in set(country.values())}
    blackout = [(dt.date(2027, 9, 20), dt.date(2027, 10, 8)), (dt.date(2027, 12, 15), dt.date(2028, 1, 10))]
    for task in plan.tasks:
        if task.site is None:
            continue
        cal = calendars[country[task.site]]
        off = blackout if task.site == "Atyrau" else []

        def works(day: dt.date) -> bool:
            return cal.is_working(day) and not any(a <= day <= b for a, b in off)  # noqa: B023

        span = [task.start + dt.timedelta(days=k) for k in range((task.finish - task.start).days + 1)]
        assert works(task.start) and works(task.finish), task.id
        assert task.duration_days == sum(map(works, span)), task.id


def test_the_sites_are_in_plan_json_and_tasks_carry_their_site(tmp_path: Path) -> None:
    data = json.loads(example().model_dump_json())
    assert data["sites"][0] == {
        "name": "Almaty",
        "wave": 1,
        "employees": 820,
        "country": "KZ",
        "start": data["sites"][0]["start"],
        "go_live": data["sites"][0]["go_live"],
        "finish": data["sites"][0]["finish"],
    }
    assert {t.get("site") for t in data["tasks"]} >= {None, "Almaty", "Riyadh"}
    plain = json.loads(plan_file(ROOT / "examples" / "services-180.yaml")[0].model_dump_json())
    assert "sites" not in plain and not any("site" in t for t in plain["tasks"])


# ---------------------------------------------------------------- small companies


def test_waves_from_plan_waves_and_a_lessons_learned_step(tmp_path: Path) -> None:
    sites = "\n".join(f"  - {{name: S{k}, employees: {100 + k}}}" for k in range(4))
    path = small(tmp_path, sites, "waves: {pilot: S2, size: 2, lessons_days: 2}")
    plan = plan_file(path)[0]
    assert [(w.name, w.wave) for w in plan.sites] == [("S2", 1), ("S0", 2), ("S1", 2), ("S3", 3)]
    lessons = {t.id: t for t in plan.tasks if ".lessons-" in t.id}
    assert sorted(lessons) == ["core.lessons-1", "core.lessons-2", "core.lessons-3"]
    assert all(t.duration_days == 2 and t.roles == ("pm",) for t in lessons.values())
    gate = next(t for t in plan.tasks if t.id == "core.gate-1")
    assert [p.id for p in gate.predecessors] == ["core.lessons-1"]
    assert gate.title == "Wave 1 gate"


def test_explicit_waves_per_site(tmp_path: Path) -> None:
    sites = "  - {name: A, employees: 200, wave: 2}\n  - {name: B, employees: 200, wave: 1}"
    plan = plan_file(small(tmp_path, sites))[0]
    assert [(w.name, w.wave) for w in plan.sites] == [("B", 1), ("A", 2)]
    gate = next(t for t in plan.tasks if t.id == "core.gate-1")
    assert min(t.start for t in plan.tasks if t.site == "A") > gate.finish


def test_adding_a_site_changes_only_that_sites_tasks(tmp_path: Path) -> None:
    team = "{implementer: 20, pm: 20, comms: 20, it: 20, hr: 20, portal_admin: 20, key_users: 20}"
    three = "  - {name: A, employees: 200}\n  - {name: B, employees: 150}\n  - {name: C, employees: 50}"
    waves = "waves: {pilot: A, size: 5}"
    before = plan_file(small(tmp_path, three, waves, team, "old.yaml"))[0]
    after = plan_file(small(tmp_path, three + "\n  - {name: D, employees: 50}", waves, team, "new.yaml"))[0]
    old = {t.id: t for t in before.tasks}
    new = {t.id: t for t in after.tasks}
    assert set(new) - set(old) == {f"{step}@D" for step in PER_SITE}
    for tid, task in old.items():
        assert (new[tid].start, new[tid].finish) == (task.start, task.finish), tid
    diff = diff_plans(json.loads(before.model_dump_json()), json.loads(after.model_dump_json()))
    assert [(s.name, s.change, s.new_wave) for s in diff.sites] == [("D", "added", 2)]
    assert sorted(diff.sites[0].tasks) == sorted(f"{step}@D" for step in PER_SITE)
    assert diff.sites[0].line().startswith("+ site D (wave 2, live ")
    back = diff_plans(json.loads(after.model_dump_json()), json.loads(before.model_dump_json()))
    assert [(s.name, s.change) for s in back.sites] == [("D", "removed")]


def test_a_saudi_site_works_on_sunday_and_rests_on_friday(tmp_path: Path) -> None:
    sites = "  - {name: Paris, employees: 200}\n  - {name: Riyadh, employees: 200, country: SA}"
    plan = plan_file(small(tmp_path, sites))[0]
    for task in plan.tasks:
        if task.site == "Riyadh":
            assert task.start.weekday() not in (4, 5) and task.finish.weekday() not in (4, 5)
        elif task.site == "Paris":
            assert task.start.weekday() < 5 and task.finish.weekday() < 5
    riyadh = [t for t in plan.tasks if t.site == "Riyadh" and t.duration_days > 1]
    assert any((t.finish - t.start).days + 1 > t.duration_days for t in riyadh)


def test_ready_and_blackout_hold_a_sites_steps(tmp_path: Path) -> None:
    free = plan_file(small(tmp_path, "  - {name: A, employees: 200}", name="a.yaml"))[0]
    first = min(t.start for t in free.tasks if t.site == "A")
    late = first + dt.timedelta(days=30)
    held = plan_file(small(tmp_path, f"  - {{name: A, employees: 200, ready: {late}}}", name="b.yaml"))[0]
    assert min(t.start for t in held.tasks if t.site == "A") >= late
    window = f"[{{from: {first}, to: {first + dt.timedelta(days=13)}}}]"
    dark = plan_file(small(tmp_path, f"  - {{name: A, employees: 200, blackout: {window}}}", name="c.yaml"))[0]
    assert min(t.start for t in dark.tasks if t.site == "A") > first + dt.timedelta(days=13)


def test_a_blackout_is_one_rule_for_the_schedule_and_the_site_calendar(tmp_path: Path) -> None:
    """The site's days off in plan.json's site calendar are the blackout days the scheduler
    skipped (roadmap.sites.blackout_days): working days only, weekends and holidays aside."""
    from roadmap.sites import blackout_days

    free = plan_file(small(tmp_path, "  - {name: A, employees: 200}", name="a.yaml"))[0]
    first = min(t.start for t in free.tasks if t.site == "A")
    last = first + dt.timedelta(days=13)  # two weekends inside
    window = f"[{{from: {first}, to: {last}}}]"
    dark, company, _ = plan_file(small(tmp_path, f"  - {{name: A, employees: 200, blackout: {window}}}", name="c.yaml"))
    site = next(s for s in company.data.sites if s.name == "A")
    calendar = build_calendar(dark.start, "FR", None, ())
    off = blackout_days(site, calendar)
    assert off and all(calendar.is_working(day) for day in off) and len(off) < 14
    (info,) = [s.calendar for s in dark.sites if s.name == "A"]
    assert info is not None and off <= set(info.holidays)
    for task in (t for t in dark.tasks if t.site == "A" and not t.milestone):
        assert task.start > last or task.finish < first


# ---------------------------------------------------------------- validation


def test_unknown_pilot_says_where_and_suggests(tmp_path: Path) -> None:
    path = small(tmp_path, "  - {name: Lyon, employees: 200}", "waves: {pilot: Lyonn, size: 2}")
    message = errors(path)
    assert f"{path}:5:18:" in message and "unknown site 'Lyonn' (did you mean 'Lyon'?)" in message


def test_waves_given_twice_or_half_given(tmp_path: Path) -> None:
    both = small(tmp_path, "  - {name: A, employees: 200, wave: 1}", "waves: {size: 2}", name="a.yaml")
    assert "waves are given twice" in errors(both)
    half = small(tmp_path, "  - {name: A, employees: 200, wave: 1}\n  - {name: B, employees: 2}", name="b.yaml")
    assert "site 'B' has no wave" in errors(half)


def test_bad_sites_are_reported_at_their_place(tmp_path: Path) -> None:
    sites = (
        "  - {name: A, employees: 200, head_office: true}\n"
        "  - {name: A, employees: 10, head_office: true, country: XX}\n"
        "  - {name: B, employees: 10, blackout: [{from: 2027-03-10, to: 2027-03-01}]}"
    )
    message = errors(small(tmp_path, sites))
    assert ":10:" in message and "site 'A' is listed twice" in message
    assert "two head offices" in message and "unknown country code 'XX'" in message
    assert "blackout ends (2027-03-01) before it begins (2027-03-10)" in message


def test_a_site_name_cannot_hold_an_at_sign(tmp_path: Path) -> None:
    assert "sites" in errors(small(tmp_path, "  - {name: 'A@B', employees: 200}"))


def test_plan_waves_needs_sites(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    path.write_text(SMALL.split("sites:")[0].format(waves="waves: {size: 2}", team="{}"), encoding="utf-8")
    assert "plan.waves needs a list of sites" in errors(path)


# ---------------------------------------------------------------- the scheduler, by properties

WEEKENDS = {"FR": (5, 6), "SA": (4, 5), "IL": (4, 5), "none": ()}


def _mask(weekend: tuple[int, ...], blackout: tuple[int, int] | None, key: str) -> DayMask:
    def works(i: int) -> bool:
        return i % 7 not in weekend and not (blackout is not None and blackout[0] <= i <= blackout[1])

    return DayMask(works, key)


@st.composite
def site_problems(draw: st.DrawFn) -> tuple[list[SchedTask], dict[str, float]]:
    n_sites = draw(st.integers(1, 4))
    masks = []
    for k in range(n_sites):
        weekend = WEEKENDS[draw(st.sampled_from(sorted(WEEKENDS)))]
        start = draw(st.integers(0, 30))
        blackout = draw(st.none() | st.just((start, start + draw(st.integers(0, 10)))))
        masks.append(_mask(weekend, blackout, f"s{k}"))
    hq = _mask((5, 6), None, "")
    tasks = [SchedTask("a.prep", draw(st.integers(1, 5)), roles=("pm",), calendar=hq)]
    gates: list[str] = []
    for wave in range(draw(st.integers(1, 3))):
        names = []
        for k in range(n_sites):
            mask = masks[k]
            prev: tuple[tuple[str, int], ...] = (("a.prep", 0),) if not gates else ((gates[-1], 0),)
            for j in range(draw(st.integers(1, 3))):
                tid = f"s.step{j}@w{wave}s{k}"
                roles = tuple(
                    draw(st.lists(st.sampled_from(["pm", "trainer", "admin"]), min_size=1, max_size=2, unique=True))
                )
                demand = tuple(draw(st.sampled_from([0.5, 1.0])) for _ in roles)
                tasks.append(SchedTask(tid, draw(st.integers(1, 6)), prev, roles, calendar=mask, demand=demand))
                prev = ((tid, draw(st.integers(0, 2))),)
                names.append(tid)
        gate = f"z.gate-{wave}"
        tasks.append(SchedTask(gate, 0, tuple((n, 0) for n in names), calendar=hq))
        gates.append(gate)
    team = {"pm": draw(st.sampled_from([1, 1.5, 2])), "trainer": 1, "admin": draw(st.sampled_from([1, 2]))}
    return tasks, team


@given(site_problems())
def test_capacity_gates_and_calendars_hold_on_every_day(problem: tuple[list[SchedTask], dict[str, float]]) -> None:
    tasks, team = problem
    result = schedule_tasks(tasks, team)
    use: dict[tuple[str, int], float] = {}
    by_id = {t.id: t for t in tasks}
    for task in tasks:
        s, f = result.start[task.id], result.finish[task.id]
        mask = task.calendar
        assert mask is not None
        if task.duration == 0:
            assert s == f
        else:
            assert mask.works(s) and mask.works(f), task.id  # never starts or ends on a day off
            worked = [d for d in range(s, f + 1) if mask.works(d)]
            assert len(worked) == task.duration, task.id
            for role, need in zip(task.roles, task.demand or (1.0,) * len(task.roles), strict=True):
                for d in worked:
                    use[role, d] = use.get((role, d), 0) + need
        for pred, lag in task.preds:
            pf = result.finish[pred]
            if task.duration == 0:
                assert s >= pf
            else:  # lag working days of the task's own calendar between them
                assert mask.count(pf + 1, s) >= lag and s > pf, (pred, task.id)
        assert result.slack[task.id] >= 0
    for (role, _day), people in use.items():
        assert people <= team[role] + 1e-9, role
    gates = sorted((t for t in tasks if t.id.startswith("z.gate-")), key=lambda t: t.id)
    for earlier, later in itertools.pairwise(gates):
        for task in tasks:
            if any(p == earlier.id for p, _ in task.preds):
                assert result.start[task.id] > result.finish[earlier.id]
        assert result.finish[later.id] >= result.finish[earlier.id]
    assert set(result.critical_path) <= set(by_id)


def test_the_library_marks_the_site_template() -> None:
    library = load_library(None)
    marked = sorted(step.id for step in library.steps() if step.per_site)
    assert marked == sorted(PER_SITE)
    assert [step.id for step in library.steps() if step.go_live] == ["setup.invite"]


def test_no_sites_no_change(tmp_path: Path) -> None:
    plan, company, library = plan_file(ROOT / "examples" / "manufacturer-1200.yaml")
    again = build_plan(company, library)
    assert plan == again and plan.sites == () and all(t.site is None for t in plan.tasks)


def test_progress_and_adjust_name_a_sites_copy(tmp_path: Path) -> None:
    sites = "  - {name: A, employees: 200}\n  - {name: B, employees: 200}"
    base = plan_file(small(tmp_path, sites, name="a.yaml"))[0]
    invite = next(t for t in base.tasks if t.id == "setup.invite@A")
    extra = (
        f"progress:\n  setup.invite@A: {{status: done, start: {invite.start}, finish: {invite.start}}}\n"
        "adjust:\n  core.launch@B: {add_days: 4, note: a second shift to train}\n"
    )
    path = small(tmp_path, sites, name="b.yaml")
    path.write_text(path.read_text(encoding="utf-8") + extra, encoding="utf-8")
    plan = plan_file(path)[0]
    by_id = {t.id: t for t in plan.tasks}
    assert by_id["setup.invite@A"].status == "done" and by_id["setup.invite@A"].duration_days == 1
    assert by_id["setup.invite@B"].status == "planned"
    old = {t.id: t for t in base.tasks}
    assert by_id["core.launch@B"].duration_days == old["core.launch@B"].duration_days + 4
    assert by_id["core.launch@A"].duration_days == old["core.launch@A"].duration_days
    path.write_text(path.read_text(encoding="utf-8").replace("setup.invite@A:", "setup.invite:"), encoding="utf-8")
    assert "'setup.invite' is planned per site: name the site, e.g. 'setup.invite@A'" in errors(path)
    path.write_text(path.read_text(encoding="utf-8").replace("setup.invite:", "setup.invite@Z:"), encoding="utf-8")
    assert "unknown step 'setup.invite@Z'" in errors(path)


def test_the_forecast_simulates_the_sites(tmp_path: Path) -> None:
    from roadmap.forecast import simulate

    sites = "  - {name: A, employees: 200}\n  - {name: B, employees: 200, country: SA}"
    plan, company, library = plan_file(small(tmp_path, sites, "waves: {size: 1}"))
    forecast = simulate(plan, company, library, iterations=20, workers=0)
    assert plan.finish - dt.timedelta(days=60) <= forecast.finish.p50 <= plan.finish + dt.timedelta(days=60)


def test_site_dates_out_of_range_and_a_site_that_never_works(tmp_path: Path) -> None:
    far = "  - {name: A, employees: 200, ready: 2150-01-01, blackout: [{from: 2027-01-01, to: 2200-01-01}]}"
    message = errors(small(tmp_path, far, name="a.yaml"))
    assert ":9:38: invalid date '2150-01-01'" in message and ":9:84: invalid date '2200-01-01'" in message
    dark = "  - {name: A, employees: 200, blackout: [{from: 2027-01-01, to: 2100-12-31}]}"
    assert "the plan would run past 2100" in errors(small(tmp_path, dark, name="b.yaml"))


def test_tasks_carry_their_wave() -> None:
    plan = example()
    wave = {w.name: w.wave for w in plan.sites}
    for task in plan.tasks:
        if task.site is not None:
            assert task.wave == wave[task.site]
        elif ".gate-" in task.id or ".lessons-" in task.id:
            assert task.wave == int(task.id.rsplit("-", 1)[1])
        else:
            assert task.wave is None


def test_the_example_never_needs_more_people_than_the_team_on_any_day() -> None:
    plan = example()
    company = plan.company
    country = {w.name: w.country for w in plan.sites}
    calendars = {c: build_calendar(plan.start, c) for c in {company.country, *country.values()}}
    atyrau = [(dt.date(2027, 9, 20), dt.date(2027, 10, 8)), (dt.date(2027, 12, 15), dt.date(2028, 1, 10))]
    use: dict[tuple[str, dt.date], float] = {}
    for task in plan.tasks:
        if task.milestone:
            continue
        cal = calendars[country[task.site] if task.site else company.country]
        day = task.start
        while day <= task.finish:
            dark = task.site == "Atyrau" and any(a <= day <= b for a, b in atyrau)
            if cal.is_working(day) and not dark:
                for role, people in task.demands.items():
                    use[role, day] = use.get((role, day), 0) + people
            day += dt.timedelta(days=1)
    assert use and all(people <= plan.team.get(role, 1) + 1e-9 for (role, _), people in use.items())
    busiest = max(people for (role, _), people in use.items() if role == "portal_admin")
    assert busiest > 1  # hypercare of several sites at once: the sites of a wave run in parallel


def test_a_sites_copy_has_its_steps_deliverables(tmp_path: Path) -> None:
    from roadmap.tracking import delivered

    path = small(tmp_path, "  - {name: A, employees: 200}\n  - {name: B, employees: 200}")
    text = path.read_text(encoding="utf-8")
    path.write_text(text + "progress:\n  setup.invite@A: {deliverables_done: [1, 9]}\n", encoding="utf-8")
    assert "'9' is not a deliverable of 'setup.invite@A'" in errors(path)
    path.write_text(text + "progress:\n  setup.invite@A: {deliverables_done: [1]}\n", encoding="utf-8")
    _plan, company, library = plan_file(path)
    assert delivered(company.data, library, "setup.invite@A") == frozenset({0})
    assert delivered(company.data, library, "setup.invite@B") == frozenset()


def test_the_schema_knows_sites_and_site_copies() -> None:
    from jsonschema import Draft202012Validator

    from roadmap.schema import company_schema

    schema = Draft202012Validator(company_schema(load_library(None)))
    doc = {
        "company": {"name": "X", "employees": 300},
        "plan": {"start": "2027-01-04", "waves": {"pilot": "A", "size": 2}},
        "sites": [{"name": "A", "employees": 300, "blackout": [{"from": "2027-03-01", "to": "2027-03-05"}]}],
        "progress": {"setup.invite@A": {"status": "planned"}},
        "adjust": {"core.launch@A": {"add_days": 1}},
    }
    assert not list(schema.iter_errors(doc))
    bad = {**doc, "progress": {"setup.kickoff@A": {"status": "planned"}}}  # not a per-site step
    assert list(schema.iter_errors(bad))


def test_a_sites_step_in_progress_keeps_its_working_days(tmp_path: Path) -> None:
    sites = "  - {name: A, employees: 200}\n  - {name: R, employees: 200, country: SA}"
    base = plan_file(small(tmp_path, sites, name="a.yaml"))[0]
    invite = next(t for t in base.tasks if t.id == "setup.invite@R")
    path = small(tmp_path, sites, name="b.yaml")
    extra = f"progress:\n  setup.invite@R: {{status: in_progress, start: {invite.start}, percent: 50}}\n"
    path.write_text(path.read_text(encoding="utf-8") + extra, encoding="utf-8")
    plan = plan_file(path, as_of=invite.start)[0]
    now = next(t for t in plan.tasks if t.id == "setup.invite@R")
    assert now.status == "in_progress" and now.start == invite.start
    assert (now.duration_days, now.finish) == (invite.duration_days, invite.finish)  # half done, the rest after
    late = invite.start + dt.timedelta(days=21)  # nothing more done for three weeks
    later = next(t for t in plan_file(path, as_of=late)[0].tasks if t.id == "setup.invite@R")
    saudi = build_calendar(late, "SA")
    rest = invite.duration_days - invite.duration_days * 50 // 100
    day, left = late, rest
    while True:  # the rest, on Riyadh's working days from the status date
        if saudi.is_working(day):
            left -= 1
            if left == 0:
                break
        day += dt.timedelta(days=1)
    assert later.finish == day


def test_diff_says_which_site_was_added(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from cli import app

    text = EXAMPLE.read_text(encoding="utf-8")
    new = text.replace(
        "  - {name: Dubai, employees: 60, country: AE}",
        "  - {name: Dubai, employees: 60, country: AE}\n  - {name: Kokshetau, employees: 70}",
    )
    assert new != text
    runner = CliRunner()
    for name, body in (("old", text), ("new", new)):
        (tmp_path / f"{name}.yaml").write_text(body, encoding="utf-8")
        res = runner.invoke(
            app, ["plan", str(tmp_path / f"{name}.yaml"), "--format", "json", "--out", str(tmp_path / name)]
        )
        assert res.exit_code == 0, res.output
    res = runner.invoke(app, ["diff", str(tmp_path / "old" / "plan.json"), str(tmp_path / "new" / "plan.json")])
    assert res.exit_code == 0, res.output
    lines = [line.strip() for line in res.output.splitlines()]
    assert "Sites:" in lines
    added = [line for line in lines if line.startswith("+ site Kokshetau (wave ")]
    assert len(added) == 1 and "steps)" in added[0]


def test_a_sites_blackout_and_calendar_travel_to_plan_json_the_checklist_and_the_line_of_balance() -> None:
    from roadmap.render import RenderContext, render
    from roadmap.render.site_sections import lob_figure

    plan = example()
    data = json.loads(plan.model_dump_json())
    atyrau = next(site for site in data["sites"] if site["name"] == "Atyrau")
    assert atyrau["blackout"] == [
        {"start": "2027-09-20", "finish": "2027-10-08"},
        {"start": "2027-12-15", "finish": "2028-01-10"},
    ]
    assert "2027-09-21" in atyrau["calendar"]["holidays"]  # a working Tuesday of the blackout
    assert atyrau["calendar"]["holiday_names"]["2027-09-21"] == "Site blackout"
    almaty = next(site for site in data["sites"] if site["name"] == "Almaty")
    assert "blackout" not in almaty and "calendar" not in almaty  # the head office's days are the plan's
    riyadh = next(site for site in data["sites"] if site["name"] == "Riyadh")
    assert riyadh["calendar"]["weekend"] == ["fri", "sat"]
    text = render("checklist", RenderContext(plan=plan)).decode()
    section = text[text.index("· Atyrau\n") :]
    assert "Blackout (nothing of this site scheduled): 2027-09-20 → 2027-10-08, 2027-12-15 → 2028-01-10" in section
    figure = lob_figure(plan, "en")
    row = [site.name for site in plan.sites].index("Atyrau")
    bands = [s for s in figure["layout"]["shapes"] if s["name"].startswith("blackout-")]
    assert [(s["name"], s["x0"], s["y0"] < row < s["y1"]) for s in bands] == [
        (f"blackout-{row}-0", "2027-09-20", True),
        (f"blackout-{row}-1", "2027-12-15", True),
    ]
    assert figure["data"][-1]["uid"] == "blackout"


def test_changing_the_template_step_changes_every_sites_copy(tmp_path: Path) -> None:
    sites = "  - {name: A, employees: 200}\n  - {name: B, employees: 150}\n  - {name: C, employees: 50}"
    before = {t.id: t for t in plan_file(small(tmp_path, sites, name="a.yaml"))[0].tasks}
    path = small(tmp_path, sites, name="b.yaml")
    path.write_text(
        path.read_text(encoding="utf-8") + "adjust:\n  core.launch: {add_days: 2, note: longer training}\n",
        encoding="utf-8",
    )
    after = {t.id: t for t in plan_file(path)[0].tasks}
    for site in ("A", "B", "C"):
        tid = f"core.launch@{site}"
        assert after[tid].duration_days == before[tid].duration_days + 2, tid
    assert set(after) == set(before)


def test_only_the_last_gate_says_the_rollout_ends_there() -> None:
    gates = [t for t in example().tasks if ".gate-" in t.id]
    assert [g.id for g in gates] == ["core.gate-1", "core.gate-2", "core.gate-3"]
    assert ["the next wave starts after it" in g.why[0] for g in gates] == [True, True, False]
    assert "the last: the rollout to the sites ends here" in gates[-1].why[0]


def test_the_head_office_is_implied_when_the_sites_leave_people_out(tmp_path: Path) -> None:
    branches = "  - {name: Lyon, employees: 100}\n  - {name: Nice, employees: 50}"
    plan = plan_file(small(tmp_path, branches, "waves: {size: 1}"))[0]
    head = next(site for site in plan.sites if site.name == HEAD_OFFICE)
    assert (head.employees, head.country, head.wave) == (250, "FR", 1)  # 400 - 150, the company's, the pilot
    assert [(s.name, s.wave) for s in plan.sites] == [("Head office", 1), ("Lyon", 2), ("Nice", 3)]
    assert any(t.id == f"setup.invite@{HEAD_OFFICE}" for t in plan.tasks)
    assert not any("headcount" in w or "employees" in w for w in plan.warnings)
    piloted = plan_file(small(tmp_path, branches, "waves: {pilot: Nice, size: 1}", name="p.yaml"))[0]
    assert [(s.name, s.wave) for s in piloted.sites] == [("Nice", 1), ("Head office", 2), ("Lyon", 3)]
    waved = "  - {name: Lyon, employees: 100, wave: 2}\n  - {name: Nice, employees: 50, wave: 3}"
    explicit = plan_file(small(tmp_path, waved, name="w.yaml"))[0]
    assert [(s.name, s.wave) for s in explicit.sites] == [("Head office", 2), ("Lyon", 2), ("Nice", 3)]
    named = "  - {name: Head office, employees: 100}\n  - {name: Nice, employees: 50}"
    clash = plan_file(small(tmp_path, named, name="c2.yaml"))[0]
    assert sorted(s.name for s in clash.sites) == ["Head office", "Head office 2", "Nice"]
    whole = "  - {name: Lyon, employees: 300}\n  - {name: Nice, employees: 100}"
    assert [s.name for s in plan_file(small(tmp_path, whole, name="x.yaml"))[0].sites] == ["Lyon", "Nice"]
    marked = "  - {name: Lyon, employees: 100, head_office: true}\n  - {name: Nice, employees: 50}"
    assert [s.name for s in plan_file(small(tmp_path, marked, name="m.yaml"))[0].sites] == ["Lyon", "Nice"]


def test_a_head_office_listed_last_still_goes_first_after_the_pilot(tmp_path: Path) -> None:
    """Marked or implied, the head office is first in line: the pilot, else first of wave 2."""
    listed = (
        "  - {name: Lyon, employees: 100}\n  - {name: Nice, employees: 50}\n"
        "  - {name: Paris, employees: 250, head_office: true}"
    )
    plan = plan_file(small(tmp_path, listed, "waves: {pilot: Nice, size: 1}"))[0]
    assert {s.name: s.wave for s in plan.sites} == {"Nice": 1, "Paris": 2, "Lyon": 3}


def test_progress_may_name_the_implied_head_offices_copy(tmp_path: Path) -> None:
    path = small(tmp_path, "  - {name: Lyon, employees: 100}")
    first = next(t for t in plan_file(path)[0].tasks if t.id == f"setup.invite@{HEAD_OFFICE}")
    path.write_text(
        path.read_text(encoding="utf-8")
        + f"progress:\n  setup.invite@{HEAD_OFFICE}: {{status: in_progress, start: {first.start}}}\n",
        encoding="utf-8",
    )
    task = next(t for t in plan_file(path)[0].tasks if t.id == f"setup.invite@{HEAD_OFFICE}")
    assert task.status == "in_progress"


def test_the_xlsx_sites_sheet_lists_a_sites_blackout_windows() -> None:
    import io

    from openpyxl import load_workbook

    from roadmap.render import RenderContext, render

    plan = example()
    rows = list(
        load_workbook(io.BytesIO(render("xlsx", RenderContext(plan=plan))))["Sites"].iter_rows(values_only=True)
    )
    by_site = {row[1]: row[7] for row in rows[1:]}
    assert by_site["Atyrau"] == "2027-09-20 → 2027-10-08, 2027-12-15 → 2028-01-10"
    assert by_site["Almaty"] is None


def test_effort_and_load_count_a_sites_steps_on_its_own_calendar() -> None:
    from roadmap.effort import TaskDays, WorkingDays

    plan = example()
    own, plain = TaskDays(plan), WorkingDays(plan.calendar)
    riyadh = [t for t in plan.tasks if t.site == "Riyadh" and not t.milestone]
    assert riyadh
    for task in [*riyadh, *(t for t in plan.tasks if t.site == "Atyrau" and not t.milestone)]:
        days = own.of(task)
        assert (days[0], days[-1], len(set(days))) == (task.start, task.finish, task.duration_days), task.id
    # on the plan's (Kazakh) calendar a Saudi step would count its Fridays and lose its Sundays
    assert any(len(set(plain.of(t))) != t.duration_days or plain.of(t)[-1] != t.finish for t in riyadh)


def test_a_headcount_mismatch_is_a_warning_with_its_record(tmp_path: Path) -> None:
    plan = plan_file(small(tmp_path, "  - {name: A, employees: 300}\n  - {name: B, employees: 200}"))[0]
    assert plan.warnings == ("the sites add up to 500 employees, the company has 400",)
    assert [(r.code, r.total, r.employees) for r in plan.warning_reasons] == [("site_headcount", 500, 400)]  # type: ignore[union-attr]
    assert plan.warnings == tuple(words(r, plan.lang) for r in plan.warning_reasons)  # line for line


def test_a_working_saturday_inside_a_blackout_is_off_in_the_sites_calendar(tmp_path: Path) -> None:
    from roadmap.effort import WorkingDays

    sites = (
        "  - {name: A, employees: 200}\n"
        "  - {name: Moscow, employees: 200, country: RU, blackout: [{from: 2027-02-15, to: 2027-02-26}]}"
    )
    plan = plan_file(small(tmp_path, sites))[0]
    moscow = next(site for site in plan.sites if site.name == "Moscow")
    assert moscow.calendar is not None
    saturday = dt.date(2027, 2, 20)  # a transferred working day in Russia, inside the blackout
    assert saturday in moscow.calendar.holidays and saturday not in moscow.calendar.extra_working_days
    assert not WorkingDays(moscow.calendar).is_working(saturday)
