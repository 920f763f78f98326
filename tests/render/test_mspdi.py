"""plan.xml (MSPDI): structure checked in Python, and read back with a real reader (MPXJ, on Java)."""

from __future__ import annotations

import datetime as dt
import shutil
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from roadmap.plan import Plan, Task, plan_file
from roadmap.render import RenderContext, render, write_reports
from roadmap.render.mspdi import LAG_UNITS_PER_DAY, NAMESPACE, resource_name
from tests.conftest import EXAMPLES, ROOT

NS = {"p": NAMESPACE}


def _ctx(path: Path, library: Path | None = None, lang: str = "en") -> RenderContext:
    plan = plan_file(path, library_dir=library, lang=lang)[0]
    return RenderContext(plan=plan)


def _xml(ctx: RenderContext) -> ET.Element:
    return ET.fromstring(render("mspdi", ctx))


def _tasks(root: ET.Element) -> list[ET.Element]:
    return root.findall("p:Tasks/p:Task", NS)


def _get(el: ET.Element, tag: str) -> str:
    found = el.find(f"p:{tag}", NS)
    assert found is not None, f"no {tag}"
    return found.text or ""


# ------------------------------------------------------------------ without Java


def _step_key(task: Task) -> tuple[str, str, str]:
    return (task.start.isoformat(), task.finish.isoformat(), task.title)


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_tasks_carry_plan_json_dates(example: Path) -> None:
    ctx = _ctx(example)
    root = _xml(ctx)
    by_name: dict[str, list[ET.Element]] = {}
    for el in _tasks(root):
        by_name.setdefault(_get(el, "Name"), []).append(el)
    steps = [el for el in _tasks(root) if _get(el, "Summary") == "0"]
    assert len(steps) == len(ctx.plan.tasks)
    # A plan with sites (issue 17) groups per-site steps under wave and site summaries, so the
    # order differs from plan.json's there; each step is still there once, with its dates.
    tasks = ctx.plan.tasks if not ctx.plan.sites else sorted(ctx.plan.tasks, key=_step_key)
    if ctx.plan.sites:
        steps.sort(key=lambda el: (_get(el, "Start")[:10], _get(el, "Finish")[:10], _get(el, "Name")))
    else:
        assert all(_get(el, "OutlineLevel") == "2" for el in steps)
    for el, task in zip(steps, tasks, strict=True):
        assert _get(el, "Name") == task.title
        assert _get(el, "Start")[:10] == task.start.isoformat()
        assert _get(el, "Finish")[:10] == task.finish.isoformat()
        assert _get(el, "Milestone") == ("1" if task.milestone else "0")
        assert _get(el, "Manual") == "0"
        assert _get(el, "ConstraintType") == "4"
        assert _get(el, "ConstraintDate") == _get(el, "Start")
        if task.milestone:
            assert _get(el, "Duration") == "PT0H0M0S"
            assert _get(el, "Start") == _get(el, "Finish") == f"{task.finish}T18:00:00"
        else:
            assert _get(el, "Start").endswith("T09:00:00")
            assert _get(el, "Finish").endswith("T18:00:00")
    summaries = [el for el in _tasks(root) if _get(el, "OutlineLevel") == "1"]
    assert [_get(el, "Name") for el in summaries] == [s.title for s in ctx.plan.stages]
    assert all(_get(el, "Summary") == "1" for el in summaries)
    assert _get(_tasks(root)[0], "UID") == "0"
    assert _get(_tasks(root)[0], "OutlineLevel") == "0"


