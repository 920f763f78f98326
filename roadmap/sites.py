"""Rollout waves (issue 17): sites, their waves and calendars, and the per-site copies of steps.

The company file's ``sites`` lists every site, the head office included (``head_office: true``
on at most one); when none is marked and the listed sites hold fewer people than the company,
the head office is implied (:func:`with_head_office`): a site named ``Head office`` with the
people the others leave, in the company's country, first in line. Steps marked ``per_site``
in the library are planned once per site, as ``STEP@SITE``, scaled by the site's headcount
(rules ``by: employees`` read the site's employees; rules ``by: branches`` add nothing to one
site; ``by: hierarchy_levels`` reads the company's), with the roles of the step: the same
people serve every site.

Waves come from ``plan.waves`` (the pilot alone in wave 1, default the head office, else the
first site listed; then the head office when it is not the pilot, then the other sites in the
order listed, ``size`` per wave) or from a
``wave`` on every site; without either, every site is in wave 1. Each wave ends with a gate,
``<stage>.gate-<wave>`` (the stage of the library's last per-site step), after the wave's last
per-site steps (its hypercare), behind an optional lessons-learned step
(``plan.waves.lessons_days``); the per-site steps of the next wave start after it.

Links are copied this way: between two per-site steps, site by site; from a step planned once
to a per-site step, to every site's copy; from a per-site step to a stage milestone, from every
site's copy; from a per-site step to another step planned once, from the copies of the first
wave's sites (the pilot proves the template before the rest of the method goes on).

Each site works on its own calendar: its country's holidays and weekend (the company's when it
gives none; ``plan.weekend`` applies to the sites of the company's country), the company's
``plan.holidays``, and its ``blackout`` windows; ``ready`` holds its steps back until that day.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, replace

from roadmap.calendar import WorkCalendar, build_calendar, default_weekend
from roadmap.daymask import DayIndex, DayMask
from roadmap.demand import RoleDemands
from roadmap.digraph import DiGraph
from roadmap.errors import Diagnostic
from roadmap.models import CompanyFile, Library, LocalText, Site, Step
from roadmap.reasons import Gate, Lessons, TaskReason
from roadmap.reasons import Site as SiteReason
from roadmap.resolve import Block, Resolution, _duration, words_of
from roadmap.yamlio import LoadedYaml, did_you_mean

__all__ = [
    "HEAD_OFFICE",
    "SitePlan",
    "blackout_days",
    "check_sites",
    "expand_sites",
    "site_calendars",
    "site_masks",
    "site_step_ids",
    "wave_of",
    "with_head_office",
]

SEP = "@"
"""Between a step id and a site name in a per-site step's id."""
HEAD_OFFICE = "Head office"
"""The name of an implied head office (the same in every language: it is part of task ids)."""


def with_head_office(data: CompanyFile) -> CompanyFile:
    """``data`` with its head office among the sites when ``sites`` does not list it: no site has
    ``head_office: true`` and the listed sites hold fewer people than ``company.employees``. The
    implied site (:data:`HEAD_OFFICE`, or ``Head office 2``... when a listed site has that name)
    has the people the others leave, the company's country and calendar, and comes last in the
    list (diagnostics keep their places) but first in line: the pilot unless ``plan.waves`` names
    one, else first of the next wave; with a ``wave`` on every listed site, the lowest one."""
    sites = data.sites
    if not sites or any(site.head_office for site in sites):
        return data
    rest = data.company.employees - sum(site.employees for site in sites)
    if rest <= 0:
        return data
    names = {site.name for site in sites}
    name, k = HEAD_OFFICE, 2
    while name in names:
        name, k = f"{HEAD_OFFICE} {k}", k + 1
    given = [site.wave for site in sites if site.wave is not None]
    wave = min(given) if len(given) == len(sites) else None
    head = Site(name=name, employees=rest, head_office=True, wave=wave)
    return data.model_copy(update={"sites": (*sites, head)})


