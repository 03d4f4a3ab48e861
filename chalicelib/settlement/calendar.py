"""Settlement calendar: the week's window in Santiago and the payment date.

The window is configuration (`WINDOW_END_WEEKDAY`): by default a week runs Friday 00:00 to
Thursday 24:00 America/Santiago, and a run settles every unsettled transaction that occurred
before the end of the last closed week. All instants are compared in UTC; the conversion
goes through `zoneinfo`, so the daylight-saving changes of Chile move the UTC cut-off, not the
local one.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from typing import TYPE_CHECKING, Final
from zoneinfo import ZoneInfo

if TYPE_CHECKING:
    from holidays import HolidayBase

SANTIAGO: Final = ZoneInfo("America/Santiago")
# Weekday (Monday 0) of the last day of a settlement week: Thursday.
WINDOW_END_WEEKDAY: Final = 3
PAYMENT_BANKING_DAYS: Final = 2


def cutoff_instant(period_end: date) -> datetime:
    """The UTC instant a period ends: the day after `period_end`, 00:00 in Santiago."""
    local = datetime.combine(period_end + timedelta(days=1), time(0), tzinfo=SANTIAGO)
    return local.astimezone(UTC)


def last_closed_period_end(moment: datetime) -> date:
    """The last day of the most recent week that has fully ended at `moment`."""
    today = moment.astimezone(SANTIAGO).date()
    days_back = (today.weekday() - WINDOW_END_WEEKDAY) % 7 or 7
    return today - timedelta(days=days_back)


def local_instant(value: str) -> datetime:
    """A transaction's date or date-time as an aware UTC instant.

    A bare date is that day's 00:00 in Santiago; a date-time without an offset is Santiago
    time; one with an offset is taken as given. Raises ValueError.
    """
    text = value.strip()
    if len(text) == 10:
        moment = datetime.combine(date.fromisoformat(text), time(0), tzinfo=SANTIAGO)
    else:
        moment = datetime.fromisoformat(text)
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=SANTIAGO)
    return moment.astimezone(UTC)


def local_date(moment: datetime) -> date:
    return moment.astimezone(SANTIAGO).date()


@cache
def _chile() -> HolidayBase:
    # Imported when first needed: it stays off the API's import path.
    import holidays

    # Public holidays of Chile; the instance adds each year's on first use.
    return holidays.country_holidays("CL")


def is_banking_day(day: date) -> bool:
    """Monday to Friday and not a Chilean public holiday."""
    return _chile().is_working_day(day)


def payment_date(settled_on: date) -> date:
    """Two Chilean banking days after the settlement date."""
    return _chile().get_nth_working_day(settled_on, PAYMENT_BANKING_DAYS)
