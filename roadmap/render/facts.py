"""What the Gantt page and the checklist say beside the dates, in the reader's words.

Role titles, answers shown as their option labels, unanswered questions, company facts and the
consultant's branding (logo embedded as a ``data:`` URI). Plain data for the templates: the
templates escape it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from roadmap.i18n import t

if TYPE_CHECKING:
    from roadmap.plan import Plan

DEFAULT_ACCENT = "#1f5f8b"


def working_days(lang: str, days: int) -> str:
    """``"4 working days"``, ``"1 working day"`` in ``lang``."""
    return t(lang, "report_hover_one_day") if days == 1 else t(lang, "report_hover_days", days=days)


def role_titles(plan: Plan, roles: tuple[str, ...] | list[str]) -> list[str]:
    """The titles of role ids (the id itself when the library does not know it)."""
    return [plan.role_titles.get(r, r) for r in roles]


def answer_rows(plan: Plan) -> list[dict[str, str]]:
    """The answers the plan used: question text and answer, in library order."""
    order = {qid: i for i, qid in enumerate(plan.questions)}
    rows = []
    for qid in sorted(plan.answers, key=lambda q: (order.get(q, len(order)), q)):
        words = plan.questions.get(qid)
        answer = words.answer if words and words.answer is not None else str(plan.answers[qid])
        rows.append({"id": qid, "question": words.text if words else qid, "answer": answer})
    return rows


def company_facts(plan: Plan, lang: str) -> list[tuple[str, str]]:
    """Label → value rows describing the company."""
    company = plan.company
    rows = [
        (t(lang, "fact_employees"), str(company.employees)),
        (t(lang, "fact_hierarchy_levels"), str(company.hierarchy_levels)),
        (t(lang, "fact_branches"), str(company.branches)),
    ]
    industry = company.industry
    if industry:
        key = f"report_industry_{industry}"
        rows.insert(0, (t(lang, "report_industry"), t(lang, key) if _known(key) else str(industry)))
    if company.country:
        rows.append((t(lang, "report_country"), company.country))
    return rows


def weekday_names(days: tuple[str, ...], lang: str) -> list[str]:
    """``("sat", "sun")`` → ``["Saturday", "Sunday"]``."""
    return [t(lang, f"report_weekday_{d}") if _known(f"report_weekday_{d}") else d for d in days]


def branding(plan: Plan) -> dict[str, str | None]:
    """Title, consultant, accent colour and logo (a data URI) from the company file's ``report:``."""
    report = plan.branding
    name = plan.company.name
    title = (report.title if report else None) or t(plan.lang, "report_title", company=name)
    return {
        "title": title,
        "consultant": report.consultant if report else None,
        "accent": (report.accent if report else None) or DEFAULT_ACCENT,
        "logo": report.logo if report else None,
    }


def _known(key: str) -> bool:
    from roadmap.i18n import MESSAGES

    return key in MESSAGES
