"""gantt.html: the figure's data, the page's facts, escaping, determinism, size, no network."""

from __future__ import annotations

import base64
import datetime as dt
import html
import itertools
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from conftest import MINI_BETA, MINI_ROLES, write_tree
from markupsafe import Markup
from typer.testing import CliRunner

from cli import app
from roadmap.errors import InputError
from roadmap.library import load_library
from roadmap.plan import Plan, Task, plan_file
from roadmap.render import RenderContext, render
from roadmap.render.gantt import (
    BOTTOM_AXIS_PX,
    CRITICAL,
    DAY_MS,
    HOVER_DETAILS,
    LEGEND_CHARS,
    LEGEND_ROW_PX,
    LEGEND_TOP_PX,
    LONG_CHART_ROWS,
    MARGIN_BOTTOM,
    MARGIN_TOP,
    ROW_PX,
    Marker,
    build_figure,
    figure_spec,
    hover_text,
    label,
    legend_rows,
    plotly_js,
    stage_colours,
)
from roadmap.render.gantt_page import Section, safe_json

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "manufacturer-1200.yaml"

XSS_NAME = "<script>alert(1)</script>"
XSS_TITLE = "<img src=x onerror=alert(1)>"
XSS_ALPHA = """
id: alpha
order: 1
title: {en: "Alpha <b>stage</b>", fr: "Alpha <b>étape</b>"}
goal: Get going
resources:
  - {role: pm, why: "Leads <script>alert(3)</script>"}
results: ["Alpha works & <i>shines</i>"]
steps:
  - id: alpha.one
    title: {en: "<img src=x onerror=alert(1)>", fr: "<img src=x onerror=alert(1)>"}
    duration_days: 3
    roles: [pm]
    deliverables: ["</script><script>alert(2)</script>"]
  - id: alpha.two
    title: "A very long step title that certainly does not fit on the axis of the chart at all"
    duration_days: 6
    after: [alpha.one]
    roles: [dev]
  - id: alpha.three
    title: Three
    duration_days: 4
    after: [{id: alpha.one, lag_days: 2}]
    roles: [pm]
questions:
  - id: q1
    text: "Which <u>way</u>?"
    kind: single
    options:
      - {value: x, label: "X <way>", effects: [{risk: "Risky <svg onload=alert(4)>"}]}
      - {value: y, label: Y way}
"""
XSS_COMPANY = """
company: {name: "<script>alert(1)</script>", employees: 100, country: FR}
plan: {start: 2027-01-04, holidays: [2027-01-15]}
answers: {q1: x}
progress:
  alpha.one: {status: done, start: 2027-01-04, finish: 2027-01-06}
  alpha.two: {status: in_progress, start: 2027-01-07, percent: 40}
report: {title: "Report <i>x</i>", consultant: "Bob & <b>Co</b>", accent: "#883399"REPORT_EXTRA}
"""
PNG_1PX = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


def make_ctx(
    path: Path,
    *,
    library_dir: Path | None = None,
    as_of: dt.date | None = None,
    lang: str = "en",
    templates_dir: Path | None = None,
) -> RenderContext:
    """Plan a company file and wrap it for a renderer."""
    plan = plan_file(path, library_dir=library_dir, as_of=as_of, lang=lang)[0]
    return RenderContext(plan=plan, templates_dir=templates_dir)


@pytest.fixture(scope="module")
def example() -> RenderContext:
    return make_ctx(EXAMPLE)


@pytest.fixture(scope="module")
def example_page(example: RenderContext) -> bytes:
    """The example's page, rendered once for the tests that only read it."""
    return render("gantt", example)


@pytest.fixture
def xss_ctx(tmp_path: Path) -> Callable[..., RenderContext]:
    """A company and library whose every user string tries to inject markup."""

    def make(lang: str = "en", logo: str | None = None, as_of: dt.date | None = dt.date(2027, 1, 11)) -> RenderContext:
        lib = write_tree(
            tmp_path / "lib", {"roles.yaml": MINI_ROLES, "1-alpha.yaml": XSS_ALPHA, "2-beta.yaml": MINI_BETA}
        )
        extra = f", logo: {logo}" if logo else ""
        path = write_tree(tmp_path, {"company.yaml": XSS_COMPANY.replace("REPORT_EXTRA", extra)}) / "company.yaml"
        return make_ctx(path, library_dir=lib, as_of=as_of, lang=lang)

    return make


def trace(fig: Any, uid: str) -> Any:
    """The trace with this uid (the test fails if there is none)."""
    found = [tr for tr in fig.data if tr.uid == uid]
    assert len(found) == 1, f"no single trace {uid!r} in {[tr.uid for tr in fig.data]}"
    return found[0]


def uids(fig: Any) -> list[str]:
    return [tr.uid for tr in fig.data]


def stage_bars(fig: Any) -> list[tuple[int, str, int]]:
    """(row, base, length in ms) of every stage bar."""
    return [
        (y, base, x)
        for tr in fig.data
        if tr.uid.startswith("stage-")
        for y, base, x in zip(tr.y, tr.base, tr.x, strict=True)
    ]


def arrows(fig: Any) -> list[list[tuple[str, int]]]:
    """The polylines of the links trace, split at its None separators."""
    links = trace(fig, "links")
    out: list[list[tuple[str, int]]] = [[]]
    for x, y in zip(links.x, links.y, strict=True):
        if x is None:
            out.append([])
        else:
            out[-1].append((x, y))
    return [line for line in out if line]


def rows(plan: Plan, stage: str | None = None) -> dict[str, int]:
    return {task.id: i for i, task in enumerate(t for t in plan.tasks if stage is None or t.stage == stage)}


def span_ms(task: Task) -> int:
    return ((task.finish - task.start).days + 1) * DAY_MS


# ---------------------------------------------------------------- the figure


def test_one_bar_per_step_from_start_to_the_day_after_finish(example: RenderContext) -> None:
    plan = example.plan
    fig = build_figure(plan, "en")
    row = rows(plan)
    steps = [task for task in plan.tasks if not task.milestone]
    expected = sorted((row[task.id], task.start.isoformat(), span_ms(task)) for task in steps)
    assert sorted(stage_bars(fig)) == expected
    assert len(expected) > 20


def test_bars_are_coloured_by_stage(example: RenderContext) -> None:
    plan = example.plan
    fig = build_figure(plan, "en")
    colours = stage_colours(plan)
    assert len(set(colours.values())) == len(plan.stages) == 6
    for summary in plan.stages:
        bars = trace(fig, f"stage-{summary.id}")
        assert bars.marker.color == colours[summary.id]
        assert bars.orientation == "h"
        whole = f"{summary.order}. {summary.title}"  # cut in the legend: its grid is as wide as its widest entry
        assert bars.name == whole if len(whole) <= LEGEND_CHARS else whole.startswith(bars.name.removesuffix("…"))
        assert len(bars.name) <= LEGEND_CHARS
    assert fig.layout.xaxis.type == "date"
    assert fig.layout.barmode == "overlay"


def test_stage_milestones_are_diamonds_at_the_end_of_their_day(example: RenderContext) -> None:
    plan = example.plan
    fig = build_figure(plan, "en")
    milestones = trace(fig, "milestones")
    expected = [t for t in plan.tasks if t.milestone]
    assert milestones.marker.symbol == "diamond"
    assert list(milestones.y) == [rows(plan)[t.id] for t in expected]
    assert list(milestones.x) == [(t.finish + dt.timedelta(days=1)).isoformat() for t in expected]
    assert len(expected) == len(plan.stages) == 6


def test_one_arrow_per_predecessor_link_from_predecessor_to_successor(example: RenderContext) -> None:
    plan = example.plan
    fig = build_figure(plan, "en")
    row = rows(plan)
    by_row = {i: tid for tid, i in row.items()}
    links = arrows(fig)
    assert len(links) == sum(len(t.predecessors) for t in plan.tasks) > 40
    pairs = sorted((by_row[line[0][1]], by_row[line[-1][1]]) for line in links)
    assert pairs == sorted((p.id, t.id) for t in plan.tasks for p in t.predecessors)
    tasks = {t.id: t for t in plan.tasks}
    for line in links:
        pred, succ = tasks[by_row[line[0][1]]], tasks[by_row[line[-1][1]]]
        assert line[0][0] == (pred.finish + dt.timedelta(days=1)).isoformat()
        assert line[-1][0] == (succ.finish + dt.timedelta(days=1) if succ.milestone else succ.start).isoformat()
    links_trace = trace(fig, "links")
    assert links_trace.marker.symbol == "arrow" and links_trace.marker.angleref == "previous"
    heads = [size for size, x in zip(links_trace.marker.size, links_trace.x, strict=True) if x is not None and size]
    assert len(heads) == len(links)