def test_project_header_and_calendar() -> None:
    ctx = _ctx(next(p for p in EXAMPLES if p.stem == "manufacturer-1200"))
    root = _xml(ctx)
    assert root.tag == f"{{{NAMESPACE}}}Project"
    assert _get(root, "Name") == "Uralmash Components"
    assert _get(root, "StartDate") == f"{ctx.plan.start}T09:00:00"
    assert _get(root, "CalendarUID") == "1"
    calendar = root.find("p:Calendars/p:Calendar", NS)
    assert calendar is not None and _get(calendar, "UID") == "1" and _get(calendar, "IsBaseCalendar") == "1"
    week = {_get(day, "DayType"): _get(day, "DayWorking") for day in calendar.findall("p:WeekDays/p:WeekDay", NS)}
    assert week["1"] == week["7"] == "0"  # Sunday, Saturday
    assert all(week[str(n)] == "1" for n in range(2, 7))
    times = calendar.findall("p:WeekDays/p:WeekDay/p:WorkingTimes", NS)[0]
    assert [(_get(t, "FromTime"), _get(t, "ToTime")) for t in times] == [
        ("09:00:00", "13:00:00"),
        ("14:00:00", "18:00:00"),
    ]
    exceptions = {
        _get(exc, "TimePeriod/p:FromDate")[:10]: _get(exc, "DayWorking")
        for exc in calendar.findall("p:Exceptions/p:Exception", NS)
    }
    expected = {d.isoformat(): "0" for d in ctx.plan.calendar.holidays}
    expected |= {d.isoformat(): "1" for d in ctx.plan.calendar.extra_working_days}
    assert exceptions == expected
    assert "2027-02-20" in exceptions  # a transferred working Saturday in Russia


def test_resources_and_assignments() -> None:
    ctx = _ctx(next(p for p in EXAMPLES if p.stem == "manufacturer-1200"))
    root = _xml(ctx)
    resources = {_get(r, "UID"): r for r in root.findall("p:Resources/p:Resource", NS)}
    names = {_get(r, "Name"): _get(r, "MaxUnits") for r in resources.values()}
    assert names[resource_name(ctx.plan.role_titles["implementer"])] == "2.00"
    assert names[resource_name(ctx.plan.role_titles["hr"])] == "1.00"
    assert names[resource_name(ctx.plan.role_titles["it"])] == "2.00"
    assert not any(char in name for name in names for char in ",;[]")
    pairs = {(_get(a, "TaskUID"), _get(a, "ResourceUID")) for a in root.findall("p:Assignments/p:Assignment", NS)}
    assert len(pairs) == sum(len(t.roles) for t in ctx.plan.tasks)


def test_lag_in_tenths_of_minutes(mini_library: Path, make_company: Callable[..., Path]) -> None:
    ctx = _ctx(make_company(), mini_library)
    root = _xml(ctx)
    uid = {_get(el, "Name"): _get(el, "UID") for el in _tasks(root)}
    optional = next(el for el in _tasks(root) if _get(el, "Name") == "Optional")
    link = optional.find("p:PredecessorLink", NS)
    assert link is not None
    assert _get(link, "PredecessorUID") == uid["One"]
    assert _get(link, "Type") == "1"
    assert _get(link, "LinkLag") == str(LAG_UNITS_PER_DAY) == "4800"
    assert _get(link, "LagFormat") == "7"


def test_same_input_same_bytes_and_xml_safe_text(mini_library: Path, make_company: Callable[..., Path]) -> None:
    ctx = _ctx(make_company(), mini_library)
    assert render("mspdi", ctx) == render("mspdi", ctx)
    odd = ctx.plan.model_copy(
        update={"tasks": (ctx.plan.tasks[0].model_copy(update={"title": 'A <b>&\x01 "c"\''}), *ctx.plan.tasks[1:])}
    )
    root = _xml(RenderContext(plan=odd))
    assert any(_get(el, "Name") == 'A <b>& "c"\'' for el in _tasks(root))


def test_names_are_one_line_and_within_the_schema_lengths(
    mini_library: Path, make_company: Callable[..., Path]
) -> None:
    """The schema caps the project's Name at 255 characters and other names at 512; names are one line."""
    long_name = "Société Générale & Фабрика «Север» " * 10
    ctx = _ctx(
        make_company(
            f"""
            company: {{name: "{long_name}", employees: 300, country: FR}}
            plan: {{start: 2027-01-04}}
            report: {{title: "{"Дорожная карта " * 40}"}}
            """
        ),
        mini_library,
    )
    odd = ctx.plan.model_copy(
        update={
            "tasks": (ctx.plan.tasks[0].model_copy(update={"title": "Two\r\nlines\tand  tab"}), *ctx.plan.tasks[1:])
        }
    )
    root = _xml(RenderContext(plan=odd))
    assert _get(root, "Name") == long_name.strip()[:255].strip() and len(_get(root, "Name")) <= 255
    assert len(_get(root, "Title")) <= 512 and len(_get(root, "Company")) <= 512
    assert _get(root, "Company") == long_name.strip()
    names = [_get(el, "Name") for el in _tasks(root)]
    assert "Two lines and tab" in names
    assert all("\n" not in name and "\t" not in name and len(name) <= 512 for name in names)


