"""A second process for a big plan's reports (issue 14).

Each format is a pure function of the plan, so a copy of this process (``fork``) can make some
of them while this one makes the others: at 10,000 steps, every format together takes about
half as long again as plan.json alone instead of twice as long, on a machine with two CPUs.

The helper writes its files into a hidden folder of the output folder, then a list of them;
the caller reads them back and stages them like its own, so the set is still written at once.
The helper never reports an error: when it stops without its list (an exception, a signal, no
memory), the caller makes those formats itself, and whatever went wrong shows as it always did.
Used only where it is safe and pays: Linux, two CPUs or more, a plan of :data:`HELPER_TASKS`
tasks or more, two formats or more, the bundled templates (a consultant's are timed by this
process's alarm), and no other thread running (a fork copies one thread only).
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import sys
import tempfile
import threading
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import NoReturn

from roadmap.output import STAGING_PREFIX

HELPER_TASKS = 2_000
"""A plan of at least this many tasks shares its formats with a helper process."""
COST = {"gantt": 40, "mspdi": 33, "checklist": 27, "xlsx": 24, "ics": 12, "csv": 11, "json": 9, "mermaid": 4}
"""Each format's time at 10,000 steps (hundredths of a second, its imports included)."""
LIST = "made.json"
"""The helper's list of what it made, written last: ``[[format, file name, its file], ...]``."""

_STOPS = {signal.SIGINT, signal.SIGTERM}

Make = Callable[[str], list[tuple[str, bytes]]]
"""A format's files: ``(file name, bytes)``."""


def helper_formats(formats: Sequence[str], tasks: int, own_templates: bool) -> list[str]:
    """The formats a helper makes (in ``formats`` order); none where one is not used (see the module)."""
    if tasks < HELPER_TASKS or len(formats) < 2 or own_templates or not _can_fork():
        return []
    loads = [0, 0]
    sides: dict[str, int] = {}
    for fmt in sorted(formats, key=lambda f: (-COST.get(f, 10), formats.index(f))):  # longest first
        side = 0 if loads[0] <= loads[1] else 1
        sides[fmt] = side
        loads[side] += COST.get(fmt, 10)
    return [fmt for fmt in formats if sides[fmt] == 0]  # the side with the longest format


def _can_fork() -> bool:
    if not sys.platform.startswith("linux") or threading.active_count() > 1:
        return False
    try:
        return len(os.sched_getaffinity(0)) >= 2
    except OSError:
        return False


class Helper:
    """A copy of this process making ``formats`` with ``make`` into a hidden folder of ``out_dir``.

    :meth:`files` waits for it; :meth:`close` stops it if it still runs and removes its folder
    (always call it, in a ``finally``).
    """

    def __init__(self, make: Make, formats: Sequence[str], out_dir: Path) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=out_dir))
        self.pid = 0
        # Ctrl-C and SIGTERM wait while the process splits: the copy must not take the caller's
        # way out (its clean-up, its messages) before it has its own handlers
        held = signal.pthread_sigmask(signal.SIG_BLOCK, _STOPS)
        try:
            self.pid = os.fork()
            if self.pid == 0:
                try:
                    _work(make, formats, self.folder, held)
                finally:
                    os._exit(1)
            signal.pthread_sigmask(signal.SIG_SETMASK, held)  # a signal held meanwhile lands here
        except BaseException:
            signal.pthread_sigmask(signal.SIG_SETMASK, held)
            self.close()
            raise

    def files(self) -> list[tuple[str, str, Path]] | None:
        """``(format, file name, where it is)`` of what the helper made, in order; None when it
        did not make all of it (the caller makes those formats itself)."""
        try:
            _, status = os.waitpid(self.pid, 0)
        except ChildProcessError:  # reaped by someone else (a caller ignoring SIGCHLD): its list may be whole
            status = 0
        self.pid = 0  # reaped (interrupted while waiting, it is still there for close to stop)
        if os.waitstatus_to_exitcode(status) != 0:
            return None
        try:
            made = json.loads((self.folder / LIST).read_text("utf-8"))
        except (OSError, ValueError):
            return None
        return [(fmt, name, self.folder / file) for fmt, name, file in made]

    def close(self) -> None:
        """Stop the helper if it still runs; remove its folder."""
        if self.pid:
            pid, self.pid = self.pid, 0
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, 0)
        shutil.rmtree(self.folder, ignore_errors=True)


def _work(make: Make, formats: Sequence[str], folder: Path, held: Iterable[int]) -> NoReturn:
    """The helper's whole life: make the formats, write them and their list, leave at once.

    It is born with Ctrl-C and SIGTERM held (``held``: the signals blocked before): either one
    now just stops it. ``os._exit``: nothing of the caller's runs here after the work (no
    ``finally`` of its own, no buffered output flushed twice). Its output goes nowhere: it has
    nothing to say.
    """
    code = 1
    try:
        for stop in _STOPS:  # Ctrl-C reaches both processes: this one just stops
            signal.signal(stop, signal.SIG_DFL)
        signal.pthread_sigmask(signal.SIG_SETMASK, held)
        quiet = os.open(os.devnull, os.O_WRONLY)
        os.dup2(quiet, 1)
        os.dup2(quiet, 2)
        made: list[tuple[str, str, str]] = []
        for fmt in formats:
            for name, data in make(fmt):
                file = str(len(made))
                (folder / file).write_bytes(data)  # the caller stages (and syncs) its own copy
                made.append((fmt, name, file))
        (folder / LIST).write_text(json.dumps(made), "utf-8")
        code = 0
    except BaseException:  # noqa: S110 - the caller makes these formats itself and shows what fails
        pass
    finally:
        os._exit(code)
