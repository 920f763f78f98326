"""The working-day calendar: weekends, public holidays, transferred working days, indices."""

from __future__ import annotations

import subprocess
import sys
import time
from datetime import date, timedelta

import holidays
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from roadmap.calendar import (
    EXTRA_HOLIDAY_NAME,
    WEEKDAYS,
    WorkCalendar,
    build_calendar,
    default_weekend,
)
from tests.conftest import ROOT, examples


def days(start: date, finish: date) -> list[date]:
    """Every date from start to finish, both included."""
    return [start + timedelta(k) for k in range((finish - start).days + 1)]


@pytest.fixture(scope="module")
def france() -> WorkCalendar:
    return build_calendar(date(2026, 1, 5), "FR")


# -- weekends -----------------------------------------------------------------------------------


def test_default_weekend_is_saturday_sunday() -> None:
    assert default_weekend(None) == ("sat", "sun")
    assert default_weekend("FR") == ("sat", "sun")


def test_default_weekend_of_a_friday_saturday_country() -> None:
    assert default_weekend("IL") == ("fri", "sat")
    cal = build_calendar(date(2026, 3, 1), "IL")
    assert cal.weekend == ("fri", "sat")
    assert not cal.is_working(date(2026, 3, 6))  # Friday
    assert cal.is_working(date(2026, 3, 8))  # Sunday


def test_weekend_is_skipped(france: WorkCalendar) -> None:
    assert france.weekend == ("sat", "sun")
    assert not france.is_working(date(2026, 1, 10))  # Saturday
    assert not france.is_working(date(2026, 1, 11))  # Sunday
    assert france.next_working(date(2026, 1, 10)) == date(2026, 1, 12)
    assert france.previous_working(date(2026, 1, 11)) == date(2026, 1, 9)


def test_weekend_override_is_normalised() -> None:
    cal = build_calendar(date(2026, 1, 5), "FR", weekend=["Sun", "fri", "sun"])
    assert cal.weekend == ("fri", "sun")
    assert cal.is_working(date(2026, 1, 10))  # Saturday works
    assert not cal.is_working(date(2026, 1, 9))  # Friday does not


def test_no_country_has_no_public_holidays() -> None:
    cal = build_calendar(date(2026, 7, 13), None)
    assert cal.is_working(date(2026, 7, 14))
    assert cal.holidays_between(date(2026, 1, 1), date(2026, 12, 31)) == []
    assert cal.holiday_name(date(2026, 12, 25)) is None


# -- public holidays ----------------------------------------------------------------------------


def test_french_public_holidays(france: WorkCalendar) -> None:
    assert not france.is_working(date(2026, 7, 14))  # Bastille Day, a Tuesday
    assert not france.is_working(date(2026, 5, 1))  # Labour Day, a Friday
    assert not france.is_working(date(2026, 5, 8))  # Victory in Europe Day, a Friday
    assert france.is_working(date(2026, 7, 15))
    assert france.holiday_name(date(2026, 7, 14))
    assert france.holiday_name(date(2026, 7, 15)) is None
    assert france.next_working(date(2026, 7, 14)) == date(2026, 7, 15)
    assert france.previous_working(date(2026, 7, 14)) == date(2026, 7, 13)


