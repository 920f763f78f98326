"""Resolve: which blocks apply, how long each takes, and the dependency graph between them.

Every step of the library and every stage milestone is a node of a :class:`~roadmap.digraph.DiGraph`. Blocks
that don't apply are dropped with a reason a PM understands; ordering through a dropped block
is kept by bridging its predecessors to its successors (lags add up), and a block that
*requires* a dropped one is dropped too.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping, Sequence, Set
from dataclasses import dataclass, field
from typing import Any

from roadmap.conditions import parse_condition
from roadmap.digraph import DiGraph, lexicographical_topological_sort, topological_sort
from roadmap.i18n import t
from roadmap.models import CompanyFile, Effect, Library, Question, Stage, Step
from roadmap.reasons import (
    AdjustAdd,
    AdjustSet,
    AnswerDays,
    Answers,
    Base,
    Condition,
    DroppedByAnswer,
    DropReason,
    Excluded,
    Milestone,
    OptionalNotSelected,
    RequiresDropped,
    Scaling,
    StageCondition,
    StageDroppedByAnswer,
    StageEmpty,
    StageExcluded,
    TaskReason,
    option_answer,
)
from roadmap.wording import answer_phrase, condition_fact_values, say


@dataclass(frozen=True)
class Cause:
    """An answer that changed the plan."""

    question: str
    value: str
    label: str = ""
    """The answer in words, for the language of the plan (issue 13); empty: ids are shown."""

    def text(self, lang: str) -> str:
        if self.label:
            return self.label
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
    """``reasons`` in words, in the language of the plan."""
    reasons: tuple[TaskReason, ...] = ()
    """Why it takes ``duration`` working days (issue 11): base, scaling, answers, adjust."""
    site: str | None = None
    """Issue 17: the site of a per-site step's copy (its id is ``STEP@SITE``)."""
    gate: int | None = None
    """Issue 17: the wave whose gate (or lessons-learned step) this block is."""


@dataclass
class Resolution:
    """The outcome of resolving a company against a library."""

    blocks: dict[str, Block]
    """Kept blocks by id."""
    graph: DiGraph[str]
    """Kept blocks; edges carry ``lag`` (working days) after bridging."""
    dropped: dict[str, str]
    """Dropped block id → reason (stage order, then dependency order; milestones last)."""
    risks: list[tuple[str, str]]
    """(risk text, because) in library order."""
    env: dict[str, Any]
    """Company facts and effective answers, as conditions see them."""
    applicable_questions: list[str] = field(default_factory=list)
    """Ids of questions whose ``when`` holds, in library order."""
    drop_reasons: dict[str, DropReason] = field(default_factory=dict)
    """Dropped block id → why, as data (``dropped`` in words; same order)."""
    extra_days: dict[str, list[tuple[int, Cause]]] = field(default_factory=dict)
    """Step id → days added by answers, with their cause (issue 17: per-site copies)."""


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
            value = question.default_for(company.country) if answer is None else answer
            if question.kind == "multiple" and isinstance(value, list):
                value = _in_option_order(question, value)
            env[question.id] = value
    return env, applicable


def _in_option_order(question: Question, values: list[Any]) -> list[Any]:
    """A multiple answer listed in the question's option order, so its own order never matters."""
    rank = {o.value: i for i, o in enumerate(question.options)}
    return sorted(values, key=lambda v: (rank.get(v, len(rank)), str(v)))


def chosen_options(question: Question, value: Any) -> list[str]:
    """Option values selected by an answer."""
    if value is None:
        return []
    if question.kind == "multiple":
        return [v for v in _in_option_order(question, list(value)) if isinstance(v, str)]
    if question.kind == "yes_no":
        return ["yes" if value else "no"]
    if question.kind == "single":
        return [str(value)]
    return []


