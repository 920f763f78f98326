"""Every example company file, end to end: validate, plan in every registered format, sanity of dates."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli import app
from roadmap.library import load_library
from roadmap.plan import plan_file
from roadmap.render import FORMATS
from tests.conftest import EXAMPLES, ROOT

EXAMPLE_IDS = [p.stem for p in EXAMPLES]


def example(name: str) -> Path:
    return ROOT / "examples" / f"{name}.yaml"


def test_there_are_examples() -> None:
    assert {"construction-2800", "manufacturer-1200", "services-180"} <= set(EXAMPLE_IDS)


def test_every_example_validates() -> None:
    result = CliRunner().invoke(app, ["validate", *map(str, EXAMPLES)])
    assert result.exit_code == 0, result.output
    assert result.output.count(": ok — ") == len(EXAMPLES)


@pytest.mark.parametrize("path", EXAMPLES, ids=EXAMPLE_IDS)
def test_every_example_plans_in_every_format(path: Path, tmp_path: Path) -> None:
    fmts = ",".join(FORMATS)
    runs = []
    for run in ("one", "two"):
        out = tmp_path / run
        result = CliRunner().invoke(app, ["plan", str(path), "--out", str(out), "--format", fmts])
        assert result.exit_code == 0, result.output
        assert "working days)" in result.output and "wrote " in result.output
        runs.append(out)
    for name, (file_name, _) in FORMATS.items():
        data = (runs[0] / file_name).read_bytes()
        assert data, f"{name}: empty {file_name}"
        assert data == (runs[1] / file_name).read_bytes(), f"{name}: {file_name} differs between two runs"
    plan = json.loads((runs[0] / "plan.json").read_text(encoding="utf-8"))
    assert plan["tasks"] and plan["critical_path"]
    assert plan["finish"] == max(t["finish"] for t in plan["tasks"])


@pytest.mark.parametrize("path", EXAMPLES, ids=EXAMPLE_IDS)
def test_every_example_plans_in_french(path: Path) -> None:
    plan = plan_file(path, lang="fr")[0]
    english = plan_file(path)[0]
    assert [(t.id, t.start, t.finish) for t in plan.tasks] == [(t.id, t.start, t.finish) for t in english.tasks]
    assert plan.tasks[0].title != english.tasks[0].title


def months(start: dt.date, finish: dt.date) -> float:
    return (finish - start).days / (365.25 / 12)


def test_a_1200_person_company_lands_in_6_to_12_months() -> None:
    plan = plan_file(example("manufacturer-1200"))[0]
    assert 1000 <= plan.company.employees <= 1200
    assert 6 <= months(plan.start, plan.finish) <= 12
    assert not any(d.id.endswith(".done") for d in plan.dropped)  # every stage kept


def test_a_180_person_company_lands_sooner() -> None:
    small = plan_file(example("services-180"))[0]
    big = plan_file(example("manufacturer-1200"))[0]
    assert small.company.employees == 180
    assert months(small.start, small.finish) < months(big.start, big.finish)
    assert small.working_days < big.working_days


def test_the_construction_example_drops_the_sales_stage_and_what_requires_it() -> None:
    plan = plan_file(example("construction-2800"))[0]
    library = load_library()
    crm = next(s for s in library.stages if s.id == "crm")
    dropped = {d.id: d.reason for d in plan.dropped}
    for block in [*(s.id for s in crm.steps), crm.milestone_id]:
        assert block in dropped
    assert all(t.stage != "crm" for t in plan.tasks)
    assert dropped["crm.audit"] == "stage crm excluded in construction-2800.yaml"
    dealer = next(s for s in library.steps() if s.id == "accounts.dealer-account")
    assert "crm.dealers" in dealer.requires
    assert "accounts.dealer-account" in dropped
    # ordering through the dropped stage is kept: accounts start after the core services' launch
    core_launch = next(t for t in plan.tasks if t.id == "core.launch")
    assert min(t.start for t in plan.tasks if t.stage == "accounts") > core_launch.finish


def test_a_dealer_account_without_the_dealer_unit_says_why(tmp_path: Path) -> None:
    text = example("construction-2800").read_text(encoding="utf-8")
    text = text.replace("account_types: [employees, contractors]", "account_types: [employees, dealers]")
    path = tmp_path / "company.yaml"
    path.write_text(text, encoding="utf-8")
    dropped = {d.id: d.reason for d in plan_file(path)[0].dropped}
    assert dropped["accounts.dealer-account"] == 'requires "Dealer management unit", which was dropped'


def test_the_services_example_says_why_dealers_are_dropped() -> None:
    dropped = {d.id: d.reason for d in plan_file(example("services-180"))[0].dropped}
    assert dropped["crm.dealers"] == 'answer "No" to "Does the company sell through dealers?"'


def test_company_schema_json_is_what_roadmap_schema_prints() -> None:
    result = CliRunner().invoke(app, ["schema"])
    assert result.exit_code == 0, result.output
    on_disk = (ROOT / "examples" / "company.schema.json").read_text(encoding="utf-8")
    assert result.output == on_disk, "examples/company.schema.json is stale: run `roadmap schema > examples/...`"
    assert json.loads(on_disk)["type"] == "object"
