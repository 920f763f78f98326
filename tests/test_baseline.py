"""Baselines: save, compare, slip in working days; the CLI around them."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli import app
from roadmap.baseline import (
    apply_baseline,
    default_baseline_path,
    find_baseline,
    read_plan_json,
    save_baseline,
    working_days_between,
)
from roadmap.calendar import build_calendar
from roadmap.errors import FileExists, InputError
from roadmap.plan import plan_file, save_company_baseline
from roadmap.render.json_out import dumps
from tests.conftest import MINI_COMPANY

runner = CliRunner()
BIGGER = MINI_COMPANY.replace("employees: 300", "employees: 500")
"""alpha.one scales with headcount: +1 day at 300, +3 at 500."""


def test_default_path_is_beside_the_company_file(tmp_path: Path) -> None:
    assert default_baseline_path(tmp_path / "acme.yaml") == tmp_path / "acme.baseline.json"
    assert find_baseline(tmp_path / "acme.yaml") is None
    (tmp_path / "acme.baseline.json").write_text("{}", encoding="utf-8")
    assert find_baseline(tmp_path / "acme.yaml") == tmp_path / "acme.baseline.json"
    with pytest.raises(InputError, match="not found"):
        find_baseline(tmp_path / "acme.yaml", tmp_path / "other.json")


def test_save_writes_plan_json_and_refuses_to_overwrite(mini_library: Path, make_company: Callable[..., Path]) -> None:
    company = make_company()
    path, plan = save_company_baseline(company, library_dir=mini_library)
    assert path == default_baseline_path(company)
    assert path.read_text(encoding="utf-8") == dumps(plan)
    with pytest.raises(FileExists, match="a baseline already exists"):  # the CLI adds "use --force"
        save_company_baseline(company, library_dir=mini_library)
    with pytest.raises(FileExists, match="already exists"):
        save_baseline(plan, path)
    company.write_text(BIGGER, encoding="utf-8")
    _, newer = save_company_baseline(company, library_dir=mini_library, force=True)
    assert json.loads(path.read_text(encoding="utf-8"))["finish"] == newer.finish.isoformat() != plan.finish.isoformat()


def test_slip_in_working_days_per_task_and_stage(mini_library: Path, make_company: Callable[..., Path]) -> None:
    company = make_company()
    path, before = save_company_baseline(company, library_dir=mini_library)
    company.write_text(BIGGER, encoding="utf-8")
    after, loaded, _ = plan_file(company, library_dir=mini_library, baseline=path)
    calendar = build_calendar(dt.date(2027, 1, 4), "FR")
    old = {t.id: t for t in before.tasks}
    for task in after.tasks:
        assert task.baseline_start == old[task.id].start
        assert task.baseline_finish == old[task.id].finish
        assert task.slip_days == working_days_between(calendar, old[task.id].finish, task.finish)
    one = next(t for t in after.tasks if t.id == "alpha.one")
    assert one.slip_days == 2  # +3 days instead of +1
    assert all(stage.slip_days == 2 for stage in after.stages)
    data = json.loads(dumps(after))
    assert data["tasks"][0]["slip_days"] == 2 and data["stages"][0]["slip_days"] == 2
    assert loaded.path == company


def test_without_baseline_the_keys_are_absent(mini_library: Path, make_company: Callable[..., Path]) -> None:
    plan, _, _ = plan_file(make_company(), library_dir=mini_library)
    data = json.loads(dumps(plan))
    assert not any("slip_days" in item or "baseline_start" in item for item in data["tasks"] + data["stages"])


def test_new_steps_have_no_baseline(mini_library: Path, make_company: Callable[..., Path]) -> None:
    company = make_company(MINI_COMPANY + "answers:\n  q1: y\n")  # excludes alpha.two, no alpha.opt
    path, before = save_company_baseline(company, library_dir=mini_library)
    company.write_text(MINI_COMPANY, encoding="utf-8")
    after, _, _ = plan_file(company, library_dir=mini_library, baseline=path)
    old_ids = {t.id for t in before.tasks}
    new = [t for t in after.tasks if t.id not in old_ids]
    assert {t.id for t in new} >= {"alpha.opt"}
    assert all(t.baseline_start is None and t.slip_days is None for t in new)
    assert all(t.slip_days is not None for t in after.tasks if t.id in old_ids)


def test_working_days_between_is_signed_and_skips_holidays() -> None:
    calendar = build_calendar(dt.date(2027, 1, 1), "FR")
    friday, monday = dt.date(2027, 5, 7), dt.date(2027, 5, 10)
    assert working_days_between(calendar, friday, monday) == 1
    assert working_days_between(calendar, monday, friday) == -1
    assert working_days_between(calendar, monday, monday) == 0
    # Ascension Day, Thursday 6 May 2027, is a public holiday in France.
    assert working_days_between(calendar, dt.date(2027, 5, 5), dt.date(2027, 5, 7)) == 1
    assert working_days_between(calendar, dt.date(2027, 5, 7), dt.date(2027, 5, 5)) == -1


def test_apply_baseline_matches_by_id(mini_library: Path, make_company: Callable[..., Path]) -> None:
    plan, _, _ = plan_file(make_company(), library_dir=mini_library)
    calendar = build_calendar(dt.date(2027, 1, 4), "FR")
    first = plan.tasks[0]
    later = calendar.to_date(calendar.to_index(first.finish) - 3)
    baseline = {"tasks": [{"id": first.id, "start": "2027-01-04", "finish": later.isoformat()}], "stages": []}
    result = apply_baseline(plan, baseline, calendar)
    assert result.tasks[0].slip_days == 3
    assert all(t.slip_days is None for t in result.tasks[1:])
    assert all(s.slip_days is None for s in result.stages)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("not json", "not JSON"),
        ("[]", "expected an object"),
        ('{"start": "2027-01-01", "finish": "2027-02-01"}', "'tasks' must be a list"),
        ('{"start": "2027-01-01", "finish": "2027-02-01", "tasks": [{"id": 3}]}', "string 'id'"),
        ('{"start": "2027-01-01", "finish": "2027-02-01", "tasks": [{"id": "a", "start": "soon"}]}', "tasks\\[0\\]"),
        ('{"start": "2027-13-01", "finish": "2027-02-01", "tasks": []}', "start"),
    ],
)
def test_bad_plan_json_is_an_input_error(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "bad.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match=message) as info:
        read_plan_json(path)
    assert str(path) in str(info.value)


# ------------------------------------------------------------------ CLI


def test_cli_save_then_plan_shows_slip(mini_library: Path, make_company: Callable[..., Path], tmp_path: Path) -> None:
    company = make_company()
    lib = ["--library", str(mini_library)]
    result = runner.invoke(app, ["baseline", "save", str(company), *lib])
    assert result.exit_code == 0, result.output
    assert "saved baseline" in result.output and default_baseline_path(company).is_file()

    again = runner.invoke(app, ["baseline", "save", str(company), *lib])
    assert again.exit_code == 2 and "--force" in again.output

    company.write_text(BIGGER, encoding="utf-8")
    out = tmp_path / "out"
    shown = runner.invoke(app, ["plan", str(company), "--out", str(out), "--details", *lib], env={"COLUMNS": "200"})
    assert shown.exit_code == 0, shown.output
    assert "compared with baseline" in shown.output
    assert "Slip" in shown.output and "+2" in shown.output
    assert "Against the baseline" in shown.output and "alpha.one" in shown.output
    data = json.loads((out / "plan.json").read_text(encoding="utf-8"))
    assert data["stages"][0]["slip_days"] == 2


def test_cli_explicit_baseline_and_missing_one(
    mini_library: Path, make_company: Callable[..., Path], tmp_path: Path
) -> None:
    company = make_company()
    lib = ["--library", str(mini_library)]
    elsewhere = tmp_path / "saved" / "march.json"
    assert runner.invoke(app, ["baseline", "save", str(company), "--baseline", str(elsewhere), *lib]).exit_code == 0
    assert elsewhere.is_file() and not default_baseline_path(company).exists()
    plain = runner.invoke(app, ["plan", str(company), "--out", str(tmp_path / "a"), *lib])
    assert plain.exit_code == 0 and "compared with baseline" not in plain.output
    used = runner.invoke(app, ["plan", str(company), "--out", str(tmp_path / "b"), "--baseline", str(elsewhere), *lib])
    assert used.exit_code == 0 and "compared with baseline" in used.output
    missing = runner.invoke(app, ["plan", str(company), "--baseline", str(tmp_path / "nope.json"), *lib])
    assert missing.exit_code == 2 and "not found" in missing.output


def test_cli_ics_level_reaches_the_renderer(
    mini_library: Path, make_company: Callable[..., Path], tmp_path: Path
) -> None:
    company = make_company()
    args = ["plan", str(company), "--out", str(tmp_path), "--library", str(mini_library), "--format", "ics"]
    assert runner.invoke(app, [*args, "--ics-level", "stage"]).exit_code == 0
    assert (tmp_path / "plan.ics").read_text(encoding="utf-8").count("BEGIN:VEVENT") == 2
    assert runner.invoke(app, args).exit_code == 0
    assert (tmp_path / "plan.ics").read_text(encoding="utf-8").count("BEGIN:VEVENT") == 7
    bad = runner.invoke(app, [*args, "--ics-level", "week"])
    assert bad.exit_code == 2


def test_cli_a_folder_is_no_baseline(mini_library: Path, make_company: Callable[..., Path], tmp_path: Path) -> None:
    """A folder given as --baseline is a clear input error, with or without --force (no traceback)."""
    company = make_company()
    folder = tmp_path / "baselines"
    folder.mkdir()
    lib = ["--library", str(mini_library)]
    for force in ([], ["--force"]):
        saved = runner.invoke(app, ["baseline", "save", str(company), "--baseline", str(folder), *force, *lib])
        assert saved.exit_code == 2, saved.output
        assert "is a folder" in saved.output
    used = runner.invoke(app, ["plan", str(company), "--out", str(tmp_path / "o"), "--baseline", str(folder), *lib])
    assert used.exit_code == 2 and "is a folder" in used.output


def test_cli_corrupted_or_foreign_baseline(
    mini_library: Path, make_company: Callable[..., Path], tmp_path: Path
) -> None:
    """A broken baseline stops the plan with exit 2; one from another library version still compares by id."""
    company = make_company()
    lib = ["--library", str(mini_library)]
    path, _ = save_company_baseline(company, library_dir=mini_library)
    text = path.read_text(encoding="utf-8")
    path.write_text(text[: len(text) // 2], encoding="utf-8")
    broken = runner.invoke(app, ["plan", str(company), "--out", str(tmp_path / "a"), *lib])
    assert broken.exit_code == 2 and "not JSON" in broken.output and str(path.name) in broken.output

    data = json.loads(text)
    data["tasks"] = [t for t in data["tasks"] if t["id"] != "alpha.two"]
    data["tasks"].append({**data["tasks"][0], "id": "alpha.retired"})
    data["stages"] = [s for s in data["stages"] if s["id"] != "beta"]
    path.write_text(json.dumps(data), encoding="utf-8")
    out = tmp_path / "b"
    older = runner.invoke(app, ["plan", str(company), "--out", str(out), "--format", "json", *lib])
    assert older.exit_code == 0, older.output
    plan = json.loads((out / "plan.json").read_text(encoding="utf-8"))
    by_id = {t["id"]: t for t in plan["tasks"]}
    assert "slip_days" not in by_id["alpha.two"] and by_id["alpha.one"]["slip_days"] == 0
    assert "alpha.retired" not in by_id
    assert [s.get("slip_days") for s in plan["stages"]] == [0, None]


def test_help_texts() -> None:
    for command in (["baseline", "--help"], ["baseline", "save", "--help"], ["diff", "--help"]):
        result = runner.invoke(app, command)
        assert result.exit_code == 0 and "Usage" in result.output
