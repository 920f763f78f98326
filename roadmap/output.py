"""Atomic file writes: a reader never sees a half-written report, nor a mix of two runs.

:func:`write_atomic` writes one file through a temporary file in the same folder and a rename.
:func:`write_set` writes a set of files (one run's reports): all of them are written into a
staging folder inside the output folder first, then moved into place while holding a lock on
the folder, so two runs at once never leave a mix of their files. A failure part-way says
which files were already written; temporary files never stay behind, also after SIGTERM.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

from roadmap.errors import EnvironmentProblem, FileExists, describe_os_error

STAGING_PREFIX = ".roadmap-staging-"


def write_atomic(path: Path, data: bytes | str, *, overwrite: bool = True) -> Path:
    """Write ``data`` to ``path`` through a temporary file in the same folder and a rename.

    With ``overwrite=False`` an existing file is an :class:`OutputError`, never clobbered.
    A full disk, a read-only folder or a folder in the file's place is an
    :class:`EnvironmentProblem` (exit 1).
    """
    payload = data.encode("utf-8") if isinstance(data, str) else data
    if not overwrite and path.exists():
        raise FileExists(path)
    if path.is_dir():
        raise EnvironmentProblem(f"{path}: is a folder, not a file: cannot write it")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise EnvironmentProblem(f"{path.parent}: cannot write here ({describe_os_error(exc)})") from None
    try:
        _fill(fd, payload)
        _copy_mode(Path(tmp), path)
        if not overwrite and path.exists():
            raise FileExists(path)
        os.replace(tmp, path)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            raise EnvironmentProblem(f"{path}: cannot write it ({describe_os_error(exc)})") from None
        raise
    return path


def _fill(fd: int, payload: bytes) -> None:
    """Write, flush and sync ``payload`` to the open file ``fd`` (closed afterwards)."""
    with os.fdopen(fd, "wb") as handle:
        handle.write(payload)
        handle.flush()
        os.fsync(handle.fileno())


def _copy_mode(tmp: Path, path: Path) -> None:
    """The mode ``path`` has (or a new file would get under the umask) on ``tmp``."""
    if path.exists():
        with contextlib.suppress(OSError):
            os.chmod(tmp, path.stat().st_mode & 0o777)
        return
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o666 & ~umask)


def write_set(out_dir: Path, files: Iterable[tuple[str, bytes]]) -> list[Path]:
    """Write ``files`` (name, bytes) into ``out_dir`` as one set: stage them all, then swap them in.

    ``files`` may be a generator (issue 14: the reports of a 50,000-step plan): each file is
    staged as it comes and dropped from memory, and none is swapped in before the last is
    staged. When the set fails before that (a bad file name, a report that cannot be made),
    nothing is written, ``files`` is closed (a generator's own clean-up runs first) and the
    folders this call created are removed again.
    Raises :class:`EnvironmentProblem` naming the files already in place when it fails part-way.
    """
    created: list[Path] = []
    try:
        _make_folder(out_dir, created)
        return _write_staged(out_dir, files)
    except BaseException:
        close = getattr(files, "close", None)
        if close is not None:  # a generator let go of: what it holds goes first (a helper's folder)
            close()
        for folder in created:  # the deepest first, each only while empty
            try:
                folder.rmdir()
            except FileNotFoundError:  # never made (mkdir failed on the way)
                continue
            except OSError:
                break
        raise


def refuse_folder(target: Path) -> None:
    """A report's place taken by a folder: :class:`EnvironmentProblem` (nothing is written)."""
    if target.is_dir():
        raise EnvironmentProblem(f"{target}: is a folder, not a file: nothing was written")


def _write_staged(out_dir: Path, files: Iterable[tuple[str, bytes]]) -> list[Path]:
    written: list[Path] = []
    with _staging(out_dir) as staging:
        staged: list[tuple[Path, Path]] = []
        for name, payload in files:
            target = out_dir / name
            refuse_folder(target)
            temp = staging / name
            try:
                _fill(os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), payload)
                _copy_mode(temp, target)
            except OSError as exc:
                message = f"{target}: cannot write it ({describe_os_error(exc)}); nothing was written"
                raise EnvironmentProblem(message) from None
            staged.append((temp, target))
            del payload  # not kept while the next file is made
        with _folder_lock(out_dir):
            for temp, target in staged:
                try:
                    os.replace(temp, target)
                except OSError as exc:
                    done = ", ".join(str(p) for p in written) or "none"
                    message = f"{target}: cannot write it ({describe_os_error(exc)}); files written: {done}"
                    raise EnvironmentProblem(message) from None
                written.append(target)
    return written


def _make_folder(out_dir: Path, created: list[Path]) -> None:
    """Make ``out_dir`` (and its missing parents, added to ``created``, the deepest first)."""
    if out_dir.exists() and not out_dir.is_dir():
        raise EnvironmentProblem(f"{out_dir}: is a file, not a folder for the reports")
    folder = out_dir
    while not folder.exists() and folder != folder.parent:
        created.append(folder)
        folder = folder.parent
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise EnvironmentProblem(f"{out_dir}: cannot create the folder ({describe_os_error(exc)})") from None
    if not os.access(out_dir, os.W_OK | os.X_OK):
        raise EnvironmentProblem(f"{out_dir}: the folder is read-only: nothing was written")


@contextlib.contextmanager
def _staging(out_dir: Path) -> Iterator[Path]:
    """A fresh hidden folder inside ``out_dir``, removed with whatever is left in it."""
    try:
        folder = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=out_dir))
    except OSError as exc:
        raise EnvironmentProblem(f"{out_dir}: cannot write here ({describe_os_error(exc)})") from None
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@contextlib.contextmanager
def _folder_lock(out_dir: Path) -> Iterator[None]:
    """An exclusive lock on the folder itself (no lock file left behind) while one run swaps its files in."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX
        yield
        return
    try:
        fd = os.open(out_dir, os.O_RDONLY)
    except OSError:  # cannot open the folder to lock it: swap without the lock
        yield
        return
    try:
        with contextlib.suppress(OSError):
            fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)
