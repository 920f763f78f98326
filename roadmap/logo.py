"""The report logo: a small image file beside the company file, and nothing else.

``report.logo`` names a regular file inside the company file's folder (no absolute path, no
``..``, no symbolic link leading out of the folder), at most :data:`LOGO_MAX_BYTES` (checked by
size before reading), whose content is a PNG, JPEG, GIF, WebP or an SVG without scripts,
embedded objects, event handlers or outside references. So a company file cannot make a
report embed a private file (``/etc/passwd``, ``../../.ssh/id_rsa``) or run a script.
"""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path, PurePosixPath, PureWindowsPath

LOGO_MAX_BYTES = 2_000_000
"""At most 2 MB: the page embeds the logo (a third bigger as base64), so a large logo leaves
less room for hover labels under the page's size budget."""
LOGO_TYPES = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".svg": "image/svg+xml",
}
_SVG_DANGER = re.compile(
    r"<\s*(script|foreignobject|iframe|object|embed|set|animate\w*|handler|listener|!entity|!doctype)\b"
    r"|\bon[a-z]+\s*="
    r"|(href|src)\s*=\s*[\"']?\s*(?!#)[a-z]+:"
    r"|(href|src)\s*=\s*[\"']?\s*//"
    r"|url\s*\(\s*[\"']?\s*(?!#)[^)]*:"
    r"|@import",
    re.IGNORECASE,
)


class LogoError(ValueError):
    """Why a logo cannot be used (the caller adds the file and position)."""


def read_logo(base: Path, name: str) -> tuple[bytes, str]:
    """The logo's bytes and MIME type; raises :class:`LogoError` with the reason."""
    path = _inside(base, name)
    mime = LOGO_TYPES.get(Path(name).suffix.lower())
    if mime is None:
        raise LogoError(f"logo '{name}': use a PNG, JPEG, GIF, WebP or SVG image")
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise LogoError(f"logo file '{name}' not found") from None
    except OSError as exc:
        raise LogoError(f"logo '{name}' cannot be read ({exc.strerror or exc})") from None
    if not stat.S_ISREG(info.st_mode):
        raise LogoError(f"logo '{name}' is not a regular file")
    if info.st_size > LOGO_MAX_BYTES:
        raise LogoError(
            f"logo '{name}' is {_size(info.st_size)}: gantt.html embeds it, use an image under {_size(LOGO_MAX_BYTES)}"
        )
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0))
        with os.fdopen(fd, "rb") as handle:
            data = handle.read(LOGO_MAX_BYTES + 1)
    except OSError as exc:
        raise LogoError(f"logo '{name}' cannot be read ({exc.strerror or exc})") from None
    if len(data) > LOGO_MAX_BYTES:
        raise LogoError(f"logo '{name}' is over {_size(LOGO_MAX_BYTES)}")
    _check_content(data, mime, name)
    return data, mime


def _inside(base: Path, name: str) -> Path:
    """The real path of ``base / name``, refusing absolute paths, ``..`` and links that lead out of ``base``."""
    if not name or "\x00" in name:
        raise LogoError("logo: give a file name beside the company file")
    pure = [PurePosixPath(name), PureWindowsPath(name)]
    if any(p.is_absolute() or p.anchor for p in pure):
        raise LogoError(f"logo '{name}': give a path relative to the company file's folder, not an absolute one")
    if any(".." in p.parts for p in pure):
        raise LogoError(f"logo '{name}': the logo must be inside the company file's folder ('..' is not allowed)")
    root = os.path.realpath(base)
    real = os.path.realpath(base / name)
    if os.path.commonpath([root, real]) != root:
        raise LogoError(f"logo '{name}': a link leading out of the company file's folder is not allowed")
    return Path(real)


def _check_content(data: bytes, mime: str, name: str) -> None:
    """The bytes must be the image the name says, and an SVG must be inert."""
    kinds = {
        "image/png": data.startswith(b"\x89PNG\r\n\x1a\n"),
        "image/jpeg": data.startswith(b"\xff\xd8\xff"),
        "image/gif": data.startswith((b"GIF87a", b"GIF89a")),
        "image/webp": data[:4] == b"RIFF" and data[8:12] == b"WEBP",
    }
    if mime != "image/svg+xml":
        if not kinds[mime]:
            kind = mime.split("/")[1].upper()
            raise LogoError(f"logo '{name}' is not a {kind} image (its content does not match)")
        return
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise LogoError(f"logo '{name}' is not an SVG image (not UTF-8 text)") from None
    if "<svg" not in text.lower():
        raise LogoError(f"logo '{name}' is not an SVG image")
    bad = _SVG_DANGER.search(text)
    if bad is not None:
        found = " ".join(bad.group(0).split())[:30]
        raise LogoError(f"logo '{name}': an SVG with scripts, embedded content or outside links is refused ({found})")


def _size(n: int) -> str:
    return f"{n / 1_000_000:.1f} MB" if n >= 1_000_000 else f"{n // 1000} KB"
