"""Tracking: deliverables ticked in the company file, what is due or overdue, reports left by older runs.

- ``progress: {STEP: {deliverables_done: [...]}}`` names the deliverables already delivered, by
  their text (in any language of the library, case and spacing ignored) or their number in the
  step's list (1 = first); :func:`deliverable_problems` checks them with a did-you-mean, and
  :func:`delivered` says which are done, so a checklist written again keeps its ticks.
- :func:`due_and_overdue`: at the status date (``--as-of``), the steps not done whose finish falls
  in the week starting that day, and those that are late: not done although the plan without
  the status date (progress applied, every step on time) had them finished before it.
- :func:`previous_outputs`: report files in an output folder that this run did not write.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from roadmap.models import CompanyFile, Library, Step
from roadmap.plan import Plan
from roadmap.yamlio import Loc, did_you_mean

DUE_WINDOW_DAYS = 7
"""The status date and the six days after it."""
_SPACES = re.compile(r"\s+")


def _norm(text: str) -> str:
    return _SPACES.sub(" ", text).strip().casefold()


def _match(step: Step, item: str | int) -> int | None:
    """Index of the deliverable ``item`` names (its text or its number), else None."""
    token = str(item).strip()
    if token.isdigit():
        k = int(token) - 1
        return k if 0 <= k < len(step.deliverables) else None
    wanted = _norm(token)
    for k, deliverable in enumerate(step.deliverables):
        if wanted in {_norm(deliverable.en), _norm(deliverable.fr or "")}:
            return k
    return None


def deliverable_problems(data: CompanyFile, library: Library) -> Iterator[tuple[Loc, str]]:
    """(location, message) for each ``deliverables_done`` item that names no deliverable of its step."""
    steps = {step.id: step for step in library.steps()}
    for sid, prog in data.progress.items():
        step = steps.get(sid)
        if step is None:
            continue
        for i, item in enumerate(prog.deliverables_done):
            if _match(step, item) is not None:
                continue
            loc: Loc = ("progress", sid, "deliverables_done", i)
            if not step.deliverables:
                yield loc, f"'{sid}' has no deliverables"
                continue
            texts = [d.en for d in step.deliverables] + [d.fr for d in step.deliverables if d.fr]
            hint = did_you_mean(str(item), texts)
            count = len(step.deliverables)
            yield loc, f"'{item}' is not a deliverable of '{sid}'{hint} (give its text or its number, 1–{count})"


def delivered(data: CompanyFile, library: Library, step_id: str) -> frozenset[int]:
    """Indexes of the step's deliverables marked done (all of them once the step is done)."""
    step = next((s for s in library.steps() if s.id == step_id), None)
    prog = data.progress.get(step_id)
    if step is None or prog is None:
        return frozenset()
    if prog.status == "done":
        return frozenset(range(len(step.deliverables)))
    found = (_match(step, item) for item in prog.deliverables_done)
    return frozenset(k for k in found if k is not None)


@dataclass(frozen=True)
class DueItem:
    """A step due in the week of the status date, or overdue at it."""

    id: str
    title: str
    finish: dt.date
    """Its finish in the plan (overdue: the finish it had without the status date)."""
    status: str
    percent: int


@dataclass(frozen=True)
class DueList:
    """What a project manager chases at the status date."""

    as_of: dt.date
    overdue: tuple[DueItem, ...]
    due: tuple[DueItem, ...]


def due_and_overdue(plan: Plan, on_time: Plan | None) -> DueList | None:
    """The due and overdue steps of ``plan`` at its status date (None without one).

    ``on_time`` is the same company planned without the status date: a step it finishes before
    the status date and that is not done is overdue.
    """
    if plan.as_of is None:
        return None
    as_of = plan.as_of
    week_end = as_of + dt.timedelta(days=DUE_WINDOW_DAYS - 1)
    open_steps = [task for task in plan.tasks if not task.milestone and task.status != "done"]
    expected: dict[str, dt.date] = {}
    if on_time is not None:
        expected = {task.id: task.finish for task in on_time.tasks}
    overdue = [
        DueItem(task.id, task.title, expected[task.id], task.status, task.percent)
        for task in open_steps
        if task.id in expected and expected[task.id] < as_of
    ]
    late = {item.id for item in overdue}
    due = [
        DueItem(task.id, task.title, task.finish, task.status, task.percent)
        for task in open_steps
        if task.id not in late and as_of <= task.finish <= week_end
    ]
    return DueList(as_of, tuple(sorted(overdue, key=_by_finish)), tuple(sorted(due, key=_by_finish)))


def _by_finish(item: DueItem) -> tuple[dt.date, str]:
    return item.finish, item.id


def previous_outputs(out_dir: Path, written: Sequence[Path]) -> list[Path]:
    """Report files in ``out_dir`` (by the names roadmap writes) that this run did not write, sorted."""
    from roadmap.render import FORMATS

    done = {path.resolve() for path in written}
    names = sorted(name for name, _ in FORMATS.values())
    return [out_dir / name for name in names if (out_dir / name).is_file() and (out_dir / name).resolve() not in done]


__all__ = ["DueItem", "DueList", "deliverable_problems", "delivered", "due_and_overdue", "previous_outputs"]
