"""Honest inputs (issue 9): given vs assumed answers, checked progress, adjust, not_before, deadlines."""

from __future__ import annotations

import datetime as dt
import html
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from cli import app
from roadmap.errors import InputError
from roadmap.plan import Plan, plan_file
from roadmap.render.json_out import dumps
from tests.conftest import MINI_COMPANY

D = dt.date


def _plan(lib: Path, path: Path, as_of: dt.date | None = None) -> Plan:
    return plan_file(path, library_dir=lib, as_of=as_of)[0]


def _errors(lib: Path, path: Path, as_of: dt.date | None = None) -> list[str]:
    with pytest.raises(InputError) as info:
        _plan(lib, path, as_of)
    return [str(d).split("company.yaml:", 1)[1] for d in info.value.diagnostics]


def _task(plan: Plan, tid: str) -> dict[str, Any]:
    data = json.loads(dumps(plan))
    task: dict[str, Any] = next(t for t in data["tasks"] if t["id"] == tid)
    return task


# ---------------------------------------------------------------- 1. given vs assumed


def test_defaults_are_assumed_not_answers(mini_library: Path, make_company: Callable[..., Path]) -> None:
    plan = _plan(mini_library, make_company())
    assert plan.answers == {}
    assert plan.assumed == ("q1",)  # default x
    assert plan.unanswered == ("q2",)  # applies with q1 = x, no default
    assert any(t.id == "alpha.opt" for t in plan.tasks)  # the default still shapes the plan


def test_answers_keep_only_what_the_file_says(mini_library: Path, make_company: Callable[..., Path]) -> None:
    plan = _plan(mini_library, make_company(MINI_COMPANY + "answers:\n  q1: x\n  q2: yes\n"))
    assert plan.answers == {"q1": "x", "q2": True}
    assert plan.assumed == () and plan.unanswered == ()


