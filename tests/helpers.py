"""Test helpers: a small valid Plan built in code, so a renderer test states its input (issue 11).

``make_plan()`` is a two-stage plan of one company (Acme, 300 employees, Monday 2027-01-04 to
Friday 2027-01-15): stage ``alpha`` (goal, one resource, one result, one open question) with
steps ``alpha.one`` (3 days, pm, one deliverable ticked) and ``alpha.two`` (2 days, dev) and
the milestone ``alpha.done``; stage ``beta`` with step ``beta.one`` (5 days, dev) and
``beta.done``. Keyword arguments replace whole fields of the Plan (validated), e.g.
``make_plan(lang="fr", branding=Branding(title="Roadmap"))``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from roadmap.plan import CalendarInfo, Plan, Predecessor, StageSummary, Task
from roadmap.report import OpenQuestion, QuestionWords, StageResource

D = dt.date


def make_task(task_id: str, start: dt.date, finish: dt.date, **fields: Any) -> Task:
    """A planned step (a milestone with ``milestone=True``) of the stage its id names."""
    milestone = bool(fields.get("milestone"))
    values: dict[str, Any] = {
        "id": task_id,
        "stage": task_id.split(".", 1)[0],
        "title": task_id.replace(".", " ").title(),
        "start": start,
        "finish": finish,
        "duration_days": 0 if milestone else (finish - start).days + 1,
        "milestone": milestone,
        "predecessors": (),
        "roles": (),
        "critical": True,
        "slack_days": 0,
        "status": "planned",
        "percent": 0,
        "why": (),
    }
    values.update(fields)
    return Task(**values)


def make_plan(**overrides: Any) -> Plan:
    """A small valid Plan; ``overrides`` replace its fields."""
    link = Predecessor
    tasks = (
        make_task("alpha.one", D(2027, 1, 4), D(2027, 1, 6), roles=("pm",), deliverables=("Licence ordered",)),
        make_task(
            "alpha.two", D(2027, 1, 7), D(2027, 1, 8), roles=("dev",), predecessors=(link(id="alpha.one", lag_days=0),)
        ),
        make_task(
            "alpha.done", D(2027, 1, 8), D(2027, 1, 8), milestone=True, predecessors=(link(id="alpha.two", lag_days=0),)
        ),
        make_task(
            "beta.one",
            D(2027, 1, 11),
            D(2027, 1, 15),
            roles=("dev",),
            predecessors=(link(id="alpha.done", lag_days=0),),
        ),
        make_task(
            "beta.done", D(2027, 1, 15), D(2027, 1, 15), milestone=True, predecessors=(link(id="beta.one", lag_days=0),)
        ),
    )
    stages = (
        StageSummary(
            id="alpha",
            order=1,
            title="Alpha",
            start=D(2027, 1, 4),
            finish=D(2027, 1, 8),
            working_days=5,
            milestone="alpha.done",
            goal="Get going",
            resources=(StageResource(role="pm", title="Project lead", why="Leads"),),
            results=("Alpha works",),
            open_questions=(OpenQuestion(id="q2", text="How many sites?", default="One"),),
        ),
        StageSummary(
            id="beta",
            order=2,
            title="Beta",
            start=D(2027, 1, 11),
            finish=D(2027, 1, 15),
            working_days=5,
            milestone="beta.done",
        ),
    )
    values: dict[str, Any] = {
        "company": {"name": "Acme", "employees": 300, "hierarchy_levels": 3, "branches": 1},
        "start": D(2027, 1, 4),
        "finish": D(2027, 1, 15),
        "working_days": 10,
        "calendar": CalendarInfo(weekend=("sat", "sun"), holidays=(), extra_working_days=()),
        "tasks": tasks,
        "dropped": (),
        "risks": (),
        "critical_path": tuple(task.id for task in tasks),
        "stages": stages,
        "warnings": (),
        "answers": {"q1": "x"},
        "as_of": None,
        "lang": "en",
        "scheduling_rule": "",
        "team": {},
        "unanswered": ("q2",),
        "role_titles": {"pm": "Project lead", "dev": "Developer"},
        "questions": {
            "q1": QuestionWords(text="Which way?", answer="The x way"),
            "q2": QuestionWords(text="How many sites?"),
        },
        "wbs": {
            "alpha": "1",
            "beta": "2",
            "alpha.one": "1.1",
            "alpha.two": "1.2",
            "alpha.done": "1.3",
            "beta.one": "2.1",
            "beta.done": "2.2",
        },
        "delivered": {"alpha.one": (0,)},
    }
    values.update(overrides)
    return Plan(**values)
