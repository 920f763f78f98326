"""plan.csv: read back with the csv module."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from roadmap.plan import plan_file
from roadmap.render import RenderContext, render, write_reports
from roadmap.render.csv_out import BASELINE_COLUMNS, COLUMNS, SITE_COLUMN, neutralise
from tests.conftest import EXAMPLES, examples


def _ctx(path: Path, library: Path | None = None, lang: str = "en") -> RenderContext:
    plan = plan_file(path, library_dir=library, lang=lang)[0]
    return RenderContext(plan=plan)


def _rows(data: bytes) -> list[dict[str, str]]:
    assert data.startswith(b"\xef\xbb\xbf"), "UTF-8 byte-order mark first"
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_a_row_per_task(example: Path, tmp_path: Path) -> None:
    ctx = _ctx(example)
    (path,) = write_reports(ctx, ["csv"], tmp_path)
    assert path.name == "plan.csv"
    rows = _rows(path.read_bytes())
    columns = list(COLUMNS)
    if ctx.plan.sites:  # issue 17: the site after the stage
        columns.insert(columns.index("stage") + 1, SITE_COLUMN)
    assert list(rows[0]) == columns
    assert len(rows) == len(ctx.plan.tasks)
    for row, task in zip(rows, ctx.plan.tasks, strict=True):
        assert row["id"] == task.id and row["title"] == task.title and row["stage"] == task.stage
        assert (row["start"], row["finish"]) == (task.start.isoformat(), task.finish.isoformat())
        assert int(row["duration_days"]) == task.duration_days
        assert row["milestone"] == ("true" if task.milestone else "false")
        assert row["critical"] == ("true" if task.critical else "false")
        assert row["predecessors"] == ";".join(f"{p.id}+{p.lag_days}" for p in task.predecessors)
        assert row["roles"].split(";") == (list(task.roles) or [""])
        assert row["why"].split("|") == list(task.why)
        assert row["description"] == (task.description or "")
        assert row["deliverables"] == "|".join(task.deliverables)
        assert int(row["slack_days"]) == task.slack_days and int(row["percent"]) == task.percent
        assert row.get(SITE_COLUMN, "") == (task.site or "")


def test_formula_cells_are_neutralised_and_text_survives(mini_library: Path, make_company: Callable[..., Path]) -> None:
    ctx = _ctx(make_company(), mini_library)
    evil = ['=HYPERLINK("http://x","click")', "+1+1", "-2+3", "@SUM(A1)", "\tx", "\rx", "Внедрение: «étape»"]
    tasks = tuple(t.model_copy(update={"title": evil[i % len(evil)]}) for i, t in enumerate(ctx.plan.tasks))
    plan = ctx.plan.model_copy(update={"tasks": tasks})
    rows = _rows(render("csv", RenderContext(plan=plan)))
    titles = [row["title"] for row in rows]
    for title, task in zip(titles, tasks, strict=True):
        if task.title[0] in "=+-@\t\r":
            assert title == "'" + task.title
        else:
            assert title == task.title
    assert "Внедрение: «étape»" in titles


def test_baseline_columns_only_with_a_baseline(mini_library: Path, make_company: Callable[..., Path]) -> None:
    ctx = _ctx(make_company(), mini_library)
    first = ctx.plan.tasks[0].model_copy(
        update={"baseline_start": ctx.plan.tasks[0].start, "baseline_finish": ctx.plan.tasks[0].finish, "slip_days": -2}
    )
    plan = ctx.plan.model_copy(update={"tasks": (first, *ctx.plan.tasks[1:])})
    rows = _rows(render("csv", RenderContext(plan=plan)))
    assert list(rows[0])[-3:] == list(BASELINE_COLUMNS)
    assert rows[0]["slip_days"] == " -2" and int(rows[0]["slip_days"]) == -2  # still a number, not "-..."
    assert rows[1]["slip_days"] == "" and rows[1]["baseline_start"] == ""


def test_neutralise() -> None:
    assert neutralise("=1") == "'=1"
    assert neutralise("plain") == "plain"
    assert neutralise("") == ""
    assert neutralise("\u3164=1") == "'\u3164=1"  # an invisible letter before the trigger


_CELL_TEXT = st.text(st.sampled_from('aZ09 ,;"\t\r\n=+-@\u00a0\u200b\u3164\uff1d\u2212é'), max_size=8)


@settings(max_examples=examples(300), deadline=None)
@given(_CELL_TEXT)
def test_the_cell_fast_paths_agree_with_the_rules(text: str) -> None:
    """neutralise() and needs_quotes() skip work for common cells (issue 14); the answers are the rules'."""
    from roadmap.render.cells import _INVISIBLE, TRIGGERS, needs_quotes

    rest = text[_INVISIBLE.match(text).end() :]  # type: ignore[union-attr]
    formula = bool(text) and (text[0] in "\t\r\n" or rest[:1] in TRIGGERS)
    assert neutralise(text) == ("'" + text if formula else text)
    assert needs_quotes(text) == (any(c in text for c in ',;"\t\r\n') or text != text.strip(" "))


def test_columns_cover_every_plan_json_task_field(mini_library: Path, make_company: Callable[..., Path]) -> None:
    """A row per task "with the plan.json fields": every key of a plan.json task has its column."""
    import json

    from roadmap.plan import save_company_baseline
    from roadmap.render.json_out import dumps

    company = make_company()
    baseline, _ = save_company_baseline(company, library_dir=mini_library)
    plan = plan_file(company, library_dir=mini_library, baseline=baseline)[0]
    # ``reasons`` is ``why`` as data (issue 11): the ``why`` column carries it in words.
    keys = {key for task in json.loads(dumps(plan))["tasks"] for key in task} - {"reasons"}
    rows = _rows(render("csv", RenderContext(plan=plan)))
    assert keys <= set(rows[0])


def test_no_cell_starts_like_a_formula(mini_library: Path, make_company: Callable[..., Path]) -> None:
    """Whatever the text or number: titles, why lines, descriptions, a negative slip."""
    ctx = _ctx(make_company(), mini_library)
    evil = "=1+1", "-2", "+x", "@y"
    tasks = tuple(
        t.model_copy(
            update={
                "title": evil[i % 4],
                "description": evil[(i + 1) % 4],
                "why": (evil[(i + 2) % 4], "ok"),
                "deliverables": (evil[(i + 3) % 4],),
                "baseline_start": t.start,
                "baseline_finish": t.finish,
                "slip_days": -3,
            }
        )
        for i, t in enumerate(ctx.plan.tasks)
    )
    plan = ctx.plan.model_copy(update={"tasks": tasks})
    data = render("csv", RenderContext(plan=plan))
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert all(not cell.startswith(("=", "+", "-", "@", "\t", "\r")) for row in rows for cell in row)
    assert {int(row[-1]) for row in rows[1:]} == {-3}


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_the_columns_written_as_they_are_never_need_quotes_or_a_guard(example: Path) -> None:
    """Issue 14: PLAIN columns skip most of the quoting checks; what the plan puts in them
    (dates, numbers, a negative slip, true/false, a status word) comes out the same."""
    from roadmap.render.cells import csv_field
    from roadmap.render.csv_out import PLAIN, _cell, _plain, _row

    plan = plan_file(example, as_of=dt.date(2027, 6, 1))[0]
    values = [_row(task)[name] for task in plan.tasks for name in PLAIN] + [-3, 0, None, "2027-01-04"]
    for value in values:
        assert _plain(value) == csv_field(_cell(value)), value
