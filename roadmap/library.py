"""Load and validate a stage library (``stages/`` or a consultant's ``--library DIR``)."""

from __future__ import annotations

from collections.abc import Iterator, Set
from pathlib import Path
from typing import Any

from roadmap.conditions import ConditionError, check_names, parse_condition
from roadmap.digraph import DiGraph, is_directed_acyclic_graph
from roadmap.errors import Diagnostic, InputError
from roadmap.models import Effect, Library, Question, RoleFile, Stage
from roadmap.resources import data_dir
from roadmap.yamlcache import load_files
from roadmap.yamlio import LoadedYaml, Loc, did_you_mean, gc_paused, show_value, validate_model

COMPANY_FIELDS = ("employees", "branches", "hierarchy_levels", "industry", "country")
"""Company facts a condition may name."""

_Where = tuple[LoadedYaml, Loc]
"""A value's file and path in it: where a diagnostic would point."""

ROLES_FILE = "roles.yaml"
ROLES_FILES = (ROLES_FILE, "roles.yml")
"""Names of the role registry in a library folder (at most one of them)."""


def default_library_dir() -> Path:
    """The bundled stage library."""
    return data_dir("stages")


_CACHE: dict[tuple[object, ...], Library] = {}
"""Libraries already read in this process, keyed by their folder and each file's size and mtime
(a library is frozen: the same files give the same model; an edited file is read again)."""


def load_library(directory: Path | None = None) -> Library:
    """Read and validate every file of a library; all problems are reported at once."""
    key = _cache_key(directory or default_library_dir())
    if key is not None and key in _CACHE:
        return _CACHE[key]
    with gc_paused():  # many small long-lived objects: see gc_paused
        library = _load_library(directory)
    if key is not None:
        _CACHE.clear()  # one library at a time: a long-lived process never grows
        _CACHE[key] = library
    return library


def _cache_key(folder: Path) -> tuple[object, ...] | None:
    """The folder and the (name, size, mtime) of each of its YAML files; None when unreadable."""
    try:
        stats = sorted(
            (entry.name, entry.stat().st_size, entry.stat().st_mtime_ns)
            for entry in folder.iterdir()
            if entry.suffix in (".yaml", ".yml")
        )
    except OSError:
        return None
    return (str(folder.resolve()), *stats)


def _load_library(directory: Path | None) -> Library:
    folder = directory or default_library_dir()
    if folder.is_file():
        raise InputError.at(folder, "is a file: a library is the folder holding the stage files")
    if not folder.is_dir():
        raise InputError.at(folder, "no such library folder")
    files = sorted(p for p in [*folder.glob("*.yaml"), *folder.glob("*.yml")] if p.is_file())
    roles_paths = [p for p in files if p.name in ROLES_FILES]
    stage_paths = [p for p in files if p.name not in ROLES_FILES]
    if not stage_paths:
        raise InputError.at(folder, "no stage files (*.yaml or *.yml) in this library")
    if len(roles_paths) > 1:
        raise InputError.at(roles_paths[1], f"two role files: keep {ROLES_FILE} or roles.yml, not both", 1, 1)

    problems: list[Diagnostic] = []
    role_file: RoleFile | None = None
    read = load_files([*roles_paths, *stage_paths])  # issue 14: a large library is parsed once
    for found in read[: len(roles_paths)]:
        try:
            if isinstance(found, InputError):
                raise found
            role_file = validate_model(found, RoleFile)
        except InputError as exc:
            problems.extend(exc.diagnostics)
    stages: list[tuple[Stage, LoadedYaml]] = []
    for found in read[len(roles_paths) :]:
        try:
            if isinstance(found, InputError):
                raise found
            stages.append((validate_model(found, Stage), found))
        except InputError as exc:
            problems.extend(exc.diagnostics)
    if problems:
        raise InputError(problems)
    if role_file is None:  # no roles.yaml: the roles are those the stages' resources name
        named = sorted({res.role for stage, _ in stages for res in stage.resources})
        role_file = RoleFile.model_validate({"roles": {role: {"title": role} for role in named}})

    stages.sort(key=lambda pair: (pair[0].order, pair[0].id))
    problems.extend(_check(stages, role_file))
    if problems:
        raise InputError(problems)
    return Library(stages=tuple(s for s, _ in stages), roles=dict(role_file.roles), source=str(folder))