@dataclass(frozen=True)
class ChosenEffect:
    """One effect of an option the answers (or defaults) choose."""

    stage: Stage
    """The stage the question belongs to."""
    question: Question
    value: str
    """The option chosen (``yes``/``no`` for a yes/no question)."""
    number: int
    """The effect's place among its option's effects, from 1."""
    effect: Effect


def chosen_effects(library: Library, env: Mapping[str, Any], applicable: Collection[str]) -> Iterator[ChosenEffect]:
    """Every effect of every option chosen by an applicable question's answer, in library order.

    The one walk of option effects: resolve, ``ask`` and the forecast read answers through it.
    """
    for stage, question in library.questions():
        if question.id not in applicable:
            continue
        options = {o.value: o for o in question.options}
        for value in chosen_options(question, env.get(question.id)):
            option = options.get(value)
            for number, effect in enumerate(option.effects if option else (), start=1):
                yield ChosenEffect(stage, question, value, number, effect)


def resolve(library: Library, data: CompanyFile, lang: str = "en", source_name: str = "company.yaml") -> Resolution:
    """Decide which blocks apply, their durations, and the bridged dependency graph."""
    env, applicable = condition_env(library, data)
    # A stage left out by the company file or by its own condition takes its questions' risks
    # with it; their other effects stay, so that leaving a stage out changes nothing else.
    silent = {s.id for s in library.stages if _stage_reason(s, env, set(data.plan.exclude), {}, source_name)}
    includes: dict[str, list[Cause]] = {}
    excludes: dict[str, list[Cause]] = {}
    extra_days: dict[str, list[tuple[int, Cause]]] = {}
    risks: list[tuple[str, str]] = []
    for chosen in chosen_effects(library, env, set(applicable)):
        question, value, effect = chosen.question, chosen.value, chosen.effect
        cause = Cause(question.id, value, answer_phrase(question, _option_answer(question, value), lang))
        for sid in effect.include or ():
            includes.setdefault(sid, []).append(cause)
        for sid in effect.exclude or ():
            excludes.setdefault(sid, []).append(cause)
        if effect.add_days:
            extra_days.setdefault(effect.add_days.step, []).append((effect.add_days.days, cause))
        if effect.risk and chosen.stage.id not in silent:
            risks.append((effect.risk.get(lang), cause.text(lang)))

    risks.extend(_baseline_risks(library, silent | set(excludes), lang))

    includers: dict[str, list[Answers]] = {}
    for _, question in library.questions():
        by_question: dict[str, list[str]] = {}
        for option in question.options:
            for effect in option.effects:
                for sid in effect.include or ():
                    by_question.setdefault(sid, []).append(option.value)
        for sid, values in by_question.items():
            includers.setdefault(sid, []).append(Answers(question=question.id, values=tuple(values)))

    graph: DiGraph[str] = DiGraph()
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
                if link.when is None or parse_condition(link.when).evaluate(env):
                    graph.add_edge(link.id, step.id, lag=link.lag_days)
            for req in step.requires:
                if not graph.has_edge(req, step.id):
                    graph.add_edge(req, step.id, lag=0)
                hard.add((req, step.id))

    excluded_by_file = set(data.plan.exclude)
    dropped: dict[str, DropReason] = {}
    for stage in library.stages:
        stage_reason = _stage_reason(stage, env, excluded_by_file, excludes, source_name, library)
        if stage_reason:
            dropped[stage.milestone_id] = stage_reason
        for step in stage.steps:
            reason = stage_reason or _step_reason(
                step, env, excluded_by_file, excludes, includes, includers, source_name, library
            )
            if reason:
                dropped[step.id] = reason

    order = list(lexicographical_topological_sort(graph))
    for node in order:
        stage = stage_of[node]
        if node == stage.milestone_id:
            if node not in dropped and all(s.id in dropped for s in stage.steps):
                dropped[node] = StageEmpty(stage=stage.id)
            continue
        if node in dropped:
            continue
        for req in sorted(p for p in graph.predecessors(node) if (p, node) in hard):
            if req in dropped:
                dropped[node] = RequiresDropped(requires=req)
                break

    for node in order:
        if node in dropped:
            _bridge(graph, node)
    started = {sid for sid, prog in data.progress.items() if prog.status != "planned"}
    _prune_milestone_links(graph, stage_of, started)

    blocks: dict[str, Block] = {}
    for node in graph.nodes:
        stage = stage_of[node]
        kept = steps.get(node)
        if kept is None:
            reasons: tuple[TaskReason, ...] = (Milestone(stage=stage.id),)
            blocks[node] = Block(node, stage, None, 0, words_of(reasons, library, lang), reasons)
        else:
            duration, reasons = _duration(kept, data, extra_days.get(node, []), source_name)
            blocks[node] = Block(node, stage, kept, duration, words_of(reasons, library, lang), reasons)
    # Stage order, milestone last, then dependency order (never the order steps are written in).
    position = {node: i for i, node in enumerate(order)}
    ordered_dropped = {
        b: dropped[b]
        for b in sorted(dropped, key=lambda b: (stage_of[b].order, b == stage_of[b].milestone_id, position[b]))
    }
    in_words = {b: say(reason, library, lang) for b, reason in ordered_dropped.items()}
    return Resolution(blocks, graph, in_words, risks, env, applicable, ordered_dropped, extra_days)


