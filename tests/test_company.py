"""The company file: each problem reported once, at FILE:LINE:COL, with exit code 2 material."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest

from roadmap.company import fit_warning, load_company
from roadmap.errors import InputError
from roadmap.library import load_library
from tests.conftest import write_tree


@pytest.fixture
def errors_of(mini_library: Path, make_company: Callable[..., Path]) -> Callable[[str], list[str]]:
    library = load_library(mini_library)

    def run(text: str) -> list[str]:
        path = make_company(text)
        with pytest.raises(InputError) as info:
            load_company(path, library)
        return [str(d).split("company.yaml:", 1)[1] for d in info.value.diagnostics]

    return run


BASE = """\
company:
  name: Mini Co
  employees: 300
  country: FR
plan:
  start: 2027-01-04
"""


def test_valid_file_loads(mini_library: Path, make_company: Callable[..., Path]) -> None:
    loaded = load_company(make_company(BASE), load_library(mini_library))
    assert loaded.data.company.name == "Mini Co"
    assert loaded.data.company.branches == 0 and loaded.data.company.hierarchy_levels == 3


def test_unknown_top_level_key(errors_of: Callable[[str], list[str]]) -> None:
    assert errors_of(BASE + "anwsers: {}\n") == ["7:1: unknown key 'anwsers' (did you mean 'answers'?)"]


def test_wrong_type(errors_of: Callable[[str], list[str]]) -> None:
    errors = errors_of(BASE.replace("employees: 300", "employees: many"))
    assert len(errors) == 1 and errors[0].startswith("3:14: company.employees:")


def test_missing_required(errors_of: Callable[[str], list[str]]) -> None:
    errors = errors_of(BASE.replace("  employees: 300\n", ""))
    assert errors == ["2:3: company: missing required key 'employees'"]


def test_unknown_ids_everywhere(errors_of: Callable[[str], list[str]]) -> None:
    text = BASE + (
        "  exclude: [alpha.tow]\n"
        "team:\n  pmm: 2\n"
        "answers:\n  q3: x\n  q1: z\n"
        "progress:\n  alpha.on: {status: done, start: 2027-01-04, finish: 2027-01-05}\n"
    )
    assert errors_of(text) == [
        "7:13: unknown stage or step 'alpha.tow' (did you mean 'alpha.two'?)",
        "9:3: unknown role 'pmm' (did you mean 'pm'?)",
        "11:3: unknown question 'q3'",
        "12:7: answer to 'q1': expected one of x, y, got 'z'",
        "14:3: unknown step 'alpha.on' (did you mean 'alpha.one'?)",
    ]


def test_answer_of_the_wrong_kind(errors_of: Callable[[str], list[str]]) -> None:
    assert errors_of(BASE + "answers:\n  q2: 12\n") == ["8:7: answer to 'q2': expected yes or no (true/false), got 12"]


def test_yes_no_words_are_understood(mini_library: Path, make_company: Callable[..., Path]) -> None:
    loaded = load_company(make_company(BASE + "answers:\n  q2: 'yes'\n"), load_library(mini_library))
    assert loaded.data.answers["q2"] is True


def test_impossible_dates(errors_of: Callable[[str], list[str]]) -> None:
    text = BASE + "progress:\n  alpha.one: {status: done, start: 2027-02-10, finish: 2027-02-01}\n"
    assert errors_of(text) == ["8:56: finish 2027-02-01 is before start 2027-02-10"]
    assert errors_of(BASE.replace("2027-01-04", "2027-02-30"))[0].startswith("6:10:")


def test_progress_needs_actual_dates(errors_of: Callable[[str], list[str]]) -> None:
    errors = errors_of(BASE + "progress:\n  alpha.one: {status: done}\n")
    assert errors == [
        "8:14: 'alpha.one' is done: give its actual finish",
        "8:14: 'alpha.one' is done: give its actual start",
    ]


def test_unknown_country(errors_of: Callable[[str], list[str]]) -> None:
    assert errors_of(BASE.replace("country: FR", "country: XX"))[0].startswith("4:12: unknown country code 'XX'")


def test_python_object_tag_is_refused(errors_of: Callable[[str], list[str]]) -> None:
    errors = errors_of("company: !!python/object/apply:os.system ['echo hacked']\n")
    assert len(errors) == 1 and "not allowed" in errors[0]


def test_top_level_must_be_a_mapping(errors_of: Callable[[str], list[str]]) -> None:
    errors = errors_of("- a\n- b\n")
    assert len(errors) == 1 and "mapping" in errors[0]


def test_fit_warning(mini_library: Path, make_company: Callable[..., Path]) -> None:
    library = load_library(mini_library)
    small = load_company(make_company(BASE.replace("300", "90")), library).data
    big = load_company(make_company(BASE.replace("300", "4000")), library).data
    fits = load_company(make_company(BASE), library).data
    assert fit_warning(small) is not None and "below" in fit_warning(small)  # type: ignore[operator]
    assert fit_warning(big) is not None and "above" in fit_warning(big)  # type: ignore[operator]
    assert fit_warning(fits) is None


# ------------------------------------------------------------ how a PM really writes it

KINDS = """
id: kinds
order: 1
title: Kinds
goal: Every kind of question
steps:
  - {id: kinds.one, title: One, duration_days: 1}
