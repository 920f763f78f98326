"""``roadmap ask`` never invents an answer (issue 9, point 2): piped input and a pseudo-terminal."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli import app
from roadmap.company import load_company
from roadmap.library import load_library
from tests.conftest import MINI_ALPHA, MINI_BETA, MINI_COMPANY, MINI_ROLES, write_tree
from tests.test_choices import TOOLS

runner = CliRunner()


def _setup(tmp_path: Path, questions: str = "") -> tuple[Path, Path]:
    lib = write_tree(
        tmp_path / "lib", {"roles.yaml": MINI_ROLES, "1-alpha.yaml": MINI_ALPHA + questions, "2-beta.yaml": MINI_BETA}
    )
    return lib, write_tree(tmp_path, {"company.yaml": MINI_COMPANY}) / "company.yaml"


def _ask(lib: Path, path: Path, text: str) -> tuple[int, str, dict[str, object]]:
    result = runner.invoke(app, ["ask", str(path), "--library", str(lib)], input=text)
    return result.exit_code, result.output, dict(load_company(path, load_library(lib)).data.answers)


def test_enter_without_a_default_leaves_it_for_later(tmp_path: Path) -> None:
    lib, path = _setup(tmp_path)
    code, out, got = _ask(lib, path, "y\n\n")  # q1: Y way is option 2, typed by value; q2 not asked then
    assert code == 0, out
    lib, path = _setup(tmp_path / "again")
    code, out, got = _ask(lib, path, "1\n\n")  # q1 = x; q2 (yes/no, no default): Enter
    assert code == 0, out
    assert got == {"q1": "x"}
    assert "left unanswered for now" in out


def test_choices_offer_leave_for_later(tmp_path: Path) -> None:
    lib, path = _setup(tmp_path)
    code, out, got = _ask(lib, path, "0\n\n")  # q1 has a default: 0 leaves it for later all the same
    assert code == 0, out
    assert "  0. Leave it for later" in out
    assert got == {}


def test_exclusive_and_limits_are_refused_when_typed(tmp_path: Path) -> None:
    lib, path = _setup(tmp_path, TOOLS)
    # q1 = y (q2 not asked); tools: jira + none refused, then three refused, then jira + wiki
    code, out, got = _ask(lib, path, "2\n1, 4\n1, 2, 3\n1, 3\n")
    assert code == 0, out
    assert "! 'none' cannot be combined with another option" in out
    assert "! choose at most 2 (got 3)" in out
    assert got == {"q1": "y", "tools": ["jira", "wiki"]}


def test_end_of_input_keeps_the_answers_and_exits_0(tmp_path: Path) -> None:
    lib, path = _setup(tmp_path, TOOLS)
    code, out, got = _ask(lib, path, "2\n")
    assert code == 0, out
    assert got == {"q1": "y"}
    assert "input ended: 1 question(s) still unanswered" in out


# ---------------------------------------------------------------- a real terminal

DOWN, ENTER, SPACE, CTRL_D = "\x1b[B", "\r", " ", "\x04"


@pytest.mark.external
@pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal")
def test_terminal_never_invents_an_answer_and_ctrl_d_exits_0(tmp_path: Path) -> None:
    pytest.importorskip("pty")
    from tests.test_cli_ask import Terminal

    lib, path = _setup(tmp_path, TOOLS)
    term = Terminal("ask", str(path), "--library", str(lib))
    term.expect("Which way?")
    term.keys(ENTER)  # the default, X way
    term.expect("Big?")
    term.expect("leave")  # y or n; Enter leaves it for later, nothing pre-selected
    term.keys(ENTER)
    term.expect("Which tools?")
    term.keys(SPACE, DOWN, DOWN, DOWN, SPACE, ENTER)  # jira + none: refused (shown in the toolbar), not saved
    term.expect("None of these")
    term.keys(CTRL_D)
    assert term.wait() == 0
    assert "input ended" in term.text
    got = dict(load_company(path, load_library(lib)).data.answers)
    assert got == {"q1": "x"}