def _check(stages: list[tuple[Stage, LoadedYaml]], roles: RoleFile) -> list[Diagnostic]:
    """Cross-file checks: unique ids, references, conditions, defaults, cycles."""
    out: list[Diagnostic] = []
    role_ids = set(roles.roles)
    stage_ids = {s.id for s, _ in stages}
    step_ids = {step.id for s, _ in stages for step in s.steps}
    milestone_ids = {s.milestone_id for s, _ in stages}
    blocks = step_ids | milestone_ids
    question_ids = {q.id for s, _ in stages for q in s.questions}
    names = set(question_ids) | set(COMPANY_FIELDS)

    seen_stage: dict[str, _Where] = {}
    seen_order: dict[str, _Where] = {}
    seen_step: dict[str, _Where] = {}
    seen_question: dict[str, _Where] = {}
    asked: set[str] = set()  # questions before the current one, in library order
    for stage, y in stages:
        _unique(out, y, ("id",), stage.id, seen_stage, "stage id")
        _unique(out, y, ("order",), str(stage.order), seen_order, "stage order")
        _condition(out, y, ("when",), stage.when, names)
        for i, res in enumerate(stage.resources):
            _known(out, y, ("resources", i, "role"), res.role, role_ids, "role")
        for i, step in enumerate(stage.steps):
            loc: Loc = ("steps", i)
            _unique(out, y, (*loc, "id"), step.id, seen_step, "step id")
            if not step.id.startswith(stage.id + "."):
                out.append(y.diagnostic((*loc, "id"), f"step id '{step.id}' must start with '{stage.id}.'"))
            if step.id in milestone_ids:
                out.append(y.diagnostic((*loc, "id"), f"'{step.id}' is reserved for the stage milestone"))
            for j, link in enumerate(step.after):
                _known(out, y, (*loc, "after", j), link.id, blocks, "step or milestone")
                _condition(out, y, (*loc, "after", j, "when"), link.when, names)
            for j, req in enumerate(step.requires):
                _known(out, y, (*loc, "requires", j), req, blocks, "step or milestone")
            as_mapping = isinstance(y.data["steps"][i].get("roles"), dict)  # {role: people}: point at the key
            for j, role in enumerate(step.roles):
                if as_mapping and role not in role_ids:
                    hint = did_you_mean(role, role_ids)
                    out.append(y.diagnostic((*loc, "roles", role), f"unknown role '{role}'{hint}", key=True))
                    continue
                _known(out, y, (*loc, "roles", j), role, role_ids, "role")
            _condition(out, y, (*loc, "when"), step.when, names)
        out.extend(_check_ranges(y, stage))  # issue 16
        for i, question in enumerate(stage.questions):
            loc = ("questions", i)
            _unique(out, y, (*loc, "id"), question.id, seen_question, "question id")
            if question.id in COMPANY_FIELDS:
                out.append(y.diagnostic((*loc, "id"), f"'{question.id}' is a company field name"))
            _condition(out, y, (*loc, "when"), question.when, names, later=question_ids - asked)
            asked.add(question.id)
            out.extend(_check_question(y, loc, question, stage_ids, step_ids))
    if len(step_ids) == sum(len(s.steps) for s, _ in stages):  # duplicates would show as false cycles
        out.extend(_check_cycles(stages))
    return out


