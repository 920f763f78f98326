"""Forecast: P50/P80/P90 dates by Monte Carlo on the leveled, calendar-true schedule.

The plan is resolved once; every iteration draws each uncertain step's duration (beta-PERT by
default, triangular on request) and each quantified risk event, rounds durations to whole
working days (half up, at least 1), and schedules the same tasks with the same scheduler
(:func:`roadmap.schedule.schedule_tasks`: leveling, slack, critical path) on the same calendar.

Where a step's range comes from (first that applies):

1. its ``estimate: {low, likely, high}`` (working days; ``likely`` is ``duration_days``);
2. its stage's ``ranges.steps[step id]`` factors, then ``ranges.default`` factors
   (``low × duration_days`` .. ``high × duration_days``);
3. none: the step is certain (only risks move it).

Size scaling and ``add_days`` answers shift all three points by the days they add; a ``widen``
answer adds ``high × planned duration`` to the high end. A risk effect with ``probability``,
``impact_days: [min, max]`` and ``steps`` is a risk event: when it happens (chance
``probability``), a whole number of days drawn uniformly from ``[min, max]`` is added to each
step it names. Started and finished steps keep their dates.

Percentiles are nearest-rank on the iterations' finish indices, so each is a working day of the
plan's calendar. Same inputs, iterations and seed → the same forecast, byte for byte.
"""

from __future__ import annotations

import bisect
import dataclasses
import datetime as dt
import math
import random
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from roadmap.forecast_model import Convergence, Driver, Forecast, Percentiles

if TYPE_CHECKING:
    from roadmap.calendar import WorkCalendar
    from roadmap.company import CompanyInput
    from roadmap.daymask import DayIndex
    from roadmap.models import Library
    from roadmap.plan import Plan
    from roadmap.resolve import Resolution
    from roadmap.schedule import SchedTask
    from roadmap.summary import SummaryInput
    from roadmap.summary_parts import Section

Method = Literal["pert", "triangular"]
METHODS: tuple[str, ...] = ("pert", "triangular")
DEFAULT_SEED = 0
"""The seed used when none is given: a forecast is reproducible by default."""
BATCHES = 10
"""Convergence: the P80 after all iterations is compared with the P80 without the last tenth."""
TOP_DRIVERS = 10
PERCENTILES = (("p50", 0.5), ("p80", 0.8), ("p90", 0.9))

Progress = Callable[[int, int], None]
"""Called with (iterations done, iterations in all) as the simulation goes."""


@dataclass(frozen=True)
class Uncertain:
    """A step whose duration is drawn: low <= likely <= high, in working days."""

    id: str
    low: float
    likely: float
    high: float


@dataclass(frozen=True)
class RiskEvent:
    """A quantified risk raised by an answer."""

    id: str
    """``<question>=<option>#<n>``: which answer raised it."""
    probability: float
    impact: tuple[int, int]
    steps: tuple[str, ...]
    """Steps of the plan it delays."""
    text: str = ""
    """What the risk says, in the plan's language."""


@dataclass
class Model:
    """What the simulation needs, built once per plan."""

    tasks: list[SchedTask]
    team: dict[str, int | float]
    uncertain: list[Uncertain]
    risks: list[RiskEvent]
    stage_of: dict[str, str]
    """Block id → stage id."""
    steps: list[str]
    """Ids of the steps (not milestones) of the plan, sorted."""
    base: dict[str, int]
    """Task id → its planned duration."""
    order: tuple[str, ...] = ()
    """The plan's task ids by start (then finish, id): each iteration's schedule is the shorter of
    the first pass and a pass in this order (no improvement search per iteration; an empty
    order: the first pass alone)."""


