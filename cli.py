"""The ``roadmap`` command line: parse, make one library call, show, map errors to exit codes.

Heavy modules (pydantic models, networkx, plotly, jinja2) are imported inside the commands so
that ``roadmap --help`` stays fast.
"""

from __future__ import annotations

import datetime as dt
import enum
import errno
import functools
import json
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn, TypeVar

import typer

if TYPE_CHECKING:
    from rich.console import Console

    from roadmap.ask import Parsed, Pending
    from roadmap.diff import PlanDiff
    from roadmap.models import Library
    from roadmap.plan import Plan

app = typer.Typer(
    name="roadmap",
    help="Plan the rollout of a corporate intranet portal: five stages, a dated plan, a Gantt report and a checklist.",
    no_args_is_help=True,
    add_completion=False,
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
    """Domain errors → one message and exit 2; Ctrl-C → 130; a real bug keeps its traceback."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from roadmap.errors import RoadmapError

        try:
            return func(*args, **kwargs)
        except RoadmapError as exc:
            typer.echo(str(exc) or "error", err=True)
            raise typer.Exit(exc.exit_code) from None
        except KeyboardInterrupt:
            typer.echo("\ninterrupted", err=True)
            raise typer.Exit(130) from None

    return wrapper  # type: ignore[return-value]


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
    """Show the stage library: stages, their steps and questions."""
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
    """Show one stage, step, question, milestone or role in full."""
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
    """Check company files against the stage library; problems as FILE:LINE:COL: message."""
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
    """Print the JSON Schema of the company file, with the library's question, step and role ids."""
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
) -> None:
    """Plan a company: resolve the blocks, date them on its calendar, write the reports."""
    from roadmap.baseline import find_baseline
    from roadmap.plan import plan_file
    from roadmap.render import DEFAULT_FORMATS, RenderContext, parse_formats, write_reports

    fmts = parse_formats(formats) if formats else list(DEFAULT_FORMATS)
    status_date = _parse_date(as_of, "--as-of")
    base = find_baseline(file, baseline)
    result, company, lib = plan_file(file, library_dir=library, as_of=status_date, lang=lang.value, baseline=base)
    options = (("ics_level", ics_level.value),)
    ctx = RenderContext(
        plan=result, company=company, library=lib, lang=lang.value, options=options, templates_dir=templates
    )
    written = write_reports(ctx, fmts, out)
    _print_plan(result)
    con = _console()
    if base is not None:
        con.print(f"compared with baseline {_escape(str(base))}")
    for path in written:
        con.print(f"wrote {_escape(str(path))}")


@app.command()
@handle_errors
def checklist(
    file: Annotated[Path, typer.Argument(help="The company file (YAML).")],
    as_of: AsOfOpt = None,
    lang: LangOpt = Lang.en,
    library: LibraryOpt = None,
    templates: TemplatesOpt = None,
) -> None:
    """Print the project manager's checklist: per stage, open questions, people, steps to tick."""
    from rich.markdown import Markdown

    from roadmap.plan import plan_file
    from roadmap.render import RenderContext
    from roadmap.render.checklist import render_text

    result, company, lib = plan_file(file, library_dir=library, as_of=_parse_date(as_of, "--as-of"), lang=lang.value)
    ctx = RenderContext(plan=result, company=company, library=lib, lang=lang.value, templates_dir=templates)
    _console().print(Markdown(render_text(ctx)))


def _parse_date(value: str | None, flag: str) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        from roadmap.errors import InputError

        raise InputError.at(flag, f"'{value}' is not a date (YYYY-MM-DD)") from None


def _print_plan(result: Plan) -> None:
    from rich.table import Table

    from roadmap.i18n import t

    lang = result.lang
    con = _console()
    company = result.company
    headline = t(
        lang,
        "cli_headline",
        name=company["name"],
        employees=company["employees"],
        start=result.start,
        finish=result.finish,
        days=result.working_days,
    )
    con.print(f"[bold]{_escape(headline)}[/]")
    for warning in result.warnings:
        con.print(f"[yellow]{t(lang, 'cli_warning')}:[/] {_escape(warning)}")
    table = Table(title=t(lang, "report_stages"), title_justify="left")
    with_slip = any(stage.slip_days is not None for stage in result.stages)
    columns = ["report_stage", "report_start", "report_finish", "report_working_days"]
    for column in columns + (["report_slip"] if with_slip else []):
        table.add_column(t(lang, column))
    for stage in result.stages:
        table.add_row(
            f"{stage.order}. {_escape(stage.title)}",
            str(stage.start),
            str(stage.finish),
            str(stage.working_days),
            *([_slip(stage.slip_days, lang)] if with_slip else []),
        )
    con.print(table)
    steps = [task for task in result.tasks if not task.milestone]
    moved = [task for task in steps if task.slip_days]
    new = [task for task in steps if task.baseline_finish is None] if with_slip else []
    if moved or new:
        con.print(f"[bold]{t(lang, 'cli_baseline')}[/]:")
        for task in moved:
            con.print(
                f"  {_slip(task.slip_days)} {task.id} {_escape(task.title)} {task.baseline_finish} → {task.finish}"
            )
        for task in new:
            con.print(f"  {_slip(None, lang)} {task.id} {_escape(task.title)} {task.start} → {task.finish}")
    critical = [task for task in result.tasks if task.critical and not task.milestone]
    if critical:
        con.print(f"[bold]{t(lang, 'cli_critical')}[/]:")
        for task in critical:
            con.print(f"  [red]●[/] {task.id} {_escape(task.title)} {task.start} → {task.finish}")
    if result.dropped:
        con.print(f"[bold]{t(lang, 'report_dropped')}[/]:")
        for drop in result.dropped:
            con.print(f"  - {drop.id}: {_escape(drop.reason)}")
    if result.risks:
        con.print(f"[bold]{t(lang, 'report_risks')}[/]:")
        for risk in result.risks:
            con.print(f"  [yellow]![/] {_escape(risk.text)} [dim]({_escape(risk.because)})[/]")
    con.print(f"[bold]{t(lang, 'cli_finish', finish=result.finish)}[/]")