def words_of(reasons: tuple[TaskReason, ...], library: Library, lang: str) -> tuple[str, ...]:
    """``reasons`` as sentences of ``lang``, one each."""
    return tuple(say(reason, library, lang) for reason in reasons)


def _option_answer(question: Question, value: str) -> Any:
    """An option value as an answer of its question (``yes`` is true for a yes/no question)."""
    return option_answer(question.kind, value)


def _baseline_risks(library: Library, left_out: set[str], lang: str) -> list[tuple[str, str]]:
    """Each kept stage's own risks, which hold whatever the answers (issue 13)."""
    return [
        (risk.get(lang), t(lang, "because_baseline", stage=stage.title.get(lang)))
        for stage in library.stages
        if stage.id not in left_out
        for risk in stage.risks
    ]


def _stage_reason(
    stage: Stage,
    env: Mapping[str, Any],
    excluded: set[str],
    excludes: Mapping[str, list[Cause]],
    source_name: str,
    library: Library | None = None,
) -> DropReason | None:
    if stage.id in excluded:
        return StageExcluded(stage=stage.id, file=source_name)
    if stage.id in excludes:
        cause = excludes[stage.id][0]
        return StageDroppedByAnswer(stage=stage.id, question=cause.question, value=cause.value)
    if stage.when and not parse_condition(stage.when).evaluate(env):
        facts = condition_fact_values(library, stage.when, env) if library is not None else ()
        return StageCondition(stage=stage.id, when=stage.when, facts=facts)
    return None


def _step_reason(
    step: Step,
    env: Mapping[str, Any],
    excluded: set[str],
    excludes: Mapping[str, list[Cause]],
    includes: Mapping[str, list[Cause]],
    includers: Mapping[str, list[Answers]],
    source_name: str,
    library: Library,
) -> DropReason | None:
    if step.id in excluded:
        return Excluded(file=source_name)
    if step.id in excludes:
        cause = excludes[step.id][0]
        return DroppedByAnswer(question=cause.question, value=cause.value)
    if step.when and not parse_condition(step.when).evaluate(env):
        return Condition(when=step.when, facts=condition_fact_values(library, step.when, env))
    if step.optional and step.id not in includes:
        return OptionalNotSelected(selected_by=tuple(includers.get(step.id, ())))
    return None


def _bridge(graph: DiGraph[str], node: str) -> None:
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


