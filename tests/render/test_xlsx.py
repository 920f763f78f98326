"""plan.xlsx: read back with openpyxl (and, marked external, recalculated by LibreOffice)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import shutil
import subprocess
import zipfile
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils.exceptions import IllegalCharacterError

from roadmap.plan import plan_file
from roadmap.render import RenderContext, render
from roadmap.render.xlsx import SheetRows, _splice
from tests.conftest import EXAMPLES, ROOT, examples
from tests.libgen import company, stage, step, write_company, write_library

D = dt.date
START = D(2027, 1, 4)
LIB = [
    stage("s", 1, [step("s.a", 3, roles={"pm": 1, "dev": 0.5}), step("s.b", 8, after=["s.a"], roles=["dev"])]),
    stage("t", 2, [step("t.a", 5, after=["s.done"], roles={"qa": 0.25, "dev": 1})]),
]
EVIL = '=HYPERLINK("http://x","click")'


def make_ctx(tmp_path: Path, lang: str = "en", **extra: Any) -> RenderContext:
    lib = write_library(tmp_path / "lib", LIB)
    data = company(START)
    data.update(extra)
    plan = plan_file(write_company(tmp_path / "company.yaml", data), library_dir=lib, lang=lang)[0]
    return RenderContext(plan=plan)


PRICED = {
    "rates": {"currency": "EUR", "roles": {"dev": 612.34, "pm": 800}},
    "costs": [
        {"name": EVIL, "amount": "1000.01", "at": "s.b"},
        {"name": "Hosting", "amount": 33.33, "every": "month", "from": "s.done", "until": D(2027, 6, 30)},
    ],
}


def book(data: bytes) -> Any:
    return load_workbook(io.BytesIO(data))


def test_sheets_dates_outline_frozen_header_and_bars(tmp_path: Path) -> None:
    ctx = make_ctx(tmp_path, **PRICED)
    wb = book(render("xlsx", ctx))
    assert wb.sheetnames == ["Plan", "Effort", "Cost", "Assumptions"]
    ws = wb["Plan"]
    assert ws.freeze_panes == "D2"
    rows = {ws.cell(row=r, column=2).value: r for r in range(2, ws.max_row + 1)}
    r = rows["s.b"]
    assert ws.cell(row=r, column=4).value == dt.datetime(2027, 1, 7)  # a real date
    assert ws.cell(row=r, column=4).is_date and ws.cell(row=r, column=5).value == dt.datetime(2027, 1, 18)
    assert ws.row_dimensions[r].outlineLevel == 1 and ws.row_dimensions[2].outlineLevel == 0
    assert ws.cell(row=2, column=1).value == "1. Stage s"
    assert ws.cell(row=r, column=8).value == 8  # person-days
    header = [ws.cell(row=1, column=c).value for c in range(11, 14)]
    assert header == [dt.datetime(2027, 1, 4), dt.datetime(2027, 1, 11), dt.datetime(2027, 1, 18)]
    filled = [ws.cell(row=r, column=c).fill.fgColor.rgb not in (None, "00000000") for c in range(11, 15)]
    assert filled == [True, True, True, False]  # Jan 7 → Jan 18: three weeks
    assert ws.cell(row=rows["s.done"], column=13).value == "◆"


def test_effort_sheet_matches_plan_json(tmp_path: Path) -> None:
    ctx = make_ctx(tmp_path)
    ws = book(render("xlsx", ctx))["Effort"]
    values = [[c.value for c in row] for row in ws.iter_rows()]
    dev = next(row for row in values if row[0] == "DEV")
    assert dev[1:3] == [ctx.plan.effort.by_stage["s"]["dev"], ctx.plan.effort.by_stage["t"]["dev"]] == [9.5, 5]
    assert dev[3] == "=ROUND(SUM(B3:C3),2)"


SUMIF = re.compile(r'^=ROUND\(SUMIF\(\$([A-Z])\$(\d+):\$[A-Z]\$(\d+),"([^"]*)",\$F\$(\d+):\$F\$(\d+)\),2\)$')


def sumif(ws: Any, formula: str) -> Decimal:
    """Evaluate the sheet's ``=ROUND(SUMIF($X$a:$X$b,"key",$F$a:$F$b),2)`` in Python."""
    match = SUMIF.match(formula)
    assert match, formula
    col, first, last, key = match.group(1), int(match.group(2)), int(match.group(3)), match.group(4)
    assert (match.group(5), match.group(6)) == (match.group(2), match.group(3))
    total = sum(
        (Decimal(str(ws[f"F{r}"].value)) for r in range(first, last + 1) if ws[f"{col}{r}"].value == key), Decimal(0)
    )
    return total.quantize(Decimal("0.01"))


