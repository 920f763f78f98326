"""The starter company file written by ``roadmap init``: every section present and commented."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass

from roadmap.errors import Diagnostic, InputError
from roadmap.i18n import t
from roadmap.models import Industry

SCHEMA_REF = "./company.schema.json"
"""Where the ``# yaml-language-server: $schema=`` line points (``roadmap schema`` writes it)."""

_COMMENT_COLUMN = 28


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
            problems.append(Diagnostic(field, 0, 0, err["msg"], param=True))
    if facts.country is not None and not any(d.file == "country" for d in problems):
        try:
            default_weekend(facts.country)
        except ValueError:
            message = f"unknown country code '{facts.country}' (e.g. FR, DE, RU)"
            problems.append(Diagnostic("country", 0, 0, message, param=True))
    if facts.start is not None and not EARLIEST <= facts.start <= LATEST:
        message = f"{facts.start} is outside {EARLIEST.year}–{LATEST.year}"
        problems.append(Diagnostic("start", 0, 0, message, param=True))
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
        return t(lang, "starter_" + key, **values)

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
