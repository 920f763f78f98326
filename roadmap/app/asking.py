"""``ask`` and ``init``'s company facts: the question loops, run against an :class:`Asker`.

The loop decides everything: which question comes next (conditions are re-evaluated after each
answer), how a typed reply is read and checked (exclusive options, min/max, kinds), what "leave
it for later" does, and that each answer is saved into the company file as soon as it is given
(atomically, under a lock; an answer the lock keeps waiting is saved with the next one or at the
end). The end of input (Ctrl-D) keeps the answers given; an interrupt keeps them too and stops
with :class:`AskStopped`.

An :class:`Asker` only shows a question and hands back what the person replied; it hears what
happened through :meth:`Asker.tell`. The command line supplies a terminal one and a line-based
one; the tests a scripted one. This module imports nothing heavy until a session runs.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from roadmap.answers_io import AnswerSaver
    from roadmap.ask import Parsed, Pending, Summary
    from roadmap.models import AnswerValue


# ---------------------------------------------------------------- what an asker hears


@dataclass(frozen=True)
class AskStarted:
    """The session begins: ``count`` questions to ask (fewer or more as answers change conditions)."""

    count: int
    file: Path
    """The company file the answers are saved into."""


@dataclass(frozen=True)
class Refused:
    """The reply to ``question_id`` is refused for ``problem``; the same question is asked again."""

    question_id: str
    problem: str


@dataclass(frozen=True)
class Skipped:
    """``question_id`` is left for later (unanswered)."""

    question_id: str


@dataclass(frozen=True)
class SaveDeferred:
    """Another ``ask`` holds ``file``: the answer is kept and saved with the next one."""

    file: Path


@dataclass(frozen=True)
class InputEnded:
    """The input ended (piped input, Ctrl-D): the answers given are saved; ``left`` still unanswered."""

    left: int


@dataclass(frozen=True)
class Interrupted:
    """Ctrl-C, SIGTERM or a closed terminal: the answers given are in ``file``; the session stops."""

    file: Path


@dataclass(frozen=True)
class SessionClosed:
    """No question will be asked any more (the kept answers are saved next)."""


AskEvent = AskStarted | Refused | Skipped | SaveDeferred | InputEnded | Interrupted | SessionClosed
"""Everything :func:`ask_questions` tells its asker."""


class Asker(Protocol):
    """Shows a question and returns the reply; the question loop is :func:`ask_questions`'s."""

    def ask(self, pending: Pending, again: bool) -> str | Parsed:
        """The reply to ``pending``: typed text (read by the engine: an empty line keeps the current
        answer or leaves the question for later), or an answer already picked
        (``Parsed(value=...)``, ``Parsed(skip=True)``, or ``Parsed(problem=...)`` for input that
        could not be read). ``again``: the previous reply was refused (see :class:`Refused`).
        Raises EOFError at the end of input and KeyboardInterrupt to stop."""
        ...

    def tell(self, event: AskEvent) -> None:
        """What happened (see :data:`AskEvent`)."""
        ...


class AskStopped(Exception):
    """The session was interrupted (Ctrl-C, SIGTERM, a closed terminal); the answers given are saved."""

    def __init__(self, terminated: bool) -> None:
        super().__init__("terminated" if terminated else "interrupted")
        self.terminated = terminated
        """True for SIGTERM (exit 143), False for Ctrl-C or a closed terminal (exit 130)."""


@dataclass(frozen=True)
class AskResult:
    """What an ``ask`` session did."""

    file: Path
    """The company file asked about (its answers are saved in it)."""
    count: int
    """Questions there were to ask at the start (0: nothing to ask, nothing was changed)."""
    summary: Summary | None
    """What the answers changed in the plan; None when there was nothing to ask."""
    lines: tuple[str, ...] = ()
    """The summary in words, first line a heading (empty when there was nothing to ask)."""


# ---------------------------------------------------------------- the question loop


def ask_questions(
    file: Path,
    asker: Asker,
    *,
    stage: str | None = None,
    all_questions: bool = False,
    lang: str = "en",
    library_dir: Path | None = None,
) -> AskResult:
    """Ask the questions of ``file`` that apply (only those of ``stage``, an id or an order, when
    given; the answered ones too with ``all_questions``), saving each answer as it is given.

    Raises :class:`AskStopped` when interrupted (the answers given are saved first).
    """
    from roadmap import ask as engine
    from roadmap.answers_io import AnswerSaver, check_writable
    from roadmap.company import load_company
    from roadmap.errors import Terminated
    from roadmap.library import load_library
    from roadmap.plan import build_plan

    lib = load_library(library_dir)
    company = load_company(file, lib)
    chosen = engine.select_stages(lib, stage)
    before = build_plan(company, lib, lang=lang)
    data = company.data
    asked: set[str] = set()
    count = len(engine.to_ask(lib, data, chosen, all_questions=all_questions, asked=asked))
    if not count:
        return AskResult(file=file, count=0, summary=None)
    check_writable(file)
    asker.tell(AskStarted(count=count, file=file))
    saver = AnswerSaver(file)
    try:
        while (
            pending := engine.next_question(lib, data, chosen, all_questions=all_questions, asked=asked)
        ) is not None:
            qid = pending.question.id
            asked.add(qid)
            answer = _reply(asker, pending, lang)
            if answer.skip:
                asker.tell(Skipped(qid))
                continue
            if not pending.answered or data.answers.get(qid) != answer.value:
                if not saver.save(qid, answer.value):
                    asker.tell(SaveDeferred(file))
                data = engine.with_answer(data, qid, answer.value)
    except EOFError:  # the end of piped input, or Ctrl-D in a terminal: the answers given are kept
        asker.tell(InputEnded(left=len(engine.to_ask(lib, data, chosen, all_questions=False, asked=set()))))
    except KeyboardInterrupt as exc:
        asker.tell(Interrupted(file))
        raise AskStopped(terminated=isinstance(exc, Terminated)) from None
    finally:
        asker.tell(SessionClosed())
        _save_kept(saver, lang)
    after = build_plan(load_company(file, lib), lib, lang=lang)
    summary = engine.compare_plans(before, after)
    return AskResult(file=file, count=count, summary=summary, lines=tuple(engine.summary_lines(summary, lang)))


