"""A plan with rollout waves (issue 17) built in code, for the renderers' tests.

The core that plans sites is built apart: these tests need only the Plan it promises
(``Task.site``, ids ``STEP@SITE``, ``Plan.sites``). :func:`site_plan` takes a real plan (of the
one-office example, which never gets sites) and adds a stage ``rollout`` after it, from a fixed
date (:data:`ROLLOUT_START`: the rollout's dates do not move with the library's durations). For
each site, the site template's steps one after the other on working days of the plan's calendar;
the sites of a wave in parallel (a day apart, as a team would stagger them), a gate milestone
after each wave's hypercare, the next wave after the gate. Every link points at a task of the
plan, stages and the plan span their tasks: a consistent plan that MS Project (MPXJ) can
schedule again.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Sequence
from pathlib import Path

from roadmap.calendar import WorkCalendar, build_calendar
from roadmap.plan import Plan, Predecessor, SiteWindow, StageSummary, Task, _calendar_info, plan_file
from roadmap.render import RenderContext

ROOT = Path(__file__).resolve().parents[2]
BASE = ROOT / "examples" / "services-180.yaml"
ROLLOUT_START = dt.date(2029, 1, 8)

TEMPLATE: tuple[tuple[str, str, int, tuple[str, ...]], ...] = (
    ("rollout.invite", "Invitations", 2, ("Invitation e-mail sent", "Posters up")),
    ("rollout.training", "Key-user training", 3, ("Key users trained",)),
    ("rollout.go-live", "Local go-live", 1, ("Site live",)),
    ("rollout.hypercare", "Hypercare", 5, ()),
)
"""(id, title, working days, deliverables) of the site template's steps, in order."""

SITES: tuple[tuple[str, int, int, str | None], ...] = (
    ("Head office", 1, 900, "FR"),
    ("Lyon", 2, 320, "FR"),
    ("Marseille", 2, 210, "FR"),
    ("Bruxelles", 3, 150, "BE"),
    ("Lille", 3, 180, None),
)
"""(name, wave, employees, country) of the default sites."""

HOSTILE_SITES: tuple[tuple[str, int, int, str | None], ...] = (
    ("<img src=x onerror=alert(1)>", 1, 100, None),
    ('=HYPERLINK("http://x")', 1, 100, None),
    ("../../etc/passwd", 2, 100, None),
    ("Saint-Étienne & *Co*", 2, 100, None),
    ("lyon", 2, 100, None),
    ("Lyon", 3, 100, None),
    ("东京", 3, 100, None),
    ("///", 3, 100, None),
)


@functools.cache
def base_plan(path: Path = BASE, lang: str = "en") -> RenderContext:
    """A real plan of an example (planned once per test process)."""
    return RenderContext(plan=plan_file(path, lang=lang)[0])


def _after(calendar: WorkCalendar, day: dt.date, working: int) -> dt.date:
    """The working day ``working`` working days after ``day`` (``day`` itself a working day at 0)."""
    day = calendar.next_working(day)
    for _ in range(working):
        day = calendar.next_working(day + dt.timedelta(days=1))
    return day


