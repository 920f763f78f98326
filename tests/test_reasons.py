"""Reasons as data (issue 11): one catalogue of words, records in plan.json, read back by the Plan."""

from __future__ import annotations

import datetime as dt
import json
import string
import typing
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest

from roadmap.company import load_company
from roadmap.i18n import MESSAGES
from roadmap.library import load_library
from roadmap.models import Library
from roadmap.plan import Plan, build_plan
from roadmap.reasons import (
    REASON_TYPES,
    AdjustAdd,
    AdjustSet,
    AnswerDays,
    Answers,
    Base,
    Condition,
    CostDropped,
    DeadlineDropped,
    Done,
    DroppedByAnswer,
    DropReason,
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
    PlanWarning,
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
    TaskReason,
    Waits,
)
from roadmap.render.json_out import dumps
from roadmap.wording import say
from tests.conftest import EXAMPLES, MINI_ALPHA, MINI_BETA, MINI_ROLES, write_tree


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def test_every_message_has_both_languages_with_the_same_placeholders() -> None:
    for key, (en, fr) in MESSAGES.items():
        assert en.strip() and fr.strip(), key
        assert _fields(en) == _fields(fr), key


def test_the_placeholder_check_sees_a_missing_one() -> None:
    assert _fields("{days} days for {roles}") != _fields("{days} jours")


def _members(union: object) -> set[type]:
    (inner, *_) = typing.get_args(union)  # Annotated[Union[...], Field]
    return set(typing.get_args(inner))


def test_the_registry_is_every_record_of_the_unions() -> None:
    assert set(REASON_TYPES) == _members(DropReason) | _members(TaskReason) | _members(PlanWarning)
    codes = [cls.model_fields["code"].default for cls in REASON_TYPES]
    assert len(set(codes)) == len(codes)


@cache
def _library() -> Library:
    return load_library(None)


def _samples(library: Library) -> Iterator[object]:
    stage = library.stages[0]
    question = next(q for _, q in library.questions() if q.kind == "yes_no")
    step = library.steps()[0]
    day = dt.date(2027, 5, 5)
    yield StageExcluded(stage=stage.id, file="c.yaml")
    yield StageDroppedByAnswer(stage=stage.id, question=question.id, value="yes")
    yield StageCondition(stage=stage.id, when="employees > 5", facts=(Fact(name="employees", value=3),))
    yield Excluded(file="c.yaml")
    yield DroppedByAnswer(question=question.id, value="no")
    yield Condition(when=question.id, facts=(Fact(name=question.id, value=False),))
    yield OptionalNotSelected(selected_by=(Answers(question=question.id, values=("yes",)),))
    yield OptionalNotSelected()
    yield RequiresDropped(requires=step.id)
    yield StageEmpty(stage=stage.id)
    yield Milestone(stage=stage.id)
    yield Base(days=3)
    yield Scaling(days=2, by="employees", value=900, add=1, per=200, above=500, cap=4)
    yield AnswerDays(days=2, question=question.id, value="yes")
    yield AdjustSet(days=4, file="c.yaml", note="agreed")
    yield AdjustAdd(days=-1, file="c.yaml")
    yield Done(start=day, finish=day)
    yield InProgress(start=day, percent=40, remaining=6)
    yield NotBefore(date=day, file="c.yaml")
    yield Waits(days=3, roles=("pm", "dev"))
    yield Fit(outside=("low", "levels", "branches", "industry"), employees=90, hierarchy_levels=2, branches=40)
    yield ProgressDropped(id=step.id, reason=Excluded(file="c.yaml"))
    yield ProgressDayOff(id=step.id, field="start", date=day)
    yield ProgressEarly(id=step.id, start=day, pred=step.id, finish=day)
    yield InputDropped(field="adjust", id=step.id, reason=RequiresDropped(requires=step.id))
    yield DeadlineDropped(id=step.id, date=day)
    yield HolidaysUncovered(country="FR", first=2099, last=2100)
    yield CostDropped(cost="Licence", block=step.id)
    yield Site(site="Lyon", employees=120, wave=2)
    yield Gate(wave=1, sites=("Paris", "Lyon"))
    yield Gate(wave=2, sites=("Nice",), last=True)
    yield Lessons(days=3)
    yield SiteHeadcount(total=500, employees=400)


def test_every_reason_code_has_words_in_both_languages() -> None:
    library = _library()
    samples = list(_samples(library))
    assert {type(s) for s in samples} == set(REASON_TYPES)
    for sample in samples:
        assert type(sample).MESSAGE in MESSAGES  # type: ignore[attr-defined]
        en, fr = say(sample, library, "en"), say(sample, library, "fr")  # type: ignore[arg-type]
        assert en and fr and "{" not in en + fr, sample


