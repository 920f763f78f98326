"""Atomic file writes: a reader never sees a half-written report."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from roadmap.errors import OutputError


def write_atomic(path: Path, data: bytes | str, *, overwrite: bool = True) -> Path:
    """Write ``data`` to ``path`` through a temporary file in the same folder and a rename.

    With ``overwrite=False`` an existing file is an :class:`OutputError`, never clobbered.
    """
    payload = data.encode("utf-8") if isinstance(data, str) else data
    if not overwrite and path.exists():
        raise OutputError(f"{path}: already exists (use --force to overwrite it)")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise OutputError(f"{path.parent}: cannot write here ({exc.strerror or exc})") from exc
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        if path.exists():
            with contextlib.suppress(OSError):
                os.chmod(tmp, path.stat().st_mode & 0o777)
        else:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp, 0o666 & ~umask)
        if not overwrite and path.exists():
            raise OutputError(f"{path}: already exists (use --force to overwrite it)")
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return path