@pytest.mark.parametrize(
    ("country", "code"), [("FR", "EUR"), ("RU", "RUB"), ("KZ", "KZT"), ("IL", "ILS"), (None, "USD")]
)
def test_currency_code_the_schema_requires(
    mini_library: Path, make_company: Callable[..., Path], country: str | None, code: str
) -> None:
    where = f", country: {country}" if country else ""
    ctx = _ctx(
        make_company(f"company: {{name: Mini Co, employees: 300{where}}}\nplan: {{start: 2027-01-04}}\n"),
        mini_library,
    )
    assert _get(_xml(ctx), "CurrencyCode") == code


def test_resource_names_have_no_list_separator_or_brackets() -> None:
    """MS Project refuses ``,``, ``;`` and brackets in a resource name (it rewrites them, with a warning)."""
    assert resource_name("IT specialists (servers, AD, network)") == "IT specialists (servers / AD / network)"
    assert resource_name("Marketing; PR [team]") == "Marketing / PR (team)"
    assert resource_name(" ,; ") == "-"


# ------------------------------------------------------------------ MPXJ


@pytest.fixture(scope="session")
def mpxj() -> Iterator[Any]:
    """MPXJ's UniversalProjectReader, on a JVM started once for the whole session."""
    if shutil.which("java") is None:
        pytest.skip("Java is not installed: the MPXJ check of plan.xml needs it (apt-get install default-jre-headless)")
    jpype = pytest.importorskip("jpype", reason="JPype1 is not installed (pip install '.[test]')")
    pytest.importorskip("mpxj", reason="mpxj is not installed (pip install '.[test]')")
    if not jpype.isJVMStarted():
        jpype.startJVM()
    yield jpype


def _read(jpype: Any, path: Path) -> Any:
    reader = jpype.JClass("org.mpxj.reader.UniversalProjectReader")()
    project = reader.read(str(path))
    assert project is not None, f"MPXJ could not read {path}"
    return project


def _day(value: Any) -> dt.date:
    return dt.date.fromisoformat(str(value)[:10])


def _steps(project: Any) -> list[Any]:
    """The steps and milestones (not the summaries), in UID order: plan.json's order (a plan with
    sites groups its per-site steps under wave and site summaries, at deeper levels)."""
    leaves = [t for t in project.getTasks() if int(t.getOutlineLevel()) >= 2 and not bool(t.getSummary())]
    return sorted(leaves, key=lambda t: int(t.getUniqueID()))


