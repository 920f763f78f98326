"""The terminal summary's building blocks: lines, tables and sections (plain data the CLI prints).

Apart from :mod:`roadmap.summary` so that the modules adding a section to the summary
(:mod:`roadmap.effort`, :mod:`roadmap.forecast`) need not import it, nor the plan it imports.
"""

from __future__ import annotations

from dataclasses import dataclass

Style = str
"""``""``, ``"bold"``, ``"dim"``, ``"warn"`` (yellow), ``"crit"`` (red), ``"late"`` (red), ``"early"`` (green)."""


@dataclass(frozen=True)
class Line:
    """One line of a section: plain text (never markup) and a style name."""

    text: str
    style: Style = ""
    mark: str = ""
    """A short prefix drawn in the style (``!``, ``●``, ``-``), the text itself unstyled."""
    whole: bool = False
    """Never wrapped (a file path stays one piece that can be copied)."""
    clip: bool = False
    """One line, cut with an ellipsis at the terminal's width (the short summary; ``--details``
    shows the whole text)."""


@dataclass(frozen=True)
class Table:
    """A table; ``dates`` are the indexes of the columns that must never wrap."""

    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    no_wrap: tuple[int, ...] = ()
    right: tuple[int, ...] = ()


@dataclass(frozen=True)
class Section:
    """A block of the summary: an optional heading, lines, an optional table."""

    key: str
    """Stable name (``stages``, ``risks``...), for tests and for ordering."""
    title: str | None = None
    lines: tuple[Line, ...] = ()
    table: Table | None = None


def signed(n: int) -> str:
    """``+3``, ``0``, ``-2``: a shift in days with its sign."""
    return f"+{n}" if n > 0 else str(n)