def check_sites(data: CompanyFile, y: LoadedYaml, library: Library) -> Iterator[Diagnostic]:
    """Names, head office, waves, countries and blackout windows of ``sites``."""
    sites = data.sites
    waves = data.plan.waves
    if not sites:
        if waves is not None:
            yield y.diagnostic(("plan", "waves"), "plan.waves needs a list of sites (top-level 'sites')")
        return
    seen: dict[str, int] = {}
    for i, site in enumerate(sites):
        if site.name in seen:
            yield y.diagnostic(
                ("sites", i, "name"), f"site '{site.name}' is listed twice (first as site {seen[site.name] + 1})"
            )
        seen.setdefault(site.name, i)
        if site.country is not None:
            try:
                default_weekend(site.country)
            except ValueError:
                yield y.diagnostic(
                    ("sites", i, "country"),
                    f"unknown country code '{site.country}' (ISO 3166 alpha-2, e.g. FR, DE, SA)",
                )
        for j, window in enumerate(site.blackout):  # dates are in range: yamlio checks every date
            if window.to < window.from_:
                yield y.diagnostic(
                    ("sites", i, "blackout", j, "to"), f"blackout ends ({window.to}) before it begins ({window.from_})"
                )
    heads = [i for i, site in enumerate(sites) if site.head_office]
    for i in heads[1:]:
        yield y.diagnostic(
            ("sites", i, "head_office"), f"two head offices: '{sites[heads[0]].name}' and '{sites[i].name}'"
        )
    given = [i for i, site in enumerate(sites) if site.wave is not None]
    if waves is not None and given:
        yield y.diagnostic(
            ("sites", given[0], "wave"),
            "waves are given twice: either 'wave' on every site or 'plan.waves', not both",
        )
    elif given and len(given) != len(sites):
        missing = next(i for i, site in enumerate(sites) if site.wave is None)
        yield y.diagnostic(
            ("sites", missing), f"site '{sites[missing].name}' has no wave: give 'wave' on every site or none"
        )
    if waves is not None and waves.pilot is not None and waves.pilot not in seen:
        hint = did_you_mean(waves.pilot, seen)
        yield y.diagnostic(("plan", "waves", "pilot"), f"unknown site '{waves.pilot}'{hint}")
    per_site = {step.id for step in library.steps() if step.per_site}
    for key in ("progress",):  # adjust on the template step changes every site: allowed
        for sid in getattr(data, key):
            if sid in per_site:
                example = f"{sid}{SEP}{sites[0].name}"
                yield y.diagnostic(
                    (key, sid), f"'{sid}' is planned per site: name the site, e.g. '{example}'", key=True
                )
    if not per_site:
        yield y.diagnostic(("sites",), "the library has no per-site step (per_site: true): sites change nothing")


def site_step_ids(data: CompanyFile, library: Library) -> set[str]:
    """``STEP@SITE`` of every per-site step of the library and every site (progress, adjust...)."""
    if not data.sites:
        return set()
    return {f"{step.id}{SEP}{site.name}" for step in library.steps() if step.per_site for site in data.sites}


def wave_of(data: CompanyFile) -> dict[str, int]:
    """Site name → wave (1 first). With ``plan.waves``: the pilot, then the head office (listed
    or implied: first in line), then the others in the order ``sites`` lists them, ``size`` a
    wave. Without it: each site's own ``wave`` (1 when it gives none)."""
    sites = data.sites
    waves = data.plan.waves
    if waves is None:
        return {site.name: site.wave or 1 for site in sites}
    pilot = waves.pilot
    if pilot is None:
        pilot = next((site.name for site in sites if site.head_office), sites[0].name if sites else None)
    out = {pilot: 1} if pilot is not None else {}
    rest = [site.name for site in sorted(sites, key=lambda s: not s.head_office) if site.name != pilot]
    for k, name in enumerate(rest):
        out[name] = 2 + k // waves.size
    return {site.name: out[site.name] for site in sites}


@dataclass(frozen=True)
class SitePlan:
    """What the plan builder needs to know about the sites once the steps are copied."""

    waves: dict[str, int]
    """Site name → wave."""
    gates: dict[int, str]
    """Wave → its gate milestone's id."""
    go_live: frozenset[str]
    """Per-site step ids whose finish is a site's go-live."""


