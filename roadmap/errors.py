"""One exception tree for the whole library.

The CLI maps :class:`RoadmapError` subclasses to exit codes in one place; anything else is a
bug and keeps its traceback.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, order=True)
class Diagnostic:
    """One problem found in one file, at a 1-based line and column (0 when unknown); or in a value
    given to a command (``param``: the API's parameter name, e.g. ``as_of``, which the CLI shows
    as its flag; ``file`` is then that name too)."""

    file: str
    line: int
    col: int
    message: str
    param: bool = False

    def __str__(self) -> str:
        if self.line:
            return f"{self.file}:{self.line}:{self.col}: {self.message}"
        return f"{self.file}: {self.message}"


class RoadmapError(Exception):
    """Base of every error the user can fix; the CLI exits 2 on it."""

    exit_code = 2


class InputError(RoadmapError):
    """One or more problems in the input files, each with its location."""

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        self.diagnostics = sorted(set(diagnostics))
        super().__init__("\n".join(str(d) for d in self.diagnostics))

    @classmethod
    def at(cls, file: str | Path, message: str, line: int = 0, col: int = 0) -> InputError:
        """A single diagnostic."""
        return cls([Diagnostic(str(file), line, col, message)])

    @classmethod
    def of_param(cls, param: str, message: str) -> InputError:
        """A bad value of the parameter ``param`` (``as_of``, ``formats``...): the library names its
        own parameters, never a command-line flag; the CLI shows the flag."""
        return cls([Diagnostic(param, 0, 0, message, param=True)])


class OutputError(RoadmapError):
    """A report or file could not be written (exists and not forced, unwritable folder...)."""


class FileExists(OutputError):
    """A file is there and the caller did not allow overwriting it (``force``/``overwrite``)."""

    def __init__(self, path: Path | str, why: str = "already exists") -> None:
        self.path = Path(path)
        super().__init__(f"{path}: {why}")


class EnvironmentProblem(OutputError):
    """The machine, not the input, is at fault: a full disk, a read-only folder, a closed stream.

    The CLI says it in one line and exits 1.
    """

    exit_code = 1


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised like Ctrl-C so that the same clean-up runs; the CLI exits 143."""


def describe_os_error(exc: OSError) -> str:
    """A short reason for an ``OSError`` (``no space left on device``), for one-line messages."""
    import errno

    reasons = {
        errno.ENOSPC: "no space left on device",
        errno.EDQUOT: "disk quota exceeded",
        errno.EROFS: "read-only file system",
        errno.EACCES: "permission denied",
        errno.EPERM: "permission denied",
        errno.EISDIR: "is a directory",
        errno.ENOTDIR: "a part of the path is not a directory",
    }
    reason = reasons.get(exc.errno or 0) or exc.strerror or str(exc) or type(exc).__name__
    return reason[:1].lower() + reason[1:]
