"""The ``roadmap`` command line: parse, make one roadmap.app call, show, map errors to exit codes.

Heavy modules (pydantic models, networkx, plotly, jinja2) are imported inside the commands so
that ``roadmap --help`` stays fast; ``roadmap --help`` itself prints :data:`HELP` before typer
is even imported (see :func:`_help_without_typer`).
"""

from __future__ import annotations

import sys

HELP = """Usage: roadmap [OPTIONS] COMMAND [ARGS]...

  Plan the rollout of a corporate intranet portal: five stages, a dated plan,
  a Gantt report and a checklist.

  Example: roadmap init company.yaml && roadmap ask company.yaml && roadmap
  plan company.yaml

Options:
  --version             Print the version and exit.
  --debug               Show the traceback of an internal error (to report a
                        bug).
  --install-completion  Install completion for the current shell.
  --show-completion     Show completion for the current shell, to copy it or
                        customize the installation.
  --help                Show this message and exit.

Commands:
  stages         Show the stage library: stages, their steps and questions.
  show           Show one stage, step, question, milestone or role in full.
  validate       Check company files against the stage library; problems...
  schema         Print the JSON Schema of the company file, with the...
  plan           Plan a company: resolve the blocks, date them on its...
  checklist      Print the project manager's checklist: per stage, open...
  explain        Say why a step is when it is: predecessors, waits for...
  diff           Say what moved between two plans and why: scope,...
  ask            Answer the stage questionnaires; each answer is saved...
  init           Write a starter company file: schema line, every section...
  questionnaire  Write a printable questionnaire for a team that answers...
  baseline       Save the current plan as the baseline that later plans...
"""
"""What typer prints for ``roadmap --help`` on a terminal 80 columns wide or more, or a pipe
(tests/test_cli.py keeps it equal to typer's own output: rerun that test after changing a
command's first line or an option of the app)."""


def _silence_stdout() -> None:
    """stdout was closed by its reader (``| head``): point it at /dev/null so exiting stays quiet."""
    import contextlib
    import os

    try:
        fd = sys.stdout.fileno()
    except (OSError, ValueError, AttributeError):  # closed or replaced: the process's own stdout
        fd = 1
    with contextlib.suppress(OSError):
        os.dup2(os.open(os.devnull, os.O_WRONLY), fd)


def _help_without_typer() -> bool:
    """Issue 14: ``roadmap --help`` from the console script prints :data:`HELP` at once, without
    importing typer (most of the start-up: about 7× a bare interpreter with it, 2× without).
    Only when typer would print the very same text: the console script, exactly ``--help``, a
    width of 80 columns or more (typer's help is 78 wide from there)."""
    import os

    script = os.path.basename(sys.argv[0] if sys.argv else "")
    if script not in ("roadmap", "roadmap.exe", "roadmap-script.py") or sys.argv[1:] != ["--help"]:
        return False
    import shutil

    if sys.stdout is None or shutil.get_terminal_size().columns < 80:
        return False
    try:
        sys.stdout.write(HELP)
        sys.stdout.flush()
    except OSError:  # `roadmap --help | head`: a closed pipe ends it quietly, as typer's path does
        _silence_stdout()
    return True


if __name__ == "cli" and _help_without_typer():
    raise SystemExit(0)

try:  # Ctrl-C while the command line is still loading: exit 130 quietly, nothing to clean up
    import contextlib
    import datetime as dt
    import enum
    import errno
    import functools
    import json
    from collections.abc import Callable, Iterator
    from pathlib import Path
    from typing import TYPE_CHECKING, Annotated, Any, TypeVar

    import typer
except KeyboardInterrupt:
    raise SystemExit(130) from None

if TYPE_CHECKING:
    from rich.console import Console

    from roadmap.app import AskEvent, Fact, Progress, Refused
    from roadmap.app.views import Node
    from roadmap.ask import Parsed, Pending
    from roadmap.summary_parts import Section

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
        _say_err(_printable(_error_text(exc)) or "error")
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


_FLAGS = {
    "formats": "--format",
    "fmt": "--format",
    "iterations": "--simulate",
    "ics_split": "--ics-per-site",
    "hierarchy_levels": "--levels",
}
"""The library's parameter names (in its errors) → this command line's flags, where the flag is not
``--`` and the name with dashes (``as_of`` → ``--as-of``)."""


