"""Export a plan's task network to TaskJuggler (.tjp), schedule it with ``tj3``, read its dates back.

Only the network goes to TaskJuggler: each task with ``length N d`` (N working days), each
link as ``depends x { gaplength L d }`` (a lag in working days), stage milestones as
``milestone``. No resources: compare with plans whose teams are too large to matter. The
calendar is given as TaskJuggler understands it, from :class:`tests.libgen.Oracle` (the
``holidays`` package, not ``roadmap.calendar``):

* a working day is 09:00–17:00 (8 h, ``dailyworkinghours 8``), so ``1d`` is one working day;
* the weekend is ``workinghours <days> off``; public and extra holidays are global ``leaves``;
* TaskJuggler cannot make a single weekend date a working day (a task ``shifts`` changes
  ``length`` but not ``gaplength``), so when the span has a transferred working Saturday every
  day gets working hours and every other weekend date becomes a leave.

Sites (issue 17): a site with a calendar of its own (another country, blackout windows) gets
TaskJuggler ``shift``s on its tasks, as TaskJuggler applies them to a ``length``: a task with
shifts counts only the shifts' working hours (the global leaves and weekend no longer apply to
it, nor does a ``leaves`` inside a shift), so its days are given as a run of interval shifts:
the site's week, and a shift with every day off (or on) for each date that breaks the week. A
site's ``ready`` day is a milestone fixed at that day's midnight that its tasks depend on.

Conventions read back (checked in test_taskjuggler.py): ``end`` is the last working hour
(17:00 of the last working day, so the date is our inclusive finish); ``start`` is the moment
the task may begin: 17:00 of the day its predecessor (plus gap) ends, or 00:00 of the project
start, so the working start is the first working day on or after that moment's working
morning. A milestone sits on the end of its last predecessor (plus gap): its date as is.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
import subprocess
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from roadmap.plan import Plan
from roadmap.schedule import SchedTask
from tests.libgen import WEEKDAYS, Oracle

DAY_END = dt.time(17, 0)


def tj_id(block_id: str) -> str:
    """A TaskJuggler id for a block id (``setup.ad-sync`` → ``setup__ad_sync``)."""
    return re.sub(r"[^A-Za-z0-9_]", "_", block_id.replace(".", "__"))


@dataclass(frozen=True)
class SiteDays:
    """A site's own working days (issue 17), for TaskJuggler and for reading its dates back."""

    weekend: frozenset[int]
    is_working: Callable[[dt.date], bool]
    ready: dt.date | None = None

    def next_working(self, d: dt.date) -> dt.date:
        while not self.is_working(d):
            d += dt.timedelta(days=1)
        return d


def _site_shifts(name: str, site: SiteDays, days: list[dt.date]) -> tuple[list[str], str]:
    """The site's week as a shift, and the task attribute ``shifts`` that runs it over ``days``."""
    off = ", ".join(WEEKDAYS[w] for w in sorted(site.weekend))
    lines = [f'shift {name} "{name}" {{', "  workinghours mon - sun 9:00 - 17:00"]
    if off:
        lines.append(f"  workinghours {off} off")
    lines.append("}")
    runs: list[list[Any]] = []  # [shift, first day, last day]
    for day in days:
        usual = day.weekday() not in site.weekend
        shift = name if site.is_working(day) == usual else ("all_on" if site.is_working(day) else "all_off")
        if runs and runs[-1][0] == shift:
            runs[-1][2] = day
        else:
            runs.append([shift, day, day])
    parts = [f"{shift} {a.isoformat()} - {(b + dt.timedelta(days=1)).isoformat()}" for shift, a, b in runs]
    return lines, "shifts " + ", ".join(parts)


def tjp_text(
    plan: Plan,
    oracle: Oracle,
    plan_start: dt.date,
    horizon_days: int = 120,
    sites: Mapping[str, SiteDays] | None = None,
) -> str:
    """The .tjp of ``plan``'s tasks, links and calendar, from ``plan_start`` to past its finish;
    ``sites``: the sites whose days are not the plan's."""
    first = min(plan_start, plan.start)
    last = plan.finish + dt.timedelta(days=horizon_days)
    days = [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]
    sites = sites or {}
    weekend = sorted(oracle.weekend)
    transferred = [d for d in days if d.weekday() in oracle.weekend and oracle.is_working(d)]
    lines = [
        f'project roadmap "Roadmap" {first.isoformat()} - {last.isoformat()} {{',
        '  timezone "UTC"',
        "  dailyworkinghours 8",
        "  workinghours mon - sun 9:00 - 17:00",
    ]
    if weekend and not transferred:
        lines.append(f"  workinghours {', '.join(WEEKDAYS[w] for w in weekend)} off")
    lines.append("}")
    off = [d for d in days if not oracle.is_working(d) and (transferred or d.weekday() not in oracle.weekend)]
    if off:
        lines.append("leaves " + ", ".join(f'holiday "off" {d.isoformat()}' for d in off))
    shifts: dict[str, str] = {}
    if sites:
        lines += ['shift all_on "on" {', "  workinghours mon - sun 9:00 - 17:00", "}"]
        lines += ['shift all_off "off" {', "  workinghours mon - sun off", "}"]
    for k, (name, site) in enumerate(sorted(sites.items())):
        shift_lines, shifts[name] = _site_shifts(f"site_{k}", site, days)
        lines += shift_lines
        if site.ready is not None:
            lines.append(f'task ready_{k} "ready" {{ start {site.ready.isoformat()}-00:00 milestone }}')
    ready = {name: f"ready_{k}" for k, (name, site) in enumerate(sorted(sites.items())) if site.ready is not None}
    for task in plan.tasks:
        body = ["milestone"] if task.milestone else [f"length {task.duration_days}d"]
        if task.site in shifts and not task.milestone:
            body.append(shifts[task.site])
        deps = [ready[task.site]] if task.site in ready else []
        for link in task.predecessors:
            gap = f" {{ gaplength {link.lag_days}d }}" if link.lag_days else ""
            deps.append(f"{tj_id(link.id)}{gap}")
        if deps:
            body.append("depends " + ", ".join(deps))
        lines.append(f'task {tj_id(task.id)} "{tj_id(task.id)}" {{ {" ".join(body)} }}')
    lines += [
        'taskreport "dates" {',
        "  formats csv",
        "  columns id, start, end",
        '  timeformat "%Y-%m-%d %H:%M"',
        "}",
    ]
    return "\n".join(lines) + "\n"


