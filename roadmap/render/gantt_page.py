"""The Gantt page around the chart: one data set for the page's script, the summary, the details.

The page holds the whole-roadmap chart's plotly.js data once (hover texts once, one per task,
in plan order) and, for each stage, only its chart's layout: the page's script draws a stage
by filtering the whole chart's points in the browser (:data:`PAGE_SCRIPT_CONTRACT`). The
plotly.js bundle is inline: the page works offline. Nothing here builds a plotly ``Figure``.

Other pieces of the page come as :class:`Section` objects, in page order: the builders named
in :data:`EXTRA_SECTIONS` (one line each) are called with the render context.
"""

from __future__ import annotations

import importlib
import json
import re
from collections.abc import Callable
from typing import Any

from roadmap.i18n import t
from roadmap.plan import Task
from roadmap.render import RenderContext
from roadmap.render.facts import answer_rows, branding, company_facts, weekday_names, working_days
from roadmap.render.gantt import (
    BOTTOM_AXIS_PX,
    HOVER_DETAILS,
    LEGEND_CHAR_PX,
    LEGEND_ENTRY_PX,
    LEGEND_ROW_PX,
    LEGEND_TOP_PX,
    MARGIN_TOP,
    NON_WORKING,
    ROW_PX,
    Section,
    bar_end,
    chart_layout,
    dated_lines,
    figure_spec,
    hover_texts,
    plotly_js,
    row_labels,
    stage_colours,
)

WHOLE_CHART_LINKS = 500
"""Above this many dependencies the whole-roadmap chart leaves arrows to the stage charts
(they would hide the bars, and the page must stay small)."""
PAGE_BUDGET = 5_950_000
"""Bytes a page of up to :data:`SMALL_PLAN_STEPS` steps may take (the promise is under 6 MB):
past it, hover labels say less."""
SMALL_PLAN_STEPS = 1_000
LARGE_PAGE_BUDGET = 11_900_000
"""Bytes a larger plan's page may take (10,000 steps: under 12 MB)."""
PRINT_WIDTH = 960
"""Pixels a chart is drawn at for printing: the printable width of a landscape A4 or Letter page
with 10 mm margins (1,047 and 980 px) or more."""
NARROW = 600
"""Below this chart width (a phone), step labels move above their bars."""
PHONE_ROW_PX = 44
BAND_ITEMS = 5
"""Risks, dropped blocks and assumptions the summary band lists (all of them are in the details):
the band stays on page one when printed."""
_SCRIPT_BREAKERS = re.compile(r"<(?=[/!?]|script)", re.IGNORECASE)
PAGE_SCRIPT_CONTRACT = """
payload.traces        the whole-roadmap chart's traces; a point's hover label is strings[its row]
payload.strings       hover label of each row (task), plan order
payload.rows          {stage: [stage index per row], labels: [y label], start: [date], end: [date]}
                      (start: where an arrow lands, end: where it leaves; a milestone's diamond)
payload.traces[links] pairs: [from row, to row, ...] instead of x, y and marker sizes
payload.figures       [{id: "all" | "stage-<id>", stage: index | null, layout}] (layouts without
                      tick values, tick texts and day-off shapes: the script adds them)
payload.off           {id: [[first day, day after last], ...]} days off shaded, per figure
payload.sections      [{id, data, chart}] of the extra sections (chart: plotly.js {data, layout})
                      data.fit {rows, rowPx, top} with data.legendRow: the chart's height is
                      rows × rowPx under a legend that wraps with its width (line of balance)
"""


SectionBuilder = Callable[[RenderContext], "Section | list[Section] | None"]

EXTRA_SECTIONS: tuple[str | SectionBuilder, ...] = (
    # "module:function" (imported when the page is rendered) or a function, taking the
    # RenderContext and returning a Section, a list of them or None; one line per feature, in
    # page order, e.g.:
    "roadmap.render.sections:deadlines",  # issue 9: deadline markers
    "roadmap.render.sections:load",  # issue 12: load per role
    "roadmap.render.sections:forecast",  # issue 16: the finish's S-curve
    "roadmap.render.site_sections:sections",  # issue 17: line of balance, sites by month
)


def extra_sections(ctx: RenderContext, builders: tuple[str | SectionBuilder, ...] | None = None) -> list[Section]:
    """The sections the ``builders`` (default :data:`EXTRA_SECTIONS`) return, in order."""
    out: list[Section] = []
    for entry in EXTRA_SECTIONS if builders is None else builders:
        if isinstance(entry, str):
            module, _, func = entry.partition(":")
            builder: SectionBuilder = getattr(importlib.import_module(module), func)
        else:
            builder = entry
        made = builder(ctx)
        if isinstance(made, Section):
            out.append(made)
        elif made:
            out.extend(made)
    return out


