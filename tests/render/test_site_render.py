"""Rollout waves in the reports (issue 17): plans with sites built in code (tests/render/siteplan.py).

Every report of a plan without sites stays as it was (the examples below, and the snapshots and
tests of each renderer); with sites: the Gantt page's line of balance and sites-by-month
calendar, a checklist section per site, a calendar per site, MSPDI summaries per wave and site,
and a ``site`` column in CSV and XLSX.
"""

from __future__ import annotations

import csv
import datetime as dt
import html as htmllib
import io
import re
import shutil
import xml.etree.ElementTree as ET
from collections import Counter
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from icalendar import Calendar

from roadmap.errors import InputError
from roadmap.plan import SiteWindow
from roadmap.render import RenderContext, render, render_files, write_reports
from roadmap.render.checklist import render_text
from roadmap.render.mspdi import NAMESPACE
from roadmap.render.site_sections import lob_figure, sections, site_calendar
from roadmap.render.sites import safe_stem, site_file_names, step_title, template_step, template_steps
from tests.conftest import EXAMPLES
from tests.render.siteplan import HOSTILE_SITES, SITES, TEMPLATE, base_plan, site_ctx
from tests.render.test_checklist import assert_snapshot
from tests.render.test_gantt import CHROMIUM, chromium_run, payload, pdf_words, phone_frame, probed, with_probe
from tests.render.test_mspdi import _read, mpxj  # noqa: F401 - the MPXJ fixture

NS = {"p": NAMESPACE}
XSS = "<img src=x onerror=alert(1)>"


@pytest.fixture(scope="module")
def sites() -> RenderContext:
    return site_ctx()


@pytest.fixture(scope="module")
def hostile() -> RenderContext:
    return site_ctx(HOSTILE_SITES, options=(("ics_split", "site"),))


# ---------------------------------------------------------------- shared helpers


def test_a_per_site_task_names_its_template_step_and_its_title_loses_the_site() -> None:
    assert template_step("rollout.training@Lyon") == "rollout.training"
    assert template_step("rollout.training@a@b") == "rollout.training"
    assert template_step("setup.kickoff") == "setup.kickoff"
    plan = site_ctx(titled_with_site=True).plan
    task = next(t for t in plan.tasks if t.site == "Lyon" and not t.milestone)
    assert task.title == "Invitations — Lyon" and step_title(task) == "Invitations"
    for title, expected in (("Lyon: training", "training"), ("Training (Lyon)", "Training"), ("Lyon", "Lyon")):
        assert step_title(task.model_copy(update={"title": title})) == expected
    assert [title for _, title in template_steps(plan)] == [title for _, title, _, _ in TEMPLATE]


def test_site_file_names_are_plain_unique_and_stable() -> None:
    windows = [SiteWindow(name=n, wave=w, employees=e, start=dt.date(2027, 1, 4), finish=dt.date(2027, 1, 8))
               for n, w, e, _ in HOSTILE_SITES]  # fmt: skip
    names = site_file_names(windows, "plan-", ".ics")
    assert names["../../etc/passwd"] == "plan-etc-passwd.ics"
    assert names["Saint-Étienne & *Co*"] == "plan-Saint-Étienne-Co.ics"
    assert (names["lyon"], names["Lyon"]) == ("plan-lyon.ics", "plan-Lyon-2.ics")  # one folder on macOS
    assert names["///"] == "plan-site-8.ics" and names["东京"] == "plan-东京.ics"
    assert site_file_names(windows, "plan-", ".ics") == names


@given(st.lists(st.text(min_size=1, max_size=80), min_size=1, max_size=12))
def test_any_site_names_give_distinct_plain_file_names(raw: list[str]) -> None:
    windows = [
        SiteWindow(name=name, wave=1, employees=1, start=dt.date(2027, 1, 4), finish=dt.date(2027, 1, 4))
        for name in dict.fromkeys(raw)
    ]
    names = list(site_file_names(windows, "plan-", ".ics").values())
    assert len({n.casefold() for n in names}) == len(names)
    for name in names:
        assert re.fullmatch(r"plan-[\w-]+\.ics", name), name
        assert Path(name).name == name and ".." not in name and "/" not in name and "\\" not in name
    assert all(len(safe_stem(w.name)) <= 60 for w in windows)


# ---------------------------------------------------------------- without sites: nothing changes


