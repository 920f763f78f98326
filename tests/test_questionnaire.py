"""Printable questionnaires (roadmap/questionnaire.py and templates/questionnaire.*.j2)."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from roadmap.ask import select_stages
from roadmap.company import load_company
from roadmap.errors import OutputError
from roadmap.library import load_library
from roadmap.models import Library
from roadmap.questionnaire import MARKER, Form, build_form, form_path, is_generated, render_form, write_form
from roadmap.templating import md_escape
from tests.conftest import EXAMPLES, write_tree

BUNDLED = load_library()
SERVICES = next(p for p in EXAMPLES if p.name == "services-180.yaml")

NASTY_STAGE = """
id: alpha
order: 1
title: "Alpha <b>bold</b> *star*"
goal: "Goal with `code` & <i>tags</i>"
steps:
  - {id: alpha.one, title: One, duration_days: 2}
questions:
  - id: pick
    text: "Pick <script>alert(1)</script> one"
    help: "Help | with _under_ [link](x)"
    kind: single
    options:
      - value: a
        label: "<img src=x onerror=alert(1)>"
        effects:
          - risk: "Risk <b>here</b>"
      - {value: b, label: B}
  - id: notes
    text: Anything else?
    kind: text
    when: "pick == 'a'"
  - id: size
    text: How many?
    kind: number
    default: 3
  - id: ok
    text: OK?
    kind: yes_no
