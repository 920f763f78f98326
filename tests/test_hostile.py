"""Hostile and unlucky inputs (issue 10): a clear message and the right exit code, never a traceback.

Exit codes: bad input 2 (``FILE:LINE:COL: message`` where a file is at fault), environment 1,
internal bug 3, Ctrl-C 130, SIGTERM 143. Nothing executed, nothing leaked, nothing lost.
"""

from __future__ import annotations

import csv
import datetime as dt
import errno
import io
import json
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from cli import app
from roadmap import answers_io, templating
from roadmap.errors import EnvironmentProblem, InputError
from roadmap.render.cells import csv_field, neutralise
from tests.conftest import EXAMPLES, MINI_ALPHA, MINI_BETA, MINI_COMPANY, MINI_ROLES, ROOT, examples, write_tree

runner = CliRunner()
PYTHON = sys.executable
PNG_1PX = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


def invoke(*args: str, input: str | None = None) -> Any:
    return runner.invoke(app, [*map(str, args)], input=input)


def no_traceback(result: Any) -> None:
    assert "Traceback" not in result.output, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)


def lib_args(mini_library: Path) -> list[str]:
    return ["--library", str(mini_library)]


def company(make_company: Callable[..., Path], extra: str = "", swap: tuple[str, str] = ("", "")) -> Path:
    return make_company(textwrap.dedent(MINI_COMPANY).replace(*swap) + textwrap.dedent(extra))


def run_cli(*args: str, cwd: Path = ROOT, **kwargs: Any) -> subprocess.CompletedProcess[str]:
    """The real command line in a child process."""
    return subprocess.run(
        [PYTHON, "-c", "import cli; cli.main()", *args], cwd=cwd, capture_output=True, text=True, timeout=60, **kwargs
    )


# ---------------------------------------------------------------- 1. templates see data, not objects


@pytest.fixture
def own_templates(tmp_path: Path) -> Callable[[str], Path]:
    def make(source: str) -> Path:
        return write_tree(tmp_path / "tpl", {"checklist.md.j2": source})

    return make


@pytest.mark.parametrize(
    "source",
    [
        '{{ plan.parse_raw("x", proto="pickle", allow_pickle=True) }}',
        '{{ plan.parse_file("/etc/passwd") }}',
        "{{ plan.model_dump() }}",
        "{{ plan.__class__.__mro__ }}",
        "{{ plan.tasks[0].model_copy() }}",
    ],
)
def test_a_template_cannot_reach_model_methods(
    source: str,
    own_templates: Callable[[str], Path],
    mini_library: Path,
    make_company: Callable[..., Path],
    tmp_path: Path,
) -> None:
    out = tmp_path / "out"
    result = invoke(
        "plan",
        make_company(),
        "--out",
        out,
        "--format",
        "checklist",
        "--templates",
        own_templates(source),
        *lib_args(mini_library),
    )
    no_traceback(result)
    assert result.exit_code == 2, result.output
    assert "checklist.md.j2:1" in result.output and "template error" in result.output
    assert not (out / "checklist.md").exists()


def test_templates_get_plain_data_only(mini_library: Path, make_company: Callable[..., Path]) -> None:
    from roadmap.plan import plan_file

    plan, _, _ = plan_file(make_company(), library_dir=mini_library)

    def kinds(value: Any) -> Iterator[type]:
        yield type(value)
        if isinstance(value, dict):
            for item in value.values():
                yield from kinds(item)
        elif isinstance(value, list):
            for item in value:
                yield from kinds(item)

    found = set(kinds(templating.plain({"plan": plan})))
    assert found <= {dict, list, str, int, float, bool, type(None), dt.date}, found
    assert templating.plain({"plan": plan})["plan"]["tasks"][0]["id"] == plan.tasks[0].id


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("{{ 'x' * 10**12 }}", "repetition"),
        ("{{ [1] * 10**12 }}", "repetition"),
        ("{{ 9 ** (10**9) }}", "power"),
        ("{{ '%999999999d' % 1 }}", "format width"),
        ("{{ '{:>99999999999}'.format(1) }}", "format width"),
        ("{{ 'x' | center(10**12) }}", "too large"),
        ("{{ 'x'.ljust(10**12) }}", "too large"),
    ],
)
def test_a_template_cannot_build_something_huge(
    source: str,
    message: str,
    own_templates: Callable[[str], Path],
    mini_library: Path,
    make_company: Callable[..., Path],
    tmp_path: Path,
) -> None:
    started = time.monotonic()
    result = invoke(
        "plan",
        make_company(),
        "--out",
        tmp_path / "o",
        "--format",
        "checklist",
        "--templates",
        own_templates(source),
        *lib_args(mini_library),
    )
    no_traceback(result)
    assert result.exit_code == 2 and message in result.output, result.output
    assert time.monotonic() - started < 20


