"""The starter company file written by ``roadmap init``: every section present and commented."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass

from roadmap.errors import Diagnostic, InputError
from roadmap.models import Industry

SCHEMA_REF = "./company.schema.json"
"""Where the ``# yaml-language-server: $schema=`` line points (``roadmap schema`` writes it)."""

_COMMENT_COLUMN = 28

_WORDS: dict[str, tuple[str, str]] = {
    "title": (
        "The company file of {name} for `roadmap`, the intranet portal rollout planner.",
        "Le fichier d'entreprise de {name} pour `roadmap`, le planificateur du déploiement du portail intranet.",
    ),
    "schema": (
        "Editor completion and checks: write the schema beside this file with",
        "Complétion et contrôles dans l'éditeur : écrivez le schéma à côté de ce fichier avec",
    ),
    "next": (
        "Next: `roadmap ask {file}` answers the stage questionnaires, `roadmap plan {file}` writes the plan.",
        "Ensuite : `roadmap ask {file}` répond aux questionnaires des étapes, `roadmap plan {file}` écrit le plan.",
    ),
    "company": ("Facts that scale and shape the plan.", "Les faits qui dimensionnent et façonnent le plan."),
    "industry": ("manufacturing | construction | services | other", "manufacturing | construction | services | other"),
    "employees": (
        "headcount; the method fits 150–3,000 people",
        "effectif ; la méthode convient de 150 à 3 000 personnes",
    ),
    "levels": ("levels of management", "niveaux hiérarchiques"),
    "branches": ("branch offices besides the head office", "filiales en plus du siège"),
    "country": (
        "ISO code: public holidays and the default weekend",
        "code ISO : jours fériés et week-end par défaut",
    ),
    "plan": ("When and how to plan.", "Quand et comment planifier."),
    "start": ("first possible day of work", "premier jour de travail possible"),
    "start_monday": (
        "first possible day of work (the next Monday)",
        "premier jour de travail possible (le lundi suivant)",
    ),
    "holidays": (
        "company days off besides public holidays, e.g. [2027-05-07]",
        "jours chômés de l'entreprise en plus des jours fériés, p. ex. [2027-05-07]",
    ),
    "exclude": (
        "stages or steps left out by choice, e.g. [crm]",
        "étapes ou tâches écartées par choix, p. ex. [crm]",
    ),
    "team": (
        "How many steps needing each role may run at once (1 when not listed), e.g.",
        "Combien de tâches demandant chaque rôle peuvent avancer en même temps (1 si absent), p. ex.",
    ),
    "roles": ("Roles: {roles}.", "Rôles : {roles}."),
    "no_roles": ("see `roadmap stages`", "voir `roadmap stages`"),
    "answers": (
        "The answers to the stage questionnaires, question id → answer: `roadmap ask {file}`",
        "Les réponses aux questionnaires des étapes, id de question → réponse : `roadmap ask {file}`",
    ),
    "answers2": (
        "fills them in (`roadmap show QUESTION_ID` explains a question).",
        "les remplit (`roadmap show ID_QUESTION` explique une question).",
    ),
    "progress": (
        "What has happened so far, step id → status (planned | in_progress | done), e.g.",
        "Ce qui a été fait jusqu'ici, id de tâche → statut (planned | in_progress | done), p. ex.",
    ),
    "report": ("Report branding (optional): uncomment to use.", "Habillage des rapports (facultatif) : décommentez."),
    "report_title": ("Intranet portal rollout", "Déploiement du portail intranet"),
    "consultant": ("Your name", "Votre nom"),
    "logo": ("PNG, JPEG or SVG, relative to this file", "PNG, JPEG ou SVG, relatif à ce fichier"),
}
"""The starter file's comments in English and French."""

FLAGS = {
    "name": "--name",
    "employees": "--employees",
    "industry": "--industry",
    "country": "--country",
    "branches": "--branches",
    "hierarchy_levels": "--levels",
    "start": "--start",
}
"""Company fact → the ``init`` option that gives it."""


@dataclass(frozen=True)
class StarterFacts:
    """The company facts a starter file is written with."""

    name: str
    employees: int
    industry: Industry = "other"
    country: str | None = None
    """ISO 3166 alpha-2 code, or None to leave it commented out."""
    branches: int = 0
    hierarchy_levels: int = 3
    start: dt.date | None = None
    """First day of work; None: the Monday after the day the file is made."""


