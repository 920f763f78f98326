"""checklist.md: what the project manager ticks off, stage by stage, in plan order.

For each stage: its dates and goal, the questions still unanswered in the company file, the
resources to involve, every step as a task-list item (``- [x]`` once done in ``progress``)
with its roles, dates and deliverables (each ticked once listed in the step's
``progress.deliverables_done``, so writing the list again never loses a tick), the stage
milestone, and the stage's expected results as acceptance checks. Dropped blocks and risks
close the list. With a status date (``--as-of``) it opens with the steps overdue at that date
and those due in its week. GitHub-flavoured Markdown that also reads in a terminal
(``roadmap checklist FILE``).

A plan with sites (issue 17): in its stage, a per-site step is one line for all the sites
(its span, how many sites), and after the stages comes a section per site, in wave order:
its dates and go-live, then its own steps to tick, with their dates and deliverables.
"""

from __future__ import annotations

from typing import Any

from roadmap.i18n import t
from roadmap.plan import Task
from roadmap.render import RenderContext
from roadmap.render.facts import role_titles, working_days


def step_item(task: Task, ctx: RenderContext) -> dict[str, Any]:
    """One step as the checklist shows it."""
    lang = ctx.lang
    if task.status == "in_progress":
        state = t(lang, "report_state_in_progress", percent=task.percent)
    elif task.status == "done":
        state = t(lang, "report_state_done")
    else:
        state = None
    return {
        "id": task.id,
        "title": task.title,
        "done": task.status == "done",
        "state": state,
        "critical": task.critical,
        "start": task.start,
        "finish": task.finish,
        "days": task.duration_days,
        "roles": role_titles(ctx.plan, task.roles),
        "deliverables": list(task.deliverables),
        "delivered": _delivered(task, ctx),
    }


def _delivered(task: Task, ctx: RenderContext) -> list[bool]:
    """Per deliverable: ticked in the company file's ``progress`` (all of them once the step is done)."""
    done = ctx.plan.delivered.get(task.id, ())
    return [task.status == "done" or k in done for k in range(len(task.deliverables))]


def due_list(ctx: RenderContext) -> Any:
    """Due this week and overdue at the status date (None without ``--as-of``)."""
    return ctx.plan.due


def stage_sections(ctx: RenderContext) -> list[dict[str, Any]]:
    """One section per stage of the plan, in plan order."""
    plan = ctx.plan
    sections = []
    by_stage: dict[str, list[Any]] = {}
    for task in plan.tasks:
        by_stage.setdefault(task.stage, []).append(task)
    for summary in plan.stages:
        own = by_stage.get(summary.id, [])
        milestone = next((task for task in own if task.milestone), None)
        sections.append(
            {
                "id": summary.id,
                "order": summary.order,
                "title": summary.title,
                "start": summary.start,
                "finish": summary.finish,
                "working_days": summary.working_days,
                "goal": summary.goal,
                "questions": [q.model_dump() for q in summary.open_questions],
                "resources": [{"role": r.title, "why": r.why} for r in summary.resources],
                "steps": [step_item(task, ctx) for task in own if not task.milestone],
                "milestone": milestone,
                "milestone_done": all(task.status == "done" for task in own if not task.milestone),
                "results": list(summary.results),
            }
        )
    return sections


def site_sections(ctx: RenderContext) -> list[dict[str, Any]]:
    """One section per site of the plan (issue 17), in wave order: its dates and its own steps."""
    from roadmap.render.sites import blackout_spans, site_tasks, step_title, word

    plan, lang = ctx.plan, ctx.lang
    tasks = site_tasks(plan)
    return [
        {
            "name": site.name,
            "wave": word(lang, "wave", n=site.wave),
            "dates": word(lang, "checklist_site_dates", start=site.start, finish=site.finish),
            "go_live": word(lang, "go_live_on", date=site.go_live) if site.go_live else None,
            "employees": word(lang, "employees", n=site.employees),
            "country": site.country,
            "blackout": word(lang, "checklist_blackout", spans=blackout_spans(site, lang)) if site.blackout else None,
            "steps": [
                {**step_item(task, ctx), "title": step_title(task)}
                for task in tasks.get(site.name, [])
                if not task.milestone
            ],
        }
        for site in plan.sites
    ]


def _per_site_lines(stages: list[dict[str, Any]], ctx: RenderContext) -> list[dict[str, Any]]:
    """The stages with each per-site step's tasks as one line: ``{id, title, done, critical, sites,
    site_note}`` where its first site's task was (the site sections list them one by one)."""
    from roadmap.render.sites import step_title, template_step, word

    names = {site.name for site in ctx.plan.sites}
    tasks = {task.id: task for task in ctx.plan.tasks if task.site in names}
    out = []
    for stage in stages:
        steps: list[dict[str, Any]] = []
        groups: dict[str, tuple[dict[str, Any], list[Any]]] = {}
        for step in stage["steps"]:
            task = tasks.get(step["id"])
            if task is None:
                steps.append(step)
                continue
            key = template_step(task.id)
            if key not in groups:
                groups[key] = ({"id": key, "title": step_title(task)}, [])
                steps.append(groups[key][0])
            groups[key][1].append(task)
        for line, own in groups.values():
            n = len({t.site for t in own})
            start, finish = min(t.start for t in own), max(t.finish for t in own)
            line["done"] = all(t.status == "done" for t in own)
            line["critical"] = any(t.critical for t in own)
            line["sites"] = n
            line["site_note"] = word(ctx.lang, "checklist_at_sites", n=n, start=start, finish=finish)
        out.append({**stage, "steps": steps})
    return out


PLAN_FIELDS = ("start", "finish", "working_days", "as_of", "warnings", "dropped", "risks")
"""The fields of the plan the bundled ``checklist.md.j2`` reads (:meth:`RenderContext.template_plan`)."""


def checklist_context(ctx: RenderContext) -> dict[str, Any]:
    """Everything ``checklist.md.j2`` reads (see the template's header for the list)."""
    lang = ctx.lang
    stages = stage_sections(ctx)
    if ctx.plan.sites:  # issue 17
        stages = _per_site_lines(stages, ctx)
    return {
        "lang": lang,
        "t": lambda key, **values: t(lang, key, **values),
        "days": lambda n: working_days(lang, n),
        "plan": ctx.template_plan(PLAN_FIELDS),
        "company_name": ctx.plan.company.name,
        "stages": stages,
        "due": due_list(ctx),
        "sites": site_sections(ctx) if ctx.plan.sites else [],
        "sites_title": _sites_title(lang),
    }


def _sites_title(lang: str) -> str:
    from roadmap.render.sites import word

    return word(lang, "checklist_sites")


def render_text(ctx: RenderContext) -> str:
    """The checklist as Markdown text."""
    from roadmap.templating import render_template

    text = render_template("checklist.md.j2", checklist_context(ctx), ctx.templates_dir)
    return "\n".join(line.rstrip() for line in text.strip().splitlines()) + "\n"


def render(ctx: RenderContext) -> bytes:
    """checklist.md."""
    return render_text(ctx).encode("utf-8")
