"""Stage libraries and company files written from Python data, and an independent calendar.

Plan-level tests (test_plan.py, test_taskjuggler.py) describe small libraries as plain dicts in
the library format (docs/library-format.md), write them with :func:`write_library` and
:func:`write_company`, and check dates against :class:`Oracle`, a working-day calendar built
straight from the ``holidays`` package (not from ``roadmap.calendar``).
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import holidays
import yaml

from tests.conftest import write_tree

ROLES = ("pm", "dev", "qa")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def dump(data: Any) -> str:
    """YAML text of ``data``, keys in the order given (dates stay dates)."""
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, default_flow_style=False)


def roles_yaml(roles: Iterable[str] = ROLES) -> str:
    """A roles.yaml listing ``roles``."""
    return dump({"roles": {r: {"title": r.upper()} for r in roles}})


def stage(sid: str, order: int, steps: Sequence[Mapping[str, Any]], **extra: Any) -> dict[str, Any]:
    """A stage dict with its required texts filled in."""
    return {"id": sid, "order": order, "title": f"Stage {sid}", "goal": f"Goal of {sid}", **extra, "steps": list(steps)}


def step(sid: str, days: int, *, after: Sequence[Any] = (), **extra: Any) -> dict[str, Any]:
    """A step dict; ``after`` items are ids or ``(id, lag)`` pairs."""
    out: dict[str, Any] = {"id": sid, "title": f"Step {sid}", "duration_days": days}
    links = [a if isinstance(a, str) else {"id": a[0], "lag_days": a[1]} for a in after]
    if links:
        out["after"] = links
    out.update(extra)
    return out


def write_library(
    root: Path, stages: Sequence[Mapping[str, Any]], roles: Iterable[str] = ROLES, names: Sequence[str] = ()
) -> Path:
    """Write ``roles.yaml`` and one file per stage (named ``names[i]`` or ``<order>-<id>.yaml``)."""
    files = {"roles.yaml": roles_yaml(roles)}
    for i, st in enumerate(stages):
        name = names[i] if names else f"{st['order']}-{st['id']}.yaml"
        files[name] = dump(dict(st))
    return write_tree(root, files)


def write_company(path: Path, data: Mapping[str, Any]) -> Path:
    """Write a company file (any name) from a dict."""
    write_tree(path.parent, {path.name: dump(dict(data))})
    return path


def company(
    start: dt.date,
    *,
    employees: int = 500,
    country: str | None = "FR",
    weekend: Sequence[str] | None = None,
    holidays_: Sequence[dt.date] = (),
    exclude: Sequence[str] = (),
    team: Mapping[str, int] | None = None,
    answers: Mapping[str, Any] | None = None,
    progress: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """A company-file dict; only the keys given are written."""
    comp: dict[str, Any] = {"name": "Test Co", "employees": employees}
    if country is not None:
        comp["country"] = country
    plan: dict[str, Any] = {"start": start}
    if weekend is not None:
        plan["weekend"] = list(weekend)
    if holidays_:
        plan["holidays"] = list(holidays_)
    if exclude:
        plan["exclude"] = list(exclude)
    out: dict[str, Any] = {"company": comp, "plan": plan}
    if team:
        out["team"] = dict(team)
    if answers:
        out["answers"] = dict(answers)
    if progress:
        out["progress"] = dict(progress)
    return out


class Oracle:
    """Working days from the ``holidays`` package directly: an independent check of the calendar."""

    def __init__(
        self, country: str | None, weekend: Sequence[str] | None = None, extra: Iterable[dt.date] = ()
    ) -> None:
        self.book = (
            holidays.country_holidays(country, years=(), categories=("public",)) if country is not None else None
        )
        if weekend is None:
            days = self.book.weekend if self.book is not None else {5, 6}
        else:
            days = {WEEKDAYS.index(w) for w in weekend}
        self.weekend = frozenset(days)
        self.extra = frozenset(extra)

    def is_working(self, d: dt.date) -> bool:
        """Whether ``d`` is a working day."""
        if d in self.extra:
            return False
        if self.book is not None:
            if d in self.book:  # also loads the year, with its transferred working days
                return False
            if d.weekday() in self.weekend:
                return d in self.book.weekend_workdays
        return d.weekday() not in self.weekend

    def next_working(self, d: dt.date) -> dt.date:
        """``d`` or the first working day after it."""
        while not self.is_working(d):
            d += dt.timedelta(days=1)
        return d

    def previous_working(self, d: dt.date) -> dt.date:
        """``d`` or the last working day before it."""
        while not self.is_working(d):
            d -= dt.timedelta(days=1)
        return d

    def add(self, d: dt.date, n: int) -> dt.date:
        """The ``n``-th working day after ``d`` (``n`` >= 1)."""
        for _ in range(n):
            d = self.next_working(d + dt.timedelta(days=1))
        return d

    def count(self, start: dt.date, finish: dt.date) -> int:
        """Working days in ``[start, finish]``."""
        n, d = 0, start
        while d <= finish:
            n += self.is_working(d)
            d += dt.timedelta(days=1)
        return n

    def between(self, start: dt.date, finish: dt.date) -> list[dt.date]:
        """Every working day in ``[start, finish]``."""
        out, d = [], start
        while d <= finish:
            if self.is_working(d):
                out.append(d)
            d += dt.timedelta(days=1)
        return out


def random_dag_stages(rng: random.Random, n_stages: int = 3, max_steps: int = 5) -> list[dict[str, Any]]:
    """Stages of random steps: links (with lags) only to earlier steps and earlier milestones."""
    stages: list[dict[str, Any]] = []
    earlier: list[str] = []
    for si in range(n_stages):
        sid = f"s{si}"
        steps = []
        for k in range(rng.randint(1, max_steps)):
            step_id = f"{sid}.t{k}"
            links = rng.sample(earlier, min(len(earlier), rng.randint(0, 2)))
            after = [(x, rng.choice((0, 0, 1, 3))) for x in sorted(links)]
            steps.append(step(step_id, rng.randint(1, 7), after=after, roles=rng.sample(ROLES, rng.randint(0, 2))))
            earlier.append(step_id)
        stages.append(stage(sid, si + 1, steps))
        earlier.append(f"{sid}.done")
    return stages
