"""plan.xlsx: the quote a client opens in Excel or LibreOffice (openpyxl, imported when it runs).

Four sheets:

* **Plan** — a row per task under a row per stage (an outline: each stage's tasks fold under
  it), real Excel dates, the header frozen, and a bar per task drawn with cell fills, one
  column per week (per month on long plans; none past :data:`BAR_CELLS`).
* **Effort** — person-days, role × stage and role × month, with totals as ``SUM`` formulas.
* **Cost** — the cost lines (each stage, month and role of people's time, and each payment
  of the company file's ``costs``), then the totals by stage and by month as ``SUMIF``
  formulas over those lines and the grand total: the spreadsheet recomputes plan.json's
  ``cost`` to the cent (``ROUND(…, 2)``). Without rates or costs the sheet says so.
* **Assumptions** — the answers given, the defaults assumed for questions left unanswered,
  the blocks dropped and why, the risks, the team and the rates.

A plan with sites (issue 17) also has a ``Site`` column on the Plan sheet (after ``Status``)
and a **Sites** sheet after it: each site's wave, employees, country, start, go-live and finish.

Text is data, never a formula: every text cell goes through :func:`_text`, which neutralises
it as plan.csv does (a leading ``'`` before ``=``, ``+``, ``-``, ``@``...). French with
``--lang fr``: labels, date format ``dd/mm/yyyy`` and the currency after the amount. The bytes
are deterministic: fixed document dates and fixed timestamps inside the zip.

openpyxl writes the workbook, but the Plan sheet's rows below its header (nearly every cell of
a big plan) are written as text by :class:`SheetRows`, in exactly openpyxl's XML (issue 14).
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from roadmap.effort import TaskDays, month_key
from roadmap.i18n import t
from roadmap.plan import Plan, Task
from roadmap.render import RenderContext
from roadmap.render.cells import neutralise
from roadmap.render.facts import answer_rows
from roadmap.render.sites import blackout_spans, word

if TYPE_CHECKING:
    from openpyxl.cell import Cell
    from openpyxl.workbook import Workbook
    from openpyxl.worksheet.worksheet import Worksheet

BAR_CELLS = 400_000
"""Most bar cells (tasks × periods) drawn on the Plan sheet; bigger plans get no bars."""
WEEKS_MAX = 160
"""Past this many weeks the bars are drawn per month."""
FIXED_TIME = dt.datetime(2000, 1, 1)
"""Document created/modified date: fixed, so the same plan gives the same bytes."""
ZIP_TIME = (1980, 1, 1, 0, 0, 0)
_DIMENSION = re.compile(rb'<dimension ref="[^"]*" />')
_MODIFIED = re.compile(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)")

SYMBOLS = {"EUR": "€", "USD": "$", "GBP": "£", "CHF": "CHF", "JPY": "¥", "RUB": "₽"}
HEADER_FILL = "DDE4EE"
STAGE_FILL = "EEF1F5"


def label(lang: str, key: str, **values: Any) -> str:
    """A word of the workbook in ``lang``."""
    return t(lang, "xlsx_" + key, **values)


def _text(value: str) -> str:
    """Every text cell's value: data, never a formula (the one call of :func:`neutralise`)."""
    return neutralise(value)


def money_format(currency: str, lang: str) -> str:
    """The number format of an amount: ``€1,234.50`` in English, ``1 234,50 €`` in French.

    Excel and LibreOffice show the thousands and decimal separators of the reader's locale;
    the format sets where the currency goes.
    """
    symbol = SYMBOLS.get(currency, currency).replace('"', "")
    if lang == "fr":
        return f'#,##0.00\\ "{symbol}"'
    return f'"{symbol}"#,##0.00' if len(symbol) == 1 else f'"{symbol} "#,##0.00'


def date_format(lang: str) -> str:
    """``dd/mm/yyyy`` in French, ``yyyy-mm-dd`` otherwise."""
    return "dd/mm/yyyy" if lang == "fr" else "yyyy-mm-dd"


PRINT_FIT_COLUMNS = 12
"""A sheet of at most this many columns prints one page wide."""


