"""Rollout waves in the reports (issue 17): what every renderer shares about sites.

A plan with ``sites`` carries :attr:`Plan.sites` (one :class:`~roadmap.plan.SiteWindow` per
site, in wave order then by name) and, for every per-site step of the library's site template,
one task per site: its id ``STEP@SITE``, its ``site`` the site's name. Everything here reads
the plan alone. Without sites nothing here is called and every report stays as it was.

The words of these additions live here (English and French), beside the helpers: the site's
tasks, the template step of a task, the step's title without the site's name, a safe file
name for a site (``plan-SITE.ics``), the months of a span.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable

from roadmap.i18n import t
from roadmap.plan import Plan, SiteWindow, Task

MONTHS: dict[str, tuple[str, ...]] = {
    "en": ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
    "fr": ("janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc."),
}

FILE_STEM_CHARS = 60
"""Longest site part of a per-site file name (``plan-SITE.ics``)."""
_UNSAFE = re.compile(r"[^\w-]+")
_DASHES = re.compile(r"-{2,}")


def word(lang: str, key: str, **values: object) -> str:
    """One of the site sections' words in ``lang`` (English unless ``fr``)."""
    return t(lang, f"site_{key}", **values)


def template_step(task_id: str) -> str:
    """The library step a task was planned from: ``STEP`` of ``STEP@SITE`` (other ids: themselves)."""
    return task_id.partition("@")[0]


def site_tasks(plan: Plan) -> dict[str, list[Task]]:
    """Site name → its tasks in plan order, for every site of :attr:`Plan.sites` (in that order)."""
    out: dict[str, list[Task]] = {site.name: [] for site in plan.sites}
    for task in plan.tasks:
        if task.site is not None:
            out.setdefault(task.site, []).append(task)
    return out


def blackout_spans(site: SiteWindow, lang: str) -> str:
    """A site's blackout windows in words (``2027-09-20 → 2027-10-08, …``); empty without any."""
    return ", ".join(word(lang, "checklist_site_dates", start=s.start, finish=s.finish) for s in site.blackout)


def site_title(task: Task) -> str:
    """A task's title as a row or an event shows it: with its site's name when the title does not
    say it (``Inviting employees — Almaty``; issue 17). Steps planned once: their title."""
    if task.site is None or task.site in task.title:
        return task.title
    return f"{task.title} — {task.site}"


def step_title(task: Task) -> str:
    """A per-site task's title without its site's name (``Training — Lyon`` → ``Training``)."""
    title = " ".join(task.title.split())
    site = " ".join((task.site or "").split())
    if not site or site not in title or title == site:
        return title
    for pattern in (f"({site})", f"[{site}]", f"@{site}", site):
        if title.endswith(pattern):
            rest = title[: -len(pattern)].rstrip(" -–—:·,@")
            if rest:
                return rest
        if title.startswith(pattern):
            rest = title[len(pattern) :].lstrip(" -–—:·,")
            if rest:
                return rest
    return title


def template_steps(plan: Plan) -> list[tuple[str, str]]:
    """``(template step id, title)`` of every per-site step, in the order the plan first meets them."""
    seen: dict[str, str] = {}
    for task in plan.tasks:
        if task.site is not None and not task.milestone:
            seen.setdefault(template_step(task.id), step_title(task))
    return list(seen.items())


def waves(plan: Plan) -> list[tuple[int, list[SiteWindow]]]:
    """``(wave number, its sites)`` in wave order."""
    out: dict[int, list[SiteWindow]] = {}
    for site in plan.sites:
        out.setdefault(site.wave, []).append(site)
    return sorted(out.items())


def safe_stem(name: str) -> str:
    """A site's name as a file-name part: letters, digits, ``_`` and ``-`` only (no path, no dot).

    Accents and other letters stay (NFC); every other run of characters becomes one ``-``;
    at most :data:`FILE_STEM_CHARS` characters. Empty when nothing is left.
    """
    text = unicodedata.normalize("NFKC", name)
    text = _DASHES.sub("-", _UNSAFE.sub("-", text)).strip("-_")
    return text[:FILE_STEM_CHARS].strip("-_")


def site_file_names(sites: Iterable[SiteWindow], prefix: str, suffix: str) -> dict[str, str]:
    """Site name → ``{prefix}{stem}{suffix}``: a plain file name, unique even where file systems
    ignore case (a second ``Lyon`` or ``lyon`` gets ``-2``; a name with no letter or digit
    ``site-N``, N its place in the list)."""
    out: dict[str, str] = {}
    taken: set[str] = set()
    for number, site in enumerate(sites, start=1):
        stem = safe_stem(site.name) or f"site-{number}"
        name, k = f"{prefix}{stem}{suffix}", 1
        while name.casefold() in taken:
            k += 1
            name = f"{prefix}{stem}-{k}{suffix}"
        taken.add(name.casefold())
        out[site.name] = name
    return out


def months(start: dt.date, finish: dt.date) -> list[dt.date]:
    """The first day of every month from ``start``'s to ``finish``'s."""
    out = []
    day = start.replace(day=1)
    while day <= finish:
        out.append(day)
        day = (day + dt.timedelta(days=32)).replace(day=1)
    return out


def month_label(day: dt.date, lang: str) -> str:
    """``Mar 2027`` (``mars 2027`` in French)."""
    return f"{MONTHS['fr' if lang == 'fr' else 'en'][day.month - 1]} {day.year}"
