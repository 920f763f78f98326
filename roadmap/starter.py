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
    facts: StarterFacts, today: dt.date, roles: Sequence[str] = (), file_name: str = "company.yaml"
) -> str:
    """The text of a starter company file; ``today`` dates ``plan.start`` when no start is given.

    ``roles`` (the library's role ids) are listed in the ``team`` comment; ``file_name`` is the
    name the comments use in example commands.
    """
    file = _one_line(file_name)
    start = facts.start or next_monday(today)
    start_note = "first possible day of work" if facts.start else "first possible day of work (the next Monday)"
    country = (
        _line("country", facts.country, "ISO code: public holidays and the default weekend")
        if facts.country
        else "  # country: FR             # ISO code: public holidays and the default weekend"
    )
    role_list = ", ".join(roles) or "see `roadmap stages`"
    lines = [
        f"# yaml-language-server: $schema={SCHEMA_REF}",
        f"# The company file of {_one_line(facts.name)} for `roadmap`, the intranet portal rollout planner.",
        "# Editor completion and checks: write the schema beside this file with",
        "#   roadmap schema > company.schema.json",
        f"# Next: `roadmap ask {file}` answers the stage questionnaires, `roadmap plan {file}` writes the plan.",
        "",
        "# Facts that scale and shape the plan.",
        "company:",
        _line("name", _scalar(facts.name)),
        _line("industry", facts.industry, "manufacturing | construction | services | other"),
        _line("employees", str(facts.employees), "headcount; the method fits 150–3,000 people"),
        _line("hierarchy_levels", str(facts.hierarchy_levels), "levels of management"),
        _line("branches", str(facts.branches), "branch offices besides the head office"),
        country,
        "",
        "# When and how to plan.",
        "plan:",
        _line("start", start.isoformat(), start_note),
        _line("holidays", "[]", "company days off besides public holidays, e.g. [2027-05-07]"),
        _line("exclude", "[]", "stages or steps left out by choice, e.g. [crm]"),
        "",
        "# How many steps needing each role may run at once (1 when not listed), e.g.",
        "#   team: {implementer: 2, it: 1}",
        f"# Roles: {role_list}.",
        "team: {}",
        "",
        f"# The answers to the stage questionnaires, question id → answer: `roadmap ask {file}`",
        "# fills them in (`roadmap show QUESTION_ID` explains a question).",
        "answers: {}",
        "",
        "# What has happened so far, step id → status (planned | in_progress | done), e.g.",
        "#   setup.kickoff: {status: done, start: 2027-01-11, finish: 2027-01-14}",
        "progress: {}",
        "",
        "# Report branding (optional): uncomment to use.",
        "# report:",
        "#   title: Intranet portal rollout",
        "#   consultant: Your name",
        '#   accent: "#1f6feb"',
        "#   logo: logo.png           # PNG, JPEG or SVG, relative to this file",
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
