"""One function per command: plain values in (paths, dates, strings, numbers), a frozen result out.

The command line parses its arguments, makes one call here and presents the result; a script
can make the same calls (``import roadmap``). Nothing here prints, prompts or exits. Heavy
modules are imported inside the functions so that importing this one stays cheap.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from roadmap.company import CompanyInput
    from roadmap.diff import PlanDiff
    from roadmap.errors import Diagnostic
    from roadmap.explain import Explanation
    from roadmap.models import Library
    from roadmap.plan import Plan
    from roadmap.summary_parts import Section

    from .asking import FactAsker

Progress = Callable[[int, int], None]
"""Called with (iterations done, iterations in all) while a forecast runs."""


# ---------------------------------------------------------------- the library


@dataclass(frozen=True)
class LibraryView:
    """The stage library described (``roadmap stages``)."""

    source: str
    """Where the library was read from."""
    data: dict[str, Any]
    """Stages, their steps and questions in the language asked (``roadmap.describe.library_to_dict``)."""


def describe_library(*, lang: str = "en", library_dir: Path | None = None) -> LibraryView:
    """The stage library (the bundled one, or ``library_dir``) described in ``lang``."""
    from roadmap.describe import library_to_dict
    from roadmap.library import load_library

    lib = load_library(library_dir)
    return LibraryView(source=lib.source, data=library_to_dict(lib, lang))


@dataclass(frozen=True)
class ItemView:
    """One stage, step, question, milestone or role (``roadmap show``)."""

    kind: str
    """stage, step, question, milestone or role."""
    data: dict[str, Any]
    """Its fields in the language asked (``roadmap.describe.find_item``)."""


def show_item(item_id: str, *, lang: str = "en", library_dir: Path | None = None) -> ItemView:
    """The block ``item_id`` in full; an unknown id is an input error with a did-you-mean."""
    from roadmap.describe import find_item
    from roadmap.library import load_library

    kind, data = find_item(load_library(library_dir), item_id, lang)
    return ItemView(kind=kind, data=data)


def company_file_schema(*, lang: str = "en", library_dir: Path | None = None) -> dict[str, Any]:
    """The JSON Schema of the company file, with the library's question, step and role ids."""
    from roadmap.describe import company_schema
    from roadmap.library import load_library

    return company_schema(load_library(library_dir), lang)


# ---------------------------------------------------------------- validate


@dataclass(frozen=True)
class CompanyCheck:
    """A company file that passed the checks."""

    path: Path
    name: str
    """The company's name."""
    employees: int
    answers: int
    """Questions answered in the file."""
    exclusions: int
    """Blocks excluded under ``plan.exclude``."""


@dataclass(frozen=True)
class Validation:
    """What ``validate`` found: the library, the files that passed, the problems of the others."""

    source: str
    """Where the library was read from."""
    stages: int
    steps: int
    questions: int
    """How many stages, steps and questions the library holds."""
    passed: tuple[CompanyCheck, ...] = ()
    problems: tuple[Diagnostic, ...] = ()
    """Every problem of every file, FILE:LINE:COL."""


def validate(files: Sequence[Path] = (), *, library_dir: Path | None = None) -> Validation:
    """Check the library, and each company file against it (all files, even after a bad one)."""
    from roadmap.company import load_company
    from roadmap.errors import InputError
    from roadmap.library import load_library

    lib = load_library(library_dir)
    passed: list[CompanyCheck] = []
    problems: list[Diagnostic] = []
    for path in files:
        try:
            loaded = load_company(path, lib)
        except InputError as exc:
            problems.extend(exc.diagnostics)
            continue
        data = loaded.data
        passed.append(
            CompanyCheck(path, data.company.name, data.company.employees, len(data.answers), len(data.plan.exclude))
        )
    return Validation(
        source=lib.source,
        stages=len(lib.stages),
        steps=len(lib.steps()),
        questions=len(lib.questions()),
        passed=tuple(passed),
        problems=tuple(problems),
    )


# ---------------------------------------------------------------- plan


@dataclass(frozen=True)
class PlanRun:
    """What ``plan`` did: the plan, the files written, the summary to show."""

    plan: Plan
    written: tuple[Path, ...]
    """The report files written, in the order of the formats."""
    sections: tuple[Section, ...]
    """The summary (``roadmap.summary``): plain-text sections with styles, for a terminal or a log."""
    baseline: Path | None
    """The baseline the plan was measured against, if any."""