def _check_against_plan(project: Any, plan: Plan) -> None:
    tasks = _steps(project)
    assert [str(t.getName()) for t in tasks] == [task.title for task in plan.tasks]
    by_uid = {int(t.getUniqueID()): task.id for t, task in zip(tasks, plan.tasks, strict=True)}
    for read, task in zip(tasks, plan.tasks, strict=True):
        assert _day(read.getStart()) == task.start, task.id
        assert _day(read.getFinish()) == task.finish, task.id
        assert bool(read.getMilestone()) == task.milestone, task.id
        assert not bool(read.getSummary())
        links = sorted(
            (by_uid[int(r.getPredecessorTask().getUniqueID())], str(r.getType()), float(r.getLag().getDuration()))
            for r in read.getPredecessors()
        )
        expected = {(p.id, "FS", float(p.lag_days)) for p in task.predecessors}
        known = {p.id for p in task.predecessors}
        expected |= {(a, "FS", 0.0) for a, b in plan.resource_links if b == task.id and a not in known}
        assert links == sorted(expected), task.id
    stages = [t for t in project.getTasks() if int(t.getOutlineLevel()) == 1]
    assert [(str(s.getName()), _day(s.getStart()), _day(s.getFinish())) for s in stages] == [
        (s.title, s.start, s.finish) for s in plan.stages
    ]
    assert all(bool(s.getSummary()) for s in stages)


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_mpxj_reads_every_task_as_planned(mpxj: Any, example: Path, tmp_path: Path) -> None:
    ctx = _ctx(example)
    (path,) = write_reports(ctx, ["mspdi"], tmp_path)
    assert path.name == "plan.xml"
    project = _read(mpxj, path)
    _check_against_plan(project, ctx.plan)
    calendar = project.getDefaultCalendar()
    local_date = mpxj.JClass("java.time.LocalDate")
    for day in ctx.plan.calendar.holidays:
        assert not calendar.isWorkingDate(local_date.of(day.year, day.month, day.day)), day
    for day in ctx.plan.calendar.extra_working_days:
        assert calendar.isWorkingDate(local_date.of(day.year, day.month, day.day)), day
    roles = {str(r.getName()): float(r.getMaxUnits()) for r in project.getResources() if r.getName() is not None}
    for role in {r for t in ctx.plan.tasks for r in t.roles}:
        assert roles[resource_name(ctx.plan.role_titles[role])] == 100.0 * ctx.plan.team.get(role, 1)
    own = {site.name: site.calendar for site in ctx.plan.sites if site.calendar is not None}
    for read, task in zip(_steps(project), ctx.plan.tasks, strict=True):  # issue 17: a site's own calendar
        info = own.get(task.site or "")
        if info is None:
            assert read.getCalendar() is None, task.id
            continue
        for day in info.holidays:
            assert not read.getCalendar().isWorkingDate(local_date.of(day.year, day.month, day.day)), (task.id, day)


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_rescheduling_keeps_the_dates(mpxj: Any, example: Path, tmp_path: Path) -> None:
    """MPXJ's MS Project scheduler recomputes every date: constraints and durations hold them."""
    ctx = _ctx(example)
    (path,) = write_reports(ctx, ["mspdi"], tmp_path)
    project = _read(mpxj, path)
    scheduler = mpxj.JClass("org.mpxj.cpm.MicrosoftScheduler")()
    scheduler.schedule(project, project.getProjectProperties().getStartDate())
    _check_against_plan(project, ctx.plan)


def _check_slack(project: Any, plan: Plan) -> None:
    tasks = _steps(project)
    for read, task in zip(tasks, plan.tasks, strict=True):
        slack = read.getTotalSlack()
        assert str(slack.getUnits()) == "d", task.id
        assert (float(slack.getDuration()), bool(read.getCritical())) == (task.slack_days, task.critical), task.id


@pytest.mark.external
@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_rescheduling_keeps_slack_and_critical_flags(mpxj: Any, example: Path, tmp_path: Path) -> None:
    """Team-limit order travels as links: MS Project's scheduler finds plan.json's slack and critical steps."""
    ctx = _ctx(example)
    assert ctx.plan.resource_links, "the example should exercise team limits"
    (path,) = write_reports(ctx, ["mspdi"], tmp_path)
    project = _read(mpxj, path)
    scheduler = mpxj.JClass("org.mpxj.cpm.MicrosoftScheduler")()
    scheduler.schedule(project, project.getProjectProperties().getStartDate())
    _check_against_plan(project, ctx.plan)
    _check_slack(project, ctx.plan)


def test_mpxj_with_lag_and_progress(mpxj: Any, tmp_path: Path, mini_library: Path, make_company: Any) -> None:
    company = make_company(
        """
        company: {name: Mini Co, employees: 300, country: FR}
        plan: {start: 2027-01-04}
        progress:
          alpha.one: {status: done, start: 2027-01-04, finish: 2027-01-12}
          alpha.two: {status: in_progress, start: 2027-01-13, percent: 50}
        """
    )
    ctx = _ctx(company, mini_library)
    (path,) = write_reports(ctx, ["mspdi"], tmp_path)
    project = _read(mpxj, path)
    _check_against_plan(project, ctx.plan)
    done = next(t for t in project.getTasks() if str(t.getName()) == "One")
    assert float(done.getPercentageComplete()) == 100.0
    assert _day(done.getActualFinish()) == dt.date(2027, 1, 12)


def _prop_order(jpype: Any, class_name: str) -> list[str]:
    """The element order MPXJ's JAXB model of the MSPDI schema declares for one element."""
    cls = jpype.JClass("java.lang.Class").forName(class_name)
    xml_type = jpype.JClass("jakarta.xml.bind.annotation.XmlType")
    return [str(name).lower() for name in cls.getAnnotation(xml_type).propOrder()]


