"""Working-day calendar: weekends, public holidays and transferred working days.

Plans are computed on *working-day indices*: index ``i`` is the ``i``-th working day counted
from the calendar's origin (index 0 is the first working day on or after the origin; negative
indices lie before it). A day is non-working when it is

* a weekend day, unless the country's ``holidays`` data declares it a working day (a
  transferred working Saturday, exposed by the package as ``HolidayBase.weekend_workdays``);
* a public holiday of the country (the ``PUBLIC`` category only, observed days included);
* one of the caller's extra holidays.

Years are loaded lazily, outward from the origin's year, as the indices walk forward or back.
Each loaded year keeps a per-day table of indices, so :meth:`WorkCalendar.to_index` is a
dictionary and a list lookup and :meth:`WorkCalendar.to_date` is a list lookup.
"""

from __future__ import annotations

import importlib.util
import re
import sys
import warnings
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from functools import cache, partial
from pathlib import Path
from types import ModuleType

import holidays
from holidays.constants import PUBLIC

from roadmap.models import WEEKDAYS

"""Weekday names, in :meth:`datetime.date.weekday` order."""

EXTRA_HOLIDAY_NAME = "Extra holiday"
"""What :meth:`WorkCalendar.holiday_name` answers for an extra holiday that is not public."""

_DEFAULT_WEEKEND: tuple[str, ...] = ("sat", "sun")
_COUNTRY_CODE = re.compile(r"[A-Z]{2}")
_YEAR_LIMIT = 200
"""How many years a single lookup may load before the calendar gives up (no working days)."""


@cache
def _supported_countries() -> frozenset[str]:
    """The alpha-2 codes the holidays package has a calendar for.

    Read from its registry: ``holidays.list_supported_countries()`` gives the same codes but
    imports every country's module first, a fifth of a second (issue 14).
    """
    try:
        from holidays.registry import EntityLoader

        codes = EntityLoader.get_country_codes()
    except (ImportError, AttributeError):  # a holidays release without that registry
        codes = holidays.list_supported_countries()
    return frozenset(code for code in codes if len(code) == 2)


def _check_country(country: str) -> None:
    if not _COUNTRY_CODE.fullmatch(country):
        msg = f"invalid country code {country!r}: expected an ISO 3166 alpha-2 code in upper case, such as FR, DE or RU"
        raise ValueError(msg)
    if country not in _supported_countries():
        msg = f"unknown country code {country!r}: the holidays package has no calendar for it"
        raise ValueError(msg)


def _country_holidays(country: str, language: str | None = None) -> holidays.HolidayBase:
    _check_country(country)
    make: Callable[..., holidays.HolidayBase] = _country_class(country) or partial(holidays.country_holidays, country)
    book = make(years=(), categories=(PUBLIC,))
    if language is None:
        return book
    return make(years=(), categories=(PUBLIC,), language=_pick_language(book, language))


_LOADED: dict[str, type[holidays.HolidayBase]] = {}
"""The classes :func:`_country_class` found, by country code."""


def _country_class(country: str) -> type[holidays.HolidayBase] | None:
    """The holidays class of ``country``, from its own module loaded alone (issue 14).

    ``holidays.country_holidays`` imports the package of every country first (``holidays/
    countries/__init__.py``: about 280 modules, 60 ms of each start) to use one of them. Here the
    country's module is found in the package's registry and run by itself: the same class, the
    same dates (``tests/test_calendar.py`` compares every country with the package's own way).
    It is run under the lock the package's own lazy loading takes. None (the caller then asks
    the package) when the package is laid out otherwise, when the module needs other countries'
    (a territory's: AS, BL, PR...), or when it will not load alone.
    """
    found = _LOADED.get(country)
    if found is not None:
        return found
    try:
        from holidays.registry import COUNTRIES, IMPORT_LOCK

        module = next(name for name, names in COUNTRIES.items() if country in names[1:])
        class_name = COUNTRIES[module][0]
    except (ImportError, AttributeError, StopIteration, TypeError, IndexError):
        return None
    full = f"holidays.countries.{module}"
    with IMPORT_LOCK:
        if "holidays.countries" in sys.modules:  # the whole package is there already: take it from it
            loaded = sys.modules.get(full)
        else:
            loaded = _load_alone(full, Path(holidays.__file__).parent / "countries" / f"{module}.py")
    entity = getattr(loaded, class_name, None) if loaded is not None else None
    if not (isinstance(entity, type) and issubclass(entity, holidays.HolidayBase)):
        return None
    _LOADED[country] = entity
    return entity


