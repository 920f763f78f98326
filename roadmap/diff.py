"""Compare two plan.json files: what moved and why.

Scope (steps added or dropped, with the new plan's reason for a drop, or the new library's lack of
the step), durations (with the reasons that differ, team-limit waits aside: they move a start,
not a duration), dates per task and the finish, and the inputs that explain them: changed
answers and team sizes. Reasons are compared as the records of ``reasons`` (issue 11), codes
and parameters, and shown as the plan's ``why`` sentences; a plan.json without records (written
before them) is compared by its sentences. Shifts are counted in working days when both plans carry the same
weekend (holidays and working weekend days from both), else in calendar days.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from roadmap.baseline import check_plan_shape, read_plan_json
from roadmap.effort import WorkingDays
from roadmap.plan import CalendarInfo
from roadmap.summary_parts import signed

WORKING = "working days"
CALENDAR = "calendar days"
NOT_IN_LIBRARY = "not in the new plan's library"
"""The reason of a step the new plan neither keeps nor lists as dropped: its library has no such step."""
START_CODES = frozenset({"waits"})
"""Reason codes that explain a start, not a duration: waiting for a busy role."""


@dataclass(frozen=True)
class ScopeChange:
    """A step (or milestone) only one of the plans has."""

    id: str
    title: str
    stage: str
    milestone: bool
    reason: str | None = None
    """Why the new plan dropped it (from its ``dropped`` list)."""


@dataclass(frozen=True)
class DurationChange:
    """A step whose working days changed, and the reasons that differ."""

    id: str
    title: str
    old_days: int
    new_days: int
    why_removed: list[str]
    why_added: list[str]


@dataclass(frozen=True)
class DateMove:
    """A task whose start or finish moved."""

    id: str
    title: str
    old_start: str
    new_start: str
    old_finish: str
    new_finish: str
    start_shift: int
    finish_shift: int
    because: list[str]


@dataclass(frozen=True)
class Move:
    """A date of the whole plan, before and after."""

    old: str
    new: str
    shift: int


@dataclass(frozen=True)
class ValueChange:
    """An answer or a team size that changed (``None``: absent on that side)."""

    key: str
    old: Any
    new: Any


@dataclass(frozen=True)
class CostChange:
    """A stage's cost (or the ``total``) before and after, and the difference, as plan.json strings."""

    stage: str
    old: str
    new: str
    delta: str
    currency: str


@dataclass(frozen=True)
class SiteChange:
    """A site only one plan has, or whose wave or dates moved (issue 17)."""

    name: str
    change: str
    """``added``, ``removed`` or ``changed``."""
    old_wave: int | None
    new_wave: int | None
    old_go_live: str | None
    new_go_live: str | None
    old_finish: str | None
    new_finish: str | None
    tasks: list[str] = field(default_factory=list)
    """Ids of the site's steps only one plan has (added: the new plan's; removed: the old one's)."""

    def line(self) -> str:
        """One line for people: ``+ site Oral (wave 3, live 2028-01-10, 4 steps)``."""
        if self.change == "added":
            return f"+ site {self.name} (wave {self.new_wave}, live {self.new_go_live or '-'}, {len(self.tasks)} steps)"
        if self.change == "removed":
            return f"- site {self.name} (was wave {self.old_wave}, {len(self.tasks)} steps)"
        parts = []
        if self.old_wave != self.new_wave:
            parts.append(f"wave {self.old_wave} → {self.new_wave}")
        if self.old_go_live != self.new_go_live:
            parts.append(f"live {self.old_go_live or '-'} → {self.new_go_live or '-'}")
        if self.old_finish != self.new_finish:
            parts.append(f"finish {self.old_finish} → {self.new_finish}")
        return f"~ site {self.name}: " + ", ".join(parts)