def test_elements_follow_the_schema_order(mpxj: Any, mini_library: Path, make_company: Any) -> None:
    """MS Project rejects elements out of the schema's sequence order; JAXB-based readers do not care."""
    ctx = _ctx(make_company(), mini_library)
    root = _xml(ctx)
    base = "org.mpxj.mspdi.schema.Project"
    checks = {
        ".": base,
        "p:Calendars/p:Calendar": f"{base}$Calendars$Calendar",
        "p:Calendars/p:Calendar/p:WeekDays/p:WeekDay": f"{base}$Calendars$Calendar$WeekDays$WeekDay",
        "p:Tasks/p:Task": f"{base}$Tasks$Task",
        "p:Tasks/p:Task/p:PredecessorLink": f"{base}$Tasks$Task$PredecessorLink",
        "p:Resources/p:Resource": f"{base}$Resources$Resource",
        "p:Assignments/p:Assignment": f"{base}$Assignments$Assignment",
    }
    for path, class_name in checks.items():
        order = _prop_order(mpxj, class_name)
        elements = [root] if path == "." else root.findall(path, NS)
        assert elements, path
        for el in elements:
            tags = [child.tag.split("}")[1].lower() for child in el]
            assert all(tag in order for tag in tags), (path, [t for t in tags if t not in order])
            positions = [order.index(tag) for tag in tags]
            assert positions == sorted(positions), (path, tags)


# The MSPDI schema as MPXJ's JAXB model declares it: which elements are required, and their types.
_SCHEMA_CLASSES = {
    ".": "",
    "p:Calendars/p:Calendar": "$Calendars$Calendar",
    "p:Calendars/p:Calendar/p:WeekDays/p:WeekDay": "$Calendars$Calendar$WeekDays$WeekDay",
    "p:Calendars/p:Calendar/p:Exceptions/p:Exception": "$Calendars$Calendar$Exceptions$Exception",
    "p:Tasks/p:Task": "$Tasks$Task",
    "p:Tasks/p:Task/p:PredecessorLink": "$Tasks$Task$PredecessorLink",
    "p:Tasks/p:Task/p:Baseline": "$Tasks$Task$Baseline",
    "p:Resources/p:Resource": "$Resources$Resource",
    "p:Assignments/p:Assignment": "$Assignments$Assignment",
}
_VALUE = {
    "java.math.BigInteger": r"-?\d+",
    "java.lang.Integer": r"-?\d+",
    "java.math.BigDecimal": r"-?\d+(\.\d+)?",
    "java.lang.Double": r"-?\d+(\.\d+)?",
    "java.lang.Boolean": r"0|1|true|false",
    "boolean": r"0|1|true|false",
    "java.time.LocalDateTime": r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d",
    "java.time.LocalTime": r"\d\d:\d\d:\d\d",
}


def _schema_fields(jpype: Any, class_name: str) -> dict[str, tuple[bool, str]]:
    """Element name → (required, Java type) for one element of MPXJ's JAXB model of the MSPDI schema."""
    cls = jpype.JClass("java.lang.Class").forName(class_name)
    xml_element = jpype.JClass("jakarta.xml.bind.annotation.XmlElement")
    fields: dict[str, tuple[bool, str]] = {}
    for field in cls.getDeclaredFields():
        note = field.getAnnotation(xml_element)
        if note is None:
            continue
        name = str(note.name()) if str(note.name()) != "##default" else str(field.getName())
        fields[name] = (bool(note.required()), str(field.getType().getName()))
    return fields


@pytest.mark.parametrize("with_baseline", [False, True], ids=["plain", "baseline"])
def test_required_elements_present_and_values_typed(
    mpxj: Any, tmp_path: Path, mini_library: Path, make_company: Any, with_baseline: bool
) -> None:
    """What a validating reader checks: every element the schema requires is there, every value has its type."""
    import re

    company = make_company(
        """
        company: {name: Mini Co, employees: 300, country: RU}
        plan: {start: 2027-01-04}
        progress:
          alpha.one: {status: done, start: 2027-01-04, finish: 2027-01-12}
        """
    )
    baseline = None
    if with_baseline:
        from roadmap.plan import save_company_baseline

        baseline, _ = save_company_baseline(company, library_dir=mini_library)
    plan = plan_file(company, library_dir=mini_library, baseline=baseline)[0]
    root = _xml(RenderContext(plan=plan))
    checked = 0
    for path, suffix in _SCHEMA_CLASSES.items():
        fields = _schema_fields(mpxj, "org.mpxj.mspdi.schema.Project" + suffix)
        elements = [root] if path == "." else root.findall(path, NS)
        if path.endswith("Baseline") and not with_baseline:
            assert not elements
            continue
        assert elements, path
        for el in elements:
            present = {child.tag.split("}")[1] for child in el}
            assert {name for name, (required, _) in fields.items() if required} <= present, path
            for child in el:
                tag = child.tag.split("}")[1]
                pattern = _VALUE.get(fields[tag][1])
                if pattern and len(child) == 0:
                    assert re.fullmatch(pattern, child.text or ""), (path, tag, child.text)
                    checked += 1
    assert checked > 100


