"""The words and branding the reports print beside the dates, resolved once for the Plan (issue 11).

Renderers read the Plan only: what they used to fetch from the company file and the library
(role titles, each stage's goal, resources, results and open questions, the question texts and
answers as the reader knows them, the deliverables ticked, the consultant's branding with the
checked logo) is put here into plain, localised data by :func:`report_facts`, called by
:func:`roadmap.plan.build_plan`.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field

from roadmap.wording import answer_text

if TYPE_CHECKING:
    from roadmap.company import CompanyInput
    from roadmap.models import CompanyFile, Library, Question, Stage, Step


class Out(BaseModel):
    """Immutable, exact."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class Branding(Out):
    """The company file's ``report:``: how the consultant brands the reports."""

    title: str | None = None
    """The report title the company file gives (None: each report says its default)."""
    consultant: str | None = None
    """Who prepared it."""
    accent: str | None = None
    """Accent colour, ``#rrggbb`` (None: the reports' default)."""
    logo: str | None = Field(default=None, exclude=True)
    """The logo, checked by :func:`roadmap.logo.read_logo`, as a ``data:`` URI with its MIME type.
    Not written to plan.json: up to 2.7 MB of base64 that only gantt.html shows."""


class StageResource(Out):
    """A role to involve in a stage, and what for, in the plan's language."""

    role: str
    """Role id."""
    title: str
    """The role's title (its id when the library does not know it)."""
    why: str


class OpenQuestion(Out):
    """A question of a stage that applies to the company and that its file does not answer."""

    id: str
    text: str
    default: str | None = None
    """What the plan assumes meanwhile (the country's default where the library gives one), as the reader knows it."""


class QuestionWords(Out):
    """A question the plan answers, assumes or leaves open, in the plan's language."""

    text: str
    """The question (its id when the library does not know it)."""
    answer: str | None = None
    """The answer as the reader knows it (option labels, yes/no): the file's answer, or the
    library default the plan assumes; None when unanswered."""


def format_answer(question: Question | None, value: Any, lang: str) -> str:
    """An answer as the reader knows it: option labels, yes/no, the number or text."""
    return answer_text(question, value, lang, nothing=None)


def branding(company: CompanyInput) -> Branding | None:
    """The company file's ``report:``, its logo read and checked (None without ``report:``)."""
    report = company.data.report
    if report is None:
        return None
    return Branding(
        title=report.title,
        consultant=report.consultant,
        accent=report.accent,
        logo=logo_data_uri(company) if report.logo else None,
    )


def logo_data_uri(company: CompanyInput) -> str | None:
    """The logo file, relative to the company file, as a ``data:`` URI with its own MIME type.

    Checked by :func:`roadmap.logo.read_logo`: a small, inert image inside the company file's folder.
    """
    from roadmap.errors import InputError
    from roadmap.logo import LogoError, read_logo

    report = company.data.report
    if report is None or not report.logo:
        return None
    try:
        data, mime = read_logo(company.path.parent, report.logo)
    except LogoError as exc:
        raise InputError([company.source.diagnostic(("report", "logo"), str(exc))]) from None
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"


def role_titles(library: Library, lang: str, roles: set[str]) -> dict[str, str]:
    """Role id → its title in ``lang``, for the ``roles`` the library knows, in the library's order."""
    return {rid: role.title.get(lang) for rid, role in library.roles.items() if rid in roles}


def stage_words(
    stage: Stage,
    titles: dict[str, str],
    answers: Mapping[str, Any],
    applicable: set[str],
    country: str | None,
    lang: str,
) -> dict[str, Any]:
    """A stage's goal, resources, expected results and open questions (``StageSummary`` fields)."""
    return {
        "goal": stage.goal.get(lang),
        "resources": tuple(
            StageResource(role=r.role, title=titles.get(r.role, r.role), why=r.why.get(lang)) for r in stage.resources
        ),
        "results": tuple(r.get(lang) for r in stage.results),
        "open_questions": tuple(_open_questions(stage, answers, applicable, country, lang)),
    }


def _open_questions(
    stage: Stage, answers: Mapping[str, Any], applicable: set[str], country: str | None, lang: str
) -> list[OpenQuestion]:
    out: list[OpenQuestion] = []
    for question in stage.questions:
        if question.id in answers or question.id not in applicable:
            continue
        assumed = question.default_for(country)  # a country's own default where the library gives one
        default = None if assumed is None else format_answer(question, assumed, lang)
        out.append(OpenQuestion(id=question.id, text=question.text.get(lang), default=default))
    return out


