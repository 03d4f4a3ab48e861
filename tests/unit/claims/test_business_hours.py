"""Business hours: Monday–Friday 09:00–18:00 Mexico City, minus Mexican statutory holidays."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chalicelib.claims.business_hours import (
    MEXICO_CITY,
    SECONDS_PER_DAY,
    add_business_seconds,
    business_seconds,
    due_date,
    elapsed_hours,
    is_business_day,
)

instants = st.datetimes(
    min_value=datetime(2025, 12, 1), max_value=datetime(2027, 1, 31), timezones=st.just(UTC)
)
durations = st.integers(min_value=0, max_value=40 * SECONDS_PER_DAY)


def local(*args: int) -> datetime:
    return datetime(*args, tzinfo=MEXICO_CITY)  # type: ignore[misc]


def test_holidays_and_weekends_are_not_business_days() -> None:
    assert not is_business_day(date(2026, 11, 16))  # Revolution Day (third Monday)
    assert not is_business_day(date(2026, 9, 16))
    assert not is_business_day(date(2026, 12, 25))
    assert not is_business_day(date(2027, 1, 1))  # a year edge
    assert not is_business_day(date(2026, 11, 28))  # Saturday
    assert is_business_day(date(2026, 11, 17))


def test_known_spans() -> None:
    # Friday 17:00 → Monday 10:00: one hour on Friday, one on Monday.
    assert business_seconds(local(2026, 11, 27, 17), local(2026, 11, 30, 10)) == 2 * 3600
    # Friday 13 Nov 17:00 → Tuesday 17 Nov 10:00 over the Revolution Day Monday.
    assert business_seconds(local(2026, 11, 13, 17), local(2026, 11, 17, 10)) == 2 * 3600
    # After hours to before hours of the next day: nothing.
    assert business_seconds(local(2026, 11, 24, 19), local(2026, 11, 25, 8)) == 0
    # Month and year edges: 31 Dec 2026 17:00 → 4 Jan 2027 (1 Jan holiday, weekend) 09:30.
    assert business_seconds(local(2026, 12, 31, 17), local(2027, 1, 4, 9, 30)) == 5400
    # Registered on a Saturday: the clock starts Monday 09:00.
    assert add_business_seconds(local(2026, 11, 28, 12), 3600) == local(2026, 11, 30, 10)
    assert due_date(local(2026, 11, 25, 11), 45) == date(2026, 12, 2)


@given(instants, instants)
def test_never_more_than_nine_hours_a_day_and_never_negative(a: datetime, b: datetime) -> None:
    start, end = min(a, b), max(a, b)
    counted = business_seconds(start, end)
    # Both ends count in whole seconds (so consecutive spans add up exactly).
    whole = end.replace(microsecond=0) - start.replace(microsecond=0)
    assert 0 <= counted <= int(whole.total_seconds())
    days = (end.astimezone(MEXICO_CITY).date() - start.astimezone(MEXICO_CITY).date()).days + 1
    assert counted <= days * SECONDS_PER_DAY
    assert business_seconds(end, start) == 0


@given(instants, instants, instants)
def test_spans_add_up(a: datetime, b: datetime, c: datetime) -> None:
    first, middle, last = sorted((a, b, c))
    assert business_seconds(first, middle) + business_seconds(middle, last) == business_seconds(
        first, last
    )


@settings(max_examples=200)
@given(instants, durations)
def test_adding_then_measuring_gives_the_same_duration(start: datetime, seconds: int) -> None:
    reached = add_business_seconds(start, seconds)
    assert reached >= start
    assert business_seconds(start, reached) == seconds
    if seconds:
        # It lands inside opening hours of a business day.
        local_reached = reached.astimezone(MEXICO_CITY)
        assert is_business_day(local_reached.date())
        assert 9 * 3600 < local_reached.hour * 3600 + local_reached.minute * 60 + 1 <= 18 * 3600 + 1


@given(instants, st.integers(min_value=0, max_value=3600))
def test_more_seconds_never_land_earlier(start: datetime, seconds: int) -> None:
    assert add_business_seconds(start, seconds + 1) > add_business_seconds(start, seconds)


def test_a_span_that_ends_exactly_at_closing_time() -> None:
    # Wednesday 17:00 + one hour is 18:00 the same day, not 09:00 of the next one.
    reached = add_business_seconds(local(2026, 11, 25, 17), 3600)
    assert reached == local(2026, 11, 25, 18)
    assert reached.utcoffset() == local(2026, 11, 25, 18).utcoffset()
    assert due_date(local(2026, 11, 25, 17), 1) == date(2026, 11, 25)  # 00:00 UTC is the 26th
    assert due_date(local(2026, 11, 25, 9), 9) == date(2026, 11, 25)
    assert due_date(local(2026, 11, 25, 9), 10) == date(2026, 11, 26)
    assert business_seconds(local(2026, 11, 25, 9), local(2026, 11, 25, 18)) == SECONDS_PER_DAY


def test_zero_seconds_is_the_start_itself_in_mexico_city_time() -> None:
    start = datetime(2026, 11, 26, 3, 0, 0, 500, tzinfo=UTC)  # 25 Nov, 21:00 in Mexico City
    reached = add_business_seconds(start, 0)
    assert reached == start
    assert reached.date() == date(2026, 11, 25)
    assert due_date(start, 0) == date(2026, 11, 25)


def test_negative_durations_are_refused() -> None:
    with pytest.raises(ValueError, match=r"^seconds must not be negative$"):
        add_business_seconds(local(2026, 11, 25, 10), -1)


def test_elapsed_hours_are_business_hours_to_one_decimal() -> None:
    # 1 h 3 min = 1.05 h → 1.1; after closing time nothing more counts.
    assert elapsed_hours(local(2026, 11, 25, 9), local(2026, 11, 25, 10, 3)) == 1.1
    assert elapsed_hours(local(2026, 11, 25, 9), local(2026, 11, 25, 23)) == 9.0
    assert elapsed_hours(local(2026, 11, 25, 10), local(2026, 11, 25, 9)) == 0.0


@pytest.fixture
def server_zone_far_east() -> Iterator[None]:
    """The process's own zone is UTC+14: the rules must not depend on it."""
    saved = os.environ.get("TZ")
    os.environ["TZ"] = "Pacific/Kiritimati"
    time.tzset()
    try:
        yield
    finally:
        if saved is None:
            os.environ.pop("TZ", None)
        else:
            os.environ["TZ"] = saved
        time.tzset()


@pytest.mark.usefixtures("server_zone_far_east")
def test_the_servers_zone_does_not_matter() -> None:
    # Wednesday 10:00 in Mexico City is already Thursday 06:00 at UTC+14.
    start = local(2026, 11, 25, 10).astimezone(UTC)
    assert business_seconds(start, local(2026, 11, 25, 12)) == 2 * 3600
    assert add_business_seconds(start, 3600) == local(2026, 11, 25, 11)
