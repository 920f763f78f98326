"""The ``roadmap`` command line: parse, make one library call, show, map errors to exit codes.

Heavy modules (pydantic models, networkx, plotly, jinja2) are imported inside the commands so
that ``roadmap --help`` stays fast.
"""

from __future__ import annotations

try:  # Ctrl-C while the command line is still loading: exit 130 quietly, nothing to clean up
    import contextlib
    import datetime as dt
    import enum
    import errno
    import functools
    import json
    from collections.abc import Callable
    from pathlib import Path
    from typing import TYPE_CHECKING, Annotated, Any, NoReturn, TypeVar

    import typer
except KeyboardInterrupt:
    raise SystemExit(130) from None

if TYPE_CHECKING:
    from rich.console import Console

    from roadmap.ask import Parsed, Pending
    from roadmap.company import CompanyInput
    from roadmap.diff import PlanDiff
    from roadmap.explain import Explanation
    from roadmap.models import Library
    from roadmap.plan import Plan
    from roadmap.summary import Section

app = typer.Typer(
    name="roadmap",
    help="Plan the rollout of a corporate intranet portal: five stages, a dated plan, a Gantt report and a checklist."
    "\n\nExample: roadmap init company.yaml && roadmap ask company.yaml && roadmap plan company.yaml",
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,  # issue 14: plain help text, so `roadmap --help` never imports rich
)

F = TypeVar("F", bound=Callable[..., Any])


class Lang(enum.StrEnum):
    """Output language."""

    en = "en"
    fr = "fr"


LibraryOpt = Annotated[
    Path | None,
    typer.Option("--library", help="Folder of stage YAML files to use instead of the bundled stages/."),
]
LangOpt = Annotated[Lang, typer.Option("--lang", help="Language of titles, labels and reasons.")]
AsOfOpt = Annotated[
    str | None, typer.Option("--as-of", help="Status date YYYY-MM-DD: remaining work starts no earlier.")
]
TemplatesOpt = Annotated[
    Path | None,
    typer.Option("--templates", help="Folder of your own report templates (missing ones: the bundled templates/)."),
]


class IcsLevel(enum.StrEnum):
    """What plan.ics holds an event for."""

    step = "step"
    stage = "stage"


def _console(stderr: bool = False) -> Console:
    from rich.console import Console

    return Console(stderr=stderr, highlight=False)


