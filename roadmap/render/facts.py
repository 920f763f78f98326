"""What the Gantt page and the checklist say beside the dates, in the reader's words.

Role titles, answers shown as their option labels, unanswered questions, company facts and the
consultant's branding (logo embedded as a ``data:`` URI). Plain data for the templates: the
templates escape it.
"""

from __future__ import annotations

import base64
from typing import Any

from roadmap.errors import InputError
from roadmap.i18n import t
from roadmap.models import Library, Question, Stage
from roadmap.plan import Plan
from roadmap.render import RenderContext
from roadmap.wording import answer_text

DEFAULT_ACCENT = "#1f5f8b"


def working_days(lang: str, days: int) -> str:
    """``"4 working days"``, ``"1 working day"`` in ``lang``."""
    return t(lang, "report_hover_one_day") if days == 1 else t(lang, "report_hover_days", days=days)


def role_titles(library: Library, roles: tuple[str, ...] | list[str], lang: str) -> list[str]:
    """The titles of role ids (the id itself when the library does not know it)."""
    return [library.roles[r].title.get(lang) if r in library.roles else r for r in roles]


def format_answer(question: Question | None, value: Any, lang: str) -> str:
    """An answer as the reader knows it: option labels, yes/no, the number or text."""
    return answer_text(question, value, lang, nothing=None)


def answer_rows(plan: Plan, library: Library, lang: str) -> list[dict[str, str]]:
    """The answers the plan used: question text and answer, in library order."""
    order = {q.id: i for i, (_, q) in enumerate(library.questions())}
    rows = []
    for qid in sorted(plan.answers, key=lambda q: (order.get(q, len(order)), q)):
        question = library.question(qid)
        rows.append(
            {
                "id": qid,
                "question": question.text.get(lang) if question else qid,
                "answer": format_answer(question, plan.answers[qid], lang),
            }
        )
    return rows


def unanswered(
    stage: Stage, answers: dict[str, Any], lang: str, applicable: set[str] | None = None, country: str | None = None
) -> list[dict[str, str | None]]:
    """The stage's questions with no answer in the company file, and what is assumed meanwhile.

    With ``applicable``, a question whose ``when`` does not hold for this company is left out.
    """
    out: list[dict[str, str | None]] = []
    for question in stage.questions:
        if question.id in answers or (applicable is not None and question.id not in applicable):
            continue
        assumed = question.default_for(country)  # a country's own default where the library gives one
        default = None if assumed is None else format_answer(question, assumed, lang)
        out.append({"id": question.id, "text": question.text.get(lang), "default": default})
    return out


def company_facts(plan: Plan, lang: str) -> list[tuple[str, str]]:
    """Label → value rows describing the company."""
    company = plan.company
    rows = [
        (t(lang, "fact_employees"), str(company.get("employees", ""))),
        (t(lang, "fact_hierarchy_levels"), str(company.get("hierarchy_levels", ""))),
        (t(lang, "fact_branches"), str(company.get("branches", ""))),
    ]
    industry = company.get("industry")
    if industry:
        key = f"report_industry_{industry}"
        rows.insert(0, (t(lang, "report_industry"), t(lang, key) if _known(key) else str(industry)))
    if company.get("country"):
        rows.append((t(lang, "report_country"), str(company["country"])))
    return rows


def weekday_names(days: tuple[str, ...], lang: str) -> list[str]:
    """``("sat", "sun")`` → ``["Saturday", "Sunday"]``."""
    return [t(lang, f"report_weekday_{d}") if _known(f"report_weekday_{d}") else d for d in days]


def branding(ctx: RenderContext) -> dict[str, str | None]:
    """Title, consultant, accent colour and logo (a data URI) from the company file's ``report:``."""
    report = ctx.company.data.report
    name = str(ctx.plan.company.get("name", ""))
    title = (report.title if report else None) or t(ctx.lang, "report_title", company=name)
    return {
        "title": title,
        "consultant": report.consultant if report else None,
        "accent": (report.accent if report else None) or DEFAULT_ACCENT,
        "logo": logo_data_uri(ctx) if report and report.logo else None,
    }


def logo_data_uri(ctx: RenderContext) -> str | None:
    """The logo file, relative to the company file, as a ``data:`` URI with its own MIME type.

    Checked by :func:`roadmap.logo.read_logo`: a small, inert image inside the company file's folder.
    """
    from roadmap.logo import LogoError, read_logo

    report = ctx.company.data.report
    if report is None or not report.logo:
        return None
    try:
        data, mime = read_logo(ctx.company.path.parent, report.logo)
    except LogoError as exc:
        raise InputError([ctx.company.source.diagnostic(("report", "logo"), str(exc))]) from None
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"


def _known(key: str) -> bool:
    from roadmap.i18n import MESSAGES

    return key in MESSAGES