@pytest.mark.parametrize("example", [p for p in EXAMPLES if "\nsites:" not in p.read_text()], ids=lambda p: p.stem)
def test_a_plan_without_sites_gets_none_of_the_site_additions(example: Path) -> None:
    ctx = replace(base_plan(example), options=(("ics_split", "site"),))
    assert not ctx.plan.sites
    assert sections(ctx) == []
    assert render_files("ics", ctx) == [("plan.ics", render("ics", ctx))]  # no calendar per site
    header = render("csv", ctx).decode("utf-8-sig").splitlines()[0]
    assert "site" not in header.split(",")
    text = render_text(ctx)
    assert "## Sites" not in text and "see the site sections" not in text


def test_a_page_without_sites_has_no_site_section_and_no_fitting_script() -> None:
    page = render("gantt", base_plan()).decode()
    assert "section-sites" not in page and "var fit" not in page


# ---------------------------------------------------------------- Gantt page


def test_line_of_balance_has_a_line_per_template_step_through_each_sites_start(sites: RenderContext) -> None:
    plan = sites.plan
    figure = lob_figure(plan, "en")
    import plotly.graph_objects as go

    go.Figure(figure)  # valid for plotly
    rows = {s.name: i for i, s in enumerate(plan.sites)}
    assert figure["layout"]["yaxis"]["ticktext"] == [s.name for s in plan.sites]
    assert [s.wave for s in plan.sites] == sorted(s.wave for s in plan.sites)
    traces = {tr["uid"]: tr for tr in figure["data"]}
    assert list(traces) == [f"step-{k}" for k in range(len(TEMPLATE))] + ["go-live"]
    for k, (sid, title, _, _) in enumerate(TEMPLATE):
        trace = traces[f"step-{k}"]
        own = sorted((t for t in plan.tasks if template_step(t.id) == sid), key=lambda t: rows[t.site or ""])
        assert trace["name"] == title and trace["mode"] == "lines+markers"
        assert trace["x"] == [t.start.isoformat() for t in own] and trace["y"] == [rows[t.site or ""] for t in own]
        assert len(own) == len(plan.sites)
    live = traces["go-live"]
    assert live["x"] == [s.go_live.isoformat() for s in plan.sites if s.go_live]
    waves = [s for s in figure["layout"]["shapes"] if str(s.get("name", "")).startswith("wave-")]
    assert [(s["y0"], s["y1"]) for s in waves] == [(-0.5, 0.5), (2.5, 4.5)]  # waves 1 and 3 shaded


def test_the_page_carries_the_site_sections_with_their_band(sites: RenderContext) -> None:
    page = render("gantt", sites)
    data = payload(page)
    ids = [s["id"] for s in data["sections"]]
    assert ids[-2:] == ["sites-lob", "sites-calendar"]
    lob = data["sections"][-2]
    assert lob["chart"]["data"][0]["uid"] == "step-0"
    assert lob["data"]["fit"] == {"rows": len(SITES), "rowPx": 26, "top": 64}
    text = page.decode()
    band = text[text.index('class="band"') : text.index('class="card chart-card"')]
    assert "5 sites in 3 waves, 2029-01-08 → 2029-02-26" in band
    assert "Go-live: 2029-01-18 (first) … 2029-02-19 (last)" in band
    assert 'href="#section-sites-lob"' in band
    assert 'class="card section wide" id="section-sites-calendar"' in text
    assert "var fit" in text


def test_sites_by_month_shows_each_sites_main_step_and_its_go_live(sites: RenderContext) -> None:
    section = site_calendar(sites.plan, "en")
    table = str(section.html)
    heads = re.findall(r'<th scope="col">([^<]*)</th>', table)
    assert heads == ["Jan 2029", "Feb 2029"]
    rows = re.findall(r'<tr><th class="site" scope="row" title="[^"]*">([^<]*)</th>(.*?)</tr>', table, re.S)
    assert [name for name, _ in rows] == [s.name for s in sites.plan.sites]
    cells = {name: re.findall(r"<td[^>]*>([^<]*)</td>", body) for name, body in rows}
    assert cells["Head office"] == ["◆ 18 · Key-user traini…", ""]  # its go-live, the month's main step
    assert cells["Lyon"] == ["Invitations +1", "◆ 2 · Hypercare"]  # and one more step that month
    assert cells["Lille"] == ["", "◆ 19 · Hypercare"]  # nothing before its start
    assert re.findall(r'<tr class="wave"><th colspan="3">([^<]*)</th>', table) == ["Wave 1", "Wave 2", "Wave 3"]
    fr = str(site_calendar(sites.plan, "fr").html)
    assert '<th scope="col">janv. 2029</th>' in fr and "Vague 1" in fr


