"""The ``roadmap`` command line: parse, make one library call, show, map errors to exit codes.

Heavy modules (pydantic models, networkx, plotly, jinja2) are imported inside the commands so
that ``roadmap --help`` stays fast.
"""

from __future__ import annotations

import datetime as dt
import enum
import functools
import json
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer

if TYPE_CHECKING:
    from rich.console import Console

    from roadmap.models import Library
    from roadmap.plan import Plan

app = typer.Typer(
    name="roadmap",
    help="Plan the rollout of a corporate intranet portal: five stages, a dated plan, a Gantt report and a checklist.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
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


def _console(stderr: bool = False) -> Console:
    from rich.console import Console

    return Console(stderr=stderr, highlight=False, soft_wrap=True)


def handle_errors(func: F) -> F:
    """Domain errors → one message and exit 2; Ctrl-C → 130; a real bug keeps its traceback."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from roadmap.errors import RoadmapError

        try:
            return func(*args, **kwargs)
        except RoadmapError as exc:
            err = _console(stderr=True)
            for line in str(exc).splitlines() or ["error"]:
                err.print(f"[bold red]error:[/] {_escape(line)}")
            raise typer.Exit(exc.exit_code) from None
        except KeyboardInterrupt:
            _console(stderr=True).print("\ninterrupted")
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
    from rich.tree import Tree

    tree = Tree(f"[bold]Stage library[/] ({_escape(lib.source)})")
    for stage in data["stages"]:
        node = tree.add(f"[bold cyan]{stage['order']}. {_escape(stage['title'])}[/] [dim]{stage['id']}[/]")
        steps = node.add("steps")
        for step in stage["steps"]:
            extra = " [dim](optional)[/]" if step["optional"] else ""
            cond = f" [dim]when {_escape(step['when'])}[/]" if step["when"] else ""
            steps.add(
                f"{step['id']}  {_escape(step['title'])} — {step['duration_days']} d, "
                f"{', '.join(step['roles']) or 'no role'}{extra}{cond}"
            )
        questions = node.add("questions")
        for q in stage["questions"]:
            questions.add(f"{q['id']} [dim]({q['kind']})[/]  {_escape(q['text'])}")
    _console().print(tree)


@app.command()
@handle_errors
def show(
    block_id: Annotated[str, typer.Argument(metavar="ID", help="A stage, step, question or role id.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print it as JSON.")] = False,
    lang: LangOpt = Lang.en,
    library: LibraryOpt = None,
) -> None:
    """Show one stage, step, question or role in full."""
    from roadmap.describe import find_item

    lib = _load_library(library)
    kind, data = find_item(lib, block_id, lang.value)
    if as_json:
        typer.echo(json.dumps({"kind": kind, **data}, ensure_ascii=False, indent=2))
        return
    from rich.panel import Panel
    from rich.pretty import Pretty

    _console().print(Panel(Pretty(data, expand_all=True), title=f"{kind} {block_id}"))


@app.command()
@handle_errors
def validate(
    files: Annotated[list[Path], typer.Argument(help="Company files to check.")],
    library: LibraryOpt = None,
) -> None:
    """Check company files against the stage library; problems as FILE:LINE:COL: message."""
    from roadmap.company import load_company
    from roadmap.errors import InputError

    lib = _load_library(library)
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
def schema() -> None:
    """Print the JSON Schema of the company file."""
    from roadmap.describe import company_schema

    typer.echo(json.dumps(company_schema(), ensure_ascii=False, indent=2))


@app.command()
@handle_errors
def plan(
    file: Annotated[Path, typer.Argument(help="The company file (YAML).")],
    out: Annotated[Path, typer.Option("--out", help="Folder for the reports.")] = Path("roadmap-out"),
    formats: Annotated[
        str | None, typer.Option("--format", help="Comma-separated formats to write (default: all reports).")
    ] = None,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Status date YYYY-MM-DD: remaining work starts no earlier.")
    ] = None,
    lang: LangOpt = Lang.en,
    library: LibraryOpt = None,
) -> None:
    """Plan a company: resolve the blocks, date them on its calendar, write the reports."""
    from roadmap.plan import plan_file
    from roadmap.render import DEFAULT_FORMATS, RenderContext, parse_formats, write_reports

    fmts = parse_formats(formats) if formats else list(DEFAULT_FORMATS)
    status_date = _parse_date(as_of, "--as-of")
    result, company, lib = plan_file(file, library_dir=library, as_of=status_date, lang=lang.value)
    ctx = RenderContext(plan=result, company=company, library=lib, lang=lang.value)
    written = write_reports(ctx, fmts, out)
    _print_plan(result)
    con = _console()
    for path in written:
        con.print(f"wrote {_escape(str(path))}")


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

    con = _console()
    company = result.company
    con.print(
        f"[bold]{_escape(company['name'])}[/] — {company['employees']} employees, "
        f"{result.start} → [bold]{result.finish}[/] ({result.working_days} working days)"
    )
    for warning in result.warnings:
        con.print(f"[yellow]warning:[/] {_escape(warning)}")
    table = Table(title="Stages", title_justify="left")
    for column in ("stage", "start", "finish", "working days"):
        table.add_column(column)
    for stage in result.stages:
        table.add_row(
            f"{stage.order}. {_escape(stage.title)}", str(stage.start), str(stage.finish), str(stage.working_days)
        )
    con.print(table)
    critical = [t for t in result.tasks if t.critical and not t.milestone]
    if critical:
        con.print("[bold]Critical steps[/] (no slack):")
        for task in critical:
            con.print(f"  [red]●[/] {task.id} {_escape(task.title)} {task.start} → {task.finish}")
    if result.dropped:
        con.print("[bold]Dropped blocks[/]:")
        for drop in result.dropped:
            con.print(f"  - {drop.id}: {_escape(drop.reason)}")
    if result.risks:
        con.print("[bold]Risks[/]:")
        for risk in result.risks:
            con.print(f"  [yellow]![/] {_escape(risk.text)} [dim]({_escape(risk.because)})[/]")
    con.print(f"[bold]Finish: {result.finish}[/]")


def main() -> None:
    """Console-script entry point."""
    app(prog_name="roadmap")


if __name__ == "__main__":  # pragma: no cover
    main()
