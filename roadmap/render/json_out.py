"""plan.json: the plan as data, byte-identical for the same input."""

from __future__ import annotations

import json
from typing import Any

from roadmap.plan import Plan
from roadmap.render import RenderContext

BASELINE_KEYS = ("baseline_start", "baseline_finish", "slip_days")


def plan_to_dict(plan: Plan) -> dict[str, Any]:
    """The JSON-ready plan; baseline keys appear only when a baseline was compared."""
    data = plan.model_dump(mode="json")
    for item in [*data["tasks"], *data["stages"]]:
        for key in BASELINE_KEYS:
            if key in item and item[key] is None:
                del item[key]
    return data


def dumps(plan: Plan) -> str:
    """Serialise a plan (sorted nothing: the plan's own order is already deterministic)."""
    return json.dumps(plan_to_dict(plan), ensure_ascii=False, indent=2) + "\n"


def render(ctx: RenderContext) -> bytes:
    """plan.json."""
    return dumps(ctx.plan).encode("utf-8")
