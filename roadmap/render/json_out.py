"""plan.json: the plan as data, byte-identical for the same input."""

from __future__ import annotations

from typing import Any

from roadmap.plan import Plan
from roadmap.render import RenderContext


def plan_to_dict(plan: Plan) -> dict[str, Any]:
    """The JSON-ready plan; baseline keys appear only when a baseline was compared."""
    return plan.model_dump(mode="json")


def dumps(plan: Plan) -> str:
    """Serialise a plan: two-space indent, UTF-8 text, the plan's own (deterministic) order."""
    return plan.to_json()


def render(ctx: RenderContext) -> bytes:
    """plan.json."""
    return dumps(ctx.plan).encode("utf-8")
