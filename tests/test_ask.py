"""The questionnaire engine (roadmap/ask.py): what comes next, effects, typed answers, the summary."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest

from roadmap import ask
from roadmap.company import load_company
from roadmap.errors import InputError
from roadmap.library import load_library
from roadmap.models import CompanyFile, Library, Question
from roadmap.plan import build_plan
from tests.conftest import MINI_COMPANY, write_tree

BUNDLED = load_library()
SETUP_IDS = [q.id for q in BUNDLED.stages[0].questions]

Load = Callable[..., CompanyFile]

FIRST = "  deployment: cloud\n  business_software: other\n  legal_entities: one\n  deskless: none\n"
"""Answers to the stage-1 questions asked before the org structure (so tests start at org_source)."""


@pytest.fixture
def load(make_company: Callable[..., Path]) -> Load:
    """A validated company file with ``answers`` (YAML lines) against ``library``."""

    def run(library: Library, answers: str = "", extra: str = "") -> CompanyFile:
        text = MINI_COMPANY + extra + ("answers:\n" + answers if answers else "")
        return load_company(make_company(text), library).data

    return run


def question(library: Library, qid: str) -> Question:
    found = library.question(qid)
    assert found is not None
    return found


def order_asked(library: Library, data: CompanyFile, answers: dict[str, object], **kw: object) -> list[str]:
    """Walk a session, answering with ``answers`` (or keeping the current answer), return the ids asked."""
    asked: set[str] = set()
    out: list[str] = []
    stages = ask.select_stages(library, kw.pop("stage", None))  # type: ignore[arg-type]
    all_questions = bool(kw.pop("all_questions", False))
    while (pending := ask.next_question(library, data, stages, all_questions=all_questions, asked=asked)) is not None:
        qid = pending.question.id
        asked.add(qid)
        out.append(qid)
        value = answers.get(qid, pending.current)
        if value is not None:
            data = ask.with_answer(data, qid, value)  # type: ignore[arg-type]
    return out


# ---------------------------------------------------------------- stages and order


def test_select_stages_by_id_order_or_all(mini_library: Path) -> None:
    lib = load_library(mini_library)
    assert [s.id for s in ask.select_stages(lib, None)] == ["alpha", "beta"]
    assert [s.id for s in ask.select_stages(lib, "beta")] == ["beta"]
    assert [s.id for s in ask.select_stages(lib, "1")] == ["alpha"]
    assert [s.id for s in ask.select_stages(lib, " 02 ")] == ["beta"]
    assert [s.id for s in ask.select_stages(lib, "Beta")] == ["beta"]
    with pytest.raises(InputError, match=r"stage: unknown stage 'alfa'.*did you mean 'alpha'.*1 \(alpha\)"):
        ask.select_stages(lib, "alfa")


def test_questions_come_in_library_order_and_answered_ones_are_skipped(load: Load) -> None:
    data = load(BUNDLED, FIRST + "  official_info: [email]\n  candy: canteen_menu\n")
    asked = order_asked(BUNDLED, data, {"org_source": "ad", "vacancies_source": "not_digital"}, stage="setup")
    assert asked == ["org_source", "org_complications", "info_publisher", "vacancies_source"]


def test_when_is_honoured_as_answers_come_in(load: Load) -> None:
    data = load(BUNDLED, FIRST)
    nowhere = order_asked(BUNDLED, data, {"org_source": "nowhere"}, stage="1")
    assert "org_complications" not in nowhere
    ad = order_asked(BUNDLED, data, {"org_source": "ad"}, stage="1")
    assert ad[:2] == ["org_source", "org_complications"]
    digital = order_asked(BUNDLED, data, {"org_source": "ad", "vacancies_source": "career_site"}, stage="1")
    assert "vacancies_autopost" in digital
    not_digital = order_asked(BUNDLED, data, {"org_source": "ad", "vacancies_source": "not_digital"}, stage="1")
    assert "vacancies_autopost" not in not_digital


def test_all_reasks_answered_questions_with_the_current_answer(load: Load) -> None:
    data = load(BUNDLED, "  candy: canteen_menu\n")
    stages = ask.select_stages(BUNDLED, "setup")
    asked = set(SETUP_IDS) - {"candy"}
    assert ask.next_question(BUNDLED, data, stages, all_questions=False, asked=asked) is None
    pending = ask.next_question(BUNDLED, data, stages, all_questions=True, asked=asked)
    assert pending is not None
    assert (pending.question.id, pending.current, pending.answered) == ("candy", "canteen_menu", True)


def test_pending_carries_default_and_progress(load: Load) -> None:
    data = load(BUNDLED, FIRST + "  org_source: nowhere\n  official_info: [email]\n")
    stages = ask.select_stages(BUNDLED, "setup")
    pending = ask.next_question(BUNDLED, data, stages, all_questions=False, asked=set())
    assert pending is not None
    # neither org_complications (org_source is nowhere) nor vacancies_autopost (vacancies_source
    # unanswered) applies: 9 questions, info_publisher is the 6th
    assert (pending.question.id, pending.number, pending.total) == ("info_publisher", 6, 9)
    assert (pending.current, pending.answered) == (None, False)
    assert ask.progress_label(pending, "en") == "Stage 1 · question 6 of 9"
    assert ask.progress_label(pending, "fr") == "Étape 1 · question 6 sur 9"
    candy = ask.next_question(BUNDLED, data, stages, all_questions=False, asked={"info_publisher", "vacancies_source"})
    assert candy is not None
    assert (candy.question.id, candy.current, candy.answered) == ("candy", "phone_directory", False)


def test_questions_of_an_excluded_stage_are_not_asked(load: Load) -> None:
    data = load(BUNDLED, extra="  exclude: [setup]\n")
    assert data.plan.exclude == ("setup",)
    assert ask.to_ask(BUNDLED, data, ask.select_stages(BUNDLED, "setup"), all_questions=True, asked=set()) == []
    assert ask.to_ask(BUNDLED, data, ask.select_stages(BUNDLED, "core"), all_questions=True, asked=set())


DROPPING_STAGES = {
    "roles.yaml": "roles: {pm: {title: PM}}\n",
    "1.yaml": """
        id: alpha
        order: 1
        title: Alpha
        goal: Go
        steps:
          - {id: alpha.one, title: One, duration_days: 3}
        questions:
          - id: want_beta
            text: Beta too?
            kind: yes_no
            options:
              - {value: "no", label: No beta, effects: [{exclude: [beta]}]}
        """,
    "2.yaml": """
        id: beta
        order: 2
        title: Beta
        goal: Go on
        steps:
          - {id: beta.one, title: B one, duration_days: 5}
        questions:
          - id: need_beta
            text: Is beta needed at all?
            kind: yes_no
            options:
              - {value: "no", label: Not needed, effects: [{exclude: [beta]}]}
          - {id: beta_size, text: How big?, kind: number}
        """,
}


def test_questions_of_a_stage_dropped_by_another_stage_answer_are_not_asked(load: Load, tmp_path: Path) -> None:
    lib = load_library(write_tree(tmp_path / "droplib", DROPPING_STAGES))
    assert order_asked(lib, load(lib), {"want_beta": False}) == ["want_beta"]
    assert order_asked(lib, load(lib), {"want_beta": True}) == ["want_beta", "need_beta", "beta_size"]
    # a stage's own question that drops it stays askable (its answer must remain reachable)
    dropped_by_itself = load(lib, "  want_beta: true\n  need_beta: false\n")
    assert order_asked(lib, dropped_by_itself, {}, all_questions=True) == ["want_beta", "need_beta", "beta_size"]


# ---------------------------------------------------------------- effects and display


def test_effect_texts(mini_library: Path) -> None:
    lib = load_library(mini_library)
    x, y = question(lib, "q1").options
    assert ask.effect_texts(x, "en") == [
        "plans alpha.opt",
        "adds 2 working days to alpha.one",
        "raises a risk: X is risky",
    ]
    assert ask.effect_texts(y, "en") == ["drops alpha.two"]
    assert ask.effect_texts(x, "fr")[2] == "signale un risque : X est risqué"
    assert ask.describe_effects(y, "fr") == "retire alpha.two"


def test_effect_texts_bundled_wording() -> None:
    complications = question(BUNDLED, "org_complications").options
    realtime = next(o for o in complications if o.value == "realtime")
    assert ask.effect_texts(realtime, "en")[0] == "adds 6 working days to setup.ad-sync"
    canteen = question(BUNDLED, "candy").options[0]
    assert ask.effect_texts(canteen, "en") == ["adds 1 working day to setup.candy"]
    assert ask.describe_effects(question(BUNDLED, "candy").options[1], "en") == "no change to the plan"


def test_option_rows_and_display(mini_library: Path) -> None:
    lib = load_library(mini_library)
    q1, q2 = question(lib, "q1"), question(lib, "q2")
    assert ask.option_rows(q1, "en")[1] == ("2", "Y way", "drops alpha.two")
    assert ask.option_rows(q2, "en") == []  # yes_no without options: nothing to list
    autopost = question(BUNDLED, "vacancies_autopost")
    assert ask.option_rows(autopost, "en")[0] == ("y", "Yes", "plans setup.vacancies-feed")
    assert ask.display_answer(q1, "y", "en") == "Y way"
    assert ask.display_answer(q2, True, "fr") == "oui"
    assert ask.display_answer(autopost, False, "en") == "No, HR posts them by hand"  # its option's label
    assert ask.display_answer(autopost, True, "en") == "Yes"
    assert ask.display_answer(question(BUNDLED, "official_info"), [], "en") == "none"
    assert ask.typed_form(question(BUNDLED, "official_info"), ["email", "paper"]) == "2, 4"
    assert ask.typed_form(q2, False) == "n"
    assert "Enter keeps 1" in ask.input_hint(q1, "x", "en")
    assert "Enter leaves it for later" in ask.input_hint(q1, None, "en")


def test_french_lists_are_separated_the_french_way() -> None:
    realtime = question(BUNDLED, "org_complications").options[2]
    assert " ; ajoute 6 jours ouvrés à setup.hris-exchange ; signale un risque : " in ask.describe_effects(
        realtime, "fr"
    )
    assert "; adds 6 working days to setup.hris-exchange; raises a risk: " in ask.describe_effects(realtime, "en")
    assert ask.input_hint(SOURCE, None, "fr") == "un numéro ou une valeur d'option ; Entrée la laisse pour plus tard"
    assert ask.display_answer(question(BUNDLED, "official_info"), ["email", "paper"], "fr").count(" ; ") == 1


# ---------------------------------------------------------------- typed answers

OFFICIAL = question(BUNDLED, "official_info")
SOURCE = question(BUNDLED, "org_source")
AUTOPOST = question(BUNDLED, "vacancies_autopost")


def kind(k: str) -> Question:
    return Question.model_validate({"id": "q", "text": "Q?", "kind": k})


@pytest.mark.parametrize(
    ("q", "raw", "value"),
    [
        (SOURCE, "2", "hris"),
        (SOURCE, " nowhere ", "nowhere"),
        (SOURCE, "MS Active Directory", "ad"),
        (OFFICIAL, "4, 1", ["file_share", "paper"]),
        (OFFICIAL, "email,email 2", ["email"]),
        (OFFICIAL, "-", []),
        (AUTOPOST, "Y", True),
        (AUTOPOST, "oui", True),
        (AUTOPOST, "non", False),
        (AUTOPOST, "no", False),
        (kind("number"), "12", 12),
        (kind("number"), "1,5", 1.5),
        (kind("number"), "2.0", 2),
        (kind("text"), "  free text  ", "free text"),
        (kind("date"), "2027-03-01", dt.date(2027, 3, 1)),
        (SOURCE, "\ufeff2", "hris"),  # a byte-order mark before the first piped answer
        (kind("text"), "\ufeffcafé\u200b", "café"),
        (kind("text"), "Привет: #1 'ok'", "Привет: #1 'ok'"),
        (kind("text"), "a\tb", "a\tb"),
    ],
)
def test_parse_answer_accepts(q: Question, raw: str, value: object) -> None:
    parsed = ask.parse_answer(q, raw, None)
    assert parsed.problem is None
    assert parsed.value == value
    assert type(parsed.value) is type(value)


@pytest.mark.parametrize(
    ("q", "raw", "reason"),
    [
        (SOURCE, "6", "6 is not an option number (1–5)"),
        (OFFICIAL, "1, 0", "0 is not an option number (1–5)"),  # 0 alone leaves it for later (issue 9)
        (SOURCE, "nowher", "did you mean 'nowhere'"),
        (OFFICIAL, "1, 9", "9 is not an option number (1–5)"),
        (AUTOPOST, "maybe", "answer y or n"),
        (kind("number"), "abc", "'abc' is not a number"),
        (kind("number"), "nan", "'nan' is not a number"),
        (kind("number"), "-3", "expected a number >= 0"),
        (kind("date"), "2027-02-30", "not a date YYYY-MM-DD"),
        (kind("date"), "20270301", "not a date YYYY-MM-DD"),
        (kind("text"), "caf\udce9", "not UTF-8"),  # a byte the terminal could not decode
        (kind("text"), "a\x00b", "control characters"),
        (kind("text"), "\x1b[31mred", "control characters"),
    ],
)
def test_parse_answer_refuses_with_a_reason(q: Question, raw: str, reason: str) -> None:
    parsed = ask.parse_answer(q, raw, None)
    assert parsed.problem is not None
    assert reason in parsed.problem


def test_parse_answer_reasons_are_localised() -> None:
    assert ask.parse_answer(AUTOPOST, "peut-être", None, "fr").problem == (
        "« peut-être » n'est ni oui ni non : répondez o ou n"
    )


def test_empty_input_keeps_the_current_answer_or_skips() -> None:
    assert ask.parse_answer(SOURCE, "", "hris") == ask.Parsed(value="hris")
    assert ask.parse_answer(OFFICIAL, "  \n", []) == ask.Parsed(value=[])
    assert ask.parse_answer(SOURCE, "", None) == ask.Parsed(skip=True)


# ---------------------------------------------------------------- what a session changed


def test_compare_plans_lists_what_changed(mini_library: Path, make_company: Callable[..., Path]) -> None:
    lib = load_library(mini_library)
    before = build_plan(load_company(make_company(MINI_COMPANY + "answers: {q1: x}\n", "a.yaml"), lib), lib)
    after = build_plan(load_company(make_company(MINI_COMPANY + "answers: {q1: y}\n", "b.yaml"), lib), lib)
    summary = ask.compare_plans(before, after)
    assert summary.changed
    assert summary.added == ()
    dropped = {sid: reason for sid, _, reason in summary.dropped}
    assert sorted(dropped) == ["alpha.opt", "alpha.two", "beta.one"]
    assert 'answer "Y way" to "Which way?"' in dropped["alpha.two"]
    assert 'requires "Two"' in dropped["beta.one"]
    assert [(c.id, c.before, c.after) for c in summary.resized] == [("alpha.one", 6, 4)]
    assert summary.risks_gone == (("X is risky", 'answer "X way" to "Which way?"'),)
    assert summary.risks_raised == ()
    assert summary.finish_after < summary.finish_before
    lines = ask.summary_lines(summary, "en")
    assert lines[0] == "What the answers changed in the plan:"
    assert "  ~ alpha.one One: -2 working days (6 → 4)" in lines
    assert lines[-1].startswith(f"Finish: {summary.finish_before} → {summary.finish_after} (-")

    back = ask.compare_plans(after, before)
    assert sorted(sid for sid, _ in back.added) == ["alpha.opt", "alpha.two", "beta.one"]
    assert back.risks_raised == (("X is risky", 'answer "X way" to "Which way?"'),)


def test_compare_identical_plans(mini_library: Path, make_company: Callable[..., Path]) -> None:
    lib = load_library(mini_library)
    plan = build_plan(load_company(make_company(), lib), lib)
    summary = ask.compare_plans(plan, plan)
    assert not summary.changed
    assert ask.summary_lines(summary, "en") == [f"The answers did not change the plan (finish {plan.finish})."]
