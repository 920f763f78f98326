"""The summary of `roadmap plan`, `roadmap explain`, and the CLI's manners (80 columns, NO_COLOR, --version)."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli import app
from roadmap.errors import InputError
from roadmap.explain import explain_step
from roadmap.plan import plan_file
from roadmap.summary import SECTIONS, Section, SummaryInput, build_summary
from tests.conftest import EXAMPLES

runner = CliRunner()
COMMANDS = (
    *("stages", "show", "validate", "schema", "plan", "checklist"),
    *("explain", "diff", "ask", "init", "questionnaire"),
)


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
@pytest.mark.parametrize("details", [False, True], ids=["short", "details"])
@pytest.mark.parametrize("lang", ["en", "fr"])
def test_plan_fits_80_columns_without_breaking_dates(
    example: Path, tmp_path: Path, details: bool, lang: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # file paths are never wrapped (they stay copyable): keep them short here
    args = ["plan", str(example), "--out", "out", "--format", "json", "--lang", lang]
    result = runner.invoke(app, args + (["--details"] if details else []), env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert max(len(line) for line in lines) <= 80
    plan = plan_file(example, lang=lang)[0]
    for stage in plan.stages:  # every stage row keeps both its dates whole on one line
        assert any(str(stage.start) in line and str(stage.finish) in line for line in lines), stage.id
    assert all(not re.search(r"\d{4}-\d{0,1}$|^\s*\d{1,2}\b-", line) for line in lines)
    if not details:
        assert len(lines) <= 30


def test_short_summary_sections(tmp_path: Path) -> None:
    example = next(p for p in EXAMPLES if "manufacturer" in p.name)
    plan, company, _ = plan_file(example)
    written = (tmp_path / "gantt.html",)
    short = build_summary(SummaryInput(plan=plan, company=company, written=written, out_dir=tmp_path))
    keys = [s.key for s in short]
    assert keys == ["headline", "stages", "effort", "risks", "counts", "team", "files"]
    risks = next(s for s in short if s.key == "risks")
    assert len(risks.lines) == 4 and "more" in risks.lines[-1].text  # three, then how many more
    counts = next(s for s in short if s.key == "counts").lines[0].text
    assert f"{len(plan.dropped)} blocks dropped" in counts
    detailed = build_summary(SummaryInput(plan=plan, company=company, details=True))
    assert {"critical", "dropped"} <= {s.key for s in detailed}


def example_section(src: SummaryInput) -> Section:
    return Section("extra", "From another module")


def test_a_section_added_with_one_line() -> None:
    """How issues 9, 12 and 16 add their blocks: one "module:function" entry in SECTIONS."""
    plan = plan_file(EXAMPLES[0])[0]
    order = [*SECTIONS[:2], "tests.test_summary:example_section", *SECTIONS[2:]]
    keys = [s.key for s in build_summary(SummaryInput(plan=plan), order)]
    assert keys[:3] == ["headline", "stages", "extra"]


def test_previous_run_files_are_named(tmp_path: Path) -> None:
    out = tmp_path / "out"
    first = runner.invoke(app, ["plan", str(EXAMPLES[0]), "--out", str(out), "--format", "json,csv"])
    assert first.exit_code == 0, first.output
    second = runner.invoke(app, ["plan", str(EXAMPLES[0]), "--out", str(out), "--format", "json"])
    assert second.exit_code == 0
    assert "from an earlier run" in second.stdout and "plan.csv" in second.stdout
    assert (out / "plan.csv").exists()


def test_explain_a_step(mini_library: Path, make_company: Callable[..., Path]) -> None:
    plan, company, _ = plan_file(make_company(), library_dir=mini_library)
    # One developer: Two and Optional both follow One; the team-limit order says which goes first.
    first, waiting = next(p for p in plan.resource_links if set(p) == {"alpha.opt", "alpha.two"})
    why = explain_step(plan, company, waiting)
    assert [c.id for c in why.predecessors] == ["alpha.one"]
    assert [c.id for c in why.role_waits] == [first]
    binding = [c for c in (*why.predecessors, *why.role_waits) if c.binding]
    assert [c.id for c in binding] == [first]
    assert binding[0].allows == why.task.start
    with pytest.raises(InputError, match=r"did you mean 'alpha\.two'"):
        explain_step(plan, company, "alpha.tow")


def test_explain_command(mini_library: Path, make_company: Callable[..., Path]) -> None:
    company = make_company()
    plan = plan_file(company, library_dir=mini_library)[0]
    _, waiting = next(p for p in plan.resource_links if set(p) == {"alpha.opt", "alpha.two"})
    result = runner.invoke(app, ["explain", waiting, str(company), "--library", str(mini_library)])
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "alpha.two" in out and "alpha.one" in out and "alpha.opt" in out
    assert "base " in out and " working days" in out
    french = runner.invoke(app, ["explain", waiting, str(company), "--library", str(mini_library), "--lang", "fr"])
    assert "Durée" in french.stdout and "attend des personnes" in french.stdout
    bad = runner.invoke(app, ["explain", "nope", str(company), "--library", str(mini_library)])
    assert bad.exit_code == 2


def test_no_color(tmp_path: Path) -> None:
    args = ["plan", str(EXAMPLES[0]), "--out", str(tmp_path), "--format", "json", "--details"]
    colour = runner.invoke(app, args, env={"FORCE_COLOR": "1", "NO_COLOR": ""})
    assert re.search(r"\x1b\[[0-9;]*3[1-7]m", colour.stdout)  # colours when forced
    plain = runner.invoke(app, args, env={"FORCE_COLOR": "1", "NO_COLOR": "1"})
    assert not re.search(r"\x1b\[[0-9;]*3[0-7]m", plain.stdout)


def test_version() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0 and re.fullmatch(r"roadmap \d+\.\d+\.\d+\S*\n", result.stdout)


def test_every_help_has_an_example_and_completion_is_on() -> None:
    top = runner.invoke(app, ["--help"])
    assert "--install-completion" in top.stdout and "Example:" in top.stdout
    for name in COMMANDS:
        sub = runner.invoke(app, [name, "--help"], env={"COLUMNS": "200"})
        assert sub.exit_code == 0 and f"Example: roadmap {name}" in sub.stdout, name
    assert "Example: roadmap baseline save" in runner.invoke(app, ["baseline", "save", "--help"]).stdout


def test_init_speaks_french(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    result = runner.invoke(app, ["init", str(path), "--name", "Acme", "--employees", "300", "--lang", "fr"])
    assert result.exit_code == 0 and result.stdout.startswith("écrit ") and "ensuite" in result.stdout


def test_due_and_overdue_in_the_summary(tmp_path: Path) -> None:
    example = next(p for p in EXAMPLES if "services" in p.name)
    args = ["plan", str(example), "--out", str(tmp_path), "--format", "json", "--as-of", "2027-03-01"]
    short = runner.invoke(app, args)
    assert short.exit_code == 0, short.output
    assert "At the status date 2027-03-01" in short.stdout and "was due" in short.stdout
    assert "more (--details)" in short.stdout