@dataclass
class Samples:
    """Raw results of the iterations (one entry per iteration in every list)."""

    finish: list[int] = dataclasses.field(default_factory=list)
    stage_finish: dict[str, list[int]] = dataclasses.field(default_factory=dict)
    critical: dict[str, int] = dataclasses.field(default_factory=dict)
    """Step id → iterations in which it was critical."""
    durations: dict[str, list[int]] = dataclasses.field(default_factory=dict)
    """Uncertain step id → its drawn duration (risk delays aside)."""
    risk_days: dict[str, list[int]] = dataclasses.field(default_factory=dict)
    """Risk id → days it added (0 when it did not happen)."""


def build_model(
    resolution: Resolution,
    library: Library,
    company: CompanyInput,
    tasks: Sequence[SchedTask],
    lang: str = "en",
    *,
    order: Sequence[str] = (),
) -> Model:
    """The ranges and risk events of a resolved plan; ``tasks`` are the plan's scheduler tasks,
    ``order`` its task ids by start (:attr:`Model.order`)."""
    from roadmap.resolve import chosen_effects

    data = company.data
    kept = resolution.blocks
    base = {t.id: t for t in tasks}
    widen: dict[str, float] = {}
    risks: list[RiskEvent] = []
    for chosen in chosen_effects(library, resolution.env, set(resolution.applicable_questions)):
        effect = chosen.effect
        if effect.widen:
            widen[effect.widen.step] = widen.get(effect.widen.step, 0.0) + effect.widen.high
        if effect.risk and effect.probability and effect.impact_days:
            hit = tuple(sorted(s for s in effect.steps or () if s in kept and _free(base.get(s))))
            if hit and chosen.stage.milestone_id in kept:
                rid = f"{chosen.question.id}={chosen.value}#{chosen.number}"
                text = effect.risk.get(lang)
                risks.append(RiskEvent(rid, effect.probability, effect.impact_days, hit, text))
    uncertain: list[Uncertain] = []
    for bid in sorted(kept):
        block = kept[bid]
        step = block.step
        if step is None or not _free(base.get(bid)):
            continue
        likely = float(block.duration)
        shift = likely - step.duration_days
        low = high = likely
        factors = None
        if step.estimate is not None:
            low, high = step.estimate.low + shift, step.estimate.high + shift
        elif block.stage.ranges is not None:
            factors = block.stage.ranges.steps.get(bid, block.stage.ranges.default)
        if factors is not None:
            low, high = factors.low * step.duration_days + shift, factors.high * step.duration_days + shift
        high += widen.get(bid, 0.0) * likely
        if high > low:
            uncertain.append(Uncertain(bid, max(low, 0.0), likely, high))
    return Model(
        tasks=list(tasks),
        team=dict(data.team),
        uncertain=uncertain,
        risks=risks,
        stage_of={bid: kept[bid].stage.id for bid in kept},
        steps=sorted(bid for bid in kept if kept[bid].step is not None),
        base={t.id: t.duration for t in tasks},
        order=tuple(order),
    )


def _free(task: SchedTask | None) -> bool:
    """A task whose duration the simulation may change (not started, not a milestone)."""
    return task is not None and task.fixed_start is None and task.duration > 0


def draw(rng: random.Random, u: Uncertain, method: str) -> int:
    """One duration in whole working days: beta-PERT or triangular, rounded half up, at least 1."""
    low, mode, high = u.low, u.likely, u.high
    if method == "triangular":
        x = rng.triangular(low, high, mode)
    else:
        span = high - low
        alpha = 1 + 4 * (mode - low) / span
        beta = 1 + 4 * (high - mode) / span
        x = low + rng.betavariate(alpha, beta) * span
    return max(1, math.floor(x + 0.5))


CHUNK = 50
"""Iterations per unit of work (drawn in order in the parent; scheduled wherever)."""
PARALLEL_WORK = 300_000
"""Iterations × tasks above which the schedules are spread over the machine's cores."""


