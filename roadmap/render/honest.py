"""Issue 9's piece of the reports: the answers a plan assumes or misses, in words."""

from __future__ import annotations

from typing import Any

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