FR_LOCALE: dict[str, Any] = {
    "moduleType": "locale",
    "name": "fr",
    "dictionary": {  # what plotly itself says: the mode bar's buttons, its notes
        "Download plot as a PNG": "Télécharger le graphique en PNG",
        "Download plot": "Télécharger le graphique",
        "Preparing image - this may take a few seconds": "Préparation de l'image, quelques secondes…",
        "Image download succeeded": "Image téléchargée",
        "Sorry, there was a problem downloading your image!": "Désolé, l'image n'a pas pu être téléchargée !",
        "Zoom": "Zoomer",
        "Pan": "Déplacer",
        "Zoom in": "Zoom avant",
        "Zoom out": "Zoom arrière",
        "Autoscale": "Échelle automatique",
        "Reset axes": "Réinitialiser les axes",
        "Toggle Spike Lines": "Afficher ou masquer les lignes de repère",
        "Show closest data on hover": "Afficher la donnée la plus proche au survol",
        "Compare data on hover": "Comparer les données au survol",
        "Double-click to zoom back out": "Double-cliquez pour revenir",
        "Double-click on legend to isolate one trace": "Double-cliquez sur une légende pour n'afficher qu'elle",
    },
    "format": {
        "days": ["dimanche", "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi"],
        "shortDays": ["dim.", "lun.", "mar.", "mer.", "jeu.", "ven.", "sam."],
        "months": [
            "janvier",
            "février",
            "mars",
            "avril",
            "mai",
            "juin",
            "juillet",
            "août",
            "septembre",
            "octobre",
            "novembre",
            "décembre",
        ],
        "shortMonths": [
            "janv.",
            "févr.",
            "mars",
            "avr.",
            "mai",
            "juin",
            "juil.",
            "août",
            "sept.",
            "oct.",
            "nov.",
            "déc.",
        ],
        "date": "%d/%m/%Y",
        "decimal": ",",
        "thousands": "\u202f",
    },
}
"""plotly.js locale for French month and day names on the date axis and the mode bar's words
(registered in the page)."""


def plotly_config(lang: str) -> dict[str, Any]:
    """The plotly.js config of every chart: no logo, no link to plotly's cloud, the page's locale."""
    return {
        "displaylogo": False,
        "responsive": False,  # the page's script sizes every chart (screen, phone, print)
        "scrollZoom": False,
        "showLink": False,
        "showSendToCloud": False,
        "showEditInChartStudio": False,
        "modeBarButtonsToRemove": ["select2d", "lasso2d", "autoScale2d"],
        "toImageButtonOptions": {"filename": "roadmap-gantt"},
        "locale": lang,
    }


def safe_json(value: Any) -> str:
    """JSON that cannot end or confuse the ``<script>`` element holding it.

    Inside a script element only ``</`` (closing it) and ``<!--``/``<script`` (the parser's
    escaped states) matter: each such ``<`` becomes ``\\u003c``. Other ``<`` (plotly's own
    ``<br>``, ``<b>``) stay readable and small; user text never has a raw ``<`` here anyway.
    """
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    text = _SCRIPT_BREAKERS.sub(r"\\u003c", text)
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def _compact(layout: dict[str, Any]) -> tuple[dict[str, Any], list[list[str]]]:
    """The layout without what the script adds back, and the days-off spans."""
    off = [[shape["x0"], shape["x1"]] for shape in layout["shapes"] if shape.get("name") == "non-working"]
    layout = {**layout, "shapes": [shape for shape in layout["shapes"] if shape.get("name") != "non-working"]}
    return layout, off


OFF_SHAPE: dict[str, Any] = {
    "type": "rect",
    "name": "non-working",
    "xref": "x",
    "yref": "paper",
    "y0": 0,
    "y1": 1,
    "fillcolor": NON_WORKING,
    "line": {"width": 0},
    "layer": "below",
}
"""A day-off shape without its dates (the script adds them)."""


