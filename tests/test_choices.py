"""Exclusive options and min/max choices (issue 9, point 2): library checks and company checks."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from roadmap.company import load_company
from roadmap.errors import InputError
from roadmap.library import answer_problem, load_library
from tests.conftest import MINI_ALPHA, MINI_BETA, MINI_COMPANY, MINI_ROLES, write_tree

TOOLS = """
  - id: tools
    text: Which tools?
    kind: multiple
    min: 1
    max: 2
    options:
      - {value: jira, label: Jira}
      - {value: slack, label: Slack}
      - {value: wiki, label: Wiki}
      - {value: none, label: None of these, exclusive: true}
"""


def _library(tmp_path: Path, questions: str = TOOLS) -> Path:
    alpha = MINI_ALPHA + questions
    return write_tree(tmp_path / "lib", {"roles.yaml": MINI_ROLES, "1-alpha.yaml": alpha, "2-beta.yaml": MINI_BETA})


def _library_errors(folder: Path) -> list[str]:
    with pytest.raises(InputError) as info:
        load_library(folder)
    return [str(d) for d in info.value.diagnostics]


def test_limits_and_exclusive_are_read(tmp_path: Path) -> None:
    question = load_library(_library(tmp_path)).question("tools")
    assert question is not None
    assert (question.min, question.max) == (1, 2)
    assert [o.value for o in question.options if o.exclusive] == ["none"]


def test_answer_problem_refuses_combining_an_exclusive_option(tmp_path: Path) -> None:
    question = load_library(_library(tmp_path)).question("tools")
    assert question is not None
    assert answer_problem(question, ["jira", "none"]) == "'none' cannot be combined with another option"
    assert answer_problem(question, ["none"]) is None
    assert answer_problem(question, []) == "choose at least 1 (got 0)"
    assert answer_problem(question, ["jira", "slack", "wiki"]) == "choose at most 2 (got 3)"
    assert answer_problem(question, ["jira", "wiki"]) is None


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (("min: 1", "min: 3"), "min 3 is more than max 2"),
        (("max: 2", "max: 5"), "max 5 is more than the 4 options"),
        (("kind: multiple", "kind: single"), "'min' is for multiple-choice questions, not single"),
    ],
)
def test_library_checks_the_limits(tmp_path: Path, edit: tuple[str, str], expected: str) -> None:
    errors = _library_errors(_library(tmp_path, TOOLS.replace(*edit)))
    assert any(e.endswith(expected) for e in errors), errors
    assert all("1-alpha.yaml:" in e for e in errors)


def test_exclusive_only_on_multiple(tmp_path: Path) -> None:
    single = TOOLS.replace("kind: multiple", "kind: single").replace("    min: 1\n    max: 2\n", "")
    errors = _library_errors(_library(tmp_path, single))
    assert any(e.endswith("'exclusive' is for multiple-choice options, not single") for e in errors), errors


def test_library_default_must_respect_the_limits(tmp_path: Path) -> None:
    with_default = TOOLS.replace("    min: 1\n", "    min: 1\n    default: [jira, none]\n")
    errors = _library_errors(_library(tmp_path, with_default))
    assert any("default of 'tools': 'none' cannot be combined" in e for e in errors), errors


def _company_errors(tmp_path: Path, make_company: Callable[..., Path], answer: str) -> list[str]:
    library = load_library(_library(tmp_path))
    path = make_company(MINI_COMPANY + f"answers:\n  tools: {answer}\n")
    with pytest.raises(InputError) as info:
        load_company(path, library)
    return [str(d).split("company.yaml:", 1)[1] for d in info.value.diagnostics]


def test_validate_rejects_an_exclusive_option_combined(tmp_path: Path, make_company: Callable[..., Path]) -> None:
    errors = _company_errors(tmp_path, make_company, "[jira, none]")
    # line 8 of the file; column 17 is the 'none' item of the flow list
    assert errors == ["8:17: answer to 'tools': 'none' cannot be combined with another option"]


def test_validate_rejects_counts_outside_min_max(tmp_path: Path, make_company: Callable[..., Path]) -> None:
    assert _company_errors(tmp_path, make_company, "[jira, slack, wiki]") == [
        "8:10: answer to 'tools': choose at most 2 (got 3)"
    ]


def test_validate_accepts_an_exclusive_option_alone(tmp_path: Path, make_company: Callable[..., Path]) -> None:
    library = load_library(_library(tmp_path))
    loaded = load_company(make_company(MINI_COMPANY + "answers:\n  tools: [none]\n"), library)
    assert loaded.data.answers["tools"] == ["none"]


def test_cli_validate_exits_2(tmp_path: Path, make_company: Callable[..., Path]) -> None:
    from typer.testing import CliRunner

    import cli

    lib = _library(tmp_path)
    path = make_company(MINI_COMPANY + "answers:\n  tools: [jira, none]\n")
    result = CliRunner().invoke(cli.app, ["validate", str(path), "--library", str(lib)])
    assert result.exit_code == 2
    assert f"{path}:8:17: answer to 'tools': 'none' cannot be combined" in result.output


def test_schema_carries_the_limits(tmp_path: Path) -> None:
    from roadmap.schema import company_schema

    schema = company_schema(load_library(_library(tmp_path)))
    answers = schema["properties"]["answers"]["anyOf"][0]
    tools = answers["properties"]["tools"]["anyOf"][0]
    assert (tools["minItems"], tools["maxItems"]) == (1, 2)
    assert tools["allOf"] == [{"not": {"allOf": [{"contains": {"const": "none"}}, {"minItems": 2}]}}]
