"""Tracking: deliverable ticks from the company file, due/overdue at the status date, older reports."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest

from roadmap.errors import InputError
from roadmap.plan import build_plan, due_and_overdue, plan_file
from roadmap.render import RenderContext, write_reports
from roadmap.render.checklist import render_text
from roadmap.tracking import previous_outputs

LIB_STEP = """
id: alpha
order: 1
title: Alpha
goal: Go
steps:
  - id: alpha.one
    title: One
    duration_days: 3
    deliverables: [{en: Licence ordered, fr: Licence commandée}, Server installed, Admins named]
  - id: alpha.two
    title: Two
    duration_days: 5
    after: [alpha.one]
"""


@pytest.fixture
def lib(tmp_path: Path) -> Path:
    from conftest import write_tree

    return write_tree(tmp_path / "lib", {"roles.yaml": "roles: {}\n", "1-alpha.yaml": LIB_STEP})


def _company(make_company: Callable[..., Path], progress: str) -> Path:
    return make_company(
        f"company: {{name: Mini Co, employees: 300, country: FR}}\nplan: {{start: 2027-01-04}}\nprogress: {progress}\n"
    )


def test_deliverable_ticks_come_from_the_company_file(lib: Path, make_company: Callable[..., Path]) -> None:
    company = _company(make_company, "{alpha.one: {deliverables_done: [licence  ORDERED, 3]}}")
    plan = plan_file(company, library_dir=lib)[0]
    text = render_text(RenderContext(plan=plan))
    assert "  - [x] Licence ordered" in text
    assert "  - [ ] Server installed" in text
    assert "  - [x] Admins named" in text
    again = render_text(RenderContext(plan=plan_file(company, library_dir=lib)[0]))
    assert again == text  # re-planning keeps the ticks


def test_french_text_names_a_deliverable_too(lib: Path, make_company: Callable[..., Path]) -> None:
    company = _company(make_company, "{alpha.one: {deliverables_done: [Licence commandée]}}")
    plan = plan_file(company, library_dir=lib, lang="fr")[0]
    ctx = RenderContext(plan=plan)
    assert "  - [x] Licence commandée" in render_text(ctx)


def test_unknown_deliverable_is_an_input_error_with_did_you_mean(lib: Path, make_company: Callable[..., Path]) -> None:
    company = _company(make_company, "{alpha.one: {deliverables_done: [Server instaled, 9]}}")
    with pytest.raises(InputError) as err:
        plan_file(company, library_dir=lib)
    message = str(err.value)
    assert "company.yaml:3:" in message
    assert "did you mean 'Server installed'?" in message
    assert "'9' is not a deliverable of 'alpha.one'" in message


def test_due_this_week_and_overdue(lib: Path, make_company: Callable[..., Path]) -> None:
    company = _company(make_company, "{alpha.one: {status: in_progress, start: 2027-01-04, percent: 30}}")
    plan, data, library = plan_file(company, library_dir=lib, as_of=dt.date(2027, 1, 11))
    on_time = build_plan(data, library)
    due = due_and_overdue(plan, on_time)
    assert due is not None
    assert [item.id for item in due.overdue] == ["alpha.one"]  # due 2027-01-06 on time, not done by the 11th
    assert due.overdue[0].finish == dt.date(2027, 1, 6)
    assert [item.id for item in due.due] == []
    text = render_text(RenderContext(plan=plan))
    assert "## At the status date 2027-01-11" in text
    assert "**One** `alpha.one` — was due 2027-01-06 · 30 %" in text

    plan2 = plan_file(company, library_dir=lib, as_of=dt.date(2027, 1, 4))[0]
    due2 = due_and_overdue(plan2, on_time)
    assert due2 is not None and [i.id for i in due2.due] == ["alpha.one"] and not due2.overdue
    assert due_and_overdue(plan_file(company, library_dir=lib)[0], on_time) is None


def test_previous_outputs_are_named_not_removed(lib: Path, make_company: Callable[..., Path], tmp_path: Path) -> None:
    plan = plan_file(_company(make_company, "{}"), library_dir=lib)[0]
    ctx = RenderContext(plan=plan)
    out = tmp_path / "out"
    write_reports(ctx, ["json", "csv", "ics"], out)
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    written = write_reports(ctx, ["json"], out)
    assert previous_outputs(out, written) == [out / "plan.csv", out / "plan.ics"]
    assert (out / "plan.csv").exists() and (out / "notes.txt").exists()