def page_payload(ctx: RenderContext, sections: list[Section] | None = None) -> dict[str, Any]:
    """The data the page's script draws from (see :data:`PAGE_SCRIPT_CONTRACT`).

    Built from the plan directly, in one pass per chart; hover labels are built once.
    """
    plan, lang = ctx.plan, ctx.lang
    sections = sections or []
    markers = tuple(marker for section in sections for marker in section.markers)
    tasks = list(plan.tasks)
    hovers = hover_texts(plan, lang)
    n_links = sum(len(task.predecessors) for task in tasks)
    whole = figure_spec(plan, lang, markers=markers, page=True)
    layout = whole["layout"]
    if n_links > WHOLE_CHART_LINKS:  # the links stay in the data for the stage charts
        legend = [str(tr["name"]) for tr in whole["data"] if tr.get("showlegend", True) and tr["uid"] != "links"]
        lines = dated_lines(plan, lang, markers)
        layout = chart_layout(plan, tasks, lang, legend, lines, bottom_axis="xaxis2" in layout, tick_labels=False)
    figures = [{"id": "all", "stage": None, "layout": layout}]
    by_stage: dict[str, list[Task]] = {}
    for task in tasks:
        by_stage.setdefault(task.stage, []).append(task)
    for index, summary in enumerate(plan.stages):
        spec = figure_spec(
            plan,
            lang,
            stage=summary.id,
            markers=markers,
            tasks=by_stage.get(summary.id, []),
            layout_only=True,  # the script draws a stage's chart from the whole chart's data
        )
        figures.append({"id": f"stage-{summary.id}", "stage": index, "layout": spec["layout"]})
    off: dict[str, list[list[str]]] = {}
    for fig in figures:
        fig["layout"], off[fig["id"]] = _compact(fig["layout"])
    stage_index = {s.id: i for i, s in enumerate(plan.stages)}
    return {
        "config": plotly_config(lang),
        "locale": FR_LOCALE if lang == "fr" else None,
        "wholeLinks": n_links <= WHOLE_CHART_LINKS,
        "traces": whole["data"],
        "strings": [hovers[task.id] for task in tasks],
        "rows": {
            "stage": [stage_index.get(task.stage, -1) for task in tasks],
            "labels": row_labels(tasks),
            "start": [(bar_end(task) if task.milestone else task.start).isoformat() for task in tasks],
            "end": [bar_end(task).isoformat() for task in tasks],
        },
        "figures": figures,
        "off": off,
        "offShape": OFF_SHAPE,
        "sizes": {
            "row": ROW_PX,
            "phoneRow": PHONE_ROW_PX,
            "narrow": NARROW,
            "print": PRINT_WIDTH,
            "marginTop": MARGIN_TOP,
            "bottomAxis": BOTTOM_AXIS_PX,
            "legendRow": LEGEND_ROW_PX,
            "legendTop": LEGEND_TOP_PX,
            "legendEntry": LEGEND_ENTRY_PX,
            "legendChar": LEGEND_CHAR_PX,
        },
        "sections": [{"id": sec.id, "data": sec.data, "chart": sec.chart} for sec in sections],
    }


def assumptions(ctx: RenderContext) -> list[str]:
    """What the plan assumes: each library default it uses for a question the file leaves open
    (labelled as an assumption, apart from the answers given), the questions with neither an
    answer nor a default, then the plan's warnings."""
    from roadmap.render.honest import assumption_context

    lang = ctx.lang
    found = assumption_context(ctx.plan)
    out = [t(lang, "report_assumed_item", question=a["question"], answer=a["answer"]) for a in found["assumed"]]
    out += [t(lang, "report_unanswered_item", question=u["question"]) for u in found["unanswered"]]
    return out + list(ctx.plan.warnings)


PLAN_FIELDS = ("stages", "dropped", "risks", "warnings", "calendar", "as_of", "start", "finish", "working_days")
"""The fields of the plan the bundled ``gantt.html.j2`` reads (:meth:`RenderContext.template_plan`)."""


def page_context(ctx: RenderContext) -> dict[str, Any]:
    """Everything ``gantt.html.j2`` reads (see the template's header for the list)."""
    return _page_parts(ctx)[0]