def _slip(days: int | None, lang: str = "en") -> str:
    """Slip in working days: red when late, green when early."""
    if days is None:
        from roadmap.i18n import t

        return f"[dim]{t(lang, 'cli_new')}[/]"
    if days > 0:
        return f"[red]+{days}[/]"
    if days < 0:
        return f"[green]{days}[/]"
    return "0"


baseline_app = typer.Typer(
    help="Save the current plan as the baseline that later plans are measured against.",
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
    """Plan FILE and store the plan as its baseline (plan.json content)."""
    from roadmap.baseline import save_company_baseline

    path, saved = save_company_baseline(
        file,
        baseline=baseline,
        library_dir=library,
        as_of=_parse_date(as_of, "--as-of"),
        lang=lang.value,
        force=force,
    )
    _console().print(
        f"saved baseline {_escape(str(path))}: {saved.start} → [bold]{saved.finish}[/], {len(saved.tasks)} tasks"
    )


@app.command()
@handle_errors
def diff(
    old: Annotated[Path, typer.Argument(help="The earlier plan.json (or baseline).")],
    new: Annotated[Path, typer.Argument(help="The later plan.json.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the differences as JSON.")] = False,
) -> None:
    """Say what moved between two plans and why: scope, durations, dates, the finish."""
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
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


# ---------------------------------------------------------------- ask, init, questionnaire

_SKIP = "__skip__"
"""The 'leave it for later' choice of a terminal prompt (never an option value)."""


def _interactive() -> bool:
    """Prompt with arrow keys only when both ends are a terminal; otherwise read plain lines."""
    import sys

    return sys.stdin.isatty() and sys.stdout.isatty()


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
    """
    from roadmap import ask as engine
    from roadmap.answers_io import check_writable, save_answer
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
    ask_one = _ask_tty if interactive else _ask_line
    restore_hangup = _hangup_interrupts()
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
                save_answer(file, qid, answer.value)
                data = engine.with_answer(data, qid, answer.value)
    except EOFError:
        if interactive:  # Ctrl-D, or the terminal was closed
            _stop_asking(t(lang.value, "ask_interrupted", file=file))
        left = len(engine.to_ask(lib, data, chosen, all_questions=False, asked=set()))
        typer.echo(t(lang.value, "ask_eof", n=left), err=True)
    except KeyboardInterrupt:
        _stop_asking(t(lang.value, "ask_interrupted", file=file))
    except OSError as exc:
        if not interactive or exc.errno != errno.EIO:
            raise
        _stop_asking(t(lang.value, "ask_interrupted", file=file))  # the terminal was closed
    finally:
        restore_hangup()
    after = build_plan(load_company(file, lib), lib, lang=lang.value)
    typer.echo("")
    for line in engine.summary_lines(engine.compare_plans(before, after), lang.value):
        typer.echo(line)


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


def _stop_asking(message: str) -> NoReturn:
    """Ctrl-C, Ctrl-D or a closed terminal: say where the answers are (when anyone can see it); exit 130."""
    import os

    try:
        typer.echo("\n" + message, err=True)
    except OSError:  # the terminal is gone: send what is left to /dev/null so that exiting cannot fail
        devnull = os.open(os.devnull, os.O_WRONLY)
        for fd in (1, 2):
            os.dup2(devnull, fd)
    raise typer.Exit(130)


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
    for key, label, effects in engine.option_rows(q, lang):
        typer.echo(f"  {key}. {label}" + (f" — {effects}" if effects else ""))
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
    for _, label, effects in engine.option_rows(q, lang):
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
                description=engine.describe_effects(o, lang),
            )
            for o in q.options
        ]
        if q.kind == "multiple":
            picked = questionary.checkbox(message, choices=choices).unsafe_ask()
            return engine.Parsed(value=[v for v in values if v in picked])
        if current is None:
            choices += [Separator(), Choice(title=t(lang, "ask_skip_choice"), value=_SKIP)]
        default = current if isinstance(current, str) and current in values else None
        value = questionary.select(message, choices=choices, default=default).unsafe_ask()
        return engine.Parsed(skip=True) if value == _SKIP else engine.Parsed(value=value)
    if q.kind == "yes_no":
        default_yes = current if isinstance(current, bool) else True
        return engine.Parsed(value=bool(questionary.confirm(message, default=default_yes).unsafe_ask()))

    def validate(text: str) -> bool | str:
        problem = engine.parse_answer(q, text, current, lang).problem
        return True if problem is None else problem

    typed = questionary.text(
        message,
        default=engine.typed_form(q, current),
        validate=validate,
        instruction=f"({engine.input_hint(q, current, lang)})",
    ).unsafe_ask()
    return engine.parse_answer(q, typed, current, lang)


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
    typer.echo(f"wrote {file} — next: roadmap ask {file}")


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
    """
    from roadmap.ask import select_stages
    from roadmap.company import load_company
    from roadmap.questionnaire import build_form, form_path, render_form, write_form

    lib = _load_library(library)
    company = load_company(file, lib)
    form = build_form(lib, company.data, select_stages(lib, stage), lang.value)
    path = write_form(render_form(form, fmt.value, templates), form_path(out, fmt.value), force=force)
    typer.echo(f"wrote {path}")


def main() -> None:
    """Console-script entry point."""
    app(prog_name="roadmap")


if __name__ == "__main__":  # pragma: no cover
    main()