def _write_and_read(jpype: Any, project: Any, path: Path, file_format: str) -> Any:
    writer = jpype.JClass("org.mpxj.writer.UniversalProjectWriter")
    formats = jpype.JClass("org.mpxj.writer.FileFormat")
    writer(formats.valueOf(file_format)).write(project, str(path))
    return _read(jpype, path)


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_mpxj_writes_it_again_as_mspdi_and_mpx(mpxj: Any, example: Path, tmp_path: Path) -> None:
    """Read plan.xml, write it back as MSPDI and as MPX with MPXJ's writers: the dates survive both."""
    ctx = _ctx(example)
    (path,) = write_reports(ctx, ["mspdi"], tmp_path)
    project = _read(mpxj, path)
    _check_against_plan(_write_and_read(mpxj, project, tmp_path / "again.xml", "MSPDI"), ctx.plan)
    _check_against_plan(_write_and_read(mpxj, project, tmp_path / "again.mpx", "MPX"), ctx.plan)


def test_mpxj_fri_sat_weekend_and_lag(mpxj: Any, tmp_path: Path, mini_library: Path, make_company: Any) -> None:
    """Israel works Sunday to Thursday: the project calendar says so, and every date holds."""
    company = make_company(
        """
        company: {name: 'Шалом & <Co> "ltd"', employees: 300, country: IL}
        plan: {start: 2027-01-03}
        """
    )
    ctx = _ctx(company, mini_library)
    assert ctx.plan.calendar.weekend == ("fri", "sat")
    (path,) = write_reports(ctx, ["mspdi"], tmp_path)
    project = _read(mpxj, path)
    _check_against_plan(project, ctx.plan)
    assert str(project.getProjectProperties().getName()) == 'Шалом & <Co> "ltd"'
    calendar = project.getDefaultCalendar()
    local_date = mpxj.JClass("java.time.LocalDate")
    week = [calendar.isWorkingDate(local_date.of(2027, 1, day)) for day in range(3, 10)]  # Sunday 3 .. Saturday 9
    assert week == [True, True, True, True, True, False, False]
    scheduler = mpxj.JClass("org.mpxj.cpm.MicrosoftScheduler")()
    scheduler.schedule(project, project.getProjectProperties().getStartDate())
    _check_against_plan(project, ctx.plan)


def test_mpxj_reads_a_plan_with_every_stage_excluded(
    mpxj: Any, tmp_path: Path, mini_library: Path, make_company: Any
) -> None:
    company = make_company(
        """
        company: {name: Mini Co, employees: 300, country: FR}
        plan: {start: 2027-01-04, exclude: [alpha, beta]}
        """
    )
    ctx = _ctx(company, mini_library)
    assert not ctx.plan.tasks
    (path,) = write_reports(ctx, ["mspdi"], tmp_path)
    project = _read(mpxj, path)
    assert [t for t in project.getTasks() if int(t.getOutlineLevel()) > 0] == []
    _check_against_plan(_write_and_read(mpxj, project, tmp_path / "again.xml", "MSPDI"), ctx.plan)