def _page_parts(ctx: RenderContext) -> tuple[dict[str, Any], dict[str, Any]]:
    """The template's context and the charts' payload it holds as JSON."""
    from markupsafe import Markup

    plan, lang = ctx.plan, ctx.lang
    sections = extra_sections(ctx)
    payload = page_payload(ctx, sections)
    n_links = sum(len(task.predecessors) for task in plan.tasks)
    charts = [("all", t(lang, "report_whole"))] + [
        (f"stage-{s.id}", t(lang, "report_stage_tab", order=s.order, title=s.title)) for s in plan.stages
    ]
    context = {
        "lang": lang,
        "t": lambda key, **values: t(lang, key, **values),
        "days": lambda n: working_days(lang, n),
        "plan": ctx.template_plan(PLAN_FIELDS),  # its tasks are in the payload
        "brand": branding(plan),
        "company_name": plan.company.name,
        "facts": company_facts(plan, lang),
        "answers": answer_rows(plan),
        "assumptions": assumptions(ctx),
        "band_items": BAND_ITEMS,
        "steps_count": sum(1 for task in plan.tasks if not task.milestone),
        "has_tasks": bool(plan.tasks),
        "slip_column": any(stage.slip_days for stage in plan.stages),
        "weekend": weekday_names(plan.calendar.weekend, lang),
        "colours": stage_colours(plan),
        "charts": [{"id": cid, "label": text} for cid, text in charts],
        "sections": sections,
        "links_note": None if payload["wholeLinks"] else t(lang, "report_links_on_stage_tabs", n=n_links),
        "trim_note": None,
        "payload": Markup(safe_json(payload)),  # noqa: S704 - escaped by safe_json
        "plotly_js": Markup(plotly_js()),  # noqa: S704 - the plotly.js bundle, no user data
    }
    return context, payload


def page_budget(ctx: RenderContext) -> int:
    """Bytes the page may take: under 6 MB up to 1,000 steps, under 12 MB above."""
    steps = sum(1 for task in ctx.plan.tasks if not task.milestone)
    return PAGE_BUDGET if steps <= SMALL_PLAN_STEPS else LARGE_PAGE_BUDGET


def render_page(ctx: RenderContext) -> str:
    """The Gantt page's HTML, within :func:`page_budget` when hover labels can make it fit.

    The page is rendered with every word first. When it is too big (a thousand steps with long
    deliverables), the hover labels are shortened level by level (:data:`HOVER_DETAILS`: fewer
    and shorter deliverables and reasons, then none; the most detailed level that fits, found by
    halving: a few passes at most) and the page says so under the tabs. The size of a level is
    counted from its labels alone; the page is rendered once, with its data.
    """
    from markupsafe import Markup

    from roadmap.templating import plain, render_template

    parts, payload = _page_parts(ctx)
    data = parts["payload"]  # the charts' JSON, kept as it is (megabytes at 10,000 steps: no copies)
    parts["payload"] = Markup("")
    context: dict[str, Any] = plain(parts)  # the page's data, made plain once
    # the page around the data, measured once (no big page rendered twice)
    rest = len(render_template("gantt.html.j2", context, ctx.templates_dir, prepared=True).encode("utf-8"))
    budget = page_budget(ctx)
    size = rest + (len(data) if data.isascii() else len(data.encode("utf-8")))
    if size <= budget:
        context["payload"] = data
        return render_template("gantt.html.j2", context, ctx.templates_dir, prepared=True)
    del data
    tasks = list(ctx.plan.tasks)
    room = budget - (size - len(safe_json(payload["strings"]).encode("utf-8")))
    room -= 2 * len(t(ctx.lang, "report_hover_trimmed").encode("utf-8")) + 2
    levels: dict[int, list[str]] = {}

    def labels(level: int) -> list[str]:
        if level not in levels:
            hovers = hover_texts(ctx.plan, ctx.lang, detail=HOVER_DETAILS[level])
            levels[level] = [hovers[task.id] for task in tasks]
        return levels[level]

    def fits(level: int) -> bool:
        return len(safe_json(labels(level)).encode("utf-8")) <= room

    low, high = 1, len(HOVER_DETAILS) - 1  # the most detailed level that fits: labels shrink level by level
    if fits(high):
        while low < high:
            middle = (low + high) // 2
            if fits(middle):
                high = middle
            else:
                low = middle + 1
    payload["strings"] = labels(high)
    context["payload"] = Markup(safe_json(payload))  # noqa: S704 - escaped by safe_json
    context["trim_note"] = t(ctx.lang, "report_hover_trimmed")
    return render_template("gantt.html.j2", context, ctx.templates_dir, prepared=True)


def render(ctx: RenderContext) -> bytes:
    """gantt.html: byte-identical for the same plan, under 6 MB (see :func:`render_page`)."""
    from roadmap.yamlio import gc_paused

    with gc_paused():  # many small strings and lists, no cycles: the collector would only rescan the plan
        return render_page(ctx).encode("utf-8")