def site_changes(old: dict[str, Any], new: dict[str, Any]) -> list[SiteChange]:
    """Sites added, removed, or moved between two plan.json (issue 17), in the new plan's order."""
    olds = {s["name"]: s for s in old.get("sites") or () if isinstance(s, dict) and "name" in s}
    news = {s["name"]: s for s in new.get("sites") or () if isinstance(s, dict) and "name" in s}

    def steps(plan: dict[str, Any], name: str, other: dict[str, Any]) -> list[str]:
        have = {t["id"] for t in other["tasks"]}
        return [t["id"] for t in plan["tasks"] if t.get("site") == name and t["id"] not in have]

    out: list[SiteChange] = []
    for name, site in news.items():
        was = olds.get(name)
        if was is None:
            out.append(
                SiteChange(
                    name,
                    "added",
                    None,
                    site.get("wave"),
                    None,
                    site.get("go_live"),
                    None,
                    site.get("finish"),
                    steps(new, name, old),
                )
            )
            continue
        keys = ("wave", "go_live", "finish")
        if any(was.get(k) != site.get(k) for k in keys):
            out.append(
                SiteChange(
                    name,
                    "changed",
                    was.get("wave"),
                    site.get("wave"),
                    was.get("go_live"),
                    site.get("go_live"),
                    was.get("finish"),
                    site.get("finish"),
                )
            )
    for name, was in olds.items():
        if name not in news:
            out.append(
                SiteChange(
                    name,
                    "removed",
                    was.get("wave"),
                    None,
                    was.get("go_live"),
                    None,
                    was.get("finish"),
                    None,
                    steps(old, name, new),
                )
            )
    return out