def test_cost_sheet_formulas_recompute_plan_json(tmp_path: Path) -> None:
    ctx = make_ctx(tmp_path, **PRICED)
    cost = ctx.plan.cost
    assert cost is not None
    ws = book(render("xlsx", ctx))["Cost"]
    found: dict[str, Decimal] = {}
    months: dict[str, Decimal] = {}
    for r in range(1, ws.max_row + 1):
        value = ws.cell(row=r, column=3).value
        if isinstance(value, str) and value.startswith("=ROUND(SUMIF("):
            key = ws.cell(row=r, column=2).value or ws.cell(row=r, column=1).value
            (found if ws.cell(row=r, column=2).value else months)[key] = sumif(ws, value)
    assert found == {sid: Decimal(v) for sid, v in cost.by_stage.items()}
    assert months == {m: Decimal(v) for m, v in cost.by_month.items()}
    assert ws["B1"].value.startswith("=ROUND(SUM(F")
    assert "€" in ws["B1"].number_format
    names = [ws.cell(row=r, column=4).value for r in range(1, ws.max_row + 1)]
    assert "'" + EVIL in names and EVIL not in names  # text, never a formula
    assert all(not (isinstance(v, str) and v.startswith("=")) for v in names)


def test_no_text_cell_is_a_formula(tmp_path: Path) -> None:
    ctx = make_ctx(tmp_path, **PRICED)
    tasks = tuple(t.model_copy(update={"title": "@SUM(A1)"}) for t in ctx.plan.tasks)
    plan = ctx.plan.model_copy(update={"tasks": tasks})
    wb = book(render("xlsx", RenderContext(plan=plan)))
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    assert str(cell.value).startswith(("=ROUND(SUM", "=ROUND(SUMIF")), cell.value
                if isinstance(cell.value, str):
                    assert not cell.value.startswith(("@", "+", "-")) or cell.value == "-", cell.value


def test_french_labels_and_currency_after_the_amount(tmp_path: Path) -> None:
    ctx = make_ctx(tmp_path, lang="fr", **PRICED)
    wb = book(render("xlsx", ctx))
    assert wb.sheetnames == ["Planning", "Charge", "Coût", "Hypothèses"]
    assert wb["Coût"]["B1"].number_format == '#,##0.00\\ "€"'
    assert wb["Planning"]["D3"].number_format == "dd/mm/yyyy"
    assert wb["Planning"]["J1"].value == "État" and wb["Planning"]["J3"].value == "prévue"  # the state in French


def test_same_plan_same_bytes_and_no_cost_without_rates(tmp_path: Path) -> None:
    ctx = make_ctx(tmp_path)
    first = render("xlsx", ctx)
    assert render("xlsx", ctx) == first
    wb = book(first)
    assert wb.properties.modified == dt.datetime(2000, 1, 1)
    assert "No rates or costs" in wb["Cost"]["A1"].value


def test_assumptions_sheet(tmp_path: Path) -> None:
    ctx = make_ctx(tmp_path, **PRICED)
    ws = book(render("xlsx", ctx))["Assumptions"]
    text = [c.value for row in ws.iter_rows() for c in row if c.value]
    for title in ("Answers given", "Assumed until answered", "Blocks left out", "Risks", "Team (people per role)"):
        assert title in text
    assert "Rate per day" in text


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_examples_write_a_workbook(example: Path) -> None:
    plan = plan_file(example)[0]
    wb = book(render("xlsx", RenderContext(plan=plan)))
    assert wb["Plan"].max_row == len(plan.tasks) + len(plan.stages) + 1