def render(ctx: RenderContext) -> bytes:
    """plan.xlsx."""
    from openpyxl import Workbook

    lang = ctx.lang
    wb = Workbook()
    plan_sheet = wb.active
    assert plan_sheet is not None
    plan_sheet.title = label(lang, "plan")
    titles = dict(ctx.plan.role_titles)
    rows = _plan_sheet(plan_sheet, ctx.plan, titles, lang)
    if ctx.plan.sites:
        _sites_sheet(wb.create_sheet(word(lang, "sites")), ctx.plan, lang)
    _effort_sheet(wb.create_sheet(label(lang, "effort")), ctx.plan, titles, lang)
    _cost_sheet(wb.create_sheet(label(lang, "cost")), ctx, titles)
    _assumptions_sheet(wb.create_sheet(label(lang, "assumptions")), ctx, titles)
    _printable(wb)
    return _deterministic(wb, ctx.plan, rows)


def _printable(wb: Workbook) -> None:
    """Every sheet prints landscape with what stays on screen kept on each page (the frozen
    header row, and the Plan sheet's step columns beside its week-by-week bars); a sheet of a
    few columns fits one page wide, a wider one runs on across pages rather than shrink."""
    from openpyxl.utils.cell import column_index_from_string, coordinate_from_string, get_column_letter
    from openpyxl.worksheet.properties import PageSetupProperties

    for ws in wb.worksheets:
        ws.page_setup.orientation = "landscape"
        if ws.freeze_panes:
            column, row = coordinate_from_string(ws.freeze_panes)
            if row > 1:
                ws.print_title_rows = f"1:{row - 1}"
            if column != "A":
                ws.print_title_cols = f"A:{get_column_letter(column_index_from_string(column) - 1)}"
        if ws.max_column <= PRINT_FIT_COLUMNS:
            ws.page_setup.fitToWidth = 1
            ws.page_setup.fitToHeight = 0
            ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)


# ---------------------------------------------------------------- helpers


def _header(ws: Worksheet, row: int, values: Sequence[str]) -> None:
    from openpyxl.styles import Font, PatternFill

    for col, value in enumerate(values, 1):
        cell = ws.cell(row=row, column=col, value=_text(value))
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor=HEADER_FILL)


def _title(ws: Worksheet, row: int, value: str) -> None:
    from openpyxl.styles import Font

    ws.cell(row=row, column=1, value=_text(value)).font = Font(bold=True, size=12)


def _widths(ws: Worksheet, widths: dict[str, float]) -> None:
    for column, width in widths.items():
        ws.column_dimensions[column].width = width


def _deterministic(wb: Workbook, plan: Plan, rows: SheetRows) -> bytes:
    """The workbook's bytes with fixed document dates and zip timestamps, and ``rows`` after the
    rows openpyxl wrote in their sheet."""
    wb.properties.created = FIXED_TIME
    wb.properties.modified = FIXED_TIME
    wb.properties.creator = "roadmap"
    wb.properties.lastModifiedBy = "roadmap"
    wb.properties.title = _text(plan.company.name)
    wb.calculation.fullCalcOnLoad = True  # no cached formula values: compute when opened
    raw = io.BytesIO()
    wb.save(raw)
    sheet = rows.sheet.path.lstrip("/")  # known once the workbook is saved
    out = io.BytesIO()
    with zipfile.ZipFile(raw) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=ZIP_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o600 << 16
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":  # openpyxl stamps the save time: put the fixed one back
                data = _MODIFIED.sub(rb"\g<1>2000-01-01T00:00:00Z\g<2>", data)
            elif info.filename == sheet:
                data = _splice(data, rows)
            dst.writestr(fixed, data)
    return out.getvalue()


# ---------------------------------------------------------------- rows as text

_EPOCH = dt.date(1899, 12, 30)
"""Day 0 of Excel's serial dates (dates after February 1900; :func:`openpyxl.utils.datetime.to_excel`)."""