def run(
    model: Model,
    iterations: int,
    seed: int,
    method: str,
    progress: Progress | None = None,
    workers: int | None = None,
) -> Samples:
    """Run ``iterations`` schedules with drawn durations and risk events.

    Every draw is made here, in iteration order, from one ``random.Random(seed)``; only the
    scheduling is spread over ``workers`` processes (default: the CPU count for a large run, else
    none), chunk by chunk, and the chunks' results are taken back in order. So the samples do not
    depend on the number of workers.
    """
    if method not in METHODS:
        msg = f"unknown method {method!r}: expected {' or '.join(METHODS)}"
        raise ValueError(msg)
    rng = random.Random(seed)  # noqa: S311 -- a reproducible simulation, not a secret
    samples = Samples(
        critical=dict.fromkeys(model.steps, 0),
        durations={u.id: [] for u in model.uncertain},
        risk_days={r.id: [] for r in model.risks},
        stage_finish={s: [] for s in _stage_ids(model)},
    )

    def chunks() -> Iterator[list[dict[str, int]]]:
        for first in range(0, iterations, CHUNK):
            yield [_draw_iteration(model, rng, method, samples) for _ in range(min(CHUNK, iterations - first))]

    if workers is None:
        workers = _default_workers(iterations * len(model.tasks))
    done = 0
    for results in _schedule_all(model, chunks(), workers):
        for finish, stage_ends, critical in results:
            samples.finish.append(finish)
            for sid, end in zip(samples.stage_finish, stage_ends, strict=True):
                samples.stage_finish[sid].append(end)
            for k in critical:
                samples.critical[model.steps[k]] += 1
        done += len(results)
        if progress is not None:
            progress(done, iterations)
    return samples


def _default_workers(work: int) -> int:
    import os

    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return cpus if work >= PARALLEL_WORK and cpus > 1 else 0


def _draw_iteration(model: Model, rng: random.Random, method: str, samples: Samples) -> dict[str, int]:
    """One iteration's durations (task id → working days) for the tasks that change."""
    days: dict[str, int] = {}
    for u in model.uncertain:
        d = draw(rng, u, method)
        days[u.id] = d
        samples.durations[u.id].append(d)
    for risk in model.risks:
        happened = rng.random() < risk.probability
        impact = rng.randint(*risk.impact) if happened else 0
        samples.risk_days[risk.id].append(impact)
        for sid in risk.steps:
            days[sid] = days.get(sid, model.base[sid]) + impact
    return days


Result = tuple[int, tuple[int, ...], tuple[int, ...]]
"""One iteration: project finish, each stage's finish, ranks (in ``Model.steps``) of critical steps."""


def _schedule_all(model: Model, chunks: Iterator[list[dict[str, int]]], workers: int) -> Iterator[list[Result]]:
    """The chunks' results in chunk order, computed here or in a pool of ``workers`` processes."""
    if workers <= 1:
        for chunk in chunks:
            yield _schedule_chunk(model, chunk)
        return
    import multiprocessing
    from concurrent.futures import Future, ProcessPoolExecutor

    context = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else None)
    with ProcessPoolExecutor(workers, mp_context=context, initializer=_init_worker, initargs=(model,)) as pool:
        pending: list[Future[list[Result]]] = []
        try:
            for chunk in chunks:
                pending.append(pool.submit(_worker_chunk, chunk))
                while len(pending) > 2 * workers:
                    yield pending.pop(0).result()
            while pending:
                yield pending.pop(0).result()
        except BaseException:
            pool.shutdown(wait=True, cancel_futures=True)
            raise


_WORKER_MODEL: list[Model] = []


def _init_worker(model: Model) -> None:
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    _WORKER_MODEL[:] = [model]


def _worker_chunk(chunk: list[dict[str, int]]) -> list[Result]:
    return _schedule_chunk(_WORKER_MODEL[0], chunk)