MINI_VARIANT = """
company: {name: Mini Co, employees: 900, country: FR}
plan:
  start: 2027-01-04
  exclude: [beta.two]
  not_before: {beta.one: 2027-06-01}
  deadlines: {beta.two: 2027-03-01}
answers: {q1: x, q2: true}
team: {pm: 1, dev: 1}
progress:
  alpha.one: {status: done, start: 2027-01-04, finish: 2027-01-12}
  alpha.two: {status: in_progress, start: 2027-01-09}
  beta.two: {status: done, start: 2027-01-04, finish: 2027-01-05}
adjust:
  alpha.opt: {duration_days: 4, note: agreed}
  alpha.two: {add_days: -1}
  beta.two: {add_days: 1}
"""

GAMMA = """
id: gamma
order: 3
title: {en: Gamma, fr: Gamma FR}
goal: Grow
when: "employees > 1000"
steps:
  - {id: gamma.one, title: G one, duration_days: 2, roles: [pm]}
questions:
  - id: q3
    text: {en: Skip gamma?, fr: Sauter gamma ?}
    kind: yes_no
    default: false
    options:
      - value: "yes"
        label: {en: "Yes", fr: Oui}
        effects:
          - exclude: [gamma]
"""

MINI_IN_PROGRESS = """
company: {name: Mini Co, employees: 90, country: FR}
plan: {start: 2027-01-04}
answers: {q1: y, q3: true}
progress:
  alpha.one: {status: in_progress, start: 2027-01-04, percent: 40}
"""


@pytest.fixture(scope="module")
def plans(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[Plan, Library]]:
    """A real example in French, and the mini library planned with progress, adjust and not_before."""
    root = write_tree(
        tmp_path_factory.mktemp("reasons"),
        {
            "lib/roles.yaml": MINI_ROLES,
            "lib/1-alpha.yaml": MINI_ALPHA,
            "lib/2-beta.yaml": MINI_BETA,
            "lib/3-gamma.yaml": GAMMA,
            "variant.yaml": MINI_VARIANT,
            "in-progress.yaml": MINI_IN_PROGRESS,
        },
    )
    library, mini = _library(), load_library(root / "lib")
    out = [(build_plan(load_company(EXAMPLES[0], library), library, lang="fr"), library)]
    for name in ("variant.yaml", "in-progress.yaml"):
        company = load_company(root / name, mini)
        out += [(build_plan(company, mini, lang=lang), mini) for lang in ("en", "fr")]
    return out


def test_why_and_reason_are_the_records_in_words(plans: list[tuple[Plan, Library]]) -> None:
    seen: set[str] = set()
    for plan, library in plans:
        for task in plan.tasks:
            assert task.why == tuple(say(r, library, plan.lang) for r in task.reasons), task.id
            seen.update(r.code for r in task.reasons)
        for drop in plan.dropped:
            assert (drop.reason,) == tuple(say(r, library, plan.lang) for r in drop.reasons), drop.id
            seen.update(r.code for r in drop.reasons)
        assert plan.warnings == tuple(say(w, library, plan.lang) for w in plan.warning_reasons)
        seen.update(w.code for w in plan.warning_reasons)
    # the sample test words the warnings no small plan raises: no holiday data, a cost on a dropped
    # block, sites that miss the company's headcount (tests/test_sites.py plans that one)
    unseen = {"holidays_uncovered", "cost_dropped", "site_headcount"}
    assert seen == {cls.model_fields["code"].default for cls in REASON_TYPES} - unseen


def test_plan_json_reads_back_through_the_plan_model(plans: list[tuple[Plan, Library]]) -> None:
    for plan, _ in plans:
        text = dumps(plan)
        again = Plan.model_validate_json(text)
        # Fields left out of plan.json (the logo's bytes, the WBS codes) are not read back.
        assert again.model_dump(mode="json") == plan.model_dump(mode="json")
        assert dumps(again) == text


def test_plan_json_carries_reasons_per_task_and_per_dropped_block(plans: list[tuple[Plan, Library]]) -> None:
    data = json.loads(dumps(plans[0][0]))
    assert all(task["reasons"] and "code" in task["reasons"][0] for task in data["tasks"])
    assert data["dropped"] and all(len(drop["reasons"]) == 1 for drop in data["dropped"])
    first = data["tasks"][0]["reasons"][0]
    assert first == {"code": "base", "days": first["days"]}


def test_the_catalogue_is_the_only_table_of_words_in_roadmap() -> None:
    """No module of roadmap/ but i18n.py keeps its own English/French pairs."""
    root = Path(__file__).resolve().parent.parent / "roadmap"
    own = [
        path.relative_to(root).as_posix()
        for path in root.rglob("*.py")
        if path.name != "i18n.py" and 'fr if lang == "fr" else en' in path.read_text(encoding="utf-8")
    ]
    assert own == []
