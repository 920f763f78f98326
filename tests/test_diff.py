"""roadmap diff: what moved between two plan.json files, and why."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from cli import app
from roadmap.diff import CALENDAR, NOT_IN_LIBRARY, WORKING, diff_files, diff_plans
from roadmap.errors import InputError
from roadmap.plan import plan_file
from roadmap.render.json_out import plan_to_dict
from tests.conftest import MINI_COMPANY

runner = CliRunner()


def _plan(company: Path, library: Path) -> dict[str, Any]:
    plan, _, _ = plan_file(company, library_dir=library)
    return json.loads(json.dumps(plan_to_dict(plan)))  # type: ignore[no-any-return]


@pytest.fixture
def two_plans(mini_library: Path, make_company: Callable[..., Path]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Before: answer q1 = y (alpha.two excluded). After: 500 employees, q1 = x (default), a bigger team."""
    old = _plan(make_company(MINI_COMPANY + "answers:\n  q1: y\n", "old.yaml"), mini_library)
    bigger = MINI_COMPANY.replace("employees: 300", "employees: 500") + "team:\n  dev: 2\n"
    new = _plan(make_company(bigger, "new.yaml"), mini_library)
    return old, new


def test_identical_plans_have_no_differences(mini_library: Path, make_company: Callable[..., Path]) -> None:
    plan = _plan(make_company(), mini_library)
    result = diff_plans(plan, plan)
    assert result.unchanged
    assert result.finish.shift == 0 and result.unit == WORKING


def test_scope_durations_dates_and_inputs(two_plans: tuple[dict[str, Any], dict[str, Any]]) -> None:
    old, new = two_plans
    result = diff_plans(old, new)
    assert not result.unchanged
    added = {item.id for item in result.added}
    assert {"alpha.two", "alpha.opt"} <= added
    assert not result.dropped
    one = next(d for d in result.durations if d.id == "alpha.one")
    assert (one.old_days, one.new_days) == (4, 8)  # 3 + 1 for 300 people; 3 + 3 for 500 and + 2 from q1 = x
    assert any("500" in line for line in one.why_added) and any("300" in line for line in one.why_removed)
    assert any("Which way?" in line for line in one.why_added)
    moved = {m.id: m for m in result.moves}
    assert moved["alpha.done"].finish_shift > 0
    assert result.finish.old == old["finish"] and result.finish.new == new["finish"]
    assert result.finish.shift > 0
    # the new file leaves q1 unanswered: its default is assumed, not an answer (issue 9)
    assert [(c.key, c.old, c.new) for c in result.answers] == [("q1", "y", None)]
    assert [(c.key, c.old, c.new) for c in result.team] == [("dev", None, 2)]
    assert [(c.key, c.old, c.new) for c in result.company] == [("employees", 300, 500)]
    assert any("duration" in cause for cause in moved["alpha.one"].because)
    assert any("alpha.one" in cause for cause in moved["alpha.done"].because)


def test_dropped_steps_carry_the_new_reason(two_plans: tuple[dict[str, Any], dict[str, Any]]) -> None:
    old, new = two_plans
    result = diff_plans(new, old)  # backwards: alpha.two is now dropped by q1 = y
    dropped = {item.id: item for item in result.dropped}
    assert "alpha.two" in dropped
    assert dropped["alpha.two"].reason and "Which way?" in dropped["alpha.two"].reason


def test_working_days_use_both_calendars(mini_library: Path, make_company: Callable[..., Path]) -> None:
    plan = _plan(make_company(), mini_library)
    later = json.loads(json.dumps(plan))
    later["finish"] = "2027-02-01"  # a Monday
    plan["finish"] = "2027-01-29"  # the Friday before
    assert diff_plans(plan, later).finish.shift == 1
    later["calendar"]["weekend"] = ["fri", "sat"]
    result = diff_plans(plan, later)
    assert result.unit == CALENDAR and result.finish.shift == 3


def test_bad_files_are_input_errors(tmp_path: Path) -> None:
    good = tmp_path / "good.json"
    good.write_text('{"start": "2027-01-01", "finish": "2027-01-01", "tasks": []}', encoding="utf-8")
    bad = tmp_path / "bad.json"
    bad.write_text('{"tasks": "nope"}', encoding="utf-8")
    with pytest.raises(InputError, match=r"bad\.json"):
        diff_files(good, bad)
    with pytest.raises(InputError, match="NEW"):
        diff_plans({"start": "2027-01-01", "finish": "2027-01-01", "tasks": []}, {"tasks": []})
    with pytest.raises(InputError, match=r"missing\.json"):
        diff_files(good, tmp_path / "missing.json")


