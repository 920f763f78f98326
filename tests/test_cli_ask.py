"""``roadmap ask``, ``init`` and ``questionnaire`` end to end: piped input, a pseudo-terminal, files."""

from __future__ import annotations

import datetime as dt
import os
import re
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli import app
from roadmap.company import load_company
from roadmap.library import load_library
from tests.conftest import EXAMPLES, ROOT

runner = CliRunner()
LIBRARY = load_library()
SERVICES = next(p for p in EXAMPLES if p.name == "services-180.yaml")
SETUP_ANSWERS = ("org_source", "official_info", "info_publisher", "vacancies_source", "vacancies_autopost", "candy")


def open_setup(tmp_path: Path, drop: tuple[str, ...] = SETUP_ANSWERS) -> Path:
    """services-180.yaml with the given stage-1 answers removed (comments and layout as in the example)."""
    text = SERVICES.read_text(encoding="utf-8")
    kept = [line for line in text.splitlines(keepends=True) if not line.startswith(tuple(f"  {q}:" for q in drop))]
    path = tmp_path / "company.yaml"
    path.write_text("".join(kept), encoding="utf-8")
    return path


def answers(path: Path) -> dict[str, object]:
    return dict(load_company(path, LIBRARY).data.answers)


def outside_answers(text: str) -> tuple[str, list[str]]:
    """The text before ``answers:``, and the lines of the answers block minus the setup answers."""
    head, _, block = text.partition("\nanswers:")
    lines = [line for line in block.splitlines() if not line.startswith(tuple(f"  {q}:" for q in SETUP_ANSWERS))]
    return head, [line for line in lines if not line.startswith("  org_complications:")]


def ask(path: Path, text: str, *args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["ask", str(path), *args], input=text)
    return result.exit_code, result.output


# ---------------------------------------------------------------- piped input


def test_piped_answers_are_saved_and_summarised(tmp_path: Path) -> None:
    path = open_setup(tmp_path)
    before = path.read_text(encoding="utf-8")
    # org_source: 4 (nowhere) → org_complications is not asked; official_info: 1,2; info_publisher: hr;
    # vacancies_source: 1 (not digital) → vacancies_autopost is not asked; candy: Enter keeps the default
    code, out = ask(path, "4\n1, 2\nhr\n1\n\n", "--stage", "1")
    assert code == 0, out
    got = answers(path)
    assert {q: got.get(q) for q in SETUP_ANSWERS} == {
        "org_source": "nowhere",
        "official_info": ["file_share", "email"],
        "info_publisher": "hr",
        "vacancies_source": "not_digital",
        "vacancies_autopost": None,
        "candy": "phone_directory",
    }
    assert "org_complications" not in got
    assert "Which of these apply" not in out
    assert "Stage 1 · question 4 of 10 — org_source" in out
    nowhere = '  4. Nowhere: the portal becomes the point of truth — plans "Org structure kept in the portal"; raises a'
    assert nowhere in out
    assert "What the answers changed in the plan:" in out
    assert "Finish:" in out
    assert outside_answers(path.read_text(encoding="utf-8")) == outside_answers(before)


def test_conditions_follow_the_answers(tmp_path: Path) -> None:
    path = open_setup(tmp_path)
    code, out = ask(path, "ad\n3\n-\n2\n3\ny\n1\n", "--stage", "setup")
    assert code == 0, out
    assert "Which of these apply" in out
    assert "Should vacancies be posted" in out
    got = answers(path)
    assert got["org_complications"] == ["realtime"]
    assert got["official_info"] == []
    assert got["vacancies_autopost"] is True
    assert got["candy"] == "canteen_menu"
    assert "  + planned: setup.vacancies-feed" in out


def test_invalid_input_is_asked_again_with_the_reason(tmp_path: Path) -> None:
    path = open_setup(tmp_path, ("org_source",))
    code, out = ask(path, "9\nzz\nnowher\n2\n-\n", "--stage", "1")
    assert code == 0, out
    assert "9 is not an option number (1–5)" in out
    assert "'zz' is not an option: give a number 1–5 or one of ad, hris, ad_and_hris, nowhere, other" in out
    assert "did you mean 'nowhere'" in out
    assert out.count("answer (an option number or value; Enter keeps 1): ") == 4
    assert answers(path)["org_source"] == "hris"


