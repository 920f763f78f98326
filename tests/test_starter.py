"""The starter company file of ``roadmap init`` (roadmap/starter.py)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from roadmap.company import load_company
from roadmap.errors import InputError
from roadmap.library import load_library
from roadmap.starter import StarterFacts, check_facts, next_monday, starter_text

LIBRARY = load_library()
WEDNESDAY = dt.date(2027, 1, 6)


@pytest.mark.parametrize("offset", range(7))
def test_next_monday_is_the_first_monday_strictly_after(offset: int) -> None:
    today = dt.date(2027, 1, 4) + dt.timedelta(days=offset)  # Monday 4 January 2027 + 0..6
    monday = next_monday(today)
    assert monday.weekday() == 0
    assert today < monday <= today + dt.timedelta(days=7)
    assert monday == dt.date(2027, 1, 11)


def write(tmp_path: Path, facts: StarterFacts, today: dt.date = WEDNESDAY) -> Path:
    path = tmp_path / "company.yaml"
    path.write_text(starter_text(facts, today, roles=list(LIBRARY.roles)), encoding="utf-8")
    return path


def test_starter_validates_and_carries_the_facts(tmp_path: Path) -> None:
    facts = StarterFacts(
        name="Acme", employees=640, industry="construction", country="DE", branches=4, hierarchy_levels=5
    )
    data = load_company(write(tmp_path, facts), LIBRARY).data
    company = data.company
    assert (company.name, company.employees, company.industry, company.country) == ("Acme", 640, "construction", "DE")
    assert (company.branches, company.hierarchy_levels) == (4, 5)
    assert data.plan.start == dt.date(2027, 1, 11)
    assert data.answers == {} and data.team == {} and data.progress == {} and data.report is None


def test_starter_layout(tmp_path: Path) -> None:
    text = starter_text(StarterFacts(name="Acme", employees=300), WEDNESDAY, roles=["pm", "it"])
    lines = text.splitlines()
    assert lines[0] == "# yaml-language-server: $schema=./company.schema.json"
    for section in ("company:", "plan:", "team: {}", "answers: {}", "progress: {}", "# report:"):
        assert section in lines
    assert "  # country: FR" in text  # no country given: left as a commented example
    assert "# Roles: pm, it." in lines
    assert text.endswith("\n") and "\t" not in text
    assert text == starter_text(StarterFacts(name="Acme", employees=300), WEDNESDAY, roles=["pm", "it"])


def test_given_start_wins_over_next_monday(tmp_path: Path) -> None:
    facts = StarterFacts(name="Acme", employees=300, start=dt.date(2027, 3, 3))
    assert load_company(write(tmp_path, facts), LIBRARY).data.plan.start == dt.date(2027, 3, 3)


@pytest.mark.parametrize(
    "name",
    ['Acme: #1 "Co"', "no", "123", "  Spaced  ", "Société Générale — Ω", "[weird]", "{x}", "a\nb", "'q'", "@home"],
)
def test_any_company_name_survives(tmp_path: Path, name: str) -> None:
    facts = StarterFacts(name=name, employees=300)
    assert load_company(write(tmp_path, facts), LIBRARY).data.company.name == name


@pytest.mark.parametrize(
    ("facts", "flag"),
    [
        (StarterFacts(name="", employees=300), "name"),
        (StarterFacts(name="A", employees=0), "employees"),
        (StarterFacts(name="A", employees=300, country="XX"), "country"),
        (StarterFacts(name="A", employees=300, country="fra"), "country"),
        (StarterFacts(name="A", employees=300, branches=-1), "branches"),
        (StarterFacts(name="A", employees=300, hierarchy_levels=0), "hierarchy_levels"),
        (StarterFacts(name="A", employees=300, start=dt.date(1900, 1, 1)), "start"),
    ],
)
def test_bad_facts_name_the_parameter(facts: StarterFacts, flag: str) -> None:
    with pytest.raises(InputError) as info:
        check_facts(facts)
    assert [(d.file, d.param) for d in info.value.diagnostics] == [(flag, True)]


def test_good_facts_pass() -> None:
    check_facts(StarterFacts(name="A", employees=300, country="FR", start=dt.date(2027, 1, 11)))