def test_a_stage_chart_holds_its_own_steps_and_the_links_between_them(example: RenderContext) -> None:
    plan = example.plan
    fig = build_figure(plan, "en", stage="core")
    own = [t for t in plan.tasks if t.stage == "core"]
    assert len(stage_bars(fig)) == len([t for t in own if not t.milestone])
    assert uids(fig).count("stage-core") == 1 and not [
        u for u in uids(fig) if u.startswith("stage-") and u != "stage-core"
    ]
    inside = {t.id for t in own}
    assert len(arrows(fig)) == sum(1 for t in own for p in t.predecessors if p.id in inside)
    assert list(fig.layout.yaxis.tickvals) == list(range(len(own)))


def test_critical_steps_are_outlined_in_red_with_a_legend_entry(example: RenderContext) -> None:
    plan = example.plan
    fig = build_figure(plan, "en")
    critical = trace(fig, "critical")
    row = rows(plan)
    assert sorted(critical.y) == sorted(row[t.id] for t in plan.tasks if t.critical and not t.milestone)
    assert 0 < len(critical.y) < len([t for t in plan.tasks if not t.milestone])
    assert critical.marker.line.color == CRITICAL
    assert critical.marker.line.width >= 2
    assert critical.name == "Critical (no slack)" and critical.showlegend is not False
    milestones = [t for t in plan.tasks if t.milestone]
    lines = trace(fig, "milestones").marker.line.color
    assert [c == CRITICAL for c in lines] == [t.critical for t in milestones]


def test_status_date_line_only_with_as_of() -> None:
    without = build_figure(make_ctx(EXAMPLE).plan, "en")
    assert not [s for s in without.layout.shapes if s.name == "status-date"]
    with_date = build_figure(make_ctx(EXAMPLE, as_of=dt.date(2027, 5, 3)).plan, "en")
    lines = [s for s in with_date.layout.shapes if s.name == "status-date"]
    assert len(lines) == 1
    assert lines[0].x0 == lines[0].x1 == "2027-05-03" and lines[0].type == "line"
    # named in the legend, never as a label over the chart's first rows (their percent labels)
    assert not with_date.layout.annotations
    entry = trace(with_date, "status-date")
    assert entry.name == "Status date 2027-05-03" and entry.showlegend is not False
    assert list(entry.x) == [None] and entry.line.dash == lines[0].line.dash
    assert "status-date" not in uids(without)


def test_markers_draw_a_named_dated_line_on_the_chart(example: RenderContext) -> None:
    marker = Marker(dt.date(2027, 9, 1), "Board <b>deadline</b>")
    fig = build_figure(example.plan, "en", markers=(marker,))
    lines = [s for s in fig.layout.shapes if s.name == "marker-0"]
    assert len(lines) == 1 and lines[0].x0 == "2027-09-01"
    assert trace(fig, "marker-0").name == "Board &lt;b&gt;deadline&lt;/b&gt; 2027-09-01"
    stage = build_figure(example.plan, "en", stage="crm", markers=(marker,))
    assert [s.x0 for s in stage.layout.shapes if s.name == "marker-0"] == ["2027-09-01"]


