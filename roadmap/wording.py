"""Conditions and effects in words, for people who never see the YAML (the paper questionnaire).

``org_source == 'ad' and employees > 500`` becomes "question 1.2 is “Active Directory” and
employees is more than 500"; ``plans setup.zup-exchange`` becomes "plans “Exchange with 1C:ZUP”".
Question references use the form's numbers, option values their labels, step ids their titles.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from roadmap.conditions import _And, _Compare, _List, _Literal, _Name, _Neg, _Node, _Not, _Or, parse_condition
from roadmap.i18n import MESSAGES, t
from roadmap.models import Library, Option, Question
from roadmap.reasons import (
    AdjustAdd,
    AdjustSet,
    AnswerDays,
    AnyReason,
    Base,
    Condition,
    CostDropped,
    DeadlineDropped,
    Done,
    DroppedByAnswer,
    Excluded,
    Fact,
    Fit,
    Gate,
    HolidaysUncovered,
    InProgress,
    InputDropped,
    Lessons,
    Milestone,
    NotBefore,
    OptionalNotSelected,
    ProgressDayOff,
    ProgressDropped,
    ProgressEarly,
    RequiresDropped,
    Scaling,
    Site,
    SiteHeadcount,
    StageCondition,
    StageDroppedByAnswer,
    StageEmpty,
    StageExcluded,
    Waits,
    option_answer,
)

_FACTS = ("employees", "branches", "hierarchy_levels")


def _quote(text: str, lang: str) -> str:
    return f"« {text} »" if lang == "fr" else f"“{text}”"


class _Words:
    def __init__(self, library: Library, numbers: Mapping[str, str], lang: str) -> None:
        self.questions = {q.id: q for _, q in library.questions()}
        self.numbers = numbers
        self.lang = lang

    def name(self, name: str) -> str:
        if name in self.questions:
            number = self.numbers.get(name)
            return (
                t(self.lang, "word_question", number=number)
                if number
                else _quote(self.questions[name].text.get(self.lang), self.lang)
            )
        if name in _FACTS:
            return t(self.lang, "fact_" + name)
        return t(self.lang, "word_fact", name=name.replace("_", " "))

    def value(self, node: _Node, question: Question | None) -> str:
        if isinstance(node, _Literal):
            value = node.value
            if isinstance(value, bool):
                return t(self.lang, "ask_yes" if value else "ask_no")
            if question is not None and isinstance(value, str):
                option = next((o for o in question.options if o.value == value), None)
                if option is not None:
                    return _quote(option.label.get(self.lang), self.lang)
            return _quote(str(value), self.lang) if isinstance(value, str) else str(value)
        if isinstance(node, _List):
            return ", ".join(self.value(item, question) for item in node.items)
        if isinstance(node, _Neg):
            return "-" + self.value(node.operand, question)
        if isinstance(node, _Name):
            return self.name(node.name)
        return self.say(node)

    def say(self, node: _Node) -> str:
        lang = self.lang
        if isinstance(node, _And | _Or):
            joiner = t(lang, "word_and" if isinstance(node, _And) else "word_or")
            return f" {joiner} ".join(self.say(op) for op in node.operands)
        if isinstance(node, _Not):
            if isinstance(node.operand, _Name):
                return t(lang, "word_is_not_yes", name=self.name(node.operand.name))
            return t(lang, "word_not", cond=self.say(node.operand))
        if isinstance(node, _Name):
            return t(lang, "word_is_yes", name=self.name(node.name))
        if isinstance(node, _Compare):
            left, right = node.left, node.right
            if node.op in ("in", "not in") and isinstance(right, _Name) and not isinstance(left, _Name):
                question = self.questions.get(right.name)
                key = "word_ticked" if node.op == "in" else "word_not_ticked"
                return t(lang, key, value=self.value(left, question), name=self.name(right.name))
            question = self.questions.get(left.name) if isinstance(left, _Name) else None
            key = {
                "==": "word_eq",
                "!=": "word_ne",
                "in": "word_in",
                "not in": "word_not_in",
                "<": "word_lt",
                "<=": "word_le",
                ">": "word_gt",
                ">=": "word_ge",
            }[node.op]
            return t(lang, key, name=self.value(left, None), value=self.value(right, question))
        return self.value(node, None)


def condition_in_words(source: str, library: Library, numbers: Mapping[str, str], lang: str) -> str:
    """A ``when`` condition as a sentence (the source itself if it cannot be parsed)."""
    try:
        node = parse_condition(source)._node
    except ValueError:
        return source
    return _Words(library, numbers, lang).say(node)


def block_title(library: Library, block_id: str, lang: str) -> str:
    """A step's title, or a stage's title for its milestone (the id when unknown)."""
    for stage in library.stages:
        if block_id == stage.milestone_id or block_id == stage.id:
            return stage.title.get(lang)
        for step in stage.steps:
            if step.id == block_id:
                return step.title.get(lang)
    return block_id


def effects_in_words(option: Option | None, library: Library, lang: str) -> str:
    """What choosing ``option`` does to the plan, with titles instead of ids ("" for nothing)."""
    if option is None:
        return ""

    def name(block: str) -> str:
        return _quote(block_title(library, block, lang), lang)

    return ("; " if lang == "en" else " ; ").join(effect_phrases(option, lang, name, widen=False))


def effect_phrases(option: Option, lang: str, name: Callable[[str], str], *, widen: bool = True) -> list[str]:
    """What choosing ``option`` does to the plan, one phrase per effect; ``name`` words a block id.

    The one walk of an option's effects in words: ``ask`` (prompts) and the paper questionnaire
    (which leaves out ``widen``: the forecast's ranges are no question of the form) both use it.
    """
    out: list[str] = []
    for effect in option.effects:
        for sid in effect.include or ():
            out.append(t(lang, "effect_include", block=name(sid)))
        for sid in effect.exclude or ():
            out.append(t(lang, "effect_exclude", block=name(sid)))
        if effect.add_days:
            key = "effect_add_day" if effect.add_days.days == 1 else "effect_add_days"
            out.append(t(lang, key, days=effect.add_days.days, step=name(effect.add_days.step)))
        if effect.risk:
            out.append(t(lang, "effect_risk", text=effect.risk.get(lang)))
        if effect.widen and widen:  # issue 16
            out.append(t(lang, "effect_widen", step=effect.widen.step, pct=round(100 * effect.widen.high)))
    return out


__all__ = ["block_title", "condition_in_words", "effects_in_words"]


# --- reasons a team reads (issue 13) ---

COMPANY_FACTS = ("employees", "branches", "hierarchy_levels", "industry", "country")


def option_label(question: Question, value: Any, lang: str) -> str:
    """What an answer reads as: option labels, yes/no, the number, date or text."""
    return answer_text(question, value, lang)


def answer_text(
    question: Question | None,
    value: Any,
    lang: str,
    *,
    joiner: str = ", ",
    unanswered: str = "wording_unanswered",
    nothing: str | None = "wording_nothing",
    capital: bool = True,
) -> str:
    """An answer as a person reads it: option labels, yes/no, the number, date or text.

    The one answer formatter: reasons, ``ask`` and the reports differ only in how they join a
    multiple answer, word no answer (``unanswered``) or an empty one (``nothing``: "" when None)
    and whether a bare yes/no starts with a capital.
    """
    labels = {o.value: o.label.get(lang) for o in question.options} if question else {}
    if isinstance(value, bool):
        key = "yes" if value else "no"
        word = t(lang, f"ask_{key}")
        return labels.get(key) or (word.capitalize() if capital else word)
    if isinstance(value, list | tuple):
        return joiner.join(labels.get(str(v), str(v)) for v in value) or (t(lang, nothing) if nothing else "")
    if isinstance(value, dt.date):
        return value.isoformat()
    if value is None:
        return t(lang, unanswered)
    return labels.get(str(value), str(value))


def answer_phrase(question: Question, value: Any, lang: str) -> str:
    """``answer "Nowhere: ..." to "Which system ..."``."""
    return t(lang, "cause_answer_label", value=option_label(question, value, lang), question=question.text.get(lang))


def answers_phrase(question: Question, values: list[Any], lang: str) -> str:
    """``answer "A" or "B" to "Which ..."``: the answers to one question that select a block."""
    labels = t(lang, "wording_or").join(option_label(question, v, lang) for v in values)
    return t(lang, "cause_answer_label", value=labels, question=question.text.get(lang))


def condition_fact_values(library: Library, source: str, env: Mapping[str, Any]) -> tuple[Fact, ...]:
    """The answers and company facts a condition reads, with their current values (library order)."""
    names = sorted(set(parse_condition(source).names()), key=_library_order(library))
    return tuple(
        Fact(name=name, value=env.get(name))
        for name in names
        if library.question(name) is not None or name in COMPANY_FACTS
    )


def facts_text(library: Library, facts: Iterable[Fact], lang: str) -> str:
    """``"Question": answer; "employees": 90``: facts a condition read, in words."""
    parts: list[str] = []
    for fact in facts:
        question = library.question(fact.name)
        if question is not None:
            value = option_label(question, fact.value, lang)
            parts.append(t(lang, "wording_fact", name=question.text.get(lang), value=value))
        else:
            key = f"fact_{fact.name}"
            label = t(lang, key) if key in MESSAGES else fact.name.replace("_", " ")
            shown = t(lang, "wording_unanswered") if fact.value is None else fact.value
            parts.append(t(lang, "wording_fact", name=label, value=shown))
    return "; ".join(parts)


def _library_order(library: Library) -> Any:
    order = {q.id: i for i, (_, q) in enumerate(library.questions())}
    return lambda name: (order.get(name, -1), name)


# --- reasons as data, in words (issue 11) ---


def say(reason: AnyReason, library: Library, lang: str) -> str:
    """The reason as a sentence of ``lang`` (the catalogue's words, the library's titles)."""
    key = reason.MESSAGE
    match reason:
        case StageDroppedByAnswer(stage=stage, question=question, value=value):
            return t(lang, key, stage=_stage_title(library, stage, lang), cause=_cause(library, question, value, lang))
        case StageCondition(stage=stage, facts=facts):
            return t(lang, key, stage=_stage_title(library, stage, lang), facts=facts_text(library, facts, lang))
        case DroppedByAnswer(question=question, value=value):
            return _cause(library, question, value, lang)
        case Condition(facts=facts):
            return t(lang, key, facts=facts_text(library, facts, lang))
        case OptionalNotSelected(selected_by=selected_by):
            phrases = []
            for answers in selected_by:
                q = library.question(answers.question)
                if q is not None:
                    phrases.append(answers_phrase(q, [option_answer(q.kind, v) for v in answers.values], lang))
            if not phrases:
                return t(lang, "drop_optional")
            return t(lang, key, answers="; ".join(phrases))
        case RequiresDropped(requires=requires):
            return t(lang, key, req=block_title(library, requires, lang))
        case Milestone(stage=stage):
            return t(lang, key, stage=_stage_title(library, stage, lang))
        case AnswerDays(days=days, question=question, value=value):
            return t(lang, key, days=days, cause=_cause(library, question, value, lang))
        case ProgressDropped(id=block, reason=dropped):
            return t(lang, key, id=block, reason=say(dropped, library, lang))
        case InputDropped(field=field, id=block, reason=dropped):
            return t(lang, key, field=field, id=block, reason=say(dropped, library, lang))
    return words(reason, lang)


def words(reason: AnyReason, lang: str) -> str:
    """A reason whose words need no library (ids, numbers, dates) as a sentence of ``lang``."""
    key = reason.MESSAGE
    match reason:
        case StageExcluded(stage=stage, file=file):
            return t(lang, key, stage=stage, file=file)
        case Excluded(file=file):
            return t(lang, key, file=file)
        case StageEmpty(stage=stage):
            return t(lang, key, stage=stage)
        case Base(days=days):
            return t(lang, key, days=days)
        case Scaling():
            cap = t(lang, "why_cap", cap=reason.cap) if reason.cap is not None else ""
            by = t(lang, "fact_" + reason.by)
            return t(
                lang, key, days=reason.days, value=reason.value, by=by, add=reason.add, per=reason.per,
                above=reason.above, cap=cap,
            )  # fmt: skip
        case AdjustSet(days=days, file=file, note=note) | AdjustAdd(days=days, file=file, note=note):
            return t(lang, key, days=days, file=file, note=f": {note}" if note else "")
        case Done(start=start, finish=finish):
            return t(lang, key, start=start, finish=finish)
        case InProgress(start=start, percent=percent, remaining=remaining):
            return t(lang, key, start=start, percent=percent, remaining=remaining)
        case NotBefore(date=date, file=file):
            return t(lang, key, date=date, file=file)
        case Waits(days=days, roles=roles):
            return t(lang, key, days=days, roles=", ".join(roles))
        case Site(site=site, employees=employees, wave=wave):
            return t(lang, key, site=site, employees=employees, wave=wave)
        case Gate(wave=wave, sites=sites, last=last):
            return t(lang, "why_gate_last" if last else key, wave=wave, sites=", ".join(sites))
        case Lessons(days=days):
            return t(lang, key, days=days)
        case Fit():
            figures = {"low": reason.employees, "high": reason.employees, "levels": reason.hierarchy_levels}
            figures["branches"] = reason.branches
            return "; ".join(t(lang, f"fit_{part}", n=figures.get(part, 0)) for part in reason.outside)
        case ProgressDayOff(id=block, field=field, date=date):
            return t(lang, key, id=block, field=field, date=date)
        case ProgressEarly(id=block, start=start, pred=pred, finish=finish):
            return t(lang, key, id=block, start=start, pred=pred, finish=finish)
        case DeadlineDropped(id=block, date=date):
            return t(lang, key, id=block, date=date)
        case HolidaysUncovered(country=country, first=first, last=last):
            return t(lang, key, country=country, years=str(first) if first == last else f"{first}–{last}")
        case CostDropped(cost=cost, block=block):
            return t(lang, key, cost=cost, block=block)
        case SiteHeadcount(total=total, employees=employees):
            return t(lang, key, total=total, employees=employees)
    raise AssertionError(f"no words for {reason!r}")  # pragma: no cover


def _cause(library: Library, question: str, value: str, lang: str) -> str:
    """``answer "…" to "…"``: the answer that changed the plan."""
    q = library.question(question)
    if q is None:
        return t(lang, "cause_answer", question=question, value=value)
    return answer_phrase(q, option_answer(q.kind, value), lang)


def _stage_title(library: Library, stage_id: str, lang: str) -> str:
    stage = next((s for s in library.stages if s.id == stage_id), None)
    return stage.title.get(lang) if stage is not None else stage_id