def _reply(asker: Asker, pending: Pending, lang: str) -> Parsed:
    """Ask ``pending`` until the reply is an answer or a skip; a refused one is told and asked again."""
    from roadmap import ask as engine
    from roadmap.library import answer_problem

    q = pending.question
    again = False
    while True:
        reply = asker.ask(pending, again)
        parsed = engine.parse_answer(q, reply, pending.current, lang) if isinstance(reply, str) else reply
        if parsed.problem is None and not parsed.skip and not isinstance(reply, str):
            problem = answer_problem(q, parsed.value)  # a picked answer is checked like a typed one
            parsed = engine.Parsed(problem=problem) if problem else parsed
        if parsed.problem is None:
            return parsed
        asker.tell(Refused(q.id, parsed.problem))
        again = True


def _save_kept(saver: AnswerSaver, lang: str) -> None:
    """Answers kept because another ``ask`` held the file: one last, longer try, else say which."""
    from roadmap.answers_io import LOCK_TIMEOUT
    from roadmap.errors import EnvironmentProblem
    from roadmap.i18n import t

    if saver.flush(wait=LOCK_TIMEOUT * 2):
        return
    kept = "; ".join(f"{qid}: {plain_value(value)}" for qid, value in saver.pending.items())
    raise EnvironmentProblem(t(lang, "ask_not_saved", file=saver.path, answers=kept))


def plain_value(value: AnswerValue | Any) -> str:
    """An answer or a fact in plain words: ``(none)``, ``true``, ``a, b``."""
    if value is None:
        return "(none)"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ", ".join(plain_value(v) for v in value)
    return str(value)


# ---------------------------------------------------------------- init: the company facts


@dataclass(frozen=True)
class Fact:
    """One company fact ``init`` asks for."""

    key: str
    """name, employees, industry, country, branches, levels or start."""
    prompt: str
    """The question, in the session's language."""
    check: Callable[[str], str | None]
    """Why a typed reply is refused (None: accepted)."""
    default: str | None = None
    """What an empty reply means (shown as the default)."""
    choices: tuple[str, ...] = ()
    """The values to pick from (industry); empty for a typed reply."""


class FactAsker(Protocol):
    """Shows one company fact and returns the reply as typed (or the choice picked)."""

    def ask_fact(self, fact: Fact) -> str:
        """The reply; raises KeyboardInterrupt (or EOFError) to stop."""
        ...

    def tell(self, event: Refused) -> None:
        """The reply was refused; the fact is asked again."""
        ...


def company_facts(lang: str, monday: dt.date) -> tuple[Fact, ...]:
    """The facts ``init`` asks for, in order, with their checks (``monday``: the default start)."""
    from typing import get_args

    from roadmap.models import Industry

    industries: tuple[str, ...] = get_args(Industry)  # the ones a company file accepts

    def say(key: str, **values: Any) -> str:
        from roadmap.i18n import t

        return t(lang, f"init_{key}", **values)

    def number(low: int) -> Callable[[str], str | None]:
        return lambda text: None if text.strip().isdigit() and int(text) >= low else say("number_bad", low=low)

    def country_ok(text: str) -> str | None:
        from roadmap.calendar import default_weekend

        code = text.strip().upper()
        if not code:
            return None
        try:
            default_weekend(code)
        except ValueError:
            code = ""
        return None if len(code) == 2 and code.isalpha() else say("country_bad")

    def date_ok(text: str) -> str | None:
        try:
            dt.date.fromisoformat(text.strip())
        except ValueError:
            return say("date_bad")
        return None

    return (
        Fact("name", say("name"), lambda s: None if s.strip() else say("name_bad")),
        Fact("employees", say("employees"), number(1)),
        Fact("industry", say("industry"), lambda s: None if s in industries else say("industry"), "other", industries),
        Fact("country", say("country"), country_ok),
        Fact("branches", say("branches"), number(0), "0"),
        Fact("levels", say("levels"), number(1), "3"),
        Fact("start", say("start"), date_ok, monday.isoformat()),
    )


def ask_company_facts(given: dict[str, Any], asker: FactAsker, monday: dt.date, lang: str = "en") -> dict[str, Any]:
    """``given`` with each fact that is None asked (name, employees, industry, country, branches,
    levels, start), read into its type: int, an upper-case code or None, a date."""
    out = dict(given)
    for fact in company_facts(lang, monday):
        if out.get(fact.key) is not None:
            continue
        while (problem := fact.check(text := asker.ask_fact(fact))) is not None:
            asker.tell(Refused(fact.key, problem))
        out[fact.key] = _fact_value(fact.key, text)
    return out


def _fact_value(key: str, text: str) -> Any:
    if key in ("employees", "branches", "levels"):
        return int(text)
    if key == "country":
        return text.strip().upper() or None
    if key == "start":
        return dt.date.fromisoformat(text.strip())
    return text