def test_cli_text_and_json(two_plans: tuple[dict[str, Any], dict[str, Any]], tmp_path: Path) -> None:
    old, new = two_plans
    old_path, new_path = tmp_path / "old.json", tmp_path / "new.json"
    old_path.write_text(json.dumps(old), encoding="utf-8")
    new_path.write_text(json.dumps(new), encoding="utf-8")
    result = runner.invoke(app, ["diff", str(old_path), str(new_path)], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    for text in ("Finish", "Scope", "alpha.opt", "Durations", "q1: y → (none)", "employees: 300 → 500", "Dates moved"):
        assert text in result.output, text
    as_json = runner.invoke(app, ["diff", str(old_path), str(new_path), "--json"])
    assert as_json.exit_code == 0
    data = json.loads(as_json.output)
    assert data["unit"] == WORKING and data["finish"]["new"] == new["finish"] and not data["unchanged"]
    assert {item["id"] for item in data["added"]} >= {"alpha.opt"}
    same = runner.invoke(app, ["diff", str(old_path), str(old_path)])
    assert same.exit_code == 0 and "No differences" in same.output
    broken = tmp_path / "broken.json"
    broken.write_text("{", encoding="utf-8")
    failed = runner.invoke(app, ["diff", str(old_path), str(broken)])
    assert failed.exit_code == 2 and "broken.json" in failed.output


def test_a_step_gone_from_the_library_says_so(two_plans: tuple[dict[str, Any], dict[str, Any]]) -> None:
    old, new = two_plans
    old["tasks"].append({**old["tasks"][0], "id": "alpha.retired", "title": "Retired step"})
    (gone,) = [item for item in diff_plans(old, new).dropped if item.id == "alpha.retired"]
    assert gone.reason == NOT_IN_LIBRARY and gone.title == "Retired step"
    del new["dropped"]  # a foreign file without the list: no reason is made up
    (gone,) = [item for item in diff_plans(old, new).dropped if item.id == "alpha.retired"]
    assert gone.reason is None


def test_duration_reasons_leave_out_team_waits(two_plans: tuple[dict[str, Any], dict[str, Any]]) -> None:
    """Waiting for a busy role moves a step's start; it is no reason for its duration."""
    old, new = two_plans
    one_old = next(t for t in old["tasks"] if t["id"] == "alpha.one")
    one_new = next(t for t in new["tasks"] if t["id"] == "alpha.one")
    one_old["why"] = [*one_old["why"], "waits 3 working days for pm (team limit)"]
    one_old["reasons"] = [*one_old["reasons"], {"code": "waits", "days": 3, "roles": ["pm"]}]
    one_new["why"] = [*one_new["why"], "attend 5 jours ouvrés la disponibilité de Chef de projet (limite d'équipe)"]
    one_new["reasons"] = [*one_new["reasons"], {"code": "waits", "days": 5, "roles": ["pm"]}]
    (one,) = [d for d in diff_plans(old, new).durations if d.id == "alpha.one"]
    assert not any("waits" in line or "attend" in line for line in one.why_added + one.why_removed)
    assert any("500" in line for line in one.why_added)


def test_duration_reasons_compare_records_not_sentences(two_plans: tuple[dict[str, Any], dict[str, Any]]) -> None:
    """The same record worded in another language is the same reason; plans without records compare words."""
    old, new = two_plans
    one_old = next(t for t in old["tasks"] if t["id"] == "alpha.one")
    one_new = next(t for t in new["tasks"] if t["id"] == "alpha.one")
    one_new["why"] = ["base 3 jours ouvrés (hypothèse de la bibliothèque)", *one_new["why"][1:]]
    (one,) = [d for d in diff_plans(old, new).durations if d.id == "alpha.one"]
    assert not any("base" in line for line in one.why_added + one.why_removed)
    for task in (one_old, one_new):
        del task["reasons"]
    (one,) = [d for d in diff_plans(old, new).durations if d.id == "alpha.one"]
    assert one.why_added[0].startswith("base 3 jours")


def test_cli_one_line_per_change_when_piped(two_plans: tuple[dict[str, Any], dict[str, Any]], tmp_path: Path) -> None:
    """Piped output is not wrapped at 80 columns: each moved step stays one line, for grep."""
    old, new = two_plans
    old_path, new_path = tmp_path / "old.json", tmp_path / "new.json"
    old_path.write_text(json.dumps(old), encoding="utf-8")
    new_path.write_text(json.dumps(new), encoding="utf-8")
    result = runner.invoke(app, ["diff", str(old_path), str(new_path)], env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    (line,) = [line for line in result.output.splitlines() if line.startswith("  alpha.done: start")]
    assert "finish" in line and "—" in line and len(line) > 80
