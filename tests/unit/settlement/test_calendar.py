"""The settlement week in Santiago time, daylight-saving changes, and banking days."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from chalicelib.settlement import calendar


def test_a_wednesday_run_closes_the_week_that_ended_last_thursday() -> None:
    wednesday = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
    assert calendar.last_closed_period_end(wednesday) == date(2026, 11, 19)


def test_on_a_friday_the_week_that_ended_at_midnight_is_closed() -> None:
    # 03:30 UTC on Friday is 00:30 Friday in Santiago (summer, UTC-3): Thursday is closed.
    assert calendar.last_closed_period_end(datetime(2026, 11, 27, 3, 30, tzinfo=UTC)) == date(
        2026, 11, 26
    )
    # 02:30 UTC is still Thursday 23:30 in Santiago: the week before is the last closed one.
    assert calendar.last_closed_period_end(datetime(2026, 11, 27, 2, 30, tzinfo=UTC)) == date(
        2026, 11, 19
    )


@pytest.mark.parametrize(
    ("period_end", "cutoff_utc"),
    [
        # Summer time (UTC-3): Friday 00:00 in Santiago is 03:00 UTC.
        (date(2026, 11, 19), datetime(2026, 11, 20, 3, 0, tzinfo=UTC)),
        # Winter time (UTC-4).
        (date(2026, 7, 2), datetime(2026, 7, 3, 4, 0, tzinfo=UTC)),
        # Chile leaves summer time on the first Sunday of April 2026 (April 5): the week
        # that contains the change still ends at local midnight.
        (date(2026, 4, 9), datetime(2026, 4, 10, 4, 0, tzinfo=UTC)),
        # …and enters it on the first Sunday of September 2026 (September 6).
        (date(2026, 9, 10), datetime(2026, 9, 11, 3, 0, tzinfo=UTC)),
    ],
)
def test_the_cutoff_is_local_midnight_across_daylight_saving(
    period_end: date, cutoff_utc: datetime
) -> None:
    assert calendar.cutoff_instant(period_end) == cutoff_utc


def test_a_bare_date_is_that_day_in_santiago() -> None:
    assert calendar.local_instant("2026-09-06") == datetime(2026, 9, 6, 4, 0, tzinfo=UTC)
    # Santiago skips 00:00-01:00 on that Sunday; a time given with an offset is taken as is.
    assert calendar.local_instant("2026-11-19T23:59:59-03:00") < calendar.cutoff_instant(
        date(2026, 11, 19)
    )
    assert calendar.local_instant("2026-11-20T00:00:00") == calendar.cutoff_instant(
        date(2026, 11, 19)
    )


def test_payment_is_two_chilean_banking_days_later() -> None:
    assert calendar.payment_date(date(2026, 11, 25)) == date(2026, 11, 27)  # Wed → Fri
    assert calendar.payment_date(date(2026, 11, 26)) == date(2026, 11, 30)  # over a weekend
    # 18 and 19 September are national holidays (Fiestas Patrias), a Friday and a Saturday
    # in 2026: a settlement on Wednesday the 16th counts Thursday, then Monday the 21st.
    assert calendar.payment_date(date(2026, 9, 16)) == date(2026, 9, 21)
    # 25 December 2026 is a Friday holiday.
    assert calendar.payment_date(date(2026, 12, 23)) == date(2026, 12, 28)


def test_payment_date_counts_the_same_days_as_counting_them_one_by_one() -> None:
    import holidays

    chile = holidays.country_holidays("CL")

    def counted(settled_on: date) -> date:
        day, remaining = settled_on, calendar.PAYMENT_BANKING_DAYS
        while remaining:
            day += timedelta(days=1)
            if day.weekday() < 5 and day not in chile:
                remaining -= 1
        return day

    day = date(2024, 1, 1)
    while day < date(2031, 1, 1):
        assert calendar.payment_date(day) == counted(day), day
        day += timedelta(days=1)


def test_weekends_and_public_holidays_are_not_banking_days() -> None:
    assert calendar.is_banking_day(date(2026, 11, 27))  # a Friday
    assert not calendar.is_banking_day(date(2026, 11, 28))  # a Saturday
    assert not calendar.is_banking_day(date(2026, 9, 18))  # Fiestas Patrias
    # A settlement on a holiday or a weekend still counts two banking days after it.
    assert calendar.payment_date(date(2026, 9, 19)) == date(2026, 9, 22)
    assert calendar.payment_date(date(2026, 11, 28)) == date(2026, 12, 1)