@dataclass(frozen=True)
class PlanDiff:
    """Everything that differs between two plans."""

    unit: str
    """``working days`` or ``calendar days``: the unit of every shift."""
    start: Move
    finish: Move
    added: list[ScopeChange] = field(default_factory=list)
    dropped: list[ScopeChange] = field(default_factory=list)
    durations: list[DurationChange] = field(default_factory=list)
    moves: list[DateMove] = field(default_factory=list)
    answers: list[ValueChange] = field(default_factory=list)
    team: list[ValueChange] = field(default_factory=list)
    company: list[ValueChange] = field(default_factory=list)
    """Company facts (headcount, branches...) that changed."""
    p80: Move | None = None
    """The forecast's P80 finish, when both plans carry a forecast (``plan --simulate``; issue 16)."""
    cost: list[CostChange] = field(default_factory=list)
    """Stages whose cost changed, then ``total`` (issue 12; both plans priced in one currency)."""
    sites: list[SiteChange] = field(default_factory=list)
    """Sites added, removed, or whose wave, go-live or finish moved (issue 17)."""

    @property
    def unchanged(self) -> bool:
        """True when nothing differs."""
        return not (
            self.start.shift
            or self.finish.shift
            or self.added
            or self.dropped
            or self.durations
            or self.moves
            or self.answers
            or self.team
            or self.company
            or (self.p80 is not None and self.p80.shift)
            or self.cost
            or self.sites
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return {**asdict(self), "unchanged": self.unchanged}


def diff_files(old_path: Path, new_path: Path) -> PlanDiff:
    """Read two plan.json files and compare them."""
    return diff_plans(read_plan_json(old_path), read_plan_json(new_path))


def diff_plans(old: dict[str, Any], new: dict[str, Any]) -> PlanDiff:
    """Compare two plans given as plan.json data (an :class:`InputError` if either is not one)."""
    check_plan_shape(old, "OLD")
    check_plan_shape(new, "NEW")
    shift, unit = _day_counter(old, new)
    old_tasks = {t["id"]: t for t in old["tasks"]}
    new_tasks = {t["id"]: t for t in new["tasks"]}
    listed = new.get("dropped")
    reasons = {d.get("id"): d.get("reason") for d in listed if isinstance(d, dict)} if isinstance(listed, list) else {}
    gone = NOT_IN_LIBRARY if isinstance(listed, list) else None

    added = [_scope(t) for tid, t in new_tasks.items() if tid not in old_tasks]
    dropped = [_scope(t, reasons.get(tid, gone)) for tid, t in old_tasks.items() if tid not in new_tasks]
    durations: list[DurationChange] = []
    moves: list[DateMove] = []
    for tid, now in new_tasks.items():
        before = old_tasks.get(tid)
        if before is None:
            continue
        if not now.get("milestone") and before.get("duration_days") != now.get("duration_days"):
            records = _has_records(before) and _has_records(now)
            old_why, new_why = _duration_reasons(before, records), _duration_reasons(now, records)
            old_keys, new_keys = {k for k, _ in old_why}, {k for k, _ in new_why}
            durations.append(
                DurationChange(
                    id=tid,
                    title=str(now.get("title", tid)),
                    old_days=int(before.get("duration_days") or 0),
                    new_days=int(now.get("duration_days") or 0),
                    why_removed=[w for k, w in old_why if k not in new_keys],
                    why_added=[w for k, w in new_why if k not in old_keys],
                )
            )
        if before["start"] != now["start"] or before["finish"] != now["finish"]:
            moves.append(
                DateMove(
                    id=tid,
                    title=str(now.get("title", tid)),
                    old_start=before["start"],
                    new_start=now["start"],
                    old_finish=before["finish"],
                    new_finish=now["finish"],
                    start_shift=shift(before["start"], now["start"]),
                    finish_shift=shift(before["finish"], now["finish"]),
                    because=_causes(before, now, old_tasks, new_tasks, shift),
                )
            )
    return PlanDiff(
        unit=unit,
        start=Move(old["start"], new["start"], shift(old["start"], new["start"])),
        finish=Move(old["finish"], new["finish"], shift(old["finish"], new["finish"])),
        added=added,
        dropped=dropped,
        durations=durations,
        moves=moves,
        answers=_changes(old.get("answers"), new.get("answers")),
        team=_changes(old.get("team"), new.get("team")),
        company=_changes(old.get("company"), new.get("company")),
        p80=_p80_move(old, new, shift),
        cost=cost_changes(old.get("cost"), new.get("cost")),
        sites=site_changes(old, new),
    )


def _p80_move(old: dict[str, Any], new: dict[str, Any], shift: Callable[[str, str], int]) -> Move | None:
    """How the forecast's P80 finish moved (issue 16); None unless both plans have a forecast."""
    dates = []
    for plan in (old, new):
        forecast = plan.get("forecast")
        finish = forecast.get("finish") if isinstance(forecast, dict) else None
        p80 = finish.get("p80") if isinstance(finish, dict) else None
        if not isinstance(p80, str) or not _dates([p80]):
            return None
        dates.append(p80)
    return Move(dates[0], dates[1], shift(dates[0], dates[1]))


def cost_changes(old: Any, new: Any) -> list[CostChange]:
    """Per-stage cost deltas (stages of either plan, plan order) and the total's, when both have a cost."""
    from decimal import Decimal, InvalidOperation

    if not (isinstance(old, dict) and isinstance(new, dict)) or old.get("currency") != new.get("currency"):
        return []
    currency = str(new.get("currency", ""))
    was_by, now_by = old.get("by_stage"), new.get("by_stage")
    olds: dict[str, Any] = was_by if isinstance(was_by, dict) else {}
    news: dict[str, Any] = now_by if isinstance(now_by, dict) else {}
    out: list[CostChange] = []
    rows = [(sid, olds.get(sid, "0"), news.get(sid, "0")) for sid in dict.fromkeys([*olds, *news])]
    rows.append(("total", old.get("total", "0"), new.get("total", "0")))
    for sid, was, now in rows:
        try:
            before, after = Decimal(str(was)), Decimal(str(now))
        except InvalidOperation:
            continue
        if before != after:
            out.append(CostChange(sid, f"{before:.2f}", f"{after:.2f}", f"{after - before:+.2f}", currency))
    return out


def _causes(
    before: dict[str, Any],
    now: dict[str, Any],
    old_tasks: dict[str, dict[str, Any]],
    new_tasks: dict[str, dict[str, Any]],
    shift: Callable[[str, str], int],
) -> list[str]:
    """Why one task moved, as far as the two plans tell."""
    causes: list[str] = []
    if before.get("duration_days") != now.get("duration_days") and not now.get("milestone"):
        causes.append(f"duration {before.get('duration_days')} → {now.get('duration_days')}")
    if before.get("status") != now.get("status"):
        causes.append(f"status {before.get('status')} → {now.get('status')}")
    old_preds, new_preds = _pred_ids(before), _pred_ids(now)
    causes.extend(f"now after {p}" for p in sorted(new_preds - old_preds))
    causes.extend(f"no longer after {p}" for p in sorted(old_preds - new_preds))
    moved = []
    for pred in sorted(new_preds & old_preds):
        was, is_ = old_tasks.get(pred), new_tasks.get(pred)
        if was and is_ and was["finish"] != is_["finish"]:
            moved.append(f"{pred} ({signed(shift(was['finish'], is_['finish']))})")
    if moved:
        causes.append("after " + ", ".join(moved) + " moved")
    if not causes and before["start"] != now["start"]:
        causes.append("team limits, calendar or plan start")
    return causes


def _pred_ids(task: dict[str, Any]) -> set[str]:
    preds = task.get("predecessors")
    return {str(p["id"]) for p in preds if isinstance(p, dict) and "id" in p} if isinstance(preds, list) else set()


def _scope(task: dict[str, Any], reason: str | None = None) -> ScopeChange:
    return ScopeChange(
        id=task["id"],
        title=str(task.get("title", task["id"])),
        stage=str(task.get("stage", task["id"].split(".", 1)[0])),
        milestone=bool(task.get("milestone")),
        reason=reason,
    )


def _changes(old: Any, new: Any) -> list[ValueChange]:
    old = old if isinstance(old, dict) else {}
    new = new if isinstance(new, dict) else {}
    return [
        ValueChange(key, old.get(key), new.get(key))
        for key in sorted(set(old) | set(new))
        if old.get(key) != new.get(key)
    ]


def _has_records(task: dict[str, Any]) -> bool:
    """Whether ``reasons`` states ``why`` line for line (plan.json written since issue 11)."""
    reasons = task.get("reasons")
    return isinstance(reasons, list) and len(reasons) == len(_lines(task.get("why")))


def _duration_reasons(task: dict[str, Any], records: bool) -> list[tuple[str, str]]:
    """(what is compared, the sentence shown) per line of ``why`` that may explain the duration.

    With ``records``: each line's record, codes and parameters, waits for a busy role left out;
    without: the sentences themselves.
    """
    why = _lines(task.get("why"))
    if not records:
        return [(w, w) for w in why]
    return [
        (json.dumps(r, sort_keys=True), w)
        for r, w in zip(task["reasons"], why, strict=True)
        if not (isinstance(r, dict) and r.get("code") in START_CODES)
    ]


def _lines(value: Any) -> list[str]:
    return [str(v) for v in value] if isinstance(value, list) else []


def _day_counter(old: dict[str, Any], new: dict[str, Any]) -> tuple[Callable[[str, str], int], str]:
    """A signed day count between two ISO dates, and its unit."""
    calendars = [plan.get("calendar") for plan in (old, new)]
    weekends = [c.get("weekend") if isinstance(c, dict) else None for c in calendars]
    if not all(isinstance(w, list) for w in weekends) or set(weekends[0] or []) != set(weekends[1] or []):

        def calendar_days(a: str, b: str) -> int:
            return (dt.date.fromisoformat(b) - dt.date.fromisoformat(a)).days

        return calendar_days, CALENDAR
    holidays: set[dt.date] = set()
    extra: set[dt.date] = set()
    for cal in calendars:
        if not isinstance(cal, dict):
            continue
        holidays.update(_dates(cal.get("holidays")))
        extra.update(_dates(cal.get("extra_working_days")))
    days = WorkingDays(
        CalendarInfo(
            weekend=tuple(str(day) for day in weekends[0] or []),
            holidays=tuple(sorted(holidays)),
            extra_working_days=tuple(sorted(extra)),
        )
    )

    def working_days(a: str, b: str) -> int:
        return days.between(dt.date.fromisoformat(a), dt.date.fromisoformat(b))

    return working_days, WORKING


def _dates(values: Any) -> list[dt.date]:
    out = []
    for value in values if isinstance(values, list) else []:
        try:
            out.append(dt.date.fromisoformat(value))
        except (TypeError, ValueError):
            continue
    return out