def test_strict_names_unanswered_and_assumed(mini_library: Path, make_company: Callable[..., Path]) -> None:
    path = make_company()
    out = path.parent / "out"
    args = ["plan", str(path), "--library", str(mini_library), "--out", str(out), "--format", "json", "--strict"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2
    assert "strict: 1 unanswered (q2) and 1 only assumed from library defaults (q1)" in result.output
    assert not out.exists()  # nothing written
    ok = make_company(MINI_COMPANY + "answers:\n  q1: y\n")
    result = CliRunner().invoke(app, [*args[:1], str(ok), *args[2:]])
    assert result.exit_code == 0, result.output
    assert "Answers: 1 given, 0 assumed from library defaults, 0 unanswered" in result.output


def test_gantt_page_lists_assumed_apart(mini_library: Path, make_company: Callable[..., Path]) -> None:
    from roadmap.render import RenderContext
    from roadmap.render.gantt_page import render_page

    plan = plan_file(make_company(), library_dir=mini_library)[0]
    page = render_page(RenderContext(plan=plan))
    text = html.unescape(page)
    assert "Answers given" in text and "Assumptions" in text
    assert "Which way? — assumed (library default): X way" in text  # labelled, apart from the answers given
    assert "Big? — unanswered, no default" in text
    given = text[text.index("Answers given") :]
    assert "X way" not in given[: given.index("</section>")]  # a default is never shown as an answer given


def test_checklist_lists_assumed_and_unanswered_as_open(mini_library: Path, make_company: Callable[..., Path]) -> None:
    from roadmap.render import RenderContext
    from roadmap.render.checklist import render_text

    plan = plan_file(make_company(), library_dir=mini_library)[0]
    text = render_text(RenderContext(plan=plan))
    assert "- [ ] Which way? `q1`" in text and "- [ ] Big? `q2`" in text


# ---------------------------------------------------------------- 3. progress is checked

PROGRESS = MINI_COMPANY + "progress:\n"


@pytest.mark.parametrize(
    ("entry", "expected"),
    [
        (
            "  alpha.one: {status: done, start: 2027-01-04, finish: 2027-01-05, percent: 50}",
            "8:77: 'alpha.one' is done but only 50% complete",
        ),
        ("  alpha.one: {status: done, start: 2027-01-04}", "8:14: 'alpha.one' is done: give its actual finish"),
        (
            "  alpha.one: {status: in_progress, start: 2027-01-04, percent: 120}",
            "8:64: progress.alpha.one.percent: should be less than or equal to 100",
        ),
        (
            "  alpha.one: {status: done, start: 2027-01-06, finish: 2027-01-05}",
            "8:56: finish 2027-01-05 is before start 2027-01-06",
        ),
        (
            "  alpha.one: {status: in_progress, start: 2026-12-28}",
            "8:43: start 2026-12-28 is before the plan's start 2027-01-04",
        ),
    ],
)
def test_impossible_progress_exits_2(
    mini_library: Path, make_company: Callable[..., Path], entry: str, expected: str
) -> None:
    errors = _errors(mini_library, make_company(PROGRESS + entry + "\n"))
    assert any(e.startswith(expected) for e in errors), errors


def test_as_of_refuses_progress_after_the_status_date(mini_library: Path, make_company: Callable[..., Path]) -> None:
    text = PROGRESS + (
        "  alpha.one: {status: done, start: 2027-01-04, finish: 2027-01-08}\n"
        "  alpha.two: {status: in_progress, start: 2027-01-11}\n"
    )
    errors = _errors(mini_library, make_company(text), as_of=D(2027, 1, 7))
    assert errors == [
        "8:56: 'alpha.one' is done on 2027-01-08, after the status date 2027-01-07",
        "9:43: 'alpha.two' started on 2027-01-11, after the status date 2027-01-07",
    ]
    assert _plan(mini_library, make_company(text), as_of=D(2027, 1, 12)).as_of == D(2027, 1, 12)


def test_odd_progress_is_a_warning(mini_library: Path, make_company: Callable[..., Path]) -> None:
    text = MINI_COMPANY.replace("  start: 2027-01-04", "  start: 2027-01-04\n  exclude: [beta.two]") + (
        "answers:\n  q1: x\n  q2: no\nprogress:\n"
        "  alpha.one: {status: in_progress, start: 2027-01-09, percent: 10}\n"  # a Saturday
        "  alpha.two: {status: in_progress, start: 2027-01-11}\n"  # before alpha.one finishes
        "  beta.two: {status: done, start: 2027-01-04, finish: 2027-01-04}\n"  # excluded
    )
    plan = _plan(mini_library, make_company(text))
    assert "alpha.one: actual start 2027-01-09 is not a working day" in plan.warnings
    assert any(w.startswith("alpha.two started on 2027-01-11, before its predecessor alpha.one") for w in plan.warnings)
    assert any(w.startswith("progress names beta.two, which is not in the plan") for w in plan.warnings)
    runner_out = CliRunner().invoke(
        app,
        [
            "plan",
            str(make_company(text)),
            "--library",
            str(mini_library),
            "--out",
            str(mini_library.parent / "o"),
            "--format",
            "json",
        ],
    )
    assert runner_out.exit_code == 0 and "not a working day" in runner_out.output


# ---------------------------------------------------------------- 4. adjust, not_before, deadlines


def test_adjust_sets_or_adds_days_with_a_reason(mini_library: Path, make_company: Callable[..., Path]) -> None:
    base = _plan(mini_library, make_company())
    text = MINI_COMPANY + (
        "adjust:\n"
        "  alpha.one: {duration_days: 10, note: vendor estimate}\n"
        "  alpha.two: {add_days: -5}\n"
        "  beta.one: {add_days: 2, note: two sites}\n"
    )
    plan = _plan(mini_library, make_company(text))
    one, two, beta = (_task(plan, i) for i in ("alpha.one", "alpha.two", "beta.one"))
    assert one["duration_days"] == 10
    assert one["why"][-1] == "set to 10 days in company.yaml: vendor estimate"
    assert two["duration_days"] == 1  # never below one day
    assert two["why"][-1] == "-5 days in company.yaml"
    assert beta["duration_days"] == _task(base, "beta.one")["duration_days"] + 2


def test_not_before_holds_a_step_back(mini_library: Path, make_company: Callable[..., Path]) -> None:
    text = MINI_COMPANY.replace("  start: 2027-01-04", "  start: 2027-01-04\n  not_before: {alpha.one: 2027-02-01}")
    plan = _plan(mini_library, make_company(text))
    one = _task(plan, "alpha.one")
    assert one["start"] == "2027-02-01"
    assert "starts no earlier than 2027-02-01 (plan.not_before in company.yaml)" in one["why"]


def test_deadlines_met_and_missed(mini_library: Path, make_company: Callable[..., Path]) -> None:
    base = _plan(mini_library, make_company())
    finish = {t.id: t.finish for t in base.tasks}
    text = MINI_COMPANY.replace(
        "  start: 2027-01-04",
        f"  start: 2027-01-04\n  deadlines:\n    alpha.done: {finish['alpha.done']}\n    beta.one: 2027-01-05",
    )
    plan = _plan(mini_library, make_company(text))
    data = json.loads(dumps(plan))
    assert data["deadlines"][0] == {
        "id": "alpha.done",
        "date": str(finish["alpha.done"]),
        "finish": str(finish["alpha.done"]),
        "late_days": 0,
    }
    late = data["deadlines"][1]
    assert late["id"] == "beta.one" and late["late_days"] > 0
    assert any(r["text"].startswith("Deadline missed: beta.one") for r in data["risks"])
    assert not any("alpha.done" in r["text"] for r in data["risks"])


def test_unknown_ids_get_did_you_mean(mini_library: Path, make_company: Callable[..., Path]) -> None:
    text = (
        MINI_COMPANY.replace(
            "  start: 2027-01-04",
            "  start: 2027-01-04\n  not_before: {alpha.onee: 2027-02-01}\n  deadlines: {alpha.don: 2027-03-01}",
        )
        + "adjust:\n  alpha.tow: {add_days: 1}\n"
    )
    errors = _errors(mini_library, make_company(text))
    assert errors == [
        "7:16: unknown step 'alpha.onee' (did you mean 'alpha.one'?)",
        "8:15: unknown step or milestone 'alpha.don' (did you mean 'alpha.done'?)",
        "10:3: unknown step 'alpha.tow' (did you mean 'alpha.two'?)",
    ]


def test_adjust_needs_exactly_one_change(mini_library: Path, make_company: Callable[..., Path]) -> None:
    errors = _errors(mini_library, make_company(MINI_COMPANY + "adjust:\n  alpha.one: {note: why}\n"))
    assert any("exactly one of duration_days, add_days" in e for e in errors), errors


def test_schema_covers_the_new_keys(mini_library: Path) -> None:
    from roadmap.library import load_library
    from roadmap.schema import company_schema

    schema = company_schema(load_library(mini_library))
    assert "adjust" in schema["properties"]
    plan_props = schema["$defs"]["PlanSettings"]["properties"]
    assert {"not_before", "deadlines"} <= set(plan_props)
    assert {"duration_days", "add_days", "note"} <= set(schema["$defs"]["Adjust"]["properties"])


def test_schema_names_the_library_ids_for_the_new_keys(mini_library: Path) -> None:
    import jsonschema

    from roadmap.library import load_library
    from roadmap.schema import company_schema

    schema = company_schema(load_library(mini_library))
    good = {
        "company": {"name": "X", "employees": 300},
        "plan": {
            "start": "2027-01-04",
            "not_before": {"alpha.one": "2027-02-01"},
            "deadlines": {"beta.done": "2027-03-01"},
        },
        "adjust": {"alpha.two": {"add_days": -1, "note": "why"}},
    }
    jsonschema.validate(good, schema)
    for bad in (
        {**good, "adjust": {"alpha.tow": {"add_days": 1}}},
        {**good, "plan": {"start": "2027-01-04", "not_before": {"alpha.done": "2027-02-01"}}},  # a milestone
        {**good, "plan": {"start": "2027-01-04", "deadlines": {"alpha.one": "soon"}}},
    ):
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(bad, schema)


def test_adjusting_a_dropped_step_is_a_warning(mini_library: Path, make_company: Callable[..., Path]) -> None:
    text = MINI_COMPANY.replace("  start: 2027-01-04", "  start: 2027-01-04\n  exclude: [alpha.two]")
    plan = _plan(mini_library, make_company(text + "adjust:\n  alpha.two: {add_days: 3}\n"))
    assert "adjust names alpha.two, which is not in the plan (excluded in company.yaml)" in plan.warnings
