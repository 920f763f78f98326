"""Read the files of a large library once: their parsed data kept by content (issue 14).

Parsing YAML is most of the time spent reading a library of thousands of steps (the C parser
builds a node with its marks for every value). A set of files larger than :data:`MIN_BYTES`
that parsed without a problem is kept as JSON in the user's cache folder, named by a hash of
the bytes of every file and of the loader's own code; the next read of the same bytes takes
the data from there. Only parsing is skipped: the data is validated and cross-checked as on a
first read, and positions for messages are still found in the file's text when one is needed,
so every message is the same. Files holding dates or other values JSON cannot carry are not
kept. A small library (the bundled one) is never kept, so planning it writes nothing.

``ROADMAP_CACHE`` names the cache folder; ``ROADMAP_CACHE=off`` (or empty) turns the cache
off. Default: ``$XDG_CACHE_HOME/roadmap`` or ``~/.cache/roadmap``. A cache that cannot be read
or written is ignored.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from roadmap import yamlio
from roadmap.errors import InputError
from roadmap.yamlio import LoadedYaml

MIN_BYTES = 512 * 1024
"""Files of a library smaller than this in all are parsed every time (a few hundredths of a second)."""
FORMAT = "1"
"""Changes when what is kept changes."""

__all__ = ["MIN_BYTES", "cache_dir", "load_files"]


def cache_dir() -> Path | None:
    """The folder parsed libraries are kept in; None when the cache is off."""
    named = os.environ.get("ROADMAP_CACHE")
    if named is not None:
        return None if named.strip().lower() in ("", "off", "0", "no", "false") else Path(named)
    base = os.environ.get("XDG_CACHE_HOME") or ""
    root = Path(base) if base and Path(base).is_absolute() else Path.home() / ".cache"
    return root / "roadmap"


def load_files(paths: Sequence[Path]) -> list[LoadedYaml | InputError]:
    """Each file as ``load_yaml(path, defer=True)`` loads it, or the error it raises."""
    raws: list[bytes | InputError] = []
    for path in paths:
        try:
            raws.append(yamlio.read_input(path, str(path)))
        except InputError as exc:
            raws.append(exc)
    folder = cache_dir()
    whole = [raw for raw in raws if isinstance(raw, bytes)]
    key = None
    if folder is not None and len(whole) == len(raws) and sum(map(len, whole)) >= MIN_BYTES:
        key = _key(whole)
        kept = _read(folder / f"{key}.json", len(whole))
        if kept is not None:
            return [
                LoadedYaml(str(path), data, None, (), yamlio.decode(raw, str(path)))
                for path, raw, data in zip(paths, whole, kept, strict=True)
            ]
    results: list[LoadedYaml | InputError] = []
    for path, raw in zip(paths, raws, strict=True):
        if isinstance(raw, InputError):
            results.append(raw)
            continue
        try:
            results.append(yamlio.load_yaml_text(yamlio.decode(raw, str(path)), str(path), defer=True))
        except InputError as exc:
            results.append(exc)
    if folder is not None and key is not None:
        loaded = [r for r in results if isinstance(r, LoadedYaml) and not r.problems]
        if len(loaded) == len(results) and all(_plain(r.data) for r in loaded):
            _write(folder, f"{key}.json", [r.data for r in loaded])
    return results


def _key(raws: Sequence[bytes]) -> str:
    """A hash of the files' bytes, in order, and of the code that parses them."""
    digest = hashlib.sha256(f"roadmap yaml cache {FORMAT} {sys.version_info[:2]}\n".encode())
    for module in (yamlio.__file__, __file__):
        with contextlib.suppress(OSError, TypeError):
            digest.update(Path(str(module)).read_bytes())
    for raw in raws:
        digest.update(len(raw).to_bytes(8, "big"))
        digest.update(raw)
    return digest.hexdigest()


def _read(path: Path, count: int) -> list[Any] | None:
    """The kept data of ``count`` files, or None when missing or unreadable."""
    try:
        kept = json.loads(path.read_bytes())
    except (OSError, ValueError, RecursionError):
        return None
    if not isinstance(kept, list) or len(kept) != count or not all(isinstance(d, dict) for d in kept):
        return None
    return kept


def _write(folder: Path, name: str, data: list[Any]) -> None:
    """Keep ``data`` as ``folder/name``, atomically; any failure is ignored (the cache is optional)."""
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))  # json.dump encodes in Python: slower
        fd, temp = tempfile.mkstemp(prefix=".", suffix=".tmp", dir=folder)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as stream:
                stream.write(text)
            os.replace(temp, folder / name)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temp)
            raise
    except (OSError, ValueError, TypeError, RecursionError):
        return


def _plain(value: Any) -> bool:
    """Whether JSON gives ``value`` back as it is: mappings with text keys, lists, text, numbers, booleans, null."""
    todo = [value]
    while todo:
        item = todo.pop()
        kind = type(item)
        if kind is dict:
            if not all(type(k) is str for k in item):
                return False
            todo.extend(item.values())
        elif kind is list:
            todo.extend(item)
        elif kind not in (str, int, float, bool) and item is not None:
            return False
    return True