class SheetRows:
    """A sheet's rows below its header, written as SpreadsheetML text (issue 14).

    openpyxl makes a Python object per cell and then an element per cell to write it: about a
    second for the 100,000 cells of a 10,000-step Plan sheet. The rows here are written in
    exactly the XML openpyxl writes for the same cells (the same attributes in the same order,
    inline strings, numbers as ``%.16g``, dates as serial days) and with the style ids openpyxl
    would give them, registered in the workbook in the order its writer would meet them: the
    header row's first, then each style the first time a row uses it. :func:`_deterministic`
    puts them in the saved sheet. ``tests/render/test_xlsx.py`` holds the bytes equal to
    openpyxl's own cells.

    A style is made by :meth:`style` with the calls a cell would have had (``make`` gets a
    detached cell of the workbook), so fonts, fills and number formats are registered as before.
    """

    def __init__(self, ws: Worksheet) -> None:
        from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE
        from openpyxl.utils import get_column_letter
        from openpyxl.utils.exceptions import IllegalCharacterError

        self.sheet = ws
        self._errors = frozenset(ERROR_CODES)
        self._letter = get_column_letter
        self._illegal = ILLEGAL_CHARACTERS_RE
        self._refused = IllegalCharacterError
        self._parts: list[str] = []
        self._letters: list[str] = [""]
        self.last_row = ws.max_row
        self.last_column = ws.max_column
        for cells in ws.iter_rows(min_row=1, max_row=ws.max_row):  # the header's styles come first
            for cell in cells:
                if cell.has_style:
                    cell.style_id  # noqa: B018 - registers the style, as writing the header would

    def style(self, make: Callable[[Cell], object]) -> Callable[[], int]:
        """A style's id, made and registered the first time it is asked for."""
        made: list[int] = []

        def style_id() -> int:
            if not made:
                from openpyxl.cell import Cell

                cell = Cell(self.sheet, row=1, column=1)  # never added to the sheet
                make(cell)
                made.append(cell.style_id)
            return made[0]

        return style_id

    def add(self, row: int, cells: Sequence[tuple[int, Any, int | None]], outline: int = 0) -> None:
        """Row ``row``: ``(column, value, style id or None)`` in column order; a cell with neither a
        value nor a style is left out, as openpyxl leaves it out; a row without cells is not written."""
        if not cells:
            return
        letters = self._letters
        while len(letters) <= cells[-1][0]:
            letters.append(self._letter(len(letters)))
        out = self._parts
        out.append(f'<row r="{row}" outlineLevel="{outline}">' if outline else f'<row r="{row}">')
        for column, value, style in cells:
            if value is None and style is None:
                continue
            ref = f"{letters[column]}{row}"
            s = "" if style is None else f' s="{style}"'
            if value is None:
                out.append(f'<c r="{ref}"{s} t="n" />')
            elif isinstance(value, str):
                out.append(self._text_cell(ref, s, value))
            else:
                if isinstance(value, dt.date):
                    value = (value - _EPOCH).days
                out.append(f'<c r="{ref}"{s} t="n"><v>{value:.16g}</v></c>')
        out.append("</row>")
        self.last_row = max(self.last_row, row)
        self.last_column = max(self.last_column, cells[-1][0])  # a cell left out still counts, as in openpyxl

    def text(self) -> str:
        """The rows' XML."""
        return "".join(self._parts)

    def _text_cell(self, ref: str, s: str, value: str) -> str:
        """A text cell as openpyxl writes it, with its ``Cell``'s rules: at most 32,767
        characters, no control characters, an Excel error code is an error cell, ``=…`` a formula."""
        value = value[:32767]
        if self._illegal.search(value):
            raise self._refused(f"{value} cannot be used in worksheets.")
        if value == "":
            return f'<c r="{ref}"{s} t="inlineStr" />'
        text = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        if len(value) > 1 and value[0] == "=":
            return f'<c r="{ref}"{s}><f>{text[1:]}</f><v /></c>'
        if value in self._errors:
            return f'<c r="{ref}"{s} t="e"><v>{text}</v></c>'
        stripped = value.strip()
        space = ' xml:space="preserve"' if stripped and stripped != value else ""
        return f'<c r="{ref}"{s} t="inlineStr"><is><t{space}>{text}</t></is></c>'


