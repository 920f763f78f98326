"""Reasons a team reads, worded with the library's labels instead of ids and condition syntax.

A dropped block's reason, a risk's cause and a form's "answer only when" name questions by
their text and answers by their option labels (issue 13): the people who read a plan never
see ``account_types`` or ``'clients' in account_types``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from roadmap.conditions import parse_condition
from roadmap.i18n import MESSAGES, t
from roadmap.models import Library, Question

COMPANY_FACTS = ("employees", "branches", "hierarchy_levels", "industry", "country")


def option_label(question: Question, value: Any, lang: str) -> str:
    """What an answer reads as: option labels, yes/no, the number, date or text."""
    labels = {o.value: o.label.get(lang) for o in question.options}
    if isinstance(value, bool):
        key = "yes" if value else "no"
        return labels.get(key) or t(lang, f"ask_{key}").capitalize()
    if isinstance(value, list | tuple):
        return ", ".join(labels.get(str(v), str(v)) for v in value) or t(lang, "wording_nothing")
    if isinstance(value, dt.date):
        return value.isoformat()
    if value is None:
        return t(lang, "wording_unanswered")
    return labels.get(str(value), str(value))


def answer_phrase(question: Question, value: Any, lang: str) -> str:
    """``answer "Nowhere: ..." to "Which system ..."``."""
    return t(lang, "cause_answer_label", value=option_label(question, value, lang), question=question.text.get(lang))


def answers_phrase(question: Question, values: list[Any], lang: str) -> str:
    """``answer "A" or "B" to "Which ..."``: the answers to one question that select a block."""
    labels = t(lang, "wording_or").join(option_label(question, v, lang) for v in values)
    return t(lang, "cause_answer_label", value=labels, question=question.text.get(lang))


def condition_facts(library: Library, source: str, env: Mapping[str, Any], lang: str) -> str:
    """The answers and company facts a condition reads, with their current values, in words."""
    parts: list[str] = []
    for name in sorted(set(parse_condition(source).names()), key=_library_order(library)):
        question = library.question(name)
        if question is not None:
            value = option_label(question, env.get(name), lang)
            parts.append(t(lang, "wording_fact", name=question.text.get(lang), value=value))
        elif name in COMPANY_FACTS:
            key = f"fact_{name}"
            label = t(lang, key) if key in MESSAGES else name.replace("_", " ")
            fact = env.get(name)
            shown = t(lang, "wording_unanswered") if fact is None else fact
            parts.append(t(lang, "wording_fact", name=label, value=shown))
    return "; ".join(parts)


def _library_order(library: Library) -> Any:
    order = {q.id: i for i, (_, q) in enumerate(library.questions())}
    return lambda name: (order.get(name, -1), name)


def block_title(library: Library, block_id: str, lang: str) -> str:
    """A step's title, or a stage's title for its milestone (the id when unknown)."""
    for stage in library.stages:
        if block_id == stage.milestone_id or block_id == stage.id:
            return stage.title.get(lang)
        for step in stage.steps:
            if step.id == block_id:
                return step.title.get(lang)
    return block_id
