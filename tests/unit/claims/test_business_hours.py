"""Business hours: Monday–Friday 09:00–18:00 Mexico City, minus Mexican statutory holidays."""

from __future__ import annotations

from datetime import UTC, date, datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from chalicelib.claims.business_hours import (
    MEXICO_CITY,
    SECONDS_PER_DAY,
    add_business_seconds,
    business_seconds,
    due_date,
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