def test_mpxj_reads_baseline_dates(mpxj: Any, tmp_path: Path, mini_library: Path, make_company: Any) -> None:
    from roadmap.plan import save_company_baseline

    company = make_company()
    baseline, _ = save_company_baseline(company, library_dir=mini_library)
    company.write_text(company.read_text(encoding="utf-8").replace("employees: 300", "employees: 900"))
    plan = plan_file(company, library_dir=mini_library, baseline=baseline)[0]
    assert any(task.slip_days for task in plan.tasks)
    (path,) = write_reports(RenderContext(plan=plan), ["mspdi"], tmp_path)
    project = _read(mpxj, path)
    _check_against_plan(project, plan)
    steps = [t for t in project.getTasks() if int(t.getOutlineLevel()) == 2]
    for read, task in zip(steps, plan.tasks, strict=True):
        assert (_day(read.getBaselineStart()), _day(read.getBaselineFinish())) == (
            task.baseline_start,
            task.baseline_finish,
        ), task.id
    stages = [t for t in project.getTasks() if int(t.getOutlineLevel()) == 1]
    for read, stage in zip(stages, plan.stages, strict=True):
        own = [task for task in plan.tasks if task.stage == stage.id]
        assert _day(read.getBaselineFinish()) == max(task.baseline_finish for task in own if task.baseline_finish)


# ------------------------------------------------------------------ issue 15: links, numbering, progress


def _links_of(root: ET.Element) -> dict[str, set[str]]:
    uid_name = {_get(el, "UID"): _get(el, "Name") for el in _tasks(root)}
    return {
        _get(el, "Name"): {uid_name[_get(link, "PredecessorUID")] for link in el.findall("p:PredecessorLink", NS)}
        for el in _tasks(root)
    }


def test_team_limit_order_written_as_links(mini_library: Path, make_company: Callable[..., Path]) -> None:
    """One developer: Two and Optional both follow One, and plan.xml says which waits for the other."""
    ctx = _ctx(make_company(), mini_library)
    pair = next(p for p in ctx.plan.resource_links if set(p) == {"alpha.opt", "alpha.two"})
    titles = {"alpha.opt": "Optional", "alpha.two": "Two"}
    earlier, later = (titles[i] for i in pair)
    root = _xml(ctx)
    assert _links_of(root)[later] == {"One", earlier}
    uid = {_get(el, "Name"): _get(el, "UID") for el in _tasks(root)}
    link = next(
        lk
        for el in _tasks(root)
        if _get(el, "Name") == later
        for lk in el.findall("p:PredecessorLink", NS)
        if _get(lk, "PredecessorUID") == uid[earlier]
    )
    assert _get(link, "Type") == "1" and _get(link, "LinkLag") == "0"


def test_wbs_codes_stable_when_a_stage_is_dropped(mini_library: Path, make_company: Callable[..., Path]) -> None:
    full = _xml(_ctx(make_company(), mini_library))
    dropped = _xml(_ctx(make_company(MINI_COMPANY_NO_ALPHA), mini_library))

    def codes(root: ET.Element) -> dict[str, tuple[str, str]]:
        return {_get(el, "Name"): (_get(el, "WBS"), _get(el, "OutlineNumber")) for el in _tasks(root)[1:]}

    assert codes(full)["Beta"] == ("2", "2")
    assert codes(dropped)["Beta"] == ("2", "1")  # the outline is positional, the WBS code stays
    assert codes(dropped)["B two"][0] == codes(full)["B two"][0] == "2.2"


MINI_COMPANY_NO_ALPHA = """
company: {name: Mini Co, employees: 300, country: FR}
plan: {start: 2027-01-04, exclude: [alpha]}
"""


def test_percent_complete_matches_actual_duration(mini_library: Path, make_company: Callable[..., Path]) -> None:
    company = make_company(
        """
        company: {name: Mini Co, employees: 300, country: FR}
        plan: {start: 2027-01-04}
        progress:
          alpha.two: {status: in_progress, start: 2027-01-13, percent: 33}
        """
    )
    root = _xml(_ctx(company, mini_library))
    el = next(el for el in _tasks(root) if _get(el, "Name") == "Two")

    def seconds(text: str) -> int:
        import re

        h, m, s = (int(x) for x in re.fullmatch(r"PT(\d+)H(\d+)M(\d+)S", text).groups())  # type: ignore[union-attr]
        return h * 3600 + m * 60 + s

    actual, remaining = seconds(_get(el, "ActualDuration")), seconds(_get(el, "RemainingDuration"))
    assert actual + remaining == seconds(_get(el, "Duration"))
    assert actual * 100 == int(_get(el, "PercentComplete")) * (actual + remaining)
    assert _get(el, "PercentComplete") == "33"


