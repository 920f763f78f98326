"""Cost: people's time at the company file's ``rates``, plus one-off and recurring ``costs``.

Money is :class:`~decimal.Decimal`, never float, and is written to plan.json as strings with
two decimals (``"1234.50"``): exact in every JSON reader. Rounding happens once, per cell: the
cost of one task's role in one month (person-days × rate, or × hours per day × rate for hourly
rates) is rounded to the cent, half up. Every total is a sum of those cells and of the
items' amounts, so ``total`` equals the sum of ``by_stage``, of ``by_month``, and of
``by_role`` plus the items' totals, to the cent.

A one-off cost (``at``) falls on its step's start (a milestone: its day) and in that block's
stage. A recurring cost (``every: month|year``) falls on the ``from`` block's day and then the
same day of each following month or year (the month's last day when it is shorter), while on
or before ``until`` (``finish``: the plan's finish); it counts in the ``from`` block's stage. A
cost tied to a block the plan dropped has no payment and raises a warning. Roles that have
effort but no rate are listed in ``unpriced`` — not counted as free.
"""

from __future__ import annotations

import calendar as _calendar
import datetime as dt
from collections.abc import Iterator
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict, Field

from roadmap.effort import month_key, task_cells
from roadmap.reasons import CostDropped
from roadmap.yamlio import did_you_mean

if TYPE_CHECKING:
    from roadmap.errors import Diagnostic
    from roadmap.models import CompanyFile, CostItem, Library, Rates
    from roadmap.plan import Plan, Task
    from roadmap.yamlio import LoadedYaml

CENT = Decimal("0.01")


def money(value: Decimal) -> str:
    """A plan.json amount: two decimals, as a string."""
    return str(value.quantize(CENT, rounding=ROUND_HALF_UP))


