"""Issue 9's piece of the reports: the answers a plan assumes or misses, in words."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from roadmap.plan import Plan

DEADLINE_MET = "#2e7d32"
DEADLINE_LATE = "#c62828"


def assumption_context(plan: Plan) -> dict[str, Any]:
    """``assumed``: [{id, question, answer}] defaults the plan uses; ``unanswered``: [{id, question}]."""
    assumed = []
    for qid in plan.assumed:
        words = plan.questions.get(qid)
        if words is None:  # a question the library does not know
            continue
        assumed.append({"id": qid, "question": words.text, "answer": words.answer})
    unanswered = []
    for qid in plan.unanswered:
        words = plan.questions.get(qid)
        unanswered.append({"id": qid, "question": words.text if words else qid})
    return {"assumed": assumed, "unanswered": unanswered}