def _splice(sheet: bytes, rows: SheetRows) -> bytes:
    """A saved sheet with ``rows`` after its own and its dimension (the used range) grown to them."""
    from openpyxl.utils import get_column_letter

    head, end, tail = sheet.partition(b"</sheetData>")
    if not end:  # openpyxl writes <sheetData /> for a sheet without cells; ours always has a header
        raise ValueError("the sheet has no rows to add to")
    used = f'<dimension ref="A1:{get_column_letter(rows.last_column)}{rows.last_row}" />'.encode()
    head = _DIMENSION.sub(used, head, count=1)
    return head + rows.text().encode() + end + tail


# ---------------------------------------------------------------- Plan


def _periods(plan: Plan) -> tuple[str, list[tuple[dt.date, dt.date]]]:
    """The bar columns: ("weeks" | "months" | "none", [(first day, last day)])."""
    n_tasks = len(plan.tasks)
    first = plan.start - dt.timedelta(days=plan.start.weekday())
    weeks = []
    day = first
    while day <= plan.finish:
        weeks.append((day, day + dt.timedelta(days=6)))
        day += dt.timedelta(days=7)
    if len(weeks) <= WEEKS_MAX and n_tasks * len(weeks) <= BAR_CELLS:
        return "weeks", weeks
    months = []
    day = plan.start.replace(day=1)
    while day <= plan.finish:
        nxt = (day + dt.timedelta(days=32)).replace(day=1)
        months.append((day, nxt - dt.timedelta(days=1)))
        day = nxt
    if n_tasks * len(months) <= BAR_CELLS:
        return "months", months
    return "none", []


def _demand_text(task: Task, titles: dict[str, str]) -> str:
    return ", ".join(f"{titles.get(role, role)} {people:g}" for role, people in task.demands.items())


def _plan_sheet(ws: Worksheet, plan: Plan, titles: dict[str, str], lang: str) -> SheetRows:
    """The Plan sheet: openpyxl writes its header row; its rows below, most of the workbook's
    cells, are returned as :class:`SheetRows` for :func:`_deterministic` to put in place."""
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    from roadmap.render.gantt import stage_colours

    columns = ["stage", "id", "task", "start", "finish", "days", "roles", "person_days", "critical", "status"]
    heads = [label(lang, c) for c in columns] + ([word(lang, "site")] if plan.sites else [])
    _header(ws, 1, heads)
    mode, periods = _periods(plan)
    bar0 = len(heads) + 1
    for k, (first, _) in enumerate(periods):
        cell = ws.cell(row=1, column=bar0 + k, value=first)
        cell.number_format = "dd/mm" if mode == "weeks" and lang == "fr" else "mm-dd" if mode == "weeks" else "mm/yyyy"
        cell.font = Font(bold=True, size=8)
        ws.column_dimensions[get_column_letter(bar0 + k)].width = 5.5 if mode == "weeks" else 8
    note = {"weeks": "bars_weeks", "months": "bars_months", "none": "bars_none"}[mode]
    ws.cell(row=1, column=bar0 + max(len(periods), 0) + 1, value=_text(label(lang, note))).font = Font(italic=True)
    origin = periods[0][0] if periods else plan.start

    def where(day: dt.date) -> int:
        """The bar column (0-based) of a day."""
        if mode == "weeks":
            return (day - origin).days // 7
        return (day.year - origin.year) * 12 + day.month - origin.month

    colours = stage_colours(plan)
    dates = date_format(lang)
    days = TaskDays(plan)
    rows = SheetRows(ws)
    stage_fill = PatternFill("solid", fgColor=STAGE_FILL)
    # each style is made the first time a cell needs it, by the calls the cell would have had

    def stage_head(cell: Cell) -> None:
        cell.font = Font(bold=True)
        cell.fill = stage_fill

    def stage_band(cell: Cell) -> None:
        cell.fill = stage_fill

    def stage_date(cell: Cell) -> None:
        dated(cell)
        cell.fill = stage_fill

    def dated(cell: Cell) -> None:
        cell.value = plan.start
        cell.number_format = dates

    def bar(colour: str) -> Callable[[Cell], None]:
        def filled(cell: Cell) -> None:
            cell.fill = PatternFill("solid", fgColor=colour)

        return filled

    head_style, stage_style = rows.style(stage_head), rows.style(stage_band)
    stage_date_style, date_style = rows.style(stage_date), rows.style(dated)
    titles_by_stage = {s.id: s for s in plan.stages}
    yes = _text(label(lang, "yes"))
    row = 2
    width = len(heads)
    for stage_id, tasks in _by_stage(plan.tasks):
        stage = titles_by_stage.get(stage_id)
        head = f"{stage.order}. {stage.title}" if stage else stage_id
        effort = sum(sum(t.effort.values()) for t in tasks)
        cells: list[tuple[int, Any, int | None]] = [(1, _text(head), head_style())]
        cells.extend((col, None, stage_style()) for col in range(2, width + 1))
        if stage:
            cells[3] = (4, stage.start, stage_date_style())
            cells[4] = (5, stage.finish, stage_date_style())
            cells[5] = (6, stage.working_days, stage_style())
        cells[7] = (8, round(effort, 2), stage_style())
        rows.add(row, cells)
        row += 1
        bar_style = rows.style(bar(colours.get(stage_id, "#4a78b5").lstrip("#").upper()))
        for task in tasks:
            cells = [
                (1, _text(stage_id), None),
                (2, _text(task.id), None),
                (3, _text(task.title), None),
                (4, task.start, date_style()),
                (5, task.finish, date_style()),
                (6, task.duration_days, None),
                (7, _text(_demand_text(task, titles)), None),
                (8, round(sum(task.effort.values()), 2), None),
                (9, yes if task.critical else None, None),
                (10, _text(t(lang, f"report_state_{task.status}", percent=task.percent)), None),
            ]
            if plan.sites:
                cells.append((11, _text(task.site) if task.site else None, None))
            if periods:
                worked = days.of(task) if not task.milestone else [task.start]
                for k in sorted({where(d) for d in worked}):
                    cells.append((bar0 + k, "◆", None) if task.milestone else (bar0 + k, None, bar_style()))
            rows.add(row, cells, outline=1)
            row += 1
    if ws.sheet_properties.outlinePr is not None:
        ws.sheet_properties.outlinePr.summaryBelow = False
    ws.freeze_panes = "D2"
    _widths(ws, {"A": 12, "B": 24, "C": 42, "D": 11, "E": 11, "F": 9, "G": 30, "H": 10, "I": 8, "J": 11})
    if plan.sites:
        _widths(ws, {"K": 18})
    return rows