def question_words(
    library: Library,
    answers: dict[str, Any],
    assumed: tuple[str, ...],
    unanswered: tuple[str, ...],
    lang: str,
) -> dict[str, QuestionWords]:
    """Question id → its words, for the questions the plan answers, assumes or leaves open.

    In the library's order (ids the library does not know last, sorted); a question assumed but
    unknown to the library is left out.
    """
    order = {q.id: i for i, (_, q) in enumerate(library.questions())}
    out: dict[str, QuestionWords] = {}
    for qid in sorted({*answers, *assumed, *unanswered}, key=lambda q: (order.get(q, len(order)), q)):
        question = library.question(qid)
        text = question.text.get(lang) if question else qid
        if qid in answers:
            out[qid] = QuestionWords(text=text, answer=format_answer(question, answers[qid], lang))
        elif qid in assumed:
            if question is not None:
                out[qid] = QuestionWords(text=text, answer=format_answer(question, question.default, lang))
        else:
            out[qid] = QuestionWords(text=text)
    return out


def wbs_codes(library: Library) -> dict[str, str]:
    """Stable WBS codes: a stage's position in the library, a step's in its stage (the milestone last).

    A dropped stage or step keeps its number for the others: stage 4 is ``4`` whether or not
    stage 2 applies, so codes quoted in a meeting still point at the same work after re-planning.
    """
    codes: dict[str, str] = {}
    for number, stage in enumerate(library.stages, start=1):
        codes[stage.id] = str(number)
        for sub, step in enumerate(stage.steps, start=1):
            codes[step.id] = f"{number}.{sub}"
        codes[stage.milestone_id] = f"{number}.{len(stage.steps) + 1}"
    return codes


_SPACES = re.compile(r"\s+")


def _norm(text: str) -> str:
    return _SPACES.sub(" ", text).strip().casefold()


def match_deliverable(step: Step, item: str | int) -> int | None:
    """Index of the deliverable ``item`` names (its text or its number), else None."""
    token = str(item).strip()
    if token.isdigit():
        k = int(token) - 1
        return k if 0 <= k < len(step.deliverables) else None
    wanted = _norm(token)
    for k, deliverable in enumerate(step.deliverables):
        if wanted in {_norm(deliverable.en), _norm(deliverable.fr or "")}:
            return k
    return None


def delivered(data: CompanyFile, library: Library, step_id: str) -> frozenset[int]:
    """Indexes of the step's deliverables marked done (all of them once the step is done).

    A site's copy ``STEP@SITE`` (issue 17) has its step's deliverables.
    """
    template = step_id.split("@", 1)[0]
    step = next((s for s in library.steps() if s.id == template), None)
    return _delivered(data, step, step_id) if step else frozenset()


def delivered_by_step(data: CompanyFile, library: Library, kept: set[str]) -> dict[str, tuple[int, ...]]:
    """Step id → indexes of its deliverables marked done, for the ``kept`` steps with some (plan order aside).

    A site's copy ``STEP@SITE`` (issue 17) has its step's deliverables.
    """
    if not data.progress:
        return {}
    steps = {s.id: s for s in library.steps()}
    out: dict[str, tuple[int, ...]] = {}
    for sid in data.progress:
        step = steps.get(sid.split("@", 1)[0])
        if step is None or sid not in kept:
            continue
        if done := _delivered(data, step, sid):
            out[sid] = tuple(sorted(done))
    return out


def _delivered(data: CompanyFile, step: Step, sid: str) -> frozenset[int]:
    prog = data.progress.get(sid)
    if prog is None:
        return frozenset()
    if prog.status == "done":
        return frozenset(range(len(step.deliverables)))
    found = (match_deliverable(step, item) for item in prog.deliverables_done)
    return frozenset(k for k in found if k is not None)


__all__ = [
    "Branding",
    "OpenQuestion",
    "QuestionWords",
    "StageResource",
    "branding",
    "delivered",
    "delivered_by_step",
    "format_answer",
    "question_words",
    "role_titles",
    "stage_words",
    "wbs_codes",
]
