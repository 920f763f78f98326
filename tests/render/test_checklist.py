"""checklist.md: per stage in plan order, open questions, people, steps to tick, acceptance checks."""

from __future__ import annotations

import html as htmllib
import os
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import write_tree
from typer.testing import CliRunner

from cli import app
from roadmap.plan import plan_file
from roadmap.render import RenderContext, render
from roadmap.render.checklist import render_text
from roadmap.templating import bundled_templates

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "manufacturer-1200.yaml"
SNAPSHOTS = Path(__file__).resolve().parent / "snapshots"

MINI = """
company: {{name: "Mini <img src=x onerror=alert(1)> Co", employees: 300, country: FR}}
plan: {{start: 2027-01-04}}
answers: {answers}
progress: {progress}
"""


def make_ctx(path: Path, *, library_dir: Path | None = None, lang: str = "en", **kw: object) -> RenderContext:
    plan = plan_file(path, library_dir=library_dir, lang=lang)[0]
    return RenderContext(plan=plan, **kw)  # type: ignore[arg-type]


def assert_snapshot(name: str, text: str) -> None:
    """Compare with ``snapshots/<name>``; ``UPDATE_SNAPSHOTS=1`` rewrites it instead."""
    path = SNAPSHOTS / name
    if os.environ.get("UPDATE_SNAPSHOTS") == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"no snapshot {path}: run with UPDATE_SNAPSHOTS=1 to create it"
    assert text == path.read_text(encoding="utf-8"), f"{name} changed: review, then UPDATE_SNAPSHOTS=1"


@pytest.fixture
def mini(mini_library: Path, make_company: Callable[..., Path]) -> Callable[..., RenderContext]:
    def make(answers: str = "{}", progress: str = "{}", lang: str = "en") -> RenderContext:
        path = make_company(MINI.format(answers=answers, progress=progress))
        return make_ctx(path, library_dir=mini_library, lang=lang)

    return make


def section(text: str, heading: str) -> str:
    """The lines under a ``### heading`` up to the next heading."""
    start = text.index(f"### {heading}\n")
    rest = text[start + len(heading) + 5 :]
    end = min((i for i in (rest.find("\n#"),) if i >= 0), default=len(rest))
    return rest[:end]


def test_manufacturer_snapshot() -> None:
    assert_snapshot("checklist-manufacturer-1200.md", render_text(make_ctx(EXAMPLE)))


def test_stages_in_plan_order_with_dates_and_steps_to_tick() -> None:
    ctx = make_ctx(EXAMPLE)
    text = render_text(ctx)
    positions = [text.index(f"## {s.order}. {s.title}\n") for s in ctx.plan.stages]
    assert positions == sorted(positions) and len(positions) == 6
    assert text.index("## Dropped blocks") > positions[-1] and text.index("## Risks") > positions[-1]
    first = ctx.plan.stages[0]
    assert f"**{first.start} → {first.finish} · {first.working_days} working days**" in text
    steps = [t for t in ctx.plan.tasks if not t.milestone]
    for task in steps:
        assert f"- [ ] **{task.title}** `{task.id}`" in text.replace("\\", "")
    assert text.count("\n- [ ] **") == len(steps) + len(ctx.plan.stages)  # and one milestone each
    assert text.count("\n- [ ] **Milestone:** Stage complete: ") == len(ctx.plan.stages)
    assert "  - 2027-01-18 → 2027-01-21 · 4 working days\n" in text
    assert "  - Roles: Company project lead, Bitrix24 implementer (integrator), Company management (sponsors)\n" in text
    assert "  - [ ] Deployment model and licence edition chosen\n" in text  # a deliverable, nested


def test_resources_and_acceptance_checks_of_each_stage(mini: Callable[..., RenderContext]) -> None:
    text = render_text(mini())
    assert "- **Project lead** — Leads\n" in section(text, "Resources to involve")
    assert section(text, "Acceptance checks (expected results)").strip() == "- [ ] Alpha works"
    assert text.count("### Acceptance checks") == 1  # beta has no results


def test_questions_still_unanswered_with_what_is_assumed(mini: Callable[..., RenderContext]) -> None:
    text = render_text(mini())
    questions = section(text, "Questions still unanswered")
    assert "- [ ] Which way? `q1` — assumed until answered: X way" in questions
    assert "- [ ] Big? `q2`" in questions  # applies because q1 defaults to x


def test_answered_and_inapplicable_questions_are_not_listed(mini: Callable[..., RenderContext]) -> None:
    text = render_text(mini(answers="{q1: y}"))
    assert "`q1`" not in text and "`q2`" not in text  # q1 answered; q2 applies only when q1 == 'x'
    assert "Every question of this stage is answered." in text


