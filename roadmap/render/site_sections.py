"""The Gantt page's site sections (issue 17): a line-of-balance chart and a site × month calendar.

Only for a plan with sites (:attr:`Plan.sites`); without them :func:`sections` returns nothing
and the page stays as it was. Both read the plan alone.

* **Line of balance** — sites on the y-axis (in wave order, the first at the top), time on the
  x-axis, one line per step of the site template through the day it starts at each site, a
  diamond on each site's go-live, each wave on its own shade. Plain plotly.js data (as the
  Gantt's, no plotly ``Figure`` in between), drawn by the page's script in the browser, printed on
  a page of its own (landscape); its height follows the sites and, on a phone or in print, the
  legend's rows (``Section.data["fit"]``, read by the page's script).
* **Sites by month** — an HTML table per year of the rollout (12 months: a landscape page's
  width): a row per site, a column per month, each cell the step that takes most of the site's
  working days that month (all of them in the cell's tooltip) on that step's colour, and ◆ on
  its go-live. Every user string is escaped.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from roadmap.plan import Plan, SiteWindow, Task
from roadmap.render.gantt import (
    DAY_FIRST_TICKS,
    LEGEND_ROW_PX,
    LEGEND_TOP_PX,
    Section,
    cut,
    dated_line_shape,
    dated_lines,
    esc,
    label,
    legend_rows,
)
from roadmap.render.sites import month_label, months, step_title, template_step, template_steps, waves, word

if TYPE_CHECKING:
    from roadmap.render import RenderContext

SITE_ROW_PX = 26
"""Height of a site's row in the line-of-balance chart, up to :data:`ROOMY_SITES` sites."""
ROOMY_SITES = 24
MIN_ROW_PX = 12
"""The least a row gets on a chart of many sites (past a printed page's height, it runs on)."""
LOB_MARGIN_TOP = 64
"""Room above the rows without the legend: the mode bar and the date axis."""
LOB_MARGIN_BOTTOM = 16
SITE_LABEL_CHARS = 24
BLACKOUT_FILL = "rgba(120, 120, 120, 0.18)"
"""A site's blackout windows on its line-of-balance row."""
LOB_LEGEND_CHARS = 56
"""The line of balance's legend names a step of the site template: longer than the Gantt's stage
names, as such steps often differ only at the end (two hypercare steps, after two go-lives)."""
PALETTE = (
    "#4e79a7", "#f28e2b", "#59a14f", "#b07aa1", "#76b7b2", "#edc948", "#9c755f", "#86bcb6",
    "#1f5f8b", "#ff9da7", "#8cd17d", "#499894",
)  # fmt: skip
"""A colour per template step (no red: red means critical on the Gantt)."""
GO_LIVE_COLOUR = "#1b5e20"
WAVE_SHADE = "rgba(31,95,139,0.07)"
CALENDAR_MONTHS = 12
"""Months per calendar table: a year fits a printed landscape page."""
CELL_CHARS = 16


def sections(ctx: RenderContext) -> list[Section]:
    """The line of balance and the sites by month (none without sites)."""
    if not ctx.plan.sites:
        return []
    return [line_of_balance(ctx.plan, ctx.lang), site_calendar(ctx.plan, ctx.lang)]


def step_colours(plan: Plan) -> dict[str, str]:
    """Template step id → its colour (in the line of balance and the calendar)."""
    return {sid: PALETTE[k % len(PALETTE)] for k, (sid, _) in enumerate(template_steps(plan))}


def _site_steps(plan: Plan) -> dict[str, list[Task]]:
    """Template step id → its tasks at the sites of the plan (not milestones), in plan order."""
    names = {site.name for site in plan.sites}
    out: dict[str, list[Task]] = {}
    for task in plan.tasks:
        if task.site in names and not task.milestone:
            out.setdefault(template_step(task.id), []).append(task)
    return out


