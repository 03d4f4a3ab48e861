"""Calendar-month arithmetic: the same day n months away, clamped to the month's end."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chalicelib.kernel.months import add_months, month_end


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2028, 1, 31), 1, date(2028, 2, 29)),
        (date(2026, 12, 15), 1, date(2027, 1, 15)),
        (date(2026, 11, 25), 2, date(2027, 1, 25)),
        (date(2026, 12, 15), 12, date(2027, 12, 15)),
        (date(2026, 3, 31), 12, date(2027, 3, 31)),
        (date(2026, 5, 31), -3, date(2026, 2, 28)),
        (date(2026, 2, 15), -3, date(2025, 11, 15)),
        (date(2026, 12, 1), -6, date(2026, 6, 1)),
        (date(2026, 8, 31), -6, date(2026, 2, 28)),
        (date(2026, 1, 10), 0, date(2026, 1, 10)),
    ],
)
def test_add_months_clamps_to_the_end_of_the_month(
    start: date, months: int, expected: date
) -> None:
    assert add_months(start, months) == expected


def test_month_end() -> None:
    assert month_end(2028, 2) == date(2028, 2, 29)
    assert month_end(2026, 12) == date(2026, 12, 31)


@given(
    st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)),
    st.integers(min_value=-240, max_value=240),
)
def test_the_month_moves_by_exactly_n_and_the_day_never_grows(day: date, months: int) -> None:
    moved = add_months(day, months)
    assert (moved.year * 12 + moved.month) - (day.year * 12 + day.month) == months
    assert moved.day == min(day.day, month_end(moved.year, moved.month).day)
