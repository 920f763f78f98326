"""The Gantt page's extra sections from other features (see ``gantt_page.EXTRA_SECTIONS``).

Each builder takes the render context and returns a :class:`~roadmap.render.gantt.Section`
(or None): deadline markers on every chart (issue 9), the load per role (issue 12), the
forecast's S-curve (issue 16). HTML pieces escape every user string themselves.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING

from roadmap.i18n import t

if TYPE_CHECKING:
    from roadmap.render import RenderContext
    from roadmap.render.gantt import Section

_HEADING = re.compile(r"<h2>.*?</h2>", re.S)
DEADLINE_MET = "#2e7d32"
DEADLINE_LATE = "#c62828"


def _without_heading(html: str) -> str:
    """The piece's own ``<h2>`` goes: the page gives every section its title."""
    return _HEADING.sub("", html, count=1)


def deadlines(ctx: RenderContext) -> Section | None:
    """``plan.deadlines``: a dated line on every chart (red when missed), listed in the band."""
    from roadmap.render.gantt import Marker, Section

    plan, lang = ctx.plan, ctx.lang
    if not plan.deadlines:
        return None
    lines, markers = [], []
    for d in plan.deadlines:
        key = "cli_deadline_late" if d.late_days else "cli_deadline_met"
        text = t(lang, key, id=d.id, date=d.date, finish=d.finish, late=d.late_days)
        lines.append(text)
        colour = DEADLINE_LATE if d.late_days else DEADLINE_MET
        markers.append(Marker(d.date + dt.timedelta(days=1), text, colour))
    title = t(lang, "report_legend_deadlines")
    return Section("deadlines", title, items=tuple(lines), markers=tuple(markers), band=tuple(lines))


def load(ctx: RenderContext) -> Section | None:
    """People busy per week against the team size, per role (issue 12)."""
    from markupsafe import Markup

    from roadmap.effort import load_chart_html, text
    from roadmap.render.gantt import Section

    titles = dict(ctx.plan.role_titles)
    html = load_chart_html(ctx.plan, titles, ctx.lang)
    if not html:
        return None
    return Section("load", text(ctx.lang, "load_title"), html=Markup(_without_heading(html)))  # noqa: S704


def forecast(ctx: RenderContext) -> Section | None:
    """The finish's distribution with the plan date and the P80, each stage's P80 (issue 16)."""
    from markupsafe import Markup

    from roadmap.render.forecast_section import forecast_section
    from roadmap.render.gantt import Section

    html = forecast_section(ctx.plan, ctx.lang)
    if not html:
        return None
    return Section("forecast", t(ctx.lang, "fc_section"), html=Markup(_without_heading(str(html))))  # noqa: S704