def _error_text(exc: Exception) -> str:
    """A library error as this command line words it: flags for parameters, how to overwrite."""
    from roadmap.errors import FileExists, InputError

    if isinstance(exc, InputError):
        return "\n".join(
            f"{_FLAGS.get(d.file, '--' + d.file.replace('_', '-'))}: {d.message}" if d.param else str(d)
            for d in exc.diagnostics
        )
    if isinstance(exc, FileExists):
        return f"{exc} (use --force to overwrite it)"
    return str(exc)


def _printable(text: str) -> str:
    """Control characters (an argument echoed in a message) shown as ``\\x1b``, never sent to the terminal."""
    import re

    return re.sub("[\x00-\x08\x0b-\x1f\x7f-\x9f]", lambda m: repr(m.group())[1:-1], text)


def _say_err(text: str) -> None:
    """One message on stderr that cannot fail: not on an ASCII-only terminal, not on a closed stream."""

    stream = sys.stderr
    if stream is None:
        return
    try:
        encoding = getattr(stream, "encoding", None) or "utf-8"
        stream.write(text.encode(encoding, "replace").decode(encoding, "replace") + "\n")
        stream.flush()
    except (OSError, ValueError):
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

    if sys.stdout is None:  # started with >&-: whatever it printed would be lost
        _say_err("error: standard output is closed")
        raise typer.Exit(1)


def _prepare_process() -> None:
    """Streams that never raise on an ASCII-only terminal; SIGTERM ends like Ctrl-C (exit 143)."""
    import signal

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
    from roadmap.app import describe_library

    view = describe_library(lang=lang.value, library_dir=library)
    if as_json:
        typer.echo(json.dumps(view.data, ensure_ascii=False, indent=2))
        return
    from roadmap.app.views import library_tree

    _print_tree(library_tree(view, lang.value))


def _print_tree(root: Node) -> None:
    """A tree of lines (roadmap/app/views.py) with rich: styles by name, notes dimmed, long lines folded."""
    from rich.text import Text
    from rich.tree import Tree

    def line(node: Node) -> Text:
        text = Text(node.text, style=_STYLES.get(node.style, ""), overflow="fold")
        if node.note:
            text.append(f" {node.note}", style="dim")
        return text

    def grow(branch: Tree, node: Node) -> None:
        for child in node.children:
            grow(branch.add(line(child)), child)

    tree = Tree(line(root))
    grow(tree, root)
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
    from roadmap.app import show_item

    item = show_item(block_id, lang=lang.value, library_dir=library)
    kind, data = item.kind, item.data
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
    from roadmap.app import validate as check
    from roadmap.errors import InputError

    found = check(files or (), library_dir=library)
    if not files:
        typer.echo(f"{found.source}: ok — {found.stages} stages, {found.steps} steps, {found.questions} questions")
        return
    for ok in found.passed:
        typer.echo(
            f"{ok.path}: ok — {ok.name}, {ok.employees} employees, {ok.answers} answers, {ok.exclusions} exclusions"
        )
    if found.problems:
        raise InputError(list(found.problems))


@app.command()
@handle_errors
def schema(
    lang: LangOpt = Lang.en,
    library: LibraryOpt = None,
) -> None:
    """Print the JSON Schema of the company file, with the library's question, step and role ids.

    Example: roadmap schema > company.schema.json
    """
    from roadmap.app import company_file_schema

    typer.echo(json.dumps(company_file_schema(lang=lang.value, library_dir=library), ensure_ascii=False, indent=2))


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
    ics_per_site: Annotated[
        bool,
        typer.Option("--ics-per-site", help="plan.ics: also write one calendar per site, plan-SITE.ics (with sites)."),
    ] = False,
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
    from roadmap.app import plan_company
    from roadmap.render import parse_formats

    fmts = parse_formats(formats) if formats else None
    status_date = _parse_date(as_of, "as_of")
    with _progress_bar() as report:
        run = plan_company(
            file,
            out_dir=out,
            formats=fmts,
            as_of=status_date,
            lang=lang.value,
            library_dir=library,
            baseline=baseline,
            ics_level=ics_level.value,
            ics_per_site=ics_per_site,
            templates_dir=templates,
            details=details,
            iterations=simulate,
            seed=seed,
            method=method,
            strict=strict,
            progress=report,
            one_shot=True,  # issue 14: this process exits right after
        )
    _print_sections(run.sections)
    if not details:
        from rich.text import Text

        from roadmap.i18n import t

        _console().print(Text(t(lang.value, "cli_hint_details"), style="dim"))


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

    from roadmap.app import make_checklist

    status_date = _parse_date(as_of, "as_of")
    made = make_checklist(file, as_of=status_date, lang=lang.value, library_dir=library, templates_dir=templates)
    _console().print(Markdown(made.markdown))