@pytest.mark.external
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_libreoffice_recalculates_the_same_totals(tmp_path: Path) -> None:
    ctx = make_ctx(tmp_path, **PRICED)
    cost = ctx.plan.cost
    assert cost is not None
    path = tmp_path / "plan.xlsx"
    path.write_bytes(render("xlsx", ctx))
    out = tmp_path / "csv"
    # every sheet to its own CSV (the last token, -1), formulas recalculated on load
    fmt = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1"
    done = subprocess.run(
        [
            "soffice",
            "--headless",
            f"-env:UserInstallation=file://{tmp_path}/lo",
            "--convert-to",
            fmt,
            "--outdir",
            str(out),
            str(path),
        ],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    rows = list(csv.reader((out / "plan-Cost.csv").read_text(encoding="utf-8").splitlines()))
    assert Decimal(rows[0][1]) == Decimal(cost.total)
    by_stage = {row[1]: Decimal(row[2]) for row in rows if len(row) > 2 and row[1] in cost.by_stage}
    assert by_stage == {k: Decimal(v) for k, v in cost.by_stage.items()}
    by_month = {row[0]: Decimal(row[2]) for row in rows if row and row[0] in cost.by_month}
    assert by_month == {k: Decimal(v) for k, v in cost.by_month.items()}
    effort = list(csv.reader((out / "plan-Effort.csv").read_text(encoding="utf-8").splitlines()))
    totals = [row for row in effort if row and row[0] == "Total"]
    assert Decimal(totals[0][-1]) == Decimal(str(ctx.plan.effort.total))


def test_every_sheet_prints_landscape_with_its_frozen_labels_on_each_page() -> None:
    """Printed, the Plan sheet repeats its header row and step columns beside the bars, and the
    narrow sheets fit one page wide (LibreOffice printed 34 pages of bare column strips)."""
    plan = plan_file(ROOT / "examples" / "manufacturer-1200.yaml")[0]
    wb = load_workbook(io.BytesIO(render("xlsx", RenderContext(plan))))
    for ws in wb.worksheets:
        assert ws.page_setup.orientation == "landscape"
        fits = bool(ws.sheet_properties.pageSetUpPr and ws.sheet_properties.pageSetUpPr.fitToPage)
        assert fits == (ws.max_column <= 12), ws.title
    first = wb.worksheets[0]
    assert (first.freeze_panes, first.print_title_rows, first.print_title_cols) == ("D2", "$1:$1", "$A:$C")


# ---------------------------------------------------------------- the Plan sheet's rows as text


def _bold(cell: Any) -> None:
    cell.font = Font(bold=True)


def _filled(cell: Any) -> None:
    cell.fill = PatternFill("solid", fgColor="ABCDEF")


def _dated(cell: Any) -> None:
    cell.value = START
    cell.number_format = "dd/mm/yyyy"


_STYLES = (_bold, _filled, _dated)
_DATED = 2
_CONTROL = [chr(c) for c in range(32) if c not in (9, 10, 13)]
_LEGAL_TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters=_CONTROL), max_size=12)
_VALUE = st.one_of(
    st.none(),
    _LEGAL_TEXT,
    st.sampled_from(["", " ", " lead", "trail ", "#N/A", "#DIV/0!", "=SUM(A1:A2)", "=", "a & <b> c", "x" * 32_800]),
    st.integers(-(10**17), 10**17),
    st.floats(allow_nan=False, allow_infinity=False),
    st.dates(min_value=D(1900, 3, 1), max_value=D(2200, 12, 31)),
)
Cells = tuple[int, Any, int | None]
_CELL = st.tuples(st.integers(1, 40), _VALUE, st.one_of(st.none(), st.integers(0, len(_STYLES) - 1)))


def _sheet_xml(rows: list[list[Cells]], fast: bool) -> tuple[bytes, bytes]:
    """sheet1.xml and styles.xml of a workbook holding ``rows`` below a header row: written by
    SheetRows (``fast``) or by openpyxl's own cells."""
    wb = Workbook()
    ws = wb.active
    ws.cell(row=1, column=1, value="Head").font = Font(italic=True)
    ws.cell(row=1, column=3, value=START).number_format = "mm-dd"
    body = SheetRows(ws) if fast else None
    ids = [body.style(make) for make in _STYLES] if body else []
    for number, cells in enumerate(rows, 2):
        outline = number % 2
        if body:
            body.add(number, [(c, v, None if k is None else ids[k]()) for c, v, k in cells], outline=outline)
            continue
        for column, value, k in cells:
            cell = ws.cell(row=number, column=column)
            if k is not None:
                _STYLES[k](cell)
            cell.value = value
        if outline and cells:
            ws.row_dimensions[number].outlineLevel = outline
    raw = io.BytesIO()
    wb.save(raw)
    with zipfile.ZipFile(raw) as saved:
        sheet, styles = saved.read("xl/worksheets/sheet1.xml"), saved.read("xl/styles.xml")
    return (_splice(sheet, body) if body else sheet), styles


@settings(max_examples=examples(150), deadline=None)
@given(st.lists(st.lists(_CELL, max_size=8), min_size=1, max_size=6))
def test_sheet_rows_are_the_xml_openpyxl_writes_for_the_same_cells(drawn: list[list[Cells]]) -> None:
    # one cell per column, in column order; a date always has a date style (as on the Plan sheet)
    one_each = [sorted({c[0]: c for c in row}.values(), key=lambda c: c[0]) for row in drawn]
    rows = [[(c, v, _DATED if isinstance(v, dt.date) else k) for c, v, k in row] for row in one_each]
    assert _sheet_xml(rows, fast=True) == _sheet_xml(rows, fast=False)


def test_sheet_rows_refuse_a_control_character_as_openpyxl_does() -> None:
    ws = Workbook().active
    with pytest.raises(IllegalCharacterError):
        SheetRows(ws).add(2, [(1, "bell\x07", None)])


def test_the_plan_sheet_rows_read_back_as_cells(tmp_path: Path) -> None:
    ctx = make_ctx(tmp_path)
    sheet = book(render("xlsx", ctx))["Plan"]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    by_id = {row[1]: row for row in rows if row[1]}
    task = next(t for t in ctx.plan.tasks if t.id == "s.b")
    got = by_id["s.b"]
    start, finish = (dt.datetime.combine(day, dt.time()) for day in (task.start, task.finish))
    assert got[:6] == ("s", "s.b", task.title, start, finish, task.duration_days)
    assert sheet.max_row == len(ctx.plan.tasks) + len({t.stage for t in ctx.plan.tasks}) + 1
    assert sheet.row_dimensions[3].outlineLevel == 1