def test_percent_complete_on_done_and_in_progress_steps(xss_ctx: Callable[..., RenderContext]) -> None:
    plan = xss_ctx().plan
    fig = build_figure(plan, "en")
    tasks = {t.id: t for t in plan.tasks}
    row = rows(plan)
    done = trace(fig, "done")
    assert sorted(zip(done.y, done.x, strict=True)) == sorted(
        [(row["alpha.one"], span_ms(tasks["alpha.one"])), (row["alpha.two"], span_ms(tasks["alpha.two"]) * 40 // 100)]
    )
    alpha = trace(fig, "stage-alpha")
    labels = dict(zip(alpha.y, alpha.text, strict=True))
    assert labels[row["alpha.one"]] == "100%"
    assert labels[row["alpha.two"]] == "40%"
    assert labels[row["alpha.three"]] == ""


def test_no_share_done_trace_before_work_starts(example: RenderContext) -> None:
    assert "done" not in uids(build_figure(example.plan, "en"))


def test_baseline_dates_draw_grey_ghost_bars_behind(example: RenderContext) -> None:
    plan = example.plan
    assert "baseline" not in uids(build_figure(plan, "en"))
    tasks = list(plan.tasks)
    tasks[1] = tasks[1].model_copy(
        update={"baseline_start": dt.date(2027, 1, 20), "baseline_finish": dt.date(2027, 1, 26), "slip_days": 3}
    )
    fig = build_figure(plan.model_copy(update={"tasks": tuple(tasks)}), "en")
    assert fig.data[0].uid == "baseline"
    ghost = fig.data[0]
    assert list(ghost.y) == [1]
    assert list(ghost.base) == ["2027-01-20"]
    assert list(ghost.x) == [7 * DAY_MS]
    # hatched and outlined: never mistaken for the flat grey of the days off
    assert ghost.marker.pattern.shape == "/" and ghost.marker.line.width >= 1
    off = next(s for s in fig.layout.shapes if s.name == "non-working")
    assert ghost.marker.line.color != off.fillcolor and ghost.marker.color != off.fillcolor
    hover = trace(fig, f"stage-{tasks[1].stage}").hovertext[1]
    assert "Baseline: 2027-01-20 → 2027-01-26" in hover and "slip: 3 working days" in hover
    early = tasks[1].model_copy(update={"baseline_start": plan.start - dt.timedelta(days=30)})
    moved = build_figure(plan.model_copy(update={"tasks": (tasks[0], early, *tasks[2:])}), "en")
    assert moved.layout.xaxis.range[0] < (plan.start - dt.timedelta(days=30)).isoformat()  # the ghost is in view


def shaded_days(fig: Any) -> set[dt.date]:
    """Every day a non-working-day rectangle covers."""
    days: set[dt.date] = set()
    for shape in fig.layout.shapes:
        if shape.name == "non-working":
            day, end = dt.date.fromisoformat(shape.x0), dt.date.fromisoformat(shape.x1)
            assert shape.type == "rect" and shape.yref == "paper" and day < end
            while day < end:
                days.add(day)
                day += dt.timedelta(days=1)
    return days


def test_holidays_are_shaded_on_a_long_chart_without_weekends(example: RenderContext) -> None:
    plan = example.plan
    fig = build_figure(plan, "en")
    assert shaded_days(fig) == set(plan.calendar.holidays) and len(plan.calendar.holidays) > 3
    assert dt.date(2027, 5, 3) in shaded_days(fig)  # Russia: the May holidays


def test_a_stage_chart_shades_weekends_but_not_a_weekend_day_worked(example: RenderContext) -> None:
    plan = example.plan  # Russia, 2027: Saturday 20 February is a working day
    fig = build_figure(plan, "en", stage="setup")
    days = shaded_days(fig)
    assert dt.date(2027, 2, 20) in plan.calendar.extra_working_days
    assert dt.date(2027, 2, 20) not in days
    assert {dt.date(2027, 2, 13), dt.date(2027, 2, 14), dt.date(2027, 2, 21)} <= days  # Sat, Sun, Sun
    assert {dt.date(2027, 2, 22), dt.date(2027, 2, 23)} <= days  # holidays on a Monday and a Tuesday
    assert not {dt.date(2027, 2, 12), dt.date(2027, 2, 15), dt.date(2027, 2, 24)} & days  # Fri, Mon, Wed
    setup = [t for t in plan.tasks if t.stage == "setup"]
    for task in setup:  # a bar never starts or ends on a shaded day
        assert task.start not in days and task.finish not in days


def test_a_friday_saturday_weekend_is_shaded_as_such(tmp_path: Path, mini_library: Path) -> None:
    company = "company: {name: Gulf Co, employees: 300}\nplan: {start: 2027-01-03, weekend: [fri, sat]}\n"
    path = write_tree(tmp_path, {"company.yaml": company}) / "company.yaml"
    plan = make_ctx(path, library_dir=mini_library).plan
    assert plan.calendar.weekend == ("fri", "sat")
    days = shaded_days(build_figure(plan, "en", stage="alpha"))
    assert days and {d.weekday() for d in days} == {4, 5}  # Fridays and Saturdays only
    first = min(t.start for t in plan.tasks)
    assert dt.date(2027, 1, 8) in days and dt.date(2027, 1, 10) not in days and first.weekday() not in (4, 5)


def test_hover_tells_title_dates_days_roles_deliverables_why_and_slack(example: RenderContext) -> None:
    plan = example.plan
    fig = build_figure(plan, "en")
    task = next(t for t in plan.tasks if t.id == "setup.official-info")
    bars = trace(fig, "stage-setup")
    hover = bars.hovertext[list(bars.y).index(rows(plan)[task.id])].replace("<br>   ", " ")  # unwrap long lines
    assert "<b>Official information, news and events</b>" in hover
    assert f"{task.start} → {task.finish} · " in hover and " working days" in hover
    assert "Marketing, PR and internal communications" in hover  # a role title, not the id
    slack = next(t for t in plan.tasks if t.stage == "setup" and t.slack_days > 1 and not t.milestone)
    slack_hover = bars.hovertext[list(bars.y).index(rows(plan)[slack.id])]
    assert f"Slack: {slack.slack_days} working days" in slack_hover
    for line in (*task.deliverables, *task.why):
        assert html.escape(line, quote=False).split()[0] in hover
    assert "Editorial rules approved and publishers named" in hover
    assert "base " in hover and "library assumption" in hover
    assert bars.hovertemplate == "%{hovertext}<extra></extra>"
    critical = next(t for t in plan.tasks if t.id == "setup.kickoff")
    assert "Slack: none — critical" in bars.hovertext[list(bars.y).index(rows(plan)[critical.id])]


def test_long_titles_are_cut_on_the_axis_and_whole_in_the_hover(xss_ctx: Callable[..., RenderContext]) -> None:
    plan = xss_ctx().plan
    fig = build_figure(plan, "en")
    row = rows(plan)["alpha.two"]
    label = fig.layout.yaxis.ticktext[row]
    assert label.endswith("…") and len(label) <= 44
    assert label == "A very long step title that certainly does…"  # at a word boundary
    hover = trace(fig, "stage-alpha").hovertext[list(trace(fig, "stage-alpha").y).index(row)]
    assert "certainly does not fit on the axis of the chart at all" in hover.replace("<br>   ", " ")


def test_height_grows_with_rows_of_22_px(example: RenderContext) -> None:
    plan = example.plan
    whole = build_figure(plan, "en")
    stage = build_figure(plan, "en", stage="crm")
    for fig, n in ((whole, len(plan.tasks)), (stage, len([t for t in plan.tasks if t.stage == "crm"]))):
        bottom = MARGIN_BOTTOM + (BOTTOM_AXIS_PX if n > LONG_CHART_ROWS else 0)
        assert fig.layout.height == n * ROW_PX + fig.layout.margin.t + bottom
        assert fig.layout.margin.b == bottom
    assert list(whole.layout.yaxis.range) == [len(plan.tasks) - 0.5, -0.5]  # first step on top


def test_a_long_chart_has_dates_at_its_bottom_too(example: RenderContext) -> None:
    whole = build_figure(example.plan, "en")
    assert len(example.plan.tasks) > LONG_CHART_ROWS
    assert whole.layout.xaxis.side == "top" and whole.layout.xaxis2.side == "bottom"
    assert whole.layout.xaxis2.overlaying == "x" and whole.layout.xaxis2.range == whole.layout.xaxis.range
    assert trace(whole, "bottom-axis").xaxis == "x2" and trace(whole, "bottom-axis").showlegend is False
    short = build_figure(example.plan, "en", stage="crm")
    assert "xaxis2" not in short.to_plotly_json()["layout"] and "bottom-axis" not in uids(short)


@pytest.mark.parametrize(
    ("title", "limit", "expected"),
    [
        ("Short", 44, "Short"),
        ("Single-window service desk and office procedures", 44, "Single-window service desk and office…"),
        ("Abc, def ghi", 6, "Abc…"),
        ("Supercalifragilisticexpialidocious word", 10, "Supercalifragilisticexpialidocious…"),
        ("<b>bold</b> and more words here", 16, "&lt;b&gt;bold&lt;/b&gt; and…"),
        ("<b>bold</b> and more words here", 15, "&lt;b&gt;bold&lt;/b&gt;…"),
    ],
)
def test_axis_labels_are_never_cut_mid_word(title: str, limit: int, expected: str) -> None:
    assert label(title, limit) == expected


def test_legend_rows_follow_plotlys_grid_of_the_widest_entry() -> None:
    assert legend_rows([]) == 0
    assert legend_rows(["a", "b"]) == 1
    assert legend_rows(["x" * 60] * 6) >= 3
    # too wide for one line: plotly lays every entry out as wide as the widest one
    assert legend_rows(["x" * 30] + ["y"] * 7, width=560) == 4  # two columns of ~242 px
    assert legend_rows(["x" * 30] + ["y"] * 7, width=2000) == 1
    assert legend_rows(["x" * 60] + ["y"] * 7, width=560) == 8  # one column


def test_legend_sits_in_the_top_margin_under_the_mode_bar(example: RenderContext) -> None:
    fig = build_figure(example.plan, "fr", stage="setup")
    legend = fig.layout.legend
    assert legend.orientation == "h" and legend.yref == "container" and legend.yanchor == "top"
    assert round((1 - legend.y) * fig.layout.height) == LEGEND_TOP_PX  # below plotly's mode bar
    names = [str(tr.name) for tr in fig.data]
    assert fig.layout.margin.t == MARGIN_TOP + LEGEND_ROW_PX * legend_rows(names)
    assert fig.layout.xaxis.automargin and fig.layout.margin.autoexpand  # plotly grows it if a row more is needed


def test_tick_labels_are_never_measured_for_overflow(example: RenderContext) -> None:
    # plotly's default ("hide past div") measures every label again for each label it places:
    # drawing 1,000 rows took 12 s in headless Chromium, 0.25 s with "allow".
    fig = build_figure(example.plan, "en")
    assert fig.layout.yaxis.ticklabeloverflow == "allow"
    assert fig.layout.xaxis.ticklabeloverflow == "allow"


def test_french_figure(example: RenderContext) -> None:
    ctx = make_ctx(EXAMPLE, lang="fr")
    fig = build_figure(ctx.plan, "fr")
    assert trace(fig, "critical").name == "Critique (sans marge)"
    assert trace(fig, "milestones").name == "Jalons d'étape"
    hover = trace(fig, "stage-setup").hovertext[0]
    assert "jours ouvrés" in hover and "Livrables" in hover and "Rôles :" in hover
    assert fig.layout.xaxis.tickformatstops[0].value.startswith("%-d %b")  # 7 mars, not mars 7
    day_first, monthly = fig.layout.xaxis.tickformatstops
    assert monthly.dtickrange[0] == "M1" and monthly.value == "%b %Y"  # monthly ticks: mars 2027, not 1 mars
    assert day_first.dtickrange[1] < 28.5 * DAY_MS
    assert not build_figure(ctx.plan, "en").layout.xaxis.tickformatstops


# ---------------------------------------------------------------- the page


class Tags(HTMLParser):
    """Every start tag with its attributes, and the text of script and style elements."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.texts: dict[str, list[str]] = {"script": [], "style": []}
        self.body_text: list[str] = []
        self._in: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag in self.texts:
            self._in = tag
            self.texts[tag].append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == self._in:
            self._in = None

    def handle_data(self, data: str) -> None:
        if self._in:
            self.texts[self._in][-1] += data
        else:
            self.body_text.append(data)


def parse(page: bytes) -> Tags:
    parser = Tags()
    parser.feed(page.decode("utf-8"))
    parser.close()
    return parser


def payload(page: bytes) -> dict[str, Any]:
    """The charts' data embedded in the page."""
    tags = parse(page)
    index = [
        i
        for i, (tag, attrs) in enumerate(t for t in tags.tags if t[0] == "script")
        if attrs.get("id") == "roadmap-data"
    ]
    assert len(index) == 1
    data: dict[str, Any] = json.loads(tags.texts["script"][index[0]])
    return data


def strings_in(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from strings_in(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings_in(item)


def test_page_has_a_chart_per_stage_and_the_facts_beside_it(example: RenderContext, example_page: bytes) -> None:
    page = example_page
    text = page.decode()
    data = payload(page)
    assert [f["id"] for f in data["figures"]] == ["all"] + [f"stage-{s.id}" for s in example.plan.stages]
    for fig in data["figures"]:
        assert f'id="chart-{fig["id"]}"' in text and f'data-target="{fig["id"]}"' in text
    body = " ".join(" ".join(parse(page).body_text).split())
    assert "Uralmash Components" in body and "1200" in body
    assert "Answers given" in body and "Active Directory" in body  # an answer shown by its option label
    assert "Dropped blocks" in body and "optional, not selected (planned with answer" in body
    assert "Risks" in body and "Two sources of truth" in body
    assert "Calendar" in body and "Saturday, Sunday" in body and "2027-02-23" in body
    for stage in example.plan.stages:
        assert stage.title in body
    assert data["config"]["displaylogo"] is False


def test_page_holds_one_data_set_and_a_layout_per_chart(example: RenderContext, example_page: bytes) -> None:
    plan = example.plan
    data = payload(example_page)
    whole = figure_spec(plan, "en")
    # the whole-roadmap chart's traces, once, without their hover labels (one per row, in strings)
    assert [tr["uid"] for tr in data["traces"]] == [tr["uid"] for tr in whole["data"]]
    row = {t.id: i for i, t in enumerate(plan.tasks)}
    for mine, theirs in zip(data["traces"], whole["data"], strict=True):
        assert "hovertext" not in mine
        if theirs["uid"] == "links":  # pairs of rows: the page draws the arrows from the rows' dates
            assert mine["pairs"] == [r for t in plan.tasks for p in t.predecessors for r in (row[p.id], row[t.id])]
            assert "x" not in mine and "size" not in mine["marker"]
            continue
        assert {k: v for k, v in theirs.items() if k != "hovertext"} == mine
        if "hovertext" in theirs:
            assert [data["strings"][row] for row in mine["y"]] == theirs["hovertext"]
    assert data["strings"][0].startswith("<b>Kickoff and shared vision</b>")
    assert len(data["strings"]) == len(plan.tasks)
    assert data["rows"]["labels"] == whole["layout"]["yaxis"]["ticktext"]
    assert data["rows"]["stage"] == [[s.id for s in plan.stages].index(t.stage) for t in plan.tasks]
    # a stage chart is its layout only: the page filters the whole chart's points
    short = min(plan.stages, key=lambda s: s.working_days)  # a short stage's chart shades its weekends too
    fig = next(f for f in data["figures"] if f["id"] == f"stage-{short.id}")
    reference = figure_spec(plan, "en", stage=short.id)["layout"]
    assert fig["stage"] == [s.id for s in plan.stages].index(short.id)
    assert fig["layout"]["height"] == reference["height"]
    assert "ticktext" not in fig["layout"]["yaxis"] and "ticktext" not in data["figures"][0]["layout"]["yaxis"]
    off = [[s["x0"], s["x1"]] for s in reference["shapes"] if s["name"] == "non-working"]
    assert data["off"][f"stage-{short.id}"] == off and off
    assert not [s for s in fig["layout"]["shapes"] if s.get("name") == "non-working"]
    assert data["wholeLinks"] is True


def test_page_is_byte_identical_for_the_same_plan(example: RenderContext, tmp_path: Path) -> None:
    first = render("gantt", example)
    assert first == render("gantt", example)
    out = tmp_path / "again.html"
    code = (
        "import sys; from pathlib import Path; from roadmap.plan import plan_file;"
        "from roadmap.render import RenderContext, render;"
        f"p, c, l = plan_file(Path({str(EXAMPLE)!r}));"
        f"Path({str(out)!r}).write_bytes(render('gantt', RenderContext(plan=p)))"
    )
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    subprocess.run([sys.executable, "-c", code], check=True, env=env, cwd=ROOT)
    assert out.read_bytes() == first


def test_page_loads_nothing_from_the_network(example_page: bytes) -> None:
    page = example_page
    tags = parse(page)
    remote = re.compile(r"^\s*(https?:)?//", re.IGNORECASE)
    for tag, attrs in tags.tags:
        assert tag not in ("link", "iframe", "object", "embed", "base")
        for name, value in attrs.items():
            if name in ("src", "href", "srcset", "action", "poster", "data"):
                assert value is None or not remote.match(value), (tag, name, value)
    scripts = [attrs for tag, attrs in tags.tags if tag == "script"]
    assert len(scripts) == 4 and not any("src" in attrs for attrs in scripts)
    for css in tags.texts["style"]:
        assert "@import" not in css and "url(" not in css
    assert 'window.PlotlyConfig = {MathJaxConfig: "local"}' in page.decode()
    config = json.dumps(payload(page)["config"])
    assert "http" not in config and "topojson" not in config.lower() and "mathjax" not in config.lower()
    assert "plotly.js v" in tags.texts["script"][1][:200]  # the bundle itself is inline


def test_user_strings_are_escaped_in_the_page_and_the_hover_labels(xss_ctx: Callable[..., RenderContext]) -> None:
    page = render("gantt", xss_ctx())
    text = page.decode()
    for raw in (
        XSS_NAME,
        XSS_TITLE,
        "<script>alert(2)",
        "<svg onload",
        "<b>stage</b>",
        "<i>x</i>",
        "<b>Co</b>",
        "<u>way",
    ):
        assert raw not in text, raw
    body = " ".join(parse(page).body_text)
    assert XSS_NAME in body  # shown as text (the parser decoded the entities)
    assert "Risky <svg onload=alert(4)>" in body and "Bob & <b>Co</b>" in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    tags = parse(page)
    assert not [a for _, attrs in tags.tags for a in attrs if a.startswith("on")]
    assert [tag for tag, _ in tags.tags].count("script") == 4
    assert "img" not in [tag for tag, _ in tags.tags]  # no logo here, and no injected image
    data = payload(page)  # the JSON parses: nothing closed its script element early
    strings = list(strings_in(data))
    for value in strings:
        assert "<img" not in value and "<script" not in value and "<svg" not in value and "</script" not in value
    assert any("&lt;img src=x onerror=alert(1)&gt;" in value for value in data["strings"])  # hover
    assert "&lt;img src=x onerror=alert(1)&gt;" in data["rows"]["labels"]
    names = [tr.get("name", "") for tr in data["traces"]]
    assert "1. Alpha &lt;b&gt;stage&lt;/b&gt;" in names
    assert any("&lt;/script&gt;&lt;script&gt;alert(2)" in value for value in data["strings"])


def test_safe_json_cannot_close_or_confuse_a_script_element() -> None:
    text = safe_json({"a": "</script><!-- <SCRIPT> x </b> <br> \u2028"})
    assert "</" not in text and "<!" not in text and "<SCRIPT" not in text and "\u2028" not in text
    assert "<br>" in text  # plotly's own markup stays short
    assert json.loads(text) == {"a": "</script><!-- <SCRIPT> x </b> <br> \u2028"}


def test_branding_title_consultant_accent_and_logo(xss_ctx: Callable[..., RenderContext], tmp_path: Path) -> None:
    (tmp_path / "logo.png").write_bytes(PNG_1PX)
    page = render("gantt", xss_ctx(logo="logo.png"))
    tags = parse(page)
    images = [attrs for tag, attrs in tags.tags if tag == "img"]
    assert len(images) == 1
    assert images[0]["src"] == "data:image/png;base64," + base64.b64encode(PNG_1PX).decode()
    assert "--accent: #883399" in page.decode()
    body = " ".join(tags.body_text)
    assert "Report <i>x</i>" in body and "Prepared by Bob & <b>Co</b>" in body


def test_svg_logo_is_an_image_never_inline_markup(xss_ctx: Callable[..., RenderContext], tmp_path: Path) -> None:
    (tmp_path / "logo.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"><title>alert(5)</title></svg>')
    page = render("gantt", xss_ctx(logo="logo.svg"))
    tags = parse(page)
    images = [attrs for tag, attrs in tags.tags if tag == "img"]
    assert len(images) == 1 and (images[0]["src"] or "").startswith("data:image/svg+xml;base64,")
    assert "svg" not in [tag for tag, _ in tags.tags]
    assert "alert(5)" not in page.decode()


@pytest.mark.parametrize(
    ("name", "mime"), [("logo.JPG", "image/jpeg"), ("logo.jpeg", "image/jpeg"), ("l.webp", "image/webp")]
)
def test_logo_types_are_embedded_with_their_mime_type(
    xss_ctx: Callable[..., RenderContext], tmp_path: Path, name: str, mime: str
) -> None:
    content = b"RIFF\0\0\0\0WEBPVP8 " if mime == "image/webp" else b"\xff\xd8\xff\xe0 a JPEG's first bytes"
    (tmp_path / name).write_bytes(content)
    images = [a for tag, a in parse(render("gantt", xss_ctx(logo=name))).tags if tag == "img"]
    assert [a["src"] for a in images] == [f"data:{mime};base64," + base64.b64encode(content).decode()]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("missing.png", None, "'missing.png' not found"),
        ("logo.bmp", b"BM", "PNG, JPEG, GIF, WebP or SVG image"),
        ("huge.png", PNG_1PX + bytes(2_100_000), "is 2.1 MB: gantt.html embeds it, use an image under 2.0 MB"),
    ],
)
def test_a_logo_that_cannot_be_embedded_is_an_input_error(
    xss_ctx: Callable[..., RenderContext], tmp_path: Path, name: str, content: bytes | None, message: str
) -> None:
    if content is not None:
        (tmp_path / name).write_bytes(content)
    with pytest.raises(InputError, match=re.escape(message)) as err:
        render("gantt", xss_ctx(logo=name))
    assert err.value.diagnostics[0].file.endswith("company.yaml")


def test_a_logo_up_to_2_mb_is_embedded(xss_ctx: Callable[..., RenderContext], tmp_path: Path) -> None:
    (tmp_path / "big.png").write_bytes(PNG_1PX + bytes(1_900_000))
    images = [a for tag, a in parse(render("gantt", xss_ctx(logo="big.png"))).tags if tag == "img"]
    assert len(images) == 1 and images[0]["src"].startswith("data:image/png;base64,")


def test_default_title_and_accent(example_page: bytes) -> None:
    page = example_page.decode()
    assert "<title>Intranet portal rollout — Uralmash Components</title>" in page
    assert "--accent: #1f5f8b" in page


def test_french_page(example: RenderContext) -> None:
    page = render("gantt", make_ctx(EXAMPLE, lang="fr"))
    text = page.decode()
    assert '<html lang="fr">' in text
    body = " ".join(parse(page).body_text)
    for heading in (
        "Réponses données",
        "Blocs retirés",
        "Risques",
        "Calendrier",
        "Feuille de route complète",
        "Jours ouvrés",
    ):
        assert heading in body, heading
    assert "samedi, dimanche" in body
    data = payload(page)
    assert data["locale"]["name"] == "fr" and data["config"]["locale"] == "fr"
    assert data["locale"]["format"]["months"][0] == "janvier"


def _big_library(root: Path, stages: int = 5, steps: int = 200, wordy: int = 0) -> Path:
    """``stages`` × ``steps`` steps; ``wordy`` > 0 makes titles and deliverables long French text."""
    files = {"roles.yaml": MINI_ROLES}
    long_fr = "Mise en œuvre des référentiels métiers spécifiques à l'entreprise « pilote » "
    for k in range(1, stages + 1):
        lines = [f"id: s{k}", f"order: {k}", f"title: Stage number {k} of a big roadmap", "goal: Much work", "steps:"]
        for i in range(steps):
            title = f"Step {i} of stage {k} with a title of a realistic length"
            deliverables = ["A first deliverable with a realistic length of text", "A second deliverable"]
            if wordy:
                title = f"Étape {i} : " + long_fr * wordy
                deliverables = [f"Livrable {j} : " + long_fr * wordy for j in range(4 * wordy)]
            lines += [
                f"  - id: s{k}.step-{i}",
                f"    title: {json.dumps(title, ensure_ascii=False)}",
                f"    duration_days: {1 + (i * 7) % 9}",
                f"    roles: [{'pm' if i % 2 else 'dev'}]",
                f"    deliverables: {json.dumps(deliverables, ensure_ascii=False)}",
            ]
            if i:
                lines.append(f"    after: [s{k}.step-{i - 1}" + (f", s{k}.step-{i // 2}]" if i > 2 else "]"))
            elif k > 1:
                lines.append(f"    after: [s{k - 1}.done]")
        files[f"{k}.yaml"] = "\n".join(lines) + "\n"
    return write_tree(root, files)


def _big_ctx(tmp_path: Path, wordy: int = 0, lang: str = "en") -> RenderContext:
    lib = _big_library(tmp_path / "lib", wordy=wordy)
    company = (
        "company: {name: Big Co, employees: 2000, country: FR}\nplan: {start: 2027-01-04}\nteam: {pm: 3, dev: 3}\n"
    )
    path = write_tree(tmp_path, {"company.yaml": company}) / "company.yaml"
    return make_ctx(path, library_dir=lib, lang=lang)


def test_a_1000_step_plan_stays_under_6_mb(tmp_path: Path) -> None:
    ctx = _big_ctx(tmp_path)
    assert len([t for t in ctx.plan.tasks if not t.milestone]) == 1000
    page = render("gantt", ctx)
    assert len(page) < 6_000_000
    data = payload(page)
    whole = data["figures"][0]
    assert len(data["rows"]["labels"]) == 1005
    assert whole["layout"]["height"] == 1005 * ROW_PX + whole["layout"]["margin"]["t"] + MARGIN_BOTTOM + BOTTOM_AXIS_PX
    assert data["wholeLinks"] is False  # too many: drawn per stage (the links stay in the data for them)
    links = next(tr for tr in data["traces"] if tr["uid"] == "links")
    assert len(links["pairs"]) == 2 * sum(len(t.predecessors) for t in ctx.plan.tasks)
    assert "Dependencies" not in json.dumps(whole["layout"])
    assert "the arrows are drawn on the stage tabs only" in page.decode()
    assert "hover labels are shortened" not in page.decode()  # it fits with every word
    assert all("A first deliverable with a realistic length of text" in s for s in data["strings"] if "step-" in s)


def test_1000_steps_of_long_french_text_shorten_the_hover_labels_to_stay_under_6_mb(tmp_path: Path) -> None:
    ctx = _big_ctx(tmp_path, wordy=2, lang="fr")
    every_word = sum(len(hover_text(t, ctx.plan, "fr").encode()) for t in ctx.plan.tasks)
    assert every_word + len(plotly_js().encode()) > 6_000_000  # with every word, the page could not fit
    page = render("gantt", ctx)
    assert len(page) < 6_000_000
    assert "Les infobulles sont raccourcies" in page.decode()
    data = payload(page)
    label = next(s for s in data["strings"] if "s3.step-7" in s)
    for part in ("Étape 7 :", "du 20", "jours ouvrés", "Marge", "Rôles :", "Livrables", "… (+"):
        assert part in label, part
    assert len(data["strings"]) == len(ctx.plan.tasks)


def test_hover_detail_levels_keep_the_essentials_and_count_what_they_leave_out(example: RenderContext) -> None:
    task = next(t for t in example.plan.tasks if t.id == "core.document-flow")
    assert len(task.deliverables) >= 4 and len(task.why) >= 4
    labels = [hover_text(task, example.plan, "en", detail) for detail in HOVER_DETAILS]
    assert labels[0] == hover_text(task, example.plan, "en")
    assert [len(x) for x in labels] == sorted((len(x) for x in labels), reverse=True)
    for text in labels:
        assert "Document flow and quick approval routes" in text and "working days" in text and "Slack" in text
    assert f"<b>Deliverables</b> … (+{len(task.deliverables)})" in labels[-1]
    assert f"<b>Why this long</b> … (+{len(task.why)})" in labels[-1]
    assert f"• … (+{len(task.deliverables) - 2})" in labels[3]


def test_an_empty_plan_still_renders(tmp_path: Path, mini_library: Path) -> None:
    company = "company: {name: Empty, employees: 300}\nplan: {start: 2027-01-04, exclude: [alpha, beta]}\n"
    path = write_tree(tmp_path, {"company.yaml": company}) / "company.yaml"
    page = render("gantt", make_ctx(path, library_dir=mini_library))
    assert "Nothing left to plan" in page.decode()
    assert payload(page)["traces"] == []


def test_plan_writes_gantt_checklist_and_json_by_default(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["plan", str(EXAMPLE), "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert {p.name for p in tmp_path.iterdir()} >= {"gantt.html", "checklist.md", "plan.json"}
    assert (tmp_path / "gantt.html").read_bytes().startswith(b"<!DOCTYPE html>")


# ---------------------------------------------------------------- in a real browser, offline

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
BROWSER_SERVICES = ("google.com", "googleapis.com", "gvt1.com")
"""Hosts Chromium itself calls (updates, time, sign-in), never a page's resources."""


PWN_PROBE = '<script>window.alert = function () { document.documentElement.setAttribute("data-pwned", "1"); };</script>'


class RecordingProxy:
    """An HTTP proxy on 127.0.0.1 that refuses everything and records what was asked for."""

    def __init__(self) -> None:
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        self.requests: list[str] = []
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.server.accept()
            except OSError:
                return
            with conn:
                conn.settimeout(2)
                try:
                    self.requests.append(conn.recv(4096).split(b"\r\n", 1)[0].decode("latin-1"))
                    conn.sendall(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                except OSError:
                    pass

    def page_hosts(self) -> set[str]:
        """Hosts asked for, without Chromium's own services."""
        hosts = set()
        for line in self.requests:
            parts = line.split()
            target = parts[1] if len(parts) > 1 else line
            host = re.sub(r"^[a-z]+://", "", target).split("/")[0].split(":")[0]
            if not host.endswith(BROWSER_SERVICES):
                hosts.add(host)
        return hosts

    def close(self) -> None:
        self.server.close()


def chromium(page: Path, proxy: RecordingProxy, *extra: str) -> str:
    """Load ``page`` headless through the recording proxy; return the DOM after scripts ran."""
    with tempfile.TemporaryDirectory() as profile:
        args = [
            str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-extensions",
            "--disable-default-apps", "--no-pings", "--disable-domain-reliability",
            f"--user-data-dir={profile}", f"--proxy-server=http://127.0.0.1:{proxy.port}",
            "--proxy-bypass-list=<-loopback>", "--virtual-time-budget=5000", *extra, page.as_uri(),
        ]  # fmt: skip
        done = subprocess.run(args, capture_output=True, text=True, timeout=120)
    return done.stdout


@pytest.mark.external
@pytest.mark.skipif(CHROMIUM is None, reason="no Chromium on this machine")
def test_page_draws_offline_in_chromium(xss_ctx: Callable[..., RenderContext], tmp_path: Path) -> None:
    proxy = RecordingProxy()
    try:
        control = tmp_path / "control.html"  # proves the harness sees requests and injected scripts
        control.write_text(
            f"<html><head>{PWN_PROBE}</head><body><img src=x onerror=alert(1)>"
            '<img src="http://example.invalid/x.png"><link rel="stylesheet" href="https://cdn.example.invalid/a.css">'
        )
        assert 'data-pwned="1"' in chromium(control, proxy, "--dump-dom")
        assert proxy.page_hosts() == {"example.invalid", "cdn.example.invalid"}
        proxy.requests.clear()

        page = render("gantt", xss_ctx())
        probe = (
            page.decode()
            .replace("<head>", f"<head>{PWN_PROBE}")
            .replace(
                "</body>",
                "<script>setTimeout(function () { Plotly.Fx.hover(document.getElementById('chart-all'),"
                " [{curveNumber: 0, pointNumber: 0}]); }, 200);</script></body>",
            )
        )
        path = tmp_path / "gantt.html"
        path.write_text(probe, encoding="utf-8")
        dom = chromium(path, proxy, "--dump-dom")
        assert proxy.page_hosts() == set(), proxy.requests
    finally:
        proxy.close()
    assert re.search(r'<div class="chart js-plotly-plot" id="chart-all">', dom)  # plotly drew the chart
    assert 'data-pwned="1"' not in dom  # nothing called alert()
    hover = dom[dom.find('class="hoverlayer"') :]
    assert "&lt;img src=x onerror=alert(1)&gt;" in hover  # the hover label shows the title as text
    assert "<img src=" not in dom.replace('<img src="data:', "")


@pytest.mark.external
@pytest.mark.skipif(CHROMIUM is None, reason="no Chromium on this machine")
def test_a_stage_tab_opened_later_draws_its_chart_at_full_width(example_page: bytes, tmp_path: Path) -> None:
    # plotly draws a chart inside a hidden tab at zero width: the page draws a tab when shown
    page = example_page.decode()
    click = (
        "<script>window.addEventListener('load', function () { setTimeout(function () {"
        " document.querySelector('[data-target=\"stage-crm\"]').click(); }, 100); });</script></body>"
    )
    path = tmp_path / "gantt.html"
    path.write_text(page.replace("</body>", click), encoding="utf-8")
    proxy = RecordingProxy()
    try:
        dom = chromium(path, proxy, "--dump-dom", "--window-size=1400,900")
    finally:
        proxy.close()
    panel = dom[dom.find('id="panel-stage-crm"') :]
    panel = panel[: panel.find("</section>")]
    assert "hidden" not in panel[: panel.find(">")]
    widths = [int(w) for w in re.findall(r'<svg class="main-svg"[^>]* width="(\d+)"', panel)]
    assert widths and min(widths) > 800, widths  # plotly falls back to 700 px in a hidden element
    setup = dom[dom.find('id="panel-stage-setup"') :]
    assert "main-svg" not in setup[: setup.find("</section>")]  # never shown: not drawn


@pytest.mark.external
@pytest.mark.skipif(CHROMIUM is None, reason="no Chromium on this machine")
def test_a_chart_shown_again_fits_a_window_resized_while_it_was_hidden(example_page: bytes, tmp_path: Path) -> None:
    page = example_page.decode()
    script = (
        "<script>window.addEventListener('load', function () { setTimeout(function () {"
        " document.querySelector('[data-target=\"stage-crm\"]').click();"
        " document.querySelector('main').style.width = '600px';"
        " window.dispatchEvent(new Event('resize'));"
        " setTimeout(function () { document.querySelector('[data-target=\"all\"]').click(); }, 200);"
        " }, 100); });</script></body>"
    )
    path = tmp_path / "gantt.html"
    path.write_text(page.replace("</body>", script), encoding="utf-8")
    proxy = RecordingProxy()
    try:
        dom = chromium(path, proxy, "--dump-dom", "--window-size=1400,900")
    finally:
        proxy.close()
    panel = dom[dom.find('id="panel-all"') :]
    panel = panel[: panel.find("</section>")]
    widths = [int(w) for w in re.findall(r'<svg class="main-svg"[^>]* width="(\d+)"', panel)]
    assert widths and max(widths) <= 600, widths  # drawn at 885 px first, resized when shown again


def test_the_french_locale_translates_strings_plotly_really_says() -> None:
    from roadmap.render.gantt_page import FR_LOCALE

    bundle = plotly_js()
    for english in FR_LOCALE["dictionary"]:
        assert f'"{english}"' in bundle, english  # a plotly upgrade renaming one shows here


@pytest.mark.external
@pytest.mark.skipif(CHROMIUM is None, reason="no Chromium on this machine")
def test_the_mode_bar_speaks_french_in_a_french_page(tmp_path: Path) -> None:
    path = tmp_path / "gantt.html"
    path.write_bytes(render("gantt", make_ctx(EXAMPLE, lang="fr")))
    proxy = RecordingProxy()
    try:
        dom = chromium(path, proxy, "--dump-dom", "--window-size=1400,900")
    finally:
        proxy.close()
    titles = re.findall(
        r'class="modebar-btn[^"]*"[^>]*data-title="([^"]*)"|data-title="([^"]*)"[^>]*class="modebar-btn', dom
    )
    titles_flat = {a or b for a, b in titles}
    assert {"Télécharger le graphique en PNG", "Zoom avant", "Réinitialiser les axes"} <= titles_flat, titles_flat
    assert not titles_flat & {"Zoom in", "Reset axes", "Download plot as a PNG"}


def test_one_day_of_slack_or_slip_is_singular(example: RenderContext) -> None:
    task = next(t for t in example.plan.tasks if not t.milestone)
    one = task.model_copy(
        update={
            "critical": False,
            "slack_days": 1,
            "baseline_start": task.start,
            "baseline_finish": task.finish,
            "slip_days": 1,
        }
    )
    assert "Slack: 1 working day<br>" in hover_text(one, example.plan, "en")
    assert "slip: 1 working day<" in hover_text(one, example.plan, "en") + "<"
    assert "Marge : 1 jour ouvré<br>" in hover_text(one, example.plan, "fr")
    two = one.model_copy(update={"slack_days": 2, "slip_days": 2})
    assert "Slack: 2 working days<br>" in hover_text(two, example.plan, "en")
    assert "slip: 2 working days" in hover_text(two, example.plan, "en")


# ---------------------------------------------------------------- print, phone, client-side filtering

HEADLESS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--disable-extensions", "--no-pdf-header-footer", "--hide-scrollbars",
)  # fmt: skip
PROBE_ID = "roadmap-probe"


def chromium_run(page: Path, *extra: str) -> str:
    """Chromium headless on ``page`` (offline: every request to a refusing proxy); its stdout."""
    with tempfile.TemporaryDirectory() as profile:
        args = [
            str(CHROMIUM), *HEADLESS, f"--user-data-dir={profile}", "--proxy-server=http://127.0.0.1:9",
            "--virtual-time-budget=8000", *extra, page.as_uri(),
        ]  # fmt: skip
        return subprocess.run(args, capture_output=True, text=True, timeout=180).stdout


def with_probe(page: bytes, script: str) -> str:
    """The page with ``script`` run after it loaded; the script writes JSON into ``#roadmap-probe``."""
    probe = (
        "<script>window.addEventListener('load', function () { setTimeout(function () {"
        f" var out = (function () {{ {script} }})();"
        f" var pre = document.createElement('pre'); pre.id = '{PROBE_ID}';"
        " pre.textContent = JSON.stringify(out); document.body.appendChild(pre); }, 300); });</script></body>"
    )
    return page.decode().replace("</body>", probe)


def probed(dom: str) -> Any:
    found = re.search(rf'<pre id="{PROBE_ID}">(.*?)</pre>', dom, re.DOTALL)
    assert found, dom[-2000:]
    return json.loads(html.unescape(found.group(1)))


def pdf_words(pdf: Path) -> list[dict[str, Any]]:
    """Every word of the PDF: {page, text, x0, x1, y0, y1, width} (points), from ``pdftotext -bbox``."""
    text = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    words: list[dict[str, Any]] = []
    page, width = 0, 0.0
    for line in text.splitlines():
        if m := re.search(r'<page width="([\d.]+)"', line):
            page, width = page + 1, float(m.group(1))
        elif m := re.search(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*)</word>', line):
            x0, y0, x1, y1 = (float(v) for v in m.groups()[:4])
            words.append(
                {
                    "page": page,
                    "text": html.unescape(m.group(5)),
                    "x0": x0,
                    "x1": x1,
                    "y0": y0,
                    "y1": y1,
                    "width": width,
                }
            )
    return words


def ppm_pixels(pdf: Path, page: int) -> tuple[int, int, bytes]:
    """One page rasterised at 72 dpi (a pixel per point): width, height, RGB bytes."""
    out = subprocess.run(
        ["pdftoppm", "-r", "72", "-f", str(page), "-l", str(page), str(pdf)], capture_output=True, check=True
    ).stdout
    magic, w, h, maxval, rest = out.split(maxsplit=4)
    assert magic == b"P6" and maxval == b"255"
    return int(w), int(h), rest


MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@pytest.mark.external
@pytest.mark.skipif(CHROMIUM is None or not shutil.which("pdftotext"), reason="no Chromium or poppler here")
@pytest.mark.parametrize("window", ["1920,1080", "1366,768"])
def test_printed_to_pdf_every_chart_fits_the_landscape_page(tmp_path: Path, window: str) -> None:
    ctx = make_ctx(EXAMPLE, as_of=dt.date(2027, 5, 3))
    plan = ctx.plan
    path = tmp_path / "gantt.html"
    path.write_bytes(render("gantt", ctx))
    pdf = tmp_path / "gantt.pdf"
    chromium_run(path, f"--window-size={window}", f"--print-to-pdf={pdf}")
    words = pdf_words(pdf)
    assert words, "empty PDF"
    assert all(w["width"] > 700 for w in words)  # landscape: 792 pt (Letter) or 842 pt (A4) wide
    pages: dict[int, str] = {}
    for w in words:
        pages[w["page"]] = pages.get(w["page"], "") + " " + w["text"]
    # page one: the summary (dates, risks, dropped blocks, assumptions), no tabs
    first = pages[1]
    for part in (f"Finish: {plan.finish}", "Risks", "Dropped blocks", "Assumptions", plan.risks[0].text[:20]):
        assert part in first, part
    assert "Whole roadmap" not in first and "Hover a bar" not in first  # the tabs and the hint are hidden

    # the whole roadmap, then every stage chart, each from the top of a new page
    def starts(title: str) -> int:
        heads = [n for n, text in pages.items() if text.strip().startswith(title)]
        assert heads, (title, {n: text[:60] for n, text in pages.items()})
        return heads[0]

    order = [starts("Whole roadmap")] + [starts(f"{s.order}. {s.title}") for s in plan.stages]
    assert order == sorted(order) and order[0] == 2
    for summary, page in zip(plan.stages, order[1:], strict=True):  # each stage's chart is drawn there
        step = next(t for t in plan.tasks if t.stage == summary.id and not t.milestone)
        assert " ".join(step.title.split()[:3]) in pages[page], (summary.id, pages[page][:200])
    # every word of a chart page inside the page (nothing cut at the right)
    for w in words:
        assert w["x1"] <= w["width"] - 5, w
    # the whole roadmap's date axis runs to its last month, inside the page
    whole = [w for w in words if order[0] <= w["page"] < order[1]]
    ticks = []
    for a, b in itertools.pairwise(whole):
        if a["text"] in MONTHS and b["text"].isdigit() and len(b["text"]) == 4 and abs(a["y0"] - b["y0"]) < 1:
            day = dt.date(int(b["text"]), MONTHS.index(a["text"]) + 1, 1)
            ticks.append((day, (a["x0"] + b["x1"]) / 2, a["page"]))
    assert len(ticks) >= 4
    last_bar = max((t for t in plan.tasks if not t.milestone), key=lambda t: t.finish)
    assert max(day for day, _, _ in ticks) >= last_bar.finish.replace(day=1) - dt.timedelta(days=62)
    # the last bar: its colour where the axis puts its end, inside the page
    (d0, x0, _), (d1, x1, _) = ticks[0], next(t for t in ticks if t[0] > ticks[0][0])
    per_day = (x1 - x0) / (d1 - d0).days
    end_x = x0 + ((last_bar.finish + dt.timedelta(days=1)) - d0).days * per_day
    colour = stage_colours(plan)[last_bar.stage]
    rgb = tuple(int(colour[i : i + 2], 16) for i in (1, 3, 5))
    assert end_x < whole[0]["width"] - 10
    found = False
    for page in range(order[0], order[1]):
        width, height, pixels = ppm_pixels(pdf, page)
        for y in range(height):
            for x in range(int(end_x) - 9, int(end_x) - 2):
                r, g, b = pixels[3 * (y * width + x) : 3 * (y * width + x) + 3]
                if abs(r - rgb[0]) + abs(g - rgb[1]) + abs(b - rgb[2]) < 40:
                    found = True
    assert found, f"no {colour} bar ending near x={end_x:.0f} pt"


def phone_frame(folder: Path, page: str, width: int = 390, height: int = 844) -> Path:
    """A page showing ``page`` in a ``width`` × ``height`` frame: a phone's viewport (headless
    Chromium's window is never narrower than 500 px); the frame's probe result is posted here."""
    frame = folder / "phone.html"
    frame.write_text(
        f'<!DOCTYPE html><html><body style="margin:0"><iframe src="{page}" '
        f'style="width:{width}px;height:{height}px;border:0;display:block"></iframe>'
        f'<pre id="{PROBE_ID}"></pre><script>window.addEventListener("message", function (e) {{'
        f' document.getElementById("{PROBE_ID}").textContent = e.data; }});</script></body></html>',
        encoding="utf-8",
    )
    return frame


@pytest.mark.external
@pytest.mark.skipif(CHROMIUM is None, reason="no Chromium on this machine")
def test_on_a_390_px_phone_bars_keep_most_of_the_width(tmp_path: Path) -> None:
    ctx = make_ctx(EXAMPLE, as_of=dt.date(2027, 5, 3))
    script = (
        "var div = document.getElementById('chart-all'), fl = div._fullLayout;"
        "var labels = div.data.filter(function (t) { return t.uid === 'labels'; });"
        "return {plot: fl._size.w, width: fl.width, ticks: fl.yaxis.showticklabels, viewport: window.innerWidth,"
        " labels: labels.map(function (t) { return t.text.length; }),"
        " band: document.querySelector('.band').getBoundingClientRect().top,"
        " chart: div.getBoundingClientRect().top, page: document.documentElement.scrollWidth};"
    )
    page = with_probe(render("gantt", ctx), script).replace(
        "var pre = document.createElement('pre');", "parent.postMessage(JSON.stringify(out), '*'); return;"
    )
    (tmp_path / "gantt.html").write_text(page, encoding="utf-8")
    frame = phone_frame(tmp_path, "gantt.html")
    shot = tmp_path / "phone.png"
    chromium_run(frame, "--window-size=390,844", f"--screenshot={shot}")
    assert shot.stat().st_size > 10_000
    out = probed(chromium_run(frame, "--window-size=390,844", "--dump-dom"))
    assert out["viewport"] == 390 and out["page"] <= 390, out  # no sideways scrolling
    assert out["width"] <= 390 and out["plot"] >= 0.6 * 390, out  # the bars keep most of the width
    assert out["ticks"] is False and out["labels"] == [len(ctx.plan.tasks)]  # labels above the bars
    assert out["band"] < out["chart"]  # the summary band comes first


@pytest.mark.external
@pytest.mark.skipif(CHROMIUM is None, reason="no Chromium on this machine")
def test_the_page_filters_each_stage_chart_like_the_python_reference(tmp_path: Path) -> None:
    ctx = make_ctx(EXAMPLE, as_of=dt.date(2027, 5, 3))
    plan = ctx.plan
    script = (
        "var out = {};"
        "document.querySelectorAll('.tab').forEach(function (tab) {"
        " var v = window.roadmapGantt.view(tab.dataset.target);"
        " out[tab.dataset.target] = {traces: v.traces, ticktext: v.layout.yaxis.ticktext,"
        " tickvals: v.layout.yaxis.tickvals, shapes: v.layout.shapes}; });"
        "return out;"
    )
    path = tmp_path / "gantt.html"
    path.write_text(with_probe(render("gantt", ctx), script), encoding="utf-8")
    views = probed(chromium_run(path, "--window-size=1400,900", "--dump-dom"))
    for summary in [None, *plan.stages]:
        key = "all" if summary is None else f"stage-{summary.id}"
        spec = figure_spec(plan, "en", stage=summary and summary.id)
        got = views[key]
        assert [tr["uid"] for tr in got["traces"]] == [tr["uid"] for tr in spec["data"]], key
        for mine, theirs in zip(got["traces"], spec["data"], strict=True):
            for field in ("x", "y", "base", "text", "hovertext"):
                assert mine.get(field) == theirs.get(field), (key, theirs["uid"], field)
            if theirs.get("marker"):
                assert mine["marker"] == theirs["marker"], (key, theirs["uid"])
        assert got["ticktext"] == spec["layout"]["yaxis"]["ticktext"]
        assert got["tickvals"] == spec["layout"]["yaxis"]["tickvals"]
        assert got["shapes"] == spec["layout"]["shapes"], key


# ---------------------------------------------------------------- the page's layout and its hooks


def demo_sections(ctx: RenderContext) -> list[Section]:
    """Two sections as another feature would add them (one with a chart, markers and band lines)."""
    chart = {
        "data": [{"type": "scatter", "x": ["2027-05-03", "2027-06-01"], "y": [0, 5], "uid": "demo"}],
        "layout": {"height": 300},
    }
    return [
        Section(
            id="load",
            title="Load <per> role",
            items=("Two <b>PMs</b> needed",),
            table=(("Role", "Peak"), ("PM", "<i>2</i>")),
            html="<script>alert(7)</script>",
            chart=chart,
            data={"peak": "</script><script>alert(8)</script>"},
            markers=(Marker(dt.date(2027, 9, 1), "Board <deadline>"),),
            band=("Peak load: 2 <people>",),
        ),
        Section(
            id="answers-assumed", title="Assumed (library defaults)", html=Markup("<p>trusted <em>markup</em></p>")
        ),
    ]


def test_extra_sections_are_added_in_order_escaped_with_their_chart_markers_and_band(
    example: RenderContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    from roadmap.render import gantt_page

    monkeypatch.setattr(gantt_page, "EXTRA_SECTIONS", (demo_sections,))
    page = render("gantt", example)
    text = page.decode()
    body = " ".join(" ".join(parse(page).body_text).split())
    assert "<script>alert(7)" not in text and "alert(8)</script>" not in text and "<b>PMs" not in text
    assert "Load <per> role" in body and "Two <b>PMs</b> needed" in body and "<script>alert(7)</script>" in body
    assert "<p>trusted <em>markup</em></p>" in text  # a Markup is inserted as is
    assert text.index('id="section-load"') < text.index('id="section-answers-assumed"')
    assert text.index('id="chart-all"') < text.index('id="section-load"')  # below the chart
    band = text[text.index('class="band"') : text.index('class="card chart-card"')]
    assert "Peak load: 2 &lt;people&gt;" in band and 'href="#section-load"' in band
    assert 'id="section-chart-load"' in text
    data = payload(page)
    assert [s["id"] for s in data["sections"]] == ["load", "answers-assumed"]
    assert data["sections"][0]["chart"]["data"][0]["uid"] == "demo"
    assert data["sections"][0]["data"] == {"peak": "</script><script>alert(8)</script>"}
    marker = next(tr for tr in data["traces"] if tr["uid"] == "marker-0")
    assert marker["name"] == "Board &lt;deadline&gt; 2027-09-01"
    for fig in data["figures"]:  # a marker is drawn on every chart
        assert [s["x0"] for s in fig["layout"]["shapes"] if s["name"] == "marker-0"] == ["2027-09-01"]


def test_a_builder_can_be_named_as_module_and_function(
    example: RenderContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from roadmap.render.gantt_page import extra_sections

    (tmp_path / "feature_demo.py").write_text(
        "from roadmap.render.gantt_page import Section\n"
        "def one(ctx):\n    return Section(id='one', title='One')\n"
        "def none(ctx):\n    return None\n",
        encoding="utf-8",
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    made = extra_sections(example, ("feature_demo:one", "feature_demo:none", demo_sections))
    assert [s.id for s in made] == ["one", "load", "answers-assumed"]
    assert extra_sections(example, ()) == []


def test_the_summary_band_comes_before_the_chart_and_the_details_after(
    example: RenderContext, example_page: bytes
) -> None:
    text = example_page.decode()
    band = text.index('class="band"')
    chart = text.index('id="chart-all"')
    details = text.index('id="details"')
    assert band < chart < details
    summary = text[band:chart]
    plan = example.plan
    for part in (f"Finish: {plan.finish}", "Risks", f"({len(plan.risks)})", "Dropped blocks", "Assumptions"):
        assert part in summary, part
    assert f"({len(plan.dropped)})" in summary and plan.risks and plan.dropped
    readable = html.unescape(summary)
    from roadmap.render.gantt_page import BAND_ITEMS

    for risk in example.plan.risks[:BAND_ITEMS]:  # the first ones; the rest below the chart
        assert risk.text in readable
    for drop in example.plan.dropped[:BAND_ITEMS]:
        assert drop.title in readable
    if len(example.plan.risks) > BAND_ITEMS:
        assert f"… and {len(example.plan.risks) - BAND_ITEMS} more" in readable
        assert example.plan.risks[BAND_ITEMS].text not in readable


def test_assumptions_name_each_default_taken_for_an_unanswered_question(tmp_path: Path, mini_library: Path) -> None:
    company = "company: {name: Co, employees: 300}\nplan: {start: 2027-01-04}\n"
    path = write_tree(tmp_path, {"company.yaml": company}) / "company.yaml"
    ctx = make_ctx(path, library_dir=mini_library)
    from roadmap.render.gantt_page import assumptions

    lines = assumptions(ctx)
    library = load_library(mini_library)
    questions = [q for stage in library.stages for q in stage.questions if q.default is not None]
    assert len(lines) >= len(questions) > 0 or not questions  # the file answers nothing
    assumed = [line for line in lines if "assumed (library default):" in line]
    assert len(assumed) == len(ctx.plan.assumed)


def test_the_print_stylesheet_is_landscape_and_hides_the_tabs_and_mode_bar(example_page: bytes) -> None:
    css = parse(example_page).texts["style"][0]
    assert "@page { size: landscape" in css
    printed = css[css.index("@media print") :]
    assert ".tabs" in printed and ".modebar" in printed and "display: none" in printed
    assert ".panel[hidden]" in printed and "break-before: page" in printed


def test_french_summary_band(example: RenderContext) -> None:
    ctx = make_ctx(EXAMPLE, lang="fr")
    body = " ".join(" ".join(parse(render("gantt", ctx)).body_text).split())
    for part in ("Hypothèses", f"Fin : {ctx.plan.finish}", f"Début : {ctx.plan.start}", "Détails sous le graphique."):
        assert part in body, part


@pytest.mark.external
@pytest.mark.skipif(CHROMIUM is None, reason="no Chromium on this machine")
def test_an_extra_section_chart_is_drawn_and_markers_reach_every_chart(
    example: RenderContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from roadmap.render import gantt_page

    monkeypatch.setattr(gantt_page, "EXTRA_SECTIONS", (demo_sections,))
    script = (
        "var crm = window.roadmapGantt.view('stage-crm');"
        "return {section: document.querySelectorAll('#section-chart-load .main-svg').length,"
        " marker: crm.traces.filter(function (t) { return t.uid === 'marker-0'; }).length,"
        " pwned: document.documentElement.getAttribute('data-pwned')};"
    )
    path = tmp_path / "gantt.html"
    path.write_text(
        with_probe(render("gantt", example), script).replace("<head>", f"<head>{PWN_PROBE}"), encoding="utf-8"
    )
    out = probed(chromium_run(path, "--window-size=1400,900", "--dump-dom"))
    assert out["section"] > 0 and out["marker"] == 1 and out["pwned"] is None


@pytest.mark.parametrize("name", ["manufacturer-1200", "builder-sites"])
def test_a_stage_charts_layout_needs_no_trace_data(name: str) -> None:
    """Issue 14: the page builds each stage chart's layout without its bars (the script draws them
    from the whole chart's data) and without its row labels (the script has them): the rest of
    the layout is the one the full figure has."""
    from roadmap.render.gantt import figure_spec

    plan = plan_file(ROOT / "examples" / f"{name}.yaml", as_of=dt.date(2027, 6, 1))[0]
    for stage in plan.stages:
        full = figure_spec(plan, "fr", stage=stage.id)
        bare = figure_spec(plan, "fr", stage=stage.id, layout_only=True)
        labels = {key: full["layout"]["yaxis"].pop(key) for key in ("tickvals", "ticktext")}
        assert bare["layout"] == full["layout"] and labels["ticktext"]
        assert [trace.get("name") for trace in bare["data"]] == [trace.get("name") for trace in full["data"]]


@pytest.mark.parametrize("name", ["manufacturer-1200", "builder-sites"])
def test_the_page_form_of_the_traces_is_the_full_form_without_labels_and_points(name: str) -> None:
    """Issue 14: ``figure_spec(page=True)`` gives the traces as the page's script takes them: the
    full traces without their hover labels, and the links as row pairs instead of points (same
    keys, same order); its layout has no y-axis labels (the page takes them from row_labels)."""
    from roadmap.render.gantt import figure_spec, row_labels

    plan = plan_file(ROOT / "examples" / f"{name}.yaml", as_of=dt.date(2027, 6, 1))[0]
    full, page = figure_spec(plan, "fr"), figure_spec(plan, "fr", page=True)
    row = {task.id: i for i, task in enumerate(plan.tasks)}
    for trace in full["data"]:
        trace.pop("hovertext", None)
        if trace["uid"] == "links":
            del trace["x"], trace["y"], trace["marker"]["size"]
            pairs = [(row[p.id], row[task.id]) for task in plan.tasks for p in task.predecessors if p.id in row]
            trace["pairs"] = [r for pair in pairs for r in pair]
    ticks = {key: full["layout"]["yaxis"].pop(key) for key in ("tickvals", "ticktext")}
    assert ticks["ticktext"] == row_labels(plan.tasks)  # the page has them from row_labels
    assert "links" in [trace["uid"] for trace in page["data"]]
    assert json.dumps(page["data"]) == json.dumps(full["data"]) and page["layout"] == full["layout"]
