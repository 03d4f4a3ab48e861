"""Membership status over months, and money that always reconciles."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chalicelib.kernel.months import add_months
from chalicelib.payments import money, periods

days = st.dates(date(2025, 1, 1), date(2030, 12, 31))


def test_status_follows_the_date_over_the_months() -> None:
    enrolled = date(2026, 11, 25)
    assert periods.status(None, enrolled) == "pendiente"
    assert periods.months_due(None, enrolled) == 1
    paid = periods.extend(None, 1, enrolled)  # first month paid on enrolment day
    assert paid == date(2026, 12, 25)
    assert periods.status(paid, date(2026, 12, 25)) == "al_corriente"
    assert periods.months_due(paid, date(2026, 12, 20)) == 0
    assert periods.status(paid, date(2026, 12, 26)) == "vencida"
    assert periods.months_due(paid, date(2026, 12, 26)) == 1
    assert periods.months_due(paid, date(2027, 2, 26)) == 3
    # Paying while current extends from where it stands; after lapsing, from the payment day.
    assert periods.extend(paid, 2, date(2026, 12, 1)) == date(2027, 2, 25)
    assert periods.extend(paid, 1, date(2027, 3, 10)) == date(2027, 4, 10)


@given(days, st.integers(1, 12), days)
def test_paying_the_months_due_makes_a_lapsed_membership_current(
    paid_through: date, extra: int, today: date
) -> None:
    due = periods.months_due(paid_through, today)
    if periods.status(paid_through, today) == "al_corriente":
        assert due == 0
        return
    assert due >= 1
    assert periods.status(periods.extend(paid_through, due, today), today) == "al_corriente"
    # And not one month less than needed would do (when it lapsed before today's month-day).
    assert add_months(paid_through, due) >= today
    assert add_months(paid_through, due - 1) < today or due == 1


@given(days, st.integers(1, 24), st.integers(1, 24))
def test_payments_add_up_whatever_their_split(start: date, a: int, b: int) -> None:
    once = periods.extend(start, a + b, start)
    twice = periods.extend(periods.extend(start, a, start), b, start)
    assert abs((once - twice).days) <= 3  # month-end clamping only
    assert twice > start + timedelta(days=27 * (a + b))


@given(st.integers(0, 10**11))
def test_cents_round_trip_through_decimal_strings(cents: int) -> None:
    assert money.to_cents(money.to_decimal_string(cents)) == cents


@given(st.integers(1, 12), st.integers(1, 10**7))
def test_an_amount_for_months_is_exact(months: int, fee_cents: int) -> None:
    total = money.to_decimal_string(fee_cents * months)
    assert Decimal(total) == Decimal(money.to_decimal_string(fee_cents)) * months


@pytest.mark.parametrize(
    ("text", "cents"), [("450", 45000), ("450.005", 45001), ("450.004", 45000), ("0.5", 50)]
)
def test_to_cents_rounds_half_up(text: str, cents: int) -> None:
    assert money.to_cents(text) == cents


@pytest.mark.parametrize("text", ["abc", "NaN", "Infinity", ""])
def test_to_cents_refuses_what_is_not_a_number(text: str) -> None:
    with pytest.raises(ValueError, match="no es un número"):
        money.to_cents(text)


def test_display_for_people() -> None:
    assert money.display(135000) == "$1,350.00 MXN"