def _sites_sheet(ws: Worksheet, plan: Plan, lang: str) -> None:
    """A row per site (issue 17), in wave order: wave, site, employees, country, start, go-live,
    finish, blackout windows (text: ``2027-09-20 → 2027-10-08, …``; empty when none)."""
    heads = [
        word(lang, "wave_column"),
        word(lang, "site"),
        word(lang, "employees_column"),
        word(lang, "country"),
        label(lang, "start"),
        word(lang, "go_live"),
        label(lang, "finish"),
        word(lang, "blackout_column"),
    ]
    _header(ws, 1, heads)
    dates = date_format(lang)
    for row, site in enumerate(plan.sites, start=2):
        values: list[Any] = [
            site.wave,
            _text(site.name),
            site.employees,
            _text(site.country) if site.country else None,
            site.start,
            site.go_live,
            site.finish,
            _text(blackout_spans(site, lang)) if site.blackout else None,
        ]
        for col, value in enumerate(values, 1):
            cell = ws.cell(row=row, column=col, value=value)
            if isinstance(value, dt.date):
                cell.number_format = dates
    ws.freeze_panes = "C2"
    _widths(ws, {"A": 8, "B": 28, "C": 11, "D": 9, "E": 12, "F": 12, "G": 12, "H": 48})


def _by_stage(tasks: Iterable[Task]) -> list[tuple[str, list[Task]]]:
    out: dict[str, list[Task]] = {}
    for task in tasks:
        out.setdefault(task.stage, []).append(task)
    return list(out.items())


# ---------------------------------------------------------------- Effort


