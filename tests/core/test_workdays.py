"""The working-day calendar: package facts for 2025/2026, overrides, fallback, and counting."""

from __future__ import annotations

import logging
from datetime import date, timedelta
from pathlib import Path

import chinese_calendar
import pytest
from hypothesis import given
from hypothesis import strategies as st

from civicline.core.errors import ConfigError
from civicline.core.workdays import DEFAULT_OVERRIDES_FILE, WorkCalendar

# One shared calendar: it only caches, so examples cannot interfere with each other.
CALENDAR = WorkCalendar()
KNOWN_YEARS = st.dates(min_value=date(2005, 1, 1), max_value=date(2025, 12, 31))
FAR_YEAR = 2099  # a year neither chinese_calendar nor config/workdays.toml will know


def d(text: str) -> date:
    return date.fromisoformat(text)


def days(first: str, last: str) -> list[date]:
    start, end = d(first), d(last)
    return [start + timedelta(days=i) for i in range((end - start).days + 1)]


# Facts as published by the State Council and as the installed chinese_calendar reports them.
@pytest.mark.parametrize(
    "day",
    [
        *days("2025-10-01", "2025-10-08"),  # 2025: eight days, Mid-Autumn merged in
        *days("2026-10-01", "2026-10-07"),  # 2026: seven days
    ],
)
def test_national_day_week_is_not_working_days(day: date) -> None:
    assert not CALENDAR.is_workday(day)


@pytest.mark.parametrize(
    "day",
    [
        "2025-01-26",  # Sun, Spring Festival
        "2025-02-08",  # Sat, Spring Festival
        "2025-04-27",  # Sun, Labour Day
        "2025-09-28",  # Sun, National Day
        "2025-10-11",  # Sat, National Day
        "2026-01-04",  # Sun, New Year
        "2026-02-14",  # Sat, Spring Festival
        "2026-02-28",  # Sat, Spring Festival
        "2026-05-09",  # Sat, Labour Day
        "2026-09-20",  # Sun, National Day
        "2026-10-10",  # Sat, National Day
    ],
)
def test_adjusted_working_saturday_counts(day: str) -> None:
    assert CALENDAR.is_workday(d(day))


@pytest.mark.parametrize(
    ("day", "working"),
    [
        ("2026-11-27", True),  # Friday
        ("2026-11-28", False),  # Saturday
        ("2026-11-29", False),  # Sunday
        ("2026-10-08", True),  # first day back after National Day 2026
        ("2026-02-23", False),  # Monday inside Spring Festival 2026
        ("2026-02-24", True),  # first day back
        ("2026-09-25", False),  # Mid-Autumn 2026, a Friday
    ],
)
def test_ordinary_days_follow_the_week_and_the_holiday_notice(day: str, working: bool) -> None:
    assert CALENDAR.is_workday(d(day)) is working


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        ("2026-11-27", 0, "2026-11-27"),  # n=0 is the start itself
        ("2026-11-28", 0, "2026-11-28"),  # ... even on a weekend
        ("2026-11-27", 1, "2026-11-30"),  # Friday + 1 → Monday
        ("2026-11-28", 1, "2026-11-30"),  # Saturday + 1 → Monday
        ("2026-09-30", 1, "2026-10-08"),  # over National Day
        ("2026-09-18", 1, "2026-09-20"),  # onto the adjusted Sunday
        ("2026-02-13", 1, "2026-02-14"),  # onto the adjusted Saturday
        ("2026-02-13", 2, "2026-02-24"),  # then over the Spring Festival
        ("2025-12-31", 1, "2026-01-04"),  # over the year end onto the adjusted Sunday
        ("2026-12-31", 1, "2027-01-01"),  # into 2027: no overrides, so Friday Jan 1 works
        ("2026-11-30", -1, "2026-11-27"),  # backwards over a weekend
        ("2026-11-29", -1, "2026-11-27"),  # backwards from a Sunday
        ("2026-01-04", -2, "2025-12-30"),  # backwards over the year end and New Year
    ],
)
def test_add_workdays_counts_from_the_day_after_start(start: str, n: int, expected: str) -> None:
    assert CALENDAR.add_workdays(d(start), n) == d(expected)


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        ("2026-11-27", "2026-11-27", 0),
        ("2026-11-27", "2026-11-30", 1),  # Friday excluded, Monday included
        ("2026-11-30", "2026-11-27", -1),
        ("2026-09-30", "2026-10-09", 2),  # Oct 8 and 9 only
        ("2026-02-13", "2026-02-28", 6),  # Feb 14, 24, 25, 26, 27, 28
        ("2025-12-31", "2026-12-31", 248),  # every working day of 2026
    ],
)
def test_workdays_between_counts_the_half_open_interval(
    start: str, end: str, expected: int
) -> None:
    assert CALENDAR.workdays_between(d(start), d(end)) == expected


def test_unknown_year_falls_back_to_weekdays_and_warns_once(
    caplog: pytest.LogCaptureFixture,
) -> None:
    calendar = WorkCalendar()
    with caplog.at_level(logging.WARNING, logger="civicline.workdays"):
        week = days(f"{FAR_YEAR}-03-02", f"{FAR_YEAR}-03-08")  # Monday to Sunday
        assert [calendar.is_workday(day) for day in week] == [True] * 5 + [False] * 2
        calendar.add_workdays(date(FAR_YEAR, 3, 6), 10)
        calendar.workdays_between(date(FAR_YEAR, 1, 1), date(FAR_YEAR, 12, 31))
    fallbacks = [r for r in caplog.records if r.getMessage() == "workday_calendar_fallback"]
    assert [getattr(r, "year", None) for r in fallbacks] == [FAR_YEAR]
    assert fallbacks[0].levelno == logging.WARNING


