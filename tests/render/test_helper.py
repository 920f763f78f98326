"""The helper process of a big plan's reports (issue 14): the same files, in the same order,
whether it makes its share, fails or is stopped."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from roadmap.render import helper
from roadmap.render.helper import COST, HELPER_TASKS, helper_formats
from tests.conftest import ROOT

EXAMPLE = ROOT / "examples" / "manufacturer-1200.yaml"
EVERY = "json,gantt,checklist,mspdi,ics,csv,mermaid,xlsx"
RUN = """
import os, sys
import roadmap.render.helper as helper
helper.HELPER_TASKS = {tasks}
helper._can_fork = lambda: True  # one CPU or two, the helper is used (and said in MARK)
MARK = {mark!r}
work = helper._work
def said(make, formats, *rest):
    open(MARK + ".part", "w").write(",".join(formats))
    os.replace(MARK + ".part", MARK)
    work(make, formats, *rest)
helper._work = said
PARENT = os.getpid()
{patch}
import cli
cli.main()
"""


def plan(out: Path, *, tasks: int, patch: str = "", formats: str = EVERY) -> subprocess.CompletedProcess[str]:
    """``roadmap plan`` of the example in a fresh process, a helper used from ``tasks`` tasks on
    (the formats it was given are then in ``out``'s sibling ``out.helper``)."""
    code = RUN.format(tasks=tasks, patch=patch, mark=str(out) + ".helper")
    argv = [sys.executable, "-c", code, "plan", str(EXAMPLE), "--format", formats, "--out", str(out)]
    return subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, timeout=120, check=False)


def files(out: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(out.iterdir())}


def wrote(stdout: str, out: Path) -> list[str]:
    return [line.split(str(out) + "/", 1)[1] for line in stdout.splitlines() if line.startswith("wrote ")]