def _effort_sheet(ws: Worksheet, plan: Plan, titles: dict[str, str], lang: str) -> None:
    from openpyxl.utils import get_column_letter

    roles = list(plan.effort.by_role)
    row = 1
    for key, table, heads in (
        (
            "by_stage",
            plan.effort.by_stage,
            [f"{s.order}. {s.title}" for s in plan.stages if s.id in plan.effort.by_stage],
        ),
        ("by_month", plan.effort.by_month, list(plan.effort.by_month)),
    ):
        _title(ws, row, label(lang, key))
        row += 1
        _header(ws, row, [label(lang, "role"), *heads, label(lang, "total")])
        first = row + 1
        columns = list(table)
        for role in roles:
            row += 1
            ws.cell(row=row, column=1, value=_text(titles.get(role, role)))
            for k, column in enumerate(columns, 2):
                ws.cell(row=row, column=k, value=table[column].get(role, 0))
            last = get_column_letter(len(columns) + 1)
            ws.cell(row=row, column=len(columns) + 2, value=f"=ROUND(SUM(B{row}:{last}{row}),2)")
        row += 1
        ws.cell(row=row, column=1, value=_text(label(lang, "total")))
        for k in range(2, len(columns) + 3):
            letter = get_column_letter(k)
            ws.cell(row=row, column=k, value=f"=ROUND(SUM({letter}{first}:{letter}{row - 1}),2)")
        row += 2
    ws.freeze_panes = "B1"
    _widths(ws, {"A": 34})


# ---------------------------------------------------------------- Cost


def cost_lines(ctx: RenderContext, titles: dict[str, str]) -> list[tuple[str, str, str, str, dt.date | None, Decimal]]:
    """(stage, month, kind, item, date, amount): people's time per stage, month and role, then each payment.

    The amounts of people's time are sums of the per-cell roundings plan.json's cost makes
    (:func:`roadmap.cost.labour_cells`), so the lines add up to its totals exactly.
    """
    from roadmap.cost import labour_cells

    plan, lang = ctx.plan, ctx.lang
    if plan.cost is None:
        return []
    cells: dict[tuple[str, str, str], Decimal] = {}
    for task, role, month, amount in labour_cells(plan, plan.rates):
        if amount is not None:
            key = (task.stage, month, role)
            cells[key] = cells.get(key, Decimal(0)) + amount
    rank = {s.id: i for i, s in enumerate(plan.stages)}
    out: list[tuple[str, str, str, str, dt.date | None, Decimal]] = [
        (stage, month, label(lang, "labour"), titles.get(role, role), None, amount)
        for (stage, month, role), amount in sorted(cells.items(), key=lambda kv: (rank.get(kv[0][0], 0), kv[0]))
    ]
    for item in plan.cost.items:
        kind = label(lang, "recurring" if item.every else "fixed")
        out.extend((item.stage, month_key(day), kind, item.name, day, Decimal(item.amount)) for day in item.dates)
    return out