def test_a_long_rollout_gets_a_table_per_year() -> None:
    plan = site_ctx().plan
    far = [s.model_copy(update={"finish": s.finish + dt.timedelta(days=400)}) for s in plan.sites]
    table = str(site_calendar(plan.model_copy(update={"sites": tuple(far)}), "en").html)
    heads = re.findall(r'<th scope="col">([^<]*)</th>', table)
    assert heads[0] == "Jan 2029" and heads[-1] == "Apr 2030" and len(heads) == 16  # every month once
    assert table.count("<table>") == 2  # a year, then the rest


def test_site_names_are_escaped_everywhere_on_the_page(hostile: RenderContext) -> None:
    page = render("gantt", hostile).decode()
    assert XSS not in page and "<img" not in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    lob = payload(page.encode())["sections"][-2]["chart"]
    assert lob["layout"]["yaxis"]["ticktext"][0] == "&lt;img src=x…"  # cut at a word, escaped
    assert "<b>&lt;img src=x onerror=alert(1)&gt;</b><br>" in lob["data"][-1]["hovertext"][0]


def test_many_sites_get_tighter_rows() -> None:
    many = [(f"Site {k:03}", 1 + k // 50, 100, None) for k in range(120)]
    figure = lob_figure(site_ctx(many).plan, "en")
    layout = figure["layout"]
    assert layout["yaxis"]["tickfont"]["size"] == 9
    assert 120 * 12 <= layout["height"] <= 120 * 12 + 200


# ---------------------------------------------------------------- checklist


def test_checklist_has_a_section_per_site_after_the_stages(sites: RenderContext) -> None:
    text = render_text(sites)
    head = text.index("## Sites\n")
    assert (
        text.index(f"## {sites.plan.stages[-1].order}. Rollout to the sites") < head < text.index("## Dropped blocks")
    )
    part = text[head : text.index("## Dropped blocks")]
    assert re.findall(r"^### (.*)$", part, re.M) == [
        f"Wave {w} · {n}" for n, w, _, _ in sorted(SITES, key=lambda s: (s[1], s[0]))
    ]
    assert "**2029-01-08 → 2029-01-25 · go-live 2029-01-18** · 900 employees · FR" in part
    for task in sites.plan.tasks:
        if task.site is not None:
            assert text.count(f"`{task.id}`") == 1, task.id  # once, in its site's section
            assert f"**{step_title(task)}** `{task.id}`" in part
            assert f"  - {task.start} → {task.finish}" in part
    assert part.count("- [ ] Invitation e-mail sent") == len(SITES)


def test_a_stage_lists_a_per_site_step_once_for_all_its_sites(sites: RenderContext) -> None:
    text = render_text(sites)
    stage = text[text.index(f"## {sites.plan.stages[-1].order}. Rollout to the sites") : text.index("## Sites\n")]
    assert (
        "- [ ] **Invitations** `rollout.invite` — at 5 sites, 2029-01-08 → 2029-02-14: see the site sections below"
        in stage
    )
    assert "@" not in stage
    done = sites.plan.model_copy(
        update={
            "tasks": tuple(
                t.model_copy(update={"status": "done", "percent": 100}) if t.id.startswith("rollout.invite@") else t
                for t in sites.plan.tasks
            )
        }
    )
    ticked = render_text(replace(sites, plan=done))
    assert "- [x] **Invitations** `rollout.invite` —" in ticked


def test_checklist_site_sections_snapshot_and_french(sites: RenderContext) -> None:
    text = render_text(sites)
    assert_snapshot("checklist-sites.md", text[text.index("## Sites\n") : text.index("## Dropped blocks")])
    fr = render_text(site_ctx(lang="fr"))
    assert "### Vague 2 · Lyon" in fr and "sur 5 sites, du 2029-01-08 au 2029-02-14" in fr
    assert "mise en service le 2029-02-02" in fr


def test_hostile_site_names_are_inert_markdown(hostile: RenderContext) -> None:
    from markdown_it import MarkdownIt

    text = render_text(hostile)
    html = MarkdownIt("commonmark", {"html": True}).render(text)
    assert "<img" not in html
    assert "### Wave 1 · &lt;img src=x onerror=alert(1)&gt;" in text
    assert "Saint-Étienne &amp; \\*Co\\*" in text


# ---------------------------------------------------------------- CSV and XLSX


def test_csv_has_a_site_column_after_stage_with_formulas_neutralised(hostile: RenderContext) -> None:
    rows = list(csv.DictReader(io.StringIO(render("csv", hostile).decode("utf-8-sig"))))
    assert list(rows[0])[:3] == ["id", "stage", "site"]
    by_id = {row["id"].lstrip("'"): row for row in rows}
    for task in hostile.plan.tasks:
        site = by_id[task.id]["site"]
        assert site == ("" if task.site is None else ("'" + task.site if task.site.startswith("=") else task.site))
    assert by_id['rollout.invite@=HYPERLINK("http://x")']["site"] == '\'=HYPERLINK("http://x")'


def test_xlsx_has_a_site_column_and_a_sites_sheet(hostile: RenderContext) -> None:
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(render("xlsx", hostile)))
    assert wb.sheetnames == ["Plan", "Sites", "Effort", "Cost", "Assumptions"]
    ws = wb["Plan"]
    assert ws.cell(row=1, column=11).value == "Site"
    sites_of = {ws.cell(row=r, column=2).value: ws.cell(row=r, column=11).value for r in range(2, ws.max_row + 1)}
    assert sites_of["rollout.gate-1"] is None and sites_of["setup.kickoff"] is None
    assert sites_of['rollout.invite@=HYPERLINK("http://x")'] == '\'=HYPERLINK("http://x")'
    assert isinstance(ws.cell(row=1, column=12).value, dt.datetime)  # the bars start after it
    rows = list(wb["Sites"].iter_rows(values_only=True))
    assert rows[0] == ("Wave", "Site", "Employees", "Country", "Start", "Go-live", "Finish", "Blackout")
    assert all(r[7] is None for r in rows[1:] if not any(s.blackout for s in hostile.plan.sites))
    assert [(r[0], r[1]) for r in rows[1:]] == [
        (s.wave, "'" + s.name if s.name.startswith("=") else s.name) for s in hostile.plan.sites
    ]
    assert rows[1][4].date() == hostile.plan.sites[0].start  # real dates


# ---------------------------------------------------------------- ICS


def _vevents(data: bytes) -> dict[str, str]:
    """UID → the event's unfolded text."""
    text = re.sub(r"\r\n[ \t]", "", data.decode())
    return {m.group(1): m.group(0) for m in re.finditer(r"BEGIN:VEVENT\r\nUID:([^\r]*)\r\n.*?END:VEVENT", text, re.S)}


def test_one_calendar_per_site_holds_its_steps_as_plan_ics_has_them(hostile: RenderContext, tmp_path: Path) -> None:
    written = write_reports(hostile, ["ics"], tmp_path)
    names = site_file_names(hostile.plan.sites, "plan-", ".ics")
    assert [p.name for p in written] == ["plan.ics", *names.values()]
    whole = _vevents((tmp_path / "plan.ics").read_bytes())
    for site in hostile.plan.sites:
        data = (tmp_path / names[site.name]).read_bytes()
        cal = Calendar.from_ical(data)
        assert str(cal["X-WR-CALNAME"]) == f"{hostile.plan.company.name} — {site.name}"
        events = _vevents(data)
        own = [t for t in hostile.plan.tasks if t.site == site.name]
        assert len(events) == len(own) == len(TEMPLATE)
        for uid, text in events.items():
            assert whole[uid] == text  # the same event: importing both never doubles it
        summaries = [str(ev["SUMMARY"]) for ev in cal.walk("VEVENT")]
        assert summaries == [f"{t.title} — {site.name}" for t in own]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p.name for p in written)  # nothing outside