def _check_question(
    y: LoadedYaml, loc: Loc, q: Question, stage_ids: set[str], step_ids: set[str]
) -> Iterator[Diagnostic]:
    values = [o.value for o in q.options]
    if q.kind in ("single", "multiple") and not q.options:
        yield y.diagnostic(loc, f"question '{q.id}' of kind {q.kind} needs options")
    if q.kind == "yes_no" and not set(values) <= {"yes", "no"}:
        yield y.diagnostic((*loc, "options"), "yes_no options are 'yes' and 'no'")
    if q.kind in ("number", "text", "date") and q.options:
        yield y.diagnostic((*loc, "options"), f"a {q.kind} question has no options")
    dupes = sorted({v for v in values if values.count(v) > 1})
    for v in dupes:
        yield y.diagnostic((*loc, "options"), f"duplicate option value '{v}'")
    for i, option in enumerate(q.options):
        for j, effect in enumerate(option.effects):
            eloc: Loc = (*loc, "options", i, "effects", j)
            for k, sid in enumerate(effect.include or ()):
                if sid not in step_ids:
                    yield y.diagnostic((*eloc, "include", k), f"unknown step '{sid}'{did_you_mean(sid, step_ids)}")
            for k, sid in enumerate(effect.exclude or ()):
                if sid not in step_ids | stage_ids:
                    hint = did_you_mean(sid, step_ids | stage_ids)
                    yield y.diagnostic((*eloc, "exclude", k), f"unknown step or stage '{sid}'{hint}")
            if effect.add_days and effect.add_days.step not in step_ids:
                sid = effect.add_days.step
                yield y.diagnostic((*eloc, "add_days", "step"), f"unknown step '{sid}'{did_you_mean(sid, step_ids)}")
            yield from _check_forecast_effect(y, eloc, effect, step_ids)  # issue 16
    yield from _check_choice_limits(y, loc, q)
    if q.default is not None:
        problem = answer_problem(q, q.default)
        if problem:
            yield y.diagnostic((*loc, "default"), f"default of '{q.id}': {problem}")
    for country, value in (q.default_by_country or {}).items():
        where: Loc = (*loc, "default_by_country", country)
        if country != "default" and not (len(country) == 2 and country.isupper() and country.isalpha()):
            yield y.diagnostic(where, f"'{country}' is not an ISO country code (e.g. RU, FR) nor 'default'", key=True)
        problem = answer_problem(q, value) if value is not None else None
        if problem:
            yield y.diagnostic(where, f"default of '{q.id}' for {country}: {problem}")


def _check_choice_limits(y: LoadedYaml, loc: Loc, q: Question) -> Iterator[Diagnostic]:
    """``exclusive`` options and ``min``/``max`` belong to multiple-choice questions, and fit them."""
    if q.kind != "multiple":
        for key in ("min", "max"):
            if getattr(q, key) is not None:
                yield y.diagnostic((*loc, key), f"'{key}' is for multiple-choice questions, not {q.kind}")
        for i, option in enumerate(q.options):
            if option.exclusive:
                yield y.diagnostic(
                    (*loc, "options", i, "exclusive"), f"'exclusive' is for multiple-choice options, not {q.kind}"
                )
        return
    count = len(q.options)
    if q.min is not None and q.max is not None and q.min > q.max:
        yield y.diagnostic((*loc, "min"), f"min {q.min} is more than max {q.max}")
    for key in ("min", "max"):
        limit = getattr(q, key)
        if limit is not None and limit > count:
            yield y.diagnostic((*loc, key), f"{key} {limit} is more than the {count} options")


def answer_problem(q: Question, value: Any) -> str | None:
    """Why ``value`` is not a valid answer to ``q`` (None when it is)."""
    import datetime as dt
    import math

    values = [o.value for o in q.options]
    if q.kind == "single":
        if not isinstance(value, str) or value not in values:
            return f"expected one of {', '.join(values)}, got {show_value(value)}{did_you_mean(str(value), values)}"
    elif q.kind == "multiple":
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            return f"expected a list of {', '.join(values)}, got {show_value(value)}"
        bad = [v for v in value if v not in values]
        if bad:
            return f"'{bad[0]}' is not one of {', '.join(values)}{did_you_mean(bad[0], values)}"
        if len(set(value)) != len(value):
            return "an option is listed twice"
        return _choice_problem(q, value)
    elif q.kind == "yes_no":
        if not isinstance(value, bool):
            return f"expected yes or no (true/false), got {show_value(value)}"
    elif q.kind == "number":
        if isinstance(value, bool) or not isinstance(value, int | float):
            return f"expected a number, got {show_value(value)}"
        if not math.isfinite(value) or value < 0:
            return f"expected a number >= 0, got {show_value(value)}"
    elif q.kind == "text":
        if not isinstance(value, str):
            return f"expected text, got {show_value(value)} (put it in quotes)"
    elif q.kind == "date":
        if isinstance(value, dt.datetime):
            return f"expected a date YYYY-MM-DD without a time, got {value.isoformat(sep=' ')}"
        if not isinstance(value, dt.date):
            return f"expected a date YYYY-MM-DD, got {show_value(value)}"
    return None


def _choice_problem(q: Question, value: list[str]) -> str | None:
    """A multiple answer that combines an exclusive option, or chooses too few or too many."""
    exclusive = [o.value for o in q.options if o.exclusive and o.value in value]
    if exclusive and len(value) > 1:
        return f"'{exclusive[0]}' cannot be combined with another option"
    if q.min is not None and len(value) < q.min and not exclusive:
        return f"choose at least {q.min} (got {len(value)})"
    if q.max is not None and len(value) > q.max:
        return f"choose at most {q.max} (got {len(value)})"
    return None