def _parse_date(value: str | None, param: str) -> dt.date | None:
    """The date given for the library's parameter ``param``; the library checks its range."""
    if value is None:
        return None
    from roadmap.errors import InputError

    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise InputError.of_param(param, f"'{value}' is not a date (YYYY-MM-DD)") from None


_STYLES = {
    "bold": "bold",
    "stage": "bold cyan",
    "dim": "dim",
    "warn": "yellow",
    "crit": "red",
    "late": "red",
    "early": "green",
}


def _print_sections(sections: tuple[Section, ...]) -> None:
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
    from roadmap.app import explain_task

    status_date = _parse_date(as_of, "as_of")
    _print_sections(explain_task(step, file, as_of=status_date, lang=lang.value, library_dir=library).sections)


@contextlib.contextmanager
def _progress_bar() -> Iterator[Progress]:
    """A forecast's progress: a bar on a terminal (stderr) once it takes over a second (issue 16)."""
    import time

    con = _console(stderr=True)
    began = time.monotonic()
    bar: list[Any] = []  # the rich Progress and its task, once shown

    def report(done: int, total: int) -> None:
        if not bar and con.is_terminal and time.monotonic() - began > 1.0:
            from rich.progress import Progress

            progress = Progress(console=con, transient=True)
            progress.start()
            bar.extend([progress, progress.add_task("simulating", total=total)])
        if bar:
            bar[0].update(bar[1], completed=done)
            if done >= total:
                bar[0].stop()

    try:
        yield report
    finally:
        if bar:
            bar[0].stop()


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
    from roadmap.app import save_baseline

    status_date = _parse_date(as_of, "as_of")
    saved = save_baseline(file, baseline=baseline, as_of=status_date, force=force, lang=lang.value, library_dir=library)
    from roadmap.i18n import t

    message = t(lang.value, "baseline_saved", path=saved.path, start=saved.start, finish=saved.finish, n=saved.tasks)
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
    from roadmap.app import diff_files

    result = diff_files(old, new)
    if as_json:
        typer.echo(json.dumps(result.diff.to_dict(), ensure_ascii=False, indent=2))
        return
    _print_sections(result.sections)


# ---------------------------------------------------------------- ask, init, questionnaire

_SKIP = "__skip__"
"""The 'leave it for later' choice of a terminal prompt (never an option value)."""


def _interactive() -> bool:
    """Prompt with arrow keys only when both ends are a terminal; otherwise read plain lines."""

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
    from roadmap.app import AskStopped, ask_questions
    from roadmap.i18n import t

    asker = _TerminalAsker(lang.value) if _interactive() else _LineAsker(lang.value)
    try:
        done = ask_questions(
            file, asker, stage=stage, all_questions=all_questions, lang=lang.value, library_dir=library
        )
    except AskStopped as exc:
        raise typer.Exit(143 if exc.terminated else 130) from None
    if done.summary is None:
        typer.echo(t(lang.value, "ask_nothing"))
        return
    typer.echo("")
    for line in done.lines:
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


def _need_stdin() -> None:
    """A closed standard input (``<&-``) is an environment problem: nothing can be asked."""

    if sys.stdin is None:
        from roadmap.errors import EnvironmentProblem

        raise EnvironmentProblem("standard input is closed: nothing can be asked (pipe the answers in)")


class _Asker:
    """What both askers say as the session goes (roadmap.app.ask_questions runs the loop)."""

    def __init__(self, lang: str) -> None:
        self.lang = lang
        self._restore_hangup: Callable[[], None] = lambda: None

    def tell(self, event: AskEvent | Refused) -> None:
        from roadmap import app as session
        from roadmap.i18n import t

        lang = self.lang
        if isinstance(event, session.AskStarted):
            typer.echo(t(lang, "ask_start", n=event.count, file=event.file))
            _need_stdin()
            self._restore_hangup = _hangup_interrupts()
        elif isinstance(event, session.Refused):
            typer.echo(f"  ! {event.problem}")
        elif isinstance(event, session.Skipped):
            typer.echo(f"  {t(lang, 'ask_skipped')}")
        elif isinstance(event, session.SaveDeferred):
            typer.echo(f"  ! {t(lang, 'ask_lock_busy', file=event.file)}", err=True)
        elif isinstance(event, session.InputEnded):
            typer.echo(t(lang, "ask_eof", n=event.left), err=True)
        elif isinstance(event, session.Interrupted):
            _say_stopped(t(lang, "ask_interrupted", file=event.file))
        elif isinstance(event, session.SessionClosed):
            self._restore_hangup()


