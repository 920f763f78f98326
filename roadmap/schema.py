"""The JSON Schema of the company file, for editors (``roadmap schema``).

The base comes from the pydantic models (with their attribute docstrings as descriptions) and
is then fitted to how the file is really read:

* an optional key may be left empty (``answers:`` alone is ``null`` in YAML);
* dates are ``YYYY-MM-DD`` strings (editors read YAML 1.2, where a date is a string);
* a step's progress needs its dates once it has started or is done;
* with a library, the ids it defines are spelled out: each question of ``answers`` with the
  answers it accepts, each step of ``progress``, each role of ``team`` and the stage and step
  ids ``plan.exclude`` may name, each with its title as the description.

The schema describes the canonical file: ``roadmap validate`` also reads a few lenient forms
(a quoted number or date, one option of a multiple-choice question without a list) that an
editor flags. Both ways of reading YAML are covered: ``yes``/``no`` are booleans in YAML 1.1
(``roadmap``, PyYAML) and strings in YAML 1.2 (most editors), so either is accepted where the
file means yes or no. A few checks are left to ``validate``: dates in range, a country with a
holiday calendar, a finish after the start.
"""

from __future__ import annotations

import re
from typing import Any

from roadmap.models import NO_WORDS, YES_WORDS, CompanyFile, Library, Question

__all__ = ["DATE_PATTERN", "company_schema"]

DRAFT = "https://json-schema.org/draft/2020-12/schema"
DATE_PATTERN = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
"""A date as the company file writes it."""
_NULL: dict[str, Any] = {"type": "null"}


def company_schema(library: Library | None = None, lang: str = "en") -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of the company file, fitted to ``library`` when given.

    ``lang`` is the language of the descriptions taken from the library.
    """
    schema = CompanyFile.model_json_schema()
    _walk(schema, _fit_dates)
    for definition in [schema, *schema.get("$defs", {}).values()]:
        _nullable_optionals(definition)
    _progress_rules(schema["$defs"]["Progress"])
    if library is not None:
        _fit_library(schema, library, lang)
    head = {"$schema": DRAFT, "title": "roadmap company file"}
    return {**head, **{k: v for k, v in schema.items() if k not in head}}


def _walk(node: Any, visit: Any) -> None:
    """Call ``visit`` on every mapping of a schema, depth first."""
    if isinstance(node, dict):
        visit(node)
        for value in node.values():
            _walk(value, visit)
    elif isinstance(node, list):
        for value in node:
            _walk(value, visit)


def _fit_dates(node: dict[str, Any]) -> None:
    """``format: date`` strings also get the pattern, which every validator checks."""
    if node.get("format") == "date" and node.get("type") == "string":
        node["pattern"] = DATE_PATTERN


def _nullable_optionals(definition: dict[str, Any]) -> None:
    """Let every optional property of an object be ``null`` (an empty YAML value)."""
    required = set(definition.get("required", ()))
    for name, prop in definition.get("properties", {}).items():
        if name in required or _allows_null(prop):
            continue
        meta = {k: prop.pop(k) for k in ("title", "description", "default") if k in prop}
        inner = dict(prop)
        prop.clear()
        prop.update(meta)
        prop["anyOf"] = [inner, _NULL]


def _allows_null(prop: dict[str, Any]) -> bool:
    return prop.get("type") == "null" or any(alt.get("type") == "null" for alt in prop.get("anyOf", ()))


def _progress_rules(progress: dict[str, Any]) -> None:
    """An in-progress step needs its start; a done step its start and finish."""
    non_null = {"not": _NULL}
    progress["allOf"] = [
        {
            "if": {"properties": {"status": {"const": "in_progress"}}, "required": ["status"]},
            "then": {"required": ["start"], "properties": {"start": non_null}},
        },
        {
            "if": {"properties": {"status": {"const": "done"}}, "required": ["status"]},
            "then": {"required": ["start", "finish"], "properties": {"start": non_null, "finish": non_null}},
        },
    ]


# ----------------------------------------------------------------- fitted to a library


def _fit_library(schema: dict[str, Any], library: Library, lang: str) -> None:
    props = schema["properties"]
    answers = {q.id: _answer_schema(q, lang) for _, q in library.questions()}
    _replace_map(props["answers"], answers)
    progress = {step.id: {"$ref": "#/$defs/Progress", "description": step.title.get(lang)} for step in library.steps()}
    _replace_map(props["progress"], progress)
    _site_copies(props["progress"], library, {"$ref": "#/$defs/Progress"})
    team = {
        rid: {"type": "number", "exclusiveMinimum": 0, "description": role.title.get(lang)}
        for rid, role in sorted(library.roles.items())
    }
    _replace_map(props["team"], team)
    _fit_costs(schema, library, lang)  # issue 12
    blocks = [s.id for s in library.stages] + [step.id for step in library.steps()]
    exclude = schema["$defs"]["PlanSettings"]["properties"]["exclude"]
    _inner(exclude)["items"] = {"enum": blocks}
    _fit_issue_9(schema, library, lang)


def _fit_issue_9(schema: dict[str, Any], library: Library, lang: str) -> None:
    """``adjust`` and ``plan.not_before`` name the library's steps; ``plan.deadlines`` also its milestones."""
    steps = {step.id: step.title.get(lang) for step in library.steps()}
    milestones = {stage.milestone_id: stage.title.get(lang) for stage in library.stages}
    adjust = {sid: {"$ref": "#/$defs/Adjust", "description": title} for sid, title in steps.items()}
    _replace_map(schema["properties"]["adjust"], adjust)
    _site_copies(schema["properties"]["adjust"], library, {"$ref": "#/$defs/Adjust"})
    plan_props = schema["$defs"]["PlanSettings"]["properties"]
    for key, ids in (("not_before", steps), ("deadlines", {**steps, **milestones})):
        date = dict(_inner(plan_props[key])["additionalProperties"])
        _replace_map(plan_props[key], {bid: {**date, "description": title} for bid, title in ids.items()})
        _site_copies(plan_props[key], library, date)