def handle_errors(func: F) -> F:
    """Map every outcome to an exit code in one place (see :func:`_run_guarded`)."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        return _run_guarded(func, args, kwargs)

    return wrapper  # type: ignore[return-value]


def _version(value: bool) -> None:
    if value:
        from importlib.metadata import PackageNotFoundError, version

        try:
            typer.echo(f"roadmap {version('roadmap')}")
        except PackageNotFoundError:
            from roadmap import __version__

            typer.echo(f"roadmap {__version__}")
        raise typer.Exit()


_DEBUG = False
"""``roadmap --debug``: an internal error shows its traceback."""


def _run_guarded(func: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    """Input errors → one message, exit 2; environment → one line, exit 1; Ctrl-C → 130;
    SIGTERM → 143; anything else is a bug → a short "please report" line, exit 3 (its
    traceback only with ``--debug``). Never a traceback for input or environment problems.
    """
    from roadmap.errors import RoadmapError, Terminated, describe_os_error

    try:
        return func(*args, **kwargs)
    except RoadmapError as exc:
        _say_err(_printable(str(exc)) or "error")
        raise typer.Exit(exc.exit_code) from None
    except Terminated:
        _say_err("\nterminated")
        raise typer.Exit(143) from None
    except KeyboardInterrupt:
        _say_err("\ninterrupted")
        raise typer.Exit(130) from None
    except (typer.Exit, typer.Abort, typer.BadParameter):
        raise
    except BrokenPipeError:
        _silence_stdout()
        raise typer.Exit(1) from None
    except OSError as exc:
        if exc.errno == errno.EPIPE:
            _silence_stdout()
            raise typer.Exit(1) from None
        where = f"{exc.filename}: " if exc.filename else ""
        _say_err(f"error: {where}{describe_os_error(exc)}")
        raise typer.Exit(1) from None
    except MemoryError:
        _say_err("error: out of memory")
        raise typer.Exit(1) from None
    except Exception as exc:
        if type(exc).__module__.startswith("typer"):  # the vendored Click's own exceptions
            raise
        if _DEBUG:
            raise
        _say_err(
            f"internal error ({type(exc).__name__}): this is a bug in roadmap; please report it "
            "with the command you ran (add --debug for the traceback)"
        )
        raise typer.Exit(3) from None


def _printable(text: str) -> str:
    """Control characters (an argument echoed in a message) shown as ``\\x1b``, never sent to the terminal."""
    import re

    return re.sub("[\x00-\x08\x0b-\x1f\x7f-\x9f]", lambda m: repr(m.group())[1:-1], text)


def _say_err(text: str) -> None:
    """One message on stderr that cannot fail: not on an ASCII-only terminal, not on a closed stream."""
    import sys

    stream = sys.stderr
    if stream is None:
        return
    try:
        encoding = getattr(stream, "encoding", None) or "utf-8"
        stream.write(text.encode(encoding, "replace").decode(encoding, "replace") + "\n")
        stream.flush()
    except (OSError, ValueError):
        pass


def _silence_stdout() -> None:
    """stdout was closed by its reader (``| head``): point it at /dev/null so exiting stays quiet."""
    import os
    import sys

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass


@app.callback()
def _options(
    show_version: Annotated[
        bool, typer.Option("--version", help="Print the version and exit.", callback=_version, is_eager=True)
    ] = False,
    debug: Annotated[
        bool, typer.Option("--debug", help="Show the traceback of an internal error (to report a bug).")
    ] = False,
) -> None:
    """Plan the rollout of a corporate intranet portal: five stages, a dated plan, a Gantt report and a checklist.

    Example: roadmap init company.yaml && roadmap ask company.yaml && roadmap plan company.yaml
    """
    global _DEBUG
    _DEBUG = debug
    _prepare_process()
    import sys

    if sys.stdout is None:  # started with >&-: whatever it printed would be lost
        _say_err("error: standard output is closed")
        raise typer.Exit(1)


def _prepare_process() -> None:
    """Streams that never raise on an ASCII-only terminal; SIGTERM ends like Ctrl-C (exit 143)."""
    import signal
    import sys

    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        encoding = (getattr(stream, "encoding", None) or "").lower().replace("-", "")
        if reconfigure is not None and encoding not in ("utf8", "utf16", "utf32"):
            with contextlib.suppress(OSError, ValueError):
                reconfigure(errors="replace")

    def terminate(signum: int, frame: object) -> None:
        from roadmap.errors import Terminated

        raise Terminated

    with contextlib.suppress(ValueError, OSError):  # not the main thread (a test runner's worker)
        signal.signal(signal.SIGTERM, terminate)


def _escape(text: str) -> str:
    from rich.markup import escape

    return escape(text)


def _load_library(library: Path | None) -> Library:
    from roadmap.library import load_library

    return load_library(library)


@app.command()
@handle_errors
def stages(
    as_json: Annotated[bool, typer.Option("--json", help="Print the library as JSON.")] = False,
    lang: LangOpt = Lang.en,
    library: LibraryOpt = None,
) -> None:
    """Show the stage library: stages, their steps and questions.

    Example: roadmap stages --lang fr
    """
    from roadmap.describe import library_to_dict

    lib = _load_library(library)
    data = library_to_dict(lib, lang.value)
    if as_json:
        typer.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    from rich.text import Text
    from rich.tree import Tree

    from roadmap.i18n import t

    def fold(markup: str) -> Text:
        return Text.from_markup(markup, overflow="fold")

    lg = lang.value
    tree = Tree(f"[bold]{t(lg, 'tree_library')}[/] ({_escape(lib.source)})")
    for stage in data["stages"]:
        node = tree.add(fold(f"[bold cyan]{stage['order']}. {_escape(stage['title'])}[/] [dim]{stage['id']}[/]"))
        steps = node.add(t(lg, "tree_steps"))
        for step in stage["steps"]:
            extra = f" [dim]({t(lg, 'tree_optional')})[/]" if step["optional"] else ""
            cond = f" [dim]{_escape(t(lg, 'tree_when', cond=step['when']))}[/]" if step["when"] else ""
            steps.add(
                fold(
                    f"{step['id']}  {_escape(step['title'])} — {t(lg, 'tree_days', n=step['duration_days'])}, "
                    f"{', '.join(step['roles']) or t(lg, 'tree_no_role')}{extra}{cond}"
                )
            )
        questions = node.add(t(lg, "tree_questions"))
        for q in stage["questions"]:
            questions.add(fold(f"{q['id']} [dim]({q['kind']})[/]  {_escape(q['text'])}"))
    _console().print(tree)


@app.command()
@handle_errors
def show(
    block_id: Annotated[
        str, typer.Argument(metavar="ID", help="A stage, step, question, milestone (STAGE.done) or role id.")
    ],
    as_json: Annotated[bool, typer.Option("--json", help="Print it as JSON.")] = False,
    lang: LangOpt = Lang.en,
    library: LibraryOpt = None,
) -> None:
    """Show one stage, step, question, milestone or role in full.

    Example: roadmap show setup.invite
    """
    from roadmap.describe import find_item

    lib = _load_library(library)
    kind, data = find_item(lib, block_id, lang.value)
    if as_json:
        typer.echo(json.dumps({"kind": kind, **data}, ensure_ascii=False, indent=2))
        return
    import yaml
    from rich.text import Text

    def pruned(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: pruned(v) for k, v in value.items() if v not in (None, [], {}, "")}
        return [pruned(v) for v in value] if isinstance(value, list) else value

    body = yaml.safe_dump(pruned(data), allow_unicode=True, sort_keys=False, width=10_000).rstrip()
    con = _console()
    con.print(Text(f"{kind} {block_id}", style="bold"), soft_wrap=True)
    con.print(Text(body), soft_wrap=True)


@app.command()
@handle_errors
def validate(
    files: Annotated[
        list[Path] | None, typer.Argument(help="Company files to check (none: check the library alone).")
    ] = None,
    library: LibraryOpt = None,
) -> None:
    """Check company files against the stage library; problems as FILE:LINE:COL: message.

    Example: roadmap validate company.yaml examples/*.yaml
    """
    from roadmap.company import load_company
    from roadmap.errors import InputError

    lib = _load_library(library)
    if not files:
        steps, questions = len(lib.steps()), len(lib.questions())
        typer.echo(f"{lib.source}: ok — {len(lib.stages)} stages, {steps} steps, {questions} questions")
        return
    problems = []
    for path in files:
        try:
            loaded = load_company(path, lib)
        except InputError as exc:
            problems.extend(exc.diagnostics)
            continue
        data = loaded.data
        typer.echo(
            f"{path}: ok — {data.company.name}, {data.company.employees} employees, "
            f"{len(data.answers)} answers, {len(data.plan.exclude)} exclusions"
        )
    if problems:
        raise InputError(problems)


@app.command()
@handle_errors
def schema(
    lang: LangOpt = Lang.en,
    library: LibraryOpt = None,
) -> None:
    """Print the JSON Schema of the company file, with the library's question, step and role ids.

    Example: roadmap schema > company.schema.json
    """
    from roadmap.describe import company_schema

    typer.echo(json.dumps(company_schema(_load_library(library), lang.value), ensure_ascii=False, indent=2))


@app.command()
@handle_errors
def plan(
    file: Annotated[Path, typer.Argument(help="The company file (YAML).")],
    out: Annotated[Path, typer.Option("--out", help="Folder for the reports.")] = Path("roadmap-out"),
    formats: Annotated[
        str | None, typer.Option("--format", help="Comma-separated formats to write (default: all reports).")
    ] = None,
    as_of: AsOfOpt = None,
    lang: LangOpt = Lang.en,
    library: LibraryOpt = None,
    baseline: Annotated[
        Path | None,
        typer.Option("--baseline", help="Baseline plan.json to measure slip against (default: FILE.baseline.json)."),
    ] = None,
    ics_level: Annotated[
        IcsLevel, typer.Option("--ics-level", help="plan.ics: one event per step and milestone, or per stage.")
    ] = IcsLevel.step,
    templates: TemplatesOpt = None,
    details: Annotated[
        bool, typer.Option("--details", help="Also list critical steps, dropped blocks, every risk, baseline moves.")
    ] = False,
    simulate: Annotated[
        int | None,
        typer.Option("--simulate", metavar="N", help="Forecast P50/P80/P90 dates with N Monte Carlo iterations."),
    ] = None,
    seed: Annotated[int, typer.Option("--seed", help="Random seed of --simulate (same seed, same forecast).")] = 0,
    method: Annotated[
        str, typer.Option("--method", help="Sampling of --simulate: pert (beta-PERT) or triangular.")
    ] = "pert",
    strict: Annotated[
        bool, typer.Option("--strict", help="Exit 2 when an applicable question is unanswered or only assumed.")
    ] = False,
) -> None:
    """Plan a company: resolve the blocks, date them on its calendar, write the reports.

    Example: roadmap plan company.yaml --format gantt,mspdi,ics --as-of 2027-03-01
    """
    import gc

    from roadmap.baseline import find_baseline
    from roadmap.plan import plan_file
    from roadmap.render import DEFAULT_FORMATS, RenderContext, parse_formats, write_reports

    fmts = parse_formats(formats) if formats else list(DEFAULT_FORMATS)
    status_date = _parse_date(as_of, "--as-of")
    base = find_baseline(file, baseline)
    # Issue 14: planning builds a few hundred thousand objects that live until this one-shot
    # command exits. Re-enabling the collector after plan_file's pause would make its next pass
    # re-walk them all (~0.2 s at 10,000 steps) for nothing; frozen, no pass looks at them again.
    # (A long-lived caller of plan_file is not affected: only this command freezes.)
    gc.disable()
    try:
        result, company, lib = plan_file(file, library_dir=library, as_of=status_date, lang=lang.value, baseline=base)
        gc.freeze()
    finally:
        gc.enable()
    if simulate is not None:  # issue 16
        result = _forecast(result, company, lib, simulate, seed, method)
    if strict:
        _refuse_unanswered(result, file)
    options = (("ics_level", ics_level.value),)
    ctx = RenderContext(plan=result, options=options, templates_dir=templates)
    written = write_reports(ctx, fmts, out)
    from roadmap.summary import SummaryInput, build_summary
    from roadmap.tracking import previous_outputs

    summary = SummaryInput(
        plan=result,
        company=company,
        library=lib,
        written=tuple(written),
        previous=tuple(previous_outputs(out, written)),
        out_dir=out,
        baseline=base,
        details=details,
    )
    _print_sections(build_summary(summary))


@app.command()
@handle_errors
def checklist(
    file: Annotated[Path, typer.Argument(help="The company file (YAML).")],
    as_of: AsOfOpt = None,
    lang: LangOpt = Lang.en,
    library: LibraryOpt = None,
    templates: TemplatesOpt = None,
) -> None:
    """Print the project manager's checklist: per stage, open questions, people, steps to tick.

    Example: roadmap checklist company.yaml --as-of 2027-03-01
    """
    from rich.markdown import Markdown

    from roadmap.plan import plan_file
    from roadmap.render import RenderContext
    from roadmap.render.checklist import render_text

    result, _, _ = plan_file(file, library_dir=library, as_of=_parse_date(as_of, "--as-of"), lang=lang.value)
    ctx = RenderContext(plan=result, templates_dir=templates)
    _console().print(Markdown(render_text(ctx)))


def _parse_date(value: str | None, flag: str) -> dt.date | None:
    if value is None:
        return None
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        from roadmap.errors import InputError

        raise InputError.at(flag, f"'{value}' is not a date (YYYY-MM-DD)") from None
    from roadmap.limits import check_date

    check_date(day, flag)
    return day


_STYLES = {"bold": "bold", "dim": "dim", "warn": "yellow", "crit": "red", "late": "red", "early": "green"}


def _print_sections(sections: list[Section]) -> None:
    """Print the summary's sections (roadmap/summary.py): plain text, styled, fitted to the terminal."""
    from rich import box
    from rich.table import Table
    from rich.text import Text

    con = _console()
    for section in sections:
        if section.title:
            con.print(Text(section.title, style="bold"))
        for line in section.lines:
            style = _STYLES.get(line.style, "")
            text = Text()
            if line.mark:
                text.append(line.mark, style=style)
                text.append(" ")
                text.append(line.text)
            else:
                text.append(line.text, style=style)
            indent = "  " if section.title else ""
            if line.whole:
                con.print(Text(indent) + text, soft_wrap=True)
                continue
            if line.clip:
                con.print(Text(indent) + text, no_wrap=True, overflow="ellipsis")
                continue
            for part in text.wrap(con, max(20, con.width - len(indent))):  # hanging indent, no trailing spaces
                part.rstrip()
                con.print(Text(indent) + part)
        if section.table is not None:
            spec = section.table
            table = Table(box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False, padding=(0, 1))
            for k, column in enumerate(spec.columns):
                table.add_column(
                    column,
                    no_wrap=k in spec.no_wrap,
                    justify="right" if k in spec.right else "left",
                    overflow="fold" if k not in spec.no_wrap else "ellipsis",
                    ratio=1 if k not in spec.no_wrap else None,
                )
            for row in spec.rows:
                table.add_row(*(Text(cell) for cell in row))
            con.print(table)


@app.command()
@handle_errors
def explain(
    step: Annotated[str, typer.Argument(help="The step or milestone id, e.g. setup.invite.")],
    file: Annotated[Path, typer.Argument(help="The company file (YAML).")],
    as_of: AsOfOpt = None,
    lang: LangOpt = Lang.en,
    library: LibraryOpt = None,
) -> None:
    """Say why a step is when it is: predecessors, waits for people, its duration in parts.

    Example: roadmap explain setup.invite company.yaml --as-of 2027-03-01
    """
    from roadmap.explain import explain_step
    from roadmap.plan import plan_file

    result, company, lib = plan_file(file, library_dir=library, as_of=_parse_date(as_of, "--as-of"), lang=lang.value)
    _print_explanation(explain_step(result, company, step, lib), lang.value)


def _print_explanation(why: Explanation, lang: str) -> None:
    from rich.text import Text

    from roadmap.i18n import t

    con = _console()
    task = why.task

    def line(text: str, style: str = "", indent: int = 2) -> None:
        for part in Text(text, style=style).wrap(con, max(20, con.width - indent)):
            part.rstrip()
            con.print(Text(" " * indent) + part)

    con.print(Text(f"{task.id} — {task.title}", style="bold"))
    when = (
        t(lang, "explain_milestone", day=task.finish)
        if task.milestone
        else t(lang, "explain_dates", start=task.start, finish=task.finish, days=task.duration_days)
    )
    line(f"{why.stage_title} · {when}")
    slack = t(lang, "explain_critical") if task.critical else t(lang, "explain_slack", days=task.slack_days)
    line(slack, "red" if task.critical else "")
    con.print(Text(t(lang, "explain_starts_when"), style="bold"))
    if not why.predecessors and not why.role_waits:
        line(t(lang, "explain_no_preds", day=why.earliest))
    for c in why.predecessors:
        mark = "▶" if c.binding else "·"
        line(
            f"{mark} "
            + t(lang, "explain_pred", id=c.id, title=c.title, finish=c.finish, lag=c.lag_days, allows=c.allows)
        )
    for c in why.role_waits:
        mark = "▶" if c.binding else "·"
        roles = ", ".join(c.roles)
        line(
            f"{mark} " + t(lang, "explain_wait", id=c.id, title=c.title, finish=c.finish, roles=roles, allows=c.allows)
        )
    if why.earliest_binds:
        line("▶ " + t(lang, "explain_earliest", day=why.earliest))
    con.print(Text(t(lang, "explain_duration"), style="bold"))
    for part in task.why:
        line(f"- {part}")
    if why.successors:
        con.print(Text(t(lang, "explain_successors"), style="bold"))
        line(", ".join(why.successors))


def _refuse_unanswered(result: Plan, file: Path) -> None:
    """``plan --strict``: exit 2 naming the questions not answered in the file (issue 9)."""
    from roadmap.errors import InputError
    from roadmap.inputs import strict_problem

    problem = strict_problem(result.assumed, result.unanswered, file.name)
    if problem:
        raise InputError.at(file, problem)


# --- issue 16: forecast ---


def _forecast(result: Plan, company: CompanyInput, lib: Library, iterations: int, seed: int, method: str) -> Plan:
    """Run the simulation with a progress bar on a terminal once it takes over a second."""
    import time

    from rich.progress import Progress

    from roadmap.forecast import simulate

    con = _console(stderr=True)
    began = time.monotonic()
    bar: list[Any] = []  # the Progress and its task, once shown

    def report(done: int, total: int) -> None:
        if not bar and con.is_terminal and time.monotonic() - began > 1.0:
            progress = Progress(console=con, transient=True)
            progress.start()
            bar.extend([progress, progress.add_task("simulating", total=total)])
        if bar:
            bar[0].update(bar[1], completed=done)

    try:
        forecast = simulate(result, company, lib, iterations=iterations, seed=seed, method=method, progress=report)
    finally:
        if bar:
            bar[0].stop()
    return result.model_copy(update={"forecast": forecast})


baseline_app = typer.Typer(
    help="Save the current plan as the baseline that later plans are measured against."
    "\n\nExample: roadmap baseline save company.yaml",
    rich_markup_mode=None,  # issue 14: see app
)
app.add_typer(baseline_app, name="baseline")


@baseline_app.command("save")
@handle_errors
def baseline_save(
    file: Annotated[Path, typer.Argument(help="The company file (YAML).")],
    baseline: Annotated[
        Path | None, typer.Option("--baseline", help="Where to save it (default: FILE.baseline.json beside FILE).")
    ] = None,
    as_of: AsOfOpt = None,
    force: Annotated[bool, typer.Option("--force", help="Replace an existing baseline.")] = False,
    lang: LangOpt = Lang.en,
    library: LibraryOpt = None,
) -> None:
    """Plan FILE and store the plan as its baseline (plan.json content).

    Example: roadmap baseline save company.yaml
    """
    from roadmap.plan import save_company_baseline

    path, saved = save_company_baseline(
        file,
        baseline=baseline,
        library_dir=library,
        as_of=_parse_date(as_of, "--as-of"),
        lang=lang.value,
        force=force,
    )
    from roadmap.i18n import t

    message = t(lang.value, "baseline_saved", path=path, start=saved.start, finish=saved.finish, n=len(saved.tasks))
    _console().print(_escape(message))


@app.command()
@handle_errors
def diff(
    old: Annotated[Path, typer.Argument(help="The earlier plan.json (or baseline).")],
    new: Annotated[Path, typer.Argument(help="The later plan.json.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the differences as JSON.")] = False,
) -> None:
    """Say what moved between two plans and why: scope, durations, dates, the finish.

    Example: roadmap diff company.baseline.json roadmap-out/plan.json
    """
    from roadmap.diff import diff_files

    result = diff_files(old, new)
    if as_json:
        typer.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
        return
    _print_diff(result)


def _print_diff(result: PlanDiff) -> None:
    console = _console()

    def say(text: str) -> None:
        console.print(text, soft_wrap=True)  # one line per change, also when piped to grep or a file

    unit = result.unit
    finish = result.finish
    say(f"[bold]Finish[/]: {finish.old} → [bold]{finish.new}[/] ({_shift(finish.shift)} {unit})")
    if result.start.shift:
        say(f"[bold]Start[/]: {result.start.old} → {result.start.new} ({_shift(result.start.shift)} {unit})")
    if result.p80 is not None:  # issue 16
        say(f"[bold]Forecast P80[/]: {result.p80.old} → [bold]{result.p80.new}[/] ({_shift(result.p80.shift)} {unit})")
    if result.unchanged:
        say("No differences.")
        return
    if result.answers:
        say("[bold]Answers changed[/]:")
        for answer in result.answers:
            say(f"  {answer.key}: {_escape(_value(answer.old))} → {_escape(_value(answer.new))}")
    if result.company:
        say("[bold]Company changed[/]:")
        for fact in result.company:
            say(f"  {fact.key}: {_escape(_value(fact.old))} → {_escape(_value(fact.new))}")
    if result.team:
        say("[bold]Team changed[/]:")
        for size in result.team:
            say(f"  {size.key}: {_value(size.old)} → {_value(size.new)}")
    if result.cost:
        say("[bold]Cost changed[/]:")
        for moved in result.cost:
            say(f"  {moved.stage}: {moved.old} → {moved.new} ({moved.delta} {moved.currency})")
    if result.added or result.dropped:
        say("[bold]Scope[/]:")
        for item in result.added:
            say(f"  [green]+[/] {item.id} {_escape(item.title)}")
        for item in result.dropped:
            reason = f": {_escape(item.reason)}" if item.reason else ""
            say(f"  [red]-[/] {item.id} {_escape(item.title)}{reason}")
    if result.durations:
        say("[bold]Durations[/] (working days):")
        for change in result.durations:
            say(f"  {change.id} {_escape(change.title)}: {change.old_days} → {change.new_days}")
            for line in change.why_removed:
                say(f"    [red]-[/] {_escape(line)}")
            for line in change.why_added:
                say(f"    [green]+[/] {_escape(line)}")
    if result.moves:
        say(f"[bold]Dates moved[/] ({unit}):")
        for move in result.moves:
            say(
                f"  {move.id}: start {move.old_start} → {move.new_start} ({_shift(move.start_shift)}), "
                f"finish {move.old_finish} → {move.new_finish} ({_shift(move.finish_shift)})"
                f" [dim]— {_escape('; '.join(move.because))}[/]"
            )


def _shift(days: int) -> str:
    return f"+{days}" if days > 0 else str(days)


def _value(value: Any) -> str:
    if value is None:
        return "(none)"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ", ".join(_value(v) for v in value)
    return str(value)


# ---------------------------------------------------------------- ask, init, questionnaire

_SKIP = "__skip__"
"""The 'leave it for later' choice of a terminal prompt (never an option value)."""


def _interactive() -> bool:
    """Prompt with arrow keys only when both ends are a terminal; otherwise read plain lines."""
    import sys

    stdin, stdout = sys.stdin, sys.stdout  # None when closed (<&- or >&-)
    return stdin is not None and stdout is not None and stdin.isatty() and stdout.isatty()


@app.command()
@handle_errors
def ask(
    file: Annotated[Path, typer.Argument(help="The company file; answers are saved into its answers: section.")],
    stage: Annotated[
        str | None, typer.Option("--stage", help="Only this stage: its id (setup) or its number (1).")
    ] = None,
    all_questions: Annotated[
        bool, typer.Option("--all", help="Ask the answered questions too, the current answer as the default.")
    ] = False,
    lang: LangOpt = Lang.en,
    library: LibraryOpt = None,
) -> None:
    """Answer the stage questionnaires; each answer is saved into FILE as soon as it is given.

    On a terminal: arrow keys to move, space to tick, Enter to confirm. Otherwise one answer
    per line (a script can pipe them): an option number or value; several separated by commas,
    - for none; y/n; a number; text; a date YYYY-MM-DD. An empty line keeps the current answer,
    or leaves a question that has none for later. Bad input is asked again with the reason.
    The end of piped input stops with exit code 0; Ctrl-C, Ctrl-D or a closed terminal with 130.
    Either way the answers given stay saved and running the command again resumes at the first
    unanswered question. At the end: what the answers changed in the plan.

    Example: roadmap ask company.yaml --stage 1
    """
    from roadmap import ask as engine
    from roadmap.answers_io import AnswerSaver, check_writable
    from roadmap.company import load_company
    from roadmap.i18n import t
    from roadmap.plan import build_plan

    lib = _load_library(library)
    company = load_company(file, lib)
    chosen = engine.select_stages(lib, stage)
    before = build_plan(company, lib, lang=lang.value)
    data = company.data
    asked: set[str] = set()
    count = len(engine.to_ask(lib, data, chosen, all_questions=all_questions, asked=asked))
    if not count:
        typer.echo(t(lang.value, "ask_nothing"))
        return
    check_writable(file)
    typer.echo(t(lang.value, "ask_start", n=count, file=file))
    interactive = _interactive()
    _need_stdin()
    ask_one = _ask_tty if interactive else _ask_line
    restore_hangup = _hangup_interrupts()
    saver = AnswerSaver(file)
    try:
        while True:
            pending = engine.next_question(lib, data, chosen, all_questions=all_questions, asked=asked)
            if pending is None:
                break
            qid = pending.question.id
            asked.add(qid)
            answer = ask_one(pending, lang.value)
            if answer.skip:
                typer.echo(f"  {t(lang.value, 'ask_skipped')}")
                continue
            if not pending.answered or data.answers.get(qid) != answer.value:
                if not saver.save(qid, answer.value):
                    typer.echo(f"  ! {t(lang.value, 'ask_lock_busy', file=file)}", err=True)
                data = engine.with_answer(data, qid, answer.value)
    except EOFError:  # the end of piped input, or Ctrl-D in a terminal: the answers given are kept
        left = len(engine.to_ask(lib, data, chosen, all_questions=False, asked=set()))
        typer.echo(t(lang.value, "ask_eof", n=left), err=True)
    except KeyboardInterrupt as exc:
        _stop_asking(t(lang.value, "ask_interrupted", file=file), _interrupt_code(exc))
    except OSError as exc:
        if not interactive or exc.errno != errno.EIO:
            raise
        _stop_asking(t(lang.value, "ask_interrupted", file=file))  # the terminal was closed
    finally:
        restore_hangup()
        _save_kept(saver, lang.value)
    after = build_plan(load_company(file, lib), lib, lang=lang.value)
    typer.echo("")
    for line in engine.summary_lines(engine.compare_plans(before, after), lang.value):
        typer.echo(line)


def _save_kept(saver: Any, lang: str) -> None:
    """Answers kept because another ``ask`` held the file: one last, longer try, else say which."""
    from roadmap.answers_io import LOCK_TIMEOUT
    from roadmap.errors import EnvironmentProblem
    from roadmap.i18n import t

    if saver.flush(wait=LOCK_TIMEOUT * 2):
        return
    kept = "; ".join(f"{qid}: {_value(value)}" for qid, value in saver.pending.items())
    raise EnvironmentProblem(t(lang, "ask_not_saved", file=saver.path, answers=kept))


def _hangup_interrupts() -> Callable[[], None]:
    """Make a hang-up (the terminal closed) stop ``ask`` like Ctrl-C; returns what undoes it."""
    import signal

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    hangup = getattr(signal, "SIGHUP", None)
    try:
        previous = signal.signal(hangup, interrupt) if hangup is not None else None
    except ValueError:  # not the main thread
        previous = None
    if hangup is None or previous is None:
        return lambda: None

    def restore() -> None:
        signal.signal(hangup, previous)

    return restore


def _need_stdin() -> None:
    """A closed standard input (``<&-``) is an environment problem: nothing can be asked."""
    import sys

    if sys.stdin is None:
        from roadmap.errors import EnvironmentProblem

        raise EnvironmentProblem("standard input is closed: nothing can be asked (pipe the answers in)")


def _interrupt_code(exc: BaseException) -> int:
    """143 for SIGTERM, 130 for Ctrl-C."""
    from roadmap.errors import Terminated

    return 143 if isinstance(exc, Terminated) else 130


def _stop_asking(message: str, code: int = 130) -> NoReturn:
    """Ctrl-C, Ctrl-D or a closed terminal: say where the answers are (when anyone can see it); exit 130."""
    import os

    try:
        typer.echo("\n" + message, err=True)
    except OSError:  # the terminal is gone: send what is left to /dev/null so that exiting cannot fail
        devnull = os.open(os.devnull, os.O_WRONLY)
        for fd in (1, 2):
            os.dup2(devnull, fd)
    raise typer.Exit(code)


def _ask_line(pending: Pending, lang: str) -> Parsed:
    """Numbered plain-text prompt; reads one line at a time; raises EOFError at the end of input."""
    import sys

    from roadmap import ask as engine
    from roadmap.i18n import t

    q = pending.question
    typer.echo("")
    typer.echo(f"{engine.progress_label(pending, lang)} — {q.id}")
    typer.echo(q.text.get(lang))
    if q.help:
        typer.echo(f"  ({q.help.get(lang)})")
    for key, label, effects in engine.option_rows(q, lang, pending.titles):
        typer.echo(f"  {key}. {label}" + (f" — {effects}" if effects else ""))
    if q.kind in ("single", "multiple") and not pending.answered:
        typer.echo(f"  {t(lang, 'ask_later_row')}")
    if pending.current is not None:
        key = "ask_current" if pending.answered else "ask_default"
        typer.echo("  " + t(lang, key, value=engine.display_answer(q, pending.current, lang)))
    prompt = t(lang, "ask_prompt", hint=engine.input_hint(q, pending.current, lang))
    stream = getattr(sys.stdin, "buffer", None)  # bytes: a line that is not UTF-8 is asked again
    while True:
        typer.echo(prompt, nl=False)
        raw: bytes | str = stream.readline() if stream is not None else sys.stdin.readline()
        if not raw:
            typer.echo("")
            raise EOFError
        try:
            line = raw.decode("utf-8") if isinstance(raw, bytes) else raw
        except UnicodeDecodeError:
            line = None
        if not sys.stdin.isatty():
            shown = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else raw
            typer.echo(shown.rstrip("\r\n"))
        if line is None:
            typer.echo(f"  ! {t(lang, 'ask_not_utf8')}")
            continue
        parsed = engine.parse_answer(q, line, pending.current, lang)
        if parsed.problem is None:
            return parsed
        typer.echo(f"  ! {parsed.problem}")


def _ask_tty(pending: Pending, lang: str) -> Parsed:
    """Arrow-key prompt (questionary): select, checkbox, confirm or text with validation."""
    import questionary
    from questionary import Choice, Separator
    from rich.padding import Padding

    from roadmap import ask as engine
    from roadmap.i18n import t

    q = pending.question
    con = _console()
    con.print()
    con.print(f"[bold]{_escape(engine.progress_label(pending, lang))}[/] [dim]{q.id}[/]")
    if q.help:
        con.print(f"[dim]{_escape(q.help.get(lang))}[/]")
    if pending.current is not None:
        key = "ask_current" if pending.answered else "ask_default"
        con.print(f"[dim]{_escape(t(lang, key, value=engine.display_answer(q, pending.current, lang)))}[/]")
    for _, label, effects in engine.option_rows(q, lang, pending.titles):
        if effects:
            con.print(Padding(f"[dim]• {_escape(label)} — {_escape(effects)}[/]", (0, 0, 0, 2)))
    message = q.text.get(lang)
    current = pending.current
    if q.kind in ("single", "multiple"):
        values = [o.value for o in q.options]
        choices: list[Any] = [
            Choice(
                title=o.label.get(lang),
                value=o.value,
                checked=q.kind == "multiple" and isinstance(current, list) and o.value in current,
                description=engine.describe_effects(o, lang, pending.titles),
            )
            for o in q.options
        ]
        if not pending.answered:  # issue 9: never invent an answer
            choices += [Separator(), Choice(title=t(lang, "ask_skip_choice"), value=_SKIP)]
        if q.kind == "multiple":
            return _ask_checkbox(pending, message, choices, lang)
        default = current if isinstance(current, str) and current in values else None
        if default is None and not pending.answered:
            default = _SKIP  # the pointer starts on "Leave it for later", not on an option
        value = _eof_on_ctrl_d(questionary.select(message, choices=choices, default=default)).unsafe_ask()
        return engine.Parsed(skip=True) if value == _SKIP else engine.Parsed(value=value)
    if q.kind == "yes_no":
        if not isinstance(current, bool):  # no default: nothing pre-selected, Enter leaves it for later
            hint = f"({t(lang, 'ask_hint_yes_no')}; {t(lang, 'ask_hint_skip')}) "
            # questionary returns None for Enter when its default is None (typed as bool)
            ask_yn = questionary.confirm(message, default=None, instruction=hint)  # type: ignore[arg-type]
            value = _eof_on_ctrl_d(ask_yn).unsafe_ask()
            return engine.Parsed(skip=True) if value is None else engine.Parsed(value=bool(value))
        return engine.Parsed(value=bool(_eof_on_ctrl_d(questionary.confirm(message, default=current)).unsafe_ask()))

    def validate(text: str) -> bool | str:
        problem = engine.parse_answer(q, text, current, lang).problem
        return True if problem is None else problem

    typed = _eof_on_ctrl_d(
        questionary.text(
            message,
            default=engine.typed_form(q, current),
            validate=validate,
            instruction=f"({engine.input_hint(q, current, lang)})",
        )
    ).unsafe_ask()
    return engine.parse_answer(q, typed, current, lang)


def _ask_checkbox(pending: Pending, message: str, choices: list[Any], lang: str) -> Parsed:
    """A multiple choice: exclusive options and min/max refused as typed; nothing ticked = for later."""
    import questionary

    from roadmap import ask as engine
    from roadmap.i18n import t

    q = pending.question
    values = [o.value for o in q.options]

    def check(picked: list[str]) -> bool | str:
        if _SKIP in picked:
            return True if len(picked) == 1 else t(lang, "ask_skip_alone")
        if not picked and pending.current is None:
            return True
        problem = engine.parse_answer(q, ", ".join(picked) or engine.NONE_INPUT, pending.current, lang).problem
        return True if problem is None else problem

    picked = _eof_on_ctrl_d(questionary.checkbox(message, choices=choices, validate=check)).unsafe_ask()
    if _SKIP in picked or (not picked and pending.current is None):
        return engine.Parsed(skip=True)
    return engine.Parsed(value=[v for v in values if v in picked])


def _eof_on_ctrl_d(question: Any) -> Any:
    """Ctrl-D ends the session like the end of piped input (issue 9): the prompt raises EOFError."""
    from prompt_toolkit.key_binding import KeyBindings, merge_key_bindings

    bindings = KeyBindings()

    @bindings.add("c-d", eager=True)
    def _end(event: Any) -> None:
        event.app.exit(exception=EOFError, style="class:aborting")

    app = question.application
    app.key_bindings = merge_key_bindings([app.key_bindings, bindings]) if app.key_bindings else bindings
    return question


class IndustryChoice(enum.StrEnum):
    """Industry of the company (init)."""

    manufacturing = "manufacturing"
    construction = "construction"
    services = "services"
    other = "other"


@app.command()
@handle_errors
def init(
    file: Annotated[Path, typer.Argument(help="Where to write the company file.")] = Path("company.yaml"),
    name: Annotated[str | None, typer.Option("--name", help="Company name, as it appears on the reports.")] = None,
    employees: Annotated[int | None, typer.Option("--employees", help="Headcount.")] = None,
    industry: Annotated[IndustryChoice | None, typer.Option("--industry", help="Industry.")] = None,
    country: Annotated[
        str | None, typer.Option("--country", help="ISO country code (FR, DE, RU...): public holidays, weekend.")
    ] = None,
    branches: Annotated[int | None, typer.Option("--branches", help="Branch offices besides the head office.")] = None,
    levels: Annotated[int | None, typer.Option("--levels", help="Levels of management hierarchy.")] = None,
    start: Annotated[
        str | None, typer.Option("--start", help="First day of work YYYY-MM-DD (default: next Monday).")
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite FILE if it exists.")] = False,
    lang: Annotated[Lang, typer.Option("--lang", help="Language of the file's comments and of the prompts.")] = Lang.en,
    library: LibraryOpt = None,
) -> None:
    """Write a starter company file: schema line, every section commented, next Monday as the start.

    On a terminal the facts not given as options are asked; otherwise --name and --employees
    are required (industry: other, branches: 0, levels: 3, no country). FILE may be a folder
    (company.yaml is written in it). An existing file is left untouched unless --force is given.

    Example: roadmap init company.yaml --name "Acme" --employees 800 --country FR
    """
    from roadmap.errors import Diagnostic, InputError, OutputError
    from roadmap.output import write_atomic
    from roadmap.starter import StarterFacts, check_facts, next_monday, starter_text

    if file.is_dir():
        file = file / "company.yaml"
    if file.exists() and not force:
        raise OutputError(f"{file}: already exists (use --force to overwrite it)")
    today = dt.date.today()
    start_date = _parse_date(start, "--start")
    if _interactive():
        answers = _ask_company_facts(
            {
                "name": name,
                "employees": employees,
                "industry": industry.value if industry else None,
                "country": country,
                "branches": branches,
                "levels": levels,
                "start": start_date,
            },
            next_monday(today),
            lang.value,
        )
        name, employees, country = answers["name"], answers["employees"], answers["country"]
        branches, levels, start_date = answers["branches"], answers["levels"], answers["start"]
        industry = IndustryChoice(answers["industry"])
    missing = [flag for flag, value in (("--name", name), ("--employees", employees)) if value is None]
    if missing:
        raise InputError([Diagnostic(flag, 0, 0, "required when not on a terminal") for flag in missing])
    assert name is not None and employees is not None
    facts = StarterFacts(
        name=name.strip(),
        employees=employees,
        industry=(industry or IndustryChoice.other).value,
        country=country.strip().upper() if country and country.strip() else None,
        branches=0 if branches is None else branches,
        hierarchy_levels=3 if levels is None else levels,
        start=start_date,
    )
    check_facts(facts)
    lib = _load_library(library)
    text = starter_text(facts, today, roles=list(lib.roles), file_name=file.name, lang=lang.value)
    write_atomic(file, text, overwrite=force)
    from roadmap.i18n import t

    typer.echo(t(lang.value, "init_wrote", path=file))


_FACT_PROMPTS: dict[str, tuple[str, str]] = {
    "name": ("Company name", "Nom de l'entreprise"),
    "name_bad": ("a name", "un nom"),
    "employees": ("Employees (headcount)", "Employés (effectif)"),
    "industry": ("Industry", "Secteur"),
    "country": ("Country code (public holidays; empty for none)", "Code pays (jours fériés ; vide pour aucun)"),
    "country_bad": (
        "a known two-letter country code such as FR, DE, RU, or nothing",
        "un code pays connu à deux lettres comme FR, DE, RU, ou rien",
    ),
    "branches": ("Branch offices", "Filiales"),
    "levels": ("Hierarchy levels", "Niveaux hiérarchiques"),
    "start": ("Start date", "Date de début"),
    "number_bad": ("a whole number >= {low}", "un nombre entier >= {low}"),
    "date_bad": ("a date YYYY-MM-DD", "une date AAAA-MM-JJ"),
}


def _ask_company_facts(given: dict[str, Any], monday: dt.date, lang: str = "en") -> dict[str, Any]:
    """Ask on the terminal for each fact not given as an option."""
    import questionary

    def say(key: str, **values: Any) -> str:
        en, fr = _FACT_PROMPTS[key]
        return (fr if lang == "fr" else en).format(**values)

    def number(low: int) -> Callable[[str], bool | str]:
        return lambda text: (text.strip().isdigit() and int(text) >= low) or say("number_bad", low=low)

    def country_ok(text: str) -> bool | str:
        from roadmap.calendar import default_weekend

        code = text.strip().upper()
        if not code:
            return True
        try:
            default_weekend(code)
        except ValueError:
            code = ""
        return (len(code) == 2 and code.isalpha()) or say("country_bad")

    def date_ok(text: str) -> bool | str:
        try:
            dt.date.fromisoformat(text.strip())
        except ValueError:
            return say("date_bad")
        return True

    out = dict(given)
    if out["name"] is None:
        out["name"] = questionary.text(say("name"), validate=lambda s: bool(s.strip()) or say("name_bad")).unsafe_ask()
    if out["employees"] is None:
        out["employees"] = int(questionary.text(say("employees"), validate=number(1)).unsafe_ask())
    if out["industry"] is None:
        kinds = [i.value for i in IndustryChoice]
        out["industry"] = questionary.select(say("industry"), choices=kinds, default="other").unsafe_ask()
    if out["country"] is None:
        code = questionary.text(say("country"), validate=country_ok).unsafe_ask()
        out["country"] = code.strip().upper() or None
    if out["branches"] is None:
        out["branches"] = int(questionary.text(say("branches"), default="0", validate=number(0)).unsafe_ask())
    if out["levels"] is None:
        out["levels"] = int(questionary.text(say("levels"), default="3", validate=number(1)).unsafe_ask())
    if out["start"] is None:
        text = questionary.text(say("start"), default=monday.isoformat(), validate=date_ok).unsafe_ask()
        out["start"] = dt.date.fromisoformat(text.strip())
    return out


class FormFormat(enum.StrEnum):
    """Format of the printable questionnaire."""

    md = "md"
    html = "html"


@app.command()
@handle_errors
def questionnaire(
    file: Annotated[Path, typer.Argument(help="The company file (its answers are noted on the form).")],
    fmt: Annotated[FormFormat, typer.Option("--format", help="md or html.")] = FormFormat.md,
    stage: Annotated[
        str | None, typer.Option("--stage", help="Only this stage: its id (setup) or its number (1).")
    ] = None,
    out: Annotated[
        Path | None, typer.Option("--out", help="A folder, or the file to write (default: the current folder).")
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite a file this command did not write.")] = False,
    lang: LangOpt = Lang.en,
    templates: TemplatesOpt = None,
    library: LibraryOpt = None,
) -> None:
    """Write a printable questionnaire for a team that answers on paper.

    Checkboxes for the options with what each does to the plan, lines to write on, help, and
    when a question applies. Writes questionnaire.md or questionnaire.html into the current
    folder (or --out). A form written by this command before is replaced; any other existing
    file only with --force.

    Example: roadmap questionnaire company.yaml --format html --stage 2
    """
    from roadmap.ask import select_stages
    from roadmap.company import load_company
    from roadmap.questionnaire import build_form, form_path, render_form, write_form

    lib = _load_library(library)
    company = load_company(file, lib)
    form = build_form(lib, company.data, select_stages(lib, stage), lang.value)
    path = write_form(render_form(form, fmt.value, templates), form_path(out, fmt.value), force=force)
    from roadmap.i18n import t

    typer.echo(t(lang.value, "form_wrote", path=path))


def main() -> None:
    """Console-script entry point: Ctrl-C while starting up exits 130, a closed stdout quietly."""
    import os
    import sys

    try:
        app(prog_name="roadmap")
    except KeyboardInterrupt:
        raise SystemExit(130) from None
    finally:
        try:
            if sys.stdout is not None:
                sys.stdout.flush()
        except (OSError, ValueError):
            with contextlib.suppress(OSError, ValueError):
                os.dup2(os.open(os.devnull, os.O_WRONLY), 1)


if __name__ == "__main__":  # pragma: no cover
    main()
