"""The question loop of ``ask`` and ``init`` (roadmap.app.asking) against a scripted asker: no terminal."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from roadmap import app
from roadmap.app import (
    AskEvent,
    AskStarted,
    AskStopped,
    Fact,
    InputEnded,
    Interrupted,
    Refused,
    SessionClosed,
    Skipped,
)
from roadmap.ask import Parsed, Pending
from roadmap.company import load_company
from roadmap.errors import InputError, Terminated
from roadmap.library import load_library
from tests.conftest import MINI_ALPHA, MINI_BETA, MINI_COMPANY, MINI_ROLES, write_tree
from tests.test_choices import TOOLS

Reply = str | Parsed | BaseException


class ScriptedAsker:
    """Replies from a script (an exception in it is raised); remembers what it was asked and told."""

    def __init__(self, *script: Reply) -> None:
        self.script = list(script)
        self.asked: list[tuple[str, bool]] = []
        """(question id, again) per call."""
        self.events: list[AskEvent] = []
        self.facts: list[str] = []

    def _next(self) -> Reply:
        if not self.script:
            raise AssertionError("asked more than the script holds")
        reply = self.script.pop(0)
        if isinstance(reply, BaseException):
            raise reply
        return reply

    def ask(self, pending: Pending, again: bool) -> str | Parsed:
        self.asked.append((pending.question.id, again))
        return self._next()

    def ask_fact(self, fact: Fact) -> str:
        self.facts.append(fact.key)
        reply = self._next()
        assert isinstance(reply, str)
        return reply

    def tell(self, event: AskEvent) -> None:
        self.events.append(event)

    def refused(self) -> list[str]:
        return [e.problem for e in self.events if isinstance(e, Refused)]


@pytest.fixture
def setup(tmp_path: Path) -> tuple[Path, Path]:
    """A library whose stage 1 asks q1 (single, default x), q2 (yes/no, when q1 is x) and tools
    (multiple, 1 to 2, 'none' exclusive); and a company file with no answers."""
    lib = write_tree(
        tmp_path / "lib",
        {"roles.yaml": MINI_ROLES, "1-alpha.yaml": MINI_ALPHA + TOOLS, "2-beta.yaml": MINI_BETA},
    )
    return lib, write_tree(tmp_path, {"company.yaml": MINI_COMPANY}) / "company.yaml"


def run(setup: tuple[Path, Path], asker: ScriptedAsker, **options: object) -> app.AskResult:
    lib, path = setup
    return app.ask_questions(path, asker, library_dir=lib, **options)  # type: ignore[arg-type]


def saved(setup: tuple[Path, Path]) -> dict[str, object]:
    lib, path = setup
    return dict(load_company(path, load_library(lib)).data.answers)


def ids(asker: ScriptedAsker) -> list[str]:
    return [qid for qid, _ in asker.asked]


def test_answers_are_saved_and_the_summary_says_what_changed(setup: tuple[Path, Path]) -> None:
    asker = ScriptedAsker("2", "1, 3")  # q1 = y: q2 no longer applies; tools = jira, wiki
    done = run(setup, asker)
    assert ids(asker) == ["q1", "tools"]
    assert saved(setup) == {"q1": "y", "tools": ["jira", "wiki"]}
    assert asker.events[0] == AskStarted(count=3, file=setup[1])  # q1, q2 (q1's default is x), tools
    assert asker.events[-1] == SessionClosed()
    assert done.count == 3 and done.summary is not None
    assert [sid for sid, _, _ in done.summary.dropped] == ["alpha.two", "alpha.opt", "beta.one"]
    assert done.lines[0] == "What the answers changed in the plan:"


def test_conditions_follow_each_answer(setup: tuple[Path, Path]) -> None:
    asker = ScriptedAsker("x", "yes", "slack")
    run(setup, asker)
    assert ids(asker) == ["q1", "q2", "tools"]
    assert saved(setup) == {"q1": "x", "q2": True, "tools": ["slack"]}


def test_leave_for_later_saves_nothing(setup: tuple[Path, Path]) -> None:
    # q1: 0 leaves it for later though it has a default; q2 (no default): an empty line; tools: picked skip
    asker = ScriptedAsker("0", "", Parsed(skip=True))
    run(setup, asker)
    assert saved(setup) == {}
    assert [e.question_id for e in asker.events if isinstance(e, Skipped)] == ["q1", "q2", "tools"]


def test_an_empty_line_keeps_the_default(setup: tuple[Path, Path]) -> None:
    asker = ScriptedAsker("", "n", "2")
    run(setup, asker)
    assert saved(setup) == {"q1": "x", "q2": False, "tools": ["slack"]}


def test_invalid_input_is_refused_with_the_reason_and_asked_again(setup: tuple[Path, Path]) -> None:
    asker = ScriptedAsker("9", "z", "2", "1, 4", "1, 2, 3", "-", "2")
    run(setup, asker)
    assert asker.asked == [
        ("q1", False),
        ("q1", True),
        ("q1", True),
        ("tools", False),
        ("tools", True),
        ("tools", True),
        ("tools", True),
    ]
    problems = asker.refused()
    assert len(problems) == 5
    assert "9" in problems[0] and "'z'" in problems[1]
    assert problems[2] == "'none' cannot be combined with another option"  # exclusive
    assert problems[3] == "choose at most 2 (got 3)"  # max
    assert "at least 1" in problems[4]  # min
    assert saved(setup) == {"q1": "y", "tools": ["slack"]}


def test_a_picked_answer_is_checked_like_a_typed_one(setup: tuple[Path, Path]) -> None:
    asker = ScriptedAsker(Parsed(value="y"), Parsed(value=["jira", "none"]), Parsed(problem="not UTF-8"), "3")
    run(setup, asker)
    assert asker.refused() == ["'none' cannot be combined with another option", "not UTF-8"]
    assert saved(setup) == {"q1": "y", "tools": ["wiki"]}


def test_the_end_of_input_keeps_the_answers_given(setup: tuple[Path, Path]) -> None:
    asker = ScriptedAsker("2", EOFError())
    done = run(setup, asker)
    assert saved(setup) == {"q1": "y"}
    assert InputEnded(left=1) in asker.events  # tools
    assert asker.events[-1] == SessionClosed()
    assert done.summary is not None and done.summary.changed


@pytest.mark.parametrize(("interrupt", "terminated"), [(KeyboardInterrupt(), False), (Terminated(), True)])
def test_an_interrupt_mid_way_keeps_the_earlier_answers(
    setup: tuple[Path, Path], interrupt: BaseException, terminated: bool
) -> None:
    asker = ScriptedAsker("x", "y", interrupt)
    with pytest.raises(AskStopped) as stopped:
        run(setup, asker)
    assert stopped.value.terminated is terminated
    assert saved(setup) == {"q1": "x", "q2": True}
    assert asker.events[-2:] == [Interrupted(setup[1]), SessionClosed()]


def test_nothing_to_ask_changes_nothing(setup: tuple[Path, Path]) -> None:
    path = setup[1]
    path.write_text(MINI_COMPANY + "answers:\n  q1: y\n  tools: [wiki]\n", encoding="utf-8")
    before = path.read_text(encoding="utf-8")
    asker = ScriptedAsker()
    done = run(setup, asker)
    assert (done.count, done.summary, asker.events) == (0, None, [])
    assert path.read_text(encoding="utf-8") == before
    again = ScriptedAsker("", "")  # all_questions: the answers are asked again, Enter keeps them
    run(setup, again, all_questions=True)
    assert ids(again) == ["q1", "tools"]
    assert path.read_text(encoding="utf-8") == before


def test_only_the_stage_asked_for(setup: tuple[Path, Path]) -> None:
    asker = ScriptedAsker()
    assert run(setup, asker, stage="beta").count == 0  # beta has no questions
    with pytest.raises(InputError, match="unknown stage"):
        run(setup, asker, stage="gamma")


# ---------------------------------------------------------------- init's company facts


def test_company_facts_are_asked_checked_and_typed() -> None:
    monday = dt.date(2027, 1, 4)
    asker = ScriptedAsker("  ", "Acme", "abc", "0", "450", "XX", "de", "2", "4", "soon", "2027-02-01")
    given = {"name": None, "employees": None, "industry": "services", "country": None}
    got = app.ask_company_facts({**given, "branches": None, "levels": None, "start": None}, asker, monday)
    assert got == {
        "name": "Acme",
        "employees": 450,
        "industry": "services",
        "country": "DE",
        "branches": 2,
        "levels": 4,
        "start": dt.date(2027, 2, 1),
    }
    asked_twice_or_more = ["name", "name", "employees", "employees", "employees", "country", "country"]
    assert asker.facts == [*asked_twice_or_more, "branches", "levels", "start", "start"]
    assert asker.refused() == [
        "a name",
        "a whole number >= 1",
        "a whole number >= 1",
        "a known two-letter country code such as FR, DE, RU, or nothing",
        "a date YYYY-MM-DD",
    ]


def test_company_facts_in_french_with_defaults() -> None:
    facts = {f.key: f for f in app.company_facts("fr", dt.date(2027, 1, 4))}
    assert facts["employees"].prompt == "Employés (effectif)"
    assert (facts["branches"].default, facts["levels"].default, facts["start"].default) == ("0", "3", "2027-01-04")
    assert facts["industry"].choices == ("manufacturing", "construction", "services", "other")
    assert facts["country"].check("") is None and facts["country"].check("zz") is not None


def test_given_facts_are_not_asked() -> None:
    asker = ScriptedAsker("")  # country: empty for none
    given: dict[str, object] = {"name": "A", "employees": 5, "industry": "other", "branches": 0, "levels": 3}
    got = app.ask_company_facts({**given, "country": None, "start": dt.date(2027, 1, 4)}, asker, dt.date(2027, 1, 4))
    assert asker.facts == ["country"] and got["country"] is None


def test_an_answer_the_lock_holds_back_is_saved_with_the_next(
    setup: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    from roadmap import answers_io

    real = answers_io.save_answers
    calls: list[dict[str, object]] = []

    def busy_once(path: Path, answers: dict[str, object], *, wait: float | None = None) -> None:
        calls.append(dict(answers))
        if len(calls) == 1:
            raise answers_io.LockBusy(f"{path}: busy")
        real(path, answers, wait=wait)  # type: ignore[arg-type]

    monkeypatch.setattr(answers_io, "save_answers", busy_once)
    asker = ScriptedAsker("2", "3")
    run(setup, asker)
    assert app.SaveDeferred(setup[1]) in asker.events
    assert calls == [{"q1": "y"}, {"q1": "y", "tools": ["wiki"]}]
    assert saved(setup) == {"q1": "y", "tools": ["wiki"]}


def test_answers_that_cannot_be_saved_at_all_are_named(
    setup: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    from roadmap import answers_io
    from roadmap.errors import EnvironmentProblem

    def always_busy(path: Path, answers: dict[str, object], *, wait: float | None = None) -> None:
        raise answers_io.LockBusy(f"{path}: busy")

    monkeypatch.setattr(answers_io, "save_answers", always_busy)
    with pytest.raises(EnvironmentProblem, match="q1: y; tools: slack, wiki"):
        run(setup, ScriptedAsker("2", "2, 3"))