def _load_alone(name: str, path: Path) -> ModuleType | None:
    """Module ``name`` run from ``path`` without its package's ``__init__``; None when it needs
    another country's module (which would import the whole package half-way) or fails."""
    loaded = sys.modules.get(name)
    if loaded is not None:
        return loaded
    try:
        if "holidays.countries." in path.read_text(encoding="utf-8"):
            return None
    except OSError:
        return None
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        return None
    loaded = importlib.util.module_from_spec(spec)
    sys.modules[name] = loaded
    try:
        spec.loader.exec_module(loaded)
    except Exception:  # the package's own way then
        del sys.modules[name]
        return None
    return loaded


def _pick_language(book: holidays.HolidayBase, language: str) -> str | None:
    """The first language the country's data supports: ``language``, its regional forms
    (``en`` -> ``en_US``, ``en_GB``), then English, then the country's own language.

    Picking one explicitly keeps holiday names independent of the process locale.
    """
    supported = set(book.supported_languages)
    base = language.split("_")[0]
    candidates = [language, f"{base}_US", f"{base}_GB", base, "en_US", "en_GB"]
    candidates.extend(sorted(code for code in supported if code.split("_")[0] == base))
    for code in candidates:
        if code in supported:
            return code
    return book.default_language


def default_weekend(country: str | None) -> tuple[str, ...]:
    """Return the weekend of ``country`` as weekday names in week order.

    The weekend comes from the ``holidays`` package (e.g. ``IL`` -> ``("fri", "sat")``);
    without a country it is ``("sat", "sun")``. An unknown country raises :class:`ValueError`.
    """
    if country is None:
        return _DEFAULT_WEEKEND
    days = _country_holidays(country).weekend
    return tuple(name for number, name in enumerate(WEEKDAYS) if number in days)


def _normalize_weekend(weekend: Sequence[str]) -> tuple[str, ...]:
    if isinstance(weekend, str):
        msg = f"weekend must be a sequence of weekday names, not the string {weekend!r}"
        raise ValueError(msg)
    names = set()
    for raw in weekend:
        name = raw.strip().lower() if isinstance(raw, str) else raw
        if name not in WEEKDAYS:
            msg = f"unknown weekday {raw!r} in weekend: expected one of {', '.join(WEEKDAYS)}"
            raise ValueError(msg)
        names.add(name)
    if len(names) == len(WEEKDAYS):
        msg = "the weekend cannot cover the whole week: no day would be a working day"
        raise ValueError(msg)
    return tuple(name for name in WEEKDAYS if name in names)