def _prune_milestone_links(graph: DiGraph[str], stage_of: Mapping[str, Stage], started: set[str]) -> None:
    """Keep only the links into a milestone that are not implied by another step of its stage.

    ``pred → milestone`` is implied when ``pred`` has a successor step of the same stage that waits
    for it and that the milestone waits for in turn. A started or done step sits on its actual
    dates whatever its predecessors, so it implies nothing.
    """
    by_stage: dict[str, list[str]] = {}
    for node in reversed(list(topological_sort(graph))):
        by_stage.setdefault(stage_of[node].id, []).append(node)
    for nodes in by_stage.values():
        milestone = stage_of[nodes[0]].milestone_id
        if milestone not in graph:
            continue
        waited: set[str] = set()  # steps whose finish the milestone waits for (successors first)
        for node in nodes:
            if node != milestone and (graph.has_edge(node, milestone) or _implied(graph, node, waited, started)):
                waited.add(node)
        for pred in list(graph.predecessors(milestone)):
            if graph.edges[pred, milestone]["lag"] == 0 and _implied(graph, pred, waited, started):
                graph.remove_edge(pred, milestone)


def _implied(graph: DiGraph[str], pred: str, waited: set[str], started: set[str]) -> bool:
    """Whether a not-yet-started successor of ``pred`` holds the milestone back."""
    return any(s in waited and s not in started for s in graph.successors(pred))


def _duration(
    step: Step, data: CompanyFile, extra: list[tuple[int, Cause]], source_name: str = "company.yaml"
) -> tuple[int, tuple[TaskReason, ...]]:
    company = data.company
    days = step.duration_days
    why: list[TaskReason] = [Base(days=step.duration_days)]
    for rule in step.scaling:
        value = getattr(company, rule.by)
        added = rule.days_for(value)
        if added:
            days += added
            why.append(
                Scaling(
                    days=added,
                    by=rule.by,
                    value=value,
                    add=rule.add_days,
                    per=rule.per,
                    above=rule.above,
                    cap=rule.max_days,
                )
            )
    for added, cause in extra:
        days += added
        why.append(AnswerDays(days=added, question=cause.question, value=cause.value))
    adjust = data.adjust.get(step.id)
    if adjust is not None:  # issue 9: the PM's own figure, last
        if adjust.duration_days is not None:
            days = adjust.duration_days
            why.append(AdjustSet(days=days, file=source_name, note=adjust.note))
        elif adjust.add_days is not None:
            days = max(1, days + adjust.add_days)
            why.append(AdjustAdd(days=adjust.add_days, file=source_name, note=adjust.note))
    return days, tuple(why)


def stage_applies(stage: Stage, data: CompanyFile, env: dict[str, Any]) -> bool:
    """False when the stage is excluded in the file or its own ``when`` is false."""
    if stage.id in data.plan.exclude:
        return False
    return stage.when is None or parse_condition(stage.when).evaluate(env)


def applicable_questions(library: Library, data: CompanyFile, stages: Sequence[Stage]) -> list[tuple[Stage, Question]]:
    """The questions of ``stages`` that apply with the answers so far, in library order."""
    env, applicable = condition_env(library, data)
    keep = set(applicable)
    chosen = {s.id for s in stages}
    dropped = stages_dropped_by_answers(library, env, keep)
    return [
        (stage, q)
        for stage, q in library.questions()
        if stage.id in chosen and q.id in keep and stage.id not in dropped and stage_applies(stage, data, env)
    ]


def stages_dropped_by_answers(library: Library, env: dict[str, Any], applicable: Set[str]) -> set[str]:
    """Stages that an answer (or default) to a question of *another* stage excludes.

    A stage excluded by one of its own questions keeps its questions: that answer must stay
    reachable to be changed.
    """
    stage_ids = {s.id for s in library.stages}
    out: set[str] = set()
    for chosen in chosen_effects(library, env, applicable):
        out.update(sid for sid in chosen.effect.exclude or () if sid in stage_ids and sid != chosen.stage.id)
    return out
