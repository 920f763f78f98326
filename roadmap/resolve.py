"""Resolve: which blocks apply, how long each takes, and the dependency graph between them.

Every step of the library and every stage milestone is a node of a networkx DiGraph. Blocks
that don't apply are dropped with a reason a PM understands; ordering through a dropped block
is kept by bridging its predecessors to its successors (lags add up), and a block that
*requires* a dropped one is dropped too.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from roadmap.conditions import parse_condition
from roadmap.i18n import t
from roadmap.models import CompanyFile, Library, Question, Stage, Step

if TYPE_CHECKING:
    import networkx as nx


@dataclass(frozen=True)
class Cause:
    """An answer that changed the plan."""

    question: str
    value: str

    def text(self, lang: str) -> str:
        return t(lang, "cause_answer", question=self.question, value=self.value)


@dataclass(frozen=True)
class Block:
    """A step or milestone that stays in the plan."""

    id: str
    stage: Stage
    step: Step | None
    """None for a stage milestone."""
    duration: int
    why: tuple[str, ...]


@dataclass
class Resolution:
    """The outcome of resolving a company against a library."""

    blocks: dict[str, Block]
    """Kept blocks by id."""
    graph: nx.DiGraph
    """Kept blocks; edges carry ``lag`` (working days) after bridging."""
    dropped: dict[str, str]
    """Dropped block id → reason (library order)."""
    risks: list[tuple[str, str]]
    """(risk text, because) in library order."""
    env: dict[str, Any]
    """Company facts and effective answers, as conditions see them."""
    applicable_questions: list[str] = field(default_factory=list)
    """Ids of questions whose ``when`` holds, in library order."""


def condition_env(library: Library, data: CompanyFile) -> tuple[dict[str, Any], list[str]]:
    """Company facts plus each applicable question's answer (or default), in library order."""
    company = data.company
    env: dict[str, Any] = {
        "employees": company.employees,
        "branches": company.branches,
        "hierarchy_levels": company.hierarchy_levels,
        "industry": company.industry,
        "country": company.country,
    }
    applicable: list[str] = []
    for _, question in library.questions():
        env[question.id] = None
    for _, question in library.questions():
        if question.when is None or parse_condition(question.when).evaluate(env):
            applicable.append(question.id)
            answer = data.answers.get(question.id)
            env[question.id] = question.default if answer is None else answer
    return env, applicable


def chosen_options(question: Question, value: Any) -> list[str]:
    """Option values selected by an answer."""
    if value is None:
        return []
    if question.kind == "multiple":
        return [v for v in value if isinstance(v, str)]
    if question.kind == "yes_no":
        return ["yes" if value else "no"]
    if question.kind == "single":
        return [str(value)]
    return []


def resolve(library: Library, data: CompanyFile, lang: str = "en", source_name: str = "company.yaml") -> Resolution:
    """Decide which blocks apply, their durations, and the bridged dependency graph."""
    import networkx as nx

    env, applicable = condition_env(library, data)
    includes: dict[str, list[Cause]] = {}
    excludes: dict[str, list[Cause]] = {}
    extra_days: dict[str, list[tuple[int, Cause]]] = {}
    risks: list[tuple[str, str]] = []
    for _, question in library.questions():
        if question.id not in applicable:
            continue
        options = {o.value: o for o in question.options}
        for value in chosen_options(question, env[question.id]):
            option = options.get(value)
            if option is None:
                continue
            cause = Cause(question.id, value)
            for effect in option.effects:
                for sid in effect.include or ():
                    includes.setdefault(sid, []).append(cause)
                for sid in effect.exclude or ():
                    excludes.setdefault(sid, []).append(cause)
                if effect.add_days:
                    extra_days.setdefault(effect.add_days.step, []).append((effect.add_days.days, cause))
                if effect.risk:
                    risks.append((effect.risk.get(lang), cause.text(lang)))

    includers: dict[str, list[str]] = {}
    for _, question in library.questions():
        for option in question.options:
            for effect in option.effects:
                for sid in effect.include or ():
                    includers.setdefault(sid, []).append(f"{question.id} = {option.value}")

    graph: nx.DiGraph = nx.DiGraph()
    hard: set[tuple[str, str]] = set()
    stage_of: dict[str, Stage] = {}
    steps: dict[str, Step] = {}
    for stage in library.stages:
        stage_of[stage.milestone_id] = stage
        graph.add_node(stage.milestone_id)
        for step in stage.steps:
            stage_of[step.id] = stage
            steps[step.id] = step
            graph.add_node(step.id)
    for stage in library.stages:
        for step in stage.steps:
            graph.add_edge(step.id, stage.milestone_id, lag=0)
            for link in step.after:
                graph.add_edge(link.id, step.id, lag=link.lag_days)
            for req in step.requires:
                if not graph.has_edge(req, step.id):
                    graph.add_edge(req, step.id, lag=0)
                hard.add((req, step.id))

    excluded_by_file = set(data.plan.exclude)
    dropped: dict[str, str] = {}
    for stage in library.stages:
        stage_reason = _stage_reason(stage, env, excluded_by_file, excludes, lang, source_name)
        for step in stage.steps:
            reason = stage_reason or _step_reason(
                step, env, excluded_by_file, excludes, includes, includers, lang, source_name
            )
            if reason:
                dropped[step.id] = reason

    order = list(nx.lexicographical_topological_sort(graph))
    for node in order:
        stage = stage_of[node]
        if node == stage.milestone_id:
            if all(s.id in dropped for s in stage.steps):
                dropped[node] = t(lang, "drop_empty_stage", stage=stage.id)
            continue
        if node in dropped:
            continue
        for req in sorted(p for p in graph.predecessors(node) if (p, node) in hard):
            if req in dropped:
                dropped[node] = t(lang, "drop_requires", req=req)
                break

    for node in order:
        if node in dropped:
            _bridge(graph, node)
    _prune_milestone_links(graph, stage_of)

    blocks: dict[str, Block] = {}
    for node in graph.nodes:
        stage = stage_of[node]
        step = steps.get(node)
        if step is None:
            blocks[node] = Block(node, stage, None, 0, (t(lang, "why_milestone", stage=stage.title.get(lang)),))
        else:
            duration, why = _duration(step, data, extra_days.get(node, []), lang)
            blocks[node] = Block(node, stage, step, duration, why)
    ordered_dropped = {b: dropped[b] for b in _library_order(library) if b in dropped}
    return Resolution(blocks, graph, ordered_dropped, risks, env, applicable)


