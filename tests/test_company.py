"""The company file: each problem reported once, at FILE:LINE:COL, with exit code 2 material."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from roadmap.company import fit_warning, load_company
from roadmap.errors import InputError
from roadmap.library import load_library


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