def test_done_steps_are_ticked_and_in_progress_shows_its_share(mini: Callable[..., RenderContext]) -> None:
    progress = (
        "{alpha.one: {status: done, start: 2027-01-04, finish: 2027-01-08},"
        " alpha.opt: {status: in_progress, start: 2027-01-11, percent: 40}}"
    )
    text = render_text(mini(progress=progress))
    assert "- [x] **One** `alpha.one`" in text
    assert "  - [x] Thing one\n" in text  # its deliverables too
    line = next(line for line in text.splitlines() if "`alpha.opt`" in line)
    assert line.startswith("- [ ] **Optional**") and line.endswith(" · in progress, 40% done")
    assert "- [ ] **Two** `alpha.two`" in text


def test_dropped_blocks_and_risks_close_the_list(mini: Callable[..., RenderContext]) -> None:
    text = render_text(mini(answers="{q1: y}"))
    dropped = text[text.index("## Dropped blocks") :]
    assert "- Two `alpha.two` — " in dropped and "- Optional `alpha.opt` — " in dropped
    assert "## Risks\n\nNone." in text
    risky = render_text(mini())
    assert '- X is risky — *answer "X way" to "Which way?"*' in risky


def test_user_text_is_inert_markdown(mini: Callable[..., RenderContext]) -> None:
    text = render_text(mini())
    assert "<img" not in text
    assert "# Rollout checklist — Mini &lt;img src=x onerror=alert(1)&gt; Co" in text


def test_french_headings(mini: Callable[..., RenderContext]) -> None:
    text = render_text(mini(lang="fr"))
    for heading in (
        "# Liste de contrôle du déploiement",
        "### Questions encore sans réponse",
        "### Ressources à mobiliser",
        "### Tâches",
        "### Critères d'acceptation (résultats attendus)",
        "## Blocs retirés",
        "## Risques",
    ):
        assert heading in text, heading
    assert "- [ ] **Un** `alpha.one`" in text and "jours ouvrés" in text and "Rôles : Chef de projet" in text


def test_render_returns_utf8_bytes(mini: Callable[..., RenderContext]) -> None:
    ctx = mini()
    assert render("checklist", ctx) == render_text(ctx).encode("utf-8")
    assert render("checklist", ctx) == render("checklist", ctx)


def test_own_template_replaces_the_bundled_one(
    mini_library: Path, make_company: Callable[..., Path], tmp_path: Path
) -> None:
    own = write_tree(tmp_path / "own", {"checklist.md.j2": "{{ company_name | md }}: {{ stages | length }} stages\n"})
    path = make_company(MINI.format(answers="{}", progress="{}"))
    text = render_text(make_ctx(path, library_dir=mini_library, templates_dir=own))
    assert text == "Mini &lt;img src=x onerror=alert(1)&gt; Co: 2 stages\n"


