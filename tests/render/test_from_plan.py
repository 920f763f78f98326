"""Renderers read the Plan only (issue 11): each test states its input with ``make_plan``."""

from __future__ import annotations

import io
import json
import xml.etree.ElementTree as ET

import pytest
from openpyxl import load_workbook

from roadmap.render import FORMATS, RenderContext, render
from roadmap.report import Branding
from tests.helpers import make_plan

LOGO = "data:image/png;base64,iVBORw0KGgo="


@pytest.mark.parametrize("fmt", [name for name in FORMATS if name != "gantt"])
def test_every_format_renders_a_plan_built_in_code(fmt: str) -> None:
    plan = make_plan()
    data = render(fmt, RenderContext(plan=plan))
    assert data and data == render(fmt, RenderContext(plan=make_plan()))


def test_checklist_takes_the_stage_words_and_ticks_from_the_plan() -> None:
    plan = make_plan()
    text = render("checklist", RenderContext(plan=plan)).decode()
    assert "*Goal:* Get going" in text
    assert "- **Project lead** — Leads" in text
    assert "- [ ] How many sites? `q2` — assumed until answered: One" in text
    assert "  - [x] Licence ordered" in text  # plan.delivered
    assert "  - Roles: Developer" in text  # plan.role_titles
    assert "- [ ] Alpha works" in text


def test_checklist_unticks_a_deliverable_the_plan_does_not_list() -> None:
    text = render("checklist", RenderContext(plan=make_plan(delivered={}))).decode()
    assert "  - [ ] Licence ordered" in text


def test_the_branding_title_names_the_mermaid_chart_and_the_project_file() -> None:
    plan = make_plan(branding=Branding(title="Portal roadmap"))
    assert "    title Portal roadmap\n" in render("mermaid", RenderContext(plan=plan)).decode()
    root = ET.fromstring(render("mspdi", RenderContext(plan=plan)))
    ns = {"p": "http://schemas.microsoft.com/project"}
    assert root.findtext("p:Title", namespaces=ns) == "Portal roadmap"
    assert "    title Acme\n" in render("mermaid", RenderContext(plan=make_plan())).decode()


def test_project_file_names_resources_by_the_plans_role_titles_and_keeps_its_wbs_codes() -> None:
    plan = make_plan(wbs={"alpha": "4", "alpha.one": "4.2"})
    root = ET.fromstring(render("mspdi", RenderContext(plan=plan)))
    ns = {"p": "http://schemas.microsoft.com/project"}
    names = [r.findtext("p:Name", namespaces=ns) for r in root.iterfind("p:Resources/p:Resource", ns)]
    assert {"Project lead", "Developer"} <= set(names)
    wbs = {
        t.findtext("p:Name", namespaces=ns): t.findtext("p:WBS", namespaces=ns) for t in root.iterfind(".//p:Task", ns)
    }
    assert (wbs["Alpha"], wbs["Alpha One"]) == ("4", "4.2")
    assert (wbs["Alpha Two"], wbs["Beta"]) == ("1.2", "2")  # no code in the plan: the outline number


def test_the_workbook_lists_the_answers_in_the_plans_words() -> None:
    wb = load_workbook(io.BytesIO(render("xlsx", RenderContext(plan=make_plan()))))
    rows = [tuple(c for c in row if c is not None) for row in wb["Assumptions"].iter_rows(values_only=True)]
    assert ("Which way?", "The x way", "q1") in rows


def test_the_gantt_page_shows_the_branding_and_logo_of_the_plan() -> None:
    brand = Branding(title="Roadmap <b>", consultant="Bob", accent="#883399", logo=LOGO)
    page = render("gantt", RenderContext(plan=make_plan(branding=brand))).decode()
    assert f'src="{LOGO}"' in page
    assert "--accent: #883399" in page
    assert "Roadmap &lt;b&gt;" in page and "Roadmap <b>" not in page
    assert "The x way" in page  # the answer, from plan.questions


def test_the_logo_stays_out_of_plan_json_and_the_rest_of_the_branding_goes_in() -> None:
    plan = make_plan(branding=Branding(title="T", consultant="Bob", logo=LOGO))
    data = json.loads(render("json", RenderContext(plan=plan)))
    assert data["branding"] == {"title": "T", "consultant": "Bob", "accent": None}
    assert "wbs" not in data  # follows the library files' order, which plan.json does not
    assert data["delivered"] == {"alpha.one": [0]}
