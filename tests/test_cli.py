"""The command line through typer's runner: exit codes, stdout, stderr, help on every command."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from cli import app
from tests.conftest import EXAMPLES, MINI_COMPANY, ROOT, write_tree

runner = CliRunner()


def test_every_command_has_help() -> None:
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    commands = ("stages", "show", "validate", "schema", "plan", "checklist", "diff", "ask", "init", "questionnaire")
    for name in commands:
        assert name in result.output
        sub = runner.invoke(app, [name, "--help"])
        assert sub.exit_code == 0, name
        assert "Usage" in sub.output
    assert runner.invoke(app, ["baseline", "save", "--help"]).exit_code == 0


def test_stages_json_shape() -> None:
    result = runner.invoke(app, ["stages", "--json"])
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    stage = data["stages"][0]
    assert {"id", "title", "steps", "questions"} <= set(stage)
    step = stage["steps"][0]
    assert {"id", "title", "duration_days", "roles", "after", "requires"} <= set(step)
    question = stage["questions"][0]
    assert {"id", "kind", "options"} <= set(question)
    assert "value" in question["options"][0]


def test_stages_in_french() -> None:
    result = runner.invoke(app, ["stages", "--json", "--lang", "fr"])
    assert json.loads(result.stdout)["stages"][0]["title"].startswith("Configuration")


def test_stages_tree_is_readable() -> None:
    result = runner.invoke(app, ["stages"])
    assert result.exit_code == 0
    assert "setup.kickoff" in result.stdout and "org_source" in result.stdout


def test_show_step_and_question() -> None:
    step = runner.invoke(app, ["show", "setup.kickoff", "--json"])
    assert step.exit_code == 0 and json.loads(step.stdout)["kind"] == "step"
    question = runner.invoke(app, ["show", "org_source", "--json"])
    assert json.loads(question.stdout)["options"][0]["value"] == "ad"
    plain = runner.invoke(app, ["show", "setup"])
    assert plain.exit_code == 0 and "setup.kickoff" in plain.stdout


def test_show_unknown_id() -> None:
    result = runner.invoke(app, ["show", "setup.kickof"])
    assert result.exit_code == 2
    assert "did you mean 'setup.kickoff'" in result.stderr


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.name)
def test_validate_examples(example: Path) -> None:
    result = runner.invoke(app, ["validate", str(example)])
    assert result.exit_code == 0, result.output
    assert result.stdout.count("\n") == 1 and ": ok" in result.stdout


def test_validate_reports_file_line_col(make_company: Callable[..., Path]) -> None:
    bad = make_company(MINI_COMPANY.replace("employees: 300", "employes: 300"), name="bad.yaml")
    result = runner.invoke(app, ["validate", str(bad)])
    assert result.exit_code == 2
    assert f"{bad}:3:3: unknown key 'employes' (did you mean 'employees'?)" in result.stderr
    assert "Traceback" not in result.output


def test_validate_missing_file(tmp_path: Path) -> None:
    result = runner.invoke(app, ["validate", str(tmp_path / "nope.yaml")])
    assert result.exit_code == 2 and "nope.yaml" in result.stderr


def test_validate_several_files_reports_all(make_company: Callable[..., Path]) -> None:
    good = EXAMPLES[0]
    bad = make_company("- not a mapping\n", name="bad.yaml")
    result = runner.invoke(app, ["validate", str(good), str(bad)])
    assert result.exit_code == 2
    assert ": ok" in result.stdout and "bad.yaml:1:1" in result.stderr


def test_schema_is_json_schema() -> None:
    result = runner.invoke(app, ["schema"])
    schema = json.loads(result.stdout)
    assert set(schema["properties"]) >= {"company", "plan", "team", "answers", "progress"}
    assert schema["required"] == ["company", "plan"]
    assert schema["additionalProperties"] is False


def test_library_option(mini_library: Path, make_company: Callable[..., Path], tmp_path: Path) -> None:
    company = make_company()
    result = runner.invoke(
        app, ["plan", str(company), "--library", str(mini_library), "--format", "json", "--out", str(tmp_path / "out")]
    )
    assert result.exit_code == 0, result.output
    plan = json.loads((tmp_path / "out" / "plan.json").read_text(encoding="utf-8"))
    assert {t["id"] for t in plan["tasks"]} >= {"alpha.one", "beta.done"}


def test_broken_library_option(tmp_path: Path) -> None:
    result = runner.invoke(app, ["stages", "--library", str(tmp_path)])
    assert result.exit_code == 2 and "no stage files" in result.stderr


def test_plan_bad_format_and_date(tmp_path: Path) -> None:
    bad_fmt = runner.invoke(app, ["plan", str(EXAMPLES[0]), "--format", "pdf", "--out", str(tmp_path)])
    assert bad_fmt.exit_code == 2 and "unknown format 'pdf'" in bad_fmt.stderr
    bad_date = runner.invoke(app, ["plan", str(EXAMPLES[0]), "--as-of", "2027-13-01", "--out", str(tmp_path)])
    assert bad_date.exit_code == 2 and "not a date" in bad_date.stderr


def test_plan_summary(tmp_path: Path) -> None:
    example = next(p for p in EXAMPLES if "construction" in p.name)
    result = runner.invoke(app, ["plan", str(example), "--format", "json", "--out", str(tmp_path), "--details"])
    assert result.exit_code == 0, result.output
    assert "Stroygroup Holding" in result.stdout
    assert "crm.dealers: stage crm excluded in construction-2800.yaml" in result.stdout
    assert "Finish" in result.stdout


def test_plan_warns_outside_fit(make_company: Callable[..., Path], tmp_path: Path) -> None:
    small = make_company(MINI_COMPANY.replace("employees: 300", "employees: 60"))
    result = runner.invoke(app, ["plan", str(small), "--format", "json", "--out", str(tmp_path)])
    assert result.exit_code == 0 and "below the 150–3,000" in result.stdout


def test_plan_summary_in_french(tmp_path: Path) -> None:
    result = runner.invoke(app, ["plan", str(EXAMPLES[0]), "--format", "json", "--lang", "fr", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "jours ouvrés" in result.stdout and "Étapes" in result.stdout and "Fin" in result.stdout
    assert "écrit " in result.stdout and "wrote" not in result.stdout


# ------------------------------------------- a consultant's library, written from the docs

CONSULTANT_INTRO = """
id: intro
order: 1
title: Getting started
goal: Set things up
when: "company.employees >= 100"
resources:
  - {role: pm, why: Runs the project}
  - {role: it_ops, why: Servers}