def site_plan(
    plan: Plan,
    sites: Sequence[tuple[str, int, int, str | None]] = SITES,
    *,
    titled_with_site: bool = False,
) -> Plan:
    """``plan`` with a ``rollout`` stage of per-site steps for ``sites`` (name, wave, employees, country).

    ``titled_with_site``: task titles end with ``— SITE`` (as a core might name them).
    """
    calendar = build_calendar(
        plan.start, plan.calendar.country, plan.calendar.weekend, plan.calendar.holidays, language=plan.lang
    )
    assert not plan.sites, "the base plan has sites of its own: build on another example"
    last = max(plan.tasks, key=lambda t: (t.finish, t.id))
    day = calendar.next_working(max(last.finish + dt.timedelta(days=1), ROLLOUT_START))
    previous: Task = last
    tasks: list[Task] = []
    windows: list[SiteWindow] = []
    by_wave: dict[int, list[tuple[str, int, int, str | None]]] = {}
    for site in sites:
        by_wave.setdefault(site[1], []).append(site)
    for wave, members in sorted(by_wave.items()):
        members = sorted(members, key=lambda s: s[0])
        ends: list[Task] = []
        for k, (name, _, employees, country) in enumerate(members):
            start = _after(calendar, day, k)
            before = previous
            own: list[Task] = []
            for sid, title, days, deliverables in TEMPLATE:
                if sid == "rollout.training":
                    days = max(1, -(-employees // 150))
                finish = _after(calendar, start, days - 1)
                own.append(
                    Task(
                        id=f"{sid}@{name}",
                        stage="rollout",
                        title=f"{title} — {name}" if titled_with_site else title,
                        start=start,
                        finish=finish,
                        duration_days=calendar.count_working(start, finish),
                        milestone=False,
                        predecessors=(Predecessor(id=before.id, lag_days=0),),
                        roles=("pm",),
                        critical=False,
                        slack_days=0,
                        status="planned",
                        percent=0,
                        why=(f"base {days} working days",),
                        deliverables=deliverables,
                        demands={"pm": 1.0},
                        effort={"pm": float(days)},
                        site=name,
                    )
                )
                before = own[-1]
                start = calendar.next_working(finish + dt.timedelta(days=1))
            tasks.extend(own)
            ends.append(own[-1])
            windows.append(
                SiteWindow(
                    name=name,
                    wave=wave,
                    employees=employees,
                    country=country,
                    start=own[0].start,
                    go_live=own[2].finish,
                    finish=own[-1].finish,
                )
            )
        gate_day = max(t.finish for t in ends)
        gate = _milestone(f"rollout.gate-{wave}", f"Wave {wave} gate", gate_day, ends)
        tasks.append(gate)
        previous = gate
        day = calendar.next_working(gate_day + dt.timedelta(days=1))
    tasks.append(_milestone("rollout.done", "Stage complete: Rollout", previous.finish, [previous]))
    made = {t.id: k for k, t in enumerate(tasks)}
    tasks.sort(key=lambda t: (t.start, t.milestone, made[t.id]))
    finish = max(t.finish for t in tasks)
    stage = StageSummary(
        id="rollout",
        order=max(s.order for s in plan.stages) + 1,
        title="Rollout to the sites",
        start=min(t.start for t in tasks),
        finish=finish,
        working_days=calendar.count_working(min(t.start for t in tasks), finish),
        milestone="rollout.done",
    )
    return plan.model_copy(
        update={
            "tasks": (*plan.tasks, *tasks),
            "stages": (*plan.stages, stage),
            "finish": finish,
            "working_days": calendar.count_working(plan.start, finish),
            "calendar": _calendar_info(calendar, plan.start, finish, plan.calendar.country),
            "sites": tuple(sorted(windows, key=lambda w: (w.wave, w.name))),
        }
    )


def _milestone(tid: str, title: str, day: dt.date, after: Sequence[Task]) -> Task:
    return Task(
        id=tid,
        stage="rollout",
        title=title,
        start=day,
        finish=day,
        duration_days=0,
        milestone=True,
        predecessors=tuple(Predecessor(id=t.id, lag_days=0) for t in sorted(after, key=lambda t: t.id)),
        roles=(),
        critical=False,
        slack_days=0,
        status="planned",
        percent=0,
        why=(),
    )


def site_ctx(
    sites: Sequence[tuple[str, int, int, str | None]] = SITES,
    *,
    lang: str = "en",
    options: tuple[tuple[str, str], ...] = (),
    titled_with_site: bool = False,
) -> RenderContext:
    """A render context of the one-office example with ``sites``."""
    from dataclasses import replace

    base = base_plan(BASE, lang)
    plan = site_plan(base.plan, sites, titled_with_site=titled_with_site)
    return replace(base, plan=plan, options=options)