def next_monday(today: dt.date) -> dt.date:
    """The first Monday strictly after ``today``."""
    return today + dt.timedelta(days=7 - today.weekday())


def check_facts(facts: StarterFacts) -> None:
    """Refuse facts the company file would reject, naming the ``init`` option to fix."""
    from pydantic import ValidationError

    from roadmap.calendar import default_weekend
    from roadmap.company import EARLIEST, LATEST
    from roadmap.models import Company

    problems: list[Diagnostic] = []
    try:
        Company(
            name=facts.name,
            industry=facts.industry,
            employees=facts.employees,
            hierarchy_levels=facts.hierarchy_levels,
            branches=facts.branches,
            country=facts.country,
        )
    except ValidationError as exc:
        for err in exc.errors():
            field = str(err["loc"][0]) if err["loc"] else "name"
            problems.append(Diagnostic(FLAGS.get(field, field), 0, 0, err["msg"]))
    if facts.country is not None and not any(d.file == "--country" for d in problems):
        try:
            default_weekend(facts.country)
        except ValueError:
            problems.append(Diagnostic("--country", 0, 0, f"unknown country code '{facts.country}' (e.g. FR, DE, RU)"))
    if facts.start is not None and not EARLIEST <= facts.start <= LATEST:
        problems.append(Diagnostic("--start", 0, 0, f"{facts.start} is outside {EARLIEST.year}–{LATEST.year}"))
    if problems:
        raise InputError(problems)


def starter_text(
    facts: StarterFacts,
    today: dt.date,
    roles: Sequence[str] = (),
    file_name: str = "company.yaml",
    lang: str = "en",
) -> str:
    """The text of a starter company file; ``today`` dates ``plan.start`` when no start is given.

    ``roles`` (the library's role ids) are listed in the ``team`` comment; ``file_name`` is the
    name the comments use in example commands; ``lang`` (en or fr) is the comments' language.
    """

    def w(key: str, **values: str) -> str:
        en, fr = _WORDS[key]
        return (fr if lang == "fr" else en).format(**values)

    file = _one_line(file_name)
    start = facts.start or next_monday(today)
    country = (
        _line("country", facts.country, w("country"))
        if facts.country
        else f"  # country: FR             # {w('country')}"
    )
    lines = [
        f"# yaml-language-server: $schema={SCHEMA_REF}",
        "# " + w("title", name=_one_line(facts.name)),
        "# " + w("schema"),
        "#   roadmap schema > company.schema.json",
        "# " + w("next", file=file),
        "",
        "# " + w("company"),
        "company:",
        _line("name", _scalar(facts.name)),
        _line("industry", facts.industry, w("industry")),
        _line("employees", str(facts.employees), w("employees")),
        _line("hierarchy_levels", str(facts.hierarchy_levels), w("levels")),
        _line("branches", str(facts.branches), w("branches")),
        country,
        "",
        "# " + w("plan"),
        "plan:",
        _line("start", start.isoformat(), w("start" if facts.start else "start_monday")),
        _line("holidays", "[]", w("holidays")),
        _line("exclude", "[]", w("exclude")),
        "",
        "# " + w("team"),
        "#   team: {implementer: 2, it: 1}",
        "# " + w("roles", roles=", ".join(roles) or w("no_roles")),
        "team: {}",
        "",
        "# " + w("answers", file=file),
        "# " + w("answers2"),
        "answers: {}",
        "",
        "# " + w("progress"),
        "#   setup.kickoff: {status: done, start: 2027-01-11, finish: 2027-01-14}",
        "progress: {}",
        "",
        "# " + w("report"),
        "# report:",
        f"#   title: {w('report_title')}",
        f"#   consultant: {w('consultant')}",
        '#   accent: "#1f6feb"',
        f"#   logo: logo.png           # {w('logo')}",
    ]
    return "\n".join(lines) + "\n"


def _line(key: str, value: str, comment: str | None = None) -> str:
    text = f"  {key}: {value}"
    if comment is None:
        return text
    return f"{text.ljust(_COMMENT_COLUMN - 1)} # {comment}"


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _scalar(text: str) -> str:
    """``text`` as a YAML scalar: plain when it reads back the same, else double-quoted."""
    import yaml

    try:
        plain = yaml.safe_load(text) == text and text == _one_line(text)
    except yaml.YAMLError:
        plain = False
    return text if plain else json.dumps(text, ensure_ascii=False)
