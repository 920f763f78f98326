"""Issue 9's pieces of the reports: answers assumed or missing, and deadline markers.

Self-contained so the page layout can move around them: :func:`assumption_context` gives the
data ``templates/assumptions.html.j2`` reads; :func:`deadline_trace` gives the keyword
arguments of one plotly ``Scatter`` (this module never imports plotly).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from roadmap.i18n import t
from roadmap.models import Library
from roadmap.plan import Plan
from roadmap.render.facts import format_answer

DEADLINE_MET = "#2e7d32"
DEADLINE_LATE = "#c62828"


def assumption_context(plan: Plan, library: Library, lang: str) -> dict[str, Any]:
    """``assumed``: [{id, question, answer}] defaults the plan uses; ``unanswered``: [{id, question}]."""
    assumed = []
    for qid in plan.assumed:
        question = library.question(qid)
        if question is None:
            continue
        answer = format_answer(question, question.default, lang)
        assumed.append({"id": qid, "question": question.text.get(lang), "answer": answer})
    unanswered = []
    for qid in plan.unanswered:
        question = library.question(qid)
        unanswered.append({"id": qid, "question": question.text.get(lang) if question else qid})
    return {"assumed": assumed, "unanswered": unanswered}


def deadline_trace(plan: Plan, row: dict[str, int], lang: str) -> dict[str, Any] | None:
    """A marker at the end of each deadline day, on its block's row (red when missed); None without any."""
    shown = [d for d in plan.deadlines if d.id in row]
    if not shown:
        return None
    hovers = []
    for d in shown:
        key = "cli_deadline_late" if d.late_days else "cli_deadline_met"
        hovers.append(t(lang, key, id=d.id, date=d.date, finish=d.finish, late=d.late_days))
    return {
        "uid": "deadlines",
        "name": t(lang, "report_legend_deadlines"),
        "mode": "markers",
        "x": [(d.date + dt.timedelta(days=1)).isoformat() for d in shown],
        "y": [row[d.id] for d in shown],
        "marker": {
            "symbol": "line-ns",
            "size": 22,
            "line": {"width": 3, "color": [DEADLINE_LATE if d.late_days else DEADLINE_MET for d in shown]},
        },
        "hovertext": hovers,
        "hovertemplate": "%{hovertext}<extra></extra>",
        "legendrank": 550,
    }
