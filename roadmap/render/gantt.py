"""gantt.html: the client-ready Gantt report, one self-contained page that works offline.

:func:`figure_spec` describes one chart (the whole roadmap or one stage) as plain plotly.js
data (dicts and lists, no plotly ``Figure`` in between; :func:`build_figure` wraps it in one
for whoever wants it):
horizontal bars with a date ``base``, one trace per stage; diamonds for stage milestones;
one arrow per predecessor link (a single scatter trace, ``None`` between arrows); critical
steps outlined in red; the share done as an inner dark bar; baseline dates as grey ghost
bars (hatched, outlined: never taken for the shaded days off); holidays shaded; a status-date
line and any other date markers (deadlines), named in the legend; a date axis at the bottom
too when the chart is long. :func:`roadmap.render.gantt_page.render` puts the whole-roadmap
chart's data (the page filters it by stage in the browser), the plotly.js bundle (inline,
once), the summary band and the details into ``templates/gantt.html.j2``; the page's
:class:`Section` pieces are defined here so that the modules adding them need not import it.

Every user string reaching plotly is HTML-escaped first: plotly draws hover labels, tick
labels and legend names from pseudo-HTML.
"""

from __future__ import annotations

import datetime as dt
import html
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from roadmap.i18n import t
from roadmap.models import WEEKDAYS
from roadmap.plan import Plan, StageSummary, Task
from roadmap.render.facts import working_days
from roadmap.render.sites import site_title

if TYPE_CHECKING:
    from collections.abc import Callable

    import plotly.graph_objects as go

ROW_PX = 22
"""Height of one row (a step or a milestone)."""
MARGIN_TOP = 90
"""Space above the rows without the legend: the mode bar, the date axis and gaps."""
MARGIN_BOTTOM = 30
LEGEND_TOP_PX = 34
"""The legend starts this far below the top of the chart, under plotly's mode bar."""
LEGEND_ROW_PX = 20
LEGEND_WIDTH = 560
"""The width plotly lays the legend out in: the plot area's, beside the step labels (a laptop's)."""
LEGEND_CHARS = 36
"""Stage names are cut to this length in the legend (the tabs and the stage table say them whole):
plotly's legend grid is as wide as its widest entry."""
LEGEND_ENTRY_PX = 50
LEGEND_CHAR_PX = 6.4
LABEL_CHARS = 44
"""Y-axis labels are shortened to this length at a word boundary (never mid-word); the hover
shows the full title."""
LONG_CHART_ROWS = 25
"""A chart of more rows gets a second date axis at its bottom."""
BOTTOM_AXIS_PX = 36
"""Room for that bottom axis's dates."""
HOVER_WIDTH = 72
DAY_MS = 86_400_000
STAGE_COLOURS = ("#4e79a7", "#59a14f", "#f28e2b", "#b07aa1", "#76b7b2", "#edc948", "#9c755f", "#86bcb6")
"""Tableau colours without red: red means critical."""
DAY_FIRST_TICKS = [
    {"dtickrange": [None, 28 * 86_400_000], "value": "%-d %b\n%Y"},
    {"dtickrange": ["M1", None], "value": "%b %Y"},
]
"""French dates on the axis: ``7 mars`` rather than plotly's ``mars 7``; ``mars 2027`` for monthly
ticks (plotly's ranges include both ends: a range ending at ``M1`` would write ``1 mars``)."""
CRITICAL = "#d62728"
NON_WORKING = "rgba(120,120,120,0.13)"
WEEKEND_SHADING_DAYS = 200
"""A chart spanning at most this many days shades weekends as well as holidays (on a longer one,
a stripe every few pixels would hide the bars)."""
STATUS_LINE = "#e15759"
BASELINE_COLOUR = "#6f6f6f"
"""Outline and hatching of the baseline ghost bars (the days off are a flat light grey)."""
MARKER_COLOURS = ("#8c564b", "#9467bd", "#17becf", "#bcbd22")


@dataclass(frozen=True)
class Marker:
    """A dated vertical line on every chart, named in the legend (e.g. a deadline, issue 9)."""

    date: dt.date
    label: str
    """Plain text (escaped here)."""
    colour: str | None = None
    """``#rrggbb``; by default one of :data:`MARKER_COLOURS`."""


def esc(text: object) -> str:
    """Text made inert for plotly's pseudo-HTML (``&``, ``<``, ``>`` as entities plotly decodes)."""
    return html.escape(str(text), quote=False)


