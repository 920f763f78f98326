"""Tracking: deliverables ticked in the company file, what is due or overdue, reports left by older runs.

- ``progress: {STEP: {deliverables_done: [...]}}`` names the deliverables already delivered, by
  their text (in any language of the library, case and spacing ignored) or their number in the
  step's list (1 = first); :func:`deliverable_problems` checks them with a did-you-mean, and
  :func:`delivered` says which are done, so a checklist written again keeps its ticks.
- :func:`roadmap.plan.due_and_overdue`: at the status date (``--as-of``), the steps not done whose finish falls
  in the week starting that day, and those that are late: not done although the plan without
  the status date (progress applied, every step on time) had them finished before it.
- :func:`previous_outputs`: report files in an output folder that this run did not write.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

from roadmap.models import CompanyFile, Library
from roadmap.report import delivered
from roadmap.report import match_deliverable as _match
from roadmap.yamlio import Loc, did_you_mean


def deliverable_problems(data: CompanyFile, library: Library) -> Iterator[tuple[Loc, str]]:
    """(location, message) for each ``deliverables_done`` item that names no deliverable of its step."""
    steps = {step.id: step for step in library.steps()}
    for sid, prog in data.progress.items():
        step = steps.get(sid.split("@", 1)[0])  # a site's copy (issue 17) has its step's deliverables
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


def previous_outputs(out_dir: Path, written: Sequence[Path]) -> list[Path]:
    """Report files in ``out_dir`` (by the names roadmap writes) that this run did not write, sorted."""
    from roadmap.render import FORMATS

    done = {path.resolve() for path in written}
    names = sorted(name for name, _ in FORMATS.values())
    names += sorted(path.name for path in out_dir.glob("plan-*.ics"))  # one calendar per site (issue 17)
    return [out_dir / name for name in names if (out_dir / name).is_file() and (out_dir / name).resolve() not in done]


__all__ = ["deliverable_problems", "delivered", "previous_outputs"]