def _unique(out: list[Diagnostic], y: LoadedYaml, loc: Loc, value: str, seen: dict[str, _Where], what: str) -> None:
    found = seen.get(value)
    if found is None:
        seen[value] = (y, loc)  # issue 14: its position only when a duplicate needs it
        return
    first = found[0].diagnostic(found[1], "")
    where = f"line {first.line}" if first.file == y.file else f"{first.file}:{first.line}:{first.col}"
    out.append(y.diagnostic(loc, f"duplicate {what} '{value}' (first at {where})"))


def _known(out: list[Diagnostic], y: LoadedYaml, loc: Loc, value: str, known: Set[str], what: str) -> None:
    if value not in known:
        out.append(y.diagnostic(loc, f"unknown {what} '{value}'{did_you_mean(value, known)}"))


def _condition(
    out: list[Diagnostic], y: LoadedYaml, loc: Loc, source: str | None, names: set[str], later: Set[str] = frozenset()
) -> None:
    """A condition parses, names only known names, and (for a question) no question asked after it."""
    if source is None:
        return
    try:
        cond = parse_condition(source)
    except ConditionError as exc:
        out.append(y.diagnostic(loc, f"condition {source!r}: {exc.message} (column {exc.column})"))
        return
    for name in check_names(cond, names):
        out.append(y.diagnostic(loc, f"condition {source!r}: unknown name '{name}'{did_you_mean(name, names)}"))
    for name in sorted(cond.names() & later):
        out.append(y.diagnostic(loc, f"condition {source!r}: '{name}' is not asked before this question"))


def _check_cycles(stages: list[tuple[Stage, LoadedYaml]]) -> list[Diagnostic]:
    """Report one dependency cycle, printed in full, at the link that closes it."""
    edges: list[tuple[str, str]] = []
    where: dict[tuple[str, str], tuple[LoadedYaml, Loc]] = {}
    for stage, y in stages:
        for i, step in enumerate(stage.steps):
            edges.append((step.id, stage.milestone_id))
            for j, link in enumerate(step.after):
                edges.append((link.id, step.id))
                where[(link.id, step.id)] = (y, ("steps", i, "after", j))
            for j, req in enumerate(step.requires):
                edges.append((req, step.id))
                where[(req, step.id)] = (y, ("steps", i, "requires", j))
    graph: DiGraph[str] = DiGraph()
    for u, v in edges:
        graph.add_edge(u, v)
    if is_directed_acyclic_graph(graph):  # linear; find_cycle alone is quadratic on a large DAG
        return []
    import networkx as nx  # issue 14: only to name the cycle of a library that has one

    nx_graph: nx.DiGraph = nx.DiGraph()
    nx_graph.add_edges_from(edges)
    try:
        cycle = nx.find_cycle(nx_graph)
    except nx.NetworkXNoCycle:
        return []
    path = " -> ".join([str(u) for u, _ in cycle] + [str(cycle[0][0])])
    for u, v in cycle:
        if (u, v) in where:
            y, loc = where[(u, v)]
            return [y.diagnostic(loc, f"dependency cycle: {path}")]
    first = stages[0][1]
    return [first.diagnostic((), f"dependency cycle: {path}")]


# --- issue 16: forecast ---


def _check_forecast_effect(y: LoadedYaml, loc: Loc, effect: Effect, step_ids: set[str]) -> Iterator[Diagnostic]:
    """A ``widen`` effect and a quantified risk name known steps."""
    if effect.widen and effect.widen.step not in step_ids:
        sid = effect.widen.step
        yield y.diagnostic((*loc, "widen", "step"), f"unknown step '{sid}'{did_you_mean(sid, step_ids)}")
    for k, sid in enumerate(effect.steps or ()):
        if sid not in step_ids:
            yield y.diagnostic((*loc, "steps", k), f"unknown step '{sid}'{did_you_mean(sid, step_ids)}")


def _check_ranges(y: LoadedYaml, stage: Stage) -> list[Diagnostic]:
    """``ranges.steps`` names steps of its own stage."""
    if stage.ranges is None:
        return []
    own = {step.id for step in stage.steps}
    return [
        y.diagnostic(
            ("ranges", "steps", sid),
            key=True,
            message=f"unknown step '{sid}' of stage '{stage.id}'{did_you_mean(sid, own)}",
        )
        for sid in stage.ranges.steps
        if sid not in own
    ]
