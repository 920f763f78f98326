"""Working days of one calendar on a shared index of calendar days (issue 17: sites).

A plan with sites schedules every task on one index of *calendar* days (index ``i`` is the
``i``-th day after the origin) where each task occupies the working days of its own calendar:
the head office's, or a site's (its country's holidays and weekend, its blackout windows).
A :class:`DayMask` answers, in constant time once its days are loaded, where the ``n``-th working
day from a day falls, how many working days lie between two days, and the last working day
before one. Days are loaded lazily, a year at a time, from a predicate.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from itertools import accumulate

__all__ = ["ALWAYS", "DayIndex", "DayMask"]

_CHUNK = 366
_LIMIT = 200 * 366
"""Days a mask may load before it gives up (a calendar without working days)."""


class DayMask:
    """Working days of one calendar, by calendar-day index from 0."""

    __slots__ = ("_cum", "_pos", "_works", "flags", "key")

    def __init__(self, works: Callable[[int], bool], key: str = "") -> None:
        self._works = works
        self.key = key
        """A name for messages and equality of calendars (e.g. the site's name)."""
        self.flags = bytearray()
        """1 on each loaded working day."""
        self._cum = [0]  # _cum[i]: working days before index i
        self._pos: list[int] = []  # _pos[j]: index of the j-th working day (0-based)

    def _load(self, size: int) -> None:
        if size <= len(self.flags):
            return
        if size > _LIMIT:
            msg = f"calendar {self.key or '?'}: no working day within {_LIMIT // 366} years"
            raise ValueError(msg)
        first = len(self.flags)
        size = max(size, first + _CHUNK)
        new = bytes(1 if self._works(i) else 0 for i in range(first, size))
        self.flags.extend(new)
        base = self._cum[-1]
        self._cum.extend(list(accumulate(new, initial=base))[1:])
        self._pos.extend(i for i, f in enumerate(new, first) if f)

    def works(self, i: int) -> bool:
        """Whether index ``i`` (>= 0) is a working day."""
        self._load(i + 1)
        return self.flags[i] == 1

    def cum(self, i: int) -> int:
        """Working days before index ``i`` (``i`` >= 0)."""
        if i >= len(self.flags):
            self._load(i + 1)
        return self._cum[i]

    def pos(self, j: int) -> int:
        """Index of the ``j``-th working day (0-based, ``j`` >= 0)."""
        pos = self._pos
        while j >= len(pos):
            self._load(len(self.flags) + _CHUNK)
        return pos[j]

    def next(self, i: int) -> int:
        """``i`` when it is a working day, else the first working day after it."""
        return self.pos(self.cum(max(i, 0)))

    def end(self, start: int, days: int) -> int:
        """The ``days``-th working day counted from ``start`` (``start`` itself the first when working)."""
        return self.pos(self.cum(max(start, 0)) + days - 1)

    def after(self, finish: int, lag: int, *, milestone: bool) -> int:
        """Earliest start after a predecessor finishing on ``finish`` with ``lag`` working days.

        A step starts on the ``lag + 1``-th working day after ``finish``; a milestone sits on
        ``finish`` (lag 0) or on the ``lag``-th working day after it.
        """
        if milestone:
            return finish if lag == 0 else self.pos(self.cum(finish + 1) + lag - 1)
        return self.pos(self.cum(finish + 1) + lag)

    def before(self, latest_start: int, lag: int, *, milestone: bool) -> int:
        """Latest finish of a predecessor that lets a successor start on ``latest_start``."""
        if milestone and lag == 0:
            return latest_start
        c = self.cum(latest_start + 1) - lag - (0 if milestone else 1)
        return self.pos(c) - 1 if c >= 0 else -1

    def latest_start(self, latest_finish: int, days: int) -> int:
        """Latest start of a task of ``days`` working days finishing on or before ``latest_finish``."""
        c = self.cum(latest_finish + 1) - days
        return self.pos(c) if c >= 0 else latest_finish - days

    def count(self, start: int, stop: int) -> int:
        """Working days in ``[start, stop)``."""
        if stop <= start:
            return 0
        return self.cum(stop) - self.cum(max(start, 0))

    def runs(self, start: int, days: int) -> list[tuple[int, int]]:
        """The ``days`` working days from ``start`` (a working day) as ``[a, b)`` runs."""
        first = self.cum(start)
        self.pos(first + days - 1)
        pos = self._pos
        out: list[tuple[int, int]] = []
        a = prev = pos[first]
        for j in range(first + 1, first + days):
            d = pos[j]
            if d != prev + 1:
                out.append((a, prev + 1))
                a = d
            prev = d
        out.append((a, prev + 1))
        return out


ALWAYS = DayMask(lambda _i: True, "every day")
"""A calendar where every day works (a task given no calendar in a plan with calendars)."""


class DayIndex:
    """Calendar days counted from an origin: the shared index of a plan with sites.

    It offers the part of :class:`roadmap.calendar.WorkCalendar` that turns dates into indices
    and back, so the code that builds scheduler tasks reads either.
    """

    def __init__(self, origin: dt.date) -> None:
        self.origin = origin

    def to_index(self, d: dt.date) -> int:
        """Days from the origin to ``d``."""
        return (d - self.origin).days

    def to_date(self, i: int) -> dt.date:
        """The date of index ``i``."""
        return self.origin + dt.timedelta(days=i)

    def previous_working(self, d: dt.date) -> dt.date:
        """Every day counts on this index: ``d``."""
        return d