def test_end_of_input_keeps_answers_and_a_second_run_resumes(tmp_path: Path) -> None:
    path = open_setup(tmp_path)
    code, out = ask(path, "1\n", "--stage", "1")
    assert code == 0
    assert "input ended: 5 question(s) still unanswered" in out
    assert answers(path)["org_source"] == "ad"
    assert "The answers did not change the plan" in out  # ad was already assumed by default

    code, out = ask(path, "", "--stage", "1")
    assert code == 0
    first = re.search(r"Stage 1 · question (\d+) of \d+ — (\w+)", out)
    assert first is not None
    assert first.groups() == ("5", "org_complications")


def test_empty_line_leaves_a_question_without_default_for_later(tmp_path: Path) -> None:
    path = open_setup(tmp_path, ("info_publisher",))
    code, out = ask(path, "\n", "--stage", "1")
    assert code == 0
    assert "left unanswered for now" in out
    assert "info_publisher" not in answers(path)


def test_all_reasks_and_enter_keeps_the_file_byte_for_byte(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    original = SERVICES.read_bytes()
    path.write_bytes(original)
    code, out = ask(path, "\n" * 40, "--all", "--stage", "setup")
    assert code == 0, out
    assert "current answer: Nowhere: the portal becomes the point of truth" in out
    assert "Enter keeps 4" in out
    assert path.read_bytes() == original
    assert "The answers did not change the plan" in out


def test_all_changes_an_answer_in_place(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    path.write_bytes(SERVICES.read_bytes())
    code, out = ask(path, "\n\n\n1\n" + "\n" * 12, "--all", "--stage", "1")  # org_source is the 4th
    assert code == 0, out
    text = path.read_text(encoding="utf-8")
    assert "  org_source: ad         # no AD, no HR system: the org chart is built in the portal\n" in text
    assert "  - dropped: setup.org-in-portal" in out


def test_nothing_to_ask(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    path.write_bytes(SERVICES.read_bytes())
    code, out = ask(path, "", "--stage", "1")
    assert code == 0
    assert "Nothing to ask" in out


def test_french(tmp_path: Path) -> None:
    path = open_setup(tmp_path, ("candy",))
    code, out = ask(path, "o\n", "--stage", "1", "--lang", "fr")
    assert code == 0
    assert "Étape 1 · question 9 sur 10 — candy" in out
    assert "« o » n'est pas une option" in out


def test_a_line_that_is_not_utf8_is_asked_again(tmp_path: Path) -> None:
    path = open_setup(tmp_path, ("org_source",))
    result = runner.invoke(app, ["ask", str(path), "--stage", "1"], input=b"\xef\xbb\xbf\xff\n\xef\xbb\xbf2\n")
    assert result.exit_code == 0, result.output
    assert "this line is not UTF-8 text: type it again" in result.output
    assert answers(path)["org_source"] == "hris"


def test_unknown_stage_and_bad_file_exit_2(tmp_path: Path, make_company: object) -> None:
    path = open_setup(tmp_path)
    code, out = ask(path, "", "--stage", "9")
    assert code == 2
    assert "--stage: unknown stage '9'" in out
    bad = tmp_path / "bad.yaml"
    bad.write_text("company: {name: X}\n", encoding="utf-8")
    code, out = ask(bad, "")
    assert code == 2


# ---------------------------------------------------------------- a real terminal

ANSI = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07]*\x07|\x1b[()][0-9A-Za-z]|\x1b[=>78]")
DOWN, ENTER, SPACE, CTRL_C = "\x1b[B", "\r", " ", "\x03"


class Terminal:
    """``roadmap`` running on a pseudo-terminal: send keys, wait for text."""

    def __init__(self, *args: str) -> None:
        import fcntl
        import pty
        import struct
        import subprocess
        import termios

        master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 50, 200, 0, 0))
        env = {**os.environ, "TERM": "xterm", "PROMPT_TOOLKIT_NO_CPR": "1", "COLUMNS": "200", "LINES": "50"}
        self.proc = subprocess.Popen(
            [sys.executable, "-c", "import cli; cli.main()", *args],
            stdin=slave,
            stdout=slave,
            stderr=slave,
            cwd=ROOT,
            env=env,
            start_new_session=True,
        )
        os.close(slave)
        self.fd = master
        self.text = ""
        self.seen = 0

    def _read(self, timeout: float) -> bool:
        import select

        ready, _, _ = select.select([self.fd], [], [], timeout)
        if not ready:
            return True
        try:
            chunk = os.read(self.fd, 65536)
        except OSError:
            return False
        if not chunk:
            return False
        self.text += ANSI.sub("", chunk.decode("utf-8", "replace"))
        return True

    def expect(self, needle: str, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while needle not in self.text[self.seen :]:
            if time.monotonic() > deadline or not self._read(0.2):
                raise AssertionError(f"{needle!r} not shown; screen so far:\n{self.text[-3000:]}")
        self.seen = self.text.index(needle, self.seen) + len(needle)

    def keys(self, *keys: str) -> None:
        for key in keys:
            time.sleep(0.25)
            os.write(self.fd, key.encode())

    def close(self) -> None:
        """Close the terminal window: the program loses its terminal."""
        os.close(self.fd)
        self.fd = -1

    def wait(self, timeout: float = 30) -> int:
        deadline = time.monotonic() + timeout
        while self.proc.poll() is None and time.monotonic() < deadline:
            if self.fd < 0:
                time.sleep(0.1)
            else:
                self._read(0.1)
        code = self.proc.wait(timeout=5)
        if self.fd >= 0:
            os.close(self.fd)
        return code


@pytest.mark.external
@pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal")
def test_terminal_arrows_ctrl_c_then_resume(tmp_path: Path) -> None:
    pytest.importorskip("pty")
    path = open_setup(tmp_path)
    before = path.read_text(encoding="utf-8")

    term = Terminal("ask", str(path), "--stage", "1")
    term.expect("Which system currently holds")
    term.keys(DOWN, ENTER)  # from the default (AD) to the HR and payroll system
    term.expect("Which of these apply")
    term.keys(SPACE, DOWN, DOWN, SPACE, ENTER)  # first and third
    term.expect("Where is the company's official information")
    term.keys(CTRL_C)
    assert term.wait() == 130
    assert "interrupted: the answers given are saved" in term.text
    got = answers(path)
    assert got["org_source"] == "hris"
    assert got["org_complications"] == ["many_domains", "realtime"]
    assert "official_info" not in got

    term = Terminal("ask", str(path), "--stage", "1")
    term.expect("Stage 1 · question 6 of 10")
    term.expect("Where is the company's official information")
    term.keys(DOWN, SPACE, ENTER)  # email
    term.expect("Who will prepare")
    term.keys(ENTER)  # no default: the pointer starts on "Leave it for later" (issue 9)
    term.expect("Are vacancies managed digitally")
    term.keys(DOWN, DOWN, DOWN, ENTER)  # from "Leave it for later", wrapping: career site → the yes/no applies
    term.expect("Should vacancies be posted")
    term.keys("y")
    term.expect("Which 'candy'")
    term.keys(ENTER)  # the default
    term.expect("Finish")  # "Finish:" or "Finish unchanged:"
    assert term.wait() == 0
    got = answers(path)
    assert got["official_info"] == ["email"]
    assert "info_publisher" not in got
    assert got["vacancies_source"] == "career_site"
    assert got["vacancies_autopost"] is True
    assert got["candy"] == "phone_directory"
    assert outside_answers(path.read_text(encoding="utf-8")) == outside_answers(before)


@pytest.mark.external
@pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal")
@pytest.mark.parametrize("how", ["window closed", "SIGHUP"])
def test_a_closed_terminal_loses_nothing_and_exits_130(tmp_path: Path, how: str) -> None:
    import signal

    path = open_setup(tmp_path)
    term = Terminal("ask", str(path), "--stage", "1")
    term.expect("Which system currently holds")
    term.keys(DOWN, ENTER)  # the HR and payroll system, saved at once
    term.expect("Which of these apply")
    time.sleep(0.5)
    if how == "SIGHUP":
        os.kill(term.proc.pid, signal.SIGHUP)
    else:
        term.close()
    assert term.wait() == 130
    assert answers(path)["org_source"] == "hris"
    assert "Traceback" not in term.text
    assert sorted(p.name for p in tmp_path.iterdir()) == ["company.yaml"]  # no temporary file left


# ---------------------------------------------------------------- init


def test_init_writes_a_valid_starter(tmp_path: Path) -> None:
    path = tmp_path / "acme.yaml"
    result = runner.invoke(app, ["init", str(path), "--name", "Acme", "--employees", "300", "--country", "fr"])
    assert result.exit_code == 0, result.output
    data = load_company(path, LIBRARY).data
    assert (data.company.name, data.company.employees, data.company.country) == ("Acme", 300, "FR")
    assert data.plan.start.weekday() == 0
    assert dt.date.today() < data.plan.start <= dt.date.today() + dt.timedelta(days=7)
    assert path.read_text(encoding="utf-8").startswith("# yaml-language-server: $schema=")
    check = runner.invoke(app, ["validate", str(path)])
    assert check.exit_code == 0


def test_init_default_file_and_options(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    args = ["init", "--name", "Acme", "--employees", "900", "--industry", "services", "--branches", "2"]
    result = runner.invoke(app, [*args, "--levels", "4", "--start", "2027-02-01"])
    assert result.exit_code == 0, result.output
    data = load_company(tmp_path / "company.yaml", LIBRARY).data
    assert (data.company.industry, data.company.branches, data.company.hierarchy_levels) == ("services", 2, 4)
    assert data.plan.start == dt.date(2027, 2, 1)


def test_init_without_a_terminal_needs_the_facts(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    result = runner.invoke(app, ["init", str(path)])
    assert result.exit_code == 2
    assert "--name: required when not on a terminal" in result.output
    assert "--employees: required when not on a terminal" in result.output
    assert not path.exists()


def test_init_never_overwrites_without_force(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    path.write_text("mine\n", encoding="utf-8")
    result = runner.invoke(app, ["init", str(path), "--name", "Acme", "--employees", "300"])
    assert result.exit_code == 2
    assert "already exists (use --force" in result.output
    assert path.read_text(encoding="utf-8") == "mine\n"
    result = runner.invoke(app, ["init", str(path), "--name", "Acme", "--employees", "300", "--force"])
    assert result.exit_code == 0
    assert load_company(path, LIBRARY).data.company.name == "Acme"


def test_init_in_french(tmp_path: Path) -> None:
    path = tmp_path / "societe.yaml"
    result = runner.invoke(app, ["init", str(path), "--name", "Société Ω", "--employees", "300", "--lang", "fr"])
    assert result.exit_code == 0, result.output
    text = path.read_text(encoding="utf-8")
    assert "# Le fichier d'entreprise de Société Ω pour `roadmap`" in text
    assert "premier jour de travail possible (le lundi suivant)" in text
    assert load_company(path, LIBRARY).data.company.name == "Société Ω"


@pytest.mark.external
@pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal")
def test_init_asks_the_facts_on_a_terminal(tmp_path: Path) -> None:
    path = tmp_path / "tty.yaml"
    term = Terminal("init", str(path), "--industry", "services", "--lang", "fr")
    term.expect("Nom de l'entreprise")
    term.keys("Ромашка & Cie", ENTER)
    term.expect("Employés")
    term.keys("abc", ENTER)
    term.expect("un nombre entier >= 1")  # refused with the reason, asked again
    term.keys("\x7f" * 3, "450", ENTER)
    term.expect("Code pays")
    term.keys("XX", ENTER)
    term.expect("un code pays connu")
    term.keys("\x7f" * 2, "de", ENTER)
    term.expect("Filiales")
    term.keys(ENTER)  # 0
    term.expect("Niveaux")
    term.keys(ENTER)  # 3
    term.expect("Date de début")
    term.keys(ENTER)  # next Monday
    assert term.wait() == 0, term.text
    data = load_company(path, LIBRARY).data
    assert (data.company.name, data.company.employees, data.company.industry) == ("Ромашка & Cie", 450, "services")
    assert (data.company.country, data.company.branches, data.company.hierarchy_levels) == ("DE", 0, 3)
    assert data.plan.start.weekday() == 0 and data.plan.start > dt.date.today()


def test_init_into_a_folder_writes_company_yaml_there(tmp_path: Path) -> None:
    folder = tmp_path / "acme"
    folder.mkdir()
    for extra in ([], ["--force"]):
        result = runner.invoke(app, ["init", str(folder), "--name", "Acme", "--employees", "300", *extra])
        assert result.exit_code == 0, result.output
    assert load_company(folder / "company.yaml", LIBRARY).data.company.name == "Acme"
    result = runner.invoke(app, ["init", str(folder), "--name", "Other", "--employees", "300"])
    assert result.exit_code == 2
    assert "already exists" in result.output


def test_init_bad_facts_name_the_option(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    result = runner.invoke(app, ["init", str(path), "--name", "Acme", "--employees", "300", "--country", "ZZ"])
    assert result.exit_code == 2
    assert "--country: unknown country code 'ZZ'" in result.output
    result = runner.invoke(app, ["init", str(path), "--name", "Acme", "--employees", "300", "--start", "soon"])
    assert result.exit_code == 2
    assert "--start" in result.output
    assert not path.exists()


# ---------------------------------------------------------------- questionnaire


def test_questionnaire_writes_md_and_html(tmp_path: Path) -> None:
    out = tmp_path / "forms"
    for fmt in ("md", "html"):
        result = runner.invoke(app, ["questionnaire", str(SERVICES), "--format", fmt, "--out", str(out)])
        assert result.exit_code == 0, result.output
        assert f"wrote {out / f'questionnaire.{fmt}'}" in result.output
    md = (out / "questionnaire.md").read_text(encoding="utf-8")
    assert "## Stage 5 · " in md
    boxes = sum(len(q.options) or (2 if q.kind == "yes_no" else 0) for _, q in LIBRARY.questions())
    # read by real parsers: CommonMark list items starting with a task box, HTML checkbox inputs
    from markdown_it import MarkdownIt

    items = [tok for tok in MarkdownIt("commonmark").parse(md) if tok.type == "inline"]
    assert sum(tok.content.startswith(("[ ] ", "[x] ")) for tok in items) == boxes
    assert _checkboxes((out / "questionnaire.html").read_text(encoding="utf-8")) == boxes
    again = runner.invoke(app, ["questionnaire", str(SERVICES), "--stage", "crm", "--out", str(out)])
    assert again.exit_code == 0  # its own output is replaced
    text = (out / "questionnaire.md").read_text(encoding="utf-8")
    assert "## Stage 4 · " in text and "## Stage 1 · " not in text


def _checkboxes(html: str) -> int:
    from html.parser import HTMLParser

    class Count(HTMLParser):
        n = 0

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            self.n += tag == "input" and ("type", "checkbox") in attrs

    parser = Count()
    parser.feed(html)
    return parser.n


def test_questionnaire_default_folder_and_user_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["questionnaire", str(SERVICES), "--lang", "fr"])
    assert result.exit_code == 0
    assert "Étape 1 · " in (tmp_path / "questionnaire.md").read_text(encoding="utf-8")
    mine = tmp_path / "mine.html"
    mine.write_text("<p>mine</p>\n", encoding="utf-8")
    result = runner.invoke(app, ["questionnaire", str(SERVICES), "--format", "html", "--out", str(mine)])
    assert result.exit_code == 2
    assert "not written by `roadmap questionnaire`" in result.output
    assert mine.read_text(encoding="utf-8") == "<p>mine</p>\n"
    result = runner.invoke(app, ["questionnaire", str(SERVICES), "--format", "html", "--out", str(mine), "--force"])
    assert result.exit_code == 0


# ---------------------------------------------------------------- help


@pytest.mark.parametrize(
    ("command", "words"),
    [
        ("ask", ["--stage", "--all", "--lang", "Ctrl-C", "resumes"]),
        ("init", ["--name", "--employees", "--force", "next Monday"]),
        ("questionnaire", ["--format", "--out", "--force", "--stage"]),
    ],
)
def test_help(command: str, words: list[str]) -> None:
    result = runner.invoke(app, [command, "--help"])
    assert result.exit_code == 0
    text = " ".join(result.output.split())
    for word in words:
        assert word in text
