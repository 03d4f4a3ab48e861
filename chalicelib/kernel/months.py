"""Calendar-month arithmetic shared by the contexts (membership dues, sick-leave visibility,
bank-statement age)."""

from __future__ import annotations

import calendar
from datetime import date


def month_end(year: int, month: int) -> date:
    """The last day of that month: `month_end(2028, 2)` → 29 Feb 2028."""
    return date(year, month, calendar.monthrange(year, month)[1])


def add_months(day: date, months: int) -> date:
    """The same day `months` calendar months later (earlier when negative), clamped to that
    month's last day: 31 Jan + 1 → 28/29 Feb; 31 May − 3 → 28 Feb."""
    year, month_index = divmod(day.year * 12 + (day.month - 1) + months, 12)
    return date(year, month_index + 1, min(day.day, month_end(year, month_index + 1).day))