def label(text: str, limit: int = LABEL_CHARS) -> str:
    """A y-axis label: the title shortened to ``limit`` characters at a word boundary, escaped.

    A single word longer than the limit is kept whole: a label is never cut mid-word.
    """
    text = " ".join(text.split())
    if len(text) <= limit:
        return esc(text)
    head = text[:limit]  # limit - 1 characters and "…", or a whole word ending at the limit
    cut = head.rsplit(" ", 1)[0].rstrip(" ,;:-–—·") if " " in head else text.split(" ", 1)[0]
    return esc(cut + ("…" if cut != text else ""))


def row_label(task: Task, limit: int = LABEL_CHARS) -> str:
    """A task's y-axis label; a per-site step keeps its site's name whole at the end when the title
    must be shortened (``Hypercare after the… — Almaty``; issue 17)."""
    if task.site is None or task.site in task.title:
        return label(task.title, limit)
    site = " ".join(task.site.split())
    room = max(limit - len(site) - 3, limit // 3)
    return label(task.title, room) + " — " + esc(site) if len(task.title) > room else label(site_title(task), limit)


def row_labels(tasks: list[Task]) -> list[str]:
    """The y-axis label of each task's row (a milestone's marked ``◆``)."""
    return [("◆ " if task.milestone else "") + row_label(task) for task in tasks]


def stage_colours(plan: Plan) -> dict[str, str]:
    """Stage id → bar colour, by the stage's place in the plan."""
    return {s.id: STAGE_COLOURS[i % len(STAGE_COLOURS)] for i, s in enumerate(plan.stages)}


def bar_end(task: Task) -> dt.date:
    """Where a bar ends on the calendar: the day after its last working day (a milestone: its day's end)."""
    return task.finish + dt.timedelta(days=1)


def _span_ms(start: dt.date, finish: dt.date) -> int:
    return ((finish + dt.timedelta(days=1)) - start).days * DAY_MS


@dataclass(frozen=True)
class HoverDetail:
    """How much a hover label may say: ``None`` is everything.

    A page of 1,000 steps with long deliverables would pass the size limit with every word in
    its hover labels; :mod:`roadmap.render.gantt_page` then asks for less, step by step.
    """

    items: int | None = None
    """Deliverables listed (the rest counted as ``… (+N)``)."""
    chars: int | None = None
    """Longest role list, deliverable or reason (cut with ``…``); a title may be twice as long."""
    reasons: int | None = None
    """Reasons listed under "why this long" (the rest counted)."""


FULL = HoverDetail()
HOVER_DETAILS = (
    FULL,
    HoverDetail(6, 160, None),
    HoverDetail(4, 100, 6),
    HoverDetail(2, 70, 4),
    HoverDetail(0, 60, 3),
    HoverDetail(0, 50, 0),
)
"""From everything to the least a label says: title, stage, dates, working days, state, slack."""


def cut(text: str, chars: int | None) -> str:
    """``text`` on one line, shortened to ``chars`` characters with ``…`` (None: whole)."""
    text = " ".join(text.split())
    return text if chars is None or len(text) <= chars else text[: max(chars - 1, 1)].rstrip() + "…"


def _wrapped(text: str, chars: int | None = None) -> str:
    text = cut(text, chars)
    if len(text) <= HOVER_WIDTH:  # most lines
        return esc(text)
    lines: list[str] = []  # greedy, at spaces only: a long word (a URL) stays whole
    line = ""
    for word in text.split(" "):
        if line and len(line) + 1 + len(word) > HOVER_WIDTH:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    lines.append(line)
    return "<br>   ".join(esc(part) for part in lines)


def hover_text(
    task: Task,
    plan: Plan,
    lang: str,
    detail: HoverDetail = FULL,
    *,
    stage_titles: dict[str, str] | None = None,
) -> str:
    """The hover label of a step or milestone: title, dates, working days, state, slack, roles,
    deliverables and why it takes that long, every user string escaped; ``detail`` shortens it."""
    if stage_titles is None:
        stage_titles = {s.id: s.title for s in plan.stages}
    chars = detail.chars
    lines = [
        f"<b>{_wrapped(site_title(task), chars and 2 * chars)}</b>",
        f"{esc(cut(stage_titles.get(task.stage, task.stage), chars))} · {esc(task.id)}",
    ]
    if task.milestone:
        lines.append(t(lang, "report_hover_milestone", date=task.finish))
    else:
        dates = t(lang, "report_hover_dates", start=task.start, finish=task.finish)
        lines.append(f"{dates} · {working_days(lang, task.duration_days)}")
        lines.append(_state(task, lang))
    lines.append(_slack(task, lang))
    if task.baseline_start and task.baseline_finish:
        base = t(lang, "report_baseline_dates", start=task.baseline_start, finish=task.baseline_finish)
        if task.slip_days:
            slip = "report_slip_one" if abs(task.slip_days) == 1 else "report_slip_days"
            base += " · " + t(lang, slip, days=task.slip_days)
        lines.append(base)
    if task.roles:
        roles = [plan.role_titles.get(r, r) for r in task.roles]
        lines.append(
            f"<b>{t(lang, 'report_label', label=t(lang, 'report_roles'))}</b> {_wrapped(', '.join(roles), chars)}"
        )
    for heading, items, most in (
        ("report_deliverables", task.deliverables, detail.items),
        ("report_why", task.why, detail.reasons),
    ):
        if items:
            shown = list(items)[:most] if most is not None else list(items)
            lines.append(f"<b>{t(lang, heading)}</b>" + (f" … (+{len(items)})" if not shown else ""))
            lines.extend(f"• {_wrapped(item, chars)}" for item in shown)
            if shown and len(shown) < len(items):
                lines.append(f"• … (+{len(items) - len(shown)})")
    return "<br>".join(lines)


def _slack(task: Task, lang: str) -> str:
    if task.critical:
        return t(lang, "report_slack_critical")
    if task.slack_days == 1:
        return t(lang, "report_slack_one")
    return t(lang, "report_slack", days=task.slack_days)


def _state(task: Task, lang: str) -> str:
    if task.status == "done":
        return t(lang, "report_state_done")
    if task.status == "in_progress":
        return t(lang, "report_state_in_progress", percent=task.percent)
    return t(lang, "report_state_planned")


def build_figure(
    plan: Plan,
    lang: str = "en",
    *,
    stage: str | None = None,
    arrows: bool = True,
    markers: tuple[Marker, ...] = (),
) -> go.Figure:
    """:func:`figure_spec` as a plotly ``Figure`` (validated by plotly; the page does not need one)."""
    import plotly.graph_objects as go

    return go.Figure(figure_spec(plan, lang, stage=stage, arrows=arrows, markers=markers))


def figure_spec(
    plan: Plan,
    lang: str = "en",
    *,
    stage: str | None = None,
    arrows: bool = True,
    markers: tuple[Marker, ...] = (),
    tasks: list[Task] | None = None,
    layout_only: bool = False,
    page: bool = False,
) -> dict[str, Any]:
    """The Gantt chart of the whole plan, or of one ``stage``, as plotly.js data: ``{data, layout}``.

    Rows are the plan's tasks in plan order (row 0 at the top). Traces, each with a stable
    ``uid``: ``baseline`` (when any task has baseline dates), one ``stage-<id>`` bar trace per
    stage, ``done`` (the share complete), ``critical`` (red outlines), ``links`` (one arrow per
    predecessor link inside the chart, unless ``arrows`` is false), ``milestones`` (diamonds),
    ``status-date`` and ``marker-<i>`` (legend entries of the dated lines drawn as shapes) and
    ``bottom-axis`` (an empty trace that makes plotly draw the bottom date axis of a long chart).
    ``tasks`` (the plan's tasks of ``stage``, in plan order) saves finding them again.
    ``layout_only``: the bar, link and milestone traces are reduced to their ``name`` (what the
    layout's legend needs) and the y axis has no labels (the page draws a stage's chart from the
    whole chart's data and rows, issue 14).
    ``page``: the traces as the page's script takes them: no ``hovertext`` (each point's label is
    the page's string of its row), the links as ``pairs`` of rows (predecessor, successor, …:
    the script draws each arrow from its rows' dates) instead of points, and no y-axis labels
    (the page has its rows' :func:`row_labels`).
    """
    if tasks is None:
        tasks = [task for task in plan.tasks if stage is None or task.stage == stage]
    row = {task.id: i for i, task in enumerate(tasks)}
    colours = stage_colours(plan)
    labels = {} if layout_only or page else hover_texts(plan, lang, tasks)
    steps = [task for task in tasks if not task.milestone]
    data: list[dict[str, Any]] = []

    def add(name: str, build: Callable[..., dict[str, Any]], *args: Any) -> None:
        """A trace named ``name``: only its name when ``layout_only``."""
        data.append({"name": name} if layout_only else build(name, *args))

    baselined = [task for task in steps if task.baseline_start and task.baseline_finish]
    if baselined:
        add(
            t(lang, "report_legend_baseline"),
            lambda name: {
                "type": "bar",
                "uid": "baseline",
                "name": name,
                "orientation": "h",
                "y": [row[task.id] for task in baselined],
                "base": [task.baseline_start.isoformat() for task in baselined if task.baseline_start],
                "x": [
                    _span_ms(task.baseline_start, task.baseline_finish)
                    for task in baselined
                    if task.baseline_start and task.baseline_finish
                ],
                "width": 0.84,
                "marker": {
                    "color": "rgba(255,255,255,0)",
                    "line": {"color": BASELINE_COLOUR, "width": 1},
                    "pattern": {"shape": "/", "fgcolor": BASELINE_COLOUR, "fgopacity": 0.55, "size": 6},
                },
                "hoverinfo": "skip",
                "legendrank": 900,
            },
        )
    by_stage: dict[str, list[Task]] = {}
    for task in steps:
        by_stage.setdefault(task.stage, []).append(task)

    def bars(
        uid: str, name: str, own: list[Task], x: list[int], width: float, marker: dict[str, Any]
    ) -> dict[str, Any]:
        """The fields every bar trace of the tasks' own dates starts with."""
        return {
            "type": "bar",
            "uid": uid,
            "name": name,
            "orientation": "h",
            "y": [row[task.id] for task in own],
            "base": [task.start.isoformat() for task in own],
            "x": x,
            "width": width,
            "marker": marker,
        }

    def stage_bars(name: str, summary: StageSummary, own: list[Task]) -> dict[str, Any]:
        spans = [_span_ms(task.start, task.finish) for task in own]
        return {
            **bars(f"stage-{summary.id}", name, own, spans, 0.6, {"color": colours[summary.id], "line": {"width": 0}}),
            "text": [_percent_label(task, lang) for task in own],
            "textposition": "outside",
            "cliponaxis": False,
            "textfont": {"size": 10},
            **({} if page else {"hovertext": [labels[task.id] for task in own]}),
            "hovertemplate": "%{hovertext}<extra></extra>",
            "legendrank": 100 + summary.order,
        }

    for summary in plan.stages:
        own = by_stage.get(summary.id, [])
        if own:
            add(label(f"{summary.order}. {summary.title}", LEGEND_CHARS), stage_bars, summary, own)
    started = [task for task in steps if task.percent > 0]
    if started:
        add(
            t(lang, "report_legend_done"),
            lambda name: {
                **bars(
                    "done",
                    name,
                    started,
                    [_span_ms(task.start, task.finish) * task.percent // 100 for task in started],
                    0.22,
                    {"color": "rgba(20,20,20,0.55)", "line": {"width": 0}},
                ),
                "hoverinfo": "skip",
                "legendrank": 800,
            },
        )
    critical = [task for task in steps if task.critical]
    if critical:
        add(
            t(lang, "report_legend_critical"),
            lambda name: {
                **bars(
                    "critical",
                    name,
                    critical,
                    [_span_ms(task.start, task.finish) for task in critical],
                    0.6,
                    {"color": "rgba(0,0,0,0)", "line": {"color": CRITICAL, "width": 2}},
                ),
                "hoverinfo": "skip",
                "legendrank": 600,
            },
        )
    links = _links(tasks, row) if arrows else []

    def links_trace(name: str) -> dict[str, Any]:
        trace: dict[str, Any] = {"type": "scatter", "uid": "links", "name": name, "mode": "lines+markers"}
        style = {"connectgaps": False, "hoverinfo": "skip", "legendrank": 700}
        line = {"color": "rgba(90,90,90,0.55)", "width": 1}
        if page:  # the script draws each arrow from its two rows' dates
            pairs = [r for pred, succ in links for r in (row[pred.id], row[succ.id])]
            marker = {"symbol": "arrow", "angleref": "previous", "color": "rgba(90,90,90,0.8)"}
            return {**trace, "line": line, "marker": marker, **style, "pairs": pairs}
        xs: list[str | None] = []
        ys: list[int | None] = []
        sizes: list[int] = []
        for pred, succ in links:
            x0, x1 = bar_end(pred), _arrow_x(succ)
            if x1 > x0 and row[pred.id] != row[succ.id]:  # an elbow: down (or up), then right
                xs += [x0.isoformat(), x0.isoformat(), x1.isoformat(), None]
                ys += [row[pred.id], row[succ.id], row[succ.id], None]
                sizes += [0, 0, 8, 0]
            else:
                xs += [x0.isoformat(), x1.isoformat(), None]
                ys += [row[pred.id], row[succ.id], None]
                sizes += [0, 8, 0]
        sized = {"symbol": "arrow", "angleref": "previous", "size": sizes, "color": "rgba(90,90,90,0.8)"}
        return {**trace, "x": xs, "y": ys, "line": line, "marker": sized, **style}

    if links:
        add(t(lang, "report_legend_links"), links_trace)
    milestones = [task for task in tasks if task.milestone]
    if milestones:
        add(
            t(lang, "report_legend_milestones"),
            lambda name: {
                "type": "scatter",
                "uid": "milestones",
                "name": name,
                "mode": "markers",
                "x": [bar_end(task).isoformat() for task in milestones],
                "y": [row[task.id] for task in milestones],
                "marker": {
                    "symbol": "diamond",
                    "size": 14,
                    "color": [colours.get(task.stage, "#555555") for task in milestones],
                    "line": {
                        "color": [CRITICAL if task.critical else "#333333" for task in milestones],
                        "width": [2 if task.critical else 1 for task in milestones],
                    },
                },
                **({} if page else {"hovertext": [labels[task.id] for task in milestones]}),
                "hovertemplate": "%{hovertext}<extra></extra>",
                "legendrank": 500,
            },
        )
    lines = dated_lines(plan, lang, markers)
    for i, (uid, _, name, colour, dash) in enumerate(lines):
        data.append(  # a legend entry only: the line itself is a shape spanning the chart's height
            {
                "type": "scatter",
                "uid": uid,
                "name": name,
                "mode": "lines",
                "x": [None],
                "y": [None],
                "line": {"color": colour, "width": 2, "dash": dash},
                "hoverinfo": "skip",
                "legendrank": 950 + i,
            }
        )
    long_chart = len(tasks) > LONG_CHART_ROWS
    if long_chart:
        data.append(bottom_axis_trace())
    legend = [str(trace["name"]) for trace in data if trace.get("showlegend", True)]
    layout = chart_layout(
        plan, tasks, lang, legend=legend, lines=lines, bottom_axis=long_chart, tick_labels=not (layout_only or page)
    )
    return {"data": data, "layout": layout}


def bottom_axis_trace() -> dict[str, Any]:
    """plotly draws an axis only for a subplot with a trace: this empty one carries the bottom dates."""
    return {
        "type": "scatter",
        "uid": "bottom-axis",
        "mode": "markers",
        "x": [],
        "y": [],
        "xaxis": "x2",
        "showlegend": False,
        "hoverinfo": "skip",
    }


def dated_line_shape(uid: str, day: dt.date, colour: str, dash: str) -> dict[str, Any]:
    """A dated line (status date, deadline...) across a chart's whole height, as a plotly shape."""
    return {
        "type": "line",
        "name": uid,
        "xref": "x",
        "yref": "paper",
        "x0": day.isoformat(),
        "x1": day.isoformat(),
        "y0": 0,
        "y1": 1,
        "line": {"color": colour, "width": 2, "dash": dash},
    }


def dated_lines(plan: Plan, lang: str, markers: tuple[Marker, ...] = ()) -> list[tuple[str, dt.date, str, str, str]]:
    """``(uid, date, legend name, colour, dash)`` of the status date and of each marker, escaped."""
    out: list[tuple[str, dt.date, str, str, str]] = []
    if plan.as_of is not None:
        name = f"{esc(t(lang, 'report_status_date'))} {plan.as_of.isoformat()}"
        out.append(("status-date", plan.as_of, name, STATUS_LINE, "dash"))
    for i, marker in enumerate(markers):
        colour = marker.colour or MARKER_COLOURS[i % len(MARKER_COLOURS)]
        out.append((f"marker-{i}", marker.date, f"{esc(marker.label)} {marker.date.isoformat()}", colour, "dot"))
    return out


def hover_texts(plan: Plan, lang: str, tasks: list[Task] | None = None, detail: HoverDetail = FULL) -> dict[str, str]:
    """Task id → hover label, for ``tasks`` (default: every task of the plan)."""
    titles = {s.id: s.title for s in plan.stages}
    return {
        task.id: hover_text(task, plan, lang, detail, stage_titles=titles)
        for task in (plan.tasks if tasks is None else tasks)
    }


def _percent_label(task: Task, lang: str) -> str:
    if task.status in ("in_progress", "done") or task.percent:
        return t(lang, "report_percent", percent=task.percent)
    return ""


def _arrow_x(task: Task) -> dt.date:
    """Where an arrow lands: a step's first day, a milestone's diamond."""
    return bar_end(task) if task.milestone else task.start


def _links(tasks: list[Task], row: dict[str, int]) -> list[tuple[Task, Task]]:
    """Predecessor → successor pairs with both ends in the chart, in row order."""
    by_id = {task.id: task for task in tasks}
    return [(by_id[p.id], task) for task in tasks for p in task.predecessors if p.id in row]


def legend_rows(names: list[str], width: int = LEGEND_WIDTH) -> int:
    """How many lines plotly's horizontal legend of these entries takes in ``width`` pixels.

    Plotly puts every entry on one line when they fit; otherwise it lays them out in a grid
    whose columns are as wide as the widest entry (so one long stage name means few columns).
    """
    if not names:
        return 0
    widths = [LEGEND_ENTRY_PX + int(LEGEND_CHAR_PX * len(html.unescape(name))) for name in names]
    if sum(widths) <= width:
        return 1
    columns = max(1, width // max(widths))
    return -(-len(widths) // columns)


def non_working_spans(plan: Plan, start: dt.date, finish: dt.date, *, weekends: bool) -> list[tuple[dt.date, dt.date]]:
    """Runs ``(first, last)`` of days off between ``start`` and ``finish``, from the plan's calendar.

    Holidays always; with ``weekends``, also the calendar's weekend days (``fri``/``sat`` in a
    Friday–Saturday country) except the weekend days worked (a transferred Saturday).
    """
    holidays = set(plan.calendar.holidays)
    if weekends:
        worked = set(plan.calendar.extra_working_days)
        weekend = {WEEKDAYS.index(name) for name in plan.calendar.weekend if name in WEEKDAYS}
        days = []
        day = start
        while day <= finish:
            if day in holidays or (day.weekday() in weekend and day not in worked):
                days.append(day)
            day += dt.timedelta(days=1)
    else:  # the holidays alone: no need to walk a long chart day by day
        days = sorted(day for day in holidays if start <= day <= finish)
    spans: list[tuple[dt.date, dt.date]] = []
    for day in days:
        if spans and spans[-1][1] == day - dt.timedelta(days=1):
            spans[-1] = (spans[-1][0], day)
        else:
            spans.append((day, day))
    return spans


def chart_layout(
    plan: Plan,
    tasks: list[Task],
    lang: str,
    legend: list[str],
    lines: list[tuple[str, dt.date, str, str, str]] | None = None,
    *,
    bottom_axis: bool = False,
    tick_labels: bool = True,
) -> dict[str, Any]:
    """The layout of a chart of ``tasks``: ``legend`` names its legend entries, ``lines`` its dated
    lines; without ``tick_labels`` the y axis has no ``tickvals``/``ticktext`` (the page adds its own)."""
    n = max(len(tasks), 1)
    top = MARGIN_TOP + LEGEND_ROW_PX * legend_rows(legend)
    bottom = MARGIN_BOTTOM + (BOTTOM_AXIS_PX if bottom_axis else 0)
    plot_px = n * ROW_PX
    height = plot_px + top + bottom
    starts = [task.start for task in tasks] + [task.baseline_start for task in tasks if task.baseline_start]
    start = min(starts, default=plan.start) - dt.timedelta(days=3)  # a ghost bar may start earlier
    finish = max((bar_end(task) for task in tasks), default=plan.finish) + dt.timedelta(days=10)
    shapes: list[dict[str, Any]] = [
        {
            "type": "rect",
            "name": "non-working",
            "xref": "x",
            "yref": "paper",
            "x0": first.isoformat(),
            "x1": (last + dt.timedelta(days=1)).isoformat(),
            "y0": 0,
            "y1": 1,
            "fillcolor": NON_WORKING,
            "line": {"width": 0},
            "layer": "below",
        }
        for first, last in non_working_spans(
            plan, start, finish, weekends=(finish - start).days <= WEEKEND_SHADING_DAYS
        )
    ]
    for uid, day, _, colour, dash in lines or ():
        shapes.append(dated_line_shape(uid, day, colour, dash))
    xaxis: dict[str, Any] = {
        "type": "date",
        "side": "top",
        "range": [start.isoformat(), finish.isoformat()],
        "showgrid": True,
        "gridcolor": "#e8e8e8",
        "automargin": True,
        "zeroline": False,
        "tickformatstops": DAY_FIRST_TICKS if lang == "fr" else [],
        "ticklabeloverflow": "allow",
    }
    layout: dict[str, Any] = {
        "template": "none",
        "barmode": "overlay",
        "height": height,
        "margin": {"t": top, "b": bottom, "l": 10, "r": 30, "autoexpand": True},
        "font": {"family": "system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif", "size": 12},
        "plot_bgcolor": "#ffffff",
        "paper_bgcolor": "#ffffff",
        "hovermode": "closest",
        "hoverlabel": {"align": "left", "bgcolor": "#ffffff", "font": {"size": 12}},
        "legend": {  # in the top margin, which plotly's automargin grows to fit it above the dates
            "orientation": "h",
            "xref": "container",
            "yref": "container",
            "x": 0,
            "xanchor": "left",
            "y": 1 - LEGEND_TOP_PX / height,
            "yanchor": "top",
            "traceorder": "normal",
            "font": {"size": 11},
        },
        "xaxis": xaxis,
        "yaxis": {
            "tickmode": "array",
            **(
                {
                    "tickvals": list(range(len(tasks))),
                    "ticktext": row_labels(tasks),
                }
                if tick_labels
                else {}
            ),
            "range": [n - 0.5, -0.5],
            "automargin": True,
            "showgrid": False,
            "zeroline": False,
            "tickfont": {"size": 11},
            # plotly's default ("hide past div") measures every label again for each label it
            # places: seconds at 1,000 rows. The labels sit in the automargin: nothing to hide.
            "ticklabeloverflow": "allow",
        },
        "shapes": shapes,
        "uirevision": "keep",
    }
    if bottom_axis:  # the same dates under a long chart (the page gives both axes the same ticks)
        layout["xaxis2"] = {
            **xaxis,
            "side": "bottom",
            "overlaying": "x",
            "showgrid": False,
        }
    return layout


def plotly_js() -> str:
    """The plotly.js bundle shipped with plotly (inline in the page: no CDN, no network).

    Read from plotly's package folder without importing plotly (issue 14: the import is most of
    the time it takes); plotly's own ``get_plotlyjs`` where the file is not there to read.
    """
    import importlib.util
    from pathlib import Path

    spec = importlib.util.find_spec("plotly")
    for folder in (spec.submodule_search_locations or []) if spec else []:
        bundle = Path(folder) / "package_data" / "plotly.min.js"
        if bundle.is_file():
            return bundle.read_bytes().decode("utf-8")  # as plotly reads it (line ends kept)
    from plotly.offline import get_plotlyjs

    return str(get_plotlyjs())


@dataclass(frozen=True)
class Section:
    """A piece of the page other features add below the chart (and, optionally, into the summary band).

    Text is escaped by the template: give plain ``str``. Only a ``markupsafe.Markup`` ``html`` is
    inserted as is (escape every user string in it yourself).
    """

    id: str
    """Unique on the page, ``[a-z0-9-]``: the section is ``<section id="section-{id}">``."""
    title: str
    items: tuple[str, ...] = ()
    """A bulleted list."""
    table: tuple[tuple[str, ...], ...] = ()
    """Rows of a table; the first row holds the headings."""
    html: str = ""
    """Free content (escaped unless a ``Markup``)."""
    data: Any = None
    """JSON for scripts: ``payload.sections[i].data``."""
    chart: dict[str, Any] | None = None
    """A plotly.js figure ``{"data": [...], "layout": {...}}`` drawn in the section (and printed)."""
    markers: tuple[Marker, ...] = ()
    """Dated lines drawn on every Gantt chart, named in the legend (deadlines)."""
    band: tuple[str, ...] = field(default=())
    """Lines shown in the summary band above the chart under this section's title."""
    wide: bool = False
    """The section takes the page's whole width (as one with a chart or a table does)."""
