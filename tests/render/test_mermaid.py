"""plan.mmd: the gantt text, line by line."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from roadmap.plan import CalendarInfo, plan_file
from roadmap.render import RenderContext, render, write_reports
from roadmap.render.mermaid import SECTION_MAX, mermaid_id, render_plan, section_title, task_title
from tests.conftest import EXAMPLES

TASK = re.compile(r"^    (?P<title>[^:#;\n]+) :(?P<data>[^#;\n]+)$")


def _ctx(path: Path, library: Path | None = None) -> RenderContext:
    plan = plan_file(path, library_dir=library)[0]
    return RenderContext(plan=plan)


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_sections_tasks_and_dates(example: Path, tmp_path: Path) -> None:
    ctx = _ctx(example)
    (path,) = write_reports(ctx, ["mermaid"], tmp_path)
    assert path.name == "plan.mmd"
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("%%{init: ") and lines[1] == "gantt"
    assert "    dateFormat YYYY-MM-DD" in lines
    sections = [line.removeprefix("    section ") for line in lines if line.startswith("    section ")]
    assert sections == [section_title(f"{s.order}. {s.title}") for s in ctx.plan.stages]
    tasks = [TASK.match(line) for line in lines if TASK.match(line)]
    assert len(tasks) == len(ctx.plan.tasks)
    for match, task in zip(tasks, ctx.plan.tasks, strict=True):
        assert match is not None
        data = [part.strip() for part in match["data"].split(",")]
        if task.milestone:
            assert data == ["milestone", mermaid_id(task.id), task.finish.isoformat(), "1d"]
        else:
            tags = ["crit"] if task.critical else []
            end = task.finish + dt.timedelta(days=1)  # mermaid's end date is exclusive
            assert data == [*tags, mermaid_id(task.id), task.start.isoformat(), end.isoformat()]
    excludes = next(line for line in lines if line.startswith("    excludes "))
    assert excludes.startswith("    excludes weekends")
    for day in ctx.plan.calendar.holidays:
        assert day.isoformat() in excludes


def test_russian_working_saturday_is_included() -> None:
    ctx = _ctx(next(p for p in EXAMPLES if p.stem == "manufacturer-1200"))
    text = render("mermaid", ctx).decode()
    assert "    includes 2027-02-20\n" in text


def test_other_weekends_are_named(mini_library: Path, make_company: Callable[..., Path]) -> None:
    ctx = _ctx(make_company(), mini_library)
    plan = ctx.plan.model_copy(
        update={
            "calendar": CalendarInfo(weekend=("fri", "sat"), holidays=(dt.date(2027, 1, 6),), extra_working_days=())
        }
    )
    text = render_plan(plan)
    assert "    excludes friday, saturday, 2027-01-06\n" in text
    assert "includes" not in text


def test_titles_and_ids_are_sanitised(mini_library: Path, make_company: Callable[..., Path]) -> None:
    ctx = _ctx(make_company(), mini_library)
    first = ctx.plan.tasks[0].model_copy(update={"title": "Étape: #1; Внедрение\nsuite", "critical": True})
    plan = ctx.plan.model_copy(update={"tasks": (first, *ctx.plan.tasks[1:])})
    text = render_plan(plan, title="Co: #1")
    assert "    title Co - No.1\n" in text
    assert "    Étape - No.1, Внедрение suite :crit, alpha_one, " in text
    assert task_title("Section heads") == "- Section heads"
    assert task_title("Sectional view") == "Sectional view"
    assert mermaid_id("setup.ad-sync") == "setup_ad_sync"


def test_progress_tags_and_snapshot(mini_library: Path, make_company: Callable[..., Path]) -> None:
    company = make_company(
        """
        company: {name: Mini Co, employees: 300, country: FR}
        plan: {start: 2027-01-04}
        progress:
          alpha.one: {status: done, start: 2027-01-04, finish: 2027-01-12}
          alpha.two: {status: in_progress, start: 2027-01-13, percent: 50}
        """
    )
    assert render("mermaid", _ctx(company, mini_library)).decode() == (
        '%%{init: {"gantt": {"leftPadding": 80}}}%%\n'
        "gantt\n"
        "    title Mini Co\n"
        "    dateFormat YYYY-MM-DD\n"
        "    axisFormat %Y-%m-%d\n"
        "    excludes weekends\n"
        "    section 1. Alpha\n"
        "    One :done, alpha_one, 2027-01-04, 2027-01-13\n"
        "    Two :crit, active, alpha_two, 2027-01-13, 2027-01-15\n"
        "    Optional :crit, alpha_opt, 2027-01-15, 2027-01-21\n"
        "    Stage complete - Alpha :milestone, alpha_done, 2027-01-20, 1d\n"
        "    section 2. Beta\n"
        "    B one :crit, beta_one, 2027-01-21, 2027-01-28\n"
        "    B two :beta_two, 2027-01-21, 2027-01-22\n"
        "    Stage complete - Beta :milestone, beta_done, 2027-01-27, 1d\n"
    )


def test_long_section_titles_fit_the_left_margin() -> None:
    long = "Employee comfort: HR tasks, onboarding, learning and the corporate university"
    title = section_title(f"3. {long}")
    assert len(title) == SECTION_MAX and title.endswith("…")
    assert section_title("1. Sales") == "1. Sales"


def test_margin_widened_to_the_longest_section(mini_library: Path, make_company: Any) -> None:
    plan = plan_file(make_company(), library_dir=mini_library)[0]
    title = "A very long stage title that would run over the bars"
    stages = [s.model_copy(update={"title": title}) for s in plan.stages]
    text = render_plan(plan.model_copy(update={"stages": tuple(stages)}))
    match = re.match(r'%%\{init: \{"gantt": \{"leftPadding": (\d+)\}\}\}%%\n', text)
    assert match is not None
    longest = max(len(line.removeprefix("    section ")) for line in text.splitlines() if "section " in line)
    assert int(match[1]) >= 7 * longest  # ~7 px per character at Mermaid's 11 px section font