def _site_copies(prop: dict[str, Any], library: Library, value: dict[str, Any]) -> None:
    """Issue 17: a per-site step's copy, ``STEP@SITE``, is a key too."""
    ids = [re.escape(step.id) for step in library.steps() if step.per_site]
    if ids:
        _inner(prop)["patternProperties"] = {f"^({'|'.join(ids)})@[^@]+$": value}


def _fit_costs(schema: dict[str, Any], library: Library, lang: str) -> None:
    """``rates.roles`` keys are the library's roles; a cost's ``at``/``from`` one of its steps or milestones."""
    defs = schema["$defs"]
    rate = defs["Rates"]["properties"]["roles"]
    value = _inner(rate).get("patternProperties", {}).popitem()[1] if _inner(rate).get("patternProperties") else {}
    rates = {rid: {**value, "description": role.title.get(lang)} for rid, role in sorted(library.roles.items())}
    _replace_map(rate, rates)
    blocks = [step.id for step in library.steps()] + [stage.milestone_id for stage in library.stages]
    for key in ("at", "from"):
        _inner(defs["CostItem"]["properties"][key]).pop("pattern", None)
        _inner(defs["CostItem"]["properties"][key])["enum"] = blocks


def _inner(prop: dict[str, Any]) -> dict[str, Any]:
    """The non-null alternative of a nullable property (the property itself otherwise)."""
    alternatives: list[dict[str, Any]] = prop.get("anyOf", [])
    for alt in alternatives:
        if alt.get("type") != "null":
            return alt
    return prop


def _replace_map(prop: dict[str, Any], properties: dict[str, Any]) -> None:
    """A free-form mapping becomes one with exactly these keys (none of them required)."""
    target = _inner(prop)
    for key in ("additionalProperties", "patternProperties", "propertyNames"):
        target.pop(key, None)
    target["properties"] = properties
    target["additionalProperties"] = False


def _answer_schema(question: Question, lang: str) -> dict[str, Any]:
    """What an answer to ``question`` may be, as :func:`~roadmap.models.coerce_answer` reads it."""
    text = question.text.get(lang)
    help_text = question.help.get(lang) if question.help else None
    values = [o.value for o in question.options]
    accepted: list[dict[str, Any]]
    if question.kind == "single":
        accepted = [{"enum": _option_enum(values)}]
    elif question.kind == "multiple":
        accepted = [{"type": "array", "items": {"enum": _option_enum(values)}, "uniqueItems": True}]
        accepted[0].update(_choice_limits(question))
    elif question.kind == "yes_no":
        words = [w for word in (*YES_WORDS, *NO_WORDS) for w in dict.fromkeys((word, word.title(), word.upper()))]
        accepted = [{"type": "boolean"}, {"enum": words}]
    elif question.kind == "number":
        accepted = [{"type": "number", "minimum": 0}]
    elif question.kind == "date":
        accepted = [{"type": "string", "format": "date", "pattern": DATE_PATTERN}]
    else:
        accepted = [{"type": "string"}]
    result: dict[str, Any] = {"title": text}
    if help_text:
        result["description"] = help_text
    if question.options:
        labels = "; ".join(f"{o.value}: {o.label.get(lang)}" for o in question.options)
        result["description"] = f"{help_text} — {labels}" if help_text else labels
    result["anyOf"] = [*accepted, _NULL]
    return result


def _choice_limits(question: Question) -> dict[str, Any]:
    """``min``/``max`` as minItems/maxItems; an exclusive option only alone (issue 9)."""
    out: dict[str, Any] = {}
    exclusive = [o.value for o in question.options if o.exclusive]
    if question.min is not None:
        out["minItems"] = question.min
    if question.max is not None:
        out["maxItems"] = question.max
    if exclusive:
        alone = [{"not": {"allOf": [{"contains": {"const": v}}, {"minItems": 2}]}} for v in exclusive]
        out["allOf"] = alone
    return out


def _option_enum(values: list[str]) -> list[Any]:
    """Option values, plus the YAML 1.1 booleans and numbers that name them."""
    enum: list[Any] = list(values)
    if "yes" in values:
        enum.append(True)
    if "no" in values:
        enum.append(False)
    for value in values:
        if re.fullmatch(r"[0-9]+", value) and str(int(value)) == value:
            enum.append(int(value))
    return enum