def expand_sites(
    resolution: Resolution, library: Library, data: CompanyFile, lang: str, source_name: str
) -> tuple[Resolution, SitePlan]:
    """``resolution`` with each kept per-site step copied per site, and a gate per wave."""
    blocks = resolution.blocks
    graph = resolution.graph
    per_site = [bid for bid in sorted(blocks) if (s := blocks[bid].step) is not None and s.per_site]
    waves = wave_of(data)
    go_live = frozenset(bid for bid in per_site if (s := blocks[bid].step) is not None and s.go_live)
    if not per_site:
        return resolution, SitePlan(waves, {}, go_live)
    per = set(per_site)
    sites = data.sites
    numbers = sorted(set(waves.values()))
    first = [site.name for site in sites if waves[site.name] == numbers[0]]
    new_blocks = {bid: block for bid, block in blocks.items() if bid not in per}
    for site in sites:
        site_data = _site_data(data, site)
        for bid in per_site:
            block = blocks[bid]
            assert block.step is not None  # per-site blocks are steps
            duration, reasons = _duration(block.step, site_data, resolution.extra_days.get(bid, []), source_name)
            reasons = (*reasons, SiteReason(site=site.name, employees=site.employees, wave=waves[site.name]))
            sid = f"{bid}{SEP}{site.name}"
            why = words_of(reasons, library, lang)
            new_blocks[sid] = Block(sid, block.stage, block.step, duration, why, reasons, site=site.name)
    out: DiGraph[str] = DiGraph()
    for node in graph.nodes:
        if node not in per:
            out.add_node(node)
    for site in sites:
        for bid in per_site:
            out.add_node(f"{bid}{SEP}{site.name}")
    all_names = [site.name for site in sites]
    for u, v, attrs in graph.edge_list():
        lag = attrs["lag"]
        if u in per and v in per:
            _link(out, ((f"{u}{SEP}{n}", f"{v}{SEP}{n}") for n in all_names), lag)
        elif v in per:
            _link(out, ((u, f"{v}{SEP}{n}") for n in all_names), lag)
        elif u in per:
            names = all_names if blocks[v].step is None else first
            _link(out, ((f"{u}{SEP}{n}", v) for n in names), lag)
        else:
            out.add_edge(u, v, lag=lag)
    roots = [bid for bid in per_site if not any(q in per for q in graph.predecessors(bid))]
    leaves = [bid for bid in per_site if not any(q in per for q in graph.successors(bid))]
    last_stage = max((blocks[bid].stage for bid in per_site), key=lambda stage: stage.order)
    gates: dict[int, str] = {}
    lessons = data.plan.waves.lessons_days if data.plan.waves else 0
    for k, number in enumerate(numbers):
        names = [n for n in all_names if waves[n] == number]
        gate = f"{last_stage.id}.gate-{number}"
        gates[number] = gate
        gate_reasons: tuple[TaskReason, ...] = (Gate(wave=number, sites=tuple(names), last=k == len(numbers) - 1),)
        why = words_of(gate_reasons, library, lang)
        new_blocks[gate] = Block(gate, last_stage, None, 0, why, gate_reasons, gate=number)
        before = [f"{bid}{SEP}{n}" for n in names for bid in leaves]
        if lessons:
            step = _lessons_step(library, f"{last_stage.id}.lessons-{number}", number, lessons)
            lessons_reasons: tuple[TaskReason, ...] = (Lessons(days=lessons),)
            why = words_of(lessons_reasons, library, lang)
            new_blocks[step.id] = Block(step.id, last_stage, step, lessons, why, lessons_reasons, gate=number)
            step_id = step.id
            _link(out, ((b, step_id) for b in before), 0)
            before = [step_id]
        _link(out, ((b, gate) for b in before), 0)
        if last_stage.milestone_id in out:
            out.add_edge(gate, last_stage.milestone_id, lag=0)
        if k + 1 < len(numbers):
            nxt = [n for n in all_names if waves[n] == numbers[k + 1]]
            _link(out, ((gate, f"{bid}{SEP}{n}") for n in nxt for bid in roots), 0)
    return replace(resolution, blocks=new_blocks, graph=out), SitePlan(waves, gates, go_live)


