"""The Gantt page around the charts: their data for the page's script, the facts beside them.

The whole-roadmap chart and the stage charts are drawn in the browser from one JSON payload
(hover texts stored once), with the plotly.js bundle inline: the page works offline.
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any

from roadmap.i18n import t
from roadmap.render import RenderContext
from roadmap.render.facts import answer_rows, branding, company_facts, weekday_names, working_days
from roadmap.render.forecast_section import forecast_section
from roadmap.render.gantt import HOVER_DETAILS, build_figure, hover_text, plotly_js, stage_colours
from roadmap.render.honest import assumption_context

if TYPE_CHECKING:
    import plotly.graph_objects as go

WHOLE_CHART_LINKS = 500
"""Above this many dependencies the whole-roadmap chart leaves arrows to the stage charts
(they would hide the bars, and the page must stay small)."""
PAGE_DATA_KEYS = ("hovertext",)
PAGE_BUDGET = 5_950_000
"""Bytes a page may take (the promise is under 6 MB): past it, hover labels say less."""
_SCRIPT_BREAKERS = re.compile(r"<(?=[/!?]|script)", re.IGNORECASE)

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
        "responsive": True,
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


def page_payload(figures: list[tuple[str, go.Figure]], lang: str) -> dict[str, Any]:
    """The data the page's script draws from: figures, config, locale; hover texts shared once.

    The whole-roadmap chart and the stage charts show the same hover texts: each is stored once
    in ``strings`` and the traces keep its index (the page puts the text back before drawing).
    """
    index: dict[str, int] = {}
    out = []
    for fig_id, fig in figures:
        spec = fig.to_plotly_json()
        for trace in spec["data"]:
            for key in PAGE_DATA_KEYS:
                values = trace.get(key)
                if isinstance(values, list | tuple):
                    trace[key] = [index.setdefault(v, len(index)) for v in values]
        out.append({"id": fig_id, "data": spec["data"], "layout": spec["layout"]})
    return {
        "config": plotly_config(lang),
        "locale": FR_LOCALE if lang == "fr" else None,
        "figures": out,
        "strings": list(index),
    }


def page_context(ctx: RenderContext) -> dict[str, Any]:
    """Everything ``gantt.html.j2`` reads (see the template's header for the list)."""
    return _page_parts(ctx)[0]


def _page_parts(ctx: RenderContext) -> tuple[dict[str, Any], dict[str, Any]]:
    """The template's context and the charts' payload it holds as JSON."""
    from markupsafe import Markup

    plan, lang = ctx.plan, ctx.lang
    n_links = sum(len(task.predecessors) for task in plan.tasks)
    whole_arrows = n_links <= WHOLE_CHART_LINKS
    whole = build_figure(plan, lang, library=ctx.library, arrows=whole_arrows)
    charts = [("all", t(lang, "report_whole"), whole)] + [
        (
            f"stage-{s.id}",
            t(lang, "report_stage_tab", order=s.order, title=s.title),
            build_figure(plan, lang, stage=s.id, library=ctx.library),
        )
        for s in plan.stages
    ]
    payload = page_payload([(cid, fig) for cid, _, fig in charts], lang)
    context = {
        "lang": lang,
        "t": lambda key, **values: t(lang, key, **values),
        "days": lambda n: working_days(lang, n),
        "plan": plan,
        "brand": branding(ctx),
        "company_name": str(plan.company.get("name", "")),
        "facts": company_facts(plan, lang),
        "answers": answer_rows(plan, ctx.library, lang),
        **assumption_context(plan, ctx.library, lang),  # issue 9: assumed and unanswered
        "weekend": weekday_names(plan.calendar.weekend, lang),
        "colours": stage_colours(plan),
        "charts": [{"id": cid, "label": text} for cid, text, _ in charts],
        "links_note": None if whole_arrows else t(lang, "report_links_on_stage_tabs", n=n_links),
        "trim_note": None,
        "payload": Markup(safe_json(payload)),  # noqa: S704 - escaped by safe_json
        "plotly_js": Markup(plotly_js()),  # noqa: S704 - the plotly.js bundle, no user data
        "load_chart": Markup(load_section(ctx)),  # noqa: S704 - escaped by load_chart_html
    }
    context["forecast_html"] = forecast_section(plan, lang)  # issue 16: the forecast section, or ""
    return context, payload


def load_section(ctx: RenderContext) -> str:
    """The load-per-role section (issue 12): self-contained HTML, user strings escaped."""
    from roadmap.effort import load_chart_html

    titles = {rid: role.title.get(ctx.lang) for rid, role in ctx.library.roles.items()}
    return load_chart_html(ctx.plan, titles, ctx.lang)


def render_page(ctx: RenderContext) -> str:
    """The Gantt page's HTML, within :data:`PAGE_BUDGET` when hover labels can make it fit.

    The page is rendered with every word first. When it is too big (a thousand steps with long
    deliverables), the hover labels are shortened level by level (:data:`HOVER_DETAILS`: fewer
    and shorter deliverables and reasons, then none) and the page says so under the tabs.
    """
    from markupsafe import Markup

    from roadmap.templating import render_template

    context, payload = _page_parts(ctx)
    text = render_template("gantt.html.j2", context, ctx.templates_dir)
    if len(text.encode("utf-8")) <= PAGE_BUDGET:
        return text
    by_text = {hover_text(task, ctx.plan, ctx.lang, ctx.library): task for task in ctx.plan.tasks}
    tasks = [by_text[value] for value in payload["strings"]]
    for detail in HOVER_DETAILS[1:]:
        payload["strings"] = [hover_text(task, ctx.plan, ctx.lang, ctx.library, detail) for task in tasks]
        context["payload"] = Markup(safe_json(payload))  # noqa: S704 - escaped by safe_json
        context["trim_note"] = t(ctx.lang, "report_hover_trimmed")
        text = render_template("gantt.html.j2", context, ctx.templates_dir)
        if len(text.encode("utf-8")) <= PAGE_BUDGET:
            break
    return text