def row_px(n_sites: int) -> int:
    """A site row's height: roomy for a few sites, tighter (never under :data:`MIN_ROW_PX`) for many."""
    if n_sites <= ROOMY_SITES:
        return SITE_ROW_PX
    return max(MIN_ROW_PX, SITE_ROW_PX * ROOMY_SITES // n_sites)


def lob_figure(plan: Plan, lang: str) -> dict[str, Any]:
    """The line-of-balance chart as plotly.js data ``{data, layout}`` (plain dicts, as the Gantt's).

    Traces, each with a stable ``uid``: ``step-<k>`` (one per template step, k its place in
    :func:`~roadmap.render.sites.template_steps`; x the step's start at each site, y the site's
    row), then ``go-live`` (diamonds on the sites' go-live days) when any site has one, then
    ``blackout`` (a legend entry for the grey bands, shapes ``blackout-<row>-<k>``, over the
    sites' blackout windows) when any site has one.
    """
    from roadmap.render.facts import working_days

    sites = plan.sites
    row = {site.name: i for i, site in enumerate(sites)}
    wave_of = {site.name: site.wave for site in sites}
    colours = step_colours(plan)
    by_step = _site_steps(plan)
    traces: list[Any] = []
    for k, (sid, title) in enumerate(template_steps(plan)):
        own = sorted(by_step.get(sid, []), key=lambda t: row[t.site or ""])
        hovers = [
            f"<b>{esc(title)}</b><br>{esc(t.site)} · {esc(word(lang, 'wave', n=wave_of[t.site or '']))}<br>"
            + esc(word(lang, "lob_hover", start=t.start, finish=t.finish, days=working_days(lang, t.duration_days)))
            for t in own
        ]
        traces.append(
            {
                "type": "scatter",
                "uid": f"step-{k}",
                "name": label(title, LOB_LEGEND_CHARS),
                "x": [t.start.isoformat() for t in own],
                "y": [row[t.site or ""] for t in own],
                "mode": "lines+markers",
                "line": {"color": colours[sid], "width": 2},
                "marker": {"color": colours[sid], "size": 7},
                "hovertext": hovers,
                "hovertemplate": "%{hovertext}<extra></extra>",
            }
        )
    live = [site for site in sites if site.go_live is not None]
    if live:
        traces.append(
            {
                "type": "scatter",
                "uid": "go-live",
                "name": esc(word(lang, "go_live")),
                "x": [site.go_live.isoformat() for site in live if site.go_live],
                "y": [row[site.name] for site in live],
                "mode": "markers",
                "marker": {
                    "symbol": "diamond",
                    "size": 12,
                    "color": GO_LIVE_COLOUR,
                    "line": {"color": "#ffffff", "width": 1},
                },
                "hovertext": [
                    f"<b>{esc(site.name)}</b><br>{esc(word(lang, 'go_live_on', date=site.go_live))}" for site in live
                ],
                "hovertemplate": "%{hovertext}<extra></extra>",
            }
        )
    if any(site.blackout for site in sites):  # a legend entry for the grey blackout bands
        traces.append(
            {
                "type": "scatter",
                "uid": "blackout",
                "name": esc(word(lang, "blackout_short")),
                "x": [None],
                "y": [None],
                "mode": "markers",
                "marker": {"symbol": "square", "size": 12, "color": BLACKOUT_FILL},
                "hoverinfo": "skip",
            }
        )
    names = [str(trace["name"]) for trace in traces]
    n = max(len(sites), 1)
    px = row_px(len(sites))
    top = LOB_MARGIN_TOP + LEGEND_ROW_PX * legend_rows(names)
    height = n * px + top + LOB_MARGIN_BOTTOM
    first = min(site.start for site in sites) - dt.timedelta(days=3)
    last = max(site.finish for site in sites) + dt.timedelta(days=7)
    shapes: list[dict[str, Any]] = []
    annotations: list[dict[str, Any]] = []
    for number, members in waves(plan):
        rows = [row[site.name] for site in members]
        if number % 2:
            shapes.append(
                {
                    "type": "rect",
                    "name": f"wave-{number}",
                    "xref": "paper",
                    "yref": "y",
                    "x0": 0,
                    "x1": 1,
                    "y0": min(rows) - 0.5,
                    "y1": max(rows) + 0.5,
                    "fillcolor": WAVE_SHADE,
                    "line": {"width": 0},
                    "layer": "below",
                }
            )
        annotations.append(
            {
                "xref": "paper",
                "yref": "y",
                "x": 1,
                "y": min(rows) - 0.5,
                "xanchor": "right",
                "yanchor": "top",
                "text": esc(word(lang, "wave", n=number)),
                "showarrow": False,
                "font": {"size": 10, "color": "#5b6673"},
            }
        )
    for site in sites:  # a site's blackout windows, hatched across its row
        for k, span in enumerate(site.blackout):
            if span.finish < first or span.start > last:
                continue
            shapes.append(
                {
                    "type": "rect",
                    "name": f"blackout-{row[site.name]}-{k}",
                    "xref": "x",
                    "yref": "y",
                    "x0": max(span.start, first).isoformat(),
                    "x1": (min(span.finish, last) + dt.timedelta(days=1)).isoformat(),
                    "y0": row[site.name] - 0.35,
                    "y1": row[site.name] + 0.35,
                    "fillcolor": BLACKOUT_FILL,
                    "line": {"width": 0},
                    "layer": "below",
                }
            )
    for uid, day, _, colour, dash in dated_lines(plan, lang):
        shapes.append(dated_line_shape(uid, day, colour, dash))
    layout = {
        "template": "none",
        "height": height,
        "margin": {"t": top, "b": LOB_MARGIN_BOTTOM, "l": 10, "r": 20, "autoexpand": True},
        "font": {"family": "system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif", "size": 12},
        "plot_bgcolor": "#ffffff",
        "paper_bgcolor": "#ffffff",
        "hovermode": "closest",
        "hoverlabel": {"align": "left", "bgcolor": "#ffffff", "font": {"size": 12}},
        "showlegend": True,
        "legend": {
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
        "xaxis": {
            "type": "date",
            "side": "top",
            "range": [first.isoformat(), last.isoformat()],
            "showgrid": True,
            "gridcolor": "#e8e8e8",
            "automargin": True,
            "zeroline": False,
            "tickformatstops": DAY_FIRST_TICKS if lang == "fr" else [],
        },
        "yaxis": {
            "tickmode": "array",
            "tickvals": list(range(len(sites))),
            "ticktext": [label(site.name, SITE_LABEL_CHARS) for site in sites],
            "range": [n - 0.5, -0.5],
            "automargin": True,
            "showgrid": True,
            "gridcolor": "#f0f0f0",
            "zeroline": False,
            "tickfont": {"size": 11 if px >= SITE_ROW_PX else 9},
        },
        "shapes": shapes,
        "annotations": annotations,
    }
    return {"data": traces, "layout": layout}


def line_of_balance(plan: Plan, lang: str) -> Section:
    """The line-of-balance section, with the rollout's span and go-lives in the summary band (two
    lines: the band stays on page one when printed)."""
    from markupsafe import Markup, escape


    figure = lob_figure(plan, lang)
    start, finish = min(site.start for site in plan.sites), max(site.finish for site in plan.sites)
    band = [word(lang, "band_sites", n=len(plan.sites), waves=len(waves(plan)), start=start, finish=finish)]
    lives = sorted(site.go_live for site in plan.sites if site.go_live)
    if lives:
        band.append(word(lang, "band_go_live", first=lives[0], last=lives[-1]))
    fit = {"rows": max(len(plan.sites), 1), "rowPx": row_px(len(plan.sites)), "top": LOB_MARGIN_TOP}
    return Section(
        id="sites-lob",
        title=word(lang, "lob_title"),
        html=Markup(f'<p class="note">{escape(word(lang, "lob_note"))}</p>'),  # noqa: S704 - escaped
        chart=figure,
        data={"fit": fit, "legendRow": LEGEND_ROW_PX},
        band=tuple(band),
    )


def _cell(
    site_tasks: Sequence[Task], site: SiteWindow, month: dt.date, lang: str, worked: Callable[[Task], Counter[int]]
) -> tuple[str, str, str | None]:
    """(text, tooltip, template step id for the colour) of a site's month; ``worked``: a task's
    working days per month (``year * 12 + month``), counted on its site's calendar."""
    following = (month + dt.timedelta(days=32)).replace(day=1)
    end = following - dt.timedelta(days=1)
    key = month.year * 12 + month.month
    busy: list[tuple[int, Task]] = []
    for task in site_tasks:
        if task.milestone or task.finish < month or task.start > end:
            continue
        busy.append((max(worked(task)[key], 1), task))
    tip = [f"{step_title(task)}: {task.start} → {task.finish}" for _, task in busy]
    live = site.go_live is not None and month <= site.go_live <= end
    if live:
        tip.insert(0, word(lang, "go_live_on", date=site.go_live))
    if not busy:
        return ("◆ " + str(site.go_live.day) if live and site.go_live else "", "\n".join(tip), None)
    main = max(busy, key=lambda pair: (pair[0], -pair[1].start.toordinal()))[1]
    text = cut(step_title(main), CELL_CHARS)
    if live and site.go_live:
        text = f"◆ {site.go_live.day} · {text}"
    elif len(busy) > 1:
        text += f" +{len(busy) - 1}"
    return text, "\n".join(tip), template_step(main.id)


def site_calendar(plan: Plan, lang: str) -> Section:
    """The sites-by-month section: a table per :data:`CALENDAR_MONTHS` months, escaped."""
    from markupsafe import Markup, escape

    from roadmap.effort import TaskDays
    from roadmap.render.sites import site_tasks

    colours = step_colours(plan)
    tasks = site_tasks(plan)
    own = TaskDays(plan)
    counted: dict[str, Counter[int]] = {}

    def worked(task: Task) -> Counter[int]:
        if task.id not in counted:
            counted[task.id] = Counter(day.year * 12 + day.month for day in own.of(task))
        return counted[task.id]

    span = months(min(site.start for site in plan.sites), max(site.finish for site in plan.sites))
    parts = [
        "<style>.site-cal{overflow-x:auto;margin:6px 0 10px}"
        ".site-cal table{table-layout:fixed;width:auto;min-width:100%;font-size:11px}"
        ".site-cal th,.site-cal td{border:1px solid var(--line);padding:2px 4px;width:5.4em;"
        "overflow:hidden;text-overflow:ellipsis;white-space:nowrap;-webkit-print-color-adjust:exact;"
        "print-color-adjust:exact}"
        ".site-cal th.site,.site-cal td.site{width:11em;position:sticky;left:0;background:#fff;z-index:1}"
        ".site-cal td.live{font-weight:600}.site-cal td.on{background:#f6f8fa}"
        ".site-cal tr.wave th{background:#eef1f5;color:var(--ink)}"
        "@media print{.site-cal{overflow:visible;break-inside:avoid}.site-cal table{width:100%}}</style>",
        f'<p class="note">{escape(word(lang, "calendar_note"))}</p>',
    ]
    for begin in range(0, len(span), CALENDAR_MONTHS):
        chunk = span[begin : begin + CALENDAR_MONTHS]
        head = "".join(f'<th scope="col">{escape(month_label(m, lang))}</th>' for m in chunk)
        parts.append(
            f'<div class="site-cal"><table><thead><tr><th class="site" scope="col">{escape(word(lang, "site"))}</th>'
            f"{head}</tr></thead><tbody>"
        )
        for number, members in waves(plan):
            parts.append(
                f'<tr class="wave"><th colspan="{len(chunk) + 1}">{escape(word(lang, "wave", n=number))}</th></tr>'
            )
            for site in members:
                cells = []
                for month in chunk:
                    text, tip, step = _cell(tasks.get(site.name, []), site, month, lang, worked)
                    inside = site.start <= (month + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1) and (
                        month <= site.finish
                    )
                    classes = [c for c, on in (("live", text.startswith("◆")), ("on", inside and not step)) if on]
                    attrs = f' class="{" ".join(classes)}"' if classes else ""
                    if step is not None:
                        attrs += f' style="background:{colours[step]}33"'
                    if tip:
                        attrs += f' title="{escape(tip)}"'
                    cells.append(f"<td{attrs}>{escape(text)}</td>")
                parts.append(
                    f'<tr><th class="site" scope="row" title="{escape(site.name)}">{escape(site.name)}</th>'
                    f"{''.join(cells)}</tr>"
                )
        parts.append("</tbody></table></div>")
    return Section(
        id="sites-calendar",
        title=word(lang, "calendar_title"),
        html=Markup("".join(parts)),  # noqa: S704 - every user string above is escaped
        wide=True,
    )