def _say_stopped(message: str) -> None:
    """Ctrl-C, SIGTERM or a closed terminal: say where the answers are (when anyone can see it)."""
    import os

    try:
        typer.echo("\n" + message, err=True)
    except OSError:  # the terminal is gone: send what is left to /dev/null so that exiting cannot fail
        devnull = os.open(os.devnull, os.O_WRONLY)
        for fd in (1, 2):
            os.dup2(devnull, fd)


class _LineAsker(_Asker):
    """Numbered plain-text prompt for piped input: one line per reply; EOFError at the end of input."""

    def ask(self, pending: Pending, again: bool) -> str | Parsed:

        from roadmap import ask as engine
        from roadmap.i18n import t

        lang, q = self.lang, pending.question
        if not again:
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
        typer.echo(t(lang, "ask_prompt", hint=engine.input_hint(q, pending.current, lang)), nl=False)
        stream = getattr(sys.stdin, "buffer", None)  # bytes: a line that is not UTF-8 is asked again
        raw: bytes | str = stream.readline() if stream is not None else sys.stdin.readline()
        if not raw:
            typer.echo("")
            raise EOFError
        if not sys.stdin.isatty():
            shown = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else raw
            typer.echo(shown.rstrip("\r\n"))
        try:
            return raw.decode("utf-8") if isinstance(raw, bytes) else raw
        except UnicodeDecodeError:
            return engine.Parsed(problem=t(lang, "ask_not_utf8"))


class _TerminalAsker(_Asker):
    """Arrow-key prompts (questionary); a closed terminal (EIO) stops the session like Ctrl-C."""

    def ask(self, pending: Pending, again: bool) -> str | Parsed:
        with _terminal_gone_interrupts():
            return _ask_tty(pending, self.lang)

    def tell(self, event: AskEvent | Refused) -> None:
        with _terminal_gone_interrupts():
            super().tell(event)

    def ask_fact(self, fact: Fact) -> str:
        """One company fact for ``init``: a pick from its choices, or typed text checked as typed."""
        import questionary

        if fact.choices:
            return str(questionary.select(fact.prompt, choices=list(fact.choices), default=fact.default).unsafe_ask())
        check = fact.check
        text = questionary.text(fact.prompt, default=fact.default or "", validate=lambda s: check(s) or True)
        return str(text.unsafe_ask())


@contextlib.contextmanager
def _terminal_gone_interrupts() -> Iterator[None]:
    """A closed terminal (EIO while reading or writing) stops ``ask`` like Ctrl-C."""
    try:
        yield
    except OSError as exc:
        if exc.errno != errno.EIO:
            raise
        raise KeyboardInterrupt from None


def _ask_tty(pending: Pending, lang: str) -> str | Parsed:
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

    typed: str = _eof_on_ctrl_d(
        questionary.text(
            message,
            default=engine.typed_form(q, current),
            validate=validate,
            instruction=f"({engine.input_hint(q, current, lang)})",
        )
    ).unsafe_ask()
    return typed


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
    from roadmap.app import FactsMissing, init_company
    from roadmap.errors import Diagnostic, InputError
    from roadmap.i18n import t

    start_date = _parse_date(start, "start")
    try:
        written = init_company(
            file,
            name=name,
            employees=employees,
            industry=industry.value if industry else None,
            country=country,
            branches=branches,
            levels=levels,
            start=start_date,
            force=force,
            lang=lang.value,
            library_dir=library,
            asker=_TerminalAsker(lang.value) if _interactive() else None,
        )
    except FactsMissing as exc:  # the parameters' flags, as for every library error (_error_text)
        raise InputError(
            [Diagnostic(key, 0, 0, "required when not on a terminal", param=True) for key in exc.fields]
        ) from None
    typer.echo(t(lang.value, "init_wrote", path=written.path))


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
    from roadmap.app import write_questionnaire
    from roadmap.i18n import t

    written = write_questionnaire(
        file,
        fmt=fmt.value,
        stage=stage,
        out=out,
        force=force,
        lang=lang.value,
        templates_dir=templates,
        library_dir=library,
    )
    typer.echo(t(lang.value, "form_wrote", path=written.path))


def main() -> None:
    """Console-script entry point: Ctrl-C while starting up exits 130, a closed stdout quietly."""
    try:
        app(prog_name="roadmap")
    except KeyboardInterrupt:
        raise SystemExit(130) from None
    finally:
        try:
            if sys.stdout is not None:
                sys.stdout.flush()
        except (OSError, ValueError):
            _silence_stdout()


if __name__ == "__main__":  # pragma: no cover
    main()
