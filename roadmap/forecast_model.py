"""plan.json's ``forecast`` (issue 16): the Monte Carlo forecast's result as data.

Apart from :mod:`roadmap.forecast` (which simulates, re-planning with :mod:`roadmap.plan`) so
that the Plan can hold a forecast without importing the simulation.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class _Out(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Percentiles(_Out):
    """Dates by which the work is done in 50, 80 and 90 % of the iterations (working days)."""

    p50: dt.date
    p80: dt.date
    p90: dt.date


class Driver(_Out):
    """A step or risk whose draws move the finish: Spearman rank correlation with it."""

    id: str
    kind: Literal["step", "risk"]
    rho: float


class Convergence(_Out):
    """How settled the P80 is."""

    batches: int
    p80_change_days: int
    """Working days between the P80 of all iterations and that without the last batch."""


class Forecast(_Out):
    """The ``forecast`` of plan.json."""

    iterations: int
    seed: int
    method: str
    finish: Percentiles
    plan_finish_percentile: float
    """Share of iterations (%) finishing on or before the plan's own finish date."""
    stages: dict[str, Percentiles]
    criticality: dict[str, float]
    """Step id → share of iterations in which it is critical (zero slack)."""
    drivers: tuple[Driver, ...]
    """The steps and risks most correlated with the finish, strongest first."""
    convergence: Convergence
    curve: tuple[tuple[dt.date, float], ...] = Field(default=(), exclude=True)
    """The finish's cumulative distribution: (date, % of iterations done by then), for the
    Gantt page's S-curve; not written to plan.json."""
    titles: dict[str, str] = Field(default={}, exclude=True)
    """Driver id → step title or risk text, for the terminal; not written to plan.json."""


def headline(forecast: Forecast, plan_finish: dt.date, lang: str) -> list[str]:
    """The forecast in three sentences: how it was drawn, P50/P80/P90 of the finish, and the
    chance of finishing by the plan's date (the terminal's first lines, the Gantt section's note)."""
    from roadmap.i18n import decimal, t

    f = forecast.finish
    return [
        t(lang, "fc_headline", n=forecast.iterations, method=forecast.method, seed=forecast.seed),
        t(lang, "fc_finish", p50=f.p50, p80=f.p80, p90=f.p90),
        t(lang, "fc_plan_date", date=plan_finish, pct=decimal(forecast.plan_finish_percentile, lang)),
    ]


__all__ = ["Convergence", "Driver", "Forecast", "Percentiles", "headline"]
