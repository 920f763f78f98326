"""Spreadsheet cells that stay text: one formula neutraliser for every tabular writer (CSV, XLSX).

A spreadsheet takes a cell for a formula when its first visible character is ``=``, ``+``,
``-`` or ``@`` — also after leading spaces, a no-break space or zero-width characters, and in
the full-width forms (``＝ ＋ － ＠``) that some imports fold to ASCII; a leading tab or line
break counts too. Such a cell gets a leading ``'`` (OWASP's advice against CSV injection), which
spreadsheets show as plain text.
"""

from __future__ import annotations

import re

TRIGGERS = frozenset("=+-@＝＋－＠﹦﹢﹣﹫−")
"""First characters that start a formula (ASCII, full-width, small and minus-sign forms)."""
_INVISIBLE = re.compile(
    "[\\s\u00a0\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180e"
    "\u200b-\u200f\u202a-\u202e\u2060-\u206f\u3164\ufeff\uffa0]*"
)
"""Leading characters a reader does not see: spaces of any width, zero-width and direction marks."""
_PLAIN_STARTS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
"""First characters that are neither a trigger nor invisible: no further look needed."""
_QUOTED = re.compile('[,;"\t\r\n]')


def neutralise(text: str) -> str:
    """``text`` with a leading ``'`` when a spreadsheet could read it as a formula."""
    if not text:
        return text
    if text[0] in _PLAIN_STARTS:  # most cells: an id, a date, a word
        return text
    if text[0] in "\t\r\n":
        return "'" + text
    rest = text[_INVISIBLE.match(text).end() :]  # type: ignore[union-attr]
    return "'" + text if rest[:1] in TRIGGERS else text


def needs_quotes(text: str) -> bool:
    """Whether a CSV field must be quoted so that any separator setting keeps the columns.

    LibreOffice's default import splits on ``,`` and ``;`` (and tabs): quote a field holding
    any of them, a quote, a line break, or leading/trailing spaces.
    """
    return _QUOTED.search(text) is not None or text[:1] == " " or text[-1:] == " "


def csv_field(text: str) -> str:
    """One CSV field: quoted (``"`` doubled) when :func:`needs_quotes`."""
    return '"' + text.replace('"', '""') + '"' if needs_quotes(text) else text