def test_a_small_plan_or_a_single_format_gets_no_helper(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(helper, "_can_fork", lambda: True)
    every = EVERY.split(",")
    assert helper_formats(every, HELPER_TASKS - 1, own_templates=False) == []
    assert helper_formats(["gantt"], HELPER_TASKS, own_templates=False) == []
    assert helper_formats(every, HELPER_TASKS, own_templates=True) == []  # their time budget is this process's
    monkeypatch.setattr(helper, "_can_fork", lambda: False)
    assert helper_formats(every, HELPER_TASKS, own_templates=False) == []


def test_the_helper_takes_about_half_of_the_work(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(helper, "_can_fork", lambda: True)
    every = EVERY.split(",")
    theirs = helper_formats(every, HELPER_TASKS, own_templates=False)
    assert "gantt" in theirs and theirs == [fmt for fmt in every if fmt in theirs]  # in the given order
    ours = [fmt for fmt in every if fmt not in theirs]
    assert abs(sum(COST[f] for f in theirs) - sum(COST[f] for f in ours)) <= min(COST.values())


def test_the_helper_is_born_with_ctrl_c_held_and_this_process_gets_it_back(tmp_path: Path) -> None:
    """The copy sets its own way out before a Ctrl-C or SIGTERM may reach it; here, the signals
    blocked for the split are unblocked again."""
    code = (
        "import signal, sys\n"
        "from pathlib import Path\n"
        "from roadmap.render.helper import Helper\n"
        "def make(fmt):\n"
        "    return [(fmt + '.txt', str(sorted(signal.pthread_sigmask(signal.SIG_BLOCK, []))).encode())]\n"
        f"helper = Helper(make, ['a'], Path({str(tmp_path)!r}))\n"
        "print(sorted(signal.pthread_sigmask(signal.SIG_BLOCK, [])))\n"
        "made = helper.files()\n"
        "print(made[0][2].read_text())\n"
        "helper.close()\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split("\n")[:2] == ["[]", "[]"]  # nothing left blocked, in either process
    assert list(tmp_path.iterdir()) == []


@pytest.fixture(scope="module")
def alone(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, bytes], list[str]]:
    """The files and the "wrote" lines of a run without a helper, to compare with."""
    out = tmp_path_factory.mktemp("alone") / "out"
    done = plan(out, tasks=10**9)
    assert done.returncode == 0 and not Path(str(out) + ".helper").exists(), done.stderr
    return files(out), wrote(done.stdout, out)


def test_the_helper_makes_the_same_files_in_the_same_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, alone: tuple[dict[str, bytes], list[str]]
) -> None:
    monkeypatch.setattr(helper, "_can_fork", lambda: True)
    share = helper_formats(EVERY.split(","), HELPER_TASKS, own_templates=False)
    shared = plan(tmp_path / "shared", tasks=1)
    assert shared.returncode == 0, shared.stderr
    assert (tmp_path / "shared.helper").read_text() == ",".join(share)  # its share, made there
    assert (files(tmp_path / "shared"), wrote(shared.stdout, tmp_path / "shared")) == alone  # nothing hidden left
    assert alone[1][:2] == ["plan.json", "gantt.html"]


def test_a_helper_that_fails_leaves_its_formats_to_this_process(
    tmp_path: Path, alone: tuple[dict[str, bytes], list[str]]
) -> None:
    failing = (
        "import roadmap.render.gantt_page as page\n"
        "real = page.render\n"
        "def render(ctx):\n"
        "    if os.getpid() != PARENT:\n"
        "        raise RuntimeError('the helper breaks')\n"
        "    return real(ctx)\n"
        "page.render = render\n"
    )
    shared = plan(tmp_path / "shared", tasks=1, patch=failing)
    assert shared.returncode == 0 and "Traceback" not in shared.stderr, shared.stderr
    assert "gantt" in (tmp_path / "shared.helper").read_text()
    assert (files(tmp_path / "shared"), wrote(shared.stdout, tmp_path / "shared")) == alone


def test_an_error_in_a_helpers_format_shows_as_it_would_without_one(tmp_path: Path) -> None:
    broken = (
        "import roadmap.render.gantt_page as page\n"
        "def render(ctx):\n"
        "    raise RuntimeError('a bug in the page')\n"
        "page.render = render\n"
    )
    alone = plan(tmp_path / "alone", tasks=10**9, patch=broken)
    shared = plan(tmp_path / "shared", tasks=1, patch=broken)
    assert shared.returncode == alone.returncode == 3 and (tmp_path / "shared.helper").exists()
    assert shared.stderr.replace("shared", "alone") == alone.stderr
    assert not (tmp_path / "shared").exists()  # nothing written, the folder made for it removed again


def test_an_error_in_this_processs_share_stops_the_helper_and_leaves_nothing(tmp_path: Path) -> None:
    broken = (
        "import time\n"
        "import roadmap.render.json_out as out\n"
        "def render(ctx):\n"
        "    deadline = time.monotonic() + 60\n"
        "    while not os.path.exists(MARK):  # the helper is at work\n"
        "        if time.monotonic() > deadline:\n"
        "            sys.exit('the helper never started')\n"
        "        time.sleep(0.01)\n"
        "    raise RuntimeError('a bug in plan.json')\n"
        "out.render = render\n"
    )
    shared = plan(tmp_path / "shared", tasks=1, patch=broken)
    assert shared.returncode == 3 and "Traceback" not in shared.stderr, shared.stderr
    assert "json" not in (tmp_path / "shared.helper").read_text()  # the helper was at work meanwhile
    assert not (tmp_path / "shared").exists()  # nothing written, no hidden folder left


@pytest.mark.external  # real processes and signals
@pytest.mark.parametrize(("sig", "code", "group"), [(signal.SIGTERM, 143, False), (signal.SIGINT, 130, True)])
def test_stopped_while_the_helper_works_nothing_is_written_and_the_helper_is_gone(
    tmp_path: Path, sig: signal.Signals, code: int, group: bool
) -> None:
    """SIGTERM reaches this process only; Ctrl-C the whole process group."""
    pid_file, waiting = tmp_path / "helper.pid", tmp_path / "waiting"
    slow = (
        "import time\n"
        "import roadmap.render.gantt_page as page\n"
        "def render(ctx):\n"
        f"    open({str(pid_file)!r}, 'w').write(str(os.getpid()))\n"
        "    time.sleep(60)\n"
        "page.render = render\n"
        "files = helper.Helper.files\n"
        "def waited(self):\n"
        f"    open({str(waiting)!r}, 'w').close()  # this process's own share is made\n"
        "    return files(self)\n"
        "helper.Helper.files = waited\n"
    )
    out = tmp_path / "out"
    script = RUN.format(tasks=1, patch=slow, mark=str(tmp_path / "helper"))
    argv = [sys.executable, "-c", script, "plan", str(EXAMPLE), "--format", EVERY]
    proc = subprocess.Popen(
        [*argv, "--out", str(out)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 60
        while not (waiting.exists() and pid_file.exists() and pid_file.read_text()):
            assert time.monotonic() < deadline and proc.poll() is None, "the helper or the wait never came"
            time.sleep(0.05)
        helper_pid = int(pid_file.read_text())
        if group:
            os.killpg(proc.pid, sig)
        else:
            proc.send_signal(sig)
        _, err = proc.communicate(timeout=30)
        try:
            os.kill(helper_pid, 0)
            helper_left = True
        except ProcessLookupError:  # stopped and reaped, not left running or a zombie
            helper_left = False
    finally:  # whatever failed, nothing is left running
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
    assert proc.returncode == code, err
    assert "Traceback" not in err
    assert not helper_left
    assert not out.exists() or not list(out.iterdir())  # no report, no hidden folder
