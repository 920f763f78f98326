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

import re
from collections.abc import Iterator, Sequence
from pathlib import Path

from roadmap.models import CompanyFile, Library, Step
from roadmap.plan import DueItem, DueList, due_and_overdue
from roadmap.yamlio import Loc, did_you_mean

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


def previous_outputs(out_dir: Path, written: Sequence[Path]) -> list[Path]:
    """Report files in ``out_dir`` (by the names roadmap writes) that this run did not write, sorted."""
    from roadmap.render import FORMATS

    done = {path.resolve() for path in written}
    names = sorted(name for name, _ in FORMATS.values())
    names += sorted(path.name for path in out_dir.glob("plan-*.ics"))  # one calendar per site (issue 17)
    return [out_dir / name for name in names if (out_dir / name).is_file() and (out_dir / name).resolve() not in done]


__all__ = ["DueItem", "DueList", "deliverable_problems", "delivered", "due_and_overdue", "previous_outputs"]