"""


@pytest.fixture
def nasty(tmp_path: Path) -> tuple[Library, Form]:
    lib = load_library(
        write_tree(tmp_path / "lib", {"roles.yaml": "roles: {pm: {title: PM}}\n", "1.yaml": NASTY_STAGE})
    )
    company = write_tree(
        tmp_path, {"c.yaml": "company: {name: '<Co> & *Sons*', employees: 200}\nplan: {start: 2027-01-04}\n"}
    )
    data = load_company(company / "c.yaml", lib).data
    return lib, build_form(lib, data, lib.stages, "en")


def services_form(stage: str | None = None, lang: str = "en") -> Form:
    data = load_company(SERVICES, BUNDLED).data
    return build_form(BUNDLED, data, select_stages(BUNDLED, stage), lang)


def test_form_numbers_conditions_and_answers() -> None:
    form = services_form("setup")
    (stage,) = form.stages
    questions = {q.id: q for q in stage.questions}
    assert [q.number for q in stage.questions] == [f"1.{i}" for i in range(1, 12)]
    complications = questions["org_complications"]
    assert complications.when == "Answer only if it applies after your answers to 1.4"  # no condition syntax
    assert not complications.applies  # services-180 answers org_source: nowhere
    assert questions["vacancies_autopost"].applies
    assert questions["org_source"].answer == "Nowhere: the portal becomes the point of truth"
    assert questions["org_source"].options[0].effects == 'plans "Active Directory sync and single sign-on"'
    assert questions["official_info"].options[1].effects == ""  # email circulars change nothing
    assert [o.label for o in questions["vacancies_autopost"].options] == ["Yes", "No, HR posts them by hand"]


def test_every_stage_by_default_and_french() -> None:
    form = services_form(lang="fr")
    assert [s.order for s in form.stages] == [1, 2, 3, 4, 5, 6]
    first = next(q for q in form.stages[0].questions if q.id == "org_complications")
    assert first.when == "À remplir seulement si cela s'applique après vos réponses à 1.4"
    assert first.instruction == "Cochez toutes les cases qui s'appliquent."


def test_markdown_form() -> None:
    form = services_form("1")
    text = render_form(form, "md")
    assert text.splitlines()[0].startswith(f"<!-- {MARKER}")
    assert "# Questionnaire — Clairvoyance Conseil" in text
    assert "## Stage 1 · Initial setup, inviting employees" in text
    options = sum(len(q.options) for q in form.stages[0].questions)
    assert text.count("- [ ] ") == options  # task-list checkboxes
    assert '- [ ] MS Active Directory — plans "Active Directory sync and single sign-on"' in text
    assert "> " + md_escape("Answer only if it applies after your answers to 1.4") + " — does not apply" in text
    assert text == render_form(services_form("1"), "md")  # deterministic


def test_markdown_escapes_library_and_company_text(nasty: tuple[Library, Form]) -> None:
    _, form = nasty
    text = render_form(form, "md")
    assert "<script>" not in text and "<img" not in text and "<b>" not in text
    assert "&lt;script&gt;" in text
    assert "\\*Sons\\*" in text and "\\*star\\*" in text
    assert md_escape("Help | with _under_ [link](x)") in text
    assert text.count("\n______") == 3 + 1 + 2  # text: 3 lines, number: 1, notes: 2
    assert text.count("\nComments: ______") == 2  # pick, ok


def test_html_form_is_escaped_and_offline(nasty: tuple[Library, Form]) -> None:
    _, form = nasty
    html = render_form(form, "html")
    assert f'<meta name="generator" content="{MARKER}">' in html
    assert "<script" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "&lt;Co&gt; &amp; *Sons*" in html
    assert not re.search(r"(src|href)=\"?https?:", html)
    assert html.count('<input type="checkbox"') == 4  # a, b, yes, no
    assert html.count('<div class="write"></div>') == 3 + 1 + 2 + 2  # + a comment line per choice question
    assert "Assumed until answered: 3" in html
    assert "raises a risk: Risk &lt;b&gt;here&lt;/b&gt;" in html


def test_form_path(tmp_path: Path) -> None:
    assert form_path(None, "md") == Path("questionnaire.md")
    assert form_path(tmp_path, "html") == tmp_path / "questionnaire.html"
    assert form_path(tmp_path / "forms", "md") == tmp_path / "forms" / "questionnaire.md"
    assert form_path(tmp_path / "hr.md", "md") == tmp_path / "hr.md"


def test_write_form_never_clobbers_a_user_file(tmp_path: Path) -> None:
    text = render_form(services_form("1"), "md")
    mine = tmp_path / "notes.md"
    mine.write_text("my own notes\n", encoding="utf-8")
    with pytest.raises(OutputError, match="not written by `roadmap questionnaire`"):
        write_form(text, mine)
    assert mine.read_text(encoding="utf-8") == "my own notes\n"
    write_form(text, mine, force=True)
    assert is_generated(mine)
    write_form(text.replace("Clairvoyance", "Other"), mine)  # its own output: replaced
    assert "Other Conseil" in mine.read_text(encoding="utf-8")
    with pytest.raises(OutputError, match="is a folder"):
        write_form(text, tmp_path)


def test_is_generated(tmp_path: Path, make_company: Callable[..., Path]) -> None:
    assert not is_generated(tmp_path / "missing.md")
    assert not is_generated(make_company())


def test_a_question_of_a_dropped_stage_is_marked_on_the_form(tmp_path: Path) -> None:
    stage_two = "id: beta\norder: 2\ntitle: Beta\ngoal: Go on\nsteps: [{id: beta.one, title: B, duration_days: 2}]\n"
    lib = load_library(
        write_tree(
            tmp_path / "lib",
            {
                "roles.yaml": "roles: {pm: {title: PM}}\n",
                "1.yaml": NASTY_STAGE.replace(
                    "effects:\n          - risk:", "effects:\n          - exclude: [beta]\n          - risk:"
                ),
                "2.yaml": stage_two + "questions: [{id: beta_size, text: How big?, kind: number}]\n",
            },
        )
    )
    company = write_tree(
        tmp_path, {"c.yaml": "company: {name: Co, employees: 200}\nplan: {start: 2027-01-04}\nanswers: {pick: a}\n"}
    )
    form = build_form(lib, load_company(company / "c.yaml", lib).data, lib.stages, "en")
    (size,) = form.stages[1].questions
    assert not size.applies
    assert "> Does not apply with the answers in the company file today" in render_form(form, "md")
    assert '<p class="when">Does not apply with the answers in the company file today</p>' in render_form(form, "html")