def test_holiday_names_follow_the_language_not_the_locale(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LANGUAGE", "de")
    bastille = date(2026, 7, 14)
    english = build_calendar(date(2026, 1, 5), "FR").holiday_name(bastille)
    french = build_calendar(date(2026, 1, 5), "FR", language="fr").holiday_name(bastille)
    assert english == "National Day"
    assert french is not None
    assert "nationale" in french
    # German data has no French names: English is the fallback.
    germany = build_calendar(date(2026, 1, 5), "DE", language="fr")
    assert germany.holiday_name(date(2026, 12, 25)) == "Christmas Day"


def test_holidays_between_lists_weekday_holidays_only() -> None:
    germany = build_calendar(date(2026, 1, 2), "DE")
    found = germany.holidays_between(date(2026, 1, 1), date(2026, 12, 31))
    assert date(2026, 4, 3) in found  # Good Friday
    assert date(2026, 4, 6) in found  # Easter Monday
    assert date(2026, 12, 25) in found  # Christmas, a Friday
    # German Unity Day and St Stephen's Day fall on Saturdays: named, but weekend days.
    assert date(2026, 10, 3) not in found
    assert date(2026, 12, 26) not in found
    assert germany.holiday_name(date(2026, 10, 3))
    assert found == sorted(found)
    assert all(d.weekday() < 5 for d in found)


def test_holidays_match_the_package(france: WorkCalendar) -> None:
    book = holidays.country_holidays("FR", years=range(2024, 2029))
    for d in days(date(2024, 1, 1), date(2028, 12, 31)):
        assert france.is_working(d) == (d.weekday() < 5 and d not in book), d


# -- transferred working days -------------------------------------------------------------------


def test_russian_working_saturday() -> None:
    russia = build_calendar(date(2025, 10, 1), "RU")
    saturday = date(2025, 11, 1)  # worked, so that Monday 3 November bridges to Unity Day
    assert saturday.weekday() == 5
    assert russia.is_working(saturday)
    assert not russia.is_working(date(2025, 11, 3))
    assert not russia.is_working(date(2025, 11, 4))
    assert russia.extra_working_between(date(2025, 10, 1), date(2025, 12, 31)) == [saturday]
    assert date(2025, 11, 3) in russia.holidays_between(date(2025, 11, 1), date(2025, 11, 30))
    assert russia.next_working(date(2025, 10, 31)) == date(2025, 10, 31)
    assert russia.to_index(date(2025, 11, 5)) == russia.to_index(saturday) + 1


def test_working_days_across_the_russian_new_year() -> None:
    russia = build_calendar(date(2025, 12, 1), "RU")
    assert russia.extra_working_between(date(2024, 1, 1), date(2024, 12, 31)) == [
        date(2024, 4, 27),
        date(2024, 11, 2),
        date(2024, 12, 28),
    ]
    assert russia.next_working(date(2025, 12, 31)) == date(2026, 1, 12)
    assert russia.count_working(date(2025, 12, 29), date(2026, 1, 12)) == 3


def test_extra_working_day_is_dropped_when_overridden_by_an_extra_holiday() -> None:
    russia = build_calendar(date(2025, 10, 1), "RU", extra_holidays=[date(2025, 11, 1)])
    assert not russia.is_working(date(2025, 11, 1))
    assert russia.extra_working_between(date(2025, 10, 1), date(2025, 12, 31)) == []


def test_chinese_working_weekend_days() -> None:
    china = build_calendar(date(2026, 1, 1), "CN")
    worked = china.extra_working_between(date(2026, 1, 1), date(2026, 12, 31))
    assert date(2026, 1, 4) in worked  # a Sunday
    assert date(2026, 2, 14) in worked  # a Saturday
    assert all(d.weekday() >= 5 for d in worked)
    assert all(china.is_working(d) for d in worked)


# -- extra holidays -----------------------------------------------------------------------------


def test_extra_holidays() -> None:
    cal = build_calendar(date(2026, 7, 1), "FR", extra_holidays=[date(2026, 7, 13), date(2026, 7, 14)])
    assert not cal.is_working(date(2026, 7, 13))
    assert cal.holiday_name(date(2026, 7, 13)) == EXTRA_HOLIDAY_NAME
    assert cal.holiday_name(date(2026, 7, 14)) != EXTRA_HOLIDAY_NAME  # the public name wins
    assert cal.holidays_between(date(2026, 7, 1), date(2026, 7, 31)) == [date(2026, 7, 13), date(2026, 7, 14)]
    assert cal.count_working(date(2026, 7, 13), date(2026, 7, 17)) == 3


def test_extra_holiday_on_the_origin_moves_index_zero() -> None:
    cal = build_calendar(date(2026, 3, 2), None, extra_holidays=[date(2026, 3, 2)])
    assert cal.to_date(0) == date(2026, 3, 3)
    assert cal.to_index(date(2026, 3, 2)) == 0
    assert cal.to_date(-1) == date(2026, 2, 27)


# -- indices ------------------------------------------------------------------------------------


def test_index_zero_is_the_first_working_day_on_or_after_the_origin() -> None:
    cal = build_calendar(date(2026, 1, 1), "FR")  # New Year's Day, a Thursday
    assert cal.to_date(0) == date(2026, 1, 2)
    assert cal.to_index(date(2026, 1, 1)) == 0
    assert cal.to_index(date(2026, 1, 3)) == 1  # Saturday: the index of Monday
    assert cal.to_date(1) == date(2026, 1, 5)


def test_round_trip_across_years_and_before_the_origin() -> None:
    cal = build_calendar(date(2026, 12, 30), "FR")
    book = holidays.country_holidays("FR", years=range(2023, 2031))
    working = [d for d in days(date(2023, 1, 1), date(2030, 12, 31)) if d.weekday() < 5 and d not in book]
    zero = working.index(date(2026, 12, 30))
    for k, d in enumerate(working):
        assert cal.to_index(d) == k - zero
        assert cal.to_date(k - zero) == d
    assert cal.to_date(-1) == date(2026, 12, 29)
    assert cal.to_date(2) == date(2027, 1, 4)  # over New Year's Day and a weekend
    assert cal.to_index(date(2027, 1, 1)) == 2


def test_count_working(france: WorkCalendar) -> None:
    assert france.count_working(date(2026, 7, 13), date(2026, 7, 17)) == 4
    assert france.count_working(date(2026, 7, 14), date(2026, 7, 14)) == 0
    assert france.count_working(date(2026, 7, 15), date(2026, 7, 15)) == 1
    assert france.count_working(date(2026, 7, 17), date(2026, 7, 13)) == 0
    # 261 weekdays, 9 of them public holidays (15 August and 1 November fall on a weekend).
    assert france.count_working(date(2026, 1, 1), date(2026, 12, 31)) == 252


def test_far_indices_are_cheap() -> None:
    cal = build_calendar(date(2026, 1, 5), "DE")
    started = time.perf_counter()
    far = cal.to_date(2000)
    back = cal.to_date(-2000)
    for i in range(-2000, 2001, 7):
        assert cal.to_index(cal.to_date(i)) == i
    for _ in range(100_000):
        cal.to_index(far)
        cal.to_date(1999)
    assert time.perf_counter() - started < 2.0
    assert date(2033, 1, 1) < far < date(2035, 1, 1)
    assert date(2017, 1, 1) < back < date(2019, 1, 1)


@settings(max_examples=examples(20), deadline=None)
@given(
    origin=st.dates(min_value=date(2000, 1, 1), max_value=date(2040, 12, 31)),
    country=st.sampled_from([None, "FR", "DE", "RU", "IL", "CN"]),
    offset=st.integers(min_value=-1500, max_value=1500),
    probe=st.integers(min_value=-1000, max_value=1000),
)
def test_index_properties(origin: date, country: str | None, offset: int, probe: int) -> None:
    cal = build_calendar(origin, country)
    d = cal.to_date(offset)
    assert cal.is_working(d)
    assert cal.to_index(d) == offset
    assert cal.to_date(offset + 1) > d
    assert cal.next_working(cal.to_date(0)) >= origin
    when = origin + timedelta(probe)
    nxt = cal.next_working(when)
    prev = cal.previous_working(when)
    assert prev <= when <= nxt
    assert all(not cal.is_working(x) for x in days(when, nxt)[:-1])
    assert cal.to_index(when) == cal.to_index(nxt)
    assert cal.count_working(prev, nxt) == (1 if prev == nxt else 2)


# -- errors -------------------------------------------------------------------------------------


@pytest.mark.parametrize("country", ["XX", "fr", "FRA", "", "F1"])
def test_bad_country(country: str) -> None:
    with pytest.raises(ValueError, match="country code"):
        build_calendar(date(2026, 1, 1), country)
    with pytest.raises(ValueError, match="country code"):
        default_weekend(country)


def test_known_countries_are_those_the_package_lists() -> None:
    from roadmap.calendar import _supported_countries

    listed = frozenset(code for code in holidays.list_supported_countries() if len(code) == 2)
    assert _supported_countries() == listed
    assert {"FR", "RU", "KZ", "SA", "DE"} <= listed


@pytest.mark.parametrize("weekend", [["sat", "sunday"], ["", "sun"], "sat", list(WEEKDAYS)])
def test_bad_weekend(weekend: list[str]) -> None:
    with pytest.raises(ValueError, match="week"):
        build_calendar(date(2026, 1, 1), "FR", weekend=weekend)


def test_empty_weekend_is_allowed() -> None:
    cal = build_calendar(date(2026, 1, 1), None, weekend=[])
    assert cal.count_working(date(2026, 1, 1), date(2026, 1, 31)) == 31


def test_each_country_loaded_alone_has_the_packages_own_holidays() -> None:
    """Issue 14: a country's holidays class comes from its own module, loaded alone
    (roadmap.calendar._country_class); for every country the package knows, the holidays,
    their names (in the language picked for English and for French) and the weekend are the
    package's own."""
    from holidays.constants import PUBLIC

    from roadmap.calendar import _country_class, _pick_language, _supported_countries

    alone = 0
    for code in sorted(_supported_countries()):
        entity = _country_class(code)
        if entity is None:  # a module that needs the whole package: the package's own way is used
            continue
        alone += 1
        for lang in (None, "en", "fr"):
            picked = _pick_language(entity(years=(), categories=(PUBLIC,)), lang) if lang else None
            ours = entity(years=range(2027, 2029), categories=(PUBLIC,), language=picked)
            theirs = holidays.country_holidays(code, years=range(2027, 2029), categories=(PUBLIC,), language=picked)
            assert dict(ours) == dict(theirs), (code, lang)
            assert set(ours.weekend) == set(theirs.weekend), code
    assert alone > 200


def test_a_plan_loads_only_its_countrys_holidays() -> None:
    code = (
        "import datetime as dt, sys\n"
        "from roadmap.calendar import build_calendar\n"
        "build_calendar(dt.date(2027, 1, 4), 'FR', None, (), language='fr')\n"
        "print('holidays.countries' in sys.modules, 'holidays.countries.germany' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["False", "False"]