def test_cli_prints_the_checklist() -> None:
    result = CliRunner().invoke(app, ["checklist", str(EXAMPLE)], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "Rollout checklist — Uralmash Components" in result.output
    assert "Kickoff and shared vision" in result.output
    assert "## " not in result.output  # rendered by rich, not raw Markdown


def test_cli_checklist_in_french_with_own_templates(tmp_path: Path) -> None:
    own = write_tree(tmp_path, {"checklist.md.j2": "# {{ t('checklist_steps') }} {{ plan.as_of }}\n"})
    result = CliRunner().invoke(
        app, ["checklist", str(EXAMPLE), "--lang", "fr", "--templates", str(own), "--as-of", "2027-03-01"]
    )
    assert result.exit_code == 0, result.output
    assert "Tâches 2027-03-01" in result.output


def test_cli_checklist_bad_template_folder_exits_2(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["checklist", str(EXAMPLE), "--templates", str(tmp_path / "missing")])
    assert result.exit_code == 2
    assert "templates folder not found" in result.output


HOSTILE = [
    "Release #",  # the stage title: a heading's closing # would vanish
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '"><svg onload=alert(1)>',
    "[click](javascript:alert(1))",
    "<!-- hidden -->",
    "~~struck~~ and $x^2$ maths",
    "[bold red]rich markup[/]",
    "{{ 7*7 }}",
]
HOSTILE_STAGE = """
id: alpha
order: 1
title: {title}
goal: {goal}
resources:
  - {{role: pm, why: {why}}}
results: [{result}]
steps:
  - id: alpha.one
    title: {step}
    duration_days: 2
    roles: [pm]
    deliverables: [{deliverable}]
questions:
  - id: q1
    text: {question}
    kind: single
    default: x
    options:
      - {{value: x, label: {label}, effects: [{{risk: {risk}}}]}}
"""


def test_hostile_text_reads_as_typed_in_a_commonmark_renderer(
    tmp_path: Path, make_company: Callable[..., Path]
) -> None:
    import json

    from markdown_it import MarkdownIt

    fields = ("title", "goal", "why", "result", "step", "deliverable", "question", "label", "risk")
    values = {name: f"{name} " + HOSTILE[i % len(HOSTILE)] for i, name in enumerate(fields)}
    stage = HOSTILE_STAGE.format(**{k: json.dumps(v) for k, v in values.items()})
    lib = write_tree(tmp_path / "lib", {"roles.yaml": "roles: {pm: {title: '<b>PM</b> ~~x~~'}}", "1-alpha.yaml": stage})
    name = json.dumps(HOSTILE[-1] + " " + HOSTILE[1])
    path = make_company(f"company: {{name: {name}, employees: 300}}\nplan: {{start: 2027-01-04}}\n")
    text = render_text(make_ctx(path, library_dir=lib))
    md = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
    html = md.render(text)  # raw HTML would pass straight through
    tags = set(re.findall(r"<([a-zA-Z][a-zA-Z0-9]*)", html))
    assert tags <= {"h1", "h2", "h3", "p", "ul", "li", "strong", "em", "code", "blockquote"}, tags
    assert "<a " not in html and "<del>" not in html and "<s>" not in html
    plain = htmllib.unescape(re.sub(r"<[^>]+>", "", html))
    for value in values.values():
        assert value in plain, value  # every string shows exactly as typed
    assert "<b>PM</b> ~~x~~" in plain
    assert plain.count("[ ]") == 5  # the question, the step, its deliverable, the milestone, the result


def test_cli_prints_rich_markup_in_titles_literally(tmp_path: Path, make_company: Callable[..., Path]) -> None:
    stage = HOSTILE_STAGE.format(
        title='"[bold red]Stage[/]"', goal="g", why="w", result="r", step='"[link=https://x.invalid]Step[/link]"',
        deliverable="d", question="q", label="l", risk="k",
    )  # fmt: skip
    lib = write_tree(tmp_path / "lib", {"roles.yaml": "roles: {pm: {title: PM}}", "1-alpha.yaml": stage})
    path = make_company("company: {name: '[blink]Co[/blink]', employees: 300}\nplan: {start: 2027-01-04}\n")
    result = CliRunner().invoke(app, ["checklist", str(path), "--library", str(lib)], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    for literal in ("[bold red]Stage[/]", "[link=https://x.invalid]Step[/link]", "[blink]Co[/blink]"):
        assert literal in result.output, literal


def test_a_one_day_plan_says_one_working_day(mini_library: Path, make_company: Callable[..., Path]) -> None:
    path = make_company(
        "company: {name: Tiny, employees: 300}\nplan: {start: 2027-01-04, exclude: [alpha.one, alpha.two]}\n"
        "answers: {q1: y}\n"
    )
    ctx = make_ctx(path, library_dir=mini_library)
    assert ctx.plan.working_days == 1
    assert "Plan 2027-01-04 → 2027-01-04, 1 working day. " in render_text(ctx)
    page = render("gantt", ctx).decode()
    assert "2027-01-04 → 2027-01-04 · 1 working day<" in page


def test_bundled_templates_get_the_plan_fields_they_read_own_templates_all_of_it(
    mini_library: Path, make_company: Callable[..., Path], tmp_path: Path
) -> None:
    """Issue 14: the bundled checklist and page do not make a 10,000-step plan's tasks plain for
    nothing; a consultant's copy (``--templates``) still reaches every field, tasks included."""
    from roadmap.render.checklist import PLAN_FIELDS, checklist_context
    from roadmap.render.gantt_page import PLAN_FIELDS as PAGE_FIELDS
    from roadmap.render.gantt_page import page_context

    plan = plan_file(make_company(), library_dir=mini_library)[0]
    bundled = RenderContext(plan)
    assert set(checklist_context(bundled)["plan"]) == set(PLAN_FIELDS)
    assert set(page_context(bundled)["plan"]) == set(PAGE_FIELDS)
    own = write_tree(tmp_path / "own", {"checklist.md.j2": "{{ plan.tasks | length }} {{ plan.tasks[0].id }}\n"})
    text = render_text(RenderContext(plan, templates_dir=own))
    assert text == f"{len(plan.tasks)} {plan.tasks[0].id}\n"
    for template, fields in (("checklist.md.j2", PLAN_FIELDS), ("gantt.html.j2", PAGE_FIELDS)):
        source = (bundled_templates() / template).read_text(encoding="utf-8")
        body = source.split("-#}", 1)[1]  # past the header comment
        assert set(re.findall(r"\bplan\.([a-z_]+)", body)) == set(fields)