def plan_company(
    file: Path,
    *,
    out_dir: Path = Path("roadmap-out"),
    formats: Sequence[str] | None = None,
    as_of: dt.date | None = None,
    lang: str = "en",
    library_dir: Path | None = None,
    baseline: Path | None = None,
    ics_level: str = "step",
    ics_per_site: bool = False,
    templates_dir: Path | None = None,
    details: bool = False,
    iterations: int | None = None,
    seed: int = 0,
    method: str = "pert",
    strict: bool = False,
    progress: Progress | None = None,
    one_shot: bool = False,
) -> PlanRun:
    """Plan ``file`` and write the reports in ``formats`` (default: gantt, checklist, json) to ``out_dir``.

    ``ics_per_site``: with sites (issue 17), also write one calendar per site, plan-SITE.ics.
    ``baseline``: the plan.json to measure slip against (default: FILE.baseline.json when it
    exists). ``iterations``: forecast P50/P80/P90 with that many Monte Carlo draws (``seed``,
    ``method``: pert or triangular; ``progress`` hears how far it is). ``strict``: an applicable
    question unanswered or only assumed is an input error, and nothing is written.
    ``one_shot``: the caller exits right after (the command line): the plan's objects are
    frozen out of the garbage collector's sight (issue 14); a long-lived caller leaves it False.
    """
    import contextlib
    import gc

    from roadmap import plan as planning
    from roadmap.baseline import find_baseline
    from roadmap.render import DEFAULT_FORMATS, RenderContext, write_reports
    from roadmap.summary import SummaryInput, build_summary
    from roadmap.tracking import previous_outputs
    from roadmap.yamlio import gc_paused

    fmts = list(formats) if formats else list(DEFAULT_FORMATS)
    base = find_baseline(file, baseline)
    # one_shot: planning builds a few hundred thousand objects that live until the process exits.
    # Re-enabling the collector after plan_file's pause would make its next pass re-walk them all
    # (~0.2 s at 10,000 steps) for nothing; frozen, no pass looks at them again.
    with gc_paused() if one_shot else contextlib.nullcontext():
        result, company, lib = planning.plan_file(file, library_dir=library_dir, as_of=as_of, lang=lang, baseline=base)
        if one_shot:
            gc.freeze()
    if iterations is not None:  # issue 16
        result = with_forecast(result, company, lib, iterations=iterations, seed=seed, method=method, progress=progress)
    if strict:
        refuse_unanswered(result, file)
    ctx = RenderContext(
        plan=result,
        options=(("ics_level", ics_level),) + ((("ics_split", "site"),) if ics_per_site else ()),
        templates_dir=templates_dir,
    )
    written = write_reports(ctx, fmts, out_dir)
    summary = SummaryInput(
        plan=result,
        company=company,
        library=lib,
        written=tuple(written),
        previous=tuple(previous_outputs(out_dir, written)),
        out_dir=out_dir,
        baseline=base,
        details=details,
    )
    return PlanRun(plan=result, written=tuple(written), sections=tuple(build_summary(summary)), baseline=base)


def with_forecast(
    result: Plan,
    company: CompanyInput,
    library: Library,
    *,
    iterations: int,
    seed: int = 0,
    method: str = "pert",
    progress: Progress | None = None,
) -> Plan:
    """``result`` with its Monte Carlo forecast (issue 16)."""
    from roadmap.forecast import simulate

    forecast = simulate(result, company, library, iterations=iterations, seed=seed, method=method, progress=progress)
    return result.model_copy(update={"forecast": forecast})


def refuse_unanswered(result: Plan, file: Path) -> None:
    """Strict planning: an input error naming the questions not answered in the file (issue 9)."""
    from roadmap.errors import InputError
    from roadmap.inputs import strict_problem

    problem = strict_problem(result.assumed, result.unanswered, file.name)
    if problem:
        raise InputError.at(file, problem)


@dataclass(frozen=True)
class Checklist:
    """The project manager's checklist as Markdown."""

    markdown: str


def make_checklist(
    file: Path,
    *,
    as_of: dt.date | None = None,
    lang: str = "en",
    library_dir: Path | None = None,
    templates_dir: Path | None = None,
) -> Checklist:
    """Plan ``file`` and return its checklist: per stage, open questions, people, steps to tick."""
    from roadmap import plan as planning
    from roadmap.render import RenderContext
    from roadmap.render.checklist import render_text

    result = planning.plan_file(file, library_dir=library_dir, as_of=as_of, lang=lang)[0]
    ctx = RenderContext(plan=result, templates_dir=templates_dir)
    return Checklist(markdown=render_text(ctx))


@dataclass(frozen=True)
class Explained:
    """Why a step is when it is: the facts, and the same in words."""

    explanation: Explanation
    sections: tuple[Section, ...]
    """The explanation in words (``roadmap.app.views.explanation_sections``)."""


def explain_task(
    step_id: str, file: Path, *, as_of: dt.date | None = None, lang: str = "en", library_dir: Path | None = None
) -> Explained:
    """Why ``step_id`` is when it is in the plan of ``file``: predecessors, waits, duration parts."""
    from roadmap import plan as planning
    from roadmap.explain import explain_step

    from .views import explanation_sections

    result, company, lib = planning.plan_file(file, library_dir=library_dir, as_of=as_of, lang=lang)
    why = explain_step(result, company, step_id, lib)
    return Explained(explanation=why, sections=explanation_sections(why, lang))