@pytest.mark.parametrize(
    "source",
    [
        "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}",  # silent loop: the alarm
        "{% for i in range(100000) %}{% for j in range(100000) %}{{ j }}{% endfor %}{% endfor %}",
    ],
)
def test_an_endless_template_ends_at_the_time_budget(
    source: str,
    own_templates: Callable[[str], Path],
    mini_library: Path,
    make_company: Callable[..., Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(templating, "TIME_BUDGET", 0.5)
    monkeypatch.setattr(templating, "OUTPUT_BUDGET", 10**12)
    started = time.monotonic()
    result = invoke(
        "plan",
        make_company(),
        "--out",
        tmp_path / "o",
        "--format",
        "checklist",
        "--templates",
        own_templates(source),
        *lib_args(mini_library),
    )
    no_traceback(result)
    assert result.exit_code == 2 and "took longer than 0.5 s" in result.output, result.output
    assert time.monotonic() - started < 10


def test_a_template_output_budget(
    own_templates: Callable[[str], Path],
    mini_library: Path,
    make_company: Callable[..., Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(templating, "OUTPUT_BUDGET", 100_000)
    source = "{% for i in range(100000) %}{{ 'y' * 1000 }}{% endfor %}"
    result = invoke(
        "plan",
        make_company(),
        "--out",
        tmp_path / "o",
        "--format",
        "checklist",
        "--templates",
        own_templates(source),
        *lib_args(mini_library),
    )
    assert result.exit_code == 2 and "output is over" in result.output, result.output


def test_a_template_off_the_main_thread_still_has_a_budget(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(templating, "TIME_BUDGET", 0.3)
    folder = write_tree(
        tmp_path,
        {"loop.md.j2": "{% for i in range(100000) %}{% for j in range(100000) %}{{ j|abs }}{% endfor %}{% endfor %}"},
    )
    errors: list[BaseException] = []

    def render() -> None:
        try:
            templating.render_template("loop.md.j2", {}, folder)
        except InputError as exc:
            errors.append(exc)

    worker = threading.Thread(target=render)
    worker.start()
    worker.join(20)
    assert not worker.is_alive() and errors and "took longer" in str(errors[0])


# ---------------------------------------------------------------- 2. no lost answers

MANY_QUESTIONS = 12


def _questions_stage(sid: str, order: int) -> str:
    questions = "".join(f"  - {{id: {sid}_q{i}, text: Say {i}, kind: text}}\n" for i in range(MANY_QUESTIONS))
    return (
        f"id: {sid}\norder: {order}\ntitle: {sid}\ngoal: g\n"
        f"steps:\n  - {{id: {sid}.one, title: One, duration_days: 1}}\nquestions:\n{questions}"
    )


@pytest.fixture
def two_stage_questions(tmp_path: Path) -> Path:
    return write_tree(
        tmp_path / "qlib",
        {
            "roles.yaml": MINI_ROLES,
            "1-left.yaml": _questions_stage("left", 1),
            "2-right.yaml": _questions_stage("right", 2),
        },
    )


@pytest.mark.external  # real processes
def test_two_real_asks_at_once_keep_every_answer(two_stage_questions: Path, make_company: Callable[..., Path]) -> None:
    path = make_company(textwrap.dedent(MINI_COMPANY).replace("  country: FR\n", "") + "answers: {}\n")
    feeds = {stage: "".join(f"{stage}-{i}\n" for i in range(MANY_QUESTIONS)) for stage in ("1", "2")}
    procs = [
        subprocess.Popen(
            [
                PYTHON,
                "-c",
                "import cli; cli.main()",
                "ask",
                str(path),
                "--stage",
                stage,
                "--library",
                str(two_stage_questions),
            ],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for stage in feeds
    ]
    outputs = [proc.communicate(feeds[stage], timeout=120) for proc, stage in zip(procs, feeds, strict=True)]
    assert [proc.returncode for proc in procs] == [0, 0], outputs
    from roadmap.company import load_company
    from roadmap.library import load_library

    saved = load_company(path, load_library(two_stage_questions)).data.answers
    expected = {f"{side}_q{i}": f"{n}-{i}" for side, n in (("left", 1), ("right", 2)) for i in range(MANY_QUESTIONS)}
    assert {k: saved.get(k) for k in expected} == expected
    assert not [p.name for p in path.parent.iterdir() if p.name.endswith(".tmp")]


@pytest.fixture
def held_lock(tmp_path: Path) -> Iterator[Callable[[], None]]:
    """Hold the lock a saving ``ask`` takes on the company file's folder; call to release it."""
    import fcntl

    fd = os.open(tmp_path, os.O_RDONLY)
    fcntl.flock(fd, fcntl.LOCK_EX)
    released = False

    def release() -> None:
        nonlocal released
        if not released:
            released = True
            os.close(fd)

    yield release
    release()


def test_a_locked_file_keeps_the_answer_for_the_next_save(
    make_company: Callable[..., Path], held_lock: Callable[[], None], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(answers_io, "LOCK_TIMEOUT", 0.1)
    path = make_company()
    saver = answers_io.AnswerSaver(path)
    assert saver.save("q1", "x") is False
    assert saver.pending == {"q1": "x"} and "q1" not in path.read_text(encoding="utf-8")
    held_lock()
    assert saver.save("q2", True) is True and not saver.pending
    text = path.read_text(encoding="utf-8")
    assert "q1: x" in text and "q2: true" in text


def test_ask_says_when_an_answer_could_not_be_saved(
    mini_library: Path,
    make_company: Callable[..., Path],
    held_lock: Callable[[], None],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(answers_io, "LOCK_TIMEOUT", 0.1)
    path = make_company()
    result = invoke("ask", path, *lib_args(mini_library), input="2\n")
    no_traceback(result)
    assert "kept and saved with the next one" in result.output
    assert result.exit_code == 1 and "NOT saved" in result.output and "q1: y" in result.output


@pytest.mark.external  # real processes
def test_sigterm_during_ask_exits_143_and_leaves_no_temp_file(
    mini_library: Path, make_company: Callable[..., Path]
) -> None:
    path = make_company()
    proc = subprocess.Popen(
        [PYTHON, "-c", "import cli; cli.main()", "ask", str(path), *lib_args(mini_library)],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None and proc.stdin is not None
    proc.stdin.write("1\n")  # q1: x is saved at once, then q2 waits for its answer
    proc.stdin.flush()
    seen = ""
    deadline = time.monotonic() + 60
    while "answer (" not in seen.split("q2", 1)[-1] and time.monotonic() < deadline:
        seen += proc.stdout.read(1)
    time.sleep(0.2)
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 143, err
    assert "Traceback" not in err
    assert "q1: x" in path.read_text(encoding="utf-8")
    assert not [p.name for p in path.parent.iterdir() if p.name.endswith(".tmp")]


# ---------------------------------------------------------------- 3. report.logo cannot leak


@pytest.mark.parametrize(
    ("logo", "message"),
    [
        ("/etc/passwd", "not an absolute one"),
        ("../secret.png", "'..' is not allowed"),
        ("sub/../../secret.png", "'..' is not allowed"),
        ("link.png", "leading out of the company file's folder"),
        ("fifo.png", "not a regular file"),
        ("folder.png", "not a regular file"),
        ("huge.png", "is 3.0 MB"),
        ("text.png", "is not a PNG image"),
        ("script.svg", "scripts, embedded content or outside links"),
        ("onload.svg", "scripts, embedded content or outside links"),
        ("foreign.svg", "scripts, embedded content or outside links"),
        ("remote.svg", "scripts, embedded content or outside links"),
        ("missing.png", "not found"),
    ],
)
def test_a_logo_must_be_a_small_inert_image_beside_the_company_file(
    logo: str, message: str, mini_library: Path, make_company: Callable[..., Path], tmp_path: Path
) -> None:
    outside = tmp_path.parent / f"{tmp_path.name}-outside"
    outside.mkdir(exist_ok=True)
    (outside / "secret.png").write_bytes(PNG_1PX)
    (tmp_path / "link.png").symlink_to(outside / "secret.png")
    os.mkfifo(tmp_path / "fifo.png")
    (tmp_path / "folder.png").mkdir()
    with (tmp_path / "huge.png").open("wb") as sparse:
        sparse.truncate(3_000_000)
    (tmp_path / "text.png").write_text("root:x:0:0", encoding="utf-8")
    svg = '<svg xmlns="http://www.w3.org/2000/svg">{}</svg>'
    (tmp_path / "script.svg").write_text(svg.format("<script>alert(1)</script>"), encoding="utf-8")
    (tmp_path / "onload.svg").write_text(svg.format('<rect onload="alert(1)"/>'), encoding="utf-8")
    (tmp_path / "foreign.svg").write_text(svg.format("<foreignObject><p>x</p></foreignObject>"), encoding="utf-8")
    (tmp_path / "remote.svg").write_text(svg.format('<image href="https://evil.example/x.png"/>'), encoding="utf-8")
    path = company(make_company, f"report:\n  logo: {json.dumps(logo)}\n")
    started = time.monotonic()
    for command in (["validate", path], ["plan", path, "--out", tmp_path / "o"]):
        result = invoke(*command, *lib_args(mini_library))
        no_traceback(result)
        assert result.exit_code == 2, result.output
        assert f"{path}:8:9: " in result.output and message in result.output, result.output
    assert time.monotonic() - started < 30
    assert not (tmp_path / "o").exists()


def test_a_logo_inside_the_folder_is_embedded(
    mini_library: Path, make_company: Callable[..., Path], tmp_path: Path
) -> None:
    (tmp_path / "img").mkdir()
    (tmp_path / "img" / "logo.png").write_bytes(PNG_1PX)
    (tmp_path / "alias.png").symlink_to(tmp_path / "img" / "logo.png")
    (tmp_path / "clean.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"><use href="#a"/></svg>')
    for logo in ("img/logo.png", "alias.png", "clean.svg"):
        path = company(make_company, f"report:\n  logo: {logo}\n")
        result = invoke("plan", path, "--out", tmp_path / "o", "--format", "gantt", *lib_args(mini_library))
        assert result.exit_code == 0, result.output
        assert "data:image/" in (tmp_path / "o" / "gantt.html").read_text(encoding="utf-8")


# ---------------------------------------------------------------- 4. input: one line, exit 2


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (("duration_days: 3", "duration_days: 2001"), "less than or equal to 2000"),
        (("lag_days: 1", "lag_days: 999999999"), "less than or equal to 2000"),
        (("days: 2}", "days: 5000}"), "less than or equal to 2000"),
        (("add_days: 1, max_days: 3", "add_days: 3000"), "less than or equal to 2000"),
    ],
)
def test_days_in_the_library_are_capped(edit: tuple[str, str], message: str, tmp_path: Path) -> None:
    lib = write_tree(
        tmp_path / "lib",
        {"roles.yaml": MINI_ROLES, "1-alpha.yaml": MINI_ALPHA.replace(*edit), "2-beta.yaml": MINI_BETA},
    )
    result = invoke("validate", "--library", lib)
    no_traceback(result)
    assert result.exit_code == 2 and "1-alpha.yaml:" in result.output and message in result.output, result.output


def test_scaling_past_the_cap_points_at_the_company_fact(tmp_path: Path, make_company: Callable[..., Path]) -> None:
    alpha = MINI_ALPHA.replace(
        "{by: employees, above: 200, per: 100, add_days: 1, max_days: 3}", "{by: employees, per: 1, add_days: 2000}"
    )
    lib = write_tree(tmp_path / "lib", {"roles.yaml": MINI_ROLES, "1-alpha.yaml": alpha, "2-beta.yaml": MINI_BETA})
    path = company(make_company, swap=("employees: 300", "employees: 9000000"))
    started = time.monotonic()
    for command in (["validate", path], ["plan", path, "--out", tmp_path / "o"]):
        result = invoke(*command, "--library", lib)
        no_traceback(result)
        assert result.exit_code == 2, result.output
        assert f"{path}:3:14: step 'alpha.one' would last" in result.output and "at most 2,000" in result.output
    assert time.monotonic() - started < 20


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--as-of", "9999-01-01"], "--as-of: 9999-01-01 is outside 1990–2100"),
        (["--as-of", "1900-01-01"], "--as-of: 1900-01-01 is outside 1990–2100"),
        (["--as-of", "1799971200"], "--as-of: '1799971200' is not a date"),
    ],
)
def test_as_of_outside_the_years(
    args: list[str], message: str, mini_library: Path, make_company: Callable[..., Path], tmp_path: Path
) -> None:
    result = invoke("plan", make_company(), "--out", tmp_path / "o", *args, *lib_args(mini_library))
    no_traceback(result)
    assert result.exit_code == 2 and message in result.output, result.output


@pytest.mark.parametrize(
    ("swap", "extra", "where", "message"),
    [
        ({"start: 2027-01-04": "start: 9999-01-01"}, "", "6:10", "outside 1990–2100"),
        ({"start: 2027-01-04": "start: 1799971200"}, "", "6:10", "expected a date (YYYY-MM-DD), got 1799971200"),
        ({"start: 2027-01-04": "start: '1799971200'"}, "", "6:10", "expected a date (YYYY-MM-DD)"),
        ({}, "  holidays: [2027-05-07, 1799971200]\n", "7:26", "expected a date (YYYY-MM-DD), got 1799971200"),
        ({}, "progress:\n  alpha.one: {status: done, start: 1, finish: 2}\n", "8:36", "expected a date"),
        ({"start: 2027-01-04": "start: 2100-12-20"}, "", "6:10", "would run past 2100"),
    ],
)
def test_dates_must_be_dates_within_1990_2100(
    swap: dict[str, str],
    extra: str,
    where: str,
    message: str,
    mini_library: Path,
    make_company: Callable[..., Path],
    tmp_path: Path,
) -> None:
    text = textwrap.dedent(MINI_COMPANY) + extra
    for old, new in swap.items():
        text = text.replace(old, new)
    path = make_company(text)
    result = invoke("plan", path, "--out", tmp_path / "o", *lib_args(mini_library))
    no_traceback(result)
    assert result.exit_code == 2 and f"{path}:{where}: " in result.output and message in result.output, result.output


def test_a_company_file_that_is_not_a_regular_file(mini_library: Path, tmp_path: Path) -> None:
    fifo = tmp_path / "fifo.yaml"
    os.mkfifo(fifo)
    started = time.monotonic()
    for target in (fifo, Path("/dev/null"), tmp_path):
        for command in ("validate", "plan"):
            result = invoke(command, target, *lib_args(mini_library))
            no_traceback(result)
            assert result.exit_code == 2, result.output
            assert f"{target}:1:1: is " in result.output and len(result.output.strip().splitlines()) == 1
    assert time.monotonic() - started < 20


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("x" * 1_001, "at most 1000 characters"),
        ("x" * 5_000_000, "text is too long (5,000,000 characters; at most 2,000)"),
    ],
)
def test_text_fields_have_sane_lengths(
    value: str, message: str, mini_library: Path, make_company: Callable[..., Path]
) -> None:
    path = company(make_company, swap=("Mini Co", value))
    started = time.monotonic()
    result = invoke("validate", path, *lib_args(mini_library))
    no_traceback(result)
    assert result.exit_code == 2 and f"{path}:2:9: " in result.output and message in result.output
    assert time.monotonic() - started < 10


def _plan_json(mini_library: Path, make_company: Callable[..., Path], tmp_path: Path) -> Path:
    result = invoke("plan", make_company(), "--out", tmp_path / "base", "--format", "json", *lib_args(mini_library))
    assert result.exit_code == 0, result.output
    return tmp_path / "base" / "plan.json"


@pytest.mark.parametrize(
    ("mangle", "message"),
    [
        (lambda d: {**d, "tasks": "many"}, "'tasks' must be a list"),
        (lambda d: {**d, "tasks": [{**d["tasks"][0], "duration_days": "x"}]}, "duration_days: expected a whole number"),
        (lambda d: {**d, "start": 1799971200}, "start: expected a date"),
        (lambda d: {**d, "finish": "9999-12-31"}, "finish: 9999-12-31 is outside 1990–2100"),
        (lambda d: {**d, "calendar": {"weekend": [{"a": 1}]}}, "calendar.weekend"),
        (lambda d: [d], "not a plan.json"),
    ],
)
def test_a_bad_plan_json_for_diff_and_baseline(
    mangle: Callable[[Any], Any], message: str, mini_library: Path, make_company: Callable[..., Path], tmp_path: Path
) -> None:
    good = _plan_json(mini_library, make_company, tmp_path)
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(mangle(json.loads(good.read_text(encoding="utf-8")))), encoding="utf-8")
    for args in (["diff", bad, good], ["diff", good, bad]):
        result = invoke(*args)
        no_traceback(result)
        assert result.exit_code == 2 and message in result.output, result.output
    result = invoke("plan", make_company(), "--out", tmp_path / "o", "--baseline", bad, *lib_args(mini_library))
    no_traceback(result)
    assert result.exit_code == 2 and message in result.output, result.output


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
        ('{"start": "2027-01-04", "n": 1' + "0" * 5000 + "}", "too large"),
        ('{"start": NaN}', "not a number"),
        ("\x00\xff", "not UTF-8"),
    ],
)
def test_a_broken_plan_json(text: str, message: str, tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_bytes(text.encode("utf-8", "surrogateescape") if "\xff" not in text else b"\x00\xff")
    result = invoke("diff", bad, bad)
    no_traceback(result)
    assert result.exit_code == 2 and message in result.output, result.output


# ---------------------------------------------------------------- 4. environment: one line, exit 1


def test_the_output_folder_is_a_file(mini_library: Path, make_company: Callable[..., Path], tmp_path: Path) -> None:
    blocker = tmp_path / "out"
    blocker.write_text("mine", encoding="utf-8")
    result = invoke("plan", make_company(), "--out", blocker, *lib_args(mini_library))
    no_traceback(result)
    assert result.exit_code == 1 and "is a file, not a folder" in result.output
    assert blocker.read_text(encoding="utf-8") == "mine"


def test_an_output_file_that_is_a_folder(mini_library: Path, make_company: Callable[..., Path], tmp_path: Path) -> None:
    (tmp_path / "out" / "plan.json").mkdir(parents=True)
    result = invoke("plan", make_company(), "--out", tmp_path / "out", *lib_args(mini_library))
    no_traceback(result)
    assert (
        result.exit_code == 1 and "plan.json: is a folder" in result.output and "nothing was written" in result.output
    )
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["plan.json"]


def test_a_folder_in_a_reports_place_is_said_before_anything_is_rendered(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import roadmap.render as rendering
    from roadmap.plan import plan_file

    plan = plan_file(EXAMPLES[0])[0]
    (tmp_path / "out" / "gantt.html").mkdir(parents=True)
    made: list[str] = []
    monkeypatch.setattr(rendering, "render_files", lambda fmt, ctx: made.append(fmt) or [])
    with pytest.raises(EnvironmentProblem, match=r"gantt\.html: is a folder, not a file: nothing was written"):
        rendering.write_reports(rendering.RenderContext(plan=plan), ["json", "gantt"], tmp_path / "out")
    assert made == []


@pytest.mark.parametrize(("code", "reason"), [(errno.ENOSPC, "no space left on device"), (errno.EROFS, "read-only")])
def test_a_full_disk_or_read_only_folder(
    code: int,
    reason: str,
    mini_library: Path,
    make_company: Callable[..., Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from roadmap import output

    out = tmp_path / "out"
    out.mkdir()
    (out / "plan.json").write_text("old", encoding="utf-8")

    def full(fd: int, payload: bytes) -> None:
        os.close(fd)
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr(output, "_fill", full)
    result = invoke("plan", make_company(), "--out", out, *lib_args(mini_library))
    no_traceback(result)
    assert result.exit_code == 1 and reason in result.output and len(result.output.strip().splitlines()) == 1
    assert [p.name for p in out.iterdir()] == ["plan.json"] and (out / "plan.json").read_text() == "old"


@pytest.mark.external  # real processes
def test_stdout_full_closed_or_piped_to_head(tmp_path: Path) -> None:
    with open("/dev/full", "w") as device:
        full = subprocess.run(
            [PYTHON, "-c", "import cli; cli.main()", "stages"],
            cwd=ROOT,
            stdout=device,
            stderr=subprocess.PIPE,
            text=True,
            timeout=60,
        )
    assert full.returncode == 1 and full.stderr.strip() == "error: no space left on device", full.stderr
    closed = subprocess.run(
        f"'{PYTHON}' -c 'import cli; cli.main()' stages >&-",
        shell=True,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert closed.returncode == 1 and closed.stderr.strip() == "error: standard output is closed", closed.stderr
    head = subprocess.run(
        f"'{PYTHON}' -c 'import cli; cli.main()' stages | head -1",
        shell=True,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert head.stdout.startswith("Stage library") and head.stderr == "", head.stderr


@pytest.mark.external  # real processes
def test_stdin_closed(mini_library: Path, make_company: Callable[..., Path]) -> None:
    proc = subprocess.run(
        f"'{PYTHON}' -c 'import cli; cli.main()' ask '{make_company()}' --library '{mini_library}' <&-",
        shell=True,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 1 and "standard input is closed" in proc.stderr and "Traceback" not in proc.stderr


@pytest.mark.external  # real processes
@pytest.mark.parametrize("env", [{"PYTHONIOENCODING": "ascii"}, {"LANG": "C", "LC_ALL": "C", "PYTHONUTF8": "0"}])
def test_an_ascii_only_terminal(
    env: dict[str, str], mini_library: Path, make_company: Callable[..., Path], tmp_path: Path
) -> None:
    path = make_company(MINI_COMPANY.replace("Mini Co", "Société Ω «Север»"))
    proc = run_cli(
        "plan",
        str(path),
        "--out",
        str(tmp_path / "o"),
        "--lang",
        "fr",
        "--library",
        str(mini_library),
        env={**os.environ, **env},
    )
    assert proc.returncode == 0, proc.stderr
    assert "Soci" in proc.stdout and "Traceback" not in proc.stderr and "UnicodeEncodeError" not in proc.stderr


def test_ctrl_c_while_starting_exits_130(monkeypatch: pytest.MonkeyPatch) -> None:
    import cli

    def interrupted(*args: Any, **kwargs: Any) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "app", interrupted)
    with pytest.raises(SystemExit) as exc:
        cli.main()
    assert exc.value.code == 130


def test_holidays_the_package_does_not_cover_are_a_plan_warning(
    mini_library: Path, make_company: Callable[..., Path], tmp_path: Path
) -> None:
    import warnings

    path = make_company(MINI_COMPANY.replace("country: FR", "country: IN").replace("2027-01-04", "2040-01-02"))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a Python warning would reach stderr: here it fails the test
        result = invoke("plan", path, "--out", tmp_path / "o", "--format", "json", *lib_args(mini_library))
    assert result.exit_code == 0, result.output
    warned = json.loads((tmp_path / "o" / "plan.json").read_text(encoding="utf-8"))["warnings"]
    assert any("no public holidays of IN for 2040" in w for w in warned)


# ---------------------------------------------------------------- 4. internal errors: exit 3


def test_an_internal_error_exits_3_and_asks_for_a_report(
    mini_library: Path, make_company: Callable[..., Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import roadmap.plan

    def broken(*args: Any, **kwargs: Any) -> Any:
        return {}["a bug"]

    monkeypatch.setattr(roadmap.plan, "plan_file", broken)
    args = ["plan", make_company(), "--out", tmp_path / "o", *lib_args(mini_library)]
    result = invoke(*args)
    assert result.exit_code == 3 and "please report" in result.output and "--debug" in result.output
    assert "Traceback" not in result.output
    debug = invoke("--debug", *args)
    assert isinstance(debug.exception, KeyError)


# ---------------------------------------------------------------- 5. control characters


@pytest.mark.parametrize("escape", ["\\e", "\\x1b", "\\0", "\\x9b", "\\r", "\\x07", "\\x85"])
def test_control_characters_are_refused_everywhere(escape: str, tmp_path: Path, mini_library: Path) -> None:
    company_file = (
        write_tree(tmp_path, {"c.yaml": MINI_COMPANY.replace("Mini Co", f'"Mini {escape}]0;x Co"')}) / "c.yaml"
    )
    result = invoke("validate", company_file, *lib_args(mini_library))
    no_traceback(result)
    assert result.exit_code == 2 and f"{company_file}:2:9: control character U+" in result.output, result.output
    lib = write_tree(
        tmp_path / "lib2",
        {
            "roles.yaml": MINI_ROLES,
            "2-beta.yaml": MINI_BETA,
            "1-alpha.yaml": MINI_ALPHA.replace("title: Two", f'title: "Tw{escape}o"'),
        },
    )
    result = invoke("validate", "--library", lib)
    assert result.exit_code == 2 and "1-alpha.yaml:" in result.output and "control character" in result.output


def test_tabs_and_line_breaks_are_fine(mini_library: Path, make_company: Callable[..., Path]) -> None:
    path = make_company(MINI_COMPANY.replace("Mini Co", '"Mini\\tCo\\nLtd"'))
    assert invoke("validate", path, *lib_args(mini_library)).exit_code == 0


# ---------------------------------------------------------------- 6. output sets


def test_a_failure_part_way_says_which_files_were_written(
    mini_library: Path, make_company: Callable[..., Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from roadmap import output

    real = os.replace
    calls: list[str] = []

    def second_fails(src: Any, dst: Any) -> None:
        calls.append(str(dst))
        if len(calls) == 2:
            raise OSError(errno.ENOSPC, "No space left on device")
        real(src, dst)

    monkeypatch.setattr(output.os, "replace", second_fails)
    out = tmp_path / "out"
    result = invoke("plan", make_company(), "--out", out, "--format", "json,csv,mermaid", *lib_args(mini_library))
    no_traceback(result)
    assert result.exit_code == 1 and f"files written: {out / 'plan.json'}" in result.output, result.output
    assert sorted(p.name for p in out.iterdir()) == ["plan.json"]  # no staging folder, no .tmp


def test_sigterm_while_writing_leaves_no_temp_files(
    mini_library: Path, make_company: Callable[..., Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from roadmap import output
    from roadmap.errors import Terminated

    real = output._fill
    count = [0]

    def terminated(fd: int, payload: bytes) -> None:
        count[0] += 1
        if count[0] == 2:
            os.close(fd)
            raise Terminated
        real(fd, payload)

    monkeypatch.setattr(output, "_fill", terminated)
    out = tmp_path / "out"
    result = invoke("plan", make_company(), "--out", out, "--format", "json,csv", *lib_args(mini_library))
    assert result.exit_code == 143
    assert not out.exists()  # no temp file, and the folder this run made is gone again
    out.mkdir()
    count[0] = 0
    result = invoke("plan", make_company(), "--out", out, "--format", "json,csv", *lib_args(mini_library))
    assert result.exit_code == 143
    assert list(out.iterdir()) == []  # a folder that was there stays, empty


def test_write_set_writes_all_or_reports(tmp_path: Path) -> None:
    from roadmap.output import write_set

    out = tmp_path / "o"
    write_set(out, [("a.txt", b"1"), ("b.txt", b"1")])
    write_set(out, [("a.txt", b"2"), ("b.txt", b"2")])
    assert sorted((p.name, p.read_bytes()) for p in out.iterdir()) == [("a.txt", b"2"), ("b.txt", b"2")]
    with pytest.raises(EnvironmentProblem, match="is a folder"):
        write_set(out, [("a.txt", b"3"), (".", b"3")])
    assert (out / "a.txt").read_bytes() == b"2"


def test_write_set_stages_each_file_as_it_comes_and_shows_none_before_the_last(tmp_path: Path) -> None:
    """Issue 14: reports are staged one by one (a 50,000-step set is never all in memory), and
    still appear together."""
    from roadmap.output import write_set

    out = tmp_path / "o"

    def files() -> Iterator[tuple[str, bytes]]:
        yield "a.txt", b"1"
        staged = [p for p in out.rglob("a.txt")]
        assert len(staged) == 1 and staged[0].parent != out  # in the staging folder, not yet in place
        yield "b.txt", b"2"

    assert [p.name for p in write_set(out, files())] == ["a.txt", "b.txt"]
    assert sorted(p.name for p in out.iterdir()) == ["a.txt", "b.txt"]


def test_a_failed_set_removes_every_folder_it_made(tmp_path: Path) -> None:
    from roadmap.output import write_set

    def failing() -> Iterator[tuple[str, bytes]]:
        yield "a.txt", b"1"
        raise RuntimeError("a report that cannot be made")

    with pytest.raises(RuntimeError):
        write_set(tmp_path / "new" / "a" / "b", failing())
    assert list(tmp_path.iterdir()) == []
    (tmp_path / "kept").mkdir()
    with pytest.raises(RuntimeError):
        write_set(tmp_path / "kept" / "b", failing())
    assert [p.name for p in tmp_path.iterdir()] == ["kept"] and not any((tmp_path / "kept").iterdir())


def test_a_set_failing_on_its_own_lets_go_of_the_files_first(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The generator is closed before the folders are removed: what it keeps in the folder (a
    helper's files, issue 14) goes with it, and the folder made for the set can go too."""
    from roadmap import output

    out = tmp_path / "new" / "out"

    def files() -> Iterator[tuple[str, bytes]]:
        held = out / ".roadmap-staging-helper"
        held.mkdir()
        try:
            yield "a.txt", b"1"
            yield "b.txt", b"2"
        finally:
            held.rmdir()

    real = output._fill

    def full_disk(fd: int, payload: bytes) -> None:
        if payload == b"2":
            os.close(fd)
            raise OSError(errno.ENOSPC, "No space left on device")
        real(fd, payload)

    monkeypatch.setattr(output, "_fill", full_disk)
    with pytest.raises(EnvironmentProblem, match="no space left"):
        output.write_set(out, files())
    assert list(tmp_path.iterdir()) == []


# ---------------------------------------------------------------- 7. CSV and Markdown


@pytest.mark.parametrize(
    "text",
    [
        "=1+1",
        " =1+1",
        "\u00a0=HYPERLINK(1)",
        "\u200b@SUM(1)",
        "\u3000+1",
        "＝1",
        "＋1",
        "－1",
        "＠x",
        "\t=1",
        "\ufeff-1",
        "\u2060=1",
    ],
)
def test_formulas_are_neutralised(text: str) -> None:
    assert neutralise(text) == "'" + text


@pytest.mark.parametrize("text", ["plain", "a=b", "1-2", "", "e-mail"])
def test_plain_text_is_kept(text: str) -> None:
    assert neutralise(text) == text


def test_csv_quotes_semicolons_and_commas_and_neutralises(tmp_path: Path, make_company: Callable[..., Path]) -> None:
    alpha = MINI_ALPHA.replace("title: Two", "title: ' =HYPERLINK(\"x\"); a, b'").replace(
        "title: Optional", 'title: "\\u200b＝1"'
    )
    lib = write_tree(tmp_path / "lib", {"roles.yaml": MINI_ROLES, "1-alpha.yaml": alpha, "2-beta.yaml": MINI_BETA})
    out = tmp_path / "o"
    result = invoke("plan", make_company(), "--out", out, "--format", "csv,checklist,mermaid", "--library", lib)
    assert result.exit_code == 0, result.output
    text = (out / "plan.csv").read_text(encoding="utf-8-sig")
    assert '"\' =HYPERLINK(""x""); a, b"' in text
    for line in text.splitlines():
        assert line.count('"') % 2 == 0
    rows = list(csv.DictReader(io.StringIO(text)))
    titles = {row["id"]: row["title"] for row in rows}
    assert titles["alpha.two"] == '\' =HYPERLINK("x"); a, b' and titles["alpha.opt"] == "'\u200b＝1"
    for row in rows:
        assert all(not cell.lstrip(" \u00a0\u200b").startswith(("=", "+", "@", "＝")) for cell in row.values())
    by_semicolon = [line.split(";") for line in text.splitlines()]
    assert all(not part.startswith(("=", " =")) for parts in by_semicolon for part in parts[1:])
    assert csv_field("a;b") == '"a;b"' and csv_field("a,b") == '"a,b"' and csv_field("ab") == "ab"


def test_bare_urls_are_not_live_links_and_mermaid_has_no_raw_angle_brackets(
    tmp_path: Path, make_company: Callable[..., Path]
) -> None:
    alpha = MINI_ALPHA.replace("title: Two", "title: 'see https://evil.example/x, www.evil.example, a@evil.example'")
    alpha = alpha.replace("title: Optional", "title: '<img src=x onerror=alert(1)> <b>'")
    lib = write_tree(tmp_path / "lib", {"roles.yaml": MINI_ROLES, "1-alpha.yaml": alpha, "2-beta.yaml": MINI_BETA})
    out = tmp_path / "o"
    result = invoke("plan", make_company(), "--out", out, "--format", "checklist,mermaid", "--library", lib)
    assert result.exit_code == 0, result.output
    checklist = (out / "checklist.md").read_text(encoding="utf-8")
    assert "https\\://evil.example/x" in checklist and "www\\.evil.example" in checklist
    assert "a\\@evil.example" in checklist and "https://" not in checklist
    mermaid = (out / "plan.mmd").read_text(encoding="utf-8")
    assert "<" not in mermaid and ">" not in mermaid and "‹img src=x onerror=alert(1)› ‹b›" in mermaid


# ---------------------------------------------------------------- 8. messages


def test_an_only_invalid_step_is_one_message(tmp_path: Path) -> None:
    beta = MINI_BETA.replace("duration_days: 5", "duration_days: -5").replace(
        "  - id: beta.two\n    title: B two\n    duration_days: 1\n    after: [alpha.done]\n"
        '    when: "employees > 100"\n',
        "",
    )
    lib = write_tree(tmp_path / "lib", {"roles.yaml": MINI_ROLES, "1-alpha.yaml": MINI_ALPHA, "2-beta.yaml": beta})
    result = invoke("validate", "--library", lib)
    assert result.exit_code == 2
    assert "duration_days: should be greater than or equal to 1" in result.output
    assert "at least 1 item" not in result.output


def test_a_tab_before_a_comment_reads_the_same_in_validate_and_ask(
    mini_library: Path, make_company: Callable[..., Path]
) -> None:
    path = make_company(
        MINI_COMPANY.replace("employees: 300", "employees: 300\t# staff") + "answers:\n  q1: x\t# chosen\n"
    )
    assert invoke("validate", path, *lib_args(mini_library)).exit_code == 0
    result = invoke("ask", path, "--all", *lib_args(mini_library), input="2\n")
    assert result.exit_code == 0, result.output
    text = path.read_text(encoding="utf-8")
    assert "employees: 300\t# staff" in text and "q1: 'y' # chosen" in text
    assert invoke("validate", path, *lib_args(mini_library)).exit_code == 0


def test_answer_values_are_shown_as_written(mini_library: Path, make_company: Callable[..., Path]) -> None:
    for answer, shown in (
        ("2027-01-01", "got 2027-01-01"),
        ("[a, 2027-01-02]", "got 2027-01-02"),
        ("{a: 1}", "got a mapping"),
        ("[x, 5]", "got 5"),
    ):
        path = make_company(MINI_COMPANY + f"answers:\n  q1: {answer}\n")
        result = invoke("validate", path, *lib_args(mini_library))
        assert result.exit_code == 2 and shown in result.output, result.output
        assert "datetime" not in result.output


# ---------------------------------------------------------------- property: any mutation → 0 or 2

_PIECES = [
    ":",
    ": ",
    "-",
    "- ",
    "\t",
    " ",
    "  ",
    "\n",
    "#",
    "{",
    "}",
    "[",
    "]",
    "'",
    '"',
    ",",
    "&a ",
    "*a",
    "<<: ",
    "!!str ",
    "!!python/object:os.system ",
    "0",
    "9" * 30,
    "-1",
    "2099-13-40",
    "1799971200",
    "9999-01-01",
    "~",
    "null",
    "yes",
    "\\e",
    "\\x1b",
    "x" * 300,
    "\u202e",
    "\u00a0",
    "＝",
    "=cmd|' /C calc'!A0",
    "<script>",
    "..",
    "/etc/passwd",
]


@st.composite
def mutated(draw: st.DrawFn, sources: list[str]) -> str:
    text = draw(st.sampled_from(sources))
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(text)))
        kind = draw(st.sampled_from(["insert", "delete", "replace", "dup-line"]))
        if kind == "insert":
            text = text[:at] + draw(st.sampled_from(_PIECES)) + text[at:]
        elif kind == "delete":
            text = text[:at] + text[at + draw(st.integers(1, 20)) :]
        elif kind == "replace":
            text = text[:at] + draw(st.sampled_from(_PIECES)) + text[at + draw(st.integers(1, 8)) :]
        else:
            lines = text.splitlines(keepends=True) or [""]
            line = draw(st.integers(0, len(lines) - 1))
            text = "".join(lines[: line + 1] + lines[line:])
    return text


_FIXTURES = [
    textwrap.dedent(MINI_COMPANY) + extra
    for extra in (
        "",
        "answers:\n  q1: y\n  q2: true\n",
        "team: {pm: 2}\nprogress:\n  alpha.one: {status: done, start: 2027-01-04, finish: 2027-01-06}\n",
        "report: {title: T, logo: logo.png}\n",
    )
]
_EXAMPLE_TEXTS = [path.read_text(encoding="utf-8") for path in EXAMPLES]


def _check_mutation(text: str, folder: Path, library: list[str]) -> None:
    path = folder / "company.yaml"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    for args in (["validate", path], ["plan", path, "--out", folder / "out", "--format", "json,csv,checklist,mermaid"]):
        result = invoke(*args, *library)
        no_traceback(result)
        assert result.exit_code in (0, 2), (text, result.output)


@settings(max_examples=examples(25), suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=mutated(_FIXTURES))
def test_mutated_fixture_files_exit_0_or_2(text: str, mini_library: Path, tmp_path: Path) -> None:
    (tmp_path / "logo.png").write_bytes(PNG_1PX)
    _check_mutation(text, tmp_path, lib_args(mini_library))


@settings(max_examples=examples(6), suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=mutated(_EXAMPLE_TEXTS))
def test_mutated_examples_exit_0_or_2(text: str, tmp_path: Path) -> None:
    _check_mutation(text, tmp_path, [])


def test_a_template_that_is_a_pipe_does_not_hang(
    mini_library: Path, make_company: Callable[..., Path], tmp_path: Path
) -> None:
    folder = tmp_path / "tpl"
    folder.mkdir()
    os.mkfifo(folder / "checklist.md.j2")
    result = invoke(
        "plan",
        make_company(),
        "--out",
        tmp_path / "o",
        "--format",
        "checklist",
        "--templates",
        folder,
        *lib_args(mini_library),
    )
    assert result.exit_code == 2 and "not a regular file" in result.output


def test_control_characters_in_arguments_never_reach_the_terminal() -> None:
    result = invoke("show", "\x1b]0;pwned\x07\x1b[2J")
    assert result.exit_code == 2 and "\x1b" not in result.output and "\\x1b]0;pwned\\x07" in result.output