def _lessons_step(library: Library, step_id: str, wave: int, days: int) -> Step:
    """The lessons-learned step before a wave's gate: the project manager, half time."""
    roles = RoleDemands({"pm": 0.5} if "pm" in library.roles else {})
    title = LocalText(en=f"Lessons learned from wave {wave}", fr=f"Retour d'expérience de la vague {wave}")
    return Step(id=step_id, title=title, duration_days=days, roles=roles)


def _link(graph: DiGraph[str], pairs: Iterable[tuple[str, str]], lag: int) -> None:
    """Add each edge of ``pairs`` with ``lag``."""
    for p, s in pairs:
        graph.add_edge(p, s, lag=lag)


def _site_data(data: CompanyFile, site: Site) -> CompanyFile:
    """The company as one site's copy of a step sees it: its headcount, no branches."""
    company = data.company.model_copy(update={"employees": site.employees, "branches": 0})
    update: dict[str, object] = {"company": company}
    own = {sid.split(SEP, 1)[0]: a for sid, a in data.adjust.items() if sid.endswith(f"{SEP}{site.name}")}
    if own:  # ``adjust: {STEP@SITE: ...}``: this site's copy only
        update["adjust"] = {**data.adjust, **own}
    return data.model_copy(update=update)


def site_calendars(data: CompanyFile, origin: dt.date, head_office: WorkCalendar, lang: str) -> dict[str, WorkCalendar]:
    """Each site's calendar (blackouts aside): the head office's in the company's country, else that
    country's holidays and weekend, with the company's own ``plan.holidays``. Sites of a country share one."""
    calendars: dict[str | None, WorkCalendar] = {data.company.country: head_office}
    out: dict[str, WorkCalendar] = {}
    for site in data.sites:
        country = site.country or data.company.country
        calendar = calendars.get(country)
        if calendar is None:
            calendar = calendars[country] = build_calendar(origin, country, None, data.plan.holidays, language=lang)
        out[site.name] = calendar
    return out


def blackout_days(site: Site, calendar: WorkCalendar) -> frozenset[dt.date]:
    """The days ``site`` would work on ``calendar`` but does not: the working days of its blackout
    windows (a working weekend day included). The one rule of a blackout: the scheduler's mask
    (:func:`site_masks`) and plan.json's site calendar both take the site's days off from here."""
    days = (w.from_ + dt.timedelta(days=n) for w in site.blackout for n in range((w.to - w.from_).days + 1))
    return frozenset(day for day in days if calendar.is_working(day))


def site_masks(
    data: CompanyFile, index: DayIndex, head_office: WorkCalendar, calendars: Mapping[str, WorkCalendar]
) -> tuple[DayMask, dict[str, DayMask]]:
    """The head office's working days and each site's (``calendars``: :func:`site_calendars`, less
    its :func:`blackout_days`), on the shared calendar-day index."""
    ordinal = index.origin.toordinal()

    def of(calendar: WorkCalendar, off: frozenset[dt.date], key: str) -> DayMask:
        def works(i: int) -> bool:
            day = dt.date.fromordinal(ordinal + i)
            return calendar.is_working(day) and day not in off

        return DayMask(works, key)

    hq = of(head_office, frozenset(), "")
    shared: dict[tuple[str | None, frozenset[dt.date]], DayMask] = {(data.company.country, frozenset()): hq}
    masks: dict[str, DayMask] = {}
    for site in data.sites:
        country = site.country or data.company.country
        calendar = calendars[site.name]
        off = blackout_days(site, calendar)
        mask = shared.get((country, off))  # sites on the same calendar share its days
        if mask is None:
            mask = shared[country, off] = of(calendar, off, site.name)
        masks[site.name] = mask
    return hq, masks