# ---------------------------------------------------------------- baseline, diff


@dataclass(frozen=True)
class BaselineSaved:
    """A baseline written."""

    path: Path
    start: dt.date
    finish: dt.date
    """The saved plan's first and last day."""
    tasks: int
    """Tasks in the saved plan (steps and milestones)."""


def save_baseline(
    file: Path,
    *,
    baseline: Path | None = None,
    as_of: dt.date | None = None,
    force: bool = False,
    lang: str = "en",
    library_dir: Path | None = None,
) -> BaselineSaved:
    """Plan ``file`` and store the plan as its baseline (default: FILE.baseline.json beside it)."""
    from roadmap.plan import save_company_baseline

    path, saved = save_company_baseline(
        file, baseline=baseline, library_dir=library_dir, as_of=as_of, lang=lang, force=force
    )
    return BaselineSaved(path=path, start=saved.start, finish=saved.finish, tasks=len(saved.tasks))


@dataclass(frozen=True)
class Compared:
    """What moved between two plans: the facts, and the same in words (one line per change)."""

    diff: PlanDiff
    sections: tuple[Section, ...]
    """The differences in words (``roadmap.app.views.diff_sections``)."""


def diff_files(old: Path, new: Path) -> Compared:
    """What moved between two plan.json files and why: scope, durations, dates, the finish."""
    from roadmap import diff

    from .views import diff_sections

    result = diff.diff_files(old, new)
    return Compared(diff=result, sections=diff_sections(result))


# ---------------------------------------------------------------- init, questionnaire


@dataclass(frozen=True)
class FileWritten:
    """A file a command wrote."""

    path: Path


class FactsMissing(Exception):
    """``init`` without an asker lacks facts it cannot do without (``fields``: name, employees)."""

    def __init__(self, fields: tuple[str, ...]) -> None:
        super().__init__(", ".join(fields))
        self.fields = fields


def init_company(
    file: Path,
    *,
    name: str | None = None,
    employees: int | None = None,
    industry: str | None = None,
    country: str | None = None,
    branches: int | None = None,
    levels: int | None = None,
    start: dt.date | None = None,
    force: bool = False,
    lang: str = "en",
    library_dir: Path | None = None,
    asker: FactAsker | None = None,
    today: dt.date | None = None,
) -> FileWritten:
    """Write a starter company file to ``file`` (``company.yaml`` inside it when it is a folder).

    The facts not given are asked of ``asker``; without one, ``name`` and ``employees`` are
    required (:class:`FactsMissing`) and the others default (industry other, no branches, three
    levels, no country, the Monday after ``today``). An existing file is kept unless ``force``.
    """
    from roadmap.errors import FileExists
    from roadmap.library import load_library
    from roadmap.output import write_atomic
    from roadmap.starter import StarterFacts, check_facts, next_monday, starter_text

    from .asking import ask_company_facts

    if file.is_dir():
        file = file / "company.yaml"
    if file.exists() and not force:
        raise FileExists(file)
    today = today or dt.date.today()
    given: dict[str, Any] = {
        "name": name,
        "employees": employees,
        "industry": industry,
        "country": country,
        "branches": branches,
        "levels": levels,
        "start": start,
    }
    if asker is not None:
        given = ask_company_facts(given, asker, next_monday(today), lang)
    missing = tuple(key for key in ("name", "employees") if given[key] is None)
    if missing:
        raise FactsMissing(missing)
    code = given["country"]
    facts = StarterFacts(
        name=given["name"].strip(),
        employees=given["employees"],
        industry=given["industry"] or "other",
        country=code.strip().upper() if code and code.strip() else None,
        branches=0 if given["branches"] is None else given["branches"],
        hierarchy_levels=3 if given["levels"] is None else given["levels"],
        start=given["start"],
    )
    check_facts(facts)
    lib = load_library(library_dir)
    text = starter_text(facts, today, roles=list(lib.roles), file_name=file.name, lang=lang)
    return FileWritten(path=write_atomic(file, text, overwrite=force))


def write_questionnaire(
    file: Path,
    *,
    fmt: str = "md",
    stage: str | None = None,
    out: Path | None = None,
    force: bool = False,
    lang: str = "en",
    templates_dir: Path | None = None,
    library_dir: Path | None = None,
) -> FileWritten:
    """Write the printable questionnaire of ``file`` (md or html) into ``out`` (a folder or a file;
    default: the current folder). A form written before is replaced; another file only with ``force``."""
    from roadmap.ask import select_stages
    from roadmap.company import load_company
    from roadmap.library import load_library
    from roadmap.questionnaire import build_form, form_path, render_form, write_form

    lib = load_library(library_dir)
    company = load_company(file, lib)
    form = build_form(lib, company.data, select_stages(lib, stage), lang)
    return FileWritten(path=write_form(render_form(form, fmt, templates_dir), form_path(out, fmt), force=force))