def test_site_calendars_revise_like_plan_ics(sites: RenderContext, tmp_path: Path) -> None:
    ctx = replace(sites, options=(("ics_split", "site"), ("ics_level", "stage")))
    write_reports(ctx, ["ics"], tmp_path)
    first = (tmp_path / "plan-Lyon.ics").read_bytes()
    write_reports(ctx, ["ics"], tmp_path)
    assert (tmp_path / "plan-Lyon.ics").read_bytes() == first  # unchanged plan, same bytes
    moved = ctx.plan.model_copy(
        update={
            "tasks": tuple(
                t.model_copy(update={"finish": t.finish + dt.timedelta(days=1)})
                if t.id == "rollout.hypercare@Lyon"
                else t
                for t in ctx.plan.tasks
            )
        }
    )
    write_reports(replace(ctx, plan=moved), ["ics"], tmp_path)
    event = Calendar.from_ical((tmp_path / "plan-Lyon.ics").read_bytes()).walk("VEVENT")[0]
    assert int(event["SEQUENCE"]) == 1 and event.decoded("DTEND") == dt.date(2029, 2, 11)
    other = Calendar.from_ical((tmp_path / "plan-Lille.ics").read_bytes()).walk("VEVENT")[0]
    assert int(other["SEQUENCE"]) == 0