results: [Portal installed]
reading: [Some article]
steps:
  - {id: intro.kickoff, title: Kickoff, duration_days: 3, roles: [pm], deliverables: [Minutes]}
  - id: intro.install
    title: Install
    duration_days: 5
    scaling: [{by: employees, above: 300, per: 500, add_days: 2, max_days: 8}]
    after: [intro.kickoff]
    roles: [it_ops]
  - {id: intro.ad-sync, title: AD sync, duration_days: 4, optional: true, requires: [intro.install], roles: [it_ops]}
  - id: intro.org-in-portal
    title: Org in portal
    duration_days: 6
    after: [{id: intro.install, lag_days: 2}]
    when: "org_source == 'portal'"
    roles: [pm]
questions:
  - id: org_source
    text: Where is the org structure?
    kind: single
    default: portal
    options:
      - value: ad
        label: Active Directory
        effects:
          - include: [intro.ad-sync]
          - add_days: {step: intro.install, days: 2}
          - risk: AD may be messy
      - {value: portal, label: Build in portal}
  - id: modules
    text: Which modules?
    kind: multiple
    options: [{value: news, label: News}, {value: tasks, label: Tasks}]
  - id: has_vpn
    text: VPN?
    kind: yes_no
    default: no
    options:
      - {value: yes, label: "Yes", effects: [{add_days: {step: intro.install, days: 1}}]}
      - {value: no, label: "No"}
  - {id: sites, text: How many sites?, kind: number, when: "company.employees > 50 and 'news' in modules"}
  - {id: notes, text: Notes, kind: text}
  - {id: go_live, text: Go-live date, kind: date}
