"""Business hours, pure: Monday–Friday 09:00–18:00 America/Mexico_City, minus Mexico's
statutory holidays (the `holidays` package, public category: the days of LFT art. 74).

Durations are counted in whole seconds so sums reconcile exactly; the API shows hours.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

MEXICO_CITY = ZoneInfo("America/Mexico_City")
OPENS = time(9, 0)
CLOSES = time(18, 0)
SECONDS_PER_DAY = 9 * 3600


@lru_cache(maxsize=16)
def _holidays(year: int) -> frozenset[date]:
    # Imported here: the package builds its tables on import (~0.15 s), off the API's path.
    import holidays

    return frozenset(holidays.country_holidays("MX", years=year).keys())


def is_business_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _holidays(day.year)


def _window(day: date) -> tuple[datetime, datetime]:
    return (
        datetime.combine(day, OPENS, tzinfo=MEXICO_CITY),
        datetime.combine(day, CLOSES, tzinfo=MEXICO_CITY),
    )


def business_seconds(start: datetime, end: datetime) -> int:
    """Business seconds between two aware instants (0 when `end` is not after `start`)."""
    if end <= start:
        return 0
    # Whole seconds on both ends, so consecutive spans add up exactly.
    local_start = start.astimezone(MEXICO_CITY).replace(microsecond=0)
    local_end = end.astimezone(MEXICO_CITY).replace(microsecond=0)
    total = 0
    day = local_start.date()
    while day <= local_end.date():
        if is_business_day(day):
            opens, closes = _window(day)
            lower, upper = max(opens, local_start), min(closes, local_end)
            if upper > lower:
                total += int((upper - lower).total_seconds())
        day += timedelta(days=1)
    return total


def add_business_seconds(start: datetime, seconds: int) -> datetime:
    """The instant at which `seconds` business seconds have passed since `start`."""
    if seconds < 0:
        raise ValueError("seconds must not be negative")
    moment = start.astimezone(MEXICO_CITY)
    if seconds == 0:
        return moment
    moment = moment.replace(microsecond=0)  # whole seconds, as `business_seconds` counts
    day = moment.date()
    remaining = seconds
    while True:
        if is_business_day(day):
            opens, closes = _window(day)
            begin = max(opens, moment)
            if closes > begin:
                available = int((closes - begin).total_seconds())
                if remaining <= available:
                    return begin + timedelta(seconds=remaining)
                remaining -= available
        day += timedelta(days=1)


def elapsed_hours(start: datetime, end: datetime) -> float:
    """Business hours between two instants, to one decimal (for display)."""
    return round(business_seconds(start, end) / 3600, 1)


def due_date(start: datetime, hours: int) -> date:
    """The local date by which `hours` business hours after `start` are over."""
    return add_business_seconds(start, hours * 3600).date()