def _schedule_chunk(model: Model, chunk: list[dict[str, int]]) -> list[Result]:
    """Schedule each iteration's tasks with the plan's scheduler (leveling, slack, critical path)."""
    from roadmap.schedule import SchedTask, schedule_tasks

    stage_ids = _stage_ids(model)
    members = [[bid for bid, sid in model.stage_of.items() if sid == stage] for stage in stage_ids]
    # The tasks that may change, as constructor arguments (twice as fast as dataclasses.replace).
    changing = {sid for days in chunk for sid in days}
    fields = [f.name for f in dataclasses.fields(SchedTask) if f.name != "duration"]
    spec = {t.id: {name: getattr(t, name) for name in fields} for t in model.tasks if t.id in changing}
    out: list[Result] = []
    for days in chunk:
        tasks = [SchedTask(duration=days[t.id], **spec[t.id]) if t.id in days else t for t in model.tasks]
        result = schedule_tasks(tasks, model.team, improvement=False, order=model.order)
        finish = result.finish
        critical = result.critical
        out.append(
            (
                max(finish.values(), default=0),
                tuple(max(finish[b] for b in group) for group in members),
                tuple(k for k, sid in enumerate(model.steps) if critical[sid]),
            )
        )
    return out


def _stage_ids(model: Model) -> list[str]:
    return sorted(set(model.stage_of.values()))


def percentile(sorted_values: Sequence[int], p: float) -> int:
    """Nearest-rank percentile: the smallest value with at least ``p`` of the values at or below it."""
    rank = max(1, math.ceil(p * len(sorted_values) - 1e-9))
    return sorted_values[rank - 1]


def spearman(xs: Sequence[float], ys: Sequence[float]) -> float:
    """Spearman's rank correlation (average ranks for ties); 0 when either side is constant."""
    rx, ry = _ranks(xs), _ranks(ys)
    n = len(rx)
    if n < 2:
        return 0.0
    mx, my = sum(rx) / n, sum(ry) / n
    sxy = sum((a - mx) * (b - my) for a, b in zip(rx, ry, strict=True))
    sxx = sum((a - mx) ** 2 for a in rx)
    syy = sum((b - my) ** 2 for b in ry)
    if sxx == 0 or syy == 0:
        return 0.0
    return sxy / math.sqrt(sxx * syy)


def _ranks(values: Sequence[float]) -> list[float]:
    order = sorted(range(len(values)), key=values.__getitem__)
    ranks = [0.0] * len(values)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and values[order[j + 1]] == values[order[i]]:
            j += 1
        for k in range(i, j + 1):
            ranks[order[k]] = (i + j) / 2 + 1
        i = j + 1
    return ranks