def run_tj3(text: str, workdir: Path, timeout: float = 120) -> dict[str, tuple[dt.datetime, dt.datetime]]:
    """Schedule a .tjp with tj3; return task id → (start, end) as TaskJuggler reports them."""
    workdir.mkdir(parents=True, exist_ok=True)
    source = workdir / "plan.tjp"
    source.write_text(text, encoding="utf-8")
    done = subprocess.run(
        ["tj3", "--no-color", "--silent", "-o", str(workdir), str(source)],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if done.returncode != 0:
        raise AssertionError(f"tj3 failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    out: dict[str, tuple[dt.datetime, dt.datetime]] = {}
    with (workdir / "dates.csv").open(encoding="utf-8", newline="") as stream:
        for row in csv.DictReader(stream, delimiter=";"):
            out[row["Id"]] = (
                dt.datetime.strptime(row["Start"], "%Y-%m-%d %H:%M"),
                dt.datetime.strptime(row["End"], "%Y-%m-%d %H:%M"),
            )
    return out


def working_dates(
    reported: Mapping[str, tuple[dt.datetime, dt.datetime]],
    milestones: Iterable[str],
    oracle: Oracle,
    own: Mapping[str, SiteDays] | None = None,
) -> dict[str, tuple[dt.date, dt.date]]:
    """TaskJuggler's moments as our inclusive working dates (see the module docstring);
    ``own``: the tasks that work on a site's days (by TaskJuggler id)."""
    is_milestone = set(milestones)
    own = own or {}
    out: dict[str, tuple[dt.date, dt.date]] = {}
    for tid, (start, end) in reported.items():
        if tid in is_milestone:
            out[tid] = (start.date(), end.date())
            continue
        day = start.date() + dt.timedelta(days=1) if start.time() >= DAY_END else start.date()
        source: SiteDays | Oracle = own.get(tid, oracle)
        out[tid] = (source.next_working(day), end.date())
    return out


# --- issue 14: scheduler-level export with roles as resources (leveling quality and speed) ---


def tjp_leveling(
    tasks: Iterable[SchedTask], capacity: Mapping[str, int], horizon_days: int, start: dt.date = dt.date(2027, 1, 4)
) -> str:
    """A .tjp of scheduler tasks on a calendar where every day is a working day (index = day).

    A role of capacity ``c`` is ``c`` resources; a task allocates one of them per role it holds
    (``alternative`` the others, ``mandatory``: all its roles at once) for ``effort`` = days ×
    roles, so it lasts its days when nothing holds it back (TaskJuggler may still split it).
    A task without roles has a ``length``; a milestone is a ``milestone``; a link's lag is a
    ``gaplength``. Fixed starts and release days are not exported (the generated instances
    have none).
    """
    tasks = list(tasks)
    lines = [
        f'project leveling "Leveling" {start.isoformat()} +{horizon_days}d {{',
        '  timezone "UTC"',
        "  dailyworkinghours 8",
        "  workinghours mon - sun 9:00 - 17:00",
        "}",
    ]
    roles = sorted({r for t in tasks for r in t.roles})
    for role in roles:
        for k in range(1, capacity.get(role, 1) + 1):
            lines.append(f'resource {tj_id(role)}_{k} "{role} {k}"')
    for t in tasks:
        if t.duration == 0:
            body = ["milestone"]
        elif t.roles:
            allocations = []
            for role in sorted(set(t.roles)):
                n = capacity.get(role, 1)
                others = ", ".join(f"{tj_id(role)}_{k}" for k in range(2, n + 1))
                alternative = f"alternative {others} select minloaded " if others else ""
                allocations.append(f"{tj_id(role)}_1 {{ {alternative}mandatory }}")
            body = [f"effort {t.duration * len(set(t.roles))}d", "allocate " + ", ".join(allocations)]
        else:
            body = [f"length {t.duration}d"]
        deps = [f"{tj_id(p)}{f' {{ gaplength {lag}d }}' if lag else ''}" for p, lag in t.preds]
        if deps:
            body.append("depends " + ", ".join(deps))
        lines.append(f'task {tj_id(t.id)} "{tj_id(t.id)}" {{ {" ".join(body)} }}')
    lines += ['taskreport "dates" {', "  formats csv", "  columns id, start, end", '  timeformat "%Y-%m-%d %H:%M"', "}"]
    return "\n".join(lines) + "\n"


def tj3_makespan(
    tasks: Iterable[SchedTask], capacity: Mapping[str, int], workdir: Path, horizon_days: int, timeout: float = 3600
) -> int:
    """TaskJuggler's makespan in days (every day working) of the scheduler tasks."""
    start = dt.date(2027, 1, 4)
    reported = run_tj3(tjp_leveling(tasks, capacity, horizon_days, start), workdir, timeout=timeout)
    last = max(end for _, end in reported.values())
    return (last.date() - start).days + 1
