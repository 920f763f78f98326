"""plan.json of the examples only gains fields (issue 11): what it said before stays, byte for byte.

Each example's plan.json, cut down to the fields plan.json had before issue 11 (the lists below),
must hash as it did then. A field added to the Plan, a Task or a stage is left out by the cut, so
adding fields never fails this test; changing, removing or reordering what was there does. When a
change of the method (the library) is meant to change the plans, update the digests in the same
commit and say why.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

import pytest

from roadmap.plan import plan_file
from tests.conftest import ROOT

PLAN_FIELDS = (
    "company", "start", "finish", "working_days", "calendar", "tasks", "dropped", "risks", "critical_path",
    "stages", "warnings", "answers", "as_of", "lang", "scheduling_rule", "team", "resource_links", "forecast",
    "assumed", "unanswered", "deadlines", "staffing", "due", "bound_by_team", "effort", "cost", "sites",
)  # fmt: skip
TASK_FIELDS = (
    "id", "stage", "title", "start", "finish", "duration_days", "milestone", "predecessors", "roles", "critical",
    "slack_days", "status", "percent", "why", "description", "deliverables", "baseline_start", "baseline_finish",
    "slip_days", "waits_for", "demands", "effort", "site",
)  # fmt: skip
STAGE_FIELDS = (
    "id", "order", "title", "start", "finish", "working_days", "milestone", "slip_days", "cost_delta",
)  # fmt: skip
DROPPED_FIELDS = ("id", "reason", "stage", "title")
CALENDAR_FIELDS = ("weekend", "holidays", "extra_working_days", "country", "holiday_names")

DIGESTS = {
    "construction-2800": "6ac7186ddf94d7d322f2b55954cc0adacc10a76f47ddef681bb8953882a63ebc",
    "manufacturer-1200": "93c43db3d1619c24b49ada9b6730ebd23bf93f6fc8ad161b779c3f6c73e6be95",
    "services-180": "998d4ccaecb3753db127f6c66132ba67b5599277a6e2967e51a45083c11007c6",
}
"""sha256 of each example's plan.json (English, no status date), cut to the fields above.

First taken before issue 11, to show that moving the words into the Plan changed no date. Issue
14's leveling search plans some steps differently (the examples finish on the same dates), so
they were taken again then: a change of schedule shows here and must be looked at."""


def _only(record: dict[str, Any], fields: tuple[str, ...]) -> dict[str, Any]:
    return {key: value for key, value in record.items() if key in fields}


def pre_issue_11(plan_json: dict[str, Any]) -> dict[str, Any]:
    """``plan_json`` with only the fields it had before issue 11, in its own order."""
    out = _only(plan_json, PLAN_FIELDS)
    out["tasks"] = [_only(task, TASK_FIELDS) for task in out["tasks"]]
    out["stages"] = [_only(stage, STAGE_FIELDS) for stage in out["stages"]]
    out["dropped"] = [_only(drop, DROPPED_FIELDS) for drop in out["dropped"]]
    out["calendar"] = _only(out["calendar"], CALENDAR_FIELDS)
    return out


def digest(plan_json: dict[str, Any]) -> str:
    text = json.dumps(pre_issue_11(plan_json), ensure_ascii=False, indent=2)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@pytest.mark.parametrize("name", sorted(DIGESTS))
def test_the_examples_plan_json_only_gains_fields(name: str) -> None:
    plan = plan_file(ROOT / "examples" / f"{name}.yaml")[0]
    assert digest(json.loads(plan.to_json())) == DIGESTS[name]


def test_the_cut_keeps_what_was_there_and_drops_what_was_added() -> None:
    before = {
        "company": {},
        "calendar": {"weekend": []},
        "tasks": [{"id": "a"}],
        "stages": [{"id": "s"}],
        "dropped": [{"id": "d"}],
    }
    after = {
        "company": {},
        "calendar": {"weekend": [], "new": 1},
        "tasks": [{"id": "a", "wbs": "1.1"}],
        "stages": [{"id": "s", "goal": "g"}],
        "dropped": [{"id": "d", "reasons": []}],
        "role_titles": {},
    }
    assert digest(after) == digest(before)
    assert digest({**after, "tasks": [{"id": "b"}]}) != digest(before)