questions:
  - {id: pick, text: Pick, kind: single, options: [{value: "yes", label: "Yes"}, {value: "no", label: "No"}]}
  - {id: many, text: Many, kind: multiple, options: [{value: a, label: A}, {value: b, label: B}]}
  - {id: flag, text: Flag, kind: yes_no}
  - {id: count, text: Count, kind: number}
  - {id: note, text: Note, kind: text}
  - {id: day, text: Day, kind: date}
"""


@pytest.fixture
def kinds_of(tmp_path: Path) -> Callable[[str], dict[str, object]]:
    library = load_library(write_tree(tmp_path / "kinds", {"kinds.yaml": KINDS}))

    def run(answers: str) -> dict[str, object]:
        path = write_tree(tmp_path, {"c.yaml": BASE + "answers:\n" + answers}) / "c.yaml"
        return dict(load_company(path, library).data.answers)

    return run


def test_empty_sections_are_empty(mini_library: Path, make_company: Callable[..., Path]) -> None:
    text = BASE + "  exclude:\n  holidays:\n  weekend:\nteam:\nanswers:\nprogress:\nreport:\n"
    data = load_company(make_company(text), load_library(mini_library)).data
    assert (data.team, data.answers, data.progress, data.report) == ({}, {}, {}, None)
    assert (data.plan.exclude, data.plan.holidays, data.plan.weekend) == ((), (), None)


def test_quoted_numbers_and_dates_are_read(mini_library: Path, make_company: Callable[..., Path]) -> None:
    text = BASE.replace("employees: 300", 'employees: "1200"').replace("2027-01-04", '"2027-01-04"')
    data = load_company(make_company(text), load_library(mini_library)).data
    assert data.company.employees == 1200 and data.plan.start == dt.date(2027, 1, 4)


def test_yes_no_is_not_a_number(errors_of: Callable[[str], list[str]]) -> None:
    errors = errors_of(BASE.replace("employees: 300", "employees: yes") + "team:\n  pm: on\n")
    assert errors == [
        "3:14: company.employees: expected a whole number, not yes/no, got true",
        "8:7: team.pm: expected a number of people, not yes/no, got true",
    ]


def test_norway_is_not_false(mini_library: Path, make_company: Callable[..., Path]) -> None:
    data = load_company(make_company(BASE.replace("country: FR", "country: NO")), load_library(mini_library)).data
    assert data.company.country == "NO"


def test_lower_case_country_suggests_capitals(errors_of: Callable[[str], list[str]]) -> None:
    assert errors_of(BASE.replace("country: FR", "country: fr"))[0].endswith("got 'fr' (did you mean 'FR'?)")


@pytest.mark.parametrize(
    ("written", "read"),
    [("yes", True), ("no", False), ("'true'", True), ("oui", True), ("NON", False), ("Off", False), ("y", True)],
)
def test_yes_no_answers_in_any_spelling(kinds_of: Callable[[str], dict[str, object]], written: str, read: bool) -> None:
    assert kinds_of(f"  flag: {written}\n")["flag"] is read


def test_lenient_answers_are_read_as_meant(kinds_of: Callable[[str], dict[str, object]]) -> None:
    answers = kinds_of('  pick: no\n  many: a\n  count: "12"\n  note: "5"\n  day: "2027-03-01"\n')
    assert answers == {"pick": "no", "many": ["a"], "count": 12, "note": "5", "day": dt.date(2027, 3, 1)}


def test_an_empty_answer_is_unanswered(kinds_of: Callable[[str], dict[str, object]]) -> None:
    assert kinds_of("  pick:\n  many:\n  day:\n") == {"pick": None, "many": None, "day": None}


def test_answer_problems_point_at_the_item(tmp_path: Path, kinds_of: Callable[[str], dict[str, object]]) -> None:
    with pytest.raises(InputError) as info:
        kinds_of("  many: [a, c]\n  count: .inf\n  note: 5\n  flag: maybe\n")
    assert [str(d).split("c.yaml:", 1)[1] for d in info.value.diagnostics] == [
        "8:13: answer to 'many': 'c' is not one of a, b",
        "9:10: answer to 'count': expected a number >= 0, got inf",
        "10:9: answer to 'note': expected text, got 5 (put it in quotes)",
        "11:9: answer to 'flag': expected yes or no (true/false), got 'maybe'",
    ]
    with pytest.raises(InputError) as info:
        kinds_of("  day: 2027-03-01 10:00:00\n")
    assert "without a time" in str(info.value)


def test_every_impossible_date_is_reported_with_the_rest(errors_of: Callable[[str], list[str]]) -> None:
    text = BASE.replace("2027-01-04", "2027-02-30") + "  holidays: [2027-13-01]\n  weekend: [sunday]\n"
    assert errors_of(text) == [
        "6:10: invalid date '2027-02-30': day is out of range for month",
        "7:14: invalid date '2027-13-01': month must be in 1..12",
        "8:13: plan.weekend[0]: expected one of 'mon', 'tue', 'wed', 'thu', 'fri', 'sat' or 'sun', got 'sunday'"
        " (did you mean 'sun'?)",
    ]


def test_misindented_key_says_where_it_belongs(errors_of: Callable[[str], list[str]]) -> None:
    assert errors_of(BASE + "  answers:\n    q1: x\n") == [
        "7:3: unknown key 'answers' (a top-level key: check the indentation)"
    ]
    text = BASE.replace("  employees: 300\n", "") + "employees: 300\n"
    assert errors_of(text)[-1] == "6:1: unknown key 'employees' (a key of 'company': check the indentation)"