class WorkCalendar:
    """Working days of one country and weekend, indexed from an origin date.

    Build it with :func:`build_calendar`. The public state is read-only; the year tables
    behind it grow lazily and are a cache, so a calendar behaves as an immutable value.
    """

    __slots__ = (
        "_country",
        "_dates",
        "_extra",
        "_first_index",
        "_hi_year",
        "_holidays",
        "_lo_year",
        "_names",
        "_off_weekdays",
        "_origin",
        "_weekend",
        "_weekend_days",
        "_weekend_work",
        "_years",
        "uncovered_years",
    )

    def __init__(
        self,
        origin: date,
        country: str | None,
        weekend: tuple[str, ...],
        extra_holidays: frozenset[date],
        country_holidays: holidays.HolidayBase | None,
    ) -> None:
        self._origin = origin
        self._country = country
        self._weekend = weekend
        self._weekend_days = frozenset(WEEKDAYS.index(name) for name in weekend)
        self._extra = extra_holidays
        self._holidays = country_holidays
        self._names: dict[date, str] = {}
        self.uncovered_years: set[int] = set()
        """Years the ``holidays`` package has no data for in this country (only weekends apply)."""
        # Per loaded year: ordinal of 1 January; for each day of the year, the index of the
        # next working day on or after it (the day's own index when it is working); and a
        # working flag (1) per day.
        self._years: dict[int, tuple[int, list[int], bytes]] = {}
        self._off_weekdays: dict[int, list[date]] = {}
        self._weekend_work: dict[int, list[date]] = {}
        # Every working day of the loaded years, in order; _dates[k] has index k + _first_index.
        self._dates: list[date] = []
        self._first_index = 0
        self._lo_year = origin.year
        self._hi_year = origin.year - 1
        self._load_year_forward()
        # Shift so that index 0 is the first working day on or after the origin.
        shift = self._index_of(origin)
        self._first_index -= shift
        self._years = {
            year: (jan1, [index - shift for index in table], flags)
            for year, (jan1, table, flags) in self._years.items()
        }

    # -- public state -------------------------------------------------------------------------

    @property
    def origin(self) -> date:
        """The date index 0 is counted from."""
        return self._origin

    @property
    def country(self) -> str | None:
        """The ISO 3166 alpha-2 country whose public holidays apply, if any."""
        return self._country

    @property
    def weekend(self) -> tuple[str, ...]:
        """The weekend days, as names from :data:`WEEKDAYS` in week order."""
        return self._weekend

    @property
    def extra_holidays(self) -> frozenset[date]:
        """The caller's extra non-working dates."""
        return self._extra

    # -- queries ------------------------------------------------------------------------------

    def is_working(self, d: date) -> bool:
        """Tell whether ``d`` is a working day."""
        jan1, _, flags = self._year_table(d.year)
        return flags[d.toordinal() - jan1] == 1

    def next_working(self, d: date) -> date:
        """Return ``d`` if it is a working day, else the first working day after it."""
        return self.to_date(self.to_index(d))

    def previous_working(self, d: date) -> date:
        """Return ``d`` if it is a working day, else the last working day before it."""
        if self.is_working(d):
            return d
        return self.to_date(self.to_index(d) - 1)

    def to_index(self, d: date) -> int:
        """Return the index of working day ``d``; for a non-working day, of the next one."""
        entry = self._years.get(d.year)
        if entry is None:
            entry = self._year_table(d.year)
        return entry[1][d.toordinal() - entry[0]]

    def to_date(self, i: int) -> date:
        """Return the date of working-day index ``i`` (the inverse of :meth:`to_index`)."""
        k = i - self._first_index
        if 0 <= k < len(self._dates):
            return self._dates[k]
        return self._date_at(i)

    def count_working(self, start: date, finish: date) -> int:
        """Count the working days from ``start`` to ``finish``, both included (0 if reversed)."""
        if finish < start:
            return 0
        span = self.to_index(finish) - self.to_index(start)
        return span + 1 if self.is_working(finish) else span

    def holidays_between(self, start: date, finish: date) -> list[date]:
        """List the non-working days in ``[start, finish]`` that are not weekend days.

        These are the public holidays (observed days and bridge days included) and the extra
        holidays that fall on a weekday of this calendar, sorted.
        """
        return self._collect(self._off_weekdays, start, finish)

    def extra_working_between(self, start: date, finish: date) -> list[date]:
        """List the weekend days in ``[start, finish]`` that are working days, sorted.

        These are the transferred working days (e.g. a working Saturday in Russia) that the
        country's ``holidays`` data declares.
        """
        return self._collect(self._weekend_work, start, finish)

    def holiday_name(self, d: date) -> str | None:
        """Return the public holiday name of ``d``, :data:`EXTRA_HOLIDAY_NAME`, or ``None``.

        A public holiday is named even when it falls on a weekend; a date that is both public
        and extra gets the public name.
        """
        self._year_table(d.year)
        name = self._names.get(d)
        if name is None and d in self._extra:
            return EXTRA_HOLIDAY_NAME
        return name

    # -- internals ----------------------------------------------------------------------------

    def _collect(self, by_year: dict[int, list[date]], start: date, finish: date) -> list[date]:
        found: list[date] = []
        for year in range(start.year, finish.year + 1):
            self._year_table(year)
            found.extend(d for d in by_year[year] if start <= d <= finish)
        return found

    def _index_of(self, d: date) -> int:
        jan1, table, _ = self._years[d.year]
        return table[d.toordinal() - jan1]

    def _year_table(self, year: int) -> tuple[int, list[int], bytes]:
        entry = self._years.get(year)
        if entry is not None:
            return entry
        if not date.min.year <= year <= date.max.year:
            msg = f"year {year} is outside the supported calendar range"
            raise ValueError(msg)
        while year > self._hi_year:
            self._load_year_forward()
        while year < self._lo_year:
            self._load_year_backward()
        return self._years[year]

    def _date_at(self, i: int) -> date:
        loaded = 0
        while i - self._first_index >= len(self._dates):
            self._check_progress(loaded, i)
            self._load_year_forward()
            loaded += 1
        while i < self._first_index:
            self._check_progress(loaded, i)
            self._load_year_backward()
            loaded += 1
        return self._dates[i - self._first_index]

    def _check_progress(self, loaded: int, i: int) -> None:
        if loaded >= _YEAR_LIMIT:
            msg = f"working day {i} is not reached within {_YEAR_LIMIT} years of loading"
            raise ValueError(msg)

    def _scan_year(self, year: int) -> tuple[int, list[bool]]:
        """Classify each day of ``year``; record its holidays and weekend working days."""
        jan1 = date(year, 1, 1).toordinal()
        days = date(year, 12, 31).toordinal() - jan1 + 1
        public: dict[int, str] = {}
        workdays: set[int] = set()
        if self._holidays is not None:
            book = self._holidays
            # Transfers may cross a year boundary: load the neighbours too.
            with warnings.catch_warnings(record=True) as caught:  # a year the package does not cover
                warnings.simplefilter("always")
                for near in (year - 1, year, year + 1):
                    if date.min.year <= near <= date.max.year:
                        book.get(date(near, 1, 1))
            if caught:
                self.uncovered_years.add(year)
            for day, name in book.items():
                if day.year == year:
                    public[day.toordinal()] = name
                    self._names[day] = name
            workdays = {d.toordinal() for d in book.weekend_workdays if d.year == year}
        extra = {d.toordinal() for d in self._extra if d.year == year}
        weekend = self._weekend_days
        working: list[bool] = []
        off_weekdays: list[date] = []
        weekend_work: list[date] = []
        for ordinal in range(jan1, jan1 + days):
            is_weekend = (ordinal - 1) % 7 in weekend
            off = ordinal in public or ordinal in extra
            if is_weekend:
                works = ordinal in workdays and not off
                if works:
                    weekend_work.append(date.fromordinal(ordinal))
            else:
                works = not off
                if off:
                    off_weekdays.append(date.fromordinal(ordinal))
            working.append(works)
        self._off_weekdays[year] = off_weekdays
        self._weekend_work[year] = weekend_work
        return jan1, working

    def _load_year_forward(self) -> None:
        year = self._hi_year + 1
        if year > date.max.year:
            msg = "the calendar cannot go past the year 9999"
            raise ValueError(msg)
        jan1, working = self._scan_year(year)
        table, new_dates = _index_year(jan1, working, self._first_index + len(self._dates))
        self._dates.extend(new_dates)
        self._years[year] = (jan1, table, bytes(working))
        self._hi_year = year

    def _load_year_backward(self) -> None:
        year = self._lo_year - 1
        if year < date.min.year:
            msg = "the calendar cannot go before the year 1"
            raise ValueError(msg)
        jan1, working = self._scan_year(year)
        count = sum(working)
        table, new_dates = _index_year(jan1, working, self._first_index - count)
        self._dates[:0] = new_dates
        self._first_index -= count
        self._years[year] = (jan1, table, bytes(working))
        self._lo_year = year


