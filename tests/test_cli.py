"""The command line through typer's runner: exit codes, stdout, stderr, help on every command."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli import app
from tests.conftest import EXAMPLES, MINI_COMPANY

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
    result = runner.invoke(app, ["plan", str(example), "--format", "json", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "Stroygroup Holding" in result.stdout
    assert "crm.dealers: stage crm excluded in construction-2800.yaml" in result.stdout
    assert "Finish:" in result.stdout


def test_plan_warns_outside_fit(make_company: Callable[..., Path], tmp_path: Path) -> None:
    small = make_company(MINI_COMPANY.replace("employees: 300", "employees: 60"))
    result = runner.invoke(app, ["plan", str(small), "--format", "json", "--out", str(tmp_path)])
    assert result.exit_code == 0 and "below the 150–3,000" in result.stdout


def test_plan_summary_in_french(tmp_path: Path) -> None:
    result = runner.invoke(app, ["plan", str(EXAMPLES[0]), "--format", "json", "--lang", "fr", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "jours ouvrés" in result.stdout and "Étapes" in result.stdout and "Fin :" in result.stdout