def test_an_unknown_split_is_an_input_error(sites: RenderContext) -> None:
    with pytest.raises(InputError, match="unknown split 'stage'"):
        render_files("ics", replace(sites, options=(("ics_split", "stage"),)))


def test_the_cli_flag_without_sites_writes_plan_ics_alone(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from cli import app

    example = next(p for p in EXAMPLES if p.stem == "services-180")
    result = CliRunner().invoke(
        app, ["plan", str(example), "--format", "ics", "--ics-per-site", "--out", str(tmp_path)]
    )
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan.ics"]


# ---------------------------------------------------------------- MSPDI


def _get(el: ET.Element, tag: str) -> str:
    found = el.find(f"p:{tag}", NS)
    assert found is not None, tag
    return found.text or ""


def test_mspdi_groups_site_steps_under_a_summary_per_wave_and_site(sites: RenderContext) -> None:
    root = ET.fromstring(render("mspdi", sites))
    tasks = root.findall("p:Tasks/p:Task", NS)
    assert [int(_get(t, "ID")) for t in tasks] == list(range(len(tasks)))
    assert len({_get(t, "UID") for t in tasks}) == len(tasks)
    outline = [(_get(t, "OutlineNumber"), int(_get(t, "OutlineLevel")), _get(t, "Name")) for t in tasks]
    number = str(len(sites.plan.stages))
    rollout = [(o, level, name) for o, level, name in outline if o.startswith(number + ".")]
    summaries = [(o, level, name) for o, level, name in rollout if level < 4]
    assert summaries[:3] == [
        (f"{number}.1", 2, "Wave 1"),
        (f"{number}.1.1", 3, "Head office"),
        (f"{number}.2", 2, "Wave 2"),
    ]
    assert [name for _, level, name in rollout if level == 3] == [s.name for s in sites.plan.sites]
    assert [name for _, level, name in rollout if level == 2][-4:] == [
        "Wave 1 gate", "Wave 2 gate", "Wave 3 gate", "Stage complete: Rollout"
    ]  # fmt: skip
    # every task of the plan once, its level 2 unless per-site (4)
    steps = [
        (level, _get(t, "Name")) for t, (_, level, _) in zip(tasks, outline, strict=True) if _get(t, "Summary") == "0"
    ]
    assert Counter(name for _, name in steps) == Counter(task.title for task in sites.plan.tasks)
    assert {level for level, _ in steps} == {2, 4}
    # a summary spans its children (by outline number)
    spans = {_get(t, "OutlineNumber"): (_get(t, "Start")[:10], _get(t, "Finish")[:10]) for t in tasks}
    for t in tasks:
        if _get(t, "Summary") == "1" and _get(t, "OutlineNumber") != "0":
            own = _get(t, "OutlineNumber")
            kids = [v for k, v in spans.items() if k.startswith(own + ".")]
            assert spans[own] == (min(k[0] for k in kids), max(k[1] for k in kids)), own
    by_name = {_get(t, "Name"): t for t in tasks}
    assert _get(by_name["Lyon"], "Start")[:10] == "2029-01-26" and _get(by_name["Lyon"], "Finish")[:10] == "2029-02-09"


def test_mspdi_of_hostile_site_names_is_well_formed(hostile: RenderContext) -> None:
    root = ET.fromstring(render("mspdi", hostile))
    names = [_get(t, "Name") for t in root.findall("p:Tasks/p:Task", NS) if _get(t, "OutlineLevel") == "3"]
    assert names == [s.name for s in hostile.plan.sites]


def test_mpxj_reads_the_waves_and_sites_and_rescheduling_keeps_every_date(
    mpxj: Any,  # noqa: F811 - the fixture imported above
    sites: RenderContext,
    tmp_path: Path,
) -> None:
    (path,) = write_reports(sites, ["mspdi"], tmp_path)
    project = _read(mpxj, path)
    read = {str(t.getOutlineNumber()): t for t in project.getTasks() if t.getOutlineNumber() is not None}
    before = {k: (str(t.getStart())[:10], str(t.getFinish())[:10], bool(t.getSummary())) for k, t in read.items()}
    number = str(len(sites.plan.stages))
    assert str(read[f"{number}.2"].getName()) == "Wave 2" and before[f"{number}.2"][2]
    assert str(read[f"{number}.2.1"].getName()) == "Lyon" and int(read[f"{number}.2.1"].getOutlineLevel()) == 3
    assert [str(c.getName()) for c in read[f"{number}.2.1"].getChildTasks()] == [title for _, title, _, _ in TEMPLATE]
    scheduler = mpxj.JClass("org.mpxj.cpm.MicrosoftScheduler")()
    scheduler.schedule(project, project.getProjectProperties().getStartDate())
    after = {
        str(t.getOutlineNumber()): (str(t.getStart())[:10], str(t.getFinish())[:10], bool(t.getSummary()))
        for t in project.getTasks()
        if t.getOutlineNumber() is not None
    }
    assert after == before


# ---------------------------------------------------------------- in Chromium: screen, phone, print


@pytest.mark.external
@pytest.mark.skipif(CHROMIUM is None, reason="no Chromium on this machine")
def test_the_line_of_balance_is_drawn_and_fits_a_390_px_phone(sites: RenderContext, tmp_path: Path) -> None:
    script = (
        "var div = document.getElementById('section-chart-sites-lob'), fl = div._fullLayout;"
        "var cal = document.querySelector('#section-sites-calendar .site-cal');"
        "return {svg: div.querySelectorAll('.main-svg').length, width: fl.width, plot: fl._size.w,"
        " height: fl.height, top: fl.margin.t, traces: div.data.length,"
        " page: document.documentElement.scrollWidth, viewport: window.innerWidth,"
        " calendar: cal.getBoundingClientRect().width, scrolls: cal.scrollWidth > cal.clientWidth};"
    )
    page = with_probe(render("gantt", sites), script).replace(
        "var pre = document.createElement('pre');", "parent.postMessage(JSON.stringify(out), '*'); return;"
    )
    (tmp_path / "gantt.html").write_text(page, encoding="utf-8")
    out = probed(chromium_run(phone_frame(tmp_path, "gantt.html"), "--window-size=390,844", "--dump-dom"))
    assert out["svg"] > 0 and out["traces"] == len(TEMPLATE) + 1, out
    assert out["viewport"] == 390 and out["page"] <= 390, out  # no sideways scrolling of the page
    assert out["width"] <= 390 and out["plot"] >= 0.5 * 390, out
    assert out["top"] > 64 + 20 and out["height"] == len(SITES) * 26 + out["top"] + 16, out  # the legend wrapped
    assert out["calendar"] <= 390 and out["scrolls"], out  # the calendar scrolls in its card


@pytest.mark.external
@pytest.mark.skipif(CHROMIUM is None or not shutil.which("pdftotext"), reason="no Chromium or poppler here")
def test_printed_the_site_sections_have_their_own_landscape_pages(sites: RenderContext, tmp_path: Path) -> None:
    path = tmp_path / "gantt.html"
    path.write_bytes(render("gantt", sites))
    pdf = tmp_path / "gantt.pdf"
    chromium_run(path, "--window-size=1366,768", f"--print-to-pdf={pdf}")
    words = pdf_words(pdf)
    pages: dict[int, list[dict[str, Any]]] = {}
    for w in words:
        pages.setdefault(w["page"], []).append(w)
    lob = next(n for n, ws in pages.items() if " ".join(w["text"] for w in ws[:8]).startswith("Rollout by site: line"))
    cal = next(n for n, ws in pages.items() if " ".join(w["text"] for w in ws[:4]).startswith("Sites by month"))
    assert cal == lob + 1
    lob_text = " ".join(w["text"] for w in pages[lob])
    for site in SITES:  # the chart is drawn there: its site labels and legend
        assert site[0] in lob_text, site
    assert "Key-user training" in lob_text and "Wave 3" in lob_text
    cal_text = " ".join(w["text"] for w in pages[cal])
    assert "Jan 2029" in cal_text and "Feb 2029" in cal_text and "Hypercare" in cal_text
    for w in pages[lob] + pages[cal]:
        assert w["width"] > 700 and w["x1"] <= w["width"] - 5, w  # landscape, nothing cut at the right


def test_plan_json_carries_site_and_sites(sites: RenderContext) -> None:
    import json

    data = json.loads(render("json", sites))
    assert [s["name"] for s in data["sites"]] == [s.name for s in sites.plan.sites]
    assert set(data["sites"][0]) >= {"name", "wave", "start", "go_live", "finish"}
    assert {t["id"]: t.get("site") for t in data["tasks"]}["rollout.invite@Lyon"] == "Lyon"
    assert "site" not in next(t for t in data["tasks"] if t["id"] == "setup.kickoff")
    plain = json.loads(render("json", base_plan()))
    assert "sites" not in plain and all("site" not in t for t in plain["tasks"])


def test_html_escape_of_calendar_tooltips(hostile: RenderContext) -> None:
    table = str(site_calendar(hostile.plan, "en").html)
    titles = re.findall(r'title="([^"]*)"', table)
    assert XSS in [htmllib.unescape(t) for t in titles]
    assert "<img" not in table


def test_gantt_rows_and_mermaid_name_the_site_of_a_per_site_step() -> None:
    from roadmap.render.gantt import figure_spec

    ctx = site_ctx()
    labels = figure_spec(ctx.plan, "en")["layout"]["yaxis"]["ticktext"]  # the page's row labels
    per_site = [task for task in ctx.plan.tasks if task.site is not None]
    assert per_site
    for task in per_site:  # one row per site's copy, and each says which site it is
        assert any(label.endswith(f" — {task.site}") and step_title(task) in label for label in labels), task.id
    once = next(task for task in ctx.plan.tasks if task.site is None and not task.milestone)
    assert once.title in labels and f"{once.title} — " not in " ".join(labels)
    mermaid = render("mermaid", ctx).decode()
    assert all(f" — {task.site} :" in mermaid for task in per_site)
    titled = site_ctx(titled_with_site=True)  # a title that already names its site is kept as is
    labels = figure_spec(titled.plan, "en")["layout"]["yaxis"]["ticktext"]
    assert not any(f"— {t.site} — " in label for t in titled.plan.tasks if t.site for label in labels)


def test_the_line_of_balance_is_plain_data_that_plotly_validates() -> None:
    import plotly.graph_objects as go

    figure = lob_figure(site_ctx().plan, "en")
    assert type(figure) is dict and all(type(trace) is dict for trace in figure["data"])
    checked = go.Figure(figure).to_plotly_json()  # raises on any property plotly.js does not know
    assert [trace["uid"] for trace in checked["data"]] == [trace["uid"] for trace in figure["data"]]


def test_a_shortened_row_label_keeps_the_site_name_whole() -> None:
    from roadmap.render.gantt import LABEL_CHARS, row_label
    from tests.helpers import make_task

    day = dt.date(2027, 1, 4)
    long = make_task("s.h@Kyzylorda", day, day, title="Accompagnement renforcé après l'invitation", site="Kyzylorda")
    text = row_label(long)
    assert text.endswith("… — Kyzylorda") and len(text) <= LABEL_CHARS
    short = make_task("s.i@Oral", day, day, title="Inviting employees", site="Oral")
    assert row_label(short) == "Inviting employees — Oral"
    named = make_task("s.i@Oral", day, day, title="Inviting employees in Oral", site="Oral")
    assert row_label(named) == "Inviting employees in Oral"
    hostile = make_task("s.i@x", day, day, title="Inviting employees", site="<b>x</b>")
    assert row_label(hostile) == "Inviting employees — &lt;b&gt;x&lt;/b&gt;"
