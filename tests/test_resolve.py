"""Which blocks apply, why, how long, and how ordering is bridged."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from roadmap.company import load_company
from roadmap.library import load_library
from roadmap.resolve import resolve

COMPANY = """
company: {{name: Mini Co, employees: {employees}, country: FR}}
plan:
  start: 2027-01-04
  exclude: {exclude}
answers: {answers}
"""


@pytest.fixture
def resolve_with(mini_library: Path, make_company: Callable[..., Path]):  # type: ignore[no-untyped-def]
    library = load_library(mini_library)

    def run(employees: int = 300, exclude: str = "[]", answers: str = "{}"):  # type: ignore[no-untyped-def]
        path = make_company(COMPANY.format(employees=employees, exclude=exclude, answers=answers))
        return resolve(library, load_company(path, library).data, "en", path.name)

    return run


def test_defaults_apply_option_effects(resolve_with) -> None:  # type: ignore[no-untyped-def]
    res = resolve_with()
    assert set(res.blocks) == {"alpha.one", "alpha.two", "alpha.opt", "alpha.done", "beta.one", "beta.two", "beta.done"}
    assert res.risks == [("X is risky", 'answer "X way" to "Which way?"')]
    assert res.blocks["alpha.one"].duration == 3 + 1 + 2
    assert res.blocks["alpha.one"].why == (
        "base 3 working days (library assumption)",
        "+1 for 300 employees (+1 per 100 above 200, at most +3)",
        '+2 from answer "X way" to "Which way?"',
    )
    assert res.dropped == {}


def test_answer_excludes_and_requires_cascades(resolve_with) -> None:  # type: ignore[no-untyped-def]
    res = resolve_with(answers="{q1: y}")
    assert res.dropped == {
        "alpha.two": 'answer "Y way" to "Which way?"',
        "alpha.opt": 'optional, not selected (planned with answer "X way" to "Which way?")',
        "beta.one": 'requires "Two", which was dropped',
    }
    assert res.blocks["alpha.one"].duration == 4
    assert res.risks == []
    assert "q2" not in res.applicable_questions


def test_excluded_stage_is_bridged(resolve_with) -> None:  # type: ignore[no-untyped-def]
    res = resolve_with(exclude="[alpha]")
    assert res.dropped["alpha.one"] == "stage alpha excluded in company.yaml"
    assert res.dropped["alpha.done"] == "stage alpha excluded in company.yaml"
    assert res.dropped["beta.one"] == 'requires "Two", which was dropped'
    assert list(res.graph.predecessors("beta.two")) == []


def test_bridging_adds_lags(resolve_with) -> None:  # type: ignore[no-untyped-def]
    res = resolve_with(exclude="[alpha.one]")
    assert "alpha.one" in res.dropped
    # alpha.opt followed alpha.one with lag 1; alpha.one had no predecessor: now a root
    assert list(res.graph.predecessors("alpha.opt")) == []
    # beta steps still follow the alpha milestone
    assert res.graph.edges["alpha.done", "beta.two"]["lag"] == 0


def test_step_condition_on_company_fact(resolve_with) -> None:  # type: ignore[no-untyped-def]
    res = resolve_with(employees=90)
    assert res.dropped["beta.two"] == 'does not apply with "employees": 90'
    assert res.blocks["alpha.one"].duration == 5  # no scaling below 200


def test_milestone_links_only_from_stage_ends(resolve_with) -> None:  # type: ignore[no-untyped-def]
    res = resolve_with()
    assert sorted(res.graph.predecessors("alpha.done")) == ["alpha.opt", "alpha.two"]


def test_french_reasons(mini_library: Path, make_company: Callable[..., Path]) -> None:
    library = load_library(mini_library)
    path = make_company(COMPANY.format(employees=300, exclude="[alpha.two]", answers="{}"))
    res = resolve(library, load_company(path, library).data, "fr", path.name)
    assert res.dropped["alpha.two"] == "exclue dans company.yaml"
    assert res.dropped["beta.one"] == "requiert « Two », qui a été retirée"


def test_stage_emptied_step_by_step_loses_its_milestone(resolve_with) -> None:  # type: ignore[no-untyped-def]
    res = resolve_with(exclude="[alpha.one, alpha.two, alpha.opt]")
    assert res.dropped["alpha.done"] == "no step of stage alpha is left in the plan"


def test_an_excluded_stage_raises_none_of_its_risks(resolve_with) -> None:  # type: ignore[no-untyped-def]
    assert resolve_with().risks == [("X is risky", 'answer "X way" to "Which way?"')]
    res = resolve_with(exclude="[alpha]")
    assert res.risks == []
