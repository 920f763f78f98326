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
    assert complications.when == "Answer only when question 1.4 is not “Nowhere: the portal becomes the point of truth”"
    assert not complications.applies  # services-180 answers org_source: nowhere
    assert questions["vacancies_autopost"].applies
    assert questions["org_source"].answer == "Nowhere: the portal becomes the point of truth"
    assert questions["org_source"].options[0].effects == "plans “Active Directory sync and single sign-on”"
    assert [o.checked for o in questions["org_source"].options] == [
        o.value == "nowhere" for o in questions["org_source"].options
    ]
    assert questions["official_info"].options[1].effects == ""  # email circulars change nothing
    assert [o.label for o in questions["vacancies_autopost"].options] == ["Yes", "No, HR posts them by hand"]


def test_every_stage_by_default_and_french() -> None:
    form = services_form(lang="fr")
    assert [s.order for s in form.stages] == [1, 2, 3, 4, 5, 6]
    first = next(q for q in form.stages[0].questions if q.id == "org_complications")
    assert first.when.startswith("À remplir seulement si la question 1.4 ne vaut pas « ")
    assert "org_source" not in first.when and "!=" not in first.when
    assert first.instruction == "Cochez toutes les cases qui s'appliquent."


def test_markdown_form() -> None:
    form = services_form("1")
    text = render_form(form, "md")
    assert text.splitlines()[0].startswith(f"<!-- {MARKER}")
    assert "# Questionnaire — Clairvoyance Conseil" in text
    assert "## Stage 1 · Initial setup, inviting employees" in text
    options = sum(len(q.options) for q in form.stages[0].questions)
    answered = sum(o.checked for q in form.stages[0].questions for o in q.options)
    assert answered > 0
    assert text.count("- [ ] ") + text.count("- [x] ") == options  # task-list checkboxes
    assert text.count("- [x] ") == answered  # the company file's answers come pre-ticked
    assert "- [ ] MS Active Directory — plans “Active Directory sync and single sign-on”" in text
    assert "org_source" not in text and "!=" not in text and not re.search(r"`[a-z0-9_.-]+`", text)  # no ids
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


# ------------------------------------------------------------------ issue 15: words, not syntax; compact print


def _forty_questions() -> dict[str, str]:
    """Five stages of eight questions each: choices with help and effects, yes/no, text, numbers."""
    files = {"roles.yaml": "roles: {pm: {title: PM}}\n"}
    for k in range(1, 6):
        questions = []
        for n in range(1, 9):
            qid = f"q{k}_{n}"
            help_text = "Think of every department and branch, and of who signs the orders today. " * 2
            if n % 4 == 1:
                options = "".join(
                    f"\n      - {{value: o{i}, label: 'Option {i} of a choice with a label of some length',"
                    f" effects: [{{add_days: {{step: s{k}.one, days: {i}}}}}]}}"
                    for i in range(1, 5)
                )
                questions.append(
                    f"  - id: {qid}\n    text: Which way for {qid}?\n    help: {help_text}\n"
                    f"    kind: single\n    options:{options}\n"
                )
            elif n % 4 == 2:
                options = "".join(f"\n      - {{value: m{i}, label: 'Tool number {i}'}}" for i in range(1, 6))
                questions.append(
                    f"  - id: {qid}\n    text: Which tools for {qid}?\n    kind: multiple\n"
                    f"    when: \"q{k}_{n - 1} == 'o2'\"\n    options:{options}\n"
                )
            elif n % 4 == 3:
                questions.append(f"  - id: {qid}\n    text: Is {qid} true?\n    kind: yes_no\n    help: {help_text}\n")
            else:
                kind = "text" if n == 4 else "number"
                questions.append(f"  - id: {qid}\n    text: Tell us about {qid}\n    kind: {kind}\n")
        files[f"{k}.yaml"] = (
            f"id: s{k}\norder: {k}\ntitle: Stage {k} with a title\ngoal: The goal of stage {k}, in a sentence.\n"
            f"steps: [{{id: s{k}.one, title: One, duration_days: 2}}]\nquestions:\n" + "".join(questions)
        )
    return files


def test_conditions_in_words(tmp_path: Path) -> None:
    from roadmap.wording import condition_in_words

    lib = load_library(write_tree(tmp_path / "lib", _forty_questions()))
    numbers = {q.id: f"{s.order}.{i}" for s in lib.stages for i, q in enumerate(s.questions, 1)}
    say = lambda cond, lang="en": condition_in_words(cond, lib, numbers, lang)  # noqa: E731
    assert say("q1_1 == 'o2'") == "question 1.1 is “Option 2 of a choice with a label of some length”"
    assert (
        say("'m3' in q1_2 and employees > 500")
        == "“Tool number 3” is ticked in question 1.2 and employees is more than 500"
    )
    assert say("not q1_3 or branches >= 2") == "question 1.3 is not answered yes or branches is at least 2"
    label = "of a choice with a label of some length"
    assert say("q1_1 in ['o1', 'o4']") == f"question 1.1 is one of “Option 1 {label}”, “Option 4 {label}”"
    assert say("q1_3", "fr") == "la question 1.3 a pour réponse oui"


@pytest.mark.external
def test_forty_questions_print_on_six_pages_at_most(tmp_path: Path) -> None:
    import shutil
    import subprocess
    import tempfile

    chromium = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    if chromium is None or shutil.which("pdfinfo") is None:
        pytest.skip("needs Chromium and pdfinfo (poppler-utils)")
    lib = load_library(write_tree(tmp_path / "lib", _forty_questions()))
    company = write_tree(tmp_path, {"c.yaml": "company: {name: Co, employees: 200}\nplan: {start: 2027-01-04}\n"})
    form = build_form(lib, load_company(company / "c.yaml", lib).data, lib.stages, "en")
    assert sum(len(s.questions) for s in form.stages) == 40
    page = tmp_path / "form.html"
    page.write_text(render_form(form, "html"), encoding="utf-8")
    pdf = tmp_path / "form.pdf"
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(
            [chromium, "--headless", "--no-sandbox", "--disable-gpu", f"--user-data-dir={profile}",
             "--no-pdf-header-footer", f"--print-to-pdf={pdf}", page.as_uri()],
            capture_output=True, timeout=120, check=False,
        )  # fmt: skip
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    pages = int(re.search(r"^Pages:\s+(\d+)", info, re.M)[1])  # type: ignore[index]
    assert 1 <= pages <= 6, pages