def test_known_year_does_not_warn(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="civicline.workdays"):
        WorkCalendar().is_workday(d("2026-06-01"))
    assert caplog.records == []


def test_override_file_wins_over_package(tmp_path: Path) -> None:
    path = tmp_path / "workdays.toml"
    path.write_text(
        '# local decision\nholidays = ["2026-10-08"]\nworkdays = [2026-10-11]\n', encoding="utf-8"
    )
    calendar = WorkCalendar(path)
    assert not calendar.is_workday(d("2026-10-08"))  # the package says working day
    assert calendar.is_workday(d("2026-10-11"))  # an ordinary Sunday
    assert calendar.is_workday(d("2026-10-09"))  # untouched dates still follow the package
    assert calendar.add_workdays(d("2026-09-30"), 1) == d("2026-10-09")


def test_years_listed_in_overrides_do_not_warn(caplog: pytest.LogCaptureFixture) -> None:
    calendar = WorkCalendar.from_toml_text(f'holidays = ["{FAR_YEAR}-01-01"]')
    with caplog.at_level(logging.WARNING, logger="civicline.workdays"):
        assert not calendar.is_workday(date(FAR_YEAR, 1, 1))
        assert calendar.is_workday(date(FAR_YEAR, 1, 2))  # a Friday: weekday rule
    assert caplog.records == []


def test_packaged_overrides_describe_2027(caplog: pytest.LogCaptureFixture) -> None:
    assert DEFAULT_OVERRIDES_FILE.is_file()
    calendar = WorkCalendar.from_config("")
    with caplog.at_level(logging.WARNING, logger="civicline.workdays"):
        assert not calendar.is_workday(d("2027-02-08"))  # Spring Festival week
        assert calendar.is_workday(d("2027-02-14"))  # adjusted Sunday
        assert not calendar.is_workday(d("2027-10-04"))  # National Day week
        assert calendar.is_workday(d("2026-10-10"))  # 2026 still comes from the package
    assert caplog.records == []


def test_configured_file_that_is_missing_is_a_config_error(tmp_path: Path) -> None:
    missing = tmp_path / "nope.toml"
    with pytest.raises(ConfigError, match=r"nope\.toml"):
        WorkCalendar.from_config(str(missing))


@pytest.mark.parametrize(
    ("content", "key", "value"),
    [
        ('holiday = ["2027-01-01"]', "holiday", "unknown key"),
        ('holidays = "2027-01-01"', "holidays", "'2027-01-01'"),
        ('holidays = ["2027-13-01"]', "holidays", "'2027-13-01'"),
        ('workdays = ["2027/02/07"]', "workdays", "'2027/02/07'"),
        ('workdays = ["20270207"]', "workdays", "'20270207'"),
        ("workdays = [20270207]", "workdays", "20270207"),
        ("workdays = [2027-02-07T09:00:00]", "workdays", "2027, 2, 7, 9, 0"),
        ('holidays = ["2027-02-07"]\nworkdays = ["2027-02-07"]', "workdays", "'2027-02-07'"),
        ("holidays = [", "", "not valid TOML"),
    ],
)
def test_bad_override_file_names_the_key(
    tmp_path: Path, content: str, key: str, value: str
) -> None:
    path = tmp_path / "bad-calendar.toml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ConfigError) as excinfo:
        WorkCalendar(path)
    message = str(excinfo.value)
    assert "bad-calendar.toml" in message
    assert f"{key}:" in message
    assert value in message


@given(start=KNOWN_YEARS, n=st.integers(min_value=0, max_value=600))
def test_workdays_between_undoes_add_workdays(start: date, n: int) -> None:
    assert CALENDAR.workdays_between(start, CALENDAR.add_workdays(start, n)) == n


@given(start=KNOWN_YEARS, n=st.integers(min_value=-600, max_value=600))
def test_add_workdays_is_invertible_from_a_working_day(start: date, n: int) -> None:
    start = CALENDAR.add_workdays(start, 1)  # any working day
    end = CALENDAR.add_workdays(start, n)
    assert CALENDAR.is_workday(end)
    assert CALENDAR.workdays_between(start, end) == n
    assert CALENDAR.add_workdays(end, -n) == start


@given(start=KNOWN_YEARS, span=st.integers(min_value=0, max_value=800))
def test_add_workdays_lands_on_the_last_working_day_counted(start: date, span: int) -> None:
    end = start + timedelta(days=span)
    n = CALENDAR.workdays_between(start, end)
    assert CALENDAR.workdays_between(end, start) == -n
    if CALENDAR.is_workday(end) and end > start:
        assert CALENDAR.add_workdays(start, n) == end


@given(start=KNOWN_YEARS, span=st.integers(min_value=0, max_value=60))
def test_workdays_between_matches_the_package_day_by_day(start: date, span: int) -> None:
    end = start + timedelta(days=span)
    expected = sum(
        chinese_calendar.is_workday(start + timedelta(days=i)) for i in range(1, span + 1)
    )
    assert CALENDAR.workdays_between(start, end) == expected