class Out(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


def _is_none(value: object) -> bool:
    return value is None


class CostLine(Out):
    """One cost item of the company file, dated."""

    model_config = ConfigDict(frozen=True, extra="forbid", serialize_by_alias=True, validate_by_name=True)

    name: str
    stage: str
    """The stage it counts in."""
    amount: str
    """Price of one payment."""
    at: str | None = Field(default=None, exclude_if=_is_none)
    """A one-off cost: its block."""
    every: str | None = Field(default=None, exclude_if=_is_none)
    """A recurring cost: ``month`` or ``year``..."""
    from_: str | None = Field(default=None, alias="from", exclude_if=_is_none)
    """...from this block's day..."""
    until: dt.date | None = Field(default=None, exclude_if=_is_none)
    """...to this day (the plan's finish when the company file says ``finish``)."""
    dates: tuple[dt.date, ...]
    """When it is paid (none: its block is not in the plan)."""
    total: str


class Cost(Out):
    """plan.json ``cost``: amounts as strings with two decimals, in ``currency``."""

    currency: str
    total: str
    labour: str
    """People's time at the rates (the sum of ``by_role``)."""
    by_stage: dict[str, str]
    by_role: dict[str, str]
    by_month: dict[str, str]
    items: tuple[CostLine, ...]
    unpriced: tuple[str, ...]
    """Roles with effort in the plan and no rate: their time is not in any amount."""


def check_costs(data: CompanyFile, y: LoadedYaml, library: Library) -> Iterator[Diagnostic]:
    """Role ids of ``rates`` and the blocks ``costs`` are tied to exist in the library."""
    roles = set(library.roles)
    blocks = {step.id for step in library.steps()} | {stage.milestone_id for stage in library.stages}
    if data.rates is not None:
        for role in data.rates.roles:
            if role not in roles:
                yield y.diagnostic(
                    ("rates", "roles", role), f"unknown role '{role}'{did_you_mean(role, roles)}", key=True
                )
    if data.costs and data.rates is None:
        yield y.diagnostic(
            ("costs",), "costs need a currency: add rates: {currency: EUR} (role rates optional)", key=True
        )
    for i, item in enumerate(data.costs):
        for key, block in (("at", item.at), ("from", item.from_)):
            if block is not None and block not in blocks:
                hint = did_you_mean(block, blocks)
                yield y.diagnostic(("costs", i, key), f"unknown step or milestone '{block}'{hint}")
        if isinstance(item.until, dt.date) and item.until.year > 2100:
            yield y.diagnostic(("costs", i, "until"), f"until {item.until} is after 2100")


def _add_months(day: dt.date, months: int, anchor_day: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = _calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(anchor_day, last))


def payment_dates(item: CostItem, plan: Plan) -> list[dt.date]:
    """The days ``item`` is paid in ``plan`` (empty when its block is not planned)."""
    tasks = {task.id: task for task in plan.tasks}
    block = tasks.get(item.at or item.from_ or "")
    if block is None:
        return []
    first = block.start
    if item.at is not None or item.every is None:
        return [first]
    until = plan.finish if item.until == "finish" else item.until
    assert isinstance(until, dt.date)
    step = 1 if item.every == "month" else 12
    out: list[dt.date] = []
    k = 0
    day = first
    while day <= until:
        out.append(day)
        k += 1
        day = _add_months(first, k * step, first.day)
    return out


def labour_cells(plan: Plan, rates: Rates | None) -> Iterator[tuple[Task, str, str, Decimal | None]]:
    """(task, role, month, amount) of people's time, rounded to the cent per cell; None: no rate."""
    rate = dict(rates.roles) if rates else {}
    factor = rates.hours_per_day if rates and rates.unit == "hour" else Decimal(1)
    for task, role, month, hundredths in task_cells(plan):
        if role not in rate:
            yield task, role, month, None
            continue
        yield task, role, month, (Decimal(hundredths) / 100 * factor * rate[role]).quantize(CENT, ROUND_HALF_UP)


def plan_cost(plan: Plan, data: CompanyFile) -> tuple[Cost | None, list[CostDropped]]:
    """plan.json ``cost`` (None when the company file has neither rates nor costs) and warnings."""
    if data.rates is None and not data.costs:
        return None, []
    rates = data.rates
    by_stage: dict[str, Decimal] = {s.id: Decimal(0) for s in plan.stages}
    by_role: dict[str, Decimal] = {}
    by_month: dict[str, Decimal] = {}
    unpriced: set[str] = set()
    for task, role, month, amount in labour_cells(plan, rates):
        if amount is None:
            unpriced.add(role)
            continue
        by_role[role] = by_role.get(role, Decimal(0)) + amount
        by_stage[task.stage] = by_stage.get(task.stage, Decimal(0)) + amount
        by_month[month] = by_month.get(month, Decimal(0)) + amount
    lines: list[CostLine] = []
    warnings: list[CostDropped] = []
    stages = {task.id: task.stage for task in plan.tasks}
    for item in data.costs:
        anchor = item.at or item.from_ or ""
        dates = payment_dates(item, plan)
        if not dates and anchor not in stages:
            warnings.append(CostDropped(cost=item.name, block=anchor))
        stage = stages.get(anchor, anchor.split(".", 1)[0])
        for day in dates:
            by_stage[stage] = by_stage.get(stage, Decimal(0)) + item.amount
            by_month[month_key(day)] = by_month.get(month_key(day), Decimal(0)) + item.amount
        lines.append(
            CostLine(
                name=item.name,
                stage=stage,
                amount=money(item.amount),
                at=item.at,
                every=item.every,
                from_=item.from_,
                until=(plan.finish if item.until == "finish" else item.until) if item.every else None,
                dates=tuple(dates),
                total=money(item.amount * len(dates)),
            )
        )
    labour = sum(by_role.values(), Decimal(0))
    items_total = sum((item.amount * len(line.dates) for item, line in zip(data.costs, lines, strict=True)), Decimal(0))
    total = labour + items_total
    return (
        Cost(
            currency=rates.currency if rates else "",
            total=money(total),
            labour=money(labour),
            by_stage={sid: money(v) for sid, v in by_stage.items()},
            by_role={role: money(v) for role, v in sorted(by_role.items())},
            by_month={m: money(v) for m, v in sorted(by_month.items())},
            items=tuple(lines),
            unpriced=tuple(sorted(unpriced)),
        ),
        warnings,
    )


__all__ = ["CENT", "Cost", "CostLine", "check_costs", "labour_cells", "money", "payment_dates", "plan_cost"]