def _cost_sheet(ws: Worksheet, ctx: RenderContext, titles: dict[str, str]) -> None:
    plan, lang = ctx.plan, ctx.lang
    cost = plan.cost
    if cost is None:
        ws.cell(row=1, column=1, value=_text(label(lang, "no_cost")))
        return
    money = money_format(cost.currency, lang)
    lines = cost_lines(ctx, titles)
    stage_name = {s.id: f"{s.order}. {s.title}" for s in plan.stages}
    # totals first (formulas over the lines below), lines after
    row = 1
    _title(ws, row, label(lang, "grand_total"))
    total_cell = ws.cell(row=row, column=2)
    total_cell.number_format = money
    row += 2
    first_line = row + len(cost.by_stage) + len(cost.by_month) + 10
    last_line = first_line + max(len(lines), 1) - 1
    month_col, amount_col = "B", "F"

    def sumif(column: str, key: str) -> str:
        rng = f"${column}${first_line}:${column}${last_line}"
        amounts = f"${amount_col}${first_line}:${amount_col}${last_line}"
        return f'=ROUND(SUMIF({rng},"{key}",{amounts}),2)'

    _title(ws, row, label(lang, "cost_by_stage"))
    row += 1
    _header(ws, row, [label(lang, "stage"), label(lang, "id"), label(lang, "amount")])
    stage_rows = []
    for sid in cost.by_stage:
        row += 1
        ws.cell(row=row, column=1, value=_text(stage_name.get(sid, sid)))
        ws.cell(row=row, column=2, value=_text(sid))
        cell = ws.cell(row=row, column=3, value=sumif("G", sid))
        cell.number_format = money
        stage_rows.append(row)
    row += 2
    _title(ws, row, label(lang, "cost_by_month"))
    row += 1
    _header(ws, row, [label(lang, "month"), "", label(lang, "amount")])
    for month in cost.by_month:
        row += 1
        ws.cell(row=row, column=1, value=_text(month))
        cell = ws.cell(row=row, column=3, value=sumif(month_col, month))
        cell.number_format = money
    amounts = f"{amount_col}{first_line}:{amount_col}{last_line}"
    total_cell.value = f"=ROUND(SUM({amounts}),2)"
    row += 2
    if cost.unpriced:
        ws.cell(row=row, column=1, value=_text(label(lang, "unpriced")))
        ws.cell(row=row, column=3, value=_text(", ".join(titles.get(r, r) for r in cost.unpriced)))
    row = first_line - 2
    _title(ws, row, label(lang, "lines"))
    heads = ["stage", "month", "kind", "item", "date", "amount"]
    _header(ws, row + 1, [label(lang, h) for h in heads] + [label(lang, "id")])
    for k, (stage, month, kind, item, day, amount) in enumerate(lines):
        r = first_line + k
        ws.cell(row=r, column=1, value=_text(stage_name.get(stage, stage)))
        ws.cell(row=r, column=2, value=_text(month))
        ws.cell(row=r, column=3, value=_text(kind))
        ws.cell(row=r, column=4, value=_text(item))
        if day is not None:
            ws.cell(row=r, column=5, value=day).number_format = date_format(lang)
        ws.cell(row=r, column=6, value=float(amount)).number_format = money
        ws.cell(row=r, column=7, value=_text(stage))
    _widths(ws, {"A": 36, "B": 12, "C": 16, "D": 34, "E": 12, "F": 16, "G": 12})


# ---------------------------------------------------------------- Assumptions


def _assumptions_sheet(ws: Worksheet, ctx: RenderContext, titles: dict[str, str]) -> None:
    plan, lang = ctx.plan, ctx.lang
    rows = answer_rows(plan)
    row = 1

    def table(title: str, heads: list[str], body: list[list[str]]) -> None:
        nonlocal row
        _title(ws, row, title)
        row += 1
        _header(ws, row, heads)
        if not body:
            row += 1
            ws.cell(row=row, column=1, value=_text(label(lang, "none")))
        for values in body:
            row += 1
            for col, value in enumerate(values, 1):
                ws.cell(row=row, column=col, value=_text(value))
        row += 2

    heads = [label(lang, "question"), label(lang, "answer"), label(lang, "id")]
    table(label(lang, "answers"), heads, [[r["question"], r["answer"], r["id"]] for r in rows])
    # Every answer in plan.answers is one the company file gives: this table has been empty so far
    # (the defaults the plan assumes are plan.assumed; listing them here would change the workbook).
    defaults: list[list[str]] = []
    table(label(lang, "defaults"), heads, defaults)
    table(
        label(lang, "dropped"),
        [label(lang, "task"), label(lang, "reason"), label(lang, "id")],
        [[d.title, d.reason, d.id] for d in plan.dropped],
    )
    table(
        label(lang, "risks"), [label(lang, "risks"), label(lang, "because")], [[r.text, r.because] for r in plan.risks]
    )
    used = sorted({r for t in plan.tasks for r in t.demands} | set(plan.team))
    table(
        label(lang, "team"),
        [label(lang, "role"), label(lang, "people"), label(lang, "id")],
        [[titles.get(r, r), f"{plan.team.get(r, 1):g}", r] for r in used],
    )
    rates = plan.rates
    if rates is not None:
        unit = label(lang, rates.unit)
        table(
            label(lang, "rates"),
            [label(lang, "role"), label(lang, "rate", unit=unit), label(lang, "id")],
            [[titles.get(r, r), f"{v} {rates.currency}", r] for r, v in rates.roles.items()],
        )
    _widths(ws, {"A": 60, "B": 40, "C": 24})