"""

CONSULTANT_EXTRA = """
id: extra
order: 2
title: Extras
goal: More
steps:
  - {id: extra.one, title: One, duration_days: 2, requires: [intro.ad-sync], after: [intro.done], roles: [pm]}
  - id: extra.two
    title: Two
    duration_days: 2
    after: [extra.one]
    when: "company.industry in ['manufacturing', 'construction'] or sites >= 3"
    roles: [it_ops]
"""

CONSULTANT_COMPANY = """
company:
  name: Test Ltd
  employees: 400
plan:
  start: 2027-01-04
answers:
  org_source: ad
  modules: [news]
  has_vpn: oui
  sites: 4
  notes: Привет, ça va
  go_live: 2027-06-01
"""


@pytest.fixture
def consultant(tmp_path: Path) -> tuple[Path, Path]:
    lib = write_tree(tmp_path / "lib", {"a-intro.yml": CONSULTANT_INTRO, "b-extra.yml": CONSULTANT_EXTRA})
    return lib, write_tree(tmp_path, {"company.yaml": CONSULTANT_COMPANY}) / "company.yaml"


def test_consultant_library_lists_validates_and_plans(consultant: tuple[Path, Path], tmp_path: Path) -> None:
    lib, company = consultant
    listed = runner.invoke(app, ["stages", "--json", "--library", str(lib)])
    assert listed.exit_code == 0, listed.output
    assert [s["id"] for s in json.loads(listed.stdout)["stages"]] == ["intro", "extra"]
    checked = runner.invoke(app, ["validate", str(company), "--library", str(lib)])
    assert checked.exit_code == 0, checked.output
    assert checked.stdout == f"{company}: ok — Test Ltd, 400 employees, 6 answers, 0 exclusions\n"
    alone = runner.invoke(app, ["validate", "--library", str(lib)])
    assert alone.exit_code == 0 and alone.stdout == f"{lib}: ok — 2 stages, 6 steps, 6 questions\n"
    out = tmp_path / "out"
    planned = runner.invoke(app, ["plan", str(company), "--library", str(lib), "--format", "json", "--out", str(out)])
    assert planned.exit_code == 0, planned.output
    tasks = {t["id"]: t for t in json.loads((out / "plan.json").read_text(encoding="utf-8"))["tasks"]}
    assert tasks["intro.install"]["duration_days"] == 5 + 2 + 1  # ad and the VPN ("oui") add days
    assert "intro.org-in-portal" not in tasks and {"extra.one", "extra.two"} <= set(tasks)


_DIAGNOSTIC = re.compile(r"^.+:\d+:\d+: \S.*$")


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("duration_days: 3,", "duraton_days: 3,", "unknown key 'duraton_days' (did you mean 'duration_days'?)"),
        ("after: [intro.kickoff]", "after: [intro.kikoff]", "unknown step or milestone 'intro.kikoff'"),
        ("requires: [intro.install]", "requires: [intro.instal]", "(did you mean 'intro.install'?)"),
        ("include: [intro.ad-sync]", "include: [intro.adsync]", "unknown step 'intro.adsync'"),
        ("roles: [pm], deliverables", "roles: [pmm], deliverables", "unknown role 'pmm' (did you mean 'pm'?)"),
        ("org_source == 'portal'", "org_sourc == 'portal'", "unknown name 'org_sourc' (did you mean 'org_source'?)"),
        ("company.employees >= 100", "company.employes >= 100", "unknown name 'employes'"),
        ("id: notes", "id: go_live", "duplicate question id 'go_live' (first at line"),
        ("default: portal", "default: portl", "default of 'org_source': expected one of ad, portal"),
        ("after: [intro.kickoff]", "after: [intro.org-in-portal]", "dependency cycle: intro."),
        ("kind: number", "kind: numbr", "got 'numbr' (did you mean 'number'?)"),
        ("title: Kickoff,", "title: Kickoff, title: Again,", "duplicate key 'title'"),
        ("goal: Set things up", "goal: !!python/name:os.system", "is not allowed: plain YAML data only"),
    ],
)
def test_consultant_library_errors(consultant: tuple[Path, Path], old: str, new: str, expected: str) -> None:
    lib, company = consultant
    text = (lib / "a-intro.yml").read_text(encoding="utf-8")
    assert old in text
    (lib / "a-intro.yml").write_text(text.replace(old, new, 1), encoding="utf-8")
    for args in (["stages"], ["validate", str(company)], ["plan", str(company), "--out", str(lib / "out")]):
        result = runner.invoke(app, [*args, "--library", str(lib)])
        assert result.exit_code == 2, (args, result.output)
        assert "Traceback" not in result.output
        lines = result.stderr.splitlines()
        assert lines and all(_DIAGNOSTIC.match(line) for line in lines), lines
        assert any(line.startswith(f"{lib / 'a-intro.yml'}:") and expected in line for line in lines), lines


def test_show_milestone_and_case_insensitive_suggestion() -> None:
    milestone = runner.invoke(app, ["show", "setup.done", "--json"])
    assert milestone.exit_code == 0, milestone.output
    data = json.loads(milestone.stdout)
    assert data["kind"] == "milestone" and data["stage"] == "setup" and "setup.invite" in data["after"]
    upper = runner.invoke(app, ["show", "SETUP"])
    assert upper.exit_code == 2 and "did you mean 'setup'?" in upper.stderr


def test_show_role_in_both_languages() -> None:
    en = runner.invoke(app, ["show", "implementer", "--json"])
    fr = runner.invoke(app, ["show", "implementer", "--json", "--lang", "fr"])
    assert json.loads(en.stdout) == {"kind": "role", "id": "implementer", "title": "Bitrix24 implementer (integrator)"}
    assert json.loads(fr.stdout)["title"] == "Intégrateur Bitrix24"


def test_show_text_is_yaml_without_wrapping_or_empty_fields() -> None:
    result = runner.invoke(app, ["show", "setup"])
    assert result.exit_code == 0
    header, body = result.stdout.split("\n", 1)
    assert header == "stage setup"
    data = yaml.safe_load(body)  # piped output stays valid YAML: long lines are not folded
    assert data["goal"].startswith("Give employees a minimum set of useful services")
    kickoff = data["steps"][0]
    assert kickoff["id"] == "setup.kickoff" and "when" not in kickoff and "after" not in kickoff


def test_schema_follows_the_library(consultant: tuple[Path, Path]) -> None:
    lib, _ = consultant
    result = runner.invoke(app, ["schema", "--library", str(lib)])
    assert result.exit_code == 0, result.output
    answers = json.loads(result.stdout)["properties"]["answers"]["anyOf"][0]["properties"]
    assert list(answers) == ["org_source", "modules", "has_vpn", "sites", "notes", "go_live"]


def test_validate_empty_sections_and_every_problem_at_once(make_company: Callable[..., Path]) -> None:
    empty = make_company(MINI_COMPANY + "team:\nanswers:\nprogress:\n", name="empty.yaml")
    assert runner.invoke(app, ["validate", str(empty)]).exit_code == 0
    bad = make_company(
        MINI_COMPANY.replace("2027-01-04", "2027-02-30") + "  holidays: [2027-02-29]\nteam:\n  it: yes\n",
        name="bad.yaml",
    )
    result = runner.invoke(app, ["validate", str(bad)])
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        f"{bad}:6:10: invalid date '2027-02-30': day is out of range for month",
        f"{bad}:7:14: invalid date '2027-02-29': day is out of range for month",
        f"{bad}:9:7: team.it: expected a number of people, not yes/no, got true",
    ]


def test_stages_tree_in_french() -> None:
    result = runner.invoke(app, ["stages", "--lang", "fr"])
    assert result.exit_code == 0
    assert result.stdout.startswith("Bibliothèque d'étapes")
    assert "tâches" in result.stdout and "(facultative)" in result.stdout and " j, " in result.stdout


def test_plan_lists_steps_new_since_the_baseline(tmp_path: Path) -> None:
    example = next(p for p in EXAMPLES if "services" in p.name)
    company = tmp_path / example.name
    company.write_text(example.read_text(encoding="utf-8"), encoding="utf-8")
    saved = runner.invoke(app, ["baseline", "save", str(company)])
    assert saved.exit_code == 0, saved.output
    baseline = tmp_path / "services-180.baseline.json"
    data = json.loads(baseline.read_text(encoding="utf-8"))
    data["tasks"] = [t for t in data["tasks"] if t["id"] != "setup.candy"]
    baseline.write_text(json.dumps(data), encoding="utf-8")
    shown = runner.invoke(
        app, ["plan", str(company), "--format", "json", "--out", str(tmp_path / "o"), "--lang", "fr", "--details"]
    )
    assert shown.exit_code == 0, shown.output
    line = next(x for x in shown.stdout.splitlines() if "setup.candy" in x and "nouveau" in x)
    assert "2027-" in line


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["--format", "nope"], "--format: unknown format 'nope'"),
        (["--simulate", "0"], "--simulate: expected a number of iterations >= 1, got 0"),
        (["--simulate", "10", "--method", "nope"], "--method: unknown sampling method 'nope'"),
        (["--as-of", "2200-01-01"], "--as-of: 2200-01-01 is outside 1990–2100"),
    ],
)
def test_the_library_names_its_parameters_and_the_cli_shows_its_flags(
    args: list[str], said: str, tmp_path: Path
) -> None:
    result = CliRunner().invoke(app, ["plan", str(EXAMPLES[0]), "--out", str(tmp_path), *args])
    assert result.exit_code == 2, result.output
    assert said in result.output


def test_an_existing_file_says_how_to_overwrite_it(tmp_path: Path) -> None:
    runner = CliRunner()
    target = tmp_path / "company.yaml"
    target.write_text("keep me\n", encoding="utf-8")
    result = runner.invoke(app, ["init", str(target), "--name", "A", "--employees", "300"])
    assert result.exit_code == 2 and "already exists (use --force to overwrite it)" in result.output
    assert target.read_text(encoding="utf-8") == "keep me\n"


def _help_run(code: str, columns: int, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": str(columns)}
    return subprocess.run(
        [sys.executable, *args, "-c", code, "--help"], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )


@pytest.mark.parametrize("columns", [80, 200])
def test_the_stored_help_is_what_typer_prints(columns: int) -> None:
    """Issue 14: `roadmap --help` prints cli.HELP without importing typer; it must be typer's text."""
    import cli

    typer_says = _help_run("import cli; cli.main()", columns).stdout  # argv[0] is -c: typer's own path
    assert typer_says == cli.HELP, "cli.HELP is stale: paste what `roadmap --help` prints into it"


def test_the_console_script_prints_the_stored_help_without_importing_typer() -> None:
    import cli

    code = "import sys; sys.argv[0] = '/venv/bin/roadmap'; import cli; cli.main()"
    done = _help_run(code, 80, "-X", "importtime")
    assert done.stdout == cli.HELP
    imported = {line.split("|")[-1].strip() for line in done.stderr.splitlines() if line.startswith("import time:")}
    assert "cli" in imported and not any(name.split(".")[0] in ("typer", "click", "rich") for name in imported)
    narrow = _help_run(code, 60)  # typer wraps to the terminal: its own path
    assert narrow.stdout != cli.HELP and narrow.stdout.startswith("Usage: roadmap [OPTIONS] COMMAND [ARGS]...")


def test_init_offers_the_industries_a_company_file_accepts() -> None:
    """cli.IndustryChoice (typer's choices) is a copy of roadmap.models.Industry: kept in step."""
    from typing import get_args

    from cli import IndustryChoice
    from roadmap.models import Industry

    assert tuple(choice.value for choice in IndustryChoice) == get_args(Industry)