def _library_order(library: Library) -> list[str]:
    return [b for stage in library.stages for b in [*(s.id for s in stage.steps), stage.milestone_id]]


def _stage_reason(
    stage: Stage,
    env: Mapping[str, Any],
    excluded: set[str],
    excludes: Mapping[str, list[Cause]],
    lang: str,
    source_name: str,
) -> str | None:
    if stage.id in excluded:
        return t(lang, "drop_stage_excluded", stage=stage.id, file=source_name)
    if stage.id in excludes:
        return t(lang, "drop_stage_by_answer", stage=stage.id, cause=excludes[stage.id][0].text(lang))
    if stage.when and not parse_condition(stage.when).evaluate(env):
        return t(lang, "drop_stage_condition", stage=stage.id, cond=stage.when)
    return None


def _step_reason(
    step: Step,
    env: Mapping[str, Any],
    excluded: set[str],
    excludes: Mapping[str, list[Cause]],
    includes: Mapping[str, list[Cause]],
    includers: Mapping[str, list[str]],
    lang: str,
    source_name: str,
) -> str | None:
    if step.id in excluded:
        return t(lang, "drop_excluded", file=source_name)
    if step.id in excludes:
        return excludes[step.id][0].text(lang)
    if step.when and not parse_condition(step.when).evaluate(env):
        return t(lang, "drop_condition", cond=step.when)
    if step.optional and step.id not in includes:
        if includers.get(step.id):
            return t(lang, "drop_optional_by", answers=", ".join(includers[step.id]))
        return t(lang, "drop_optional")
    return None


def _bridge(graph: nx.DiGraph, node: str) -> None:
    """Remove ``node``, linking each predecessor to each successor with the lags added up."""
    preds = [(p, graph.edges[p, node]["lag"]) for p in graph.predecessors(node)]
    succs = [(s, graph.edges[node, s]["lag"]) for s in graph.successors(node)]
    graph.remove_node(node)
    for p, lag_in in preds:
        for s, lag_out in succs:
            lag = lag_in + lag_out
            if graph.has_edge(p, s):
                graph.edges[p, s]["lag"] = max(graph.edges[p, s]["lag"], lag)
            else:
                graph.add_edge(p, s, lag=lag)


def _prune_milestone_links(graph: nx.DiGraph, stage_of: Mapping[str, Stage]) -> None:
    """Keep only the links into a milestone that are not implied by another step of its stage."""
    for node in list(graph.nodes):
        stage = stage_of[node]
        if node != stage.milestone_id:
            continue
        for pred in list(graph.predecessors(node)):
            if graph.edges[pred, node]["lag"] != 0:
                continue
            if any(s != node and stage_of[s] is stage and s != stage.milestone_id for s in graph.successors(pred)):
                graph.remove_edge(pred, node)


def _duration(step: Step, data: CompanyFile, extra: list[tuple[int, Cause]], lang: str) -> tuple[int, tuple[str, ...]]:
    company = data.company
    days = step.duration_days
    why = [t(lang, "why_base", days=step.duration_days)]
    for rule in step.scaling:
        value = getattr(company, rule.by)
        added = rule.days_for(value)
        if added:
            days += added
            cap = t(lang, "why_cap", cap=rule.max_days) if rule.max_days is not None else ""
            why.append(
                t(
                    lang,
                    "why_scaling",
                    days=added,
                    value=value,
                    by=t(lang, "fact_" + rule.by),
                    add=rule.add_days,
                    per=rule.per,
                    above=rule.above,
                    cap=cap,
                )
            )
    for added, cause in extra:
        days += added
        why.append(t(lang, "why_answer", days=added, cause=cause.text(lang)))
    return days, tuple(why)
