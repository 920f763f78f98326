"""The library and the company-file schema as plain data, for ``stages``, ``show`` and ``schema``."""

from __future__ import annotations

from typing import Any

from roadmap.errors import InputError
from roadmap.models import Library, LocalText, Question, Stage, Step
from roadmap.yamlio import did_you_mean


def _text(value: LocalText | None, lang: str) -> str | None:
    return value.get(lang) if value else None


def step_to_dict(step: Step, lang: str) -> dict[str, Any]:
    """One step, in ``lang``."""
    return {
        "id": step.id,
        "title": step.title.get(lang),
        "description": _text(step.description, lang),
        "duration_days": step.duration_days,
        "roles": list(step.roles),
        "demands": step.demands,
        "after": [link.id for link in step.after],
        "lags": {link.id: link.lag_days for link in step.after if link.lag_days},
        "requires": list(step.requires),
        "optional": step.optional,
        "when": step.when,
        "scaling": [rule.model_dump(exclude_none=True) for rule in step.scaling],
        "deliverables": [d.get(lang) for d in step.deliverables],
    }


def question_to_dict(question: Question, lang: str) -> dict[str, Any]:
    """One question, in ``lang``; effects spelled out."""
    return {
        "id": question.id,
        "kind": question.kind,
        "text": question.text.get(lang),
        "help": _text(question.help, lang),
        "default": question.default,
        "when": question.when,
        "options": [
            {
                "value": option.value,
                "label": option.label.get(lang),
                "effects": [_effect(e.model_dump(exclude_none=True), lang) for e in option.effects],
                **({"exclusive": True} if option.exclusive else {}),
            }
            for option in question.options
        ],
        **{key: getattr(question, key) for key in ("min", "max") if getattr(question, key) is not None},
    }


def _effect(effect: dict[str, Any], lang: str) -> dict[str, Any]:
    if "risk" in effect:
        risk = effect["risk"]
        text = (risk.get("fr") or risk["en"]) if lang == "fr" else risk["en"]
        return {"risk": text, **{k: v for k, v in effect.items() if k != "risk"}}  # with its forecast numbers
    return effect


def stage_to_dict(stage: Stage, lang: str) -> dict[str, Any]:
    """One stage with its steps and questions, in ``lang``."""
    return {
        "id": stage.id,
        "order": stage.order,
        "title": stage.title.get(lang),
        "goal": stage.goal.get(lang),
        "when": stage.when,
        "milestone": stage.milestone_id,
        "resources": [{"role": r.role, "why": r.why.get(lang)} for r in stage.resources],
        "results": [r.get(lang) for r in stage.results],
        "reading": [r.get(lang) for r in stage.reading],
        "steps": [step_to_dict(s, lang) for s in stage.steps],
        "questions": [question_to_dict(q, lang) for q in stage.questions],
    }


def library_to_dict(library: Library, lang: str) -> dict[str, Any]:
    """The whole library: ``{"stages": [...], "roles": {...}}``."""
    return {
        "stages": [stage_to_dict(s, lang) for s in library.stages],
        "roles": {rid: role.title.get(lang) for rid, role in sorted(library.roles.items())},
    }


def find_item(library: Library, item_id: str, lang: str) -> tuple[str, dict[str, Any]]:
    """A stage, step, question, stage milestone (``<stage>.done``) or role by id, as ``(kind, data)``."""
    for stage in library.stages:
        if stage.id == item_id:
            return "stage", stage_to_dict(stage, lang)
        for step in stage.steps:
            if step.id == item_id:
                return "step", {"stage": stage.id, **step_to_dict(step, lang)}
        for question in stage.questions:
            if question.id == item_id:
                return "question", {"stage": stage.id, **question_to_dict(question, lang)}
        if stage.milestone_id == item_id:
            return "milestone", {
                "id": item_id,
                "stage": stage.id,
                "title": stage.title.get(lang),
                "after": [s.id for s in stage.steps],
            }
    if item_id in library.roles:
        return "role", {"id": item_id, "title": library.roles[item_id].title.get(lang)}
    known = [s.id for s in library.stages] + [s.id for s in library.steps()]
    known += [s.milestone_id for s in library.stages]
    known += [q.id for _, q in library.questions()] + list(library.roles)
    raise InputError.at(item_id, f"no stage, step, question or role with this id{did_you_mean(item_id, known)}")


def company_schema(library: Library | None = None, lang: str = "en") -> dict[str, Any]:
    """JSON Schema of the company file, fitted to ``library`` when given (see :mod:`roadmap.schema`)."""
    from roadmap.schema import company_schema as build

    return build(library, lang)
