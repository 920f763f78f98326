"""The Gantt page's forecast section (issue 16): an S-curve of the finish and per-stage P80 ticks.

Self-contained HTML with inline SVG (no script, no network; prints as drawn): the finish's
cumulative distribution with the plan's date and the P80 marked, then one row per stage from
its planned finish to its P80. Every user string is escaped. Without a forecast: empty.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from roadmap.forecast_model import headline
from roadmap.i18n import t

if TYPE_CHECKING:
    from markupsafe import Markup

    from roadmap.plan import Plan

WIDTH, HEIGHT = 720, 240
LEFT, RIGHT, TOP, BOTTOM = 48, 16, 16, 36
ROW = 22
PLAN_COLOUR, P80_COLOUR, CURVE_COLOUR = "#5b6673", "#c0392b", "#2d6cdf"


def forecast_section(plan: Plan, lang: str) -> Markup:
    """The section's HTML, or an empty string when the plan has no forecast."""
    from markupsafe import Markup, escape

    fc = plan.forecast
    if fc is None or not fc.curve:
        return Markup("")
    lo = min(fc.curve[0][0], plan.finish)
    hi = max(fc.curve[-1][0], plan.finish)
    span = max((hi - lo).days, 1)
    inner_w = WIDTH - LEFT - RIGHT
    inner_h = HEIGHT - TOP - BOTTOM

    def x(day: dt.date) -> float:
        return round(LEFT + inner_w * (day - lo).days / span, 1)

    def y(pct: float) -> float:
        return round(TOP + inner_h * (1 - pct / 100), 1)

    points = [f"{x(lo)},{y(0)}"]
    previous = 0.0
    for day, pct in fc.curve:
        points.append(f"{x(day)},{y(previous)}")
        points.append(f"{x(day)},{y(pct)}")
        previous = pct
    points.append(f"{x(hi)},{y(100)}")
    parts = [
        f'<svg class="fc-curve" viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" role="img"'
        f' aria-label="{escape(t(lang, "fc_chart_title"))}">',
        f'<line x1="{LEFT}" y1="{y(0)}" x2="{WIDTH - RIGHT}" y2="{y(0)}" stroke="#dde3ea"/>',
    ]
    for pct in (50, 80, 90):
        parts.append(
            f'<line x1="{LEFT}" y1="{y(pct)}" x2="{WIDTH - RIGHT}" y2="{y(pct)}" stroke="#eef1f4"/>'
            f'<text x="{LEFT - 6}" y="{y(pct) + 4}" text-anchor="end" font-size="11" fill="#5b6673">{pct}%</text>'
        )
    parts.append(f'<polyline points="{" ".join(points)}" fill="none" stroke="{CURVE_COLOUR}" stroke-width="2"/>')
    marks = (
        (plan.finish, PLAN_COLOUR, t(lang, "fc_plan_marker", date=plan.finish), "4 3", "start"),
        (fc.finish.p80, P80_COLOUR, t(lang, "fc_p80_marker", date=fc.finish.p80), "", "end"),
    )
    for k, (day, colour, label, dash, anchor) in enumerate(marks):
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        parts.append(
            f'<line x1="{x(day)}" y1="{TOP}" x2="{x(day)}" y2="{y(0)}"'
            f' stroke="{colour}" stroke-width="1.5"{dash_attr}/>'
            f'<text x="{x(day) + (4 if anchor == "start" else -4)}" y="{y(0) + 14 + 12 * k}" font-size="11"'
            f' text-anchor="{anchor}" fill="{colour}">{escape(label)}</text>'
        )
    for day, anchor in ((lo, "start"), (hi, "end")):
        parts.append(
            f'<text x="{x(day)}" y="{HEIGHT - 2}" font-size="10" text-anchor="{anchor}" fill="#5b6673">{day}</text>'
        )
    parts.append("</svg>")
    curve_svg = "".join(parts)

    titles = {s.id: f"{s.order}. {s.title}" for s in plan.stages}
    planned = {s.id: s.finish for s in plan.stages}
    stage_ids = [s.id for s in plan.stages if s.id in fc.stages]
    rows_svg = ""
    if stage_ids:
        first = min(plan.start, *(planned[s] for s in stage_ids))
        last = max(fc.stages[s].p90 for s in stage_ids)
        width = max((last - first).days, 1)
        label_w = 220
        bar_w = WIDTH - label_w - RIGHT

        def sx(day: dt.date) -> float:
            return round(label_w + bar_w * (day - first).days / width, 1)

        rows = [f'<svg class="fc-stages" viewBox="0 0 {WIDTH} {ROW * len(stage_ids) + 8}" width="100%">']
        for i, sid in enumerate(stage_ids):
            cy = ROW * i + ROW / 2 + 4
            stage_pct = fc.stages[sid]
            title = titles[sid] if len(titles[sid]) <= 34 else titles[sid][:33] + "…"
            rows.append(
                f'<text x="0" y="{cy + 4}" font-size="11" fill="#1d2733">{escape(title)}</text>'
                f'<line x1="{sx(planned[sid])}" y1="{cy}" x2="{sx(stage_pct.p80)}" y2="{cy}"'
                ' stroke="#dde3ea" stroke-width="6"/>'
                f'<circle cx="{sx(planned[sid])}" cy="{cy}" r="3.5" fill="{PLAN_COLOUR}"/>'
                f'<line x1="{sx(stage_pct.p80)}" y1="{cy - 7}" x2="{sx(stage_pct.p80)}" y2="{cy + 7}"'
                f' stroke="{P80_COLOUR}" stroke-width="2"><title>P80 {stage_pct.p80}</title></line>'
            )
        rows.append("</svg>")
        rows_svg = "".join(rows)

    table = "".join(
        f'<tr><td>{escape(titles[sid])}</td><td class="date">{planned[sid]}</td>'
        f'<td class="date">{fc.stages[sid].p50}</td><td class="date">{fc.stages[sid].p80}</td>'
        f'<td class="date">{fc.stages[sid].p90}</td></tr>'
        for sid in stage_ids
    )
    note = " · ".join(escape(line) for line in headline(fc, plan.finish, lang))
    html = (
        '<section class="card forecast" id="forecast">'
        f"<h2>{escape(t(lang, 'fc_section'))}</h2>"
        f'<p class="note">{note}</p>'
        f"<h3>{escape(t(lang, 'fc_chart_title'))}</h3>{curve_svg}"
        f"<h3>{escape(t(lang, 'fc_stage_p80'))}</h3>{rows_svg}"
        f"<table><tr><th>{escape(t(lang, 'report_stage'))}</th><th>{escape(t(lang, 'fc_plan_col'))}</th>"
        f"<th>P50</th><th>P80</th><th>P90</th></tr>{table}</table>"
        "</section>"
    )
    return Markup(html)  # noqa: S704 - every user string above is escaped
