"""plan.ics: parsed back with the icalendar library."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from icalendar import Calendar

from roadmap.errors import InputError
from roadmap.plan import plan_file
from roadmap.render import RenderContext, render, write_reports
from roadmap.render.ics import escape_text, fold
from tests.conftest import EXAMPLES, examples


def _ctx(path: Path, library: Path | None = None, lang: str = "en", **options: str) -> RenderContext:
    plan = plan_file(path, library_dir=library, lang=lang)[0]
    return RenderContext(plan=plan, options=tuple(options.items()))


def _events(data: bytes) -> list[dict[str, object]]:
    cal = Calendar.from_ical(data)
    return [
        {
            "uid": str(ev["UID"]),
            "summary": str(ev["SUMMARY"]),
            "description": str(ev.get("DESCRIPTION", "")),
            "start": ev.decoded("DTSTART"),
            "end": ev.decoded("DTEND"),
            "stamp": ev.decoded("DTSTAMP"),
        }
        for ev in cal.walk("VEVENT")
    ]


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_an_all_day_event_per_step_and_milestone(example: Path, tmp_path: Path) -> None:
    ctx = _ctx(example)
    (path,) = write_reports(ctx, ["ics"], tmp_path)
    assert path.name == "plan.ics"
    data = path.read_bytes()
    cal = Calendar.from_ical(data)
    assert str(cal["VERSION"]) == "2.0" and cal.get("PRODID") and str(cal["CALSCALE"]) == "GREGORIAN"
    events = _events(data)
    assert len(events) == len(ctx.plan.tasks)
    for event, task in zip(events, ctx.plan.tasks, strict=True):
        # issue 17: a per-site step's event names its site
        assert event["summary"] == (task.title if task.site is None else f"{task.title} — {task.site}")
        assert event["start"] == task.start and type(event["start"]) is dt.date
        assert event["end"] == task.finish + dt.timedelta(days=1)
        assert event["stamp"] == dt.datetime(
            ctx.plan.start.year, ctx.plan.start.month, ctx.plan.start.day, tzinfo=dt.UTC
        )
        assert task.id in str(event["description"])
    assert len({e["uid"] for e in events}) == len(events)
    assert all(str(e["uid"]).endswith("@roadmap") for e in events)
    lines = data.split(b"\r\n")
    assert lines[-1] == b"" and all(b"\n" not in line for line in lines)
    assert all(len(line) <= 75 for line in lines)


def test_stage_level_one_event_per_stage() -> None:
    ctx = _ctx(EXAMPLES[0], ics_level="stage")
    events = _events(render("ics", ctx))
    assert [(e["start"], e["end"]) for e in events] == [
        (s.start, s.finish + dt.timedelta(days=1)) for s in ctx.plan.stages
    ]
    assert [e["summary"] for e in events] == [f"{s.order}. {s.title}" for s in ctx.plan.stages]


def test_unknown_level_is_an_input_error() -> None:
    with pytest.raises(InputError, match="ics_level: unknown level"):
        render("ics", _ctx(EXAMPLES[0], ics_level="week"))


def test_uids_stable_across_runs_and_bytes_identical(mini_library: Path, make_company: Callable[..., Path]) -> None:
    first = render("ics", _ctx(make_company(), mini_library))
    second = render("ics", _ctx(make_company(), mini_library))
    assert first == second
    other = render("ics", _ctx(make_company(), mini_library, ics_level="stage"))
    assert {e["uid"] for e in _events(first)}.isdisjoint({e["uid"] for e in _events(other)})


def test_french_cyrillic_and_special_characters(mini_library: Path, make_company: Callable[..., Path]) -> None:
    ctx = _ctx(make_company(), mini_library, lang="fr")
    title = "Внедрение портала; étape «1», chemin C:\\dossier\nsuite " + "долгое название " * 6
    tasks = (ctx.plan.tasks[0].model_copy(update={"title": title}), *ctx.plan.tasks[1:])
    odd = RenderContext(plan=ctx.plan.model_copy(update={"tasks": tasks}))
    data = render("ics", odd)
    assert all(len(line) <= 75 for line in data.split(b"\r\n"))
    data.decode("utf-8")  # folding never splits a character
    events = _events(data)
    assert events[0]["summary"] == title
    assert [e["summary"] for e in events[1:]] == [t.title for t in ctx.plan.tasks[1:]]
    assert "Rôles" in str(events[0]["description"])


def test_escape_and_fold() -> None:
    assert escape_text("a\\b;c,d\ne\r\nf\x07") == "a\\\\b\\;c\\,d\\ne\\nf"
    line = "SUMMARY:" + "é" * 80
    folded = fold(line)
    parts = folded.split("\r\n")
    assert all(len(p.encode()) <= 75 for p in parts)
    assert all(p.startswith(" ") for p in parts[1:])
    assert "".join(p[1:] if i else p for i, p in enumerate(parts)) == line
    assert fold("SHORT:x") == "SHORT:x"


def test_uids_survive_changes_of_dates_and_scope(mini_library: Path, make_company: Callable[..., Path]) -> None:
    """Importing the file again after a replan updates each event: its UID depends on the company and step only."""
    before = _events(render("ics", _ctx(make_company(), mini_library)))
    bigger = make_company(
        "company: {name: Mini Co, employees: 900, country: FR}\nplan: {start: 2027-02-01}\nanswers: {q1: y}\n"
    )
    ctx = _ctx(bigger, mini_library)
    after = _events(render("ics", ctx))
    assert [e["start"] for e in after] != [e["start"] for e in before[: len(after)]]
    old = {str(e["summary"]): e["uid"] for e in before}
    new = {str(e["summary"]): e["uid"] for e in after}
    assert set(new) != set(old)  # the answer dropped a step
    assert all(new[title] == old[title] for title in set(new) & set(old))


def test_a_plan_with_no_step_is_still_a_valid_calendar(mini_library: Path, make_company: Callable[..., Path]) -> None:
    """RFC 5545 wants at least one component: no event, but one journal entry saying why."""
    company = make_company(
        "company: {name: Mini Co, employees: 300, country: FR}\nplan: {start: 2027-01-04, exclude: [alpha, beta]}\n"
    )
    for level in ("step", "stage"):
        ctx = _ctx(company, mini_library, ics_level=level)
        assert not ctx.plan.tasks
        data = render("ics", ctx)
        cal = Calendar.from_ical(data)
        assert cal.walk("VEVENT") == []
        (note,) = cal.walk("VJOURNAL")
        assert str(note["SUMMARY"]) == "Mini Co: no step in the plan"
        assert note.decoded("DTSTART") == ctx.plan.start and note.get("UID") and note.get("DTSTAMP")
        assert "alpha.one: " in str(note["DESCRIPTION"])
        assert render("ics", ctx) == data


# ------------------------------------------------------------------ issue 15: re-import updates events


class _Client:
    """A calendar that keeps one copy per UID and replaces it as RFC 5546 says: a higher SEQUENCE,
    or an equal one with a later DTSTAMP. It reads files with vobject, a second parser."""

    def __init__(self) -> None:
        self.events: dict[str, tuple[int, dt.datetime, dt.date, dt.date]] = {}

    def load(self, data: bytes) -> int:
        vobject = pytest.importorskip("vobject")
        updated = 0
        for event in vobject.readOne(data.decode("utf-8")).vevent_list:
            uid = event.uid.value
            new = (int(event.sequence.value), event.dtstamp.value, event.dtstart.value, event.dtend.value)
            old = self.events.get(uid)
            if old is None or new[0] > old[0] or (new[0] == old[0] and new[1] > old[1]):
                updated += old is not None and old[2:] != new[2:]
                self.events[uid] = new
        return updated


def _plan_into(company: Path, library: Path, out: Path, **kwargs: object) -> bytes:
    plan, _company_input, _lib = plan_file(company, library_dir=library, **kwargs)  # type: ignore[arg-type]
    (path,) = write_reports(RenderContext(plan=plan), ["ics"], out)
    return path.read_bytes()


def test_a_calendar_follows_events_that_move_later_then_earlier(
    mini_library: Path, make_company: Callable[..., Path], tmp_path: Path
) -> None:
    company = make_company()
    out = tmp_path / "out"
    client = _Client()
    first = _plan_into(company, mini_library, out)
    assert client.load(first) == 0
    assert _plan_into(company, mini_library, out) == first  # unchanged plan: same bytes

    company.write_text(company.read_text(encoding="utf-8").replace("employees: 300", "employees: 700"))
    later = _plan_into(company, mini_library, out)
    moved = client.load(later)
    assert moved > 0
    company.write_text(company.read_text(encoding="utf-8").replace("employees: 700", "employees: 300"))
    back = _plan_into(company, mini_library, out)
    assert client.load(back) == moved  # moved back earlier: updated again, not ignored
    starts = {ev["uid"]: ev["start"] for ev in _events(first)}
    assert {uid: v[2] for uid, v in client.events.items()} == starts

    cal = Calendar.from_ical(back)  # the first parser agrees on the sequences
    sequences = {str(ev["UID"]): int(ev["SEQUENCE"]) for ev in cal.walk("VEVENT")}
    assert set(sequences.values()) <= {0, 2} and 2 in sequences.values()


def test_sequence_from_the_baseline_without_a_previous_file(
    mini_library: Path, make_company: Callable[..., Path], tmp_path: Path
) -> None:
    from roadmap.plan import save_company_baseline

    company = make_company()
    baseline, _ = save_company_baseline(company, library_dir=mini_library)
    company.write_text(company.read_text(encoding="utf-8").replace("employees: 300", "employees: 700"))
    plan = plan_file(company, library_dir=mini_library, baseline=baseline)[0]
    data = render("ics", RenderContext(plan=plan))
    cal = Calendar.from_ical(data)
    by_title = {str(ev["SUMMARY"]): int(ev["SEQUENCE"]) for ev in cal.walk("VEVENT")}
    for task in plan.tasks:
        moved = task.start != task.baseline_start or task.finish != task.baseline_finish
        assert (by_title[task.title] > 0) == moved, task.id


def test_dtstamp_is_the_status_date(mini_library: Path, make_company: Callable[..., Path]) -> None:
    plan = plan_file(make_company(), library_dir=mini_library, as_of=dt.date(2027, 2, 1))[0]
    cal = Calendar.from_ical(render("ics", RenderContext(plan=plan)))
    stamps = {ev.decoded("DTSTAMP") for ev in cal.walk("VEVENT")}
    assert stamps == {dt.datetime(2027, 2, 1, tzinfo=dt.UTC)}


def _fold_by_characters(line: str) -> str:
    """RFC 5545 folding as written first: character by character (the reference)."""
    if len(line.encode("utf-8")) <= 75:
        return line
    parts: list[str] = []
    current: list[str] = []
    size, limit = 0, 75
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            parts.append("".join(current))
            current, size, limit = [], 0, 74
        current.append(char)
        size += width
    parts.append("".join(current))
    return "\r\n ".join(parts)


@settings(max_examples=examples(300), deadline=None)
@given(st.text(st.characters(blacklist_categories=("Cs",)), max_size=400))
def test_fold_cuts_bytes_where_the_character_loop_did(line: str) -> None:
    """fold() works on the line's bytes (issue 14: ics at 10,000 steps); it cuts exactly where a
    character-by-character fold does, never inside a character."""
    assert fold(line) == _fold_by_characters(line)
