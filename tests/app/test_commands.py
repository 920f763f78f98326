"""The application layer's commands (roadmap.app): plain values in, frozen results out, no terminal."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path

import pytest

import roadmap
from roadmap import app
from roadmap.errors import InputError, OutputError


def test_the_package_exports_what_all_names() -> None:
    for name in roadmap.__all__:
        assert getattr(roadmap, name) is not None, name
    assert roadmap.plan_company is app.plan_company and roadmap.Plan.__name__ == "Plan"
    with pytest.raises(AttributeError):
        roadmap.no_such_thing  # noqa: B018


def test_validate_checks_every_file(mini_library: Path, make_company: Callable[..., Path]) -> None:
    good = make_company()
    bad = make_company("company: {name: X}\n", name="bad.yaml")
    found = app.validate([good, bad, good], library_dir=mini_library)
    assert (found.stages, found.steps, found.questions) == (2, 5, 2)
    assert [c.path for c in found.passed] == [good, good]
    assert (found.passed[0].name, found.passed[0].employees, found.passed[0].answers) == ("Mini Co", 300, 0)
    assert found.problems and all(d.file == str(bad) for d in found.problems)
    with pytest.raises(dataclasses.FrozenInstanceError):
        found.stages = 3  # type: ignore[misc]


def test_plan_company_writes_and_summarises(
    mini_library: Path, make_company: Callable[..., Path], tmp_path: Path
) -> None:
    out = tmp_path / "out"
    run = app.plan_company(make_company(), out_dir=out, formats=["json"], library_dir=mini_library)
    assert run.written == (out / "plan.json",)
    assert json.loads(run.written[0].read_text(encoding="utf-8"))["finish"] == run.plan.finish.isoformat()
    assert run.sections[0].key == "headline" and run.baseline is None


def test_plan_company_strict_refuses_unanswered_and_writes_nothing(
    mini_library: Path, make_company: Callable[..., Path], tmp_path: Path
) -> None:
    out = tmp_path / "out"
    with pytest.raises(InputError, match="q1"):
        app.plan_company(make_company(), out_dir=out, formats=["json"], library_dir=mini_library, strict=True)
    assert not out.exists()


def test_explain_and_checklist(mini_library: Path, make_company: Callable[..., Path]) -> None:
    path = make_company()
    explained = app.explain_task("alpha.two", path, library_dir=mini_library)
    why = explained.explanation
    assert why.task.id == "alpha.two" and [c.id for c in why.predecessors] == ["alpha.one"]
    assert [s.key for s in explained.sections][:3] == ["explain_task", "explain_waits", "explain_duration"]
    assert explained.sections[0].title == "alpha.two — Two"
    assert explained.sections[1].lines[0].text.startswith("▶ after alpha.one One")
    markdown = app.make_checklist(path, library_dir=mini_library).markdown
    assert "Alpha" in markdown and "Two" in markdown


def test_init_company_without_an_asker_needs_name_and_employees(tmp_path: Path) -> None:
    with pytest.raises(app.FactsMissing) as missing:
        app.init_company(tmp_path / "c.yaml", employees=10)
    assert missing.value.fields == ("name",)
    written = app.init_company(tmp_path, name=" Acme ", employees=10, today=dt.date(2027, 1, 6))
    assert written.path == tmp_path / "company.yaml"
    assert "start: 2027-01-11" in written.path.read_text(encoding="utf-8")
    with pytest.raises(OutputError, match="already exists"):
        app.init_company(tmp_path, name="Acme", employees=10)


def test_baseline_then_diff(mini_library: Path, make_company: Callable[..., Path], tmp_path: Path) -> None:
    path = make_company()
    saved = app.save_baseline(path, library_dir=mini_library)
    assert saved.path == tmp_path / "company.baseline.json" and saved.tasks > 0
    same = app.diff_files(saved.path, saved.path)
    assert same.diff.unchanged
    assert [line.text for line in same.sections[0].lines][1:] == ["No differences."]
    first = same.sections[0].lines[0]
    assert (first.mark, first.style, first.whole) == ("Finish:", "bold", True)


def test_the_library_tree_holds_every_stage_step_and_question() -> None:
    from roadmap.app import describe_library
    from roadmap.app.views import library_tree

    view = describe_library(lang="en")
    tree = library_tree(view, "en")
    assert tree.style == "bold" and tree.note == f"({view.source})"
    assert [stage.note for stage in tree.children] == [s["id"] for s in view.data["stages"]]
    first, data = tree.children[0], view.data["stages"][0]
    steps, questions = first.children
    assert [n.text.split("  ")[0] for n in steps.children] == [s["id"] for s in data["steps"]]
    assert [n.text.split("  ")[0] for n in questions.children] == [q["id"] for q in data["questions"]]
    optional = next(s for s in data["steps"] if s["optional"])
    node = next(n for n in steps.children if n.text.startswith(optional["id"] + "  "))
    assert "(optional)" in node.note