def _index_year(jan1: int, working: Sequence[bool], index: int) -> tuple[list[int], list[date]]:
    """Per day of a year: the index of the working day on or after it; and its working dates."""
    table: list[int] = []
    dates: list[date] = []
    for k, works in enumerate(working):
        table.append(index)
        if works:
            dates.append(date.fromordinal(jan1 + k))
            index += 1
    return table, dates


def build_calendar(
    origin: date,
    country: str | None,
    weekend: Sequence[str] | None = None,
    extra_holidays: Iterable[date] = (),
    *,
    language: str = "en",
) -> WorkCalendar:
    """Build the working-day calendar of ``country`` with index 0 on or after ``origin``.

    ``weekend`` overrides the country's weekend (:func:`default_weekend`); names are taken
    from :data:`WEEKDAYS` (case-insensitive). ``extra_holidays`` are additional non-working
    dates. ``language`` (e.g. ``en``, ``fr``) only chooses the holiday names, falling back to
    English when the country's data lacks it. An unknown country or a bad weekday name raises
    :class:`ValueError`.
    """
    book = _country_holidays(country, language) if country is not None else None
    days = default_weekend(country) if weekend is None else _normalize_weekend(weekend)
    extra = frozenset(_as_date(d, "extra holiday") for d in extra_holidays)
    return WorkCalendar(_as_date(origin, "origin"), country, days, extra, book)


def _as_date(value: object, what: str) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    msg = f"{what} {value!r} is not a date"
    raise ValueError(msg)


__all__ = [
    "EXTRA_HOLIDAY_NAME",
    "WEEKDAYS",
    "WorkCalendar",
    "build_calendar",
    "default_weekend",
]