def summarize(
    samples: Samples,
    calendar: WorkCalendar | DayIndex,
    *,
    iterations: int,
    seed: int,
    method: str,
    plan_finish: int,
    stage_order: Sequence[str],
    titles: dict[str, str] | None = None,
) -> Forecast:
    """The forecast of plan.json from the raw samples."""
    finish = sorted(samples.finish)

    def dates(values: Sequence[int]) -> Percentiles:
        ordered = sorted(values)
        return Percentiles(**{name: calendar.to_date(percentile(ordered, p)) for name, p in PERCENTILES})

    n = len(finish)
    within = bisect.bisect_right(finish, plan_finish)
    drivers = [
        Driver(id=sid, kind="step", rho=round(spearman(values, samples.finish), 3))
        for sid, values in samples.durations.items()
    ]
    drivers += [
        Driver(id=rid, kind="risk", rho=round(spearman(values, samples.finish), 3))
        for rid, values in samples.risk_days.items()
    ]
    drivers = [d for d in drivers if abs(d.rho) >= 0.01]
    drivers.sort(key=lambda d: (-abs(d.rho), d.kind, d.id))
    cut = n - max(1, n // BATCHES)
    change = 0
    if cut > 0:
        change = percentile(finish, 0.8) - percentile(sorted(samples.finish[:cut]), 0.8)
    return Forecast(
        iterations=iterations,
        seed=seed,
        method=method,
        finish=dates(finish),
        plan_finish_percentile=round(100 * within / n, 1) if n else 0.0,
        stages={sid: dates(samples.stage_finish[sid]) for sid in stage_order if samples.stage_finish.get(sid)},
        criticality={sid: round(c / n, 3) for sid, c in sorted(samples.critical.items())} if n else {},
        drivers=tuple(drivers[:TOP_DRIVERS]),
        convergence=Convergence(batches=min(BATCHES, n), p80_change_days=change),
        curve=tuple(
            (calendar.to_date(v), round(100 * bisect.bisect_right(finish, v) / n, 2)) for v in sorted(set(finish))
        ),
        titles={d.id: (titles or {}).get(d.id, "") for d in drivers[:TOP_DRIVERS] if (titles or {}).get(d.id)},
    )


def simulate(
    plan: Plan,
    company: CompanyInput,
    library: Library,
    *,
    iterations: int,
    seed: int = DEFAULT_SEED,
    method: str = "pert",
    progress: Progress | None = None,
    workers: int | None = None,
) -> Forecast:
    """Forecast ``plan`` (as :func:`roadmap.plan.build_plan` made it) with ``iterations`` draws.

    ``workers``: processes to schedule in (0: this one; default: all cores for a large run).
    """
    from roadmap.errors import InputError
    from roadmap.plan import scheduler_inputs

    if iterations < 1:
        raise InputError.of_param("iterations", f"expected a number of iterations >= 1, got {iterations}")
    if method not in METHODS:
        raise InputError.of_param("method", f"unknown sampling method '{method}': expected {' or '.join(METHODS)}")
    # as build_plan schedules it: per-site copies on their calendars (issue 17), plan.not_before
    resolution, calendar, tasks = scheduler_inputs(company, library, plan.as_of, plan.lang)
    order = [t.id for t in sorted(plan.tasks, key=lambda t: (t.start, t.finish, t.id))]
    model = build_model(resolution, library, company, tasks, plan.lang, order=order)
    samples = run(model, iterations, seed, method, progress, workers)
    return summarize(
        samples,
        calendar,
        iterations=iterations,
        seed=seed,
        method=method,
        plan_finish=calendar.to_index(plan.finish),
        stage_order=[s.id for s in plan.stages],
        titles={**{task.id: task.title for task in plan.tasks}, **{r.id: r.text for r in model.risks}},
    )


def summary_lines(forecast: Forecast, plan_finish: dt.date, lang: str = "en", top: int = 5) -> list[str]:
    """Plain lines for the terminal: percentiles, the plan date's chance, the top drivers."""
    from roadmap.forecast_model import headline
    from roadmap.i18n import decimal, t

    convergence = forecast.convergence
    lines = [
        *headline(forecast, plan_finish, lang),
        t(lang, "fc_convergence", days=convergence.p80_change_days, batches=convergence.batches),
    ]
    if forecast.drivers:
        lines.append(t(lang, "fc_drivers"))
        for d in forecast.drivers[:top]:
            title = forecast.titles.get(d.id)
            key = "fc_driver_titled" if title else "fc_driver"
            rho = decimal(d.rho, lang, 2, sign=True)
            lines.append("  " + t(lang, key, rho=rho, id=d.id, kind=t(lang, "fc_kind_" + d.kind), title=title))
    return lines


__all__ = [
    "DEFAULT_SEED",
    "METHODS",
    "Forecast",
    "Model",
    "Percentiles",
    "Samples",
    "build_model",
    "draw",
    "percentile",
    "run",
    "simulate",
    "spearman",
    "summarize",
    "summary_lines",
    "summary_section",
]


def summary_section(src: SummaryInput) -> Section | None:
    """The summary's forecast block (nothing without ``--simulate``)."""
    from roadmap.summary_parts import Line, Section

    forecast = src.plan.forecast
    if forecast is None:
        return None
    lines = summary_lines(forecast, src.plan.finish, src.lang, top=5 if src.details else 3)
    return Section("forecast", lines[0], tuple(Line(line) for line in lines[1:]))