def test_baseline_duration_written(mini_library: Path, make_company: Callable[..., Path]) -> None:
    from roadmap.plan import save_company_baseline

    company = make_company()
    baseline, _ = save_company_baseline(company, library_dir=mini_library)
    plan = plan_file(company, library_dir=mini_library, baseline=baseline)[0]
    root = _xml(RenderContext(plan=plan))
    for el in _tasks(root)[1:]:
        base = el.find("p:Baseline", NS)
        assert base is not None
        expected = "PT0H0M0S" if _get(el, "Milestone") == "1" else _get(el, "Duration")
        assert _get(base, "Duration") == expected, _get(el, "Name")


@pytest.mark.external
def test_rescheduling_with_progress_keeps_slack_and_critical_flags(mpxj: Any, tmp_path: Path) -> None:
    """Done and in-progress steps at a status date: the same slack, and a finished step is not critical."""
    example = next(p for p in EXAMPLES if p.stem == "services-180")
    company = tmp_path / example.name
    company.write_text(
        example.read_text(encoding="utf-8")
        + "progress:\n"
        + "  setup.kickoff: {status: done, start: 2027-01-11, finish: 2027-01-15}\n"
        + "  setup.infrastructure: {status: in_progress, start: 2027-01-18, percent: 40}\n",
        encoding="utf-8",
    )
    plan = plan_file(company, as_of=dt.date(2027, 1, 25))[0]
    assert not next(task for task in plan.tasks if task.id == "setup.kickoff").critical
    (path,) = write_reports(RenderContext(plan=plan), ["mspdi"], tmp_path)
    project = _read(mpxj, path)
    scheduler = mpxj.JClass("org.mpxj.cpm.MicrosoftScheduler")()
    scheduler.schedule(project, project.getProjectProperties().getStartDate())
    _check_against_plan(project, plan)
    _check_slack(project, plan)


@pytest.mark.parametrize("name", ["manufacturer-1200", "builder-sites"])
def test_plan_xml_is_what_elementtree_writes_for_its_own_tree(name: str) -> None:
    """Issue 14: plan.xml is written straight as text (_Xml), in pieces; parsed back and written
    again by the standard library (``ET.indent`` then ``ET.tostring``), it is the same text:
    the same escaping, empty elements and indentation."""
    plan = plan_file(ROOT / "examples" / f"{name}.yaml", as_of=dt.date(2027, 6, 1))[0]
    text = render("mspdi", RenderContext(plan=plan)).decode("utf-8")
    declaration, body = text.split("\n", 1)
    assert declaration == '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    ET.register_namespace("", NAMESPACE)
    root = ET.fromstring(body)
    ET.indent(root, "  ")
    assert ET.tostring(root, encoding="unicode") + "\n" == body
    assert "<Calendars>" in body and "<Exceptions>" in body and "<Assignments>" in body


def test_an_element_with_nothing_in_it_closes_at_once() -> None:
    from roadmap.render.mspdi import _Xml

    empty = _Xml("Resources", 1)
    assert empty.xml() == "<Resources />"
    top = _Xml("Project", 0)
    top.sub("Calendars").sub("Calendar").leaves(("UID", "1"))
    assert top.body() == "\n  <Calendars>\n    <Calendar>\n      <UID>1</UID>\n    </Calendar>\n  </Calendars>"
    with pytest.raises(ValueError, match="closed"):  # its children are written: nothing may follow
        top.sub("Tasks")
    with pytest.raises(ValueError, match="nested"):  # a nested element's text is its parent's
        _Xml("Project", 0).sub("Tasks").body()


def test_leaves_are_written_escaped_and_indented_after_the_open_child_closes() -> None:
    from roadmap.render.mspdi import _Xml

    task = _Xml("Task")
    task.sub("Link").sub("Inner", "1")  # an open child is closed first
    task.leaves(("UID", "7"), ("Name", "R&D <b> > a"), ("Notes", ""))
    assert task.xml() == (
        "<Task>\n      <Link>\n        <Inner>1</Inner>\n      </Link>"
        "\n      <UID>7</UID>\n      <Name>R&amp;D &lt;b&gt; &gt; a</Name>\n      <Notes />\n    </Task>"
    )
    with pytest.raises(ValueError, match="closed"):
        task.leaves(("Late", "1"))
