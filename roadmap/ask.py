"""The questionnaire engine behind ``roadmap ask``: what to ask next, what each option does to
the plan, how a typed answer is read, and what a session changed in the plan.

Pure: it never prompts or prints. ``cli.py`` does the talking and saves every answer with
:mod:`roadmap.answers_io` before asking the next question, so conditions (``when``) are
re-evaluated against the answers given so far each time :func:`next_question` is called.

Questions of a stage that cannot be in the plan (excluded under ``plan.exclude``, whose own
``when`` is false, or dropped by an answer to a question of another stage) are not asked: their
answers could not change anything.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping, Sequence, Set
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from roadmap.errors import InputError
from roadmap.i18n import t
from roadmap.library import answer_problem
from roadmap.models import NO_WORDS, YES_WORDS, AnswerValue, CompanyFile, Library, Option, Question, Stage
from roadmap.resolve import (
    applicable_questions,
)
from roadmap.wording import answer_text, effect_phrases
from roadmap.yamlio import did_you_mean

if TYPE_CHECKING:
    from roadmap.plan import Plan

NONE_INPUT = "-"
"""What to type for an empty selection of a multiple-choice question."""
LATER_INPUT = "0"
"""What to type to leave a single or multiple choice for later (issue 9; options count from 1)."""

_YES = frozenset((*YES_WORDS, "o"))
"""The words of a company file, and ``o`` (the French prompt's ``o/n``)."""
_NO = frozenset(NO_WORDS)
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_INVISIBLE = "\ufeff\u200b\u200c\u200d\u2060"
"""A byte-order mark or zero-width characters a script or a copy-paste may put around an answer."""


def separator(lang: str) -> str:
    """Between items of a list in running text: ``; `` (French: `` ; ``)."""
    return " ; " if lang == "fr" else "; "


@dataclass(frozen=True)
class Pending:
    """The next question to ask, with where it stands in its stage."""

    stage: Stage
    question: Question
    number: int
    """1-based position among the stage's questions that apply with the answers so far."""
    total: int
    """How many of the stage's questions apply with the answers so far."""
    current: AnswerValue
    """The answer in the file, else the question's default, else None."""
    answered: bool
    """Whether the file holds an answer (not just a default)."""
    titles: Mapping[str, str] = field(default_factory=dict)
    """Step and stage id → title in the session's language, for the effects a prompt lists."""


@dataclass(frozen=True)
class Parsed:
    """A typed answer read: a value, a reason it was refused, or a skip."""

    value: AnswerValue = None
    problem: str | None = None
    """Why the input is refused (ask again); None when it is accepted."""
    skip: bool = False
    """Nothing typed and nothing to keep: leave the question unanswered for now."""


# ---------------------------------------------------------------- which questions


def select_stages(library: Library, stage: str | None) -> tuple[Stage, ...]:
    """The stages named by ``--stage`` (an id such as ``setup`` or an order such as ``1``); all when None."""
    if stage is None:
        return library.stages
    wanted = stage.strip().lower()
    for item in library.stages:
        if wanted == item.id or (wanted.isdecimal() and int(wanted) == item.order):
            return (item,)
    names = [s.id for s in library.stages]
    choices = ", ".join(f"{s.order} ({s.id})" for s in library.stages)
    raise InputError.of_param("stage", f"unknown stage '{stage}'{did_you_mean(wanted, names)}; choose from {choices}")


def with_answer(data: CompanyFile, question_id: str, value: AnswerValue) -> CompanyFile:
    """``data`` with one more answer (as it will read once saved)."""
    return data.model_copy(update={"answers": {**data.answers, question_id: value}})


def is_answered(data: CompanyFile, question_id: str) -> bool:
    """Whether the company file holds an answer to this question."""
    return data.answers.get(question_id) is not None


def to_ask(
    library: Library, data: CompanyFile, stages: Sequence[Stage], *, all_questions: bool, asked: Set[str]
) -> list[tuple[Stage, Question]]:
    """The applicable questions still to ask in this session, in library order.

    Without ``all_questions`` answered ones are left out; ``asked`` holds the ids already put
    to the user in this session (answered, kept or skipped), which are never asked twice.
    """
    return [
        (stage, q)
        for stage, q in applicable_questions(library, data, stages)
        if q.id not in asked and (all_questions or not is_answered(data, q.id))
    ]


def next_question(
    library: Library, data: CompanyFile, stages: Sequence[Stage], *, all_questions: bool, asked: Set[str]
) -> Pending | None:
    """The first question to ask now, or None when the session is over."""
    pending = to_ask(library, data, stages, all_questions=all_questions, asked=asked)
    if not pending:
        return None
    stage, question = pending[0]
    in_stage = [q.id for s, q in applicable_questions(library, data, [stage])]
    answer = data.answers.get(question.id)
    return Pending(
        stage=stage,
        question=question,
        number=in_stage.index(question.id) + 1,
        total=len(in_stage),
        current=question.default_for(data.company.country) if answer is None else answer,
        answered=answer is not None,
        titles=block_titles(library),
    )


def progress_label(pending: Pending, lang: str) -> str:
    """``Stage 1 · question 3 of 7``."""
    return t(lang, "ask_progress", order=pending.stage.order, n=pending.number, total=pending.total)


# ---------------------------------------------------------------- what options do


def block_titles(library: Library) -> dict[str, str]:
    """``"<lang>:<step or stage id>"`` → its title in that language, for effects shown by title."""
    blocks = [(stage.id, stage.title) for stage in library.stages]
    blocks += [(step.id, step.title) for step in library.steps()]
    return {f"{lang}:{block_id}": title.get(lang) for block_id, title in blocks for lang in ("en", "fr")}


def _title(titles: Mapping[str, str] | None, block: str, lang: str) -> str:
    """A block's title in quotes when known (issue 13: no ids in prompts), else its id."""
    if not titles:
        return block
    text = titles.get(f"{lang}:{block}")
    return t(lang, "effect_title", title=text) if text else block


def effect_texts(option: Option, lang: str, titles: Mapping[str, str] | None = None) -> list[str]:
    """What choosing ``option`` does to the plan, one phrase per effect (blocks by title with ``titles``)."""
    return effect_phrases(option, lang, lambda block: _title(titles, block, lang))


def describe_effects(option: Option, lang: str, titles: Mapping[str, str] | None = None) -> str:
    """The effects of ``option`` in one line (``no change to the plan`` when it has none)."""
    return separator(lang).join(effect_texts(option, lang, titles)) or t(lang, "effect_none")


def yes_no_options(question: Question) -> list[tuple[str, Option | None]]:
    """``[("y", yes option), ("n", no option)]`` for a yes/no question (options may be absent)."""
    by_value = {o.value: o for o in question.options}
    return [("y", by_value.get("yes")), ("n", by_value.get("no"))]


def option_rows(question: Question, lang: str, titles: Mapping[str, str] | None = None) -> list[tuple[str, str, str]]:
    """``(what to type, label, effects)`` per option as the numbered prompt lists them.

    single/multiple: ``1``, ``2``...; yes_no: ``y`` and ``n`` (only when the question gives
    options); number/text/date: none. ``effects`` is "" for an option that changes nothing.
    """
    if question.kind == "yes_no":
        if not question.options:
            return []
        return [
            (
                key,
                option.label.get(lang) if option else t(lang, "ask_yes" if key == "y" else "ask_no"),
                _effects(option, lang, titles),
            )
            for key, option in yes_no_options(question)
        ]
    return [(str(i), o.label.get(lang), _effects(o, lang, titles)) for i, o in enumerate(question.options, 1)]


def _effects(option: Option | None, lang: str, titles: Mapping[str, str] | None = None) -> str:
    return separator(lang).join(effect_texts(option, lang, titles)) if option else ""


def display_answer(question: Question, value: Any, lang: str) -> str:
    """An answer as a person reads it: option labels, yes/no, the date."""
    return answer_text(
        question, value, lang, joiner=separator(lang), unanswered="ask_unanswered", nothing="ask_none", capital=False
    )


def typed_form(question: Question, value: Any) -> str:
    """An answer as it would be typed at the numbered prompt (``3``, ``1, 4``, ``y``)."""
    values = [o.value for o in question.options]
    if value is None:
        return ""
    if question.kind == "single" and value in values:
        return str(values.index(value) + 1)
    if question.kind == "multiple" and isinstance(value, list):
        return ", ".join(str(values.index(v) + 1) if v in values else str(v) for v in value) or NONE_INPUT
    if question.kind == "yes_no" and isinstance(value, bool):
        return "y" if value else "n"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def input_hint(question: Question, current: Any, lang: str) -> str:
    """What to type, and what an empty line does."""
    hint = t(lang, "ask_hint_" + question.kind, none=NONE_INPUT)
    sep = separator(lang)
    if current is None:
        return f"{hint}{sep}{t(lang, 'ask_hint_skip')}"
    return f"{hint}{sep}{t(lang, 'ask_hint_keep', value=typed_form(question, current))}"


# ---------------------------------------------------------------- reading typed answers


def parse_answer(question: Question, raw: str, current: AnswerValue, lang: str = "en") -> Parsed:
    """Read one typed answer for ``question``.

    An empty line keeps ``current`` (or skips when there is none). single: an option number or
    value; multiple: numbers or values separated by commas or spaces, ``-`` for none; yes_no:
    y/n/yes/no/oui/non; number: ``12`` or ``1.5``; text: anything printable on one line;
    date: ``YYYY-MM-DD``. A byte-order mark or zero-width space around the answer is ignored.
    """
    text = raw.strip().strip(_INVISIBLE).strip()
    if not text:
        return Parsed(skip=True) if current is None else Parsed(value=current)
    if text == LATER_INPUT and question.kind in ("single", "multiple"):
        return Parsed(skip=True)
    try:
        value = _read(question, text, lang)
    except ValueError as exc:
        return Parsed(problem=str(exc))
    problem = answer_problem(question, value)
    return Parsed(problem=problem) if problem else Parsed(value=value)


def _read(question: Question, text: str, lang: str) -> AnswerValue:
    kind = question.kind
    if kind == "single":
        return _option(question, text, lang)
    if kind == "multiple":
        if text == NONE_INPUT:
            return []
        picked = {_option(question, token, lang) for token in re.split(r"[,;\s]+", text) if token}
        return [o.value for o in question.options if o.value in picked]
    if kind == "yes_no":
        word = text.lower()
        if word in _YES:
            return True
        if word in _NO:
            return False
        raise ValueError(t(lang, "ask_bad_yes_no", value=text))
    if kind == "number":
        number = text.replace(",", ".").replace(" ", "")
        try:
            return int(number)
        except ValueError:
            pass
        try:
            value = float(number)
        except ValueError:
            raise ValueError(t(lang, "ask_bad_number", value=text)) from None
        if not math.isfinite(value):
            raise ValueError(t(lang, "ask_bad_number", value=text))
        return int(value) if value.is_integer() else value
    if kind == "date":
        try:
            if not _DATE.match(text):
                raise ValueError(text)
            return dt.date.fromisoformat(text)
        except ValueError:
            raise ValueError(t(lang, "ask_bad_date", value=text)) from None
    if any(_unprintable(char) for char in text):
        raise ValueError(t(lang, "ask_bad_text"))
    from roadmap.yamlio import MAX_TEXT

    if len(text) > MAX_TEXT:
        raise ValueError(t(lang, "ask_text_too_long", n=len(text), limit=MAX_TEXT))
    return text


def _unprintable(char: str) -> bool:
    """A control character (a tab aside), or half of a byte the terminal could not decode."""
    import unicodedata

    return char != "\t" and unicodedata.category(char) in ("Cc", "Cs")


def _option(question: Question, token: str, lang: str) -> str:
    """An option value from its number, value or label."""
    options = question.options
    if token.isdigit():
        n = int(token)
        if 1 <= n <= len(options):
            return options[n - 1].value
        raise ValueError(t(lang, "ask_bad_option_number", value=token, max=len(options)))
    low = token.lower()
    for option in options:
        if low in (option.value, option.label.get(lang).lower(), option.label.en.lower()):
            return option.value
    values = [o.value for o in options]
    hint = did_you_mean(low, values)
    raise ValueError(t(lang, "ask_bad_option", value=token, max=len(options), values=", ".join(values)) + hint)


# ---------------------------------------------------------------- what a session changed


@dataclass(frozen=True)
class StepChange:
    """A step whose working days changed."""

    id: str
    title: str
    before: int
    after: int


@dataclass(frozen=True)
class Summary:
    """What the answers changed between two plans of the same company."""

    added: tuple[tuple[str, str], ...]
    """(step id, title) now planned."""
    dropped: tuple[tuple[str, str, str], ...]
    """(step id, title, reason) no longer planned."""
    resized: tuple[StepChange, ...]
    """Steps planned in both whose working days changed."""
    risks_raised: tuple[tuple[str, str], ...]
    """(risk, because) new in the plan."""
    risks_gone: tuple[tuple[str, str], ...]
    """(risk, because) no longer raised."""
    finish_before: dt.date
    finish_after: dt.date
    working_days_before: int
    working_days_after: int

    @property
    def changed(self) -> bool:
        """Whether anything differs."""
        return bool(
            self.added
            or self.dropped
            or self.resized
            or self.risks_raised
            or self.risks_gone
            or self.finish_before != self.finish_after
            or self.working_days_before != self.working_days_after
        )


def compare_plans(before: Plan, after: Plan) -> Summary:
    """Steps added or dropped, days added, risks raised and the finish, from ``before`` to ``after``."""
    from roadmap.diff import diff_plans  # the plan modules: only once the answers are compared

    scope = diff_plans(before.model_dump(mode="json"), after.model_dump(mode="json"))  # the one plan comparison
    reasons = {d.id: d.reason for d in after.dropped}
    old_risks = [(r.text, r.because) for r in before.risks]
    new_risks = [(r.text, r.because) for r in after.risks]
    return Summary(
        added=tuple((step.id, step.title) for step in scope.added if not step.milestone),
        dropped=tuple((step.id, step.title, reasons.get(step.id, "")) for step in scope.dropped if not step.milestone),
        resized=tuple(StepChange(d.id, d.title, d.old_days, d.new_days) for d in scope.durations),
        risks_raised=tuple(r for r in new_risks if r not in old_risks),
        risks_gone=tuple(r for r in old_risks if r not in new_risks),
        finish_before=before.finish,
        finish_after=after.finish,
        working_days_before=before.working_days,
        working_days_after=after.working_days,
    )


def summary_lines(summary: Summary, lang: str) -> list[str]:
    """The summary as lines a person reads, first line a heading."""
    if not summary.changed:
        return [t(lang, "sum_nothing", finish=summary.finish_after.isoformat())]
    lines = [t(lang, "sum_title")]
    lines += [t(lang, "sum_added", id=sid, title=title) for sid, title in summary.added]
    lines += [t(lang, "sum_dropped", id=sid, title=title, reason=reason) for sid, title, reason in summary.dropped]
    lines += [
        t(lang, "sum_resized", id=c.id, title=c.title, delta=c.after - c.before, before=c.before, after=c.after)
        for c in summary.resized
    ]
    lines += [t(lang, "sum_risk", text=text, because=because) for text, because in summary.risks_raised]
    lines += [t(lang, "sum_risk_gone", text=text) for text, _ in summary.risks_gone]
    delta = summary.working_days_after - summary.working_days_before
    before, after = summary.finish_before.isoformat(), summary.finish_after.isoformat()
    if before == after and not delta:
        lines.append(t(lang, "sum_finish_same", finish=after))
    else:
        lines.append(t(lang, "sum_finish", before=before, after=after, delta=delta))
    return lines
