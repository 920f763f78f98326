"""Baselines: a saved plan.json that later plans are measured against.

``roadmap baseline save company.yaml`` (:func:`roadmap.plan.save_company_baseline`) stores the
current plan as ``company.baseline.json`` beside the company file. ``roadmap plan`` then fills
``baseline_start``, ``baseline_finish`` and ``slip_days`` of every task the baseline knows
(steps new since then have none) and ``slip_days`` of every stage: the signed number of working
days, on the company's calendar, from the baseline finish to the current finish (positive: later
than planned).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from roadmap.calendar import WorkCalendar, build_calendar
from roadmap.company import CompanyInput
from roadmap.errors import InputError
from roadmap.output import write_atomic

if TYPE_CHECKING:
    from roadmap.plan import Plan, StageSummary

BASELINE_SUFFIX = ".baseline.json"


def default_baseline_path(company_file: Path) -> Path:
    """``acme.yaml`` → ``acme.baseline.json`` in the same folder."""
    return company_file.with_name(company_file.stem + BASELINE_SUFFIX)


def find_baseline(company_file: Path, explicit: Path | None = None) -> Path | None:
    """The baseline to compare with: ``explicit`` (which must exist), else the default one if it exists."""
    if explicit is not None:
        if explicit.is_dir():
            raise InputError.at(
                explicit, "is a folder, not a baseline file (a plan.json saved by roadmap baseline save)"
            )
        if not explicit.is_file():
            raise InputError.at(explicit, "baseline file not found (save one with: roadmap baseline save FILE)")
        return explicit
    path = default_baseline_path(company_file)
    return path if path.is_file() else None


def save_baseline(plan: Plan, path: Path, *, force: bool = False) -> Path:
    """Write ``plan`` as plan.json to ``path``; an existing file is kept unless ``force``."""
    return write_atomic(path, plan.to_json(), overwrite=force)


def read_plan_json(path: Path) -> dict[str, Any]:
    """Read a plan.json (a plan or a baseline) and check the shape the comparisons rely on."""
    from roadmap.yamlio import read_input

    raw = read_input(path, str(path))
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError.at(path, "cannot read it: not UTF-8 text") from None
    try:
        data = json.loads(text, parse_int=_bounded_int, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        raise InputError.at(path, f"not JSON: {exc.msg}", exc.lineno, exc.colno) from None
    except RecursionError:
        raise InputError.at(path, "not a plan.json: nested too deeply") from None
    except ValueError as exc:
        raise InputError.at(path, f"not a plan.json: {exc}") from None
    check_plan_shape(data, str(path))
    return data  # type: ignore[no-any-return]


def _bounded_int(text: str) -> int:
    """A JSON integer of at most 15 digits (a plan holds day counts, not huge numbers)."""
    if len(text.lstrip("-")) > 15:
        raise ValueError(f"the number {text[:20]}... is too large")
    return int(text)


def _no_constant(text: str) -> float:
    raise ValueError(f"{text} is not a number")


def check_plan_shape(data: Any, label: str) -> None:
    """An :class:`InputError` naming ``label`` unless ``data`` looks like a plan.json."""
    if not isinstance(data, dict):
        raise InputError.at(label, "not a plan.json: expected an object with 'tasks'")
    for key in ("start", "finish"):
        _date_of(data, key, label, key)
    tasks = data.get("tasks")
    if not isinstance(tasks, list):
        raise InputError.at(label, "not a plan.json: 'tasks' must be a list")
    for i, task in enumerate(tasks):
        where = f"tasks[{i}]"
        if not isinstance(task, dict) or not isinstance(task.get("id"), str):
            raise InputError.at(label, f"{where}: expected an object with a string 'id'")
        for key in ("start", "finish"):
            _date_of(task, key, label, f"{where}.{key}")
        days = task.get("duration_days")
        if days is not None and (not isinstance(days, int) or isinstance(days, bool) or not 0 <= days <= 100_000):
            raise InputError.at(label, f"{where}.duration_days: expected a whole number of days, got {days!r:.40}")
    calendar = data.get("calendar")
    weekend = calendar.get("weekend") if isinstance(calendar, dict) else None
    if weekend is not None and not (isinstance(weekend, list) and all(isinstance(d, str) for d in weekend)):
        raise InputError.at(label, "calendar.weekend: expected a list of weekday names")
    stages = data.get("stages", [])
    if not isinstance(stages, list) or not all(isinstance(s, dict) and isinstance(s.get("id"), str) for s in stages):
        raise InputError.at(label, "'stages' must be a list of objects with a string 'id'")
    for i, stage in enumerate(stages):
        _date_of(stage, "finish", label, f"stages[{i}].finish")


def _date_of(item: dict[str, Any], key: str, label: str, where: str) -> dt.date:
    from roadmap.yamlio import EARLIEST, LATEST

    value = item.get(key)
    if isinstance(value, str):
        try:
            day = dt.date.fromisoformat(value)
        except ValueError:
            pass
        else:
            if EARLIEST <= day <= LATEST:
                return day
            raise InputError.at(label, f"{where}: {day} is outside {EARLIEST.year}–{LATEST.year}")
    raise InputError.at(label, f"{where}: expected a date YYYY-MM-DD, got {value!r:.60}")


def working_days_between(calendar: WorkCalendar, earlier: dt.date, later: dt.date) -> int:
    """Signed working days from ``earlier`` to ``later`` (counted in ``(earlier, later]``)."""
    if later == earlier:
        return 0
    if later > earlier:
        return calendar.count_working(earlier + dt.timedelta(days=1), later)
    return -calendar.count_working(later + dt.timedelta(days=1), earlier)


def apply_baseline(plan: Plan, baseline: dict[str, Any], calendar: WorkCalendar) -> Plan:
    """``plan`` with the baseline dates and slip of each task and stage the baseline knows."""
    old_tasks = {t["id"]: t for t in baseline.get("tasks", [])}
    tasks = []
    for task in plan.tasks:
        old = old_tasks.get(task.id)
        if old is None:
            tasks.append(task)
            continue
        start = dt.date.fromisoformat(old["start"])
        finish = dt.date.fromisoformat(old["finish"])
        tasks.append(
            task.model_copy(
                update={
                    "baseline_start": start,
                    "baseline_finish": finish,
                    "slip_days": working_days_between(calendar, finish, task.finish),
                }
            )
        )
    old_stages = {s["id"]: dt.date.fromisoformat(s["finish"]) for s in baseline.get("stages", [])}
    stages = [
        stage.model_copy(update={"slip_days": working_days_between(calendar, old_stages[stage.id], stage.finish)})
        if stage.id in old_stages
        else stage
        for stage in plan.stages
    ]
    stages = _cost_deltas(plan, baseline, stages)
    return plan.model_copy(update={"tasks": tuple(tasks), "stages": tuple(stages)})


def _cost_deltas(plan: Plan, baseline: dict[str, Any], stages: list[StageSummary]) -> list[StageSummary]:
    """Each stage's ``cost_delta`` (now minus baseline, same currency) when both plans have a cost (issue 12)."""
    from decimal import Decimal, InvalidOperation

    old = baseline.get("cost")
    if plan.cost is None or not isinstance(old, dict) or old.get("currency") != plan.cost.currency:
        return stages
    by_stage = old.get("by_stage")
    old_by_stage: dict[str, Any] = by_stage if isinstance(by_stage, dict) else {}
    out = []
    for stage in stages:
        try:
            before = Decimal(str(old_by_stage.get(stage.id, "0")))
            now = Decimal(plan.cost.by_stage.get(stage.id, "0"))
        except InvalidOperation:
            out.append(stage)
            continue
        out.append(stage.model_copy(update={"cost_delta": f"{now - before:.2f}"}))
    return out


def compare_with_baseline(plan: Plan, company: CompanyInput, path: Path) -> Plan:
    """Read the baseline at ``path`` and measure ``plan`` against it on the company's calendar."""
    baseline = read_plan_json(path)
    data = company.data
    try:
        calendar = build_calendar(data.plan.start, data.company.country, data.plan.weekend, data.plan.holidays)
    except ValueError as exc:
        raise InputError.at(company.path, str(exc)) from exc
    return apply_baseline(plan, baseline, calendar)
